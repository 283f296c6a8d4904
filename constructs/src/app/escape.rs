//! The escape hatches of an app file: `resources:` (raw CloudFormation
//! resources) and `overrides:` (changes to what the constructs rendered),
//! applied through [`Stack::add_raw_resource`] and [`Stack::resource_mut`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cfn::{DeletionPolicy, Resource};
use crate::core::{FieldPath, Stack};

/// A raw CloudFormation resource, as a template spells it. Values may use
/// the long-form intrinsic functions (`{Ref: X}`, `{"Fn::GetAtt": [X, Arn]}`,
/// `{"Fn::Sub": ...}`); references to the constructs' logical IDs are checked
/// like any other. Type and properties are checked against the type's
/// resource provider schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct RawResource {
    /// The resource type, e.g. `AWS::SQS::Queue` (or `Custom::<Name>`).
    #[serde(rename = "Type")]
    pub resource_type: String,
    /// The properties. Default: none.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub properties: Map<String, Value>,
    /// Logical IDs created before this one: one or a list. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<DependsOn>,
    /// The condition the resource exists under. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `DeletionPolicy`. Default: CloudFormation's (Delete for most types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<DeletionPolicy>,
    /// `UpdateReplacePolicy`. Default: CloudFormation's (Delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<DeletionPolicy>,
    /// `Metadata`. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// `DependsOn`: one logical ID or a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum DependsOn {
    /// One logical ID.
    One(String),
    /// Several logical IDs.
    Many(Vec<String>),
}

impl RawResource {
    /// The template resource.
    pub fn to_resource(&self) -> Resource {
        let mut r = Resource::new(self.resource_type.clone());
        r.properties = self.properties.clone().into_iter().collect();
        r.depends_on = match &self.depends_on {
            None => Vec::new(),
            Some(DependsOn::One(id)) => vec![id.clone()],
            Some(DependsOn::Many(ids)) => ids.clone(),
        };
        r.condition = self.condition.clone();
        r.deletion_policy = self.deletion_policy;
        r.update_replace_policy = self.update_replace_policy;
        r.metadata = self.metadata.clone();
        r
    }
}

/// Adds the raw resources, then applies the overrides (which may target
/// either the constructs' resources or the raw ones).
pub(crate) fn apply(
    stack: &mut Stack,
    resources: &BTreeMap<String, RawResource>,
    overrides: &BTreeMap<String, Map<String, Value>>,
) {
    for (id, raw) in resources {
        stack.in_field(FieldPath::root().key("resources").key(id.as_str()), |s| {
            s.add_raw_resource(id, raw.to_resource());
        });
    }
    for (id, changes) in overrides {
        let at = FieldPath::root().key("overrides").key(id.as_str());
        stack.in_field(at, |s| match s.resource_mut(id) {
            Ok(mut handle) => {
                for (path, value) in changes {
                    handle.set_field(FieldPath::root().key(path.as_str()));
                    handle.add_override(path, value.clone());
                }
            }
            Err(e) => s.report(e),
        });
    }
}
