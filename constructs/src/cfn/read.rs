//! Reading a template back: a parsed JSON/YAML document into the typed
//! [`Template`], for templates rcdk did not just build (a cloud assembly
//! written earlier, or by a Rust program).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::template::{DeletionPolicy, Output, Parameter, ParameterType, Resource, Template};

/// Why a document is not a CloudFormation template rcdk can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ReadError {
    /// Where in the template, e.g. `Resources.Vpc.Type`.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> ReadError {
    ReadError { path: path.into(), message: message.into() }
}

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ReadError> {
    value.as_object().ok_or_else(|| err(path, "expected a mapping"))
}

fn string(value: &Value, path: &str) -> Result<String, ReadError> {
    value.as_str().map(str::to_owned).ok_or_else(|| err(path, "expected a string"))
}

impl Template {
    /// Reads a template from its parsed document (JSON, or YAML parsed with
    /// [`crate::cfn::parse_template`]). Every section CloudFormation knows is
    /// kept; an unknown top-level key or a resource without `Type` is an error.
    pub fn from_value(value: &Value) -> Result<Template, ReadError> {
        let top = object(value, "(template)")?;
        let mut t = Template::new();
        for (key, v) in top {
            match key.as_str() {
                "AWSTemplateFormatVersion" | "Transform" | "Rules" => {}
                "Description" => t.description = Some(string(v, key)?),
                "Metadata" => t.metadata = section(v, key)?,
                "Mappings" => t.mappings = section(v, key)?,
                "Conditions" => t.conditions = section(v, key)?,
                "Parameters" => {
                    for (name, p) in object(v, key)? {
                        t.parameters.insert(name.clone(), parameter(p, &format!("Parameters.{name}"))?);
                    }
                }
                "Resources" => {
                    for (id, r) in object(v, key)? {
                        t.resources.insert(id.clone(), resource(r, &format!("Resources.{id}"))?);
                    }
                }
                "Outputs" => {
                    for (id, o) in object(v, key)? {
                        t.outputs.insert(id.clone(), output(o, &format!("Outputs.{id}"))?);
                    }
                }
                other => return Err(err(other, "not a CloudFormation template section")),
            }
        }
        Ok(t)
    }
}

fn section(v: &Value, path: &str) -> Result<BTreeMap<String, Value>, ReadError> {
    Ok(object(v, path)?.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

fn policy(v: &Value, path: &str) -> Result<DeletionPolicy, ReadError> {
    match v.as_str() {
        Some("Delete") => Ok(DeletionPolicy::Delete),
        Some("Retain") => Ok(DeletionPolicy::Retain),
        Some("RetainExceptOnCreate") => Ok(DeletionPolicy::RetainExceptOnCreate),
        Some("Snapshot") => Ok(DeletionPolicy::Snapshot),
        _ => Err(err(path, "expected Delete, Retain, RetainExceptOnCreate or Snapshot")),
    }
}

fn resource(v: &Value, path: &str) -> Result<Resource, ReadError> {
    let map = object(v, path)?;
    let kind = map.get("Type").ok_or_else(|| err(path, "a resource needs a `Type`"))?;
    let mut r = Resource::new(string(kind, &format!("{path}.Type"))?);
    for (key, v) in map {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "Type" => {}
            "Properties" => r.properties = object(v, &at)?.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            "Condition" => r.condition = Some(string(v, &at)?),
            "DependsOn" => {
                r.depends_on = match v {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(items) => items.iter().map(|i| string(i, &at)).collect::<Result<_, _>>()?,
                    _ => return Err(err(at, "expected a logical ID or a list of them")),
                }
            }
            "DeletionPolicy" => r.deletion_policy = Some(policy(v, &at)?),
            "UpdateReplacePolicy" => r.update_replace_policy = Some(policy(v, &at)?),
            "Metadata" => r.metadata = Some(v.clone()),
            "UpdatePolicy" => r.update_policy = Some(Value::Object(object(v, &at)?.clone())),
            // Attributes rcdk does not model are kept out of the typed view;
            // the template body itself is what deploy sends.
            "CreationPolicy" => {}
            other => return Err(err(at, format!("`{other}` is not a resource attribute"))),
        }
    }
    Ok(r)
}

fn parameter_type(s: &str) -> ParameterType {
    match s {
        "String" => ParameterType::String,
        "Number" => ParameterType::Number,
        "List<Number>" => ParameterType::ListOfNumbers,
        "CommaDelimitedList" => ParameterType::CommaDelimitedList,
        _ => {
            if let Some(inner) = s.strip_prefix("AWS::SSM::Parameter::Value<").and_then(|r| r.strip_suffix('>')) {
                ParameterType::SsmValue(inner.to_owned())
            } else if let Some(inner) = s.strip_prefix("List<").and_then(|r| r.strip_suffix('>')) {
                ParameterType::ListOfAws(inner.to_owned())
            } else {
                ParameterType::Aws(s.to_owned())
            }
        }
    }
}

fn number(v: &Value, path: &str) -> Result<f64, ReadError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| err(path, "expected a number")),
        Value::String(s) => s.parse().map_err(|_| err(path, "expected a number")),
        _ => Err(err(path, "expected a number")),
    }
}

