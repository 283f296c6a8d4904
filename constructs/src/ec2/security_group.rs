//! Security groups and their rules.

use serde_json::{json, Value};

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
}

impl SecurityGroup {
    /// Adds a security group at `path` in `vpc_id`. Outbound traffic is open
    /// (the EC2 default, stated explicitly).
    pub fn new(stack: &mut Stack, path: &ConstructPath, vpc_id: &Value, description: &str) -> SecurityGroup {
        let resource = Resource::new("AWS::EC2::SecurityGroup")
            .prop("GroupDescription", description)
            .prop("VpcId", vpc_id.clone())
            .prop(
                "SecurityGroupEgress",
                json!([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description": "Allow all outbound traffic"}]),
            )
            .prop("Tags", json!([{"Key": "Name", "Value": path.to_string()}]));
        let logical_id = stack.add_resource(path, resource);
        SecurityGroup { path: path.clone(), group_id: Intrinsic::get_att(&logical_id, "GroupId"), logical_id }
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
        };
        stack.add_resource(&self.path.child(rule_name), rule)
    }
}
