//! Changes CloudFormation will refuse or fail to carry out, found before
//! anything is deployed.
//!
//! During an update CloudFormation creates every new and replacement
//! resource first and deletes the old ones only in the clean-up phase, so:
//!
//! - a replaced resource that keeps its custom physical name fails ("You
//!   can't perform an update that causes a custom-named resource to be
//!   replaced", <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html>);
//! - a new subnet (added or replacing one) whose CIDR overlaps a subnet of the
//!   same VPC that still exists at that moment fails (subnet CIDRs in a VPC
//!   must not overlap, <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>);
//! - a new NAT gateway (added or replacing one) that takes an Elastic IP
//!   allocation an old NAT gateway still holds fails (an Elastic IP is
//!   associated with one NAT gateway at a time,
//!   <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>).

use serde_json::{Map, Value};

use super::model::{Change, Impact, ResourceChange, WillFail, WillFailKind};
use super::resources::resource_type;
use super::value::same;
use crate::cfn::schema;

/// Whether a resource is created during the update (added, replaced or renamed).
fn created(c: &ResourceChange) -> bool {
    match c.change {
        Change::Added | Change::Renamed => true,
        Change::Modified => c.impact == Some(Impact::Replace),
        Change::Removed => false,
    }
}

pub(super) fn find(old: &Map<String, Value>, new: &Map<String, Value>, changes: &[ResourceChange]) -> Vec<WillFail> {
    let replaced = |id: &str| changes.iter().any(|c| c.logical_id == id && created(c));
    let mut out = Vec::new();
    for c in changes.iter().filter(|c| created(c)) {
        let Some(n) = new.get(&c.logical_id) else { continue };
        let ty = resource_type(n);
        let old_id = c.renamed_from.as_deref().unwrap_or(&c.logical_id);
        if c.change != Change::Added {
            if let Some(o) = old.get(old_id) {
                custom_name(c, ty, o, n, &replaced, &mut out);
            }
        }
        match ty {
            "AWS::EC2::Subnet" => subnet_overlap(c, n, old, &replaced, &mut out),
            "AWS::EC2::NatGateway" => nat_eip(c, n, old, &replaced, &mut out),
            _ => {}
        }
    }
    out
}

/// Resource-level keys CloudFormation accepts
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html>).
const RESOURCE_KEYS: [&str; 9] = [
    "Type",
    "Properties",
    "Condition",
    "CreationPolicy",
    "DeletionPolicy",
    "DependsOn",
    "Metadata",
    "UpdatePolicy",
    "UpdateReplacePolicy",
];

/// The resources of the new template CloudFormation rejects before it
/// changes anything: not a mapping, without a `Type`, or with a key beside
/// `Properties` that is no resource attribute (`BucketName` written one
/// level too high, say). Loops of the `AWS::LanguageExtensions` transform
/// that could not be expanded are left to CloudFormation.
pub(super) fn invalid(new: &Map<String, Value>) -> Vec<WillFail> {
    let doc = "see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html";
    let transform = super::foreach::has_transform(new);
    let mut out = Vec::new();
    let resources = match new.get("Resources") {
        None | Some(Value::Null) => return out,
        Some(Value::Object(m)) => m,
        Some(_) => {
            out.push(WillFail {
                logical_id: "Resources".into(),
                resource_type: String::new(),
                kind: WillFailKind::InvalidResource,
                message: "the `Resources` section is not a mapping: CloudFormation rejects the template".into(),
                help: format!("write `Resources` as a mapping of logical IDs to resources; {doc}"),
            });
            return out;
        }
    };
    for (id, r) in resources {
        let mut fail = |message: String, help: String| {
            out.push(WillFail {
                logical_id: id.clone(),
                resource_type: resource_type(r).to_owned(),
                kind: WillFailKind::InvalidResource,
                message,
                help,
            })
        };
        let Some(m) = r.as_object() else {
            if !(transform && id.starts_with("Fn::ForEach::")) {
                let what = if id.starts_with("Fn::ForEach::") {
                    "an Fn::ForEach loop without the `AWS::LanguageExtensions` transform"
                } else {
                    "not a mapping"
                };
                fail(
                    format!("{id} is {what}: CloudFormation rejects the template"),
                    if id.starts_with("Fn::ForEach::") {
                        "add `Transform: AWS::LanguageExtensions` to the template".to_owned()
                    } else {
                        format!("write the resource as a mapping with `Type` and `Properties`; {doc}")
                    },
                );
            }
            continue;
        };
        if !m.get("Type").is_some_and(Value::is_string) {
            fail(
                format!("{id} has no `Type`: CloudFormation rejects the template"),
                format!("give it a `Type`; {doc}"),
            );
        }
        let unknown: Vec<&str> = m.keys().map(String::as_str).filter(|k| !RESOURCE_KEYS.contains(k)).collect();
        if !unknown.is_empty() {
            fail(
                format!(
                    "{id} has {} CloudFormation does not know beside `Properties`: {}; it rejects the template",
                    if unknown.len() == 1 { "a key" } else { "keys" },
                    unknown.join(", ")
                ),
                format!("move properties under `Properties` (or remove the keys); {doc}"),
            );
        }
    }
    out
}

