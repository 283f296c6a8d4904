//! Knock-on effects: values that read the same in both templates but change
//! on deploy because of what they refer to.
//!
//! - A replaced resource gets a new physical ID and new attributes: every
//!   `Ref`, `Fn::GetAtt` or `Fn::Sub` of it changes.
//! - A resource that may be replaced: those values may change.
//! - An updated resource: a `Fn::GetAtt` of an attribute the update changes
//!   (a launch template's `LatestVersionNumber` and `DefaultVersionNumber`,
//!   an attribute named like a changed property, an RDS `Endpoint.Port`)
//!   changes.
//! - A parameter whose `Default` changes: every `Ref` of it (also inside
//!   `Fn::FindInMap`, `Fn::Sub`, ...) changes on a deploy that does not pass
//!   the parameter, and so does every condition that reads it, and with
//!   them the resources and `Fn::If`s that use those conditions.
//!
//! Each effect is a [`PropertyChange`] with a [`Cause`]; the readers' impact
//! follows from their schemas, and their own effects propagate in turn.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value};

use super::model::{Cause, CauseKind, Change, EntryChange, Impact, PropertyChange, ResourceChange};
use super::resources::{modified, refresh, resource_type, section};
use super::rules;
use super::value::{render_path, same, Path, Seg};
use crate::cfn::schema;

/// Something that happens to a resource, parameter or condition, which its readers may feel.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// Replaced: every reference changes.
    Replaced,
    /// May be replaced: every reference may change.
    MayBeReplaced,
    /// Updated: `Fn::GetAtt` of these attributes changes (or may change, when `certain` is false).
    Updated { attributes: BTreeSet<String>, certain: bool },
    /// A parameter whose default changes (old → new, for the reason text).
    ParameterDefault(String),
    /// A condition that depends on a changed parameter default.
    Condition,
}

impl Event {
    fn kind(&self) -> CauseKind {
        match self {
            Event::Replaced => CauseKind::Replaced,
            Event::MayBeReplaced => CauseKind::MayBeReplaced,
            Event::Updated { certain: true, .. } => CauseKind::Updated,
            Event::Updated { certain: false, .. } => CauseKind::MayBeUpdated,
            Event::ParameterDefault(_) => CauseKind::ParameterDefault,
            Event::Condition => CauseKind::Condition,
        }
    }
}

