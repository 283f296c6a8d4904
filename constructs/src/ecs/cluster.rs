//! An ECS cluster on EC2 capacity: launch template, instance role, Auto
//! Scaling group and capacity provider.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{Intrinsic, Parameter, ParameterType, Resource};
use crate::core::{ConstructPath, Stack};
use crate::ec2::{
    is_graviton, is_plausible_instance_type, Connectable, Connections, Port, SecurityGroup, SecurityGroupProps, Vpc,
};
use crate::error::ValidationError;
use crate::iam::{InstanceProfile, Role, RoleProps};

/// Instance type when none is given: 2 vCPUs, 4 GiB (costs money by the hour, per instance).
pub const DEFAULT_INSTANCE_TYPE: &str = "t3.medium";
/// Smallest number of instances when none is given.
pub const DEFAULT_MIN_CAPACITY: u32 = 1;
/// Largest number of instances when none is given.
pub const DEFAULT_MAX_CAPACITY: u32 = 4;
/// Capacity provider target utilization when none is given: scale out as
/// soon as tasks do not fit, keep no idle instances.
pub const DEFAULT_TARGET_CAPACITY_PERCENT: u8 = 100;
/// Root volume size when none is given. The ECS-optimized Amazon Linux 2023
/// AMI's snapshot is 30 GiB, so this is also the smallest size accepted.
pub const DEFAULT_ROOT_VOLUME_GIB: u32 = 30;
/// Largest gp3 volume.
pub const MAX_ROOT_VOLUME_GIB: u32 = 16_384;
/// The public SSM parameter holding the current ECS-optimized Amazon Linux
/// 2023 (x86_64) AMI ID.
pub const ECS_AL2023_AMI_PARAMETER: &str = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
/// Public SSM parameter holding the latest ECS-optimized Amazon Linux 2023
/// arm64 AMI ID, the default for Graviton instance types.
pub const ECS_AL2023_ARM64_AMI_PARAMETER: &str =
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";
/// IMDSv2 hop limit when none is given: 1. The instance's own processes (the
/// ECS agent, SSM agent) reach instance metadata; bridge-mode containers, one
/// network hop further, cannot obtain an IMDSv2 token and so cannot read the
/// *instance* role's credentials. Containers still get their *task* role's
/// credentials, which the ECS agent serves at 169.254.170.2, not through IMDS.
pub const IMDS_HOP_LIMIT: u8 = 1;
/// Largest IMDSv2 hop limit EC2 accepts.
pub const MAX_IMDS_HOP_LIMIT: u8 = 64;
/// Root device name of the Amazon Linux 2023 AMIs.
pub const ROOT_DEVICE_NAME: &str = "/dev/xvda";
/// Capacity an instance refresh keeps in service, in % of the group's
/// desired capacity, when none is given: 100, so a replacement instance
/// launches (and takes the tasks ECS drains off the old one) before the
/// instance it replaces is terminated.
pub const DEFAULT_REFRESH_MIN_HEALTHY_PERCENT: u8 = 100;
/// Capacity an instance refresh may run, in % of the desired capacity, when
/// none is given: 200, room to launch every replacement first even in a
/// group of one instance (the extra instances are billed while they run).
pub const DEFAULT_REFRESH_MAX_HEALTHY_PERCENT: u8 = 200;
/// Seconds an instance refresh waits after a new instance is in service
/// before it goes on, when none is given: time for the instance to register
/// with the cluster and start the tasks moved onto it.
pub const DEFAULT_REFRESH_WARMUP_SECONDS: u32 = 300;

