//! What `rcdk diff` found, as plain data: the JSON output's shape, and what
//! the text and Markdown renderers read.

use serde::Serialize;
use serde_json::Value;

use rcdk_constructs::analysis::reach::{self, AccessChange, Appears};
use rcdk_constructs::analysis::{Doc, StackTemplate};
use rcdk_constructs::diff::{SecurityView, Summary, TemplateDiff};

use super::resolved;

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
    /// IAM statements, managed policies and security group rules added or
    /// removed over every stack, with the counts (`statement_additions`, ...,
    /// `permissions_broadened`); each item names its stack.
    pub security: SecurityView,
    /// Paths and effective permissions that appear or disappear: the
    /// whole-app analysis' model of who can reach what, run on both sides.
    pub reachability: Vec<AccessChange>,
    /// With `--against-stack`: each SSM-typed parameter, the deployed
    /// stack's resolved value against what a deploy would resolve now.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resolved_parameters: Vec<resolved::ResolvedParameter>,
}

impl Report {
    /// Builds the report from per-stack diffs.
    pub fn new(against: String, stacks: Vec<StackDiff>) -> Report {
        let mut summary = Summary::default();
        for s in &stacks {
            summary.add(&s.summary);
        }
        let has_changes = stacks.iter().any(|s| s.status != StackStatus::Unchanged);
        let mut security = SecurityView::default();
        for s in &stacks {
            security.merge(if stacks.len() > 1 { &s.stack } else { "" }, &s.diff.security);
        }
        Report {
            version: JSON_VERSION,
            against,
            has_changes,
            summary,
            stacks,
            security,
            reachability: Vec::new(),
            resolved_parameters: Vec::new(),
        }
    }

    /// True when a path or permission appears (see [`Report::reachability`]).
    pub fn broadens_reach(&self) -> bool {
        self.reachability.iter().any(|c| c.change == Appears::Appears)
    }

    /// Adds the reachability delta of the templates compared: per stack,
    /// its name, old template (`None` when new) and new template (`None`
    /// when removed). `links` are the app's cross-stack parameters (stack,
    /// parameter, producing stack, output); the old side uses a link only
    /// where its template declares that parameter too.
    pub fn with_reachability(
        mut self,
        pairs: &[(&str, Option<&Value>, Option<&Value>)],
        links: &[(&str, &str, &str, &str)],
    ) -> Report {
        let side = |old: bool| {
            let stacks: Vec<StackTemplate<'_>> = pairs
                .iter()
                .filter_map(|&(name, o, n)| {
                    let doc = Doc::from_json(if old { o? } else { n? }, None).ok()?;
                    let inputs = links
                        .iter()
                        .filter(|l| l.0 == name && doc.params.contains_key(l.1))
                        .map(|l| (l.1, l.2, l.3))
                        .collect();
                    Some(StackTemplate { name, doc, inputs, nested_in: None })
                })
                .collect();
            reach::access(&stacks)
        };
        let (old, new) = (side(true), side(false));
        self.reachability = reach::delta(&old, &new);
        self
    }
}