/// Adds every knock-on change to `changes` (sorted by logical ID), creating
/// entries for resources that change only because of others.
pub(super) fn propagate(
    old_t: &Map<String, Value>,
    new_t: &Map<String, Value>,
    parameters: &[EntryChange],
    changes: &mut Vec<ResourceChange>,
) {
    let old = section(old_t, "Resources");
    let new = section(new_t, "Resources");
    let mut by_id: BTreeMap<String, ResourceChange> =
        std::mem::take(changes).into_iter().map(|c| (c.logical_id.clone(), c)).collect();

    let mut queue: VecDeque<(String, Event)> = VecDeque::new();
    for c in by_id.values().filter(|c| c.change == Change::Modified) {
        let (Some(o), Some(n)) = (old.get(&c.logical_id), new.get(&c.logical_id)) else { continue };
        queue.extend(events_of(c, o, n).into_iter().map(|e| (c.logical_id.clone(), e)));
    }
    for p in parameters.iter().filter(|p| p.change == Change::Modified) {
        if let Some(d) = p.changes.iter().find(|c| c.path == "Default" || c.path.starts_with("Default")) {
            let show = |v: &Option<Value>| match v {
                None => "(none)".to_owned(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            };
            queue.push_back((p.name.clone(), Event::ParameterDefault(format!("{} → {}", show(&d.old), show(&d.new)))));
        }
    }
    // Conditions that read a changed parameter (directly or through other conditions).
    let params: Vec<String> =
        queue.iter().filter(|(_, e)| matches!(e, Event::ParameterDefault(_))).map(|(id, _)| id.clone()).collect();
    let conditions = section(new_t, "Conditions");
    let mut affected: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = affected.len();
        for (name, body) in conditions {
            if affected.contains(name) {
                continue;
            }
            let reads_param = params.iter().any(|p| mentions(body, p, &Event::ParameterDefault(String::new())));
            let reads_cond = affected.iter().any(|c| mentions(body, c, &Event::Condition));
            if reads_param || reads_cond {
                affected.insert(name.clone());
            }
        }
        if affected.len() == before {
            break;
        }
    }
    queue.extend(affected.into_iter().map(|c| (c, Event::Condition)));

    let mut done: BTreeSet<(String, Event)> = BTreeSet::new();
    while let Some((target, event)) = queue.pop_front() {
        if !done.insert((target.clone(), event.clone())) {
            continue;
        }
        for (id, n) in new {
            let Some(o) = old.get(id) else { continue };
            if id == &target || by_id.get(id).is_some_and(|c| c.change != Change::Modified) {
                continue;
            }
            let mut paths = Vec::new();
            if let Some(props) = n.get("Properties") {
                reference_paths(props, &target, &event, &mut vec![Seg::Key("Properties".into())], &mut paths);
            }
            if event == Event::Condition && n.get("Condition").and_then(Value::as_str) == Some(target.as_str()) {
                paths.push(vec![Seg::Key("Condition".into())]);
            }
            let ty = resource_type(n);
            let mut added = Vec::new();
            for p in paths {
                let (ov, nv) = (lookup_path(o, &p), lookup_path(n, &p));
                if !matches!((ov, nv), (Some(a), Some(b)) if same(a, b)) {
                    continue; // already a change written in the template
                }
                let (impact, reason) = knock_on_impact(ty, &p, o, n, &target, &event);
                added.push(PropertyChange {
                    path: render_path(&p),
                    old: ov.cloned(),
                    new: nv.cloned(),
                    impact,
                    reason,
                    caused_by: (event == Event::Replaced).then(|| target.clone()),
                    cause: Some(Cause { kind: event.kind(), id: target.clone() }),
                });
            }
            if added.is_empty() {
                continue;
            }
            let entry =
                by_id.entry(id.clone()).or_insert_with(|| modified(id, o, n, Vec::new(), Change::Modified, None));
            let mut grew = false;
            for pc in added {
                if let Some(existing) = entry.changes.iter_mut().find(|c| c.path == pc.path) {
                    // A stronger cause for the same value wins (replaced over may-be-replaced).
                    if existing.cause.is_some() && pc.impact > existing.impact {
                        *existing = pc;
                        grew = true;
                    }
                } else {
                    entry.changes.push(pc);
                    grew = true;
                }
            }
            if !grew {
                continue;
            }
            entry.changes.sort_by(|a, b| a.path.cmp(&b.path));
            refresh(entry, o, n);
            for e in events_of(entry, o, n) {
                if !done.contains(&(id.clone(), e.clone())) {
                    queue.push_back((id.clone(), e));
                }
            }
        }
    }
    *changes = by_id.into_values().collect();
}

/// What the readers of a modified resource feel.
fn events_of(c: &ResourceChange, o: &Value, n: &Value) -> Vec<Event> {
    match c.impact {
        Some(Impact::Replace) => vec![Event::Replaced],
        Some(Impact::MayReplace) => {
            let mut out = vec![Event::MayBeReplaced];
            let attributes = changed_attributes(resource_type(n), &c.changes, o, n);
            if !attributes.is_empty() {
                out.push(Event::Updated { attributes, certain: false });
            }
            out
        }
        Some(Impact::Update) => {
            let certain = c.changes.iter().all(|pc| {
                !matches!(pc.cause.as_ref().map(|k| k.kind), Some(CauseKind::MayBeReplaced | CauseKind::MayBeUpdated))
            });
            let attributes = changed_attributes(resource_type(n), &c.changes, o, n);
            if attributes.is_empty() {
                Vec::new()
            } else {
                vec![Event::Updated { attributes, certain }]
            }
        }
        _ => Vec::new(),
    }
}

