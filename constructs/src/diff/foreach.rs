//! `Fn::ForEach` (the `AWS::LanguageExtensions` transform) expanded before
//! diffing, as CloudFormation expands it: deterministic, so a loop's
//! resources are compared one by one.
//!
//! `"Fn::ForEach::Name": [Identifier, Collection, {"Key${Identifier}": {...}}]`
//! stands for one copy of the fragment per item of the collection, with
//! `${Identifier}` (and `&{Identifier}`, the item without its
//! non-alphanumeric characters) replaced in the keys, `Ref: Identifier`
//! replaced by the item and `${Identifier}` replaced inside `Fn::Sub`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html>).
//! The collection is a list of strings, or `Ref` to a list parameter whose
//! `Default` gives the items. A loop that cannot be expanded (a collection
//! decided at deploy time) stays as written.

use serde_json::{Map, Value};

const PREFIX: &str = "Fn::ForEach::";

/// True when the template declares the `AWS::LanguageExtensions` transform.
pub(crate) fn has_transform(t: &Map<String, Value>) -> bool {
    match t.get("Transform") {
        Some(Value::String(s)) => s == "AWS::LanguageExtensions",
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some("AWS::LanguageExtensions")),
        _ => false,
    }
}

/// The template with its `Fn::ForEach` loops expanded in `Resources`,
/// `Outputs` and `Conditions`; `None` when there is nothing to expand (no
/// transform, or no loop).
pub(crate) fn expand(t: &Map<String, Value>) -> Option<Map<String, Value>> {
    if !has_transform(t) {
        return None;
    }
    let sections = ["Resources", "Outputs", "Conditions"];
    let has_loop =
        |s: &str| t.get(s).and_then(Value::as_object).is_some_and(|m| m.keys().any(|k| k.starts_with(PREFIX)));
    if !sections.iter().any(|s| has_loop(s)) {
        return None;
    }
    let params = t.get("Parameters").and_then(Value::as_object);
    let mut out = t.clone();
    for s in sections.into_iter().filter(|s| has_loop(s)) {
        if let Some(Value::Object(m)) = t.get(s) {
            out.insert(s.to_owned(), Value::Object(expand_map(m, params)));
        }
    }
    Some(out)
}

fn expand_map(m: &Map<String, Value>, params: Option<&Map<String, Value>>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in m {
        if k.starts_with(PREFIX) {
            if let Some(entries) = expand_loop(v, params) {
                out.extend(entries);
                continue;
            }
        }
        out.insert(k.clone(), v.clone());
    }
    out
}

fn expand_loop(v: &Value, params: Option<&Map<String, Value>>) -> Option<Vec<(String, Value)>> {
    let [ident, collection, fragment] = v.as_array()?.as_slice() else { return None };
    let ident = ident.as_str()?;
    let items: Vec<String> = match collection {
        Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_owned)).collect::<Option<_>>()?,
        Value::Object(m) if m.len() == 1 => {
            let name = m.get("Ref")?.as_str()?;
            match params?.get(name)?.get("Default")? {
                Value::String(s) => s.split(',').map(|x| x.trim().to_owned()).collect(),
                Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_owned)).collect::<Option<_>>()?,
                _ => return None,
            }
        }
        _ => return None,
    };
    let fragment = fragment.as_object()?;
    let mut out = Vec::new();
    for item in &items {
        for (k, body) in fragment {
            let body = substitute(body, ident, item);
            if k.starts_with(PREFIX) {
                out.extend(expand_loop(&body, params)?);
            } else {
                out.push((key(k, ident, item), body));
            }
        }
    }
    Some(out)
}

fn key(k: &str, ident: &str, item: &str) -> String {
    let plain: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
    k.replace(&format!("${{{ident}}}"), item).replace(&format!("&{{{ident}}}"), &plain)
}

fn substitute(v: &Value, ident: &str, item: &str) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 && m.get("Ref").and_then(Value::as_str) == Some(ident) => {
            Value::String(item.to_owned())
        }
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                let x = match (k.as_str(), x) {
                    ("Fn::Sub", Value::String(s)) => Value::String(s.replace(&format!("${{{ident}}}"), item)),
                    ("Fn::Sub", Value::Array(a)) if !a.is_empty() => {
                        let mut a = a.clone();
                        if let Value::String(s) = &a[0] {
                            a[0] = Value::String(s.replace(&format!("${{{ident}}}"), item));
                        }
                        Value::Array(a.iter().map(|y| substitute(y, ident, item)).collect())
                    }
                    _ => substitute(x, ident, item),
                };
                out.insert(key(k, ident, item), x);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| substitute(x, ident, item)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_loop_becomes_one_resource_per_item() {
        let t = json!({"Transform": "AWS::LanguageExtensions", "Resources": {"Fn::ForEach::Env": ["Env", ["dev", "prod-eu"], {
            "Bucket&{Env}": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "app-${Env}"}, "Tag": {"Ref": "Env"}}}}]}});
        let out = expand(t.as_object().expect("object")).expect("expanded");
        assert_eq!(
            out["Resources"],
            json!({
                "Bucketdev": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "app-dev"}, "Tag": "dev"}},
                "Bucketprodeu": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "app-prod-eu"}, "Tag": "prod-eu"}}
            })
        );
    }

    #[test]
    fn without_the_transform_nothing_is_expanded() {
        let t = json!({"Resources": {"Fn::ForEach::Env": ["Env", ["dev"], {"B${Env}": {"Type": "AWS::S3::Bucket"}}]}});
        assert!(expand(t.as_object().expect("object")).is_none());
    }
}
