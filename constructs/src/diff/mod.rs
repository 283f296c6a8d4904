//! Template diffs: what a change does to a stack, resource by resource.
//!
//! [`TemplateDiff::new`] compares two templates (as `serde_json::Value`s, see
//! [`parse_template`] to read JSON or YAML text) and returns plain data: the
//! resources added, removed, modified and renamed, each modified property
//! with its path, old and new value and its [`Impact`] — update in place,
//! replacement, or "may replace" — decided from the CloudFormation resource
//! schemas vendored by `scripts/vendor-schemas` (see [`schema`]). Removals and
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
mod order;
pub mod rules;
pub mod security;
mod value;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::cfn::schema;
/// Templates are read with [`crate::cfn::parse_template`], re-exported here.
pub use crate::cfn::{parse_template, ParseError};
pub use findings::{will_fail, WillFail, WillFailKind};
pub use order::{Group, GroupRoot};
pub use security::SecurityView;
use value::{lookup, render_path, same, Path, Seg};

/// How an entry differs between the two templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the new template.
    Added,
    /// Only in the old template.
    Removed,
    /// In both, different.
    Modified,
    /// A resource whose logical ID changed while its type and properties
    /// stayed the same: CloudFormation creates the new one and deletes the old.
    Renamed,
}

/// What CloudFormation does to a resource because of a change. Ordered from
/// harmless to most disruptive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// No change to the physical resource (`DependsOn`, `Metadata`, policies).
    None,
    /// Updated in place; the physical ID stays.
    Update,
    /// Replaced in some cases (conditionally create-only properties), or rcdk
    /// has no schema for the type and cannot tell.
    MayReplace,
    /// Replaced: a new physical resource is created and the old one deleted.
    Replace,
}

impl Impact {
    /// A short label: `no change`, `update`, `may replace`, `replace`.
    pub fn label(self) -> &'static str {
        match self {
            Impact::None => "no change",
            Impact::Update => "update",
            Impact::MayReplace => "may replace",
            Impact::Replace => "replace",
        }
    }
}

/// What happens to the old physical resource when a resource leaves the
/// stack (removal) or is replaced: its `DeletionPolicy` or
/// `UpdateReplacePolicy` decides
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html>,
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fate {
    /// Deleted (the default).
    Deleted,
    /// Kept in the account, no longer managed by the stack (`Retain`,
    /// `RetainExceptOnCreate`): orphaned, not deleted.
    Retained,
    /// Deleted after CloudFormation takes a final snapshot (`Snapshot`).
    Snapshot,
}

impl Fate {
    /// `deleted`, `retained (orphaned)`, `deleted after a final snapshot`.
    pub fn label(self) -> &'static str {
        match self {
            Fate::Deleted => "deleted",
            Fate::Retained => "retained (orphaned)",
            Fate::Snapshot => "deleted after a final snapshot",
        }
    }

    fn of(policy: &str) -> Fate {
        match policy {
            "Retain" | "RetainExceptOnCreate" => Fate::Retained,
            "Snapshot" => Fate::Snapshot,
            _ => Fate::Deleted,
        }
    }
}

/// One difference inside a value, e.g. in a parameter or an output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueChange {
    /// Where, relative to the entry, e.g. `Default` or `Value.Fn::Join[1]`. Empty for the whole value.
    pub path: String,
    /// The old value; absent when added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value; absent when removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// One difference inside a resource, with what it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyChange {
    /// Where, relative to the resource: `Properties.CidrBlock`,
    /// `Properties.Tags[2].Value`, `DependsOn`, `DeletionPolicy`, `Type`.
    pub path: String,
    /// The old value; absent when added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value; absent when removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// What CloudFormation does because of this change.
    pub impact: Impact,
    /// Why, in words (e.g. "`CidrBlock` is create-only").
    pub reason: String,
    /// When the template text did not change here but the value will: the
    /// logical ID of the replaced resource this value refers to (`old` and
    /// `new` are then the same reference). Set only when [`PropertyChange::cause`]
    /// is [`CauseKind::Replaced`], as in version 1 of the JSON shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<String>,
    /// When the template text did not change here but the value will (or may):
    /// what changes it. Absent for changes written in the template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
}

/// Why a value that reads the same in both templates changes on deploy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// What happens to the thing it refers to.
    pub kind: CauseKind,
    /// The logical ID of the resource, parameter or condition referred to.
    pub id: String,
}

