//! Validation hooks: checks that run once the construct tree is complete,
//! on the finished templates (the AWS CDK's `node.addValidation`).
//!
//! A construct registers the checks it needs on its stack
//! ([`Stack::add_validation`]: the load balancer its quotas); whatever needs
//! every stack at once registers on the app ([`App::add_check`]: the
//! whole-app analysis, registered by the front doors). [`App::synth`] runs
//! what it is handed, in the order it was registered, without knowing what
//! each one checks. A Rust app adds its own the same way; their findings
//! carry the line of the program that registered them:
//!
//! ```
//! use rcdk_constructs::cfn::{Format, Resource};
//! use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
//! use rcdk_constructs::ValidationError;
//!
//! rcdk_constructs::codes! {
//!     /// My app's codes.
//!     enum Code {
//!         TopicUnnamed => error("myapp:topic-unnamed") {
//!             title: "a topic has no display name",
//!             explanation: "Every topic of this app has a `DisplayName`, shown in the emails it sends.",
//!         },
//!     }
//! }
//! impl rcdk_constructs::core::Registered for Code {}
//!
//! let mut stack = Stack::new(StackProps { name: "demo".into(), ..Default::default() }, FieldPath::root());
//! let path = stack.root().child("Alerts");
//! stack.add_resource(&path, Resource::new("AWS::SNS::Topic"));
//! stack.add_validation(|view| {
//!     view.template
//!         .resources
//!         .iter()
//!         .filter(|(_, r)| r.resource_type == "AWS::SNS::Topic" && !r.properties.contains_key("DisplayName"))
//!         .map(|(id, _)| {
//!             let (construct, field) = view.origin(id);
//!             ValidationError::new(Code::TopicUnnamed, &construct, format!("topic {id} has no display name"))
//!                 .field(field)
//!         })
//!         .collect()
//! });
//! let mut app = App::new();
//! app.add_stack(stack);
//! let errors = app.synth(Format::Yaml).unwrap_err();
//! assert_eq!(errors.0[0].code, "myapp:topic-unnamed");
//! assert_eq!(errors.0[0].construct.to_string(), "demo/Alerts");
//! assert!(errors.0[0].location.is_some_and(|l| l.file().ends_with(".rs")), "located at the add_validation call");
//! ```
//!
//! [`Stack::add_validation`]: super::Stack::add_validation
//! [`App::add_check`]: super::App::add_check
//! [`App::synth`]: super::App::synth

use std::collections::BTreeMap;
use std::fmt;
use std::panic::Location;
use std::sync::Arc;

use super::{ConstructPath, FieldPath, StackInput, StackProps};
use crate::cfn::Template;
use crate::error::ValidationError;

/// Where each resource of a stack came from, by logical ID: the construct
/// that added it and the field scope (in the app's props) it was added in.
pub type Origins = BTreeMap<String, (ConstructPath, FieldPath)>;

/// A finished stack, as a check reads it: its props, its template (tags
/// applied, escape hatches in), and where each resource came from.
#[derive(Debug, Clone, Copy)]
pub struct StackView<'a> {
    /// The stack's props.
    pub props: &'a StackProps,
    /// The finished template.
    pub template: &'a Template,
    /// The parameters fed by other stacks' outputs.
    pub inputs: &'a [StackInput],
    /// Where the stack's props sit in the app's props (`stacks[0]`; the
    /// root for a stack built in Rust).
    pub field: &'a FieldPath,
    /// Where each resource came from.
    pub origins: &'a Origins,
}

impl StackView<'_> {
    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.props.name
    }

    /// The construct and field that made the resource `logical_id`; for a
    /// resource no construct made, the stack itself and its field.
    pub fn origin(&self, logical_id: &str) -> (ConstructPath, FieldPath) {
        match self.origins.get(logical_id) {
            Some((path, field)) => (path.clone(), field.clone()),
            None => (ConstructPath::root(&self.props.name), self.field.clone()),
        }
    }
}

/// What a stack's validation does: read the stack, return its findings.
pub type StackCheckFn = dyn Fn(&StackView<'_>) -> Vec<ValidationError> + Send + Sync;

/// What an app's check does: read every stack, return its findings.
pub type AppCheckFn = dyn Fn(&[StackView<'_>]) -> Vec<ValidationError> + Send + Sync;

/// A check of one stack (see [`super::Stack::add_validation`]).
#[derive(Clone)]
pub(crate) struct StackValidation {
    /// The line that registered it, given to its findings; `None` for rcdk's own.
    pub location: Option<&'static Location<'static>>,
    pub run: Arc<StackCheckFn>,
}

/// A check of the whole app (see [`super::App::add_check`]).
#[derive(Clone)]
pub(crate) struct AppCheck {
    /// Its name: registering a check of the same name replaces it.
    pub name: String,
    /// The line that registered it, given to its findings; `None` for rcdk's own.
    pub location: Option<&'static Location<'static>>,
    pub run: Arc<AppCheckFn>,
}

impl fmt::Debug for StackValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StackValidation").field("location", &self.location).finish_non_exhaustive()
    }
}

impl fmt::Debug for AppCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCheck").field("name", &self.name).field("location", &self.location).finish_non_exhaustive()
    }
}

/// Gives the findings of a check registered at `location` that location,
/// unless they name their own.
pub(crate) fn locate(
    mut found: Vec<ValidationError>,
    location: Option<&'static Location<'static>>,
) -> Vec<ValidationError> {
    if let Some(location) = location {
        for f in &mut found {
            f.location.get_or_insert(location);
        }
    }
    found
}