/// Props of a [`Cluster`]. Every instance runs the ECS-optimized Amazon Linux
/// 2023 AMI in the VPC's private subnets, requires IMDSv2, has an encrypted
/// gp3 root volume, no SSH key (unless `key_name`), and is reachable with
/// SSM Session Manager.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterProps {
    /// EC2 instance type of the container instances, e.g. `t3.medium` or
    /// `m7i.large`. Costs money per instance-hour. Default:
    /// [`DEFAULT_INSTANCE_TYPE`] (`t3.medium`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// Fewest instances the Auto Scaling group keeps. Default: [`DEFAULT_MIN_CAPACITY`] (1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_capacity: Option<u32>,
    /// Most instances the capacity provider may scale out to. Default: [`DEFAULT_MAX_CAPACITY`] (4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_capacity: Option<u32>,
    /// Instances at creation, between min and max. Leave it out in normal
    /// use: the capacity provider's managed scaling owns the desired count,
    /// and a value here is re-applied on every stack update. Default: not set
    /// (the capacity provider decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_capacity: Option<u32>,
    /// Target utilization of the instances by tasks, 1 to 100 %. Below 100
    /// keeps spare instances for faster task starts, at their cost. Default:
    /// [`DEFAULT_TARGET_CAPACITY_PERCENT`] (100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_capacity_percent: Option<u8>,
    /// Size of each instance's encrypted gp3 root volume in GiB, 30 to 16384.
    /// Default: [`DEFAULT_ROOT_VOLUME_GIB`] (30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_volume_gib: Option<u32>,
    /// SSM parameter holding the AMI ID, e.g. the arm64 variant
    /// `/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id`
    /// (needs a Graviton instance type). Default: picked from the instance
    /// type's architecture, [`ECS_AL2023_ARM64_AMI_PARAMETER`] for Graviton
    /// types (`t4g`, `m7g`, ...), otherwise [`ECS_AL2023_AMI_PARAMETER`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ami_parameter: Option<String>,
    /// CloudWatch Container Insights (per-task and per-service metrics; billed
    /// as custom metrics). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_insights: Option<bool>,
    /// IMDSv2 hop limit, 1 to 64. 2 or more lets bridge-mode containers read
    /// instance metadata — and the instance role's credentials, which only
    /// the ECS agent and SSM need; raise it only for an application that must
    /// read instance metadata itself. Task-role credentials work either way.
    /// Default: [`IMDS_HOP_LIMIT`] (1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imds_hop_limit: Option<u8>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
    /// ECS's managed termination protection: instances launched by the Auto
    /// Scaling group are protected from scale-in
    /// (`NewInstancesProtectedFromScaleIn`), and the capacity provider lifts
    /// the protection only from instances that run no task
    /// (`ManagedTerminationProtection: ENABLED`), so a scale-in never stops
    /// running tasks. The two are always set together: protection without
    /// the capacity provider managing it would never be lifted. With `false`
    /// both are off; managed draining still moves tasks off an instance
    /// before it is terminated, but a scale-in may pick an instance that
    /// runs tasks. Deleting a stack with protection on needs the protection
    /// lifted first (`rcdk destroy` does it; with the console or the AWS CLI,
    /// see README "Deleting a stack"). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_termination_protection: Option<bool>,
    /// How running instances are replaced when the launch template changes
    /// (a new AMI release, instance type, root volume, user data): an Auto
    /// Scaling instance refresh that CloudFormation starts during the stack
    /// update (`UpdatePolicy: AutoScalingInstanceRefresh`), replacing
    /// protected instances too, with ECS managed draining moving the tasks
    /// off each old instance before it goes. Default: see
    /// [`InstanceRefreshProps`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_refresh: Option<InstanceRefreshProps>,
    /// An EC2 key pair of the stack's region whose public key EC2 installs
    /// on every instance (`KeyName` in the launch template), for SSH. The
    /// instances admit SSH from nowhere but the stack's bastion host (an
    /// app file's `bastion:`; `BastionHost::allow_ssh_into` in Rust). Prefer SSM
    /// Session Manager, which needs no key: the instances' role has
    /// `AmazonSSMManagedInstanceCore`, so `aws ssm start-session --target
    /// <instance-id>` opens a shell with no key to distribute or rotate and
    /// no port to open. Changing it changes the launch template, which an
    /// instance refresh rolls out (see `instance_refresh`). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
}

/// How an instance refresh replaces a cluster's instances (the preferences
/// of the group's `UpdatePolicy: AutoScalingInstanceRefresh`; Amazon EC2
/// Auto Scaling API Reference, `RefreshPreferences`,
/// <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html>).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceRefreshProps {
    /// Capacity kept in service and healthy during the refresh, 0 to 100 %
    /// of the desired capacity. Below 100 the refresh may terminate an old
    /// instance before its replacement runs. Default:
    /// [`DEFAULT_REFRESH_MIN_HEALTHY_PERCENT`] (100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_healthy_percentage: Option<u8>,
    /// Capacity that may run during the refresh, 100 to 200 % of the desired
    /// capacity and at most 100 above `min_healthy_percentage`; above 100
    /// replacements launch before the instances they replace go (billed
    /// while both run). Default: [`DEFAULT_REFRESH_MAX_HEALTHY_PERCENT`] (200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_healthy_percentage: Option<u8>,
    /// Seconds the refresh waits after a new instance is in service before
    /// it replaces the next. Default: [`DEFAULT_REFRESH_WARMUP_SECONDS`] (300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_warmup_seconds: Option<u32>,
}

