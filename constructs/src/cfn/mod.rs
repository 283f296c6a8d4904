//! The CloudFormation model: templates, resources, parameters, outputs,
//! intrinsic functions, CloudFormation's own limits, rendering to JSON or
//! YAML, reading templates back ([`parse_template`], [`Template::from_value`]),
//! and the resource provider schemas of every registry type ([`schema`]).
//!
//! Property values are [`serde_json::Value`]s (key order preserved), built with
//! [`serde_json::json!`] and the typed [`Intrinsic`] functions:
//!
//! ```
//! use rcdk_constructs::cfn::{Intrinsic, Resource, Template};
//! use serde_json::json;
//!
//! let mut template = Template::new();
//! template.resources.insert(
//!     "Bucket".into(),
//!     Resource::new("AWS::S3::Bucket")
//!         .prop("BucketName", Intrinsic::sub("${AWS::StackName}-logs")),
//! );
//! let yaml = template.to_yaml().unwrap();
//! assert!(yaml.contains("Fn::Sub: ${AWS::StackName}-logs"));
//! ```

mod check;
mod field;
mod intrinsic;
mod parse;
mod read;
mod render;
pub mod schema;
mod template;
pub mod validate;
pub mod yaml;

pub use check::{
    check_template, logical_id_problem, TemplateProblem, MAX_LOGICAL_ID_LEN, MAX_MAPPINGS, MAX_OUTPUTS, MAX_PARAMETERS,
    MAX_RESOURCES, MAX_TEMPLATE_BODY_INLINE_BYTES, MAX_TEMPLATE_BYTES,
};
pub use field::{FieldPath, FieldSegment, RustField};
pub use intrinsic::{Intrinsic, Pseudo};
pub use parse::{parse_template, short_form, ParseError};
pub use read::ReadError;
pub use render::{Format, RenderError};
pub use template::{DeletionPolicy, Output, Parameter, ParameterType, Resource, Template, TEMPLATE_FORMAT_VERSION};

/// A property value: JSON with key order preserved. Intrinsic functions render
/// into it through `From<Intrinsic>`.
pub type Value = serde_json::Value;
