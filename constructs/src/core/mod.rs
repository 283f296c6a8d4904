//! The construct tree: an [`App`] holds [`Stack`]s; constructs add resources
//! to a stack under a [`ConstructPath`], which gives each resource its
//! logical ID.

pub(crate) mod app;
mod arn;
pub mod compliance;
pub mod context;
pub mod diagnostic;
pub(crate) mod escape;
mod path;
mod props;
pub(crate) mod stack;
pub(crate) mod tags;
pub mod validation;

pub use crate::cfn::{FieldPath, FieldSegment, RustField};
pub use app::{stack_name_duplicate, App, Provenance, Synthesis, SynthesizedStack};
pub use arn::Arn;
pub use compliance::{RulePack, Suppression, Suppressions};
pub use context::{Context, ContextError, CONTEXT_FILE};
pub use diagnostic::{Definition, DiagnosticCode, Registered, Severity, SourceLocation};
pub use escape::{DependsOn, RawResource, ResourceOverride};
pub use path::{pascal_case, pascal_case_into, ConstructPath};
pub use props::{role_arn_account, StackInput, StackProps, MAX_DESCRIPTION_BYTES};
pub use stack::{Acknowledgement, Stack};
pub use tags::{tag_format, tag_problem, TagFormat, MAX_TAGS_PER_RESOURCE, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS};
pub use validation::{Origins, StackView};
