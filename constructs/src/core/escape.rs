//! Escape hatches: raw CloudFormation resources under an explicit logical ID,
//! and overrides of what constructs rendered (the AWS CDK's `CfnResource`,
//! `addPropertyOverride` and `addDeletionOverride`) — checked against the
//! vendored resource provider schemas (see [`crate::cfn::validate`]).
//!
//! ```
//! use rcdk_constructs::cfn::{Format, Resource};
//! use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
//! use serde_json::json;
//!
//! let mut stack = Stack::new(StackProps { name: "jobs".into(), ..Default::default() }, FieldPath::root());
//! stack.add_raw_resource("Queue", Resource::new("AWS::SQS::Queue").prop("VisibilityTimeout", 60));
//! let mut queue = stack.resource_mut("Queue").expect("added above");
//! queue.add_override("Properties.MessageRetentionPeriod", json!(1_209_600));
//! queue.add_override("DeletionPolicy", json!("Retain"));
//! let mut app = App::new();
//! app.add_stack(stack);
//! let body = &app.synth(Format::Yaml).expect("valid")[0].body;
//! assert!(body.contains("MessageRetentionPeriod: 1209600"));
//! assert!(body.contains("DeletionPolicy: Retain"));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{FieldPath, Stack};
use crate::cfn::validate::{self, SchemaProblem, SchemaProblemKind};
use crate::cfn::{DeletionPolicy, Resource};
use crate::error::ValidationError;

/// The resource attributes an override may set, besides `Properties.*`.
const ATTRIBUTES: [&str; 6] = ["Type", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata"];

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

impl Stack {
    /// Adds a raw CloudFormation resource under an explicit logical ID and
    /// returns the ID. Its type and properties are checked against the
    /// type's resource provider schema; problems are reported at the current
    /// field scope (`Type`, `Properties.<path>`), as is a logical ID already
    /// taken.
    pub fn add_raw_resource(&mut self, logical_id: &str, resource: Resource) -> String {
        let path = self.root().child(logical_id);
        let construct = path.clone();
        let mut problems = Vec::new();
        match validate::check_type(&resource.resource_type) {
            Err(p) => problems.push((FieldPath::root().key("Type"), p)),
            Ok(()) => {
                let props: Map<String, Value> = resource.properties.clone().into_iter().collect();
                let base = FieldPath::root().key("Properties");
                for p in validate::validate_properties(&resource.resource_type, &props) {
                    // A missing required property is located at `Properties` (or the resource when it has none).
                    let base = if props.is_empty() && p.path.is_root() { FieldPath::root() } else { base.clone() };
                    problems.push((base, p));
                }
            }
        }
        for (base, p) in problems {
            self.report(schema_error(&construct, base, p));
        }
        if self.claim(logical_id, &path) {
            let field = self.field_base().clone();
            self.hatch_fields.insert(logical_id.to_owned(), field);
            self.template.resources.insert(logical_id.to_owned(), resource);
        }
        logical_id.to_owned()
    }

    /// A handle to override the resource `logical_id` rendered by a construct
    /// or added raw. An unknown ID is reported to the stack like every other
    /// problem (`cfn:override-unknown-resource`, naming the closest ID, and
    /// located at the caller's line in a Rust program), and gives `None`.
    #[track_caller]
    pub fn resource_mut(&mut self, logical_id: &str) -> Option<ResourceOverride<'_>> {
        if self.template.resources.contains_key(logical_id) {
            if !self.field_base().is_root() {
                let field = self.field_base().clone();
                self.hatch_fields.entry(logical_id.to_owned()).or_insert(field);
            }
            return Some(ResourceOverride { stack: self, id: logical_id.to_owned(), field: None });
        }
        let hint = validate::suggest(logical_id, self.template.resources.keys().map(String::as_str));
        let mut e = ValidationError::new(
            Code::OverrideUnknownResource,
            self.root(),
            format!("the stack has no resource with logical ID `{logical_id}`{hint}"),
        )
        .help("override a logical ID of the synthesized template (see `rcdk synth`), or add the resource under `resources:`");
        if self.field_base().is_root() {
            e = e.located(std::panic::Location::caller());
        }
        self.report(e);
        None
    }

    /// Adds the raw resources (an app file's `resources:`), then applies the
    /// overrides (`overrides:`), which may target the constructs' resources or
    /// the raw ones; problems are located at `resources.<ID>` and
    /// `overrides.<ID>` below the current field scope.
    pub fn add_escape_hatches(
        &mut self,
        resources: &BTreeMap<String, RawResource>,
        overrides: &BTreeMap<String, Map<String, Value>>,
    ) {
        for (id, raw) in resources {
            self.in_field(FieldPath::root().key("resources").key(id.as_str()), |s| {
                s.add_raw_resource(id, raw.to_resource());
            });
        }
        for (id, changes) in overrides {
            let at = FieldPath::root().key("overrides").key(id.as_str());
            self.in_field(at, |s| {
                if let Some(mut handle) = s.resource_mut(id) {
                    for (path, value) in changes {
                        handle.set_field(FieldPath::root().key(path.as_str()));
                        handle.add_override(path, value.clone());
                    }
                }
            });
        }
    }
}

