//! Structural comparison of JSON values: paths, intrinsic functions as
//! atoms, lists aligned by their longest common subsequence.

use std::fmt::Write as _;

use serde_json::{Map, Value};

pub(crate) use super::same::same;

/// One step of a path into a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A path into a value, e.g. `Properties.Tags[1].Value`.
pub(crate) type Path = Vec<Seg>;

/// Renders a path: keys joined with `.`, indices as `[i]`.
pub(crate) fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// A leaf difference: the path, the old value (none when added) and the new
/// value (none when removed).
pub(crate) type Leaf = (Path, Option<Value>, Option<Value>);

/// Map keys are visited in sorted order, so the result never depends on key order.
/// Appends every leaf difference between `old` and `new` below `path`.
pub(crate) fn diff(path: &mut Path, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Leaf>) {
    match (old, new) {
        (None, None) => {}
        (Some(o), Some(n)) if same(o, n) => {}
        (Some(Value::Object(o)), Some(Value::Object(n))) => diff_maps(path, o, n, out),
        (Some(Value::Array(o)), Some(Value::Array(n))) => diff_lists(path, o, n, out),
        (o, n) => out.push((path.clone(), o.cloned(), n.cloned())),
    }
}

fn diff_maps(path: &mut Path, o: &Map<String, Value>, n: &Map<String, Value>, out: &mut Vec<Leaf>) {
    if is_intrinsic_map(o) || is_intrinsic_map(n) {
        out.push((path.clone(), Some(Value::Object(o.clone())), Some(Value::Object(n.clone()))));
        return;
    }
    let mut keys: Vec<&String> = o.keys().chain(n.keys().filter(|k| !o.contains_key(*k))).collect();
    keys.sort();
    for k in keys {
        path.push(Seg::Key(k.clone()));
        diff(path, o.get(k), n.get(k), out);
        path.pop();
    }
}

/// True for `{"Ref": ...}`, `{"Fn::...": ...}` and `{"Condition": ...}`:
/// intrinsic functions are compared and shown as whole values.
fn is_intrinsic_map(m: &Map<String, Value>) -> bool {
    m.len() == 1 && m.keys().next().is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

/// Lists are aligned on their common items (see [`super::align`]: the
/// longest common subsequence for short stretches, in memory proportional
/// to the lists), so inserting one tag shows one added item rather than
/// every later item changed. Unmatched items between two matches are
/// compared pairwise; the rest are added (at their new index) or removed
/// (at their old index).
fn diff_lists(path: &mut Path, o: &[Value], n: &[Value], out: &mut Vec<Leaf>) {
    let (mut i, mut j) = (0, 0);
    for (mi, mj) in super::align::matches(o, n).into_iter().chain(std::iter::once((o.len(), n.len()))) {
        flush_gap(path, o, n, i..mi, j..mj, out);
        (i, j) = (mi + 1, mj + 1);
    }
}

fn flush_gap(
    path: &mut Path,
    o: &[Value],
    n: &[Value],
    gap_o: std::ops::Range<usize>,
    gap_n: std::ops::Range<usize>,
    out: &mut Vec<Leaf>,
) {
    let paired = gap_o.len().min(gap_n.len());
    for k in 0..paired {
        path.push(Seg::Index(gap_n.start + k));
        diff(path, Some(&o[gap_o.start + k]), Some(&n[gap_n.start + k]), out);
        path.pop();
    }
    for (oi, item) in o.iter().enumerate().take(gap_o.end).skip(gap_o.start + paired) {
        path.push(Seg::Index(oi));
        out.push((path.clone(), Some(item.clone()), None));
        path.pop();
    }
    for (ni, item) in n.iter().enumerate().take(gap_n.end).skip(gap_n.start + paired) {
        path.push(Seg::Index(ni));
        out.push((path.clone(), None, Some(item.clone())));
        path.pop();
    }
}

/// Looks up the value at `keys` (map keys only) below `v`.
pub(crate) fn lookup<'a>(v: Option<&'a Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v?, |cur, k| cur.get(*k))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn leaves(o: Value, n: Value) -> Vec<(String, Option<Value>, Option<Value>)> {
        let mut out = Vec::new();
        diff(&mut Vec::new(), Some(&o), Some(&n), &mut out);
        out.into_iter().map(|(p, o, n)| (render_path(&p), o, n)).collect()
    }

    #[test]
    fn scalars_with_the_same_text_are_equal() {
        assert!(same(&json!(80), &json!("80")));
        assert!(same(&json!({"a": [true]}), &json!({"a": ["true"]})));
        assert!(!same(&json!(null), &json!("")));
    }

    #[test]
    fn an_inserted_tag_is_one_added_item() {
        let o = json!({"Tags": [{"Key": "a", "Value": "1"}, {"Key": "c", "Value": "3"}]});
        let n = json!({"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": "3"}]});
        assert_eq!(leaves(o, n), vec![("Tags[1]".into(), None, Some(json!({"Key": "b", "Value": "2"})))]);
    }

    #[test]
    fn a_changed_item_is_diffed_inside() {
        let o = json!({"L": [{"Key": "a", "Value": "1"}]});
        let n = json!({"L": [{"Key": "a", "Value": "2"}]});
        assert_eq!(leaves(o, n), vec![("L[0].Value".into(), Some(json!("1")), Some(json!("2")))]);
    }

    #[test]
    fn intrinsics_are_atoms() {
        let o = json!({"SubnetId": {"Ref": "A"}});
        let n = json!({"SubnetId": {"Ref": "B"}});
        assert_eq!(leaves(o, n), vec![("SubnetId".into(), Some(json!({"Ref": "A"})), Some(json!({"Ref": "B"})))]);
    }
}