/// What happens to the resource or parameter a value refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CauseKind {
    /// The resource is replaced: its physical ID and attributes change.
    Replaced,
    /// The resource may be replaced: the value may change.
    MayBeReplaced,
    /// The resource is updated and the attribute read here changes (e.g. a
    /// launch template's `LatestVersionNumber`).
    Updated,
    /// The resource may be updated in a way that changes the attribute read here.
    MayBeUpdated,
    /// A parameter's default changes, so its value changes on a deploy that
    /// does not pass it.
    ParameterDefault,
    /// A condition that depends on a changed parameter default.
    Condition,
}

/// A resource that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    /// The logical ID (the new one, for a rename).
    pub logical_id: String,
    /// The resource type (the new one, when it changed).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// How it differs.
    pub change: Change,
    /// For a rename: the old logical ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// For a modification or rename: the most disruptive impact of its changes.
    pub impact: Option<Impact>,
    /// True when the change destroys state or breaks whoever depends on the
    /// resource: removal or (possible) replacement of a stateful type.
    pub dangerous: bool,
    /// Sentences a reviewer should read (why it is dangerous, policies, renames).
    pub notes: Vec<String>,
    /// The property and attribute changes (empty for additions and removals).
    pub changes: Vec<PropertyChange>,
    /// When every change of this resource is a knock-on effect: the logical
    /// IDs of the resources or parameters it follows from, in order. Empty
    /// for root causes (resources edited in the template).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consequence_of: Vec<String>,
    /// For a removal, what happens to the physical resource; for a
    /// replacement, what happens to the old one. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fate: Option<Fate>,
    /// True when only the resource's `Tags` change.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tags_only: bool,
    /// For tag-only changes, each tag added (`+key=value`), removed
    /// (`-key=value`) or changed (`~key: old → new`), by key.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag_changes: Vec<String>,
}

/// A parameter, output, condition, mapping or other template section that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryChange {
    /// Its name (for top-level sections such as `Description`, the section name).
    pub name: String,
    /// How it differs.
    pub change: Change,
    /// The differences; for an added or removed entry, one change with an empty path.
    pub changes: Vec<ValueChange>,
}

/// Everything that differs between two templates. Entries are sorted by
/// logical ID / name; changes inside an entry by path.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDiff {
    /// Resources added, removed, modified or renamed.
    pub resources: Vec<ResourceChange>,
    /// `Parameters`.
    pub parameters: Vec<EntryChange>,
    /// `Outputs`.
    pub outputs: Vec<EntryChange>,
    /// `Conditions`.
    pub conditions: Vec<EntryChange>,
    /// `Mappings`.
    pub mappings: Vec<EntryChange>,
    /// Other top-level sections (`Description`, `Metadata`, `Transform`, ...).
    pub other: Vec<EntryChange>,
    /// Changes CloudFormation will refuse or fail to carry out (see [`will_fail`]).
    pub will_fail: Vec<WillFail>,
    /// What rcdk could not judge, in words (resources diffed before a
    /// transform that rewrites them, such as SAM's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// IAM statements, managed policies and security group rules added or
    /// removed (see [`security`]).
    pub security: SecurityView,
}

/// Counts over a diff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Resources added.
    pub added: usize,
    /// Resources removed from the stack (including those retained).
    pub removed: usize,
    /// Removed resources kept in the account (`DeletionPolicy: Retain`): orphaned, not deleted.
    pub retained: usize,
    /// Resources modified (including those replaced).
    pub modified: usize,
    /// Resources renamed (each one a replacement).
    pub renamed: usize,
    /// Resources replaced (modified with impact `replace`, and renames).
    pub replaced: usize,
    /// Resources that may be replaced.
    pub may_replace: usize,
    /// Dangerous resource changes.
    pub dangerous: usize,
    /// Changed parameters, outputs, conditions, mappings and other sections.
    pub other_changes: usize,
    /// Modified resources whose only changes are knock-on effects of other changes.
    pub knock_on: usize,
    /// Modified resources whose only changes are tags.
    pub tags_only: usize,
    /// Changes CloudFormation will fail to carry out.
    pub will_fail: usize,
}