/// Attributes (`Fn::GetAtt` names) an in-place update changes.
fn changed_attributes(ty: &str, changes: &[PropertyChange], _o: &Value, _n: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in changes.iter().filter(|c| c.impact >= Impact::Update) {
        let Some(rest) = c.path.strip_prefix("Properties.") else { continue };
        let top = rest.split(['.', '[']).next().unwrap_or(rest);
        // An attribute named like the property mirrors it (e.g. a load balancer's SecurityGroups).
        out.insert(top.to_owned());
        match (ty, top) {
            // Updating a launch template's data creates a new version, which CloudFormation
            // makes the default.
            ("AWS::EC2::LaunchTemplate", "LaunchTemplateData") => {
                out.insert("LatestVersionNumber".into());
                out.insert("DefaultVersionNumber".into());
            }
            ("AWS::RDS::DBInstance" | "AWS::RDS::DBCluster", "Port") => {
                out.insert("Endpoint.Port".into());
            }
            _ => {}
        }
    }
    out
}

/// The impact on a reader of type `ty` of the value at `path` changing because `target` had `event`.
fn knock_on_impact(ty: &str, path: &[Seg], o: &Value, n: &Value, target: &str, event: &Event) -> (Impact, String) {
    let because = match event {
        Event::Replaced => format!("new value: {target} is replaced"),
        Event::MayBeReplaced => format!("may change: {target} may be replaced"),
        Event::Updated { certain: true, .. } => format!("new value: {target} is updated and this attribute changes"),
        Event::Updated { certain: false, .. } => format!("may change: {target} may be updated"),
        Event::ParameterDefault(change) => {
            format!("new value on a deploy that does not pass {target}: its default changes {change}")
        }
        Event::Condition => format!("condition {target} reads a parameter whose default changes"),
    };
    if path.first() == Some(&Seg::Key("Condition".into())) {
        return (Impact::MayReplace, format!("{because}: the resource may be created or deleted"));
    }
    let (impact, why) = reader_impact(ty, &path[1..], o, n);
    let certain = matches!(event, Event::Replaced | Event::Updated { certain: true, .. } | Event::ParameterDefault(_));
    let impact = if certain { impact } else { impact.min(Impact::MayReplace) };
    (impact, format!("{because}; {why}"))
}

/// The impact of a value changing at `path` (below `Properties`) when the
/// template text there is the same, so the new value is not known.
fn reader_impact(ty: &str, path: &[Seg], o: &Value, n: &Value) -> (Impact, String) {
    let Some(schema) = schema::type_schema(ty) else {
        return (Impact::MayReplace, format!("rcdk has no schema for {ty}"));
    };
    if !schema.updatable {
        return (Impact::Replace, format!("{ty} cannot be updated"));
    }
    let named: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    let hit = |p: &String| {
        let segs: Vec<&str> = schema::pointer_segments(p).into_iter().filter(|s| *s != "*").collect();
        segs.len() <= named.len() && segs.iter().zip(&named).all(|(a, b)| a == b)
    };
    if let Some(p) = schema.create_only.iter().find(|p| hit(p)) {
        return (Impact::Replace, format!("`{}` is create-only", schema::pointer_segments(p).join(".")));
    }
    if let Some(p) = schema.conditional_create_only.iter().find(|p| hit(p)) {
        let segs = schema::pointer_segments(p);
        if let Some(rule) = segs.first().and_then(|top| rules::rule_for(ty, top)) {
            let (impact, why) = rules::apply(rule, Some(o), Some(n));
            // Value-dependent rules cannot be decided without the new value.
            let unknown =
                matches!(rule.rule, rules::Rule::VpcTenancy | rules::Rule::BlockDevicesDeleteOnTerminationOnly);
            return if unknown { (Impact::MayReplace, why) } else { (impact, why) };
        }
        return (Impact::MayReplace, format!("`{}` is conditionally create-only", segs.join(".")));
    }
    (Impact::Update, "updated in place".into())
}

