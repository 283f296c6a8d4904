//! The resource-by-resource comparison of two templates: entries added,
//! removed and modified, each property change with its impact, tags,
//! renames, and what a removal or replacement does to the old resource.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::model::{Change, EntryChange, Fate, Impact, PropertyChange, ResourceChange, ValueChange};
use super::rules;
use super::value::{self, lookup, render_path, same, Path, Seg};
use crate::cfn::schema;

/// A resource's attributes besides `Type` and `Properties`.
const ATTRIBUTES: [&str; 7] =
    ["Condition", "CreationPolicy", "DeletionPolicy", "DependsOn", "Metadata", "UpdatePolicy", "UpdateReplacePolicy"];

pub(crate) fn section<'a>(t: &'a Map<String, Value>, name: &str) -> &'a Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    t.get(name).and_then(Value::as_object).unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

pub(crate) fn diff_entries(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<EntryChange> {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let (o, n) = (old.get(name), new.get(name));
        let change = match (o, n) {
            (Some(_), None) => Change::Removed,
            (None, Some(_)) => Change::Added,
            _ => Change::Modified,
        };
        let mut leaves = Vec::new();
        value::diff(&mut Vec::new(), o, n, &mut leaves);
        if leaves.is_empty() {
            continue;
        }
        let changes = leaves.into_iter().map(|(p, old, new)| ValueChange { path: render_path(&p), old, new }).collect();
        out.push(EntryChange { name: name.clone(), change, changes });
    }
    out
}

pub(crate) fn resource_type(r: &Value) -> &str {
    r.get("Type").and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn diff_resources(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<ResourceChange> {
    let mut changes: BTreeMap<String, ResourceChange> = BTreeMap::new();
    let mut removed: BTreeSet<&String> = BTreeSet::new();
    let mut added: BTreeSet<&String> = BTreeSet::new();
    for (id, o) in old {
        match new.get(id) {
            Some(n) => {
                let pcs = diff_resource(o, n);
                if !pcs.is_empty() {
                    changes.insert(id.clone(), modified(id, o, n, pcs, Change::Modified, None));
                }
            }
            None => {
                removed.insert(id);
            }
        }
    }
    for id in new.keys().filter(|id| !old.contains_key(*id)) {
        added.insert(id);
    }

    for (from, to) in detect_renames(old, new, &removed, &added) {
        removed.remove(&from);
        added.remove(&to);
        let (o, n) = (&old[from.as_str()], &new[to.as_str()]);
        let pcs = diff_resource(o, n);
        changes.insert(to.clone(), modified(&to, o, n, pcs, Change::Renamed, Some(from.clone())));
    }

    for id in removed {
        let o = &old[id.as_str()];
        let ty = resource_type(o).to_owned();
        let mut notes = Vec::new();
        let mut dangerous = false;
        let policy = effective_deletion_policy(o);
        let fate = Fate::of(policy);
        match (fate, schema::stateful_reason(&ty)) {
            (Fate::Retained, _) => notes.push(format!(
                "DeletionPolicy {policy} keeps it in the account, no longer managed by this stack (retained, orphaned)"
            )),
            (Fate::Snapshot, Some(reason)) => {
                dangerous = true;
                notes.push(format!(
                    "removing {ty} deletes {reason}; DeletionPolicy Snapshot takes a final snapshot first"
                ))
            }
            (Fate::Deleted, Some(reason)) => {
                dangerous = true;
                notes.push(format!("removing {ty} deletes {reason}"))
            }
            _ => {}
        }
        changes.insert(
            id.clone(),
            ResourceChange {
                logical_id: id.clone(),
                resource_type: ty,
                change: Change::Removed,
                renamed_from: None,
                impact: None,
                dangerous,
                notes,
                changes: Vec::new(),
                consequence_of: Vec::new(),
                fate: Some(fate),
                tags_only: false,
                tag_changes: Vec::new(),
            },
        );
    }
    for id in added {
        changes.insert(
            id.clone(),
            ResourceChange {
                logical_id: id.clone(),
                resource_type: resource_type(&new[id.as_str()]).to_owned(),
                change: Change::Added,
                renamed_from: None,
                impact: None,
                dangerous: false,
                notes: Vec::new(),
                changes: Vec::new(),
                consequence_of: Vec::new(),
                fate: None,
                tags_only: false,
                tag_changes: Vec::new(),
            },
        );
    }

    changes.into_values().collect()
}

/// The DeletionPolicy CloudFormation applies when the resource leaves the
/// stack: the explicit one, else `Snapshot` for RDS clusters and for
/// instances outside a cluster, else `Delete`.
fn effective_deletion_policy(r: &Value) -> &str {
    effective_policy(r, "DeletionPolicy")
}

/// The policy attribute `attr` (`DeletionPolicy` or `UpdateReplacePolicy`)
/// in effect, with the same defaults for both.
fn effective_policy<'a>(r: &'a Value, attr: &str) -> &'a str {
    if let Some(p) = r.get(attr).and_then(Value::as_str) {
        return p;
    }
    match resource_type(r) {
        "AWS::RDS::DBCluster" => "Snapshot",
        "AWS::RDS::DBInstance" if lookup(r.get("Properties"), &["DBClusterIdentifier"]).is_none() => "Snapshot",
        _ => "Delete",
    }
}

