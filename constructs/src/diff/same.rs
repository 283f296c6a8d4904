//! Equality of template values as CloudFormation sees it.

use serde_json::Value;

/// Structural equality as CloudFormation sees it: key order is irrelevant,
/// and a scalar equals another scalar with the same text (`80` and `"80"`,
/// `true` and `"true"`), since CloudFormation passes both the same way.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => false,
        _ => scalar_text(a) == scalar_text(b),
    }
}

/// A scalar's text (`80` → `80`, `true` → `true`); empty for anything else.
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}