/// Overrides of one resource of a stack (see [`Stack::resource_mut`]).
#[derive(Debug)]
pub struct ResourceOverride<'a> {
    stack: &'a mut Stack,
    id: String,
    field: Option<FieldPath>,
}

impl ResourceOverride<'_> {
    /// Locates this override's problems at `field` (relative to the current
    /// field scope) instead of at the override's path. Used by
    /// app files, where the path is one key.
    pub fn set_field(&mut self, field: FieldPath) {
        self.field = Some(field);
    }

    /// Sets `path` (`Properties.Some.Path`, or `DeletionPolicy`,
    /// `UpdateReplacePolicy`, `DependsOn`, `Condition`, `Metadata.Key`) to
    /// `value`, creating the maps along the way; `null` deletes it. A numeric
    /// segment indexes a list. Checked against the type's schema.
    pub fn add_override(&mut self, path: &str, value: impl Into<Value>) {
        let value = value.into();
        let field = self.field.clone().unwrap_or_else(|| FieldPath::root().key(path));
        let construct = self.stack.root().child(&self.id);
        let segments: Vec<&str> = path.split('.').collect();
        let Some(resource) = self.stack.template.resources.get_mut(&self.id) else { return };
        let mut errors = Vec::new();
        match segments.as_slice() {
            ["Properties", rest @ ..] if !rest.is_empty() => {
                if !value.is_null() {
                    for p in validate::validate_at(&resource.resource_type, rest, &value) {
                        errors.push(schema_error(&construct, field.clone(), p));
                    }
                }
                if errors.is_empty() {
                    set_path(&mut resource.properties, rest, value.clone());
                }
                if value.is_null()
                    && rest.len() == 1
                    && validate::required_properties(&resource.resource_type).contains(&rest[0])
                {
                    errors.push(
                        ValidationError::new(
                            Code::MissingRequired,
                            &construct,
                            format!("`{}` is required by `{}` and cannot be deleted", rest[0], resource.resource_type),
                        )
                        .field(field.clone()),
                    );
                }
            }
            ["Properties"] => match value {
                Value::Object(map) => {
                    for p in validate::validate_properties(&resource.resource_type, &map) {
                        errors.push(schema_error(&construct, field.clone(), p));
                    }
                    resource.properties = map.into_iter().collect();
                }
                Value::Null => resource.properties.clear(),
                other => errors.push(wrong(&construct, &field, "a map of properties", &other)),
            },
            ["DeletionPolicy" | "UpdateReplacePolicy"] => {
                let policy = match &value {
                    Value::Null => Ok(None),
                    v => serde_json::from_value::<DeletionPolicy>(v.clone()).map(Some),
                };
                match policy {
                    Ok(p) if segments[0] == "DeletionPolicy" => resource.deletion_policy = p,
                    Ok(Some(p)) if !p.is_update_replace_policy() => errors.push(
                        ValidationError::new(
                            Code::BadEnum,
                            &construct,
                            format!("`{}` is a DeletionPolicy only, not an UpdateReplacePolicy", p.as_str()),
                        )
                        .field(field.clone())
                        .help("use one of: Delete, Retain, Snapshot"),
                    ),
                    Ok(p) => resource.update_replace_policy = p,
                    Err(_) => errors.push(
                        ValidationError::new(
                            Code::BadEnum,
                            &construct,
                            format!("`{}` is not a {}", display(&value), segments[0]),
                        )
                        .field(field.clone())
                        .help("use one of: Delete, Retain, RetainExceptOnCreate, Snapshot"),
                    ),
                }
            }
            ["Condition"] => match value {
                Value::Null => resource.condition = None,
                Value::String(s) => resource.condition = Some(s),
                other => errors.push(wrong(&construct, &field, "a condition name", &other)),
            },
            ["DependsOn"] => match value {
                Value::Null => resource.depends_on.clear(),
                Value::String(s) => resource.depends_on = vec![s],
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    resource.depends_on = items.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
                }
                other => errors.push(wrong(&construct, &field, "a logical ID or a list of them", &other)),
            },
            ["Metadata", rest @ ..] => {
                if rest.is_empty() {
                    resource.metadata = (!value.is_null()).then_some(value);
                } else {
                    let mut map: indexmap::IndexMap<String, Value> = match resource.metadata.take() {
                        Some(Value::Object(m)) => m.into_iter().collect(),
                        _ => indexmap::IndexMap::new(),
                    };
                    set_path(&mut map, rest, value);
                    resource.metadata = (!map.is_empty()).then(|| Value::Object(map.into_iter().collect()));
                }
            }
            ["Type"] => match value {
                Value::String(t) => match validate::check_type(&t) {
                    Ok(()) => resource.resource_type = t,
                    Err(p) => errors.push(schema_error(&construct, field.clone(), p)),
                },
                other => errors.push(wrong(&construct, &field, "a resource type", &other)),
            },
            _ => {
                let hint = validate::suggest(segments[0], ATTRIBUTES.iter().copied().chain(["Properties"]));
                errors.push(
                    ValidationError::new(
                        Code::OverridePathInvalid,
                        &construct,
                        format!("`{path}` is not a resource attribute an override can set{hint}"),
                    )
                    .field(field.clone())
                    .help("override `Properties.<Name>[.<Key>...]`, `DeletionPolicy`, `UpdateReplacePolicy`, `DependsOn`, `Condition` or `Metadata`"),
                );
            }
        }
        for e in errors {
            self.stack.report(e);
        }
    }

    /// Deletes `path` (the CDK's `addDeletionOverride`): the same as
    /// [`ResourceOverride::add_override`] with `null`.
    pub fn add_deletion_override(&mut self, path: &str) {
        self.add_override(path, Value::Null);
    }

    /// The resource as it stands after the overrides so far.
    pub fn resource(&self) -> Option<&Resource> {
        self.stack.template.resources.get(&self.id)
    }
}

