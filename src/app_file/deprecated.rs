//! Deprecated enum spellings: values that serde accepted only through an
//! alias (`protocol: HTTPS` for `https`, `price_class: PriceClass_100` for
//! `price_class_100`).
//!
//! Found generically: the app file's values are walked against the app-file
//! JSON Schema, which lists only each enum's current spelling. A string at
//! an enum position that the file was read with but that the schema does not
//! list was accepted through an alias; the current spelling is the listed
//! value it matches when case, `_` and `-` are ignored. Any enum that gains
//! an alias is covered without a change here.

use std::sync::OnceLock;

use rcdk_constructs::core::FieldPath;
use serde_json::Value as Schema;
use serde_yaml::Value;

/// One value written in a deprecated spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecated {
    /// Where it is, e.g. `stacks[0].services.api.target_group.protocol`.
    pub field: FieldPath,
    /// What the file says, e.g. `HTTPS`.
    pub written: String,
    /// The current spelling, e.g. `https`.
    pub current: String,
}

/// Every deprecated spelling in `document` (an app file that deserialized
/// into `AppProps`), in document order.
pub fn find(document: &Value) -> Vec<Deprecated> {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    // The committed schema (a test keeps it equal to the generated one):
    // parsing it costs a fraction of generating it in every process.
    let schema = SCHEMA.get_or_init(|| {
        serde_json::from_str(include_str!("../../schema/app.schema.json"))
            .unwrap_or_else(|_| rcdk_constructs::schema::app_schema())
    });
    let mut found = Vec::new();
    walk(schema, schema, document, &FieldPath::root(), &mut found);
    // A value reached through several `oneOf` branches is reported once.
    let mut seen = std::collections::HashSet::new();
    found.retain(|d| seen.insert(d.field.to_string()));
    found
}

/// The schema `node` points at through `$ref` (`#/$defs/Name`), followed
/// until a schema without one.
fn resolve<'a>(root: &'a Schema, mut node: &'a Schema) -> &'a Schema {
    for _ in 0..32 {
        let Some(target) = node.get("$ref").and_then(Schema::as_str) else { break };
        let Some(name) = target.strip_prefix("#/$defs/") else { break };
        match root.get("$defs").and_then(|defs| defs.get(name)) {
            Some(next) => node = next,
            None => break,
        }
    }
    node
}

fn walk(root: &Schema, node: &Schema, value: &Value, field: &FieldPath, found: &mut Vec<Deprecated>) {
    let node = resolve(root, node);
    for key in ["oneOf", "anyOf", "allOf"] {
        let Some(branches) = node.get(key).and_then(Schema::as_array) else { continue };
        let spellings: Vec<&str> = branches
            .iter()
            .map(|b| resolve(root, b))
            .filter_map(|b| b.get("const").and_then(Schema::as_str))
            .chain(node.get("enum").and_then(Schema::as_array).into_iter().flatten().filter_map(Schema::as_str))
            .collect();
        if let Value::String(written) = value {
            if !spellings.is_empty() && !spellings.contains(&written.as_str()) {
                if let Some(current) = current_spelling(written, &spellings) {
                    found.push(Deprecated { field: field.clone(), written: written.clone(), current: current.into() });
                }
            }
        }
        for branch in branches.iter().filter(|b| b.get("const").is_none()) {
            walk(root, branch, value, field, found);
        }
    }
    match value {
        Value::Mapping(map) => {
            let properties = node.get("properties");
            let additional = node.get("additionalProperties").filter(|a| a.is_object());
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                let schema = properties.and_then(|p| p.get(key)).or(additional);
                if let Some(schema) = schema {
                    walk(root, schema, child, &field.key(key), found);
                }
            }
        }
        Value::Sequence(items) => {
            if let Some(schema) = node.get("items").filter(|i| i.is_object()) {
                for (i, item) in items.iter().enumerate() {
                    walk(root, schema, item, &field.index(i), found);
                }
            }
        }
        Value::Tagged(tagged) => walk(root, node, &tagged.value, field, found),
        _ => {}
    }
}

/// The one listed spelling that `written` matches when case, `_` and `-`
/// are ignored (`HTTPS` → `https`, `PriceClass_All` → `price_class_all`).
fn current_spelling<'a>(written: &str, spellings: &[&'a str]) -> Option<&'a str> {
    let fold = |s: &str| s.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect::<String>();
    let key = fold(written);
    let mut matches = spellings.iter().filter(|s| fold(s) == key);
    match (matches.next(), matches.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(yaml: &str) -> Vec<(String, String, String)> {
        let document: Value = serde_yaml::from_str(yaml).expect("test YAML parses");
        find(&document).into_iter().map(|d| (d.field.to_string(), d.written, d.current)).collect()
    }

    #[test]
    fn current_spelling_ignores_case_and_separators() {
        assert_eq!(current_spelling("HTTPS", &["http", "https"]), Some("https"));
        assert_eq!(
            current_spelling("PriceClass_All", &["price_class_100", "price_class_all"]),
            Some("price_class_all")
        );
        assert_eq!(current_spelling("gopher", &["http", "https"]), None);
    }

    #[test]
    fn current_spellings_are_not_reported() {
        let yaml = "stacks:\n- name: a\n  vpc:\n    flow_logs:\n      traffic_type: reject\n";
        assert_eq!(found(yaml), vec![]);
    }

    #[test]
    fn an_alias_is_reported_with_its_field_path() {
        let yaml = "stacks:\n- name: a\n  vpc:\n    flow_logs:\n      traffic_type: REJECT\n";
        assert_eq!(
            found(yaml),
            vec![("stacks[0].vpc.flow_logs.traffic_type".into(), "REJECT".into(), "reject".into())]
        );
    }
}