fn length(v: &Value, path: &str) -> Result<u32, ReadError> {
    let n = number(v, path)?;
    if n < 0.0 || n.fract() != 0.0 || n > f64::from(u32::MAX) {
        return Err(err(path, "expected a whole, non-negative number"));
    }
    Ok(n as u32)
}

fn parameter(v: &Value, path: &str) -> Result<Parameter, ReadError> {
    let map = object(v, path)?;
    let kind = map.get("Type").ok_or_else(|| err(path, "a parameter needs a `Type`"))?;
    let mut p = Parameter::new(parameter_type(&string(kind, &format!("{path}.Type"))?));
    for (key, v) in map {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "Type" => {}
            "Description" => p.description = Some(string(v, &at)?),
            "Default" => p.default = Some(v.clone()),
            "AllowedValues" => {
                p.allowed_values = v.as_array().cloned().ok_or_else(|| err(&at, "expected a list"))?;
            }
            "AllowedPattern" => p.allowed_pattern = Some(string(v, &at)?),
            "ConstraintDescription" => p.constraint_description = Some(string(v, &at)?),
            "MinLength" => p.min_length = Some(length(v, &at)?),
            "MaxLength" => p.max_length = Some(length(v, &at)?),
            "MinValue" => p.min_value = Some(number(v, &at)?),
            "MaxValue" => p.max_value = Some(number(v, &at)?),
            "NoEcho" => {
                p.no_echo = match v {
                    Value::Bool(b) => *b,
                    Value::String(s) if s.eq_ignore_ascii_case("true") => true,
                    Value::String(s) if s.eq_ignore_ascii_case("false") => false,
                    _ => return Err(err(at, "expected true or false")),
                }
            }
            other => return Err(err(at, format!("`{other}` is not a parameter attribute"))),
        }
    }
    Ok(p)
}

fn output(v: &Value, path: &str) -> Result<Output, ReadError> {
    let map = object(v, path)?;
    let value = map.get("Value").ok_or_else(|| err(path, "an output needs a `Value`"))?.clone();
    let mut o = Output { value, description: None, export_name: None, condition: None };
    for (key, v) in map {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "Value" => {}
            "Description" => o.description = Some(string(v, &at)?),
            "Condition" => o.condition = Some(string(v, &at)?),
            "Export" => {
                let name = object(v, &at)?.get("Name").ok_or_else(|| err(&at, "an export needs a `Name`"))?;
                o.export_name = Some(name.clone());
            }
            other => return Err(err(at, format!("`{other}` is not an output attribute"))),
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::Format;
    use serde_json::json;

    #[test]
    fn a_rendered_template_reads_back_equal() {
        let mut t = Template::new();
        t.description = Some("d".into());
        t.parameters.insert(
            "Ami".into(),
            Parameter::new(ParameterType::SsmValue("AWS::EC2::Image::Id".into())).default_value("/aws/x"),
        );
        let mut p = Parameter::new(ParameterType::Number);
        p.min_value = Some(1.0);
        p.max_length = Some(3);
        p.no_echo = true;
        t.parameters.insert("N".into(), p);
        t.resources.insert(
            "Topic".into(),
            Resource::new("AWS::SNS::Topic")
                .prop("TopicName", "t")
                .depends_on("Other")
                .retain_policy(DeletionPolicy::Retain)
                .condition("C"),
        );
        t.conditions.insert("C".into(), json!({"Fn::Equals": ["a", "a"]}));
        t.outputs.insert("Arn".into(), Output::new(json!({"Ref": "Topic"}), "arn"));
        for format in [Format::Yaml, Format::Json] {
            let body = t.render(format).expect("renders");
            let value = crate::cfn::parse_template(&body).expect("parses");
            let back = Template::from_value(&value).expect("reads");
            assert_eq!(back, t, "{format}");
            assert_eq!(back.render(format).expect("renders"), body);
        }
    }

    #[test]
    fn problems_are_located() {
        let e = Template::from_value(&json!({"Resources": {"A": {"Properties": {}}}})).unwrap_err();
        assert_eq!(e.path, "Resources.A");
        let e = Template::from_value(&json!({"Resources": {}, "Bogus": 1})).unwrap_err();
        assert_eq!(e.path, "Bogus");
        let e = Template::from_value(&json!({"Parameters": {"P": {"Type": "String", "MinLength": -1}}})).unwrap_err();
        assert_eq!(e.path, "Parameters.P.MinLength");
    }
}
