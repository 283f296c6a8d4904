//! Network ACLs for the VPC's public and private subnets.

use std::collections::BTreeSet;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{Intrinsic, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;

/// Rules per direction of one network ACL (AWS's default quota).
pub const MAX_RULES_PER_DIRECTION: usize = 20;
/// First port of the range Linux and the ALB use for return traffic.
pub const EPHEMERAL_PORT_FROM: u16 = 1024;

/// Network ACLs for the VPC's subnets. Enabling them with `network_acls: {}`
/// gives the defaults below; a list given for one direction replaces that
/// direction's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkAclsProps {
    /// Inbound rules of the public subnets. Default: TCP 80 and 443 from
    /// anywhere (100, 110), all traffic from inside the VPC (120), TCP
    /// 1024-65535 from anywhere for return traffic (130).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_inbound: Option<Vec<NetworkAclRule>>,
    /// Outbound rules of the public subnets. Default: all traffic (100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_outbound: Option<Vec<NetworkAclRule>>,
    /// Inbound rules of the private subnets. Default: all traffic from inside
    /// the VPC (100), TCP 1024-65535 from anywhere for return traffic through
    /// the NAT gateway (110). Nothing else from the internet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_inbound: Option<Vec<NetworkAclRule>>,
    /// Outbound rules of the private subnets. Default: all traffic (100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_outbound: Option<Vec<NetworkAclRule>>,
}

/// A rule's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AclProtocol {
    /// TCP (6); needs ports.
    Tcp,
    /// UDP (17); needs ports.
    Udp,
    /// ICMP (1), every type and code.
    Icmp,
    /// Every protocol (-1).
    All,
}

impl AclProtocol {
    fn number(self) -> i32 {
        match self {
            AclProtocol::Tcp => 6,
            AclProtocol::Udp => 17,
            AclProtocol::Icmp => 1,
            AclProtocol::All => -1,
        }
    }
}

/// Whether a rule allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AclAction {
    /// Allow matching traffic.
    #[default]
    Allow,
    /// Deny matching traffic.
    Deny,
}

/// One network ACL rule. Rules are evaluated lowest number first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkAclRule {
    /// Rule number, 1 to 32766, unique per ACL and direction.
    pub rule_number: u16,
    /// Protocol.
    pub protocol: AclProtocol,
    /// First port (TCP and UDP only; required for them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<u16>,
    /// Last port. Default: `from_port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<u16>,
    /// IPv4 CIDR the rule matches. Default: `0.0.0.0/0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// Allow or deny. Default: allow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<AclAction>,
}

impl NetworkAclRule {
    fn new(rule_number: u16, protocol: AclProtocol, ports: Option<(u16, u16)>, cidr: &str) -> Self {
        NetworkAclRule {
            rule_number,
            protocol,
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            cidr: Some(cidr.to_owned()),
            action: None,
        }
    }
}

/// Network ACLs are stateless: replies to connections opened from inside
/// come back on ephemeral ports and need inbound rules of their own, for UDP
/// (DNS resolvers and NTP servers on the internet, QUIC) as well as TCP
/// (Amazon VPC User Guide, "Network ACL rules", ephemeral ports).
fn default_rules(public: bool, inbound: bool, vpc_cidr: &str) -> Vec<NetworkAclRule> {
    use AclProtocol::{All, Tcp, Udp};
    let ephemeral = Some((EPHEMERAL_PORT_FROM, 65535));
    match (public, inbound) {
        (true, true) => vec![
            NetworkAclRule::new(100, Tcp, Some((80, 80)), "0.0.0.0/0"),
            NetworkAclRule::new(110, Tcp, Some((443, 443)), "0.0.0.0/0"),
            NetworkAclRule::new(120, All, None, vpc_cidr),
            NetworkAclRule::new(130, Tcp, ephemeral, "0.0.0.0/0"),
            NetworkAclRule::new(140, Udp, ephemeral, "0.0.0.0/0"),
        ],
        (false, true) => vec![
            NetworkAclRule::new(100, All, None, vpc_cidr),
            NetworkAclRule::new(110, Tcp, ephemeral, "0.0.0.0/0"),
            NetworkAclRule::new(120, Udp, ephemeral, "0.0.0.0/0"),
        ],
        (_, false) => vec![NetworkAclRule::new(100, All, None, "0.0.0.0/0")],
    }
}

