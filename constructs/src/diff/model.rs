//! The data a template diff is made of: what changed, how CloudFormation
//! carries it out, and what will fail. Plain data, serialized to the JSON
//! shape the README documents; [`super::TemplateDiff::new`] fills it.

use serde::Serialize;
use serde_json::Value;

use super::security::SecurityView;

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

    pub(crate) fn of(policy: &str) -> Fate {
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
    /// The template is not valid CloudFormation: a resource that is not a
    /// mapping, has no `Type`, or has keys CloudFormation does not know.
    InvalidResource,
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

impl TemplateDiff {
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
