//! Connections: whatever sends or receives traffic declares its security
//! group and the ports it listens on, and one call opens a path between two
//! of them — the ingress rule on the receiver and, when the sender's outbound
//! traffic is restricted, the matching egress rule on the sender — so the
//! two sides can never disagree.
//!
//! ```
//! use rcdk_constructs::core::{FieldPath, Stack, StackProps};
//! use rcdk_constructs::ec2::{Connectable, Connections, Port, SecurityGroup, SecurityGroupProps};
//! use serde_json::json;
//!
//! let mut stack = Stack::new(StackProps { name: "demo".into(), ..Default::default() }, FieldPath::root());
//! let root = stack.root().clone();
//! let vpc = json!("vpc-123");
//! let lb = SecurityGroup::new(&mut stack, &root.child("LbGroup"), &vpc, &SecurityGroupProps::described("load balancer"));
//! let app = SecurityGroup::new(&mut stack, &root.child("AppGroup"), &vpc, &SecurityGroupProps::described("app"));
//! let lb = Connections::new("LoadBalancer", &lb, None);
//! let app = Connections::new("App", &app, Some(Port::tcp(8080)));
//! lb.allow_to_default_port(&mut stack, &app, "Load balancer to the app");
//! assert!(stack.template.resources.contains_key("AppGroupFromLoadBalancer"));
//! ```

use serde_json::Value;

use super::port::Port;
use super::security_group::{Peer, SecurityGroup};
use crate::core::Stack;

/// The connections of one construct: its security group, the name its rules
/// are called by on other groups (`From<name>` / `To<name>`), and the ports
/// it receives traffic on.
#[derive(Debug, Clone, PartialEq)]
pub struct Connections {
    /// The name rules use for this side, e.g. `LoadBalancer` (a peer's
    /// ingress rule from it is `<PeerGroup>FromLoadBalancer`).
    pub name: String,
    /// The security group.
    pub security_group: SecurityGroup,
    /// Where this construct receives traffic. Default: none (it only sends).
    pub default_port: Option<Port>,
}

/// Anything with [`Connections`]: load balancers, the cluster's instances,
/// awsvpc services, databases, bastion hosts, and your own constructs. Each
/// type implements it beside its own definition.
pub trait Connectable {
    /// This construct's connections.
    fn connections(&self) -> Connections;
}

impl Connectable for Connections {
    fn connections(&self) -> Connections {
        self.clone()
    }
}

impl Connections {
    /// Connections for `security_group`, named `name` in peers' rules,
    /// receiving traffic on `default_port`.
    pub fn new(name: &str, security_group: &SecurityGroup, default_port: Option<Port>) -> Connections {
        Connections { name: name.to_owned(), security_group: security_group.clone(), default_port }
    }

    /// Lets this side open connections to `other` on `port`: an ingress rule
    /// `From<this name>` on `other`'s group, and, when this group does not
    /// allow all outbound traffic, an egress rule `To<other name>` on this
    /// one. Asking for the same path twice adds nothing the second time.
    /// Returns the ingress rule's logical ID.
    pub fn allow_to(&self, stack: &mut Stack, other: &impl Connectable, port: Port, description: &str) -> String {
        let other = other.connections();
        let ingress = other.security_group.path.child(format!("From{}", self.name)).logical_id();
        if stack.claim_unique("security-group-rule", ingress.clone(), &ingress).is_none() {
            other.security_group.allow_tcp(
                stack,
                &format!("From{}", self.name),
                &Peer::SecurityGroup(self.security_group.group_id.clone()),
                port.from,
                port.to,
                description,
            );
        }
        if !self.security_group.allow_all_outbound {
            let egress = self.security_group.path.child(format!("To{}", other.name)).logical_id();
            if stack.claim_unique("security-group-rule", egress.clone(), &egress).is_none() {
                self.security_group.allow_tcp_egress(
                    stack,
                    &format!("To{}", other.name),
                    &other.security_group.group_id,
                    port,
                    description,
                );
            }
        }
        ingress
    }