fn prop<'a>(r: &'a Value, name: &str) -> Option<&'a Value> {
    r.get("Properties").and_then(|p| p.get(name))
}

/// The logical IDs a value refers to with `Ref`, `Fn::GetAtt` or `Fn::Sub`.
fn referenced(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Ref", Value::String(id)) => out.push(id.clone()),
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        if let Some(id) = parts.first().and_then(Value::as_str) {
                            out.push(id.to_owned());
                        }
                    }
                    ("Fn::Sub", Value::String(s)) => {
                        for token in s.split("${").skip(1).filter_map(|t| t.split('}').next()) {
                            out.push(token.split('.').next().unwrap_or(token).to_owned());
                        }
                    }
                    _ => referenced(x, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| referenced(x, out)),
        _ => {}
    }
}

/// True when the value is the same text in both templates and refers to nothing that is replaced.
fn unchanged(o: Option<&Value>, n: Option<&Value>, replaced: &dyn Fn(&str) -> bool) -> bool {
    let (Some(o), Some(n)) = (o, n) else { return false };
    if !same(o, n) {
        return false;
    }
    let mut ids = Vec::new();
    referenced(n, &mut ids);
    !ids.iter().any(|id| replaced(id))
}

fn custom_name(
    c: &ResourceChange,
    ty: &str,
    o: &Value,
    n: &Value,
    replaced: &dyn Fn(&str) -> bool,
    out: &mut Vec<WillFail>,
) {
    let Some(name_prop) = schema::name_property(ty) else { return };
    let (on, nn) = (prop(o, name_prop), prop(n, name_prop));
    if !unchanged(on, nn, replaced) {
        return;
    }
    let shown = match nn {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let why = if c.change == Change::Renamed { "is renamed (a replacement)" } else { "must be replaced" };
    out.push(WillFail {
        logical_id: c.logical_id.clone(),
        resource_type: ty.to_owned(),
        kind: WillFailKind::CustomNameReplaced,
        message: format!(
            "{} {why} but keeps its custom name ({name_prop}: {shown}): CloudFormation cannot replace a custom-named resource (the new one would need the name the old one still holds)",
            c.logical_id
        ),
        help: format!("give {name_prop} a new value in the same change, or remove it so CloudFormation generates one"),
    });
}

/// An IPv4 CIDR as the first and last address.
fn cidr_range(v: Option<&Value>) -> Option<(u32, u32)> {
    let text = v?.as_str()?;
    let (addr, len) = text.split_once('/')?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    let mut ip: u32 = 0;
    let mut parts = 0;
    for octet in addr.split('.') {
        ip = (ip << 8) | octet.parse::<u8>().ok()? as u32;
        parts += 1;
    }
    if parts != 4 {
        return None;
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some((ip & mask, (ip & mask) | !mask))
}

fn subnet_overlap(
    c: &ResourceChange,
    n: &Value,
    old: &Map<String, Value>,
    replaced: &dyn Fn(&str) -> bool,
    out: &mut Vec<WillFail>,
) {
    let Some((a0, a1)) = cidr_range(prop(n, "CidrBlock")) else { return };
    let vpc = prop(n, "VpcId");
    for (old_id, o) in old.iter().filter(|(_, o)| resource_type(o) == "AWS::EC2::Subnet") {
        // Only subnets of the same VPC, and only if that VPC is kept.
        if !unchanged(prop(o, "VpcId"), vpc, replaced) {
            continue;
        }
        let Some((b0, b1)) = cidr_range(prop(o, "CidrBlock")) else { continue };
        if a0 > b1 || b0 > a1 {
            continue;
        }
        let cidr = |r: &Value| prop(r, "CidrBlock").and_then(Value::as_str).unwrap_or("").to_owned();
        let whose = if *old_id == c.logical_id || c.renamed_from.as_deref() == Some(old_id) {
            "the subnet it replaces".to_owned()
        } else {
            format!("subnet {old_id}")
        };
        out.push(WillFail {
            logical_id: c.logical_id.clone(),
            resource_type: "AWS::EC2::Subnet".into(),
            kind: WillFailKind::SubnetCidrOverlap,
            message: format!(
                "new subnet {} ({}) overlaps {whose} ({}), which still exists when CloudFormation creates the new one: subnet CIDRs in a VPC must not overlap",
                c.logical_id,
                cidr(n),
                cidr(o)
            ),
            help: "give the new subnet a CIDR block that no current subnet of the VPC uses, deploy, then reclaim the old range in a later change".into(),
        });
        return;
    }
}

fn nat_eip(
    c: &ResourceChange,
    n: &Value,
    old: &Map<String, Value>,
    replaced: &dyn Fn(&str) -> bool,
    out: &mut Vec<WillFail>,
) {
    let Some(alloc) = prop(n, "AllocationId") else { return };
    for (old_id, o) in old.iter().filter(|(_, o)| resource_type(o) == "AWS::EC2::NatGateway") {
        if !unchanged(prop(o, "AllocationId"), Some(alloc), replaced) {
            continue;
        }
        let whose = if *old_id == c.logical_id || c.renamed_from.as_deref() == Some(old_id) {
            "the NAT gateway it replaces".to_owned()
        } else {
            format!("NAT gateway {old_id}")
        };
        out.push(WillFail {
            logical_id: c.logical_id.clone(),
            resource_type: "AWS::EC2::NatGateway".into(),
            kind: WillFailKind::ElasticIpInUse,
            message: format!(
                "new NAT gateway {} takes Elastic IP allocation {}, which {whose} still holds when CloudFormation creates the new one: an Elastic IP is associated with one NAT gateway at a time",
                c.logical_id,
                serde_json::to_string(alloc).unwrap_or_default()
            ),
            help: "give the new NAT gateway a new Elastic IP (a new AWS::EC2::EIP resource) in this change".into(),
        });
        return;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::model::TemplateDiff;
    use super::*;

    fn will_fail(old: &Value, new: &Value) -> Vec<WillFail> {
        TemplateDiff::new(old, new).will_fail
    }

    #[test]
    fn custom_named_replacement_fails_unless_the_name_changes() {
        let t = |name: &str, port: u32| {
            json!({"Resources": {"Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {"Name": name, "Port": port, "Protocol": "HTTP", "VpcId": "vpc-1"}}}})
        };
        let f = will_fail(&t("api", 80), &t("api", 8080));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].kind, WillFailKind::CustomNameReplaced);
        assert!(f[0].message.contains("keeps its custom name (Name: api)"), "{}", f[0].message);
        assert!(will_fail(&t("api", 80), &t("api-v2", 8080)).is_empty());
        // An update in place is fine.
        let u = |hc: &str| {
            json!({"Resources": {"Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {"Name": "api", "Port": 80, "Protocol": "HTTP", "HealthCheckPath": hc}}}})
        };
        assert!(will_fail(&u("/"), &u("/health")).is_empty());
    }

    #[test]
    fn overlapping_replacement_subnet_fails() {
        let t = |cidr: &str, az: &str| {
            json!({"Resources": {"S": {"Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": az}},
                "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}}})
        };
        // Same CIDR, new AZ: replaced, and the new subnet overlaps the old one.
        let f = will_fail(&t("10.0.0.0/24", "us-east-1a"), &t("10.0.0.0/24", "us-east-1b"));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].kind, WillFailKind::SubnetCidrOverlap);
        // A smaller block inside the old one overlaps too.
        assert_eq!(will_fail(&t("10.0.0.0/24", "a"), &t("10.0.0.0/25", "a")).len(), 1);
        // A disjoint block is fine.
        assert!(will_fail(&t("10.0.0.0/24", "a"), &t("10.0.1.0/24", "a")).is_empty());
    }

    #[test]
    fn subnets_in_a_replaced_vpc_do_not_overlap_the_old_ones() {
        let t = |vpc_cidr: &str| {
            json!({"Resources": {"S": {"Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}},
                "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": vpc_cidr}}}})
        };
        let f = will_fail(&t("10.0.0.0/16"), &t("10.0.0.0/20"));
        assert!(f.iter().all(|f| f.kind != WillFailKind::SubnetCidrOverlap), "{f:#?}");
    }

    #[test]
    fn replaced_nat_gateway_keeping_its_eip_fails() {
        let t = |subnet: &str| {
            json!({"Resources": {
                "Eip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
                "Nat": {"Type": "AWS::EC2::NatGateway", "Properties": {"SubnetId": subnet, "AllocationId": {"Fn::GetAtt": ["Eip", "AllocationId"]}}}}})
        };
        let f = will_fail(&t("subnet-1"), &t("subnet-2"));
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].kind, WillFailKind::ElasticIpInUse);
    }

    #[test]
    fn cidr_parsing() {
        assert_eq!(cidr_range(Some(&json!("10.0.0.0/24"))), Some((0x0a00_0000, 0x0a00_00ff)));
        assert_eq!(cidr_range(Some(&json!("10.0.0/24"))), None);
        assert_eq!(cidr_range(Some(&json!({"Fn::Cidr": []}))), None);
        assert_eq!(cidr_range(Some(&json!("0.0.0.0/0"))), Some((0, u32::MAX)));
    }
}