/// First host port of the range ECS maps container ports to in bridge mode.
/// The agent uses the kernel's `ip_local_port_range` (32768-60999 on Amazon
/// Linux) or Docker's fallback 49153-65535; 32768-65535 covers both.
pub const DYNAMIC_PORT_FROM: u16 = 32768;
/// Last host port of the dynamic range (see [`DYNAMIC_PORT_FROM`]).
pub const DYNAMIC_PORT_TO: u16 = 65535;

/// An ECS cluster with an Auto Scaling group of container instances behind a
/// capacity provider, which is the cluster's default capacity provider
/// strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The construct's path.
    pub path: ConstructPath,
    /// The cluster's logical ID.
    pub logical_id: String,
    /// The cluster name (`Ref`).
    pub name: Value,
    /// The cluster ARN (`Fn::GetAtt Arn`).
    pub arn: Value,
    /// The container instances' security group: no inbound rule until a
    /// load balancer is allowed in (see [`SecurityGroup::allow_tcp`]).
    pub instance_security_group: SecurityGroup,
    /// The container instances' role (ECS agent and SSM Session Manager).
    pub instance_role: Role,
    /// The instance profile holding `instance_role`.
    pub instance_profile: InstanceProfile,
    /// Logical ID of the launch template.
    pub launch_template_id: String,
    /// Logical ID of the Auto Scaling group.
    pub auto_scaling_group_id: String,
    /// The Auto Scaling group's name (`Ref`).
    pub auto_scaling_group_name: Value,
    /// Logical ID of the capacity provider.
    pub capacity_provider_id: String,
    /// The capacity provider's name (`Ref`), for capacity provider strategies.
    pub capacity_provider_name: Value,
    /// Logical ID of the cluster's capacity provider association: services
    /// using the capacity provider depend on it.
    pub capacity_provider_association_id: String,
    /// The VPC ID, for services in `awsvpc` network mode.
    pub vpc_id: Value,
    /// The private subnets the instances run in.
    pub subnet_ids: Vec<Value>,
}

impl Cluster {
    /// Adds a cluster at `path` with its EC2 capacity in `vpc`'s private
    /// subnets. Invalid props are reported (fields relative to these props)
    /// and a best-effort cluster is still built.
    ///
    /// ```
    /// use rcdk_constructs::core::{FieldPath, Stack, StackProps};
    /// use rcdk_constructs::ec2::Vpc;
    /// use rcdk_constructs::ecs::{Cluster, ClusterProps};
    ///
    /// let mut stack = Stack::new(StackProps { name: "web".into(), ..Default::default() }, FieldPath::root());
    /// let root = stack.root().clone();
    /// let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &Default::default());
    /// let props = ClusterProps { instance_type: Some("t3.small".into()), max_capacity: Some(3), ..Default::default() };
    /// let cluster = Cluster::new(&mut stack, &root.child("Cluster"), &vpc, &props);
    /// assert!(stack.template.resources.contains_key(&cluster.logical_id));
    /// assert!(stack.errors().is_empty());
    /// ```
    #[track_caller]
    pub fn new(stack: &mut Stack, path: &ConstructPath, vpc: &Vpc, props: &ClusterProps) -> Cluster {
        let caller = std::panic::Location::caller();
        stack.at_caller(caller, |s| Self::build(s, path, vpc, props))
    }

