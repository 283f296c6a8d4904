//! A bastion host reached through SSM Session Manager.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::connections::{Connectable, Connections};
use super::instance_type::{is_graviton, is_plausible_instance_type};
use super::port::Port;
use super::security_group::{Peer, SecurityGroup, SecurityGroupProps};
use super::vpc::Vpc;
use crate::cfn::{Intrinsic, Output, Parameter, ParameterType, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;
use crate::iam::{Role, RoleProps};

/// Bastion instance type when none is given: `t3.micro` (x86_64, offered in
/// every commercial region, free-tier eligible). `t4g.nano`/`t4g.micro`
/// (Graviton) cost less; the arm64 AMI is then chosen automatically.
pub const DEFAULT_BASTION_INSTANCE_TYPE: &str = "t3.micro";
/// Public SSM parameter naming the latest Amazon Linux 2023 AMI for x86_64.
pub const AL2023_AMI_PARAMETER_X86_64: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
/// Public SSM parameter naming the latest Amazon Linux 2023 AMI for arm64.
pub const AL2023_AMI_PARAMETER_ARM64: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

/// Props of a [`BastionHost`]. The bastion itself is optional: an app has
/// one only when these props are given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BastionProps {
    /// The EC2 instance type; Graviton types (`t4g.*`, `m7g.*`, ...) get the
    /// arm64 AMI. Billed by the hour while the instance runs. Default:
    /// [`DEFAULT_BASTION_INSTANCE_TYPE`] (`t3.micro`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// An IPv4 or IPv6 CIDR allowed to connect on SSH (port 22). `0.0.0.0/0`
    /// and `::/0` also need `allow_ssh_from_anywhere: true`. SSH needs
    /// `key_name` too. Default: no inbound rule at all; connect with
    /// `aws ssm start-session --target <instance-id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_cidr: Option<String>,
    /// Confirms that `ssh_cidr` may be the whole internet. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_ssh_from_anywhere: Option<bool>,
    /// An existing EC2 key pair for SSH. Default: none (Session Manager only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
}

/// A small instance in the first public subnet with a public IP, reached
/// through SSM Session Manager: Amazon Linux 2023 (its AMI read from the
/// public SSM parameter at deploy time), IMDSv2 required, encrypted gp3 root
/// volume, an instance role with `AmazonSSMManagedInstanceCore`, and a
/// security group with no inbound rule unless `ssh_cidr` is given.
///
/// The AMI parameter is resolved again on every deploy: once Amazon publishes
/// a newer AL2023 image, the next deploy replaces the (stateless) bastion.
#[derive(Debug, Clone, PartialEq)]
pub struct BastionHost {
    /// The construct's path.
    pub path: ConstructPath,
    /// The instance's logical ID.
    pub logical_id: String,
    /// The instance ID (`Ref`), the target of `aws ssm start-session`.
    pub instance_id: Value,
    /// The bastion's security group.
    pub security_group: SecurityGroup,
    /// The instance role.
    pub role: Role,
}

impl BastionHost {
    /// Adds a bastion host at `path` in `vpc`'s first public subnet. Invalid
    /// props are reported to the stack (fields relative to these props).
    ///
    /// ```
    /// use rcdk_constructs::core::{FieldPath, Stack, StackProps};
    /// use rcdk_constructs::ec2::{BastionHost, BastionProps, Connectable, Port, Vpc};
    /// use rcdk_constructs::ecs::Cluster;
    ///
    /// let mut stack = Stack::new(StackProps { name: "ops".into(), ..Default::default() }, FieldPath::root());
    /// let root = stack.root().clone();
    /// let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &Default::default());
    /// let cluster = Cluster::new(&mut stack, &root.child("Cluster"), &vpc, &Default::default());
    /// let bastion = BastionHost::new(&mut stack, &root.child("Bastion"), &vpc, &BastionProps::default());
    /// // The CDK's shape: the bastion may SSH into the cluster's instances.
    /// bastion.connections().allow_to(&mut stack, &cluster, Port::tcp(22), "SSH from the bastion");
    /// assert!(stack.errors().is_empty());
    /// ```
    #[track_caller]
    pub fn new(stack: &mut Stack, path: &ConstructPath, vpc: &Vpc, props: &BastionProps) -> BastionHost {
        let caller = std::panic::Location::caller();
        stack.at_caller(caller, |s| Self::build(s, path, vpc, props))
    }