impl Summary {
    /// Adds another summary's counts.
    pub fn add(&mut self, o: &Summary) {
        self.added += o.added;
        self.removed += o.removed;
        self.retained += o.retained;
        self.modified += o.modified;
        self.renamed += o.renamed;
        self.replaced += o.replaced;
        self.may_replace += o.may_replace;
        self.dangerous += o.dangerous;
        self.other_changes += o.other_changes;
        self.knock_on += o.knock_on;
        self.tags_only += o.tags_only;
        self.will_fail += o.will_fail;
    }

    /// Replaced resources that were modified in place under the same logical
    /// ID (`replaced` without the renames): part of `modified`.
    pub fn modified_replaced(&self) -> usize {
        self.replaced.saturating_sub(self.renamed)
    }
}

/// A resource's attributes besides `Type` and `Properties`.
const ATTRIBUTES: [&str; 7] =
    ["Condition", "CreationPolicy", "DeletionPolicy", "DependsOn", "Metadata", "UpdatePolicy", "UpdateReplacePolicy"];

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

    /// True when the templates are equivalent.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
            && self.parameters.is_empty()
            && self.outputs.is_empty()
            && self.conditions.is_empty()
            && self.mappings.is_empty()
            && self.other.is_empty()
    }

    /// Counts of what changed.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for r in &self.resources {
            match r.change {
                Change::Added => s.added += 1,
                Change::Removed => {
                    s.removed += 1;
                    if r.fate == Some(Fate::Retained) {
                        s.retained += 1;
                    }
                }
                Change::Modified => s.modified += 1,
                Change::Renamed => s.renamed += 1,
            }
            match r.impact {
                Some(Impact::Replace) => s.replaced += 1,
                Some(Impact::MayReplace) => s.may_replace += 1,
                _ => {}
            }
            if r.dangerous {
                s.dangerous += 1;
            }
            if r.change == Change::Modified && !r.consequence_of.is_empty() {
                s.knock_on += 1;
            }
            if r.tags_only {
                s.tags_only += 1;
            }
        }
        s.will_fail = self.will_fail.len();
        s.other_changes =
            self.parameters.len() + self.outputs.len() + self.conditions.len() + self.mappings.len() + self.other.len();
        s
    }
}

fn section<'a>(t: &'a Map<String, Value>, name: &str) -> &'a Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    t.get(name).and_then(Value::as_object).unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

fn diff_entries(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<EntryChange> {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let (o, n) = (old.get(name), new.get(name));
        let change = match (o, n) {
            (Some(_), None) => Change::Removed,
            (None, Some(_)) => Change::Added,
            _ => Change::Modified,
        };
        let mut leaves = Vec::new();
        value::diff(&mut Vec::new(), o, n, &mut leaves);
        if leaves.is_empty() {
            continue;
        }
        let changes = leaves.into_iter().map(|(p, old, new)| ValueChange { path: render_path(&p), old, new }).collect();
        out.push(EntryChange { name: name.clone(), change, changes });
    }
    out
}

fn resource_type(r: &Value) -> &str {
    r.get("Type").and_then(Value::as_str).unwrap_or("")
}