    /// [`Self::new`], reporting at the current caller.
    fn build(stack: &mut Stack, path: &ConstructPath, vpc: &Vpc, props: &ClusterProps) -> Cluster {
        stack.suppress_all(path, &props.suppress);
        let path = path.clone();
        let v = Validated::check(stack, &path, props);

        let mut cluster = Resource::new("AWS::ECS::Cluster");
        let insights = if props.container_insights.unwrap_or(true) { "enabled" } else { "disabled" };
        cluster = cluster.prop("ClusterSettings", json!([{"Name": "containerInsights", "Value": insights}]));
        let logical_id = stack.add_resource(&path, cluster);
        let name = Intrinsic::ref_(&logical_id);

        let instance_role = Role::new(
            stack,
            &path.child("InstanceRole"),
            &RoleProps {
                assumed_by: "ec2.amazonaws.com".into(),
                managed_policies: vec![
                    "service-role/AmazonEC2ContainerServiceforEC2Role".into(),
                    "AmazonSSMManagedInstanceCore".into(),
                ],
                statements: vec![],
            },
        );
        let instance_profile = InstanceProfile::new(stack, &path.child("InstanceProfile"), &instance_role);
        let instance_security_group = SecurityGroup::new(
            stack,
            &path.child("InstanceSecurityGroup"),
            &vpc.vpc_id,
            &SecurityGroupProps::described(format!("ECS container instances of {path}")),
        );

        let ami = stack.add_parameter(
            &path,
            &format!("{logical_id}AmiId"),
            Parameter::new(ParameterType::SsmValue("AWS::EC2::Image::Id".into()))
                .description(format!(
                    "ECS-optimized AMI of {path}, resolved from a public SSM parameter at deploy time"
                ))
                .default_value(v.ami_parameter.clone()),
        );
        let name_tag = json!([{"Key": "Name", "Value": path.to_string()}]);
        let user_data = Intrinsic::base64(Intrinsic::sub(format!(
            "#!/bin/bash\nset -euo pipefail\necho ECS_CLUSTER=${{{logical_id}}} >> /etc/ecs/ecs.config\n"
        )));
        let mut launch_data = json!({
            "ImageId": ami,
            "InstanceType": v.instance_type,
            "IamInstanceProfile": {"Arn": instance_profile.arn},
            "SecurityGroupIds": [instance_security_group.group_id],
            "MetadataOptions": {
                "HttpEndpoint": "enabled",
                "HttpTokens": "required",
                "HttpPutResponseHopLimit": v.imds_hop_limit,
            },
            "BlockDeviceMappings": [{
                "DeviceName": ROOT_DEVICE_NAME,
                "Ebs": {
                    "VolumeSize": v.root_volume_gib,
                    "VolumeType": "gp3",
                    "Encrypted": true,
                    "DeleteOnTermination": true,
                },
            }],
            "Monitoring": {"Enabled": true},
            "UserData": user_data,
            "TagSpecifications": [
                {"ResourceType": "instance", "Tags": name_tag},
                {"ResourceType": "volume", "Tags": name_tag},
            ],
        });
        if let (Some(key), Some(data)) = (&props.key_name, launch_data.as_object_mut()) {
            data.insert("KeyName".into(), json!(key));
        }
        let launch_template_id = stack.add_resource(
            &path.child("LaunchTemplate"),
            Resource::new("AWS::EC2::LaunchTemplate").prop("LaunchTemplateData", launch_data),
        );

        // Scale-in protection of new instances and managed termination
        // protection go together (see `managed_termination_protection`).
        let protection = props.managed_termination_protection.unwrap_or(true);
        let mut asg = Resource::new("AWS::AutoScaling::AutoScalingGroup")
            .prop("MinSize", v.min.to_string())
            .prop("MaxSize", v.max.to_string())
            .prop_opt("DesiredCapacity", props.desired_capacity.map(|d| d.to_string()))
            .prop(
                "LaunchTemplate",
                json!({
                    "LaunchTemplateId": Intrinsic::ref_(&launch_template_id),
                    "Version": Intrinsic::get_att(&launch_template_id, "LatestVersionNumber"),
                }),
            )
            .prop("VPCZoneIdentifier", vpc.private_subnet_ids.clone())
            .prop("NewInstancesProtectedFromScaleIn", protection)
            .update_policy(v.refresh.update_policy())
            .prop("Tags", json!([{"Key": "Name", "Value": path.to_string(), "PropagateAtLaunch": true}]));
        for route in &vpc.private_route_ids {
            asg = asg.depends_on(route);
        }
        let auto_scaling_group_id = stack.add_resource(&path.child("AutoScalingGroup"), asg);

        let capacity_provider_id = stack.add_resource(
            &path.child("CapacityProvider"),
            Resource::new("AWS::ECS::CapacityProvider").prop(
                "AutoScalingGroupProvider",
                json!({
                    "AutoScalingGroupArn": Intrinsic::ref_(&auto_scaling_group_id),
                    "ManagedScaling": {"Status": "ENABLED", "TargetCapacity": v.target},
                    "ManagedTerminationProtection": if protection { "ENABLED" } else { "DISABLED" },
                    "ManagedDraining": "ENABLED",
                }),
            ),
        );
        let capacity_provider_name = Intrinsic::ref_(&capacity_provider_id);
        let capacity_provider_association_id = stack.add_resource(
            &path.child("CapacityProviderAssociation"),
            Resource::new("AWS::ECS::ClusterCapacityProviderAssociations")
                .prop("Cluster", name.clone())
                .prop("CapacityProviders", json!([capacity_provider_name]))
                .prop(
                    "DefaultCapacityProviderStrategy",
                    json!([{"CapacityProvider": capacity_provider_name, "Weight": 1, "Base": 0}]),
                ),
        );

        Cluster {
            arn: Intrinsic::get_att(&logical_id, "Arn"),
            name,
            path,
            logical_id,
            instance_security_group,
            instance_role,
            instance_profile,
            launch_template_id,
            auto_scaling_group_name: Intrinsic::ref_(&auto_scaling_group_id),
            auto_scaling_group_id,
            capacity_provider_id,
            capacity_provider_name,
            capacity_provider_association_id,
            vpc_id: vpc.vpc_id.clone(),
            subnet_ids: vpc.private_subnet_ids.clone(),
        }
    }

