//! EC2 networking: the VPC with its subnets, gateways, routes, network ACLs
//! and flow logs.

pub(crate) mod bastion;
pub(crate) mod connections;
pub(crate) mod endpoints;
mod flow_logs;
mod instance_type;
pub(crate) mod key_pair;
pub(crate) mod nacl;
mod port;
mod security_group;
pub(crate) mod vpc;

pub use bastion::{
    BastionHost, BastionProps, AL2023_AMI_PARAMETER_ARM64, AL2023_AMI_PARAMETER_X86_64, DEFAULT_BASTION_INSTANCE_TYPE,
};
pub use connections::{Connectable, Connections};
pub use endpoints::{GatewayService, VpcEndpointsProps, ECS_INTERFACE_ENDPOINTS};
pub use flow_logs::{FlowLogsProps, TrafficType};
pub use instance_type::{instance_type_spec, is_graviton, is_plausible_instance_type, InstanceTypeSpec};
pub use key_pair::MAX_KEY_NAME_LEN;
pub use nacl::{AclAction, AclProtocol, NetworkAclRule, NetworkAclsProps};
pub use port::Port;
pub use security_group::{Peer, SecurityGroup, SecurityGroupProps};
pub use vpc::{
    Vpc, VpcProps, DEFAULT_AZ_COUNT, DEFAULT_PRIVATE_SUBNET_PREFIX, DEFAULT_PUBLIC_SUBNET_PREFIX, DEFAULT_VPC_CIDR,
    MAX_AZ_COUNT, NAT_GATEWAY_MONTHLY_USD,
};