fn diff_resources(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<ResourceChange> {
    let mut changes: BTreeMap<String, ResourceChange> = BTreeMap::new();
    let mut removed: BTreeSet<&String> = BTreeSet::new();
    let mut added: BTreeSet<&String> = BTreeSet::new();
    for (id, o) in old {
        match new.get(id) {
            Some(n) => {
                let pcs = diff_resource(o, n);
                if !pcs.is_empty() {
                    changes.insert(id.clone(), modified(id, o, n, pcs, Change::Modified, None));
                }
            }
            None => {
                removed.insert(id);
            }
        }
    }
    for id in new.keys().filter(|id| !old.contains_key(*id)) {
        added.insert(id);
    }

    for (from, to) in detect_renames(old, new, &removed, &added) {
        removed.remove(&from);
        added.remove(&to);
        let (o, n) = (&old[from.as_str()], &new[to.as_str()]);
        let pcs = diff_resource(o, n);
        changes.insert(to.clone(), modified(&to, o, n, pcs, Change::Renamed, Some(from.clone())));
    }

    for id in removed {
        let o = &old[id.as_str()];
        let ty = resource_type(o).to_owned();
        let mut notes = Vec::new();
        let mut dangerous = false;
        let policy = effective_deletion_policy(o);
        let fate = Fate::of(policy);
        match (fate, schema::stateful_reason(&ty)) {
            (Fate::Retained, _) => notes.push(format!(
                "DeletionPolicy {policy} keeps it in the account, no longer managed by this stack (retained, orphaned)"
            )),
            (Fate::Snapshot, Some(reason)) => {
                dangerous = true;
                notes.push(format!(
                    "removing {ty} deletes {reason}; DeletionPolicy Snapshot takes a final snapshot first"
                ))
            }
            (Fate::Deleted, Some(reason)) => {
                dangerous = true;
                notes.push(format!("removing {ty} deletes {reason}"))
            }
            _ => {}
        }
        changes.insert(
            id.clone(),
            ResourceChange {
                logical_id: id.clone(),
                resource_type: ty,
                change: Change::Removed,
                renamed_from: None,
                impact: None,
                dangerous,
                notes,
                changes: Vec::new(),
                consequence_of: Vec::new(),
                fate: Some(fate),
                tags_only: false,
                tag_changes: Vec::new(),
            },
        );
    }
    for id in added {
        changes.insert(
            id.clone(),
            ResourceChange {
                logical_id: id.clone(),
                resource_type: resource_type(&new[id.as_str()]).to_owned(),
                change: Change::Added,
                renamed_from: None,
                impact: None,
                dangerous: false,
                notes: Vec::new(),
                changes: Vec::new(),
                consequence_of: Vec::new(),
                fate: None,
                tags_only: false,
                tag_changes: Vec::new(),
            },
        );
    }

    changes.into_values().collect()
}

/// The DeletionPolicy CloudFormation applies when the resource leaves the
/// stack: the explicit one, else `Snapshot` for RDS clusters and for
/// instances outside a cluster, else `Delete`.
fn effective_deletion_policy(r: &Value) -> &str {
    effective_policy(r, "DeletionPolicy")
}

/// The policy attribute `attr` (`DeletionPolicy` or `UpdateReplacePolicy`)
/// in effect, with the same defaults for both.
fn effective_policy<'a>(r: &'a Value, attr: &str) -> &'a str {
    if let Some(p) = r.get(attr).and_then(Value::as_str) {
        return p;
    }
    match resource_type(r) {
        "AWS::RDS::DBCluster" => "Snapshot",
        "AWS::RDS::DBInstance" if lookup(r.get("Properties"), &["DBClusterIdentifier"]).is_none() => "Snapshot",
        _ => "Delete",
    }
}

/// Builds the entry of a modified or renamed resource from its changes.
fn modified(
    id: &str,
    o: &Value,
    n: &Value,
    pcs: Vec<PropertyChange>,
    change: Change,
    renamed_from: Option<String>,
) -> ResourceChange {
    let mut rc = ResourceChange {
        logical_id: id.to_owned(),
        resource_type: resource_type(n).to_owned(),
        change,
        renamed_from,
        impact: None,
        dangerous: false,
        notes: Vec::new(),
        changes: pcs,
        consequence_of: Vec::new(),
        fate: None,
        tags_only: false,
        tag_changes: Vec::new(),
    };
    if let Some(from) = &rc.renamed_from {
        rc.notes.push(format!(
            "replacement caused by a rename: the logical ID changed from {from} to {id}, so CloudFormation creates a new resource and deletes the old one"
        ));
    }
    for attr in ["DeletionPolicy", "UpdateReplacePolicy"] {
        let (a, b) = (o.get(attr).and_then(Value::as_str), n.get(attr).and_then(Value::as_str));
        if a != b {
            let meaning = match (attr, b) {
                ("DeletionPolicy", Some("RetainExceptOnCreate")) => {
                    " (kept when removed or when the stack is deleted; deleted only by the rollback of the deploy that creates it)"
                }
                _ => "",
            };
            rc.notes.push(format!(
                "{attr} changes from {} to {}{meaning}",
                a.unwrap_or("(default)"),
                b.unwrap_or("(default)")
            ));
        }
    }
    refresh(&mut rc, o, n);
    rc
}