/// Builds the entry of a modified or renamed resource from its changes.
pub(crate) fn modified(
    id: &str,
    o: &Value,
    n: &Value,
    pcs: Vec<PropertyChange>,
    change: Change,
    renamed_from: Option<String>,
) -> ResourceChange {
    let mut rc = ResourceChange {
        logical_id: id.to_owned(),
        resource_type: resource_type(n).to_owned(),
        change,
        renamed_from,
        impact: None,
        dangerous: false,
        notes: Vec::new(),
        changes: pcs,
        consequence_of: Vec::new(),
        fate: None,
        tags_only: false,
        tag_changes: Vec::new(),
    };
    if let Some(from) = &rc.renamed_from {
        rc.notes.push(format!(
            "replacement caused by a rename: the logical ID changed from {from} to {id}, so CloudFormation creates a new resource and deletes the old one"
        ));
    }
    for attr in ["DeletionPolicy", "UpdateReplacePolicy"] {
        let (a, b) = (o.get(attr).and_then(Value::as_str), n.get(attr).and_then(Value::as_str));
        if a != b {
            let meaning = match (attr, b) {
                ("DeletionPolicy", Some("RetainExceptOnCreate")) => {
                    " (kept when removed or when the stack is deleted; deleted only by the rollback of the deploy that creates it)"
                }
                _ => "",
            };
            rc.notes.push(format!(
                "{attr} changes from {} to {}{meaning}",
                a.unwrap_or("(default)"),
                b.unwrap_or("(default)")
            ));
        }
    }
    refresh(&mut rc, o, n);
    rc
}

/// Recomputes a modified resource's impact and danger from its changes.
pub(crate) fn refresh(rc: &mut ResourceChange, o: &Value, n: &Value) {
    let mut impact = rc.changes.iter().map(|c| c.impact).max().unwrap_or(Impact::None);
    if rc.change == Change::Renamed {
        impact = Impact::Replace;
    }
    rc.impact = Some(impact);
    rc.fate = match impact {
        Impact::Replace | Impact::MayReplace => Some(Fate::of(effective_policy(n, "UpdateReplacePolicy"))),
        _ => None,
    };
    rc.notes.retain(|n| !n.starts_with("replacing ") && !n.starts_with("may replace "));
    rc.dangerous = false;
    if let Some(reason) = schema::stateful_reason(resource_type(o)).or(schema::stateful_reason(resource_type(n))) {
        let ty = resource_type(n);
        let kept = match rc.fate {
            Some(Fate::Retained) => {
                "; UpdateReplacePolicy Retain keeps the old one (retained, orphaned), but the new one starts empty"
            }
            Some(Fate::Snapshot) => "; the old one is deleted after a final snapshot (UpdateReplacePolicy Snapshot)",
            _ => "",
        };
        match impact {
            Impact::Replace => {
                rc.dangerous = true;
                rc.notes.push(format!("replacing {ty} deletes {reason}{kept}"));
            }
            Impact::MayReplace => {
                rc.dangerous = true;
                rc.notes.push(format!("may replace {ty}, which is {reason}{kept}"));
            }
            _ => {}
        }
    }
}

