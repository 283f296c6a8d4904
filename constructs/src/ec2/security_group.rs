//! Security groups and their rules.

use serde_json::{json, Value};

use super::port::Port;
use crate::cfn::{Intrinsic, Resource};
use crate::core::{ConstructPath, Stack};

/// Where a security group rule admits traffic from.
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// An IPv4 CIDR, e.g. `0.0.0.0/0`.
    Ipv4(String),
    /// An IPv6 CIDR, e.g. `::/0`.
    Ipv6(String),
    /// Another security group (its ID).
    SecurityGroup(Value),
    /// A managed prefix list: its ID (`"pl-..."`, e.g. CloudFront's
    /// origin-facing list), or a template value naming one (a parameter's `Ref`).
    PrefixList(Value),
}

/// A security group (`AWS::EC2::SecurityGroup`) with no inline rules: every
/// rule is a separate ingress/egress resource, so groups can refer to each
/// other without cycles.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    /// The construct's path.
    pub path: ConstructPath,
    /// The group's logical ID.
    pub logical_id: String,
    /// The group ID (`Fn::GetAtt GroupId`).
    pub group_id: Value,
    /// Whether all outbound traffic is allowed (the default). When it is
    /// not, [`super::Connections::allow_to`] adds an egress rule per path.
    pub allow_all_outbound: bool,
}

/// The egress rule the AWS CDK writes to a group that allows no outbound
/// traffic: CloudFormation adds "allow all" to a group without egress
/// rules, so a rule that matches nothing (ICMP type 252, code 86, to the
/// broadcast address) takes its place.
fn disallow_all_egress() -> Value {
    json!([{"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic", "FromPort": 252, "IpProtocol": "icmp", "ToPort": 86}])
}

/// Props of a [`SecurityGroup`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecurityGroupProps {
    /// The group's description (`GroupDescription`; it cannot change without
    /// replacing the group). Default: the construct path.
    pub description: Option<String>,
    /// Whether all outbound traffic is allowed. When it is not, no outbound
    /// traffic is allowed until a rule allows it
    /// ([`SecurityGroup::allow_tcp_egress`], or
    /// [`super::Connections::allow_to`], which adds it for you).
    /// Default: true (the EC2 default, stated explicitly).
    pub allow_all_outbound: Option<bool>,
}

impl SecurityGroupProps {
    /// Props with `description` and every other prop at its default.
    pub fn described(description: impl Into<String>) -> Self {
        SecurityGroupProps { description: Some(description.into()), ..Default::default() }
    }
}

impl SecurityGroup {
    /// Adds a security group at `path` in `vpc_id`.
    pub fn new(stack: &mut Stack, path: &ConstructPath, vpc_id: &Value, props: &SecurityGroupProps) -> SecurityGroup {
        let allow_all_outbound = props.allow_all_outbound.unwrap_or(true);
        let egress = if allow_all_outbound {
            json!([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description": "Allow all outbound traffic"}])
        } else {
            disallow_all_egress()
        };
        let description = props.description.clone().unwrap_or_else(|| path.to_string());
        let resource = Resource::new("AWS::EC2::SecurityGroup")
            .prop("GroupDescription", description)
            .prop("VpcId", vpc_id.clone())
            .prop("SecurityGroupEgress", egress)
            .prop("Tags", json!([{"Key": "Name", "Value": path.to_string()}]));
        let logical_id = stack.add_resource(path, resource);
        SecurityGroup {
            path: path.clone(),
            group_id: Intrinsic::get_att(&logical_id, "GroupId"),
            logical_id,
            allow_all_outbound,
        }
    }

    /// Allows TCP on `port` out to the security group `destination`, as a
    /// separate `AWS::EC2::SecurityGroupEgress` named `rule_name` under this
    /// group. Returns its logical ID.
    pub fn allow_tcp_egress(
        &self,
        stack: &mut Stack,
        rule_name: &str,
        destination: &Value,
        port: Port,
        description: &str,
    ) -> String {
        self.allow_tcp_egress_to(stack, rule_name, &Peer::SecurityGroup(destination.clone()), port, description)
    }

    /// Allows TCP on `port` out to `peer` (a CIDR, a group, a prefix list),
    /// as a separate `AWS::EC2::SecurityGroupEgress` named `rule_name` under
    /// this group; for a group that does not allow all outbound traffic.
    /// Returns its logical ID.
    pub fn allow_tcp_egress_to(
        &self,
        stack: &mut Stack,
        rule_name: &str,
        peer: &Peer,
        port: Port,
        description: &str,
    ) -> String {
        let rule = Resource::new("AWS::EC2::SecurityGroupEgress")
            .prop("GroupId", self.group_id.clone())
            .prop("IpProtocol", "tcp")
            .prop("FromPort", port.from)
            .prop("ToPort", port.to)
            .prop("Description", description);
        let rule = match peer {
            Peer::Ipv4(c) => rule.prop("CidrIp", c.as_str()),
            Peer::Ipv6(c) => rule.prop("CidrIpv6", c.as_str()),
            Peer::SecurityGroup(g) => rule.prop("DestinationSecurityGroupId", g.clone()),
            Peer::PrefixList(p) => rule.prop("DestinationPrefixListId", p.clone()),
        };
        stack.add_resource(&self.path.child(rule_name), rule)
    }

    /// Admits TCP on `from_port..=to_port` from `peer`, as a separate
    /// `AWS::EC2::SecurityGroupIngress` named `rule_name` under this group.
    pub fn allow_tcp(
        &self,
        stack: &mut Stack,
        rule_name: &str,
        peer: &Peer,
        from_port: u16,
        to_port: u16,
        description: &str,
    ) -> String {
        let mut rule = Resource::new("AWS::EC2::SecurityGroupIngress")
            .prop("GroupId", self.group_id.clone())
            .prop("IpProtocol", "tcp")
            .prop("FromPort", from_port)
            .prop("ToPort", to_port)
            .prop("Description", description);
        rule = match peer {
            Peer::Ipv4(c) => rule.prop("CidrIp", c.as_str()),
            Peer::Ipv6(c) => rule.prop("CidrIpv6", c.as_str()),
            Peer::SecurityGroup(g) => rule.prop("SourceSecurityGroupId", g.clone()),
            Peer::PrefixList(p) => rule.prop("SourcePrefixListId", p.clone()),
        };
        stack.add_resource(&self.path.child(rule_name), rule)
    }
}