/// Recomputes a modified resource's impact and danger from its changes.
fn refresh(rc: &mut ResourceChange, o: &Value, n: &Value) {
    let mut impact = rc.changes.iter().map(|c| c.impact).max().unwrap_or(Impact::None);
    if rc.change == Change::Renamed {
        impact = Impact::Replace;
    }
    rc.impact = Some(impact);
    rc.fate = match impact {
        Impact::Replace | Impact::MayReplace => Some(Fate::of(effective_policy(n, "UpdateReplacePolicy"))),
        _ => None,
    };
    rc.notes.retain(|n| !n.starts_with("replacing ") && !n.starts_with("may replace "));
    rc.dangerous = false;
    if let Some(reason) = schema::stateful_reason(resource_type(o)).or(schema::stateful_reason(resource_type(n))) {
        let ty = resource_type(n);
        let kept = match rc.fate {
            Some(Fate::Retained) => {
                "; UpdateReplacePolicy Retain keeps the old one (retained, orphaned), but the new one starts empty"
            }
            Some(Fate::Snapshot) => "; the old one is deleted after a final snapshot (UpdateReplacePolicy Snapshot)",
            _ => "",
        };
        match impact {
            Impact::Replace => {
                rc.dangerous = true;
                rc.notes.push(format!("replacing {ty} deletes {reason}{kept}"));
            }
            Impact::MayReplace => {
                rc.dangerous = true;
                rc.notes.push(format!("may replace {ty}, which is {reason}{kept}"));
            }
            _ => {}
        }
    }
}

/// Everything that differs inside one resource.
fn diff_resource(o: &Value, n: &Value) -> Vec<PropertyChange> {
    let mut out = Vec::new();
    if !o.is_object() || !n.is_object() {
        if !same(o, n) {
            out.push(PropertyChange {
                path: String::new(),
                old: Some(o.clone()),
                new: Some(n.clone()),
                impact: Impact::MayReplace,
                reason:
                    "not a resource (a resource is a mapping with a `Type`): rcdk cannot tell what CloudFormation does"
                        .into(),
                caused_by: None,
                cause: None,
            });
        }
        return out;
    }
    let (ot, nt) = (resource_type(o), resource_type(n));
    if ot != nt {
        out.push(PropertyChange {
            path: "Type".into(),
            old: Some(Value::String(ot.into())),
            new: Some(Value::String(nt.into())),
            impact: Impact::Replace,
            reason: "a new type is a new resource".into(),
            caused_by: None,
            cause: None,
        });
    }
    let mut leaves = Vec::new();
    let mut path: Path = vec![Seg::Key("Properties".into())];
    value::diff(&mut path, o.get("Properties"), n.get("Properties"), &mut leaves);
    for (p, old, new) in leaves {
        let (impact, reason) = property_impact(nt, &p[1..], o, n);
        out.push(PropertyChange { path: render_path(&p), old, new, impact, reason, caused_by: None, cause: None });
    }
    let mut keys: BTreeSet<&String> = BTreeSet::new();
    keys.extend(o.as_object().into_iter().flat_map(|m| m.keys()));
    keys.extend(n.as_object().into_iter().flat_map(|m| m.keys()));
    for key in keys.into_iter().filter(|k| *k != "Type" && *k != "Properties") {
        let (a, b) = (attribute(o, key), attribute(n, key));
        let mut leaves = Vec::new();
        value::diff(&mut vec![Seg::Key(key.clone())], a.as_ref(), b.as_ref(), &mut leaves);
        for (p, old, new) in leaves {
            let (impact, reason) = match key.as_str() {
                "Condition" => (
                    Impact::MayReplace,
                    "the condition decides whether the resource exists: it may be created or deleted".to_owned(),
                ),
                k if ATTRIBUTES.contains(&k) => (Impact::None, format!("{k} changes no physical resource")),
                k => (Impact::None, format!("`{k}` is not a resource attribute CloudFormation knows")),
            };
            out.push(PropertyChange { path: render_path(&p), old, new, impact, reason, caused_by: None, cause: None });
        }
    }
    out
}

/// A resource attribute in canonical form: `DependsOn` as a sorted list.
fn attribute(r: &Value, key: &str) -> Option<Value> {
    let v = r.get(key)?;
    if key == "DependsOn" {
        let mut ids: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => {
                a.iter().map(|x| x.as_str().map(str::to_owned).unwrap_or_else(|| x.to_string())).collect()
            }
            other => return Some(other.clone()),
        };
        ids.sort();
        ids.dedup();
        return Some(Value::Array(ids.into_iter().map(Value::String).collect()));
    }
    Some(v.clone())
}

