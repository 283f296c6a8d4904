//! The construct tree: an [`App`] holds [`Stack`]s; constructs add resources
//! to a stack under a [`ConstructPath`], which gives each resource its
//! logical ID.

mod app;
pub mod compliance;
mod escape;
mod path;
mod stack;
mod tags;

pub use app::{App, Provenance, Synthesis, SynthesizedStack};
pub use compliance::{RulePack, Suppression, Suppressions};
pub use escape::ResourceOverride;
pub use path::{pascal_case, pascal_case_into, ConstructPath, FieldPath, FieldSegment};
pub use stack::{role_arn_account, Acknowledgement, Stack, StackInput, StackProps, SUPPRESSION_NO_REASON};
pub use tags::{tag_format, tag_problem, TagFormat, MAX_TAGS_PER_RESOURCE, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS};
