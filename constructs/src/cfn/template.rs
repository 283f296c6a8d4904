//! Templates, resources, parameters and outputs.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

/// The only template format version CloudFormation knows.
pub const TEMPLATE_FORMAT_VERSION: &str = "2010-09-09";

/// A CloudFormation template.
///
/// Sections are keyed maps sorted by name, so output never depends on the
/// order in which constructs were added.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    /// `Description`. Default: none.
    pub description: Option<String>,
    /// `Metadata` (template level). Default: none.
    pub metadata: BTreeMap<String, Value>,
    /// `Parameters`, by name.
    pub parameters: BTreeMap<String, Parameter>,
    /// `Mappings`, by name.
    pub mappings: BTreeMap<String, Value>,
    /// `Conditions`, by name.
    pub conditions: BTreeMap<String, Value>,
    /// `Resources`, by logical ID.
    pub resources: BTreeMap<String, Resource>,
    /// `Outputs`, by logical ID.
    pub outputs: BTreeMap<String, Output>,
}

impl Template {
    /// An empty template.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("AWSTemplateFormatVersion", TEMPLATE_FORMAT_VERSION)?;
        if let Some(d) = &self.description {
            map.serialize_entry("Description", d)?;
        }
        if !self.metadata.is_empty() {
            map.serialize_entry("Metadata", &self.metadata)?;
        }
        if !self.parameters.is_empty() {
            map.serialize_entry("Parameters", &self.parameters)?;
        }
        if !self.mappings.is_empty() {
            map.serialize_entry("Mappings", &self.mappings)?;
        }
        if !self.conditions.is_empty() {
            map.serialize_entry("Conditions", &self.conditions)?;
        }
        map.serialize_entry("Resources", &self.resources)?;
        if !self.outputs.is_empty() {
            map.serialize_entry("Outputs", &self.outputs)?;
        }
        map.end()
    }
}

/// `DeletionPolicy` / `UpdateReplacePolicy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub enum DeletionPolicy {
    /// Delete the physical resource (CloudFormation's default for most types).
    Delete,
    /// Keep the physical resource when it leaves the stack.
    Retain,
    /// Keep the physical resource unless the stack is being created and rolls back.
    RetainExceptOnCreate,
    /// Take a final snapshot, then delete (databases, volumes).
    Snapshot,
}

impl DeletionPolicy {
    /// Whether CloudFormation accepts this value as an `UpdateReplacePolicy`:
    /// every one but `RetainExceptOnCreate`, which exists for `DeletionPolicy`
    /// only (AWS CloudFormation User Guide, "UpdateReplacePolicy attribute":
    /// `Delete`, `Retain`, `Snapshot`).
    pub fn is_update_replace_policy(self) -> bool {
        self != DeletionPolicy::RetainExceptOnCreate
    }

    /// The `UpdateReplacePolicy` that goes with this `DeletionPolicy`: the
    /// same, except that `RetainExceptOnCreate` becomes `Retain` (a
    /// replacement never happens during the stack's first creation, so
    /// "except on create" has nothing to except there).
    pub fn on_replace(self) -> DeletionPolicy {
        match self {
            DeletionPolicy::RetainExceptOnCreate => DeletionPolicy::Retain,
            other => other,
        }
    }

    /// The value as a template spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionPolicy::Delete => "Delete",
            DeletionPolicy::Retain => "Retain",
            DeletionPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
            DeletionPolicy::Snapshot => "Snapshot",
        }
    }
}

/// One resource of a template.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    /// The resource type, e.g. `AWS::EC2::VPC`.
    #[serde(rename = "Type")]
    pub resource_type: String,
    /// `Condition`: the resource exists only when the named condition is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `DependsOn`: logical IDs created before this one. Rendered sorted and
    /// without duplicates.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "sorted_unique")]
    pub depends_on: Vec<String>,
    /// `DeletionPolicy`. Default: CloudFormation's (Delete for most types).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<DeletionPolicy>,
    /// `UpdateReplacePolicy`. Default: CloudFormation's (Delete).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<DeletionPolicy>,
    /// `UpdatePolicy`: how CloudFormation updates the resource, e.g. an Auto
    /// Scaling group's `AutoScalingInstanceRefresh`. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_policy: Option<Value>,
    /// `Metadata`. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// `Properties`, in the order the construct set them.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub properties: IndexMap<String, Value>,
}

/// Writes `100` rather than `100.0` for whole numbers.
fn whole_if_integral<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

fn sorted_unique<S: Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
    let mut v: Vec<&String> = v.iter().collect();
    v.sort();
    v.dedup();
    v.serialize(s)
}

impl Resource {
    /// A resource of `resource_type` with no properties.
    pub fn new(resource_type: impl Into<String>) -> Self {
        Resource {
            resource_type: resource_type.into(),
            condition: None,
            depends_on: Vec::new(),
            deletion_policy: None,
            update_replace_policy: None,
            update_policy: None,
            metadata: None,
            properties: IndexMap::new(),
        }
    }

    /// Sets a property (builder style).
    pub fn prop(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }

