//! One finding of a deploy- or destroy-time check: a typed diagnostic (its
//! code from the registry, so `rcdk explain CODE` teaches it) about a stack
//! and, when one, a resource, with the fix. Errors refuse the command (exit
//! 1, nothing changed); warnings are printed and the command goes on.

use std::collections::BTreeSet;
use std::fmt;

use rcdk_constructs::core::{DiagnosticCode, Severity};

use crate::failure::Failure;

/// One finding of a deploy-time check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The code, e.g. `ecr:image-missing`, defined by the check that reports it.
    pub code: DiagnosticCode,
    /// The stack it is about.
    pub stack: String,
    /// The resource (logical ID) it is about, when one.
    pub resource: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The fix.
    pub help: String,
}

impl Finding {
    /// A finding with code `code` about `stack`.
    pub fn new(
        code: impl Into<DiagnosticCode>,
        stack: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            code: code.into(),
            stack: stack.to_owned(),
            resource: None,
            message: message.into(),
            help: help.into(),
        }
    }

    /// About this resource (builder style).
    pub fn at(mut self, logical_id: &str) -> Finding {
        self.resource = Some(logical_id.to_owned());
        self
    }

    /// The severity the code is defined with.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

impl fmt::Display for Finding {
    /// `stack `s`: message\n  resource: R [code]\n  help: fix`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stack `{}`: {}", self.stack, self.message)?;
        match &self.resource {
            Some(r) => write!(f, "\n  resource: {r} [{}]", self.code)?,
            None => write!(f, " [{}]", self.code)?,
        }
        write!(f, "\n  help: {}", self.help)
    }
}

/// Prints warnings with `say` and turns errors into one [`Failure`] (exit
/// 1): every error is listed, each with its own `help:`; the failure's help
/// starts with `unchanged` ("nothing was created") and names the codes.
pub fn check(findings: Vec<Finding>, say: impl Fn(&str), unchanged: &str) -> Result<(), Failure> {
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.severity() == Severity::Error);
    for w in &warnings {
        say(&format!("warning: {w}"));
    }
    if errors.is_empty() {
        return Ok(());
    }
    let codes: BTreeSet<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    let message: Vec<String> = errors.iter().map(ToString::to_string).collect();
    Err(Failure::no(message.join("\nerror: ")).help(format!(
        "{unchanged}; `rcdk explain {}` says more",
        codes.into_iter().collect::<Vec<_>>().join("`, `rcdk explain ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_read_like_synth_problems() {
        let f = Finding::new(crate::deploy_time::Code::ImageMissing, "todo-prod", "image `x:1` is gone", "push it")
            .at("Task");
        assert_eq!(
            f.to_string(),
            "stack `todo-prod`: image `x:1` is gone\n  resource: Task [ecr:image-missing]\n  help: push it"
        );
        assert_eq!(f.severity(), Severity::Error);
        let w = Finding::new(crate::deploy_time::Code::ServiceLinkedRoleMissing, "s", "m", "h");
        assert_eq!(w.severity(), Severity::Warning);
        assert_eq!(w.to_string(), "stack `s`: m [ecs:service-linked-role-missing]\n  help: h");
        let said = std::cell::RefCell::new(Vec::new());
        let err = check(vec![f, w], |l| said.borrow_mut().push(l.to_owned()), "nothing was deleted").unwrap_err();
        assert_eq!(said.borrow().len(), 1, "the warning is printed");
        assert_eq!(err.exit, 1);
        assert_eq!(err.help.as_deref(), Some("nothing was deleted; `rcdk explain ecr:image-missing` says more"));
    }
}