    /// The capacity provider strategy services use: this cluster's capacity
    /// provider only.
    pub fn capacity_provider_strategy(&self) -> Value {
        json!([{"CapacityProvider": self.capacity_provider_name, "Weight": 1, "Base": 0}])
    }
}

/// An instance refresh's preferences, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refresh {
    min_healthy: u8,
    max_healthy: u8,
    warmup: u32,
}

impl Refresh {
    /// The Auto Scaling group's `UpdatePolicy`: CloudFormation starts an
    /// instance refresh when the group's `LaunchTemplate` changes (a new
    /// launch template version), instead of leaving the running instances
    /// on the old one (AWS CloudFormation `UpdatePolicy` attribute,
    /// `AutoScalingInstanceRefresh`, mutually exclusive with
    /// `AutoScalingRollingUpdate`). Protected instances are replaced
    /// (`ScaleInProtectedInstances: Refresh`), as the Amazon ECS Developer
    /// Guide asks with managed termination protection ("Safely stop Amazon
    /// ECS workloads running on EC2 instances",
    /// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-draining.html>);
    /// instances already on the new version are kept (`SkipMatching`).
    fn update_policy(self) -> Value {
        json!({
            "AutoScalingInstanceRefresh": {
                "Strategy": "Rolling",
                "Preferences": {
                    "MinHealthyPercentage": self.min_healthy,
                    "MaxHealthyPercentage": self.max_healthy,
                    "InstanceWarmup": self.warmup,
                    "ScaleInProtectedInstances": "Refresh",
                    "SkipMatching": true,
                },
            },
        })
    }
}

/// Props with defaults applied, after validation.
struct Validated {
    instance_type: String,
    min: u32,
    max: u32,
    target: u8,
    root_volume_gib: u32,
    ami_parameter: String,
    imds_hop_limit: u8,
    refresh: Refresh,
}