    /// Sets a property when `value` is `Some` (builder style).
    pub fn prop_opt<T: Into<Value>>(mut self, name: impl Into<String>, value: Option<T>) -> Self {
        if let Some(v) = value {
            self.properties.insert(name.into(), v.into());
        }
        self
    }

    /// Adds a `DependsOn` entry (builder style).
    pub fn depends_on(mut self, logical_id: impl Into<String>) -> Self {
        self.depends_on.push(logical_id.into());
        self
    }

    /// Sets `DeletionPolicy` to `policy` and `UpdateReplacePolicy` to
    /// [`DeletionPolicy::on_replace`] of it (builder style): `Retain` for
    /// `RetainExceptOnCreate`, which `UpdateReplacePolicy` does not accept.
    pub fn retain_policy(mut self, policy: DeletionPolicy) -> Self {
        self.deletion_policy = Some(policy);
        self.update_replace_policy = Some(policy.on_replace());
        self
    }

    /// Sets the `UpdatePolicy` attribute (builder style).
    pub fn update_policy(mut self, policy: impl Into<Value>) -> Self {
        self.update_policy = Some(policy.into());
        self
    }

    /// Sets the `Condition` (builder style).
    pub fn condition(mut self, name: impl Into<String>) -> Self {
        self.condition = Some(name.into());
        self
    }
}

/// A parameter's `Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterType {
    /// `String`
    String,
    /// `Number`
    Number,
    /// `List<Number>`
    ListOfNumbers,
    /// `CommaDelimitedList`
    CommaDelimitedList,
    /// An AWS-specific type such as `AWS::EC2::VPC::Id` or `AWS::EC2::KeyPair::KeyName`.
    Aws(String),
    /// `List<AWS::EC2::Subnet::Id>` and the like: a list of an AWS-specific type.
    ListOfAws(String),
    /// `AWS::SSM::Parameter::Value<T>`: the value of an SSM parameter whose
    /// name is the parameter's value, e.g. `T` = `AWS::EC2::Image::Id`.
    SsmValue(String),
}

impl ParameterType {
    /// The type's name as CloudFormation spells it.
    pub fn as_cfn(&self) -> String {
        match self {
            ParameterType::String => "String".into(),
            ParameterType::Number => "Number".into(),
            ParameterType::ListOfNumbers => "List<Number>".into(),
            ParameterType::CommaDelimitedList => "CommaDelimitedList".into(),
            ParameterType::Aws(t) => t.clone(),
            ParameterType::ListOfAws(t) => format!("List<{t}>"),
            ParameterType::SsmValue(t) => format!("AWS::SSM::Parameter::Value<{t}>"),
        }
    }
}

impl Serialize for ParameterType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_cfn())
    }
}

/// A template parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    /// `Type`.
    #[serde(rename = "Type")]
    pub parameter_type: ParameterType,
    /// `Description`. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `Default`. Default: none (a value must be given at deploy time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// `AllowedValues`. Default: any value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_values: Vec<Value>,
    /// `AllowedPattern` (String parameters). Default: any string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    /// `ConstraintDescription`, shown when a constraint fails. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_description: Option<String>,
    /// `MinLength` (String parameters). Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// `MaxLength` (String parameters). Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// `MinValue` (Number parameters). Default: none.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "whole_if_integral")]
    pub min_value: Option<f64>,
    /// `MaxValue` (Number parameters). Default: none.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "whole_if_integral")]
    pub max_value: Option<f64>,
    /// `NoEcho`: mask the value in the console and API. Default: false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_echo: bool,
}

impl Parameter {
    /// A parameter of `parameter_type` without constraints.
    pub fn new(parameter_type: ParameterType) -> Self {
        Parameter {
            parameter_type,
            description: None,
            default: None,
            allowed_values: Vec::new(),
            allowed_pattern: None,
            constraint_description: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            no_echo: false,
        }
    }

    /// Sets the description (builder style).
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets the default value (builder style).
    pub fn default_value(mut self, v: impl Into<Value>) -> Self {
        self.default = Some(v.into());
        self
    }
}

/// A template output.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// `Value`.
    pub value: Value,
    /// `Description`. Default: none.
    pub description: Option<String>,
    /// `Export.Name`: makes the value importable by other stacks in the same
    /// account and region. Default: not exported.
    pub export_name: Option<Value>,
    /// `Condition`. Default: always present.
    pub condition: Option<String>,
}

impl Output {
    /// An output with a value and a description.
    pub fn new(value: impl Into<Value>, description: impl Into<String>) -> Self {
        Output { value: value.into(), description: Some(description.into()), export_name: None, condition: None }
    }
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(d) = &self.description {
            map.serialize_entry("Description", d)?;
        }
        map.serialize_entry("Value", &self.value)?;
        if let Some(name) = &self.export_name {
            let mut export = serde_json::Map::new();
            export.insert("Name".into(), name.clone());
            map.serialize_entry("Export", &export)?;
        }
        if let Some(c) = &self.condition {
            map.serialize_entry("Condition", c)?;
        }
        map.end()
    }
}
