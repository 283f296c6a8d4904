//! Template diffs: what a change does to a stack, resource by resource.
//!
//! [`TemplateDiff::new`] compares two templates (as `serde_json::Value`s, see
//! [`parse_template`] to read JSON or YAML text) and returns plain data: the
//! resources added, removed, modified and renamed, each modified property
//! with its path, old and new value and its [`Impact`] — update in place,
//! replacement, or "may replace" — decided from the CloudFormation resource
//! schemas vendored by `scripts/vendor-schemas` (see [`crate::cfn::schema`]). Removals and
//! replacements of resources that hold state are flagged `dangerous`.
//! Rendering (text, Markdown, JSON) is the caller's business; the types
//! serialize to the JSON shape documented in the README.
//!
//! ```
//! use rcdk_constructs::diff::{parse_template, Impact, TemplateDiff};
//!
//! let old = parse_template("Resources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: 10.0.0.0/24\n").unwrap();
//! let new = parse_template(r#"{"Resources": {"Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"CidrBlock": "10.0.1.0/24"}}}}"#).unwrap();
//! let diff = TemplateDiff::new(&old, &new);
//! assert_eq!(diff.resources[0].impact, Some(Impact::Replace));
//! assert_eq!(diff.resources[0].changes[0].path, "Properties.CidrBlock");
//! ```
//!
//! Beyond what the templates say, values that read the same can change on
//! deploy (see the `knock_on` module): every reader of a replaced resource
//! (`Ref`, `Fn::GetAtt`, `Fn::Sub`), the readers of attributes an update
//! changes (a launch template's `LatestVersionNumber`), and every reader of a
//! parameter whose default changes. Those changes carry a [`Cause`], may
//! replace in turn (a subnet replaced replaces the NAT gateway inside it), and
//! make their resource a consequence of the cause ([`TemplateDiff::groups`]
//! gives the reading order: root causes first). Conditionally create-only
//! properties are decided by the documented exceptions in [`rules`], and
//! [`will_fail`] finds the changes CloudFormation cannot carry out.

mod align;
mod findings;
mod foreach;
mod knock_on;
mod model;
mod order;
mod resources;
pub mod rules;
mod same;
pub mod security;
mod value;

use serde_json::{Map, Value};

/// Templates are read with [`crate::cfn::parse_template`], re-exported here.
pub use crate::cfn::{parse_template, ParseError};
pub use model::{
    Cause, CauseKind, Change, EntryChange, Fate, Impact, PropertyChange, ResourceChange, Summary, TemplateDiff,
    ValueChange, WillFail, WillFailKind,
};
pub use order::{Group, GroupRoot};
use resources::{diff_entries, diff_resources, finish, section, tag_changes, transform_warnings};
pub use security::SecurityView;

impl TemplateDiff {
    /// Compares two templates. `old` and `new` should be objects (as from
    /// [`parse_template`]); anything else counts as an empty template.
    pub fn new(old: &Value, new: &Value) -> TemplateDiff {
        let empty = Map::new();
        let (old_x, new_x) = (old.as_object().and_then(foreach::expand), new.as_object().and_then(foreach::expand));
        let old_t = old_x.as_ref().or(old.as_object()).unwrap_or(&empty);
        let new_t = new_x.as_ref().or(new.as_object()).unwrap_or(&empty);
        let mut diff = TemplateDiff {
            resources: diff_resources(section(old_t, "Resources"), section(new_t, "Resources")),
            parameters: diff_entries(section(old_t, "Parameters"), section(new_t, "Parameters")),
            outputs: diff_entries(section(old_t, "Outputs"), section(new_t, "Outputs")),
            conditions: diff_entries(section(old_t, "Conditions"), section(new_t, "Conditions")),
            mappings: diff_entries(section(old_t, "Mappings"), section(new_t, "Mappings")),
            other: Vec::new(),
            will_fail: Vec::new(),
            warnings: Vec::new(),
            security: SecurityView::default(),
        };
        let sections = ["Resources", "Parameters", "Outputs", "Conditions", "Mappings"];
        let mut rest_old = Map::new();
        let mut rest_new = Map::new();
        for (k, v) in old_t.iter().filter(|(k, _)| !sections.contains(&k.as_str())) {
            rest_old.insert(k.clone(), v.clone());
        }
        for (k, v) in new_t.iter().filter(|(k, _)| !sections.contains(&k.as_str())) {
            rest_new.insert(k.clone(), v.clone());
        }
        diff.other = diff_entries(&rest_old, &rest_new);
        knock_on::propagate(old_t, new_t, &diff.parameters, &mut diff.resources);
        let (old_r, new_r) = (section(old_t, "Resources"), section(new_t, "Resources"));
        for r in &mut diff.resources {
            finish(r);
            if r.tags_only {
                let old_id = r.renamed_from.as_deref().unwrap_or(&r.logical_id);
                r.tag_changes = tag_changes(old_r.get(old_id), new_r.get(&r.logical_id));
            }
        }
        diff.will_fail = findings::find(section(old_t, "Resources"), section(new_t, "Resources"), &diff.resources);
        diff.will_fail.extend(findings::invalid(new_t));
        diff.warnings = transform_warnings(new_r);
        let changed: Vec<(Option<&str>, Option<&str>)> = diff
            .resources
            .iter()
            .map(|r| match r.change {
                Change::Added => (None, Some(r.logical_id.as_str())),
                Change::Removed => (Some(r.logical_id.as_str()), None),
                Change::Modified => (Some(r.logical_id.as_str()), Some(r.logical_id.as_str())),
                Change::Renamed => (r.renamed_from.as_deref(), Some(r.logical_id.as_str())),
            })
            .collect();
        diff.security = SecurityView::new(old_r, new_r, &changed);
        diff
    }

    /// The resources in reading order: root causes first, each followed by
    /// the resources that change only because of it (see [`Group`]).
    pub fn groups(&self) -> Vec<Group<'_>> {
        order::groups(self)
    }
}

/// The changes between `old` and `new` (templates as from
/// [`parse_template`](super::parse_template)) that CloudFormation will fail
/// to carry out. The same as [`TemplateDiff::new`]`(old, new).will_fail`.
pub fn will_fail(old: &Value, new: &Value) -> Vec<WillFail> {
    TemplateDiff::new(old, new).will_fail
}
