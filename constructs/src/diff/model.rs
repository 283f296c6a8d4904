//! What a template diff is made of: plain data, serialized as the JSON
//! shape documented in the README.

use serde::Serialize;
use serde_json::Value;

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
    /// Changes CloudFormation will refuse or fail to carry out (see [`will_fail`](super::will_fail)).
    pub will_fail: Vec<WillFail>,
}

/// Counts over a diff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Resources added.
    pub added: usize,
    /// Resources removed.
    pub removed: usize,
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

/// Which rule a [`WillFail`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WillFailKind {
    /// A custom-named resource that must be replaced keeps its name.
    CustomNameReplaced,
    /// A new subnet's CIDR overlaps a subnet that still exists in the same VPC.
    SubnetCidrOverlap,
    /// A new NAT gateway needs an Elastic IP that an old NAT gateway still holds.
    ElasticIpInUse,
}

/// One change CloudFormation will fail to carry out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WillFail {
    /// The logical ID of the resource whose creation or replacement fails.
    pub logical_id: String,
    /// Its type.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The rule it breaks.
    pub kind: WillFailKind,
    /// What happens and why, in words.
    pub message: String,
    /// How to make the change deployable.
    pub help: String,
}