fn lookup_path<'a>(r: &'a Value, p: &[Seg]) -> Option<&'a Value> {
    p.iter().try_fold(r, |cur, s| match s {
        Seg::Key(k) => cur.get(k.as_str()),
        Seg::Index(i) => cur.get(*i),
    })
}

/// True for `{"Ref": ...}`, `{"Fn::...": ...}` and `{"Condition": ...}`.
fn is_intrinsic(m: &Map<String, Value>) -> bool {
    m.len() == 1 && m.keys().next().is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

/// Paths of the outermost intrinsic functions inside `v` whose value depends on `target` under `event`.
fn reference_paths(v: &Value, target: &str, event: &Event, path: &mut Path, out: &mut Vec<Path>) {
    match v {
        Value::Object(m) if is_intrinsic(m) && mentions(v, target, event) => out.push(path.clone()),
        Value::Object(m) if is_intrinsic(m) => {}
        Value::Object(m) => {
            for (k, x) in m {
                path.push(Seg::Key(k.clone()));
                reference_paths(x, target, event, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                reference_paths(x, target, event, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// True when `v` reads `target` in a way `event` changes.
fn mentions(v: &Value, target: &str, event: &Event) -> bool {
    match v {
        Value::Object(m) => {
            if m.len() == 1 {
                if let Some((k, x)) = m.iter().next() {
                    let hit = match (k.as_str(), x) {
                        ("Ref", Value::String(id)) => {
                            id == target
                                && matches!(event, Event::Replaced | Event::MayBeReplaced | Event::ParameterDefault(_))
                        }
                        ("Fn::GetAtt", Value::Array(parts)) => {
                            parts.first().and_then(Value::as_str) == Some(target)
                                && match event {
                                    Event::Replaced | Event::MayBeReplaced => true,
                                    Event::Updated { attributes, .. } => {
                                        parts.get(1).and_then(Value::as_str).is_some_and(|a| attributes.contains(a))
                                    }
                                    _ => false,
                                }
                        }
                        ("Fn::Sub", Value::String(s)) => sub_mentions(s, target, event),
                        ("Fn::Sub", Value::Array(parts)) => {
                            parts.first().and_then(Value::as_str).is_some_and(|s| sub_mentions(s, target, event))
                        }
                        ("Fn::If", Value::Array(parts)) => {
                            *event == Event::Condition && parts.first().and_then(Value::as_str) == Some(target)
                        }
                        ("Condition", Value::String(c)) => *event == Event::Condition && c == target,
                        _ => false,
                    };
                    if hit {
                        return true;
                    }
                }
            }
            m.values().any(|x| mentions(x, target, event))
        }
        Value::Array(items) => items.iter().any(|x| mentions(x, target, event)),
        _ => false,
    }
}

/// True when a `Fn::Sub` string reads `${target}` or `${target.Attribute}` in a way `event` changes.
fn sub_mentions(s: &str, target: &str, event: &Event) -> bool {
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let token = &after[..end];
        rest = &after[end + 1..];
        if token.starts_with('!') {
            continue; // `${!Literal}`
        }
        let (name, attr) = match token.split_once('.') {
            Some((n, a)) => (n, Some(a)),
            None => (token, None),
        };
        if name != target {
            continue;
        }
        let hit = match (event, attr) {
            (Event::Replaced | Event::MayBeReplaced, _) => true,
            (Event::ParameterDefault(_), None) => true,
            (Event::Updated { attributes, .. }, Some(a)) => attributes.contains(a),
            _ => false,
        };
        if hit {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{CauseKind, Impact, TemplateDiff};

    fn entry<'a>(d: &'a TemplateDiff, id: &str) -> &'a super::super::ResourceChange {
        d.resources.iter().find(|r| r.logical_id == id).unwrap_or_else(|| panic!("{id} not in {d:#?}"))
    }

    #[test]
    fn a_launch_template_change_updates_the_auto_scaling_group() {
        let t = |ty: &str| {
            json!({"Resources": {
                "Lt": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"InstanceType": ty}}},
                "Asg": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {"MinSize": "1", "MaxSize": "2",
                    "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Lt"}, "Version": {"Fn::GetAtt": ["Lt", "LatestVersionNumber"]}}}}
            }})
        };
        let d = TemplateDiff::new(&t("t3.medium"), &t("m6i.large"));
        assert_eq!(entry(&d, "Lt").impact, Some(Impact::Update));
        let asg = entry(&d, "Asg");
        assert_eq!(asg.impact, Some(Impact::Update), "{asg:#?}");
        assert_eq!(asg.changes[0].path, "Properties.LaunchTemplate.Version");
        assert_eq!(asg.changes[0].cause.as_ref().map(|c| c.kind), Some(CauseKind::Updated));
        assert_eq!(asg.consequence_of, vec!["Lt".to_owned()]);
    }

    #[test]
    fn a_may_replace_propagates_as_may_change() {
        let t = |engine: &str| {
            json!({"Resources": {
                "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": engine}},
                "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}}}
            }})
        };
        let d = TemplateDiff::new(&t("postgres"), &t("mysql"));
        assert_eq!(entry(&d, "Db").impact, Some(Impact::MayReplace));
        let p = entry(&d, "Param");
        assert_eq!(p.impact, Some(Impact::Update));
        assert_eq!(p.changes[0].cause.as_ref().map(|c| c.kind), Some(CauseKind::MayBeReplaced));
        assert!(p.changes[0].reason.starts_with("may change: Db may be replaced"), "{p:#?}");
        assert_eq!(p.changes[0].caused_by, None);
    }

    #[test]
    fn a_changed_parameter_default_changes_its_readers() {
        let t = |default: u32| {
            json!({"Parameters": {"Pct": {"Type": "Number", "Default": default}},
                "Mappings": {"W": {"10": {"Stable": 90}, "20": {"Stable": 80}}},
                "Resources": {
                "Rule": {"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {"Priority": 1, "ListenerArn": "arn",
                    "Actions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                        {"TargetGroupArn": "a", "Weight": {"Fn::FindInMap": ["W", {"Ref": "Pct"}, "Stable"]}},
                        {"TargetGroupArn": "b", "Weight": {"Ref": "Pct"}}]}}]}},
                "Other": {"Type": "AWS::SNS::Topic", "Properties": {}}
            }})
        };
        let d = TemplateDiff::new(&t(10), &t(20));
        let r = entry(&d, "Rule");
        assert_eq!(r.changes.len(), 2, "{r:#?}");
        assert!(r.changes.iter().all(|c| c.cause.as_ref().map(|c| c.kind) == Some(CauseKind::ParameterDefault)));
        assert_eq!(r.changes[0].path, "Properties.Actions[0].ForwardConfig.TargetGroups[0].Weight");
        assert_eq!(r.consequence_of, vec!["Pct".to_owned()]);
        assert!(d.resources.iter().all(|r| r.logical_id != "Other"));
    }

    #[test]
    fn updated_attributes_reach_only_their_readers() {
        let t = |port: u32| {
            json!({"Resources": {
                "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"Port": port}},
                "A": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Fn::GetAtt": ["Db", "Endpoint.Port"]}}},
                "B": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}}},
                "C": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Fn::Sub": "${Db.Endpoint.Port}/x"}}}
            }})
        };
        let d = TemplateDiff::new(&t(5432), &t(6543));
        assert_eq!(entry(&d, "A").impact, Some(Impact::Update));
        assert_eq!(entry(&d, "C").impact, Some(Impact::Update));
        assert!(d.resources.iter().all(|r| r.logical_id != "B"), "{d:#?}");
    }
}
