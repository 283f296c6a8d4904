//! Validation errors: what is wrong, in which construct, at which field, and
//! how to fix it.

use std::fmt;

use crate::core::{ConstructPath, FieldPath};

/// One problem found while building or validating an app.
///
/// `code` is stable (scripts and tests may match on it); `field` is the path
/// of the offending value in the app's props (`stacks[0].vpc.cidr`), which the
/// app-file reader turns into `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Stable identifier, e.g. `vpc:cidr-invalid`.
    pub code: &'static str,
    /// The construct that reported it.
    pub construct: ConstructPath,
    /// The offending field in the app's props. Root when not tied to one field.
    pub field: FieldPath,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when known.
    pub help: Option<String>,
}

impl ValidationError {
    /// A new error for `construct`, not yet tied to a field.
    pub fn new(code: &'static str, construct: &ConstructPath, message: impl Into<String>) -> Self {
        ValidationError {
            code,
            construct: construct.clone(),
            field: FieldPath::root(),
            message: message.into(),
            help: None,
        }
    }

    /// Ties the error to a field, relative to the props of the construct (builder style).
    pub fn field(mut self, field: impl Into<FieldPath>) -> Self {
        self.field = field.into();
        self
    }

    /// Adds a `help:` line (builder style).
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.field.is_root() {
            write!(f, " (at `{}`", self.field)?;
        } else {
            f.write_str(" (")?;
        }
        if !self.field.is_root() {
            f.write_str(", ")?;
        }
        write!(f, "construct {}) [{}]", self.construct, self.code)
    }
}

impl std::error::Error for ValidationError {}

/// Every problem found in an app, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Errors(pub Vec<ValidationError>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) found:", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}