/// Everything that differs inside one resource.
fn diff_resource(o: &Value, n: &Value) -> Vec<PropertyChange> {
    let mut out = Vec::new();
    if !o.is_object() || !n.is_object() {
        if !same(o, n) {
            out.push(PropertyChange {
                path: String::new(),
                old: Some(o.clone()),
                new: Some(n.clone()),
                impact: Impact::MayReplace,
                reason:
                    "not a resource (a resource is a mapping with a `Type`): rcdk cannot tell what CloudFormation does"
                        .into(),
                caused_by: None,
                cause: None,
            });
        }
        return out;
    }
    let (ot, nt) = (resource_type(o), resource_type(n));
    if ot != nt {
        out.push(PropertyChange {
            path: "Type".into(),
            old: Some(Value::String(ot.into())),
            new: Some(Value::String(nt.into())),
            impact: Impact::Replace,
            reason: "a new type is a new resource".into(),
            caused_by: None,
            cause: None,
        });
    }
    let mut leaves = Vec::new();
    let mut path: Path = vec![Seg::Key("Properties".into())];
    value::diff(&mut path, o.get("Properties"), n.get("Properties"), &mut leaves);
    for (p, old, new) in leaves {
        let (impact, reason) = property_impact(nt, &p[1..], o, n);
        out.push(PropertyChange { path: render_path(&p), old, new, impact, reason, caused_by: None, cause: None });
    }
    let mut keys: BTreeSet<&String> = BTreeSet::new();
    keys.extend(o.as_object().into_iter().flat_map(|m| m.keys()));
    keys.extend(n.as_object().into_iter().flat_map(|m| m.keys()));
    for key in keys.into_iter().filter(|k| *k != "Type" && *k != "Properties") {
        let (a, b) = (attribute(o, key), attribute(n, key));
        let mut leaves = Vec::new();
        value::diff(&mut vec![Seg::Key(key.clone())], a.as_ref(), b.as_ref(), &mut leaves);
        for (p, old, new) in leaves {
            let (impact, reason) = match key.as_str() {
                "Condition" => (
                    Impact::MayReplace,
                    "the condition decides whether the resource exists: it may be created or deleted".to_owned(),
                ),
                k if ATTRIBUTES.contains(&k) => (Impact::None, format!("{k} changes no physical resource")),
                k => (Impact::None, format!("`{k}` is not a resource attribute CloudFormation knows")),
            };
            out.push(PropertyChange { path: render_path(&p), old, new, impact, reason, caused_by: None, cause: None });
        }
    }
    out
}

/// A resource attribute in canonical form: `DependsOn` as a sorted list.
fn attribute(r: &Value, key: &str) -> Option<Value> {
    let v = r.get(key)?;
    if key == "DependsOn" {
        let mut ids: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => {
                a.iter().map(|x| x.as_str().map(str::to_owned).unwrap_or_else(|| x.to_string())).collect()
            }
            other => return Some(other.clone()),
        };
        ids.sort();
        ids.dedup();
        return Some(Value::Array(ids.into_iter().map(Value::String).collect()));
    }
    Some(v.clone())
}

