//! Quotas EC2 enforces when the template deploys, which cfn-lint does not
//! count: security group rules, with prefix lists weighted by their entries.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::analysis::check::Sink;
use crate::analysis::model::{Doc, V};
use crate::cloudfront::{is_cloudfront_origin_facing_prefix_list, ORIGIN_FACING_PREFIX_LIST_WEIGHT};

/// Inbound, and separately outbound, rules per security group: EC2's
/// default quota ("Inbound or outbound rules per security group", 60,
/// adjustable; Amazon VPC User Guide, "Amazon VPC quotas"). It is enforced
/// separately for IPv4 and IPv6 rules.
pub const MAX_RULES_PER_SECURITY_GROUP: u32 = 60;

/// The rule counts of one security group in one direction.
#[derive(Debug, Default, Clone, Copy)]
struct Count {
    /// IPv4 rules, prefix lists counted by weight.
    v4: u32,
    /// IPv6 rules.
    v6: u32,
    /// Prefix lists whose weight rcdk does not know (counted as 1).
    unknown_lists: u32,
    /// Rules referencing CloudFront's origin-facing list.
    cloudfront_lists: u32,
}

/// How much one rule weighs: (IPv4, IPv6, weight unknown, CloudFront list).
fn weight<'a>(doc: &Doc<'a>, rule: &dyn Fn(&str) -> Option<&'a Value>, ingress: bool) -> (u32, u32, bool, bool) {
    let (sg_key, list_key) = if ingress {
        ("SourceSecurityGroupId", "SourcePrefixListId")
    } else {
        ("DestinationSecurityGroupId", "DestinationPrefixListId")
    };
    if rule("CidrIpv6").is_some() {
        return (0, 1, false, false);
    }
    if let Some(v) = rule(list_key) {
        let id = match doc.resolve(v) {
            V::Str(s) => Some(s.into_owned()),
            // A parameter: its default (rcdk writes CloudFront's list that way).
            V::Param(p) => doc.params.get(p).and_then(|p| p.default).and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        return match id {
            Some(id) if is_cloudfront_origin_facing_prefix_list(&id) => {
                (ORIGIN_FACING_PREFIX_LIST_WEIGHT, 0, false, true)
            }
            _ => (1, 0, true, false),
        };
    }
    if rule(sg_key).is_some() || rule("SourceSecurityGroupName").is_some() {
        // A rule referencing a security group applies to both address families.
        return (1, 1, false, false);
    }
    (1, 0, false, false)
}

pub(crate) fn check<'a>(doc: &Doc<'a>, sink: &mut Sink<'_>) {
    // (group, ingress?) → count.
    let mut counts: BTreeMap<(&'a str, bool), Count> = BTreeMap::new();
    let mut add = |group: &'a str, ingress: bool, (v4, v6, unknown, cloudfront): (u32, u32, bool, bool)| {
        let c = counts.entry((group, ingress)).or_default();
        c.v4 += v4;
        c.v6 += v6;
        c.unknown_lists += u32::from(unknown);
        c.cloudfront_lists += u32::from(cloudfront);
    };
    for sg in doc.of_type("AWS::EC2::SecurityGroup") {
        for (key, ingress) in [("SecurityGroupIngress", true), ("SecurityGroupEgress", false)] {
            for item in doc.list(sg.props.get(key)).unwrap_or_default() {
                add(sg.id, ingress, weight(doc, &|k| item.get(k), ingress));
            }
        }
    }
    for (ty, ingress) in [("AWS::EC2::SecurityGroupIngress", true), ("AWS::EC2::SecurityGroupEgress", false)] {
        for r in doc.of_type(ty) {
            if let Some(group) = doc.target(r.props.get("GroupId"), "AWS::EC2::SecurityGroup") {
                add(group, ingress, weight(doc, &|k| r.props.get(k), ingress));
            }
        }
    }
    for ((group, ingress), c) in counts {
        let direction = if ingress { "inbound" } else { "outbound" };
        for (family, n) in [("IPv4", c.v4), ("IPv6", c.v6)] {
            if n <= MAX_RULES_PER_SECURITY_GROUP {
                continue;
            }
            let lists = if c.cloudfront_lists > 0 {
                format!(
                    " ({} rule(s) reference CloudFront's origin-facing prefix list, which counts as {ORIGIN_FACING_PREFIX_LIST_WEIGHT} rules each)",
                    c.cloudfront_lists
                )
            } else {
                String::new()
            };
            let at_least = if c.unknown_lists > 0 { "at least " } else { "" };
            sink.report(
                Code::SecurityGroupRulesQuota,
                group,
                format!(
                    "security group {group} would have {at_least}{n} {direction} {family} rules{lists}; EC2 allows \
                     {MAX_RULES_PER_SECURITY_GROUP} per group unless the quota was raised, and refuses the rest \
                     (RulesPerSecurityGroupLimitExceeded)"
                ),
                "admit each prefix list once, on a port range covering the listener ports, and fewer CIDRs; or ask for a \
                 higher quota ('Inbound or outbound rules per security group', Service Quotas) and split the rules over \
                 several security groups"
                    .into(),
            );
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        SecurityGroupRulesQuota => error("net:security-group-rules-quota") {
            title: "a security group with more rules than EC2 allows, prefix lists counted by their entries",
            explanation: "EC2 allows 60 inbound and 60 outbound rules per security group by default, counted separately \
         for IPv4 and IPv6 (\"Inbound or outbound rules per security group\", adjustable: \
         <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>). A rule that \
         references a prefix list counts as the list's maximum number of entries, not as one rule: \"if \
         you create a prefix list with 20 maximum entries and you reference that prefix list in a \
         security group rule, this counts as 20 security group rules\". CloudFront's origin-facing list \
         `com.amazonaws.global.cloudfront.origin-facing` weighs 55 \
         (<https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html>), \
         so two rules referencing it — one for port 80 and one for 443 — are 110 rules, and the deploy \
         fails with `RulesPerSecurityGroupLimitExceeded`. cfn-lint does not count them, and moto does \
         not enforce the quota.\n\nrcdk admits each prefix list with one rule covering the listener \
         ports (80-443 when both listen; a load balancer answers only on its listeners). The check \
         counts every rule of every group — CIDRs and security group references 1 each, CloudFront's \
         origin-facing list 55, other prefix lists 1 (their weight is not known before deployment, so \
         the count is then a lower bound). Fix: fewer rules (one rule per prefix list on a port range, \
         fewer `ingress_cidrs`), or raise the quota in Service Quotas and spread the rules over several \
         security groups.",
        },
    }
}