/// What a change at `path` (below `Properties`) does to a resource of type
/// `ty`; `o` and `n` are the whole old and new resources.
fn property_impact(ty: &str, path: &[Seg], o: &Value, n: &Value) -> (Impact, String) {
    if ty.starts_with(SAM_PREFIX) {
        return (
            Impact::MayReplace,
            format!("{ty} is diffed before the SAM transform: replacements inside are not predicted"),
        );
    }
    // Every custom resource type is an AWS::CloudFormation::CustomResource.
    let ty = if ty.starts_with("Custom::") { "AWS::CloudFormation::CustomResource" } else { ty };
    let Some(schema) = schema::type_schema(ty) else {
        return (
            Impact::MayReplace,
            format!("rcdk has no schema for {ty}: it cannot tell whether this replaces the resource"),
        );
    };
    if !schema.updatable {
        return (Impact::Replace, format!("{ty} cannot be updated: every change replaces it"));
    }
    let keys: Vec<Option<&str>> = path
        .iter()
        .map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    let (old, new) = (o.get("Properties"), n.get("Properties"));
    if let Some(p) = schema.create_only.iter().find(|p| touches(p, &keys, old, new)) {
        return (Impact::Replace, format!("`{}` is create-only", schema::pointer_segments(p).join(".")));
    }
    if let Some(p) = schema.conditional_create_only.iter().find(|p| touches(p, &keys, old, new)) {
        let segs = schema::pointer_segments(p);
        if let Some(rule) = segs.first().and_then(|top| rules::rule_for(ty, top)) {
            return rules::apply(rule, Some(o), Some(n));
        }
        return (
            Impact::MayReplace,
            format!("`{}` replaces the resource in some cases (conditionally create-only)", segs.join(".")),
        );
    }
    (Impact::Update, "updated in place".into())
}

/// The type prefix of the resources the `AWS::Serverless-2016-10-31` transform rewrites.
const SAM_PREFIX: &str = "AWS::Serverless::";

/// A warning naming the SAM resources of the new template: rcdk diffs them as
/// written, before the transform turns them into the resources CloudFormation deploys.
fn transform_warnings(new: &Map<String, Value>) -> Vec<String> {
    let sam: Vec<&str> =
        new.iter().filter(|(_, r)| resource_type(r).starts_with(SAM_PREFIX)).map(|(id, _)| id.as_str()).collect();
    if sam.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "{} diffed before the SAM transform: replacements inside are not predicted ({})",
        if sam.len() == 1 { "1 resource is" } else { "these resources are" },
        sam.join(", ")
    )]
}

/// A resource's tags as key → value (from a `[{Key, Value}]` list or a map).
fn tags(r: Option<&Value>) -> BTreeMap<String, String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = BTreeMap::new();
    match r.and_then(|r| r.get("Properties")).and_then(|p| p.get("Tags")) {
        Some(Value::Array(items)) => {
            for item in items {
                if let Some(k) = item.get("Key") {
                    out.insert(text(k), item.get("Value").map(text).unwrap_or_default());
                }
            }
        }
        Some(Value::Object(m)) => {
            for (k, v) in m {
                out.insert(k.clone(), text(v));
            }
        }
        _ => {}
    }
    out
}

/// Tag changes in words: `+key=value`, `-key=value`, `~key: old → new`.
fn tag_changes(o: Option<&Value>, n: Option<&Value>) -> Vec<String> {
    let (a, b) = (tags(o), tags(n));
    let mut out = Vec::new();
    for (k, v) in &b {
        match a.get(k) {
            None => out.push(format!("+{k}={v}")),
            Some(w) if w != v => out.push(format!("~{k}: {w} → {v}")),
            _ => {}
        }
    }
    for (k, v) in a.iter().filter(|(k, _)| !b.contains_key(*k)) {
        out.push(format!("-{k}={v}"));
    }
    out
}

/// Marks a finished resource entry: what it is a consequence of, and whether only tags change.
fn finish(r: &mut ResourceChange) {
    if r.change != Change::Modified || r.changes.is_empty() {
        return;
    }
    if r.changes.iter().all(|c| c.cause.is_some()) {
        let mut ids: Vec<String> = Vec::new();
        for c in &r.changes {
            if let Some(cause) = &c.cause {
                if !ids.contains(&cause.id) {
                    ids.push(cause.id.clone());
                }
            }
        }
        r.consequence_of = ids;
    }
    r.tags_only = r.changes.iter().all(|c| {
        c.cause.is_none()
            && c.impact <= Impact::Update
            && (c.path == "Properties.Tags"
                || c.path.starts_with("Properties.Tags.")
                || c.path.starts_with("Properties.Tags["))
    });
}

