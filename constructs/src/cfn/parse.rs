//! Reading a template from JSON or YAML text into one canonical
//! `serde_json::Value`, so that format, key order and short-form intrinsic
//! tags (`!Ref`, `!GetAtt`, `!Sub`, ...) never show up as differences.

use serde_json::{Map, Number, Value};

/// A template that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Neither valid JSON nor valid YAML.
    #[error("not valid JSON or YAML: {0}")]
    Syntax(String),
    /// Valid, but not a mapping at the top level.
    #[error("not a CloudFormation template: the top level is not a mapping")]
    NotATemplate,
}

/// Parses a template written in JSON or YAML (long- or short-form intrinsics).
pub fn parse_template(text: &str) -> Result<Value, ParseError> {
    let mut value = if text.trim_start().starts_with('{') {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => v,
            Err(json_err) => from_yaml_text(text).map_err(|_| ParseError::Syntax(json_err.to_string()))?,
        }
    } else {
        from_yaml_text(text)?
    };
    if !value.is_object() {
        return Err(ParseError::NotATemplate);
    }
    normalize(&mut value);
    Ok(value)
}

/// Rewrites a template value into one canonical form: `Fn::GetAtt: "A.B"`
/// becomes `["A", "B"]`, everywhere in the value.
fn normalize(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(s)) = m.get("Fn::GetAtt") {
                if m.len() == 1 {
                    if let Some((res, att)) = s.split_once('.') {
                        let arr = Value::Array(vec![Value::String(res.into()), Value::String(att.into())]);
                        m.insert("Fn::GetAtt".into(), arr);
                    }
                }
            }
            for (_, child) in m.iter_mut() {
                normalize(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(normalize),
        _ => {}
    }
}

fn from_yaml_text(text: &str) -> Result<Value, ParseError> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| ParseError::Syntax(e.to_string()))?;
    Ok(from_yaml(yaml))
}

fn from_yaml(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64().and_then(Number::from_f64).map(Value::Number).unwrap_or_else(|| Value::String(n.to_string()))
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(from_yaml).collect()),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(key_text(k), from_yaml(v));
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let tag = tag.trim_start_matches('!');
            short_form(tag, from_yaml(tagged.value))
        }
    }
}

/// A short-form intrinsic (`!Ref x`, `!GetAtt a.b`, `!Sub ...`) in its long
/// form, `tag` without its `!`: `{"Ref": x}`, `{"Fn::GetAtt": ["a", "b"]}`,
/// `{"Fn::Sub": ...}`.
pub fn short_form(tag: &str, v: Value) -> Value {
    let (name, inner) = match (tag, v) {
        ("Ref", v) => ("Ref".to_owned(), v),
        ("Condition", v) => ("Condition".to_owned(), v),
        ("GetAtt", Value::String(s)) => {
            let parts = match s.split_once('.') {
                Some((r, a)) => vec![Value::String(r.into()), Value::String(a.into())],
                None => vec![Value::String(s)],
            };
            ("Fn::GetAtt".to_owned(), Value::Array(parts))
        }
        (other, v) => (format!("Fn::{other}"), v),
    };
    let mut m = Map::new();
    m.insert(name, inner);
    Value::Object(m)
}

fn key_text(k: serde_yaml::Value) -> String {
    match k {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".into(),
        other => serde_yaml::to_string(&other).unwrap_or_default().trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn short_form_yaml_equals_long_form_json() {
        let yaml = "Resources:\n  A:\n    Type: T\n    Properties:\n      X: !Ref B\n      Y: !GetAtt B.Arn\n      Z: !Sub '${B}-x'\n      W: !Join [',', [a, b]]\n";
        let json = r#"{"Resources": {"A": {"Type": "T", "Properties": {
            "X": {"Ref": "B"}, "Y": {"Fn::GetAtt": "B.Arn"}, "Z": {"Fn::Sub": "${B}-x"}, "W": {"Fn::Join": [",", ["a", "b"]]}}}}}"#;
        assert_eq!(parse_template(yaml), parse_template(json));
        assert_eq!(
            parse_template(yaml).ok().map(|v| v["Resources"]["A"]["Properties"]["Y"].clone()),
            Some(json!({"Fn::GetAtt": ["B", "Arn"]}))
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(matches!(parse_template("{not json"), Err(ParseError::Syntax(_))));
        assert_eq!(parse_template("- a\n- b\n"), Err(ParseError::NotATemplate));
        assert!(parse_template("a: [").is_err());
    }
}