impl Validated {
    fn check(stack: &mut Stack, path: &ConstructPath, props: &ClusterProps) -> Validated {
        let mut err = |code: Code, field: &str, message: String, help: &str| {
            stack.report(ValidationError::new(code, path, message).field(field).help(help));
        };
        let instance_type = props.instance_type.clone().unwrap_or_else(|| DEFAULT_INSTANCE_TYPE.to_owned());
        if !is_plausible_instance_type(&instance_type) {
            err(
                Code::InstanceTypeInvalid,
                "instance_type",
                format!("`{instance_type}` is not an EC2 instance type"),
                "use a family and a size separated by a dot, e.g. t3.medium or m7i.large",
            );
        }
        let min = props.min_capacity.unwrap_or(DEFAULT_MIN_CAPACITY);
        let max = props.max_capacity.unwrap_or_else(|| DEFAULT_MAX_CAPACITY.max(min));
        if max == 0 {
            err(
                Code::CapacityRange,
                "max_capacity",
                "max_capacity is 0: no task could ever run".into(),
                "set max_capacity to 1 or more",
            );
        }
        if min > max {
            err(
                Code::CapacityRange,
                "min_capacity",
                format!("min_capacity {min} is above max_capacity {max}"),
                "make min_capacity at most max_capacity",
            );
        }
        if let Some(d) = props.desired_capacity {
            if d < min || d > max {
                err(
                    Code::CapacityRange,
                    "desired_capacity",
                    format!("desired_capacity {d} is outside min_capacity {min} .. max_capacity {max}"),
                    "leave desired_capacity out (the capacity provider manages it) or put it between min and max",
                );
            }
        }
        let target = props.target_capacity_percent.unwrap_or(DEFAULT_TARGET_CAPACITY_PERCENT);
        if !(1..=100).contains(&target) {
            err(
                Code::TargetCapacity,
                "target_capacity_percent",
                format!("target_capacity_percent {target} is outside 1..=100"),
                "use 100 for no idle instances, or less to keep spare capacity",
            );
        }
        let root_volume_gib = props.root_volume_gib.unwrap_or(DEFAULT_ROOT_VOLUME_GIB);
        if !(DEFAULT_ROOT_VOLUME_GIB..=MAX_ROOT_VOLUME_GIB).contains(&root_volume_gib) {
            err(
                Code::RootVolumeSize,
                "root_volume_gib",
                format!("a root volume of {root_volume_gib} GiB is outside {DEFAULT_ROOT_VOLUME_GIB}..={MAX_ROOT_VOLUME_GIB}"),
                "the ECS-optimized AMI needs at least 30 GiB; gp3 volumes go up to 16384 GiB",
            );
        }
        let ami_parameter = props.ami_parameter.clone().unwrap_or_else(|| {
            if is_graviton(&instance_type) { ECS_AL2023_ARM64_AMI_PARAMETER } else { ECS_AL2023_AMI_PARAMETER }
                .to_owned()
        });
        if !ami_parameter.starts_with('/') || ami_parameter.contains(char::is_whitespace) {
            err(
                Code::AmiParameterInvalid,
                "ami_parameter",
                format!("`{ami_parameter}` is not an SSM parameter name"),
                "use a path such as /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            );
        }
        let imds_hop_limit = props.imds_hop_limit.unwrap_or(IMDS_HOP_LIMIT);
        if !(1..=MAX_IMDS_HOP_LIMIT).contains(&imds_hop_limit) {
            err(
                Code::ImdsHopLimit,
                "imds_hop_limit",
                format!("an IMDS hop limit of {imds_hop_limit} is outside 1..={MAX_IMDS_HOP_LIMIT}"),
                "leave it out (1: containers cannot reach instance metadata) or use 2 for apps that need it",
            );
        }
        let refresh =
            check_refresh(props.instance_refresh.as_ref().unwrap_or(&InstanceRefreshProps::default()), &mut err);
        if let Some(key) = &props.key_name {
            crate::ec2::key_pair::check_key_name(stack, path, "key_name", key);
        }
        Validated { instance_type, min, max, target, root_volume_gib, ami_parameter, imds_hop_limit, refresh }
    }
}

/// The instance refresh preferences with defaults applied; a value AWS
/// refuses is reported through `err` (code, field, message, help).
fn check_refresh(props: &InstanceRefreshProps, err: &mut impl FnMut(Code, &str, String, &str)) -> Refresh {
    const CODE: Code = Code::InstanceRefreshInvalid;
    let min_healthy = props.min_healthy_percentage.unwrap_or(DEFAULT_REFRESH_MIN_HEALTHY_PERCENT);
    let max_healthy = props.max_healthy_percentage.unwrap_or(DEFAULT_REFRESH_MAX_HEALTHY_PERCENT);
    if min_healthy > 100 {
        err(
            CODE,
            "instance_refresh.min_healthy_percentage",
            format!("min_healthy_percentage {min_healthy} is above 100"),
            "use 100 to keep every instance in service until its replacement runs",
        );
    }
    if !(100..=200).contains(&max_healthy) {
        err(
            CODE,
            "instance_refresh.max_healthy_percentage",
            format!("max_healthy_percentage {max_healthy} is outside 100..=200"),
            "use 200 (launch every replacement first) or a value down to 100",
        );
    } else if u16::from(max_healthy) > u16::from(min_healthy) + 100 {
        err(
            CODE,
            "instance_refresh.max_healthy_percentage",
            format!(
                "max_healthy_percentage {max_healthy} is more than 100 above min_healthy_percentage {min_healthy}; \
                 Auto Scaling refuses a wider range"
            ),
            "raise min_healthy_percentage or lower max_healthy_percentage",
        );
    } else if min_healthy == 100 && max_healthy == 100 {
        err(
            CODE,
            "instance_refresh.max_healthy_percentage",
            "with min and max healthy percentage both 100 an instance refresh can neither launch a replacement first \
             nor terminate an instance first: it cannot replace anything"
                .into(),
            "raise max_healthy_percentage (200 launches every replacement first), or lower min_healthy_percentage",
        );
    }
    Refresh {
        min_healthy,
        max_healthy,
        warmup: props.instance_warmup_seconds.unwrap_or(DEFAULT_REFRESH_WARMUP_SECONDS),
    }
}

impl Connectable for Cluster {
    /// The container instances' security group, named `EcsInstances` in its
    /// peers' rules, receiving traffic on the dynamic host ports of
    /// bridge-mode tasks.
    fn connections(&self) -> Connections {
        Connections::new(
            "EcsInstances",
            &self.instance_security_group,
            Some(Port::tcp_range(DYNAMIC_PORT_FROM, DYNAMIC_PORT_TO)),
        )
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        AmiParameterInvalid => error("ecs:ami-parameter-invalid") {
            formerly: ["ecs-ami-parameter-invalid"],
            title: "`ami_parameter` is not an SSM parameter name",
            explanation: "The cluster's AMI is read at deploy time from a public SSM parameter, named by a path that \
         starts with `/` and has no spaces, e.g. \
         `/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id`.",
        },
        CapacityRange => error("ecs:capacity-range") {
            formerly: ["ecs-capacity-range"],
            title: "the cluster's instance capacity range is empty",
            explanation: "The cluster's Auto Scaling group runs between `min_capacity` and `max_capacity` instances. A \
         maximum of 0 could never run a task; EC2 Auto Scaling rejects a minimum above the maximum, and a \
         `desired_capacity` outside the two. Leave `desired_capacity` out (the capacity provider manages \
         it).\n\n\
         ```yaml\ncluster: {min_capacity: 1, max_capacity: 4}\n```",
        },
        ImdsHopLimit => error("ecs:imds-hop-limit") {
            formerly: ["ecs-imds-hop-limit"],
            title: "the IMDS hop limit is outside 1 to 64",
            explanation: "The instance metadata (IMDSv2) response hop limit is 1 to 64. rcdk's default, 1, keeps \
         containers in bridge mode from reading the instance's credentials; use 2 only for apps that \
         need instance metadata.",
        },
        InstanceRefreshInvalid => error("ecs:instance-refresh-invalid") {
            title: "`instance_refresh` asks for percentages Auto Scaling refuses or that can replace nothing",
            explanation: "When a cluster's launch template changes (a new AMI release, instance type, root volume), \
         CloudFormation replaces the running instances with an Auto Scaling instance refresh (`UpdatePolicy: \
         AutoScalingInstanceRefresh`). `min_healthy_percentage` (0 to 100) is the capacity kept in service, \
         `max_healthy_percentage` (100 to 200, at most 100 above the minimum) the capacity that may run meanwhile, \
         both in % of the desired capacity. With both at 100 the refresh can neither launch a replacement first nor \
         terminate an instance first. Leave them out (100 and 200: every replacement launches before the instance it \
         replaces goes), or keep them in range.",
            link: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html",
        },
        InstanceTypeInvalid => error("ecs:instance-type-invalid") {
            formerly: ["ecs-instance-type-invalid"],
            title: "the cluster's instance type is not an EC2 instance type",
            explanation: "EC2 instance types are a family and a size separated by a dot: `t3.medium`, `m7i.large`, \
         `m7g.large` (Graviton).",
        },
        RootVolumeSize => error("ecs:root-volume-size") {
            formerly: ["ecs-root-volume-size"],
            title: "the instance root volume size is out of range",
            explanation: "The ECS-optimized Amazon Linux 2023 AMI needs a root volume of at least 30 GiB, and gp3 volumes \
         go up to 16,384 GiB. Use 30 to 16384 in `root_volume_gib`.",
        },
        TargetCapacity => error("ecs:target-capacity") {
            formerly: ["ecs-target-capacity"],
            title: "`target_capacity_percent` is outside 1 to 100",
            explanation: "The capacity provider's target capacity is how full ECS keeps the cluster's instances: 100 \
         means no idle instances, less keeps spare capacity for faster scale-out. ECS accepts 1 to 100.",
        },
    }
}