/// True when a change at `keys` (map keys; `None` for list indices) affects
/// the property at JSON pointer `pointer`: the change is at or below it, or
/// above it with the value at the pointer different.
fn touches(pointer: &str, keys: &[Option<&str>], old: Option<&Value>, new: Option<&Value>) -> bool {
    let segs = schema::pointer_segments(pointer);
    let named: Vec<&str> = keys.iter().flatten().copied().collect();
    let pointer_keys: Vec<&str> = segs.into_iter().filter(|s| *s != "*").collect();
    if pointer_keys.len() <= named.len() {
        return pointer_keys.iter().zip(&named).all(|(a, b)| a == b);
    }
    if !named.iter().zip(&pointer_keys).all(|(a, b)| a == b) || keys.iter().any(Option::is_none) {
        return false;
    }
    match (lookup(old, &pointer_keys), lookup(new, &pointer_keys)) {
        (None, None) => false,
        (Some(a), Some(b)) => !same(a, b),
        _ => true,
    }
}

/// Pairs of removed and added resources with the same type and the same
/// properties — up to references to other renamed resources and the `Name`
/// tag rcdk derives from the construct path. A pair counts only when the
/// match is unique both ways.
fn detect_renames(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    removed: &BTreeSet<&String>,
    added: &BTreeSet<&String>,
) -> Vec<(String, String)> {
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut candidates: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
        let mut taken_by: BTreeMap<&String, usize> = BTreeMap::new();
        for r in removed.iter().filter(|r| !renames.contains_key(r.as_str())) {
            let o = &old[r.as_str()];
            let o_props = rename_key(o.get("Properties"), &renames);
            for a in added.iter().filter(|a| !renames.values().any(|v| v == a.as_str())) {
                let n = &new[a.as_str()];
                if resource_type(o) == resource_type(n)
                    && same(&o_props, &rename_key(n.get("Properties"), &BTreeMap::new()))
                {
                    candidates.entry(r).or_default().push(a);
                    *taken_by.entry(a).or_default() += 1;
                }
            }
        }
        let before = renames.len();
        for (r, list) in candidates {
            if let [a] = list.as_slice() {
                if taken_by.get(a) == Some(&1) {
                    renames.insert(r.clone(), (*a).clone());
                }
            }
        }
        if renames.len() == before {
            break;
        }
    }
    renames.into_iter().collect()
}

/// Properties with references rewritten through `renames` and `Name` tags dropped.
fn rename_key(props: Option<&Value>, renames: &BTreeMap<String, String>) -> Value {
    fn walk(v: &Value, renames: &BTreeMap<String, String>, key: Option<&str>) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    let x = match (k.as_str(), x) {
                        ("Ref", Value::String(id)) => {
                            Value::String(renames.get(id).cloned().unwrap_or_else(|| id.clone()))
                        }
                        ("Fn::GetAtt", Value::Array(parts)) if !parts.is_empty() => {
                            let mut parts = parts.clone();
                            if let Some(Value::String(id)) = parts.first() {
                                if let Some(to) = renames.get(id) {
                                    parts[0] = Value::String(to.clone());
                                }
                            }
                            Value::Array(parts)
                        }
                        ("Fn::Sub", Value::String(s)) => Value::String(rename_in_sub(s, renames)),
                        _ => walk(x, renames, Some(k)),
                    };
                    out.insert(k.clone(), x);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .filter(|i| !(key == Some("Tags") && i.get("Key").and_then(Value::as_str) == Some("Name")))
                    .map(|i| walk(i, renames, None))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    props.map(|p| walk(p, renames, None)).unwrap_or(Value::Null)
}

fn rename_in_sub(s: &str, renames: &BTreeMap<String, String>) -> String {
    let mut out = s.to_owned();
    for (from, to) in renames {
        out = out
            .replace(&format!("${{{from}}}"), &format!("${{{to}}}"))
            .replace(&format!("${{{from}."), &format!("${{{to}."));
    }
    out
}
