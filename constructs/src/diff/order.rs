//! Reading order: root causes first, each followed by what follows from it.

use std::collections::BTreeMap;

use super::model::{Change, Impact, ResourceChange, TemplateDiff};

/// What a [`Group`] starts with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GroupRoot<'a> {
    /// A resource changed in the template (or added, removed, renamed).
    Resource(&'a ResourceChange),
    /// A parameter whose default changes, or a condition that reads one: the
    /// name. Its consequences are the resources whose values change.
    Input(&'a str),
}

/// A root cause and the resources that change only because of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'a> {
    /// The root cause.
    pub root: GroupRoot<'a>,
    /// Resources whose every change follows (directly or through others)
    /// from the root, most disruptive first.
    pub consequences: Vec<&'a ResourceChange>,
}

/// Sort key of a resource: what fails first, then danger, then disruption; tag-only changes last.
fn rank(r: &ResourceChange, fails: bool) -> u8 {
    if fails {
        return 0;
    }
    if r.dangerous {
        return 1;
    }
    match (r.change, r.impact) {
        (_, Some(Impact::Replace)) | (Change::Renamed, _) => 2,
        (Change::Removed, _) => 3,
        (_, Some(Impact::MayReplace)) => 4,
        _ if r.tags_only => 9,
        (_, Some(Impact::Update)) => 6,
        (Change::Added, _) => 7,
        _ => 8,
    }
}

pub(super) fn groups(d: &TemplateDiff) -> Vec<Group<'_>> {
    let by_id: BTreeMap<&str, &ResourceChange> = d.resources.iter().map(|r| (r.logical_id.as_str(), r)).collect();
    let fails = |id: &str| d.will_fail.iter().any(|f| f.logical_id == id);
    let root_of = |r: &ResourceChange| -> String {
        let mut id = r.logical_id.as_str();
        for _ in 0..=by_id.len() {
            match by_id.get(id).and_then(|r| r.consequence_of.first()) {
                Some(next) => id = next.as_str(),
                None => break,
            }
        }
        id.to_owned()
    };
    let mut members: BTreeMap<String, Vec<&ResourceChange>> = BTreeMap::new();
    for r in d.resources.iter().filter(|r| !r.consequence_of.is_empty()) {
        members.entry(root_of(r)).or_default().push(r);
    }
    let mut out: Vec<(u8, String, Group<'_>)> = Vec::new();
    for r in d.resources.iter().filter(|r| r.consequence_of.is_empty()) {
        let consequences = members.remove(&r.logical_id).unwrap_or_default();
        let key = rank(r, fails(&r.logical_id)).min(if consequences.iter().any(|c| fails(&c.logical_id)) {
            0
        } else {
            u8::MAX
        });
        out.push((key, r.logical_id.clone(), Group { root: GroupRoot::Resource(r), consequences }));
    }
    // What is left follows from parameters or conditions (or a cycle, which a valid template has not).
    for (name, consequences) in members {
        let name: &str =
            d.resources.iter().flat_map(|r| r.consequence_of.iter()).find(|n| **n == name).map_or("", String::as_str);
        let key = if consequences.iter().any(|c| fails(&c.logical_id)) { 0 } else { 5 };
        out.push((key, name.to_owned(), Group { root: GroupRoot::Input(name), consequences }));
    }
    out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    out.into_iter()
        .map(|(_, _, mut g)| {
            g.consequences.sort_by(|a, b| {
                (rank(a, fails(&a.logical_id)), &a.logical_id).cmp(&(rank(b, fails(&b.logical_id)), &b.logical_id))
            });
            g
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::TemplateDiff;
    use super::*;

    #[test]
    fn the_edited_resource_comes_first_with_its_consequences_under_it() {
        let t = |cidr: &str| {
            json!({"Resources": {
                "A": {"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {"SubnetId": {"Ref": "Sub"}, "RouteTableId": "rtb"}},
                "Sub": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "CidrBlock": cidr}},
                "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"Tags": [{"Key": "a", "Value": cidr}]}}
            }})
        };
        let d = TemplateDiff::new(&t("10.0.0.0/24"), &t("10.0.1.0/24"));
        let g = d.groups();
        assert_eq!(g.len(), 2, "{g:#?}");
        assert!(matches!(g[0].root, GroupRoot::Resource(r) if r.logical_id == "Sub"));
        assert_eq!(g[0].consequences.iter().map(|c| c.logical_id.as_str()).collect::<Vec<_>>(), vec!["A"]);
        assert!(matches!(g[1].root, GroupRoot::Resource(r) if r.logical_id == "Topic" && r.tags_only));
    }
}
