//! What `rcdk diff` found, as plain data: the JSON output's shape, and what
//! the text and Markdown renderers read.

use serde::Serialize;
use serde_json::Value;

use rcdk_constructs::diff::{Summary, TemplateDiff};

/// The version of the JSON shape; bumped only on incompatible changes.
pub const JSON_VERSION: u32 = 1;

/// Whether a stack is new, changed or the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StackStatus {
    /// No template on the other side: every resource is new.
    Added,
    /// The templates differ.
    Modified,
    /// The templates are equivalent.
    Unchanged,
    /// Only the old side has a template (`rcdk diff OLD_DIR NEW_DIR`): every resource is removed.
    Removed,
}

/// The diff of one stack.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackDiff {
    /// The stack name.
    pub stack: String,
    /// Where its old template came from, e.g. `templates/todo-prod.yaml`.
    pub old_template: Option<String>,
    /// Whether it is new, changed or the same.
    pub status: StackStatus,
    /// Counts over `diff`.
    pub summary: Summary,
    /// What changed.
    #[serde(flatten)]
    pub diff: TemplateDiff,
}

impl StackDiff {
    /// Compares a stack's old template (`None` when there is none) with its new one.
    pub fn new(stack: &str, old: Option<(String, &Value)>, new: &Value) -> StackDiff {
        let empty = Value::Object(Default::default());
        let diff = TemplateDiff::new(old.as_ref().map(|(_, v)| *v).unwrap_or(&empty), new);
        let status = match (&old, diff.is_empty()) {
            (None, _) => StackStatus::Added,
            (Some(_), true) => StackStatus::Unchanged,
            (Some(_), false) => StackStatus::Modified,
        };
        StackDiff { stack: stack.to_owned(), old_template: old.map(|(s, _)| s), status, summary: diff.summary(), diff }
    }

    /// A stack only the old side has: every resource is removed.
    pub fn removed(stack: &str, old_label: String, old: &Value) -> StackDiff {
        let empty = Value::Object(Default::default());
        let diff = TemplateDiff::new(old, &empty);
        StackDiff {
            stack: stack.to_owned(),
            old_template: Some(old_label),
            status: StackStatus::Removed,
            summary: diff.summary(),
            diff,
        }
    }
}

/// Everything `rcdk diff` found: the JSON output's top level.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// [`JSON_VERSION`].
    pub version: u32,
    /// What the app was compared against, e.g. `templates/`, `git origin/main`, `deployed stacks`.
    pub against: String,
    /// True when any stack differs.
    pub has_changes: bool,
    /// Counts over every stack.
    pub summary: Summary,
    /// One entry per stack of the app, in deployment order.
    pub stacks: Vec<StackDiff>,
}

impl Report {
    /// Builds the report from per-stack diffs.
    pub fn new(against: String, stacks: Vec<StackDiff>) -> Report {
        let mut summary = Summary::default();
        for s in &stacks {
            summary.add(&s.summary);
        }
        let has_changes = stacks.iter().any(|s| s.status != StackStatus::Unchanged);
        Report { version: JSON_VERSION, against, has_changes, summary, stacks }
    }
}
