//! What reading and synthesizing app files reports: problems located at
//! `file:line:column`, their field path and construct.

use std::fmt;
use std::path::PathBuf;

use super::Position;
use crate::failure::Failure;

/// One problem in an app file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The app file.
    pub file: PathBuf,
    /// Where in it, when known.
    pub position: Option<Position>,
    /// The field path, e.g. `stacks[0].vpc.cidr`. Empty for the whole file.
    pub field: String,
    /// The construct path, when the problem came from a construct.
    pub construct: Option<String>,
    /// A stable code, e.g. `vpc:cidr-invalid` (`app-file:yaml-syntax`, `app-file:schema` for
    /// problems found while reading the file; a Rust app's own codes too).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// For a failed rule of a rule pack: the rule, for reports (SARIF) that
    /// describe rules apart from their results.
    pub rule: Option<Box<RuleRef>>,
}

/// A rule of a rule pack, as reports describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    /// The pack (`control-tower`, or a directory of `.guard` files).
    pub pack: String,
    /// The rule's name, e.g. `ecs_task_definition_nonroot_user_check`.
    pub name: String,
    /// The control it implements, e.g. `CT.ECS.PR.3`, when known.
    pub control: Option<String>,
    /// What the rule requires.
    pub title: String,
    /// How to comply, when known.
    pub fix: Option<String>,
    /// The control's documentation page, when known.
    pub docs: Option<String>,
    /// `CRITICAL`, `HIGH`, `MEDIUM` or `LOW`, when known.
    pub severity: Option<String>,
    /// The resource at fault (logical ID) and the path below it, when known.
    pub resource: Option<String>,
    /// The path the engine reported, e.g. `/Resources/Task/Properties/NetworkMode`.
    pub path: Option<String>,
    /// The reason of the suppression that accepted the finding.
    pub suppressed: Option<String>,
}

impl RuleRef {
    /// The id reports file results under: the control id, else the rule name.
    pub fn id(&self) -> &str {
        self.control.as_deref().unwrap_or(&self.name)
    }

    /// The description of a finding of the guard crate.
    pub fn of(f: &rcdk_guard::Finding, suppressed: Option<String>) -> RuleRef {
        RuleRef {
            pack: f.pack.clone(),
            name: f.rule.clone(),
            control: f.control.clone(),
            title: f.title.clone(),
            fix: f.fix.clone(),
            docs: f.docs.clone(),
            severity: f.severity.clone(),
            resource: f.resource.clone(),
            path: f.path.clone(),
            suppressed,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(c) = &self.construct {
            write!(f, "\n  construct: {c} [{}]", self.code)?;
        } else {
            write!(f, " [{}]", self.code)?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// What a synthesis reports besides its errors, located in the app files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reported {
    /// Legal but risky; `--deny-warnings` makes them errors.
    pub warnings: Vec<Problem>,
    /// Warnings the app acknowledged as deliberate choices, each with its reason.
    pub notes: Vec<Problem>,
}

/// Every problem found in one or more app files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// App-file problems are bad input (exit 2), listed one per problem.
impl From<Problems> for Failure {
    fn from(p: Problems) -> Self {
        let n = p.0.len();
        let mut message = p.to_string();
        if n > 1 {
            message.push_str(&format!("\n{n} problems found; nothing was written"));
        }
        Failure::input(message)
    }
}