/// Adds a public and a private network ACL with their rules and subnet
/// associations. Errors are reported relative to the `network_acls` props.
pub(crate) fn add_network_acls(
    stack: &mut Stack,
    vpc_path: &ConstructPath,
    vpc: &Value,
    vpc_cidr: &Ipv4Net,
    props: &NetworkAclsProps,
    public_subnets: &[String],
    private_subnets: &[String],
) {
    let vpc_cidr = vpc_cidr.to_string();
    let sides = [
        (
            "Public",
            true,
            public_subnets,
            [("public_inbound", &props.public_inbound), ("public_outbound", &props.public_outbound)],
        ),
        (
            "Private",
            false,
            private_subnets,
            [("private_inbound", &props.private_inbound), ("private_outbound", &props.private_outbound)],
        ),
    ];
    for (name, public, subnets, directions) in sides {
        let acl_path = vpc_path.child(format!("{name}NetworkAcl"));
        let acl = stack.add_resource(
            &acl_path,
            Resource::new("AWS::EC2::NetworkAcl")
                .prop("VpcId", vpc.clone())
                .prop("Tags", json!([{"Key": "Name", "Value": acl_path.to_string()}])),
        );
        for (field, rules) in directions {
            let inbound = field.ends_with("inbound");
            let rules = rules.clone().unwrap_or_else(|| default_rules(public, inbound, &vpc_cidr));
            let direction = if inbound { "Inbound" } else { "Outbound" };
            add_rules(stack, &acl_path, &acl, field, direction, &rules);
        }
        for subnet in subnets {
            let subnet_name = subnet.strip_prefix(&vpc_path.logical_id()).unwrap_or(subnet);
            stack.add_resource(
                &vpc_path.child(subnet_name).child("NetworkAclAssociation"),
                Resource::new("AWS::EC2::SubnetNetworkAclAssociation")
                    .prop("SubnetId", Intrinsic::ref_(subnet))
                    .prop("NetworkAclId", Intrinsic::ref_(&acl)),
            );
        }
    }
}

