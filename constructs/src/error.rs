//! Validation errors: what is wrong, in which construct, at which field, and
//! how to fix it.

use std::fmt;

use std::panic::Location;

use crate::core::{ConstructPath, DiagnosticCode, FieldPath, Severity};

/// One problem found while building or validating an app: an error, a
/// warning, or a note (an acknowledged warning).
///
/// `code` is stable (scripts and tests may match on it) and typed: it names
/// the code's one definition (see [`crate::core::diagnostic`]), which gives
/// the severity. `field` is the path of the offending value in the app's
/// props (`stacks[0].vpc.cidr`), which the app-file reader turns into
/// `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Stable identifier, e.g. `vpc:cidr-invalid`.
    pub code: DiagnosticCode,
    /// How bad it is: the code's severity, or [`Severity::Note`] once acknowledged.
    pub severity: Severity,
    /// The construct that reported it.
    pub construct: ConstructPath,
    /// The offending field in the app's props. Root when not tied to one field.
    pub field: FieldPath,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when known (by default the code's own `help`).
    pub help: Option<String>,
    /// The line of a Rust program that registered the check that found it
    /// (`Stack::add_validation`, `App::add_check`); `None` for rcdk's own.
    pub location: Option<&'static Location<'static>>,
}

impl ValidationError {
    /// A new problem with `code` for `construct`, not yet tied to a field; its
    /// severity and default help come from the code's definition.
    pub fn new(code: impl Into<DiagnosticCode>, construct: &ConstructPath, message: impl Into<String>) -> Self {
        let code = code.into();
        ValidationError {
            code,
            severity: code.severity(),
            construct: construct.clone(),
            field: FieldPath::root(),
            message: message.into(),
            help: code.definition().help.map(str::to_owned),
            location: None,
        }
    }

    /// Records where in a Rust program it comes from (builder style).
    pub fn located(mut self, location: &'static Location<'static>) -> Self {
        self.location = Some(location);
        self
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

impl ValidationError {
    /// The field as the user wrote it: in Rust (`environment["DB_HOST"]`,
    /// see [`FieldPath::rust`]) when a Rust program's line reported it, else
    /// as an app file spells it (`environment.DB_HOST`). Empty at the root.
    pub fn field_text(&self) -> String {
        match self.location {
            Some(_) => self.field.rust().to_string(),
            None => self.field.to_string(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.field.is_root() {
            write!(f, " (at `{}`", self.field_text())?;
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
