//! Findings: a violation with what the pack knows about its rule.

use crate::cache::Cache;
use crate::document::{Document, Position};
use crate::engine::{EngineError, Violation};
use crate::evaluate::evaluate;
use crate::pack::Pack;

/// A failed rule on one resource, described for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The pack the rule belongs to (`control-tower`, or a directory).
    pub pack: String,
    /// The rule's name, e.g. `ecs_task_definition_nonroot_user_check`.
    pub rule: String,
    /// The control the rule implements, e.g. `CT.ECS.PR.3`, when known.
    pub control: Option<String>,
    /// The logical ID of the resource at fault, when the engine names one.
    pub resource: Option<String>,
    /// The first path the engine reports, e.g. `/Resources/Task/Properties/NetworkMode`.
    pub path: Option<String>,
    /// Every path the engine reports for this resource.
    pub paths: Vec<String>,
    /// What the rule requires, in a sentence.
    pub title: String,
    /// How to comply, when the rule says.
    pub fix: Option<String>,
    /// The control's documentation page, when known.
    pub docs: Option<String>,
    /// The control's severity (`CRITICAL`, `HIGH`, `MEDIUM`, `LOW`), when known.
    pub severity: Option<String>,
    /// What the engine found (without its positions).
    pub details: Vec<String>,
    /// Where the first path is in the template, when the template was read from text.
    pub position: Option<Position>,
}

impl Finding {
    /// The finding of `violation` of a rule of `pack`, located in `doc` when given.
    pub fn of(pack: &Pack, violation: &Violation, doc: Option<&Document>) -> Finding {
        let file = pack.file_of(&violation.rule);
        let message = violation.messages.first().map(String::as_str).unwrap_or_default();
        let (id, title, fix) = split_message(message);
        let control = id.or_else(|| file.and_then(|f| f.control.clone()));
        let title = title
            .or_else(|| file.and_then(|f| f.title.clone()))
            .or_else(|| violation.details.first().cloned())
            .unwrap_or_else(|| format!("rule `{}` failed", violation.rule));
        let path =
            violation.paths.first().cloned().or_else(|| violation.resource.as_ref().map(|r| format!("/Resources/{r}")));
        Finding {
            pack: pack.name.clone(),
            rule: violation.rule.clone(),
            control,
            resource: violation.resource.clone(),
            position: path.as_deref().and_then(|p| doc?.position(p)),
            path,
            paths: violation.paths.clone(),
            title,
            fix: fix.or_else(|| file.and_then(|f| f.fix.clone())),
            docs: file.and_then(|f| f.docs.clone()),
            severity: file.and_then(|f| f.severity.clone()),
            details: violation.details.clone(),
        }
    }

    /// The property path below the resource, e.g. `/Properties/NetworkMode`.
    pub fn property_path(&self) -> Option<&str> {
        let p = self.path.as_deref()?;
        let rest = p.strip_prefix("/Resources/")?;
        rest.find('/').map(|i| &rest[i..])
    }

    /// `[CT.ECS.PR.3] ecs_task_definition_nonroot_user_check`, or the rule alone.
    pub fn rule_label(&self) -> String {
        match &self.control {
            Some(c) => format!("[{c}] {}", self.rule),
            None => self.rule.clone(),
        }
    }
}

/// Splits a rule message written the Control Tower way, `[ID]: title
/// [FIX]: remedy`, into its parts; a message without `[ID]:` is all title.
fn split_message(message: &str) -> (Option<String>, Option<String>, Option<String>) {
    let collapse = |s: &str| Some(s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty());
    let (head, fix) = match message.split_once("[FIX]:") {
        Some((h, f)) => (h, collapse(f)),
        None => (message, None),
    };
    let head = head.trim_start();
    let (id, title) = match head.strip_prefix('[').and_then(|r| r.split_once("]:")) {
        Some((id, rest)) if !id.contains(char::is_whitespace) => (Some(id.to_owned()), collapse(rest)),
        _ => (None, collapse(head)),
    };
    (id, title, fix)
}

/// Evaluates `pack` on `documents` (cached in `cache`) and describes each
/// document's violations, in a stable order (rule, then resource).
pub fn check_documents(pack: &Pack, documents: &[&Document], cache: &Cache) -> Result<Vec<Vec<Finding>>, EngineError> {
    let found = evaluate(pack, documents, cache)?;
    Ok(found
        .iter()
        .zip(documents)
        .map(|(violations, doc)| violations.iter().map(|v| Finding::of(pack, v, Some(doc))).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_tower_messages_split_into_id_title_and_fix() {
        let (id, title, fix) = split_message(
            "[CT.ECS.PR.3]: Require any Amazon ECS task definition\n        to specify a user\n        [FIX]: Set the 'User' property.",
        );
        assert_eq!(id.as_deref(), Some("CT.ECS.PR.3"));
        assert_eq!(title.as_deref(), Some("Require any Amazon ECS task definition to specify a user"));
        assert_eq!(fix.as_deref(), Some("Set the 'User' property."));
        assert_eq!(split_message("plain words"), (None, Some("plain words".into()), None));
        assert_eq!(split_message(""), (None, None, None));
    }
}