    /// [`Connections::allow_to`] on `other`'s default port. A peer without one
    /// is a programming error reported on the stack (`ec2:connections-no-port`).
    pub fn allow_to_default_port(&self, stack: &mut Stack, other: &impl Connectable, description: &str) -> String {
        let peer = other.connections();
        match peer.default_port {
            Some(port) => self.allow_to(stack, &peer, port, description),
            None => {
                stack.report(
                    crate::ValidationError::new(
                        Code::ConnectionsNoPort,
                        &peer.security_group.path,
                        format!("{} receives no traffic: it declares no port", peer.name),
                    )
                    .help("name the ports with allow_to(stack, peer, Port::tcp(..), ..)"),
                );
                String::new()
            }
        }
    }

    /// The mirror of [`Connections::allow_to`]: lets `other` connect to this side.
    pub fn allow_from(&self, stack: &mut Stack, other: &impl Connectable, port: Port, description: &str) -> String {
        other.connections().allow_to(stack, self, port, description)
    }

    /// This group's ID, for properties that take one.
    pub fn group_id(&self) -> &Value {
        &self.security_group.group_id
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        ConnectionsNoPort => error("ec2:connections-no-port") {
            formerly: ["connections-no-port"],
            title: "`allow_to_default_port` on a peer that declares no port",
            explanation: "A construct that receives traffic declares the port it listens on (a load balancer its listener ports, \
         a database its database port). `allow_to_default_port` used the peer's declared port, and this peer \
         has none. Name the ports explicitly: `allow_to(stack, &peer, Port::tcp(8080), \"why\")`.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{FieldPath, StackProps};
    use crate::ec2::SecurityGroupProps;
    use serde_json::json;

    fn stack() -> Stack {
        Stack::new(StackProps { name: "s".into(), ..Default::default() }, FieldPath::root())
    }

    #[test]
    fn allow_to_writes_the_ingress_once_and_the_egress_when_outbound_is_restricted() {
        let mut s = stack();
        let root = s.root().clone();
        let vpc = json!("vpc-1");
        let open = SecurityGroup::new(&mut s, &root.child("Open"), &vpc, &SecurityGroupProps::described("open"));
        let closed = SecurityGroup::new(
            &mut s,
            &root.child("Closed"),
            &vpc,
            &SecurityGroupProps { allow_all_outbound: Some(false), ..SecurityGroupProps::described("closed") },
        );
        let target = SecurityGroup::new(&mut s, &root.child("Target"), &vpc, &SecurityGroupProps::described("target"));
        let target = Connections::new("Target", &target, Some(Port::tcp(5432)));

        let open = Connections::new("Open", &open, None);
        open.allow_to_default_port(&mut s, &target, "open to target");
        open.allow_to_default_port(&mut s, &target, "open to target");
        assert!(s.template.resources.contains_key("TargetFromOpen"));
        assert!(!s.template.resources.contains_key("OpenToTarget"), "all outbound is already allowed");
        assert!(s.errors().is_empty(), "the second call adds nothing: {:?}", s.errors());

        let closed = Connections::new("Closed", &closed, None);
        closed.allow_to(&mut s, &target, Port::tcp_range(5432, 5433), "closed to target");
        let ingress = &s.template.resources["TargetFromClosed"];
        assert_eq!(ingress.properties["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["Closed", "GroupId"]}));
        assert_eq!(ingress.properties["FromPort"], json!(5432));
        let egress = &s.template.resources["ClosedToTarget"];
        assert_eq!(egress.resource_type, "AWS::EC2::SecurityGroupEgress");
        assert_eq!(egress.properties["DestinationSecurityGroupId"], json!({"Fn::GetAtt": ["Target", "GroupId"]}));
        assert_eq!(egress.properties["ToPort"], json!(5433));
        assert_eq!(egress.properties["GroupId"], json!({"Fn::GetAtt": ["Closed", "GroupId"]}));

        open.allow_to_default_port(&mut s, &open.clone(), "nothing");
        assert_eq!(s.errors()[0].code, "ec2:connections-no-port");
    }
}