fn add_rules(
    stack: &mut Stack,
    acl_path: &ConstructPath,
    acl: &str,
    field: &str,
    direction: &str,
    rules: &[NetworkAclRule],
) {
    if rules.len() > MAX_RULES_PER_DIRECTION {
        stack.report(
            ValidationError::new(
                Code::NaclTooManyRules,
                acl_path,
                format!(
                    "{} {field} rules; a network ACL takes at most {MAX_RULES_PER_DIRECTION} per direction",
                    rules.len()
                ),
            )
            .field(field),
        );
    }
    let mut numbers = BTreeSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let mut problem = |sub: &str, code: Code, message: String| {
            stack.report(ValidationError::new(code, acl_path, message).field(format!("{at}.{sub}").as_str()));
        };
        if !(1..=32766).contains(&rule.rule_number) {
            problem(
                "rule_number",
                Code::NaclRuleNumber,
                format!("rule number {} is outside 1..=32766", rule.rule_number),
            );
        }
        if !numbers.insert(rule.rule_number) {
            problem(
                "rule_number",
                Code::NaclRuleDuplicate,
                format!("rule number {} is used twice in {field}", rule.rule_number),
            );
            continue;
        }
        let cidr = rule.cidr.as_deref().unwrap_or("0.0.0.0/0");
        if cidr.parse::<Ipv4Net>().map(|n| n.trunc() != n).unwrap_or(true) {
            problem("cidr", Code::NaclCidrInvalid, format!("`{cidr}` is not an IPv4 network CIDR"));
        }
        let ports = match (rule.protocol, rule.from_port, rule.to_port) {
            (AclProtocol::Tcp | AclProtocol::Udp, Some(from), to) => {
                let to = to.unwrap_or(from);
                if from > to || from == 0 {
                    problem(
                        "from_port",
                        Code::NaclPortRange,
                        format!("port range {from}-{to} is empty or starts at 0"),
                    );
                }
                Some((from, to))
            }
            (AclProtocol::Tcp | AclProtocol::Udp, None, _) => {
                problem("from_port", Code::NaclPortMissing, "TCP and UDP rules need `from_port`".to_owned());
                None
            }
            (_, Some(_), _) | (_, _, Some(_)) => {
                problem("from_port", Code::NaclPortUnexpected, "ports apply only to TCP and UDP rules".to_owned());
                None
            }
            _ => None,
        };
        let mut entry = Resource::new("AWS::EC2::NetworkAclEntry")
            .prop("NetworkAclId", Intrinsic::ref_(acl))
            .prop("RuleNumber", rule.rule_number)
            .prop("Protocol", rule.protocol.number())
            .prop("RuleAction", if rule.action.unwrap_or_default() == AclAction::Allow { "allow" } else { "deny" })
            .prop("Egress", direction == "Outbound")
            .prop("CidrBlock", cidr);
        if let Some((from, to)) = ports {
            entry = entry.prop("PortRange", json!({"From": from, "To": to}));
        }
        if rule.protocol == AclProtocol::Icmp {
            entry = entry.prop("Icmp", json!({"Code": -1, "Type": -1}));
        }
        stack.add_resource(&acl_path.child(format!("{direction}{}", rule.rule_number)), entry);
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        NaclCidrInvalid => error("vpc:nacl-cidr-invalid") {
            formerly: ["nacl-cidr-invalid"],
            title: "a network ACL rule's CIDR is not an IPv4 network",
            explanation: "Network ACL rules match an IPv4 network address and prefix, with no host bits set: \
         `10.0.0.0/16`, `0.0.0.0/0`.",
        },
        NaclPortMissing => error("vpc:nacl-port-missing") {
            formerly: ["nacl-port-missing"],
            title: "a TCP or UDP network ACL rule has no port",
            explanation: "TCP and UDP rules match a port range; set `from_port` (and `to_port` for a range).",
        },
        NaclPortRange => error("vpc:nacl-port-range") {
            formerly: ["nacl-port-range"],
            title: "a network ACL port range is empty or starts at 0",
            explanation: "A port range goes from `from_port` to `to_port`, both 1 to 65535, with `from_port` first. \
         Remember return traffic: allow the ephemeral ports 1024-65535 in the other direction.",
        },
        NaclPortUnexpected => error("vpc:nacl-port-unexpected") {
            formerly: ["nacl-port-unexpected"],
            title: "a port is set on a network ACL rule that is not TCP or UDP",
            explanation: "Only TCP and UDP rules have ports. Remove `from_port`/`to_port`, or set the protocol.",
        },
        NaclRuleDuplicate => error("vpc:nacl-rule-duplicate") {
            formerly: ["nacl-rule-duplicate"],
            title: "two network ACL rules of one direction have the same number",
            explanation: "Network ACL rules are evaluated in rule-number order, and each number is used once per \
         direction. Number rules with gaps (100, 110, 120) so you can insert one later.",
        },
        NaclRuleNumber => error("vpc:nacl-rule-number") {
            formerly: ["nacl-rule-number"],
            title: "a network ACL rule number is outside 1 to 32766",
            explanation: "Network ACL rule numbers are 1 to 32766; 32767 is the implicit deny-all rule.",
        },
        NaclTooManyRules => error("vpc:nacl-too-many-rules") {
            formerly: ["nacl-too-many-rules"],
            title: "a network ACL has more than 20 rules in one direction",
            explanation: "Amazon VPC allows 20 rules per network ACL per direction by default (inbound and outbound are \
         counted apart). Merge rules with wider CIDRs or port ranges.",
        },
    }
}