    /// [`Self::new`], reporting at the current caller.
    fn build(stack: &mut Stack, path: &ConstructPath, vpc: &Vpc, props: &BastionProps) -> BastionHost {
        stack.suppress_all(path, &props.suppress);
        let path = path.clone();
        let instance_type = props.instance_type.clone().unwrap_or_else(|| DEFAULT_BASTION_INSTANCE_TYPE.to_owned());
        if !is_plausible_instance_type(&instance_type) {
            stack.report(
                ValidationError::new(
                    Code::BastionInstanceTypeInvalid,
                    &path,
                    format!("`{instance_type}` is not an EC2 instance type"),
                )
                .field("instance_type")
                .help(format!("use `<family>.<size>`, e.g. `{DEFAULT_BASTION_INSTANCE_TYPE}` or `t4g.nano`")),
            );
        }
        if let Some(key) = &props.key_name {
            super::key_pair::check_key_name(stack, &path, "key_name", key);
        }
        let ssh_peer = props.ssh_cidr.as_ref().and_then(|cidr| ssh_peer(stack, &path, cidr, props));

        let security_group = SecurityGroup::new(
            stack,
            &path.child("SecurityGroup"),
            &vpc.vpc_id,
            &SecurityGroupProps::described(format!(
                "Bastion host {path}: no inbound traffic except SSH from ssh_cidr when set"
            )),
        );
        if let Some(peer) = &ssh_peer {
            security_group.allow_tcp(stack, "SshIngress", peer, 22, 22, "SSH to the bastion host");
        }

        let role = Role::new(
            stack,
            &path.child("Role"),
            &RoleProps {
                assumed_by: "ec2.amazonaws.com".into(),
                managed_policies: vec!["AmazonSSMManagedInstanceCore".into()],
                statements: vec![],
            },
        );
        let profile = stack.add_resource(
            &path.child("InstanceProfile"),
            Resource::new("AWS::IAM::InstanceProfile").prop("Roles", json!([role.name.clone()])),
        );

        let ami_default =
            if is_graviton(&instance_type) { AL2023_AMI_PARAMETER_ARM64 } else { AL2023_AMI_PARAMETER_X86_64 };
        let image_id = stack.add_parameter(
            &path,
            &format!("{}ImageId", path.logical_id()),
            Parameter::new(ParameterType::SsmValue("AWS::EC2::Image::Id".into()))
                .description(format!("SSM parameter naming the Amazon Linux 2023 AMI of {path}"))
                .default_value(ami_default),
        );
        let Some(subnet) = vpc.public_subnet_ids.first().cloned() else {
            stack.report(ValidationError::new(Code::BastionNoPublicSubnet, &path, "the VPC has no public subnet"));
            return BastionHost { path, logical_id: String::new(), instance_id: Value::Null, security_group, role };
        };
        let instance = Resource::new("AWS::EC2::Instance")
            .prop("ImageId", image_id)
            .prop("InstanceType", instance_type)
            .prop("IamInstanceProfile", Intrinsic::ref_(&profile))
            .prop_opt("KeyName", props.key_name.clone())
            .prop(
                "NetworkInterfaces",
                json!([{
                    "DeviceIndex": "0",
                    "SubnetId": subnet,
                    "AssociatePublicIpAddress": true,
                    "GroupSet": [security_group.group_id.clone()],
                }]),
            )
            .prop(
                "MetadataOptions",
                json!({"HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 1}),
            )
            .prop(
                "BlockDeviceMappings",
                json!([{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true, "VolumeType": "gp3", "DeleteOnTermination": true}}]),
            )
            .prop("Tags", json!([{"Key": "Name", "Value": path.to_string()}]))
            .depends_on(&vpc.gateway_attachment_id);
        let logical_id = stack.add_resource(&path, instance);
        let instance_id = Intrinsic::ref_(&logical_id);
        stack.add_output(
            &path.child("InstanceId"),
            Output::new(
                instance_id.clone(),
                format!("Instance ID of the bastion host {path}: aws ssm start-session --target <id>"),
            ),
        );
        BastionHost { path, logical_id, instance_id, security_group, role }
    }

    /// Lets the bastion reach `target` (e.g. the ECS instances' group) on SSH,
    /// as an ingress rule named `rule_name` under `target`. Returns the
    /// rule's logical ID.
    pub fn allow_ssh_into(&self, stack: &mut Stack, target: &SecurityGroup, rule_name: &str) -> String {
        target.allow_tcp(
            stack,
            rule_name,
            &Peer::SecurityGroup(self.security_group.group_id.clone()),
            22,
            22,
            &format!("SSH from the bastion host {}", self.path),
        )
    }
}

/// Parses `ssh_cidr`, refusing the whole internet without the override.
fn ssh_peer(stack: &mut Stack, path: &ConstructPath, cidr: &str, props: &BastionProps) -> Option<Peer> {
    let net: IpNet = match cidr.parse() {
        Ok(n) => n,
        Err(_) => {
            stack.report(
                ValidationError::new(Code::BastionSshCidrInvalid, path, format!("`{cidr}` is not a CIDR block"))
                    .field("ssh_cidr")
                    .help("use an address with a prefix length, e.g. `203.0.113.10/32`"),
            );
            return None;
        }
    };
    if net.trunc() != net {
        stack.report(
            ValidationError::new(
                Code::BastionSshCidrInvalid,
                path,
                format!("`{cidr}` has host bits set; the network is `{}`", net.trunc()),
            )
            .field("ssh_cidr")
            .help(format!("write `{}`", net.trunc())),
        );
        return None;
    }
    if net.prefix_len() == 0 && !props.allow_ssh_from_anywhere.unwrap_or(false) {
        stack.report(
            ValidationError::new(
                Code::BastionSshOpenToWorld,
                path,
                format!("`ssh_cidr: {cidr}` opens SSH on the bastion host to the whole internet"),
            )
            .field("ssh_cidr")
            .help("narrow `ssh_cidr` to your network (e.g. `203.0.113.0/24`), drop it and use SSM Session Manager, or set `allow_ssh_from_anywhere: true` if you really mean it"),
        );
        return None;
    }
    Some(match net {
        IpNet::V4(n) => Peer::Ipv4(n.to_string()),
        IpNet::V6(n) => Peer::Ipv6(n.to_string()),
    })
}

impl Connectable for BastionHost {
    /// The bastion's security group, named `Bastion`, receiving SSH.
    fn connections(&self) -> Connections {
        Connections::new("Bastion", &self.security_group, Some(Port::tcp(22)))
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        BastionInstanceTypeInvalid => error("ec2:bastion-instance-type-invalid") {
            formerly: ["bastion-instance-type-invalid"],
            title: "the bastion's instance type is not an EC2 instance type",
            explanation: "EC2 instance types are a family and a size separated by a dot: `t3.micro`, `t4g.nano`. The \
         bastion only needs the smallest size.",
        },
        BastionNoPublicSubnet => error("ec2:bastion-no-public-subnet") {
            formerly: ["bastion-no-public-subnet"],
            title: "the bastion host needs a public subnet and the VPC has none",
            explanation: "A bastion host sits in a public subnet so it can be reached (over SSH) or reach the SSM \
         endpoints. Give the VPC public subnets, or drop the bastion and use SSM Session Manager to the \
         cluster instances.",
        },
        BastionSshCidrInvalid => error("ec2:bastion-ssh-cidr-invalid") {
            formerly: ["bastion-ssh-cidr-invalid"],
            title: "`ssh_cidr` is not a CIDR block",
            explanation: "`ssh_cidr` is the network allowed to reach the bastion on port 22, written as a network address \
         and prefix: `203.0.113.10/32` for one address.",
        },
        BastionSshOpenToWorld => error("ec2:bastion-ssh-open-to-world") {
            formerly: ["bastion-ssh-open-to-world"],
            title: "SSH on the bastion is open to the whole internet",
            explanation: "`ssh_cidr: 0.0.0.0/0` (or `::/0`) lets anyone try to log in; rcdk refuses it by default \
         (no SSH from the internet).\n\n\
         Narrow `ssh_cidr` to your network, drop it and connect with SSM Session Manager (no open port), \
         or, if you really mean it, set `allow_ssh_from_anywhere: true`.",
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn graviton_types_are_recognised() {
        for arm in ["t4g.nano", "m7g.large", "c6gn.xlarge", "m6gd.large", "r8g.medium"] {
            assert!(super::is_graviton(arm), "{arm}");
        }
        for x86 in ["t3.micro", "m7i-flex.large", "g5.xlarge", "c5n.large", "t2.micro"] {
            assert!(!super::is_graviton(x86), "{x86}");
        }
    }
}