fn display(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

fn wrong(construct: &super::ConstructPath, field: &FieldPath, expected: &str, found: &Value) -> ValidationError {
    ValidationError::new(Code::WrongType, construct, format!("expected {expected}, found `{}`", display(found)))
        .field(field.clone())
}

fn schema_error(construct: &super::ConstructPath, base: FieldPath, p: SchemaProblem) -> ValidationError {
    let code = match p.kind {
        SchemaProblemKind::UnknownType => Code::UnknownType,
        SchemaProblemKind::UnknownProperty => Code::UnknownProperty,
        SchemaProblemKind::WrongType => Code::WrongType,
        SchemaProblemKind::MissingRequired => Code::MissingRequired,
        SchemaProblemKind::BadEnum => Code::BadEnum,
    };
    let mut e = ValidationError::new(code, construct, p.message).field(base.join(&p.path));
    e.help = p.help;
    e
}

/// Sets (or with `null` removes) `path` in `map`, creating maps on the way
/// (the properties are moved through a JSON object, keeping their order, so
/// that one function walks every level).
fn set_path(map: &mut indexmap::IndexMap<String, Value>, path: &[&str], value: Value) {
    let mut object = Value::Object(std::mem::take(map).into_iter().collect());
    set_value(&mut object, path, value);
    if let Value::Object(properties) = object {
        *map = properties.into_iter().collect();
    }
}

/// Sets (or with `null` removes) `path` in `target`: list indexes address
/// existing items; anything else on the way becomes a map.
fn set_value(target: &mut Value, path: &[&str], value: Value) {
    let Some((first, rest)) = path.split_first() else { return };
    if let (Value::Array(items), Ok(i)) = (&mut *target, first.parse::<usize>()) {
        if let Some(item) = items.get_mut(i) {
            if rest.is_empty() {
                if value.is_null() {
                    items.remove(i);
                } else {
                    *item = value;
                }
            } else {
                set_value(item, rest, value);
            }
        }
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(map) = target.as_object_mut() else { return };
    if rest.is_empty() {
        if value.is_null() {
            map.shift_remove(*first);
        } else {
            map.insert((*first).to_owned(), value);
        }
        return;
    }
    let entry = map.entry((*first).to_owned()).or_insert_with(|| Value::Object(Map::new()));
    set_value(entry, rest, value);
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        BadEnum => error("cfn:bad-enum") {
            title: "a raw resource or override sets a value outside the allowed values",
            explanation: "The CloudFormation resource provider schema of the type lists the values a property accepts \
         (e.g. `LaunchType`: `EC2`, `FARGATE`, `EXTERNAL`), and the value given under `resources:` or \
         `overrides:` is not one of them; `DeletionPolicy` and `UpdateReplacePolicy` accept `Delete`, \
         `Retain`, `RetainExceptOnCreate` and `Snapshot`. CloudFormation would reject it at deploy time. \
         Use one of the listed values (the message suggests the closest).",
        },
        MissingRequired => error("cfn:missing-required") {
            title: "a raw resource lacks a property its type requires",
            explanation: "The CloudFormation resource provider schema of the type marks the property required (at the \
         top level, or inside a nested block), and the raw resource under `resources:` does not set it, \
         or an override deletes it. CloudFormation would fail the resource's creation. Add the property.",
        },
        OverridePathInvalid => error("cfn:override-path-invalid") {
            title: "an override path is not a resource attribute",
            explanation: "An override sets `Properties.<Name>[.<Key>...]` or one of the resource attributes `DeletionPolicy`, \
         `UpdateReplacePolicy`, `DependsOn`, `Condition`, `Metadata` (the AWS CDK's `addOverride`). Other \
         top-level keys are not part of a CloudFormation resource. Fix the path's first segment.",
        },
        OverrideUnknownResource => error("cfn:override-unknown-resource") {
            title: "an override names a logical ID the stack does not have",
            explanation: "Overrides apply to the resources the constructs rendered and the raw `resources:` of the same \
         stack, by logical ID. Check the ID against the synthesized template (`rcdk synth --stdout`); the \
         message suggests the closest one.",
        },
        UnknownProperty => error("cfn:unknown-property") {
            title: "a raw resource or override sets a property its type does not have",
            explanation: "The property is not in the type's CloudFormation resource provider schema (vendored from the \
         pinned cfn-lint), at the top level or inside the nested block named; CloudFormation would reject \
         the template (the AWS CDK's escape hatches pass such typos through). Fix the spelling: the \
         message suggests the closest property and lists the known ones.",
        },
        UnknownType => error("cfn:unknown-type") {
            title: "a raw resource's Type is not a CloudFormation resource type",
            explanation: "The type is not in the CloudFormation registry schemas vendored from the pinned cfn-lint. Fix the \
         spelling (the message suggests the closest type); custom resources are named `Custom::<Name>` and \
         are not checked.",
        },
        WrongType => error("cfn:wrong-type") {
            title: "a raw resource or override sets a value of the wrong type",
            explanation: "The type's CloudFormation resource provider schema expects a string, integer, number, boolean, \
         list or map there. CloudFormation's own coercions are accepted (`\"5\"` for an integer, `5` for a \
         string); intrinsic functions (`Ref`, `Fn::*`) are accepted anywhere. Give a value of the expected \
         type.",
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::cfn::Format;
    use crate::core::{App, StackProps};

    fn stack() -> Stack {
        let mut stack = Stack::new(StackProps { name: "jobs".into(), ..Default::default() }, FieldPath::root());
        stack.add_raw_resource("Queue", Resource::new("AWS::SQS::Queue").prop("VisibilityTimeout", 60));
        stack
    }

    #[test]
    fn overriding_an_unknown_logical_id_is_reported_to_the_stack_with_a_suggestion() {
        let mut stack = stack();
        let line = line!() + 1;
        assert!(stack.resource_mut("Queu").is_none());
        let e = &stack.errors()[0];
        assert_eq!(e.code, "cfn:override-unknown-resource");
        assert!(e.message.contains("did you mean `Queue`?"), "{}", e.message);
        assert!(e.help.is_some());
        let at = e.location.expect("located at the Rust caller");
        assert_eq!((at.file(), at.line()), (file!(), line));
    }

    #[test]
    fn overrides_set_and_delete_properties_and_attributes() {
        let mut stack = stack();
        let mut queue = stack.resource_mut("Queue").expect("exists");
        queue.add_override("Properties.RedrivePolicy.maxReceiveCount", json!(5));
        queue.add_deletion_override("Properties.VisibilityTimeout");
        queue.add_override("UpdateReplacePolicy", json!("Retain"));
        queue.add_override("DependsOn", json!(["Other"]));
        queue.add_deletion_override("DependsOn");
        let r = queue.resource().expect("exists").clone();
        assert_eq!(r.properties.get("RedrivePolicy"), Some(&json!({"maxReceiveCount": 5})));
        assert!(!r.properties.contains_key("VisibilityTimeout"));
        assert_eq!(r.update_replace_policy, Some(DeletionPolicy::Retain));
        assert!(r.depends_on.is_empty());
        assert!(stack.errors().is_empty(), "{:?}", stack.errors());
    }

    #[test]
    fn bad_raw_resources_and_overrides_fail_synthesis_at_their_field() {
        let mut stack = stack();
        stack.add_raw_resource("Topic", Resource::new(format!("{}::Topik", "AWS::SNS")));
        stack.add_raw_resource("Other", Resource::new("AWS::SQS::Queue").prop("DelaySeconds", json!([1])));
        let mut queue = stack.resource_mut("Queue").expect("exists");
        queue.add_override("Properties.VisibilityTimout", json!(1));
        queue.add_override("Properties.VisibilityTimeout", json!("soon"));
        queue.add_override("Deletionpolicy", json!("Retain"));
        let mut app = App::new();
        app.add_stack(stack);
        let errors = app.synth(Format::Yaml).expect_err("invalid").0;
        let got: Vec<(&str, String)> = errors.iter().map(|e| (e.code.as_str(), e.field.to_string())).collect();
        assert_eq!(
            got,
            [
                ("cfn:unknown-type", "Type".to_owned()),
                ("cfn:wrong-type", "Properties.DelaySeconds".to_owned()),
                ("cfn:unknown-property", "Properties.VisibilityTimout".to_owned()),
                ("cfn:wrong-type", "Properties.VisibilityTimeout".to_owned()),
                ("cfn:override-path-invalid", "Deletionpolicy".to_owned()),
            ]
        );
    }
}
