//! EC2 networking: the VPC with its subnets, gateways, routes, network ACLs
//! and flow logs.

mod flow_logs;
mod nacl;
mod security_group;
mod vpc;

pub use flow_logs::{FlowLogsProps, TrafficType};
pub use nacl::{AclAction, AclProtocol, NetworkAclRule, NetworkAclsProps};
pub use security_group::{Peer, SecurityGroup};
pub use vpc::{
    Vpc, VpcProps, DEFAULT_AZ_COUNT, DEFAULT_NAT_GATEWAYS, DEFAULT_PRIVATE_SUBNET_PREFIX, DEFAULT_PUBLIC_SUBNET_PREFIX,
    DEFAULT_VPC_CIDR, MAX_AZ_COUNT,
};