/// What a change at `path` (below `Properties`) does to a resource of type
/// `ty`; `o` and `n` are the whole old and new resources.
fn property_impact(ty: &str, path: &[Seg], o: &Value, n: &Value) -> (Impact, String) {
    if ty.starts_with(SAM_PREFIX) {
        return (
            Impact::MayReplace,
            format!("{ty} is diffed before the SAM transform: replacements inside are not predicted"),
        );
    }
    // Every custom resource type is an AWS::CloudFormation::CustomResource.
    let ty = if ty.starts_with("Custom::") { "AWS::CloudFormation::CustomResource" } else { ty };
    let Some(schema) = schema::type_schema(ty) else {
        return (
            Impact::MayReplace,
            format!("rcdk has no schema for {ty}: it cannot tell whether this replaces the resource"),
        );
    };
    if !schema.updatable {
        return (Impact::Replace, format!("{ty} cannot be updated: every change replaces it"));
    }
    let keys: Vec<Option<&str>> = path
        .iter()
        .map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    let (old, new) = (o.get("Properties"), n.get("Properties"));
    if let Some(p) = schema.create_only.iter().find(|p| touches(p, &keys, old, new)) {
        return (Impact::Replace, format!("`{}` is create-only", schema::pointer_segments(p).join(".")));
    }
    if let Some(p) = schema.conditional_create_only.iter().find(|p| touches(p, &keys, old, new)) {
        let segs = schema::pointer_segments(p);
        if let Some(rule) = segs.first().and_then(|top| rules::rule_for(ty, top)) {
            return rules::apply(rule, Some(o), Some(n));
        }
        return (
            Impact::MayReplace,
            format!("`{}` replaces the resource in some cases (conditionally create-only)", segs.join(".")),
        );
    }
    (Impact::Update, "updated in place".into())
}

/// The type prefix of the resources the `AWS::Serverless-2016-10-31` transform rewrites.
const SAM_PREFIX: &str = "AWS::Serverless::";

/// A warning naming the SAM resources of the new template: rcdk diffs them as
/// written, before the transform turns them into the resources CloudFormation deploys.
pub(crate) fn transform_warnings(new: &Map<String, Value>) -> Vec<String> {
    let sam: Vec<&str> =
        new.iter().filter(|(_, r)| resource_type(r).starts_with(SAM_PREFIX)).map(|(id, _)| id.as_str()).collect();
    if sam.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "{} diffed before the SAM transform: replacements inside are not predicted ({})",
        if sam.len() == 1 { "1 resource is" } else { "these resources are" },
        sam.join(", ")
    )]
}

/// A resource's tags as key → value (from a `[{Key, Value}]` list or a map).
fn tags(r: Option<&Value>) -> BTreeMap<String, String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = BTreeMap::new();
    match r.and_then(|r| r.get("Properties")).and_then(|p| p.get("Tags")) {
        Some(Value::Array(items)) => {
            for item in items {
                if let Some(k) = item.get("Key") {
                    out.insert(text(k), item.get("Value").map(text).unwrap_or_default());
                }
            }
        }
        Some(Value::Object(m)) => {
            for (k, v) in m {
                out.insert(k.clone(), text(v));
            }
        }
        _ => {}
    }
    out
}

/// Tag changes in words: `+key=value`, `-key=value`, `~key: old → new`.
pub(crate) fn tag_changes(o: Option<&Value>, n: Option<&Value>) -> Vec<String> {
    let (a, b) = (tags(o), tags(n));
    let mut out = Vec::new();
    for (k, v) in &b {
        match a.get(k) {
            None => out.push(format!("+{k}={v}")),
            Some(w) if w != v => out.push(format!("~{k}: {w} → {v}")),
            _ => {}
        }
    }
    for (k, v) in a.iter().filter(|(k, _)| !b.contains_key(*k)) {
        out.push(format!("-{k}={v}"));
    }
    out
}

/// Marks a finished resource entry: what it is a consequence of, and whether only tags change.
pub(crate) fn finish(r: &mut ResourceChange) {
    if r.change != Change::Modified || r.changes.is_empty() {
        return;
    }
    if r.changes.iter().all(|c| c.cause.is_some()) {
        let mut ids: Vec<String> = Vec::new();
        for c in &r.changes {
            if let Some(cause) = &c.cause {
                if !ids.contains(&cause.id) {
                    ids.push(cause.id.clone());
                }
            }
        }
        r.consequence_of = ids;
    }
    r.tags_only = r.changes.iter().all(|c| {
        c.cause.is_none()
            && c.impact <= Impact::Update
            && (c.path == "Properties.Tags"
                || c.path.starts_with("Properties.Tags.")
                || c.path.starts_with("Properties.Tags["))
    });
}

