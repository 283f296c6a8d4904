//! The JSON Schema of app files, generated from the same props types that
//! app files deserialize into, so editors can complete and check app files
//! with exactly the rules `rcdk synth` applies to their shape.
//!
//! ```
//! let schema = rcdk_constructs::schema::app_schema();
//! assert_eq!(schema["title"], "rcdk app file");
//! assert!(schema["properties"]["stacks"].is_object());
//! ```
//!
//! The schema covers the shape of an app file (fields, types, enums,
//! unknown fields refused); checks that need values from several fields
//! (CIDR overlaps, listener quotas, ...) stay with `rcdk synth`.

use serde_json::Value;

use crate::app::AppProps;

/// The schema's `$id`: where the committed copy lives in the rcdk repository.
pub const SCHEMA_ID: &str = "https://example.invalid/rcdk/schema/app.schema.json";

/// The JSON Schema (draft 2020-12) of an app file.
pub fn app_schema() -> Value {
    let mut schema = schemars::schema_for!(AppProps).to_value();
    // App files refuse null everywhere (a field is written or left out), so
    // optional fields are not `null`-able in the schema either.
    without_null(&mut schema);
    plain_descriptions(&mut schema);
    if let Some(object) = schema.as_object_mut() {
        object.insert("$id".into(), Value::String(SCHEMA_ID.into()));
        object.insert("title".into(), Value::String("rcdk app file".into()));
    }
    schema
}

/// [`app_schema`] as pretty-printed JSON with a trailing newline, exactly as
/// `rcdk schema` prints it and `schema/app.schema.json` holds it.
pub fn app_schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&app_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Removes `null` as an allowed value: from `type` lists, and the
/// `{"type": "null"}` branch of an `anyOf` (a single remaining branch is
/// merged into the schema that held the `anyOf`).
fn without_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
                branches.retain(|b| b.get("type").is_none_or(|t| t != "null"));
                if branches.len() == 1 {
                    if let Some(Value::Object(only)) = branches.pop() {
                        map.remove("anyOf");
                        for (k, v) in only {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            map.values_mut().for_each(without_null);
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// Rewrites rustdoc links in every `description` for editors, which show
/// descriptions as Markdown: ``[`X`]`` and ``[`X`](path)`` become `` `X` ``.
fn plain_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(text) if key == "description" => *text = unlink(text),
                    _ => plain_descriptions(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(plain_descriptions),
        _ => {}
    }
}

/// ``[`X`]`` → `` `X` ``, dropping a `(target)` right after the bracket.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        let Some(len) = rest[start..].find("`]") else { break };
        out.push_str(&rest[..start]);
        out.push_str(&rest[start + 1..start + len + 1]);
        rest = &rest[start + len + 2..];
        if rest.starts_with('(') {
            if let Some(close) = rest.find(')') {
                rest = &rest[close + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustdoc_links_become_code_spans() {
        assert_eq!(unlink("see [`StackProps::name`]."), "see `StackProps::name`.");
        assert_eq!(unlink("[`a`](crate::a) and [`b`]"), "`a` and `b`");
        assert_eq!(unlink("a [plain] link [`x"), "a [plain] link [`x");
    }

    #[test]
    fn schema_refuses_unknown_fields_and_names_enums_in_lower_case() {
        let schema = app_schema();
        assert_eq!(schema["additionalProperties"], false);
        let text = app_schema_json();
        assert!(!text.contains("[`"), "rustdoc links left in descriptions");
    }
}