/// True when a change at `keys` (map keys; `None` for list indices) affects
/// the property at JSON pointer `pointer`: the change is at or below it, or
/// above it with the value at the pointer different.
fn touches(pointer: &str, keys: &[Option<&str>], old: Option<&Value>, new: Option<&Value>) -> bool {
    let segs = schema::pointer_segments(pointer);
    let named: Vec<&str> = keys.iter().flatten().copied().collect();
    let pointer_keys: Vec<&str> = segs.into_iter().filter(|s| *s != "*").collect();
    if pointer_keys.len() <= named.len() {
        return pointer_keys.iter().zip(&named).all(|(a, b)| a == b);
    }
    if !named.iter().zip(&pointer_keys).all(|(a, b)| a == b) || keys.iter().any(Option::is_none) {
        return false;
    }
    match (lookup(old, &pointer_keys), lookup(new, &pointer_keys)) {
        (None, None) => false,
        (Some(a), Some(b)) => !same(a, b),
        _ => true,
    }
}

/// Pairs of removed and added resources with the same type and the same
/// properties — up to references to other renamed resources and the `Name`
/// tag rcdk derives from the construct path. A pair counts only when the
/// match is unique both ways.
fn detect_renames(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    removed: &BTreeSet<&String>,
    added: &BTreeSet<&String>,
) -> Vec<(String, String)> {
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut candidates: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
        let mut taken_by: BTreeMap<&String, usize> = BTreeMap::new();
        for r in removed.iter().filter(|r| !renames.contains_key(r.as_str())) {
            let o = &old[r.as_str()];
            let o_props = rename_key(o.get("Properties"), &renames);
            for a in added.iter().filter(|a| !renames.values().any(|v| v == a.as_str())) {
                let n = &new[a.as_str()];
                if resource_type(o) == resource_type(n)
                    && same(&o_props, &rename_key(n.get("Properties"), &BTreeMap::new()))
                {
                    candidates.entry(r).or_default().push(a);
                    *taken_by.entry(a).or_default() += 1;
                }
            }
        }
        let before = renames.len();
        for (r, list) in candidates {
            if let [a] = list.as_slice() {
                if taken_by.get(a) == Some(&1) {
                    renames.insert(r.clone(), (*a).clone());
                }
            }
        }
        if renames.len() == before {
            break;
        }
    }
    renames.into_iter().collect()
}

/// Properties with references rewritten through `renames` and `Name` tags dropped.
fn rename_key(props: Option<&Value>, renames: &BTreeMap<String, String>) -> Value {
    fn walk(v: &Value, renames: &BTreeMap<String, String>, key: Option<&str>) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    let x = match (k.as_str(), x) {
                        ("Ref", Value::String(id)) => {
                            Value::String(renames.get(id).cloned().unwrap_or_else(|| id.clone()))
                        }
                        ("Fn::GetAtt", Value::Array(parts)) if !parts.is_empty() => {
                            let mut parts = parts.clone();
                            if let Some(Value::String(id)) = parts.first() {
                                if let Some(to) = renames.get(id) {
                                    parts[0] = Value::String(to.clone());
                                }
                            }
                            Value::Array(parts)
                        }
                        ("Fn::Sub", Value::String(s)) => Value::String(rename_in_sub(s, renames)),
                        _ => walk(x, renames, Some(k)),
                    };
                    out.insert(k.clone(), x);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .filter(|i| !(key == Some("Tags") && i.get("Key").and_then(Value::as_str) == Some("Name")))
                    .map(|i| walk(i, renames, None))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    props.map(|p| walk(p, renames, None)).unwrap_or(Value::Null)
}

fn rename_in_sub(s: &str, renames: &BTreeMap<String, String>) -> String {
    let mut out = s.to_owned();
    for (from, to) in renames {
        out = out
            .replace(&format!("${{{from}}}"), &format!("${{{to}}}"))
            .replace(&format!("${{{from}."), &format!("${{{to}."));
    }
    out
}
