//! ECS services on a cluster's EC2 capacity.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::cluster::Cluster;
use super::task_definition::{NetworkMode, TaskDefinition};
use crate::cfn::{Intrinsic, Resource};
use crate::cloudwatch::Metric;
use crate::core::{ConstructPath, Stack};
use crate::ec2::{Connections, Port, SecurityGroup, SecurityGroupProps};
use crate::error::ValidationError;

/// Tasks at creation when no desired count is given and nothing scales the service.
pub const DEFAULT_DESIRED_COUNT: u32 = 2;
/// Share of the desired tasks that stays running during a deployment: 100 %,
/// so a deployment never lowers capacity (new tasks start before old ones
/// stop; the capacity provider adds instances when they do not fit).
pub const DEFAULT_MIN_HEALTHY_PERCENT: u32 = 100;
/// Most tasks during a deployment, as a share of the desired count.
pub const DEFAULT_MAX_PERCENT: u32 = 200;
/// Seconds the scheduler ignores load balancer health checks after a task
/// starts, when the service is load-balanced.
pub const DEFAULT_HEALTH_CHECK_GRACE_SECONDS: u32 = 60;

/// Props of a [`Service`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceProps {
    /// Tasks to run. Leave it out when the service scales: CloudFormation
    /// would reset the scaled count to this value on every update. Default:
    /// [`DEFAULT_DESIRED_COUNT`] (2) at creation, unless `scaled` is set,
    /// then not set (ECS starts 1 task and scaling raises it to its minimum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_count: Option<u32>,
    /// Lower bound of running tasks during a deployment, in % of the desired
    /// count, 0 to 100. Default: [`DEFAULT_MIN_HEALTHY_PERCENT`] (100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_healthy_percent: Option<u32>,
    /// Upper bound of tasks during a deployment, in % of the desired count,
    /// 100 to 200, above `min_healthy_percent`. Default: [`DEFAULT_MAX_PERCENT`] (200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_percent: Option<u32>,
    /// Seconds to ignore load balancer health checks after a task starts, 0
    /// to 2147483647; only for load-balanced services. Default:
    /// [`DEFAULT_HEALTH_CHECK_GRACE_SECONDS`] (60) when load-balanced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_grace_period_seconds: Option<u32>,
    /// Roll back a deployment that cannot reach a steady state (the
    /// deployment circuit breaker is always on). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker_rollback: Option<bool>,
    /// Allow `aws ecs execute-command` into the tasks (needs SSM permissions on
    /// the task role). Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_execute_command: Option<bool>,
    /// Whether Application Auto Scaling manages the desired count (see
    /// `desired_count`). Set by the load-balanced service pattern. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaled: Option<bool>,
    /// Whether the tasks' own security group lets them open connections
    /// anywhere. `false` lets them out only where a rule allows it:
    /// [`crate::ec2::Connections::allow_to`] from [`Service::connections`]
    /// adds one per path. Only in `awsvpc` network mode: in `bridge` mode
    /// the tasks share the cluster instances' group, whose egress the ECS
    /// agent needs (reported: `ecs:egress-needs-awsvpc`). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_all_outbound: Option<bool>,
}

/// Registration of one container port of a service with a target group. The
/// service is created after `depends_on` (the listener rules forwarding to
/// the target group: ECS refuses a target group no load balancer uses).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancerTarget {
    /// The container receiving the traffic.
    pub container_name: String,
    /// The container port receiving the traffic.
    pub container_port: u16,
    /// The target group's ARN.
    pub target_group_arn: Value,
    /// Logical IDs of the listener / listener rules forwarding to the target group.
    pub depends_on: Vec<String>,
}

/// An ECS service (`AWS::ECS::Service`) running on its cluster's capacity
/// provider, spread across availability zones, then packed by memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The construct's path.
    pub path: ConstructPath,
    /// The service's logical ID.
    pub logical_id: String,
    /// The service ARN (`Ref`).
    pub arn: Value,
    /// The service name (`Fn::GetAtt Name`).
    pub name: Value,
    /// The cluster's name (`Ref`).
    pub cluster_name: Value,
    /// The tasks' security group, in `awsvpc` network mode only. Allow the
    /// load balancer in with [`Service::connections`].
    pub security_group: Option<SecurityGroup>,
}

impl Service {
    /// Adds a service at `path` running `task_definition` on `cluster`,
    /// registered with `load_balancers`. Invalid props are reported (fields
    /// relative to these props).
    pub fn new(
        stack: &mut Stack,
        path: &ConstructPath,
        cluster: &Cluster,
        task_definition: &TaskDefinition,
        load_balancers: &[LoadBalancerTarget],
        props: &ServiceProps,
    ) -> Service {
        let min = props.min_healthy_percent.unwrap_or(DEFAULT_MIN_HEALTHY_PERCENT);
        let max = props.max_percent.unwrap_or(DEFAULT_MAX_PERCENT);
        let mut err = |code: Code, field: &str, message: String, help: &str| {
            stack.report(ValidationError::new(code, path, message).field(field).help(help));
        };
        if min > 100 {
            err(
                Code::DeploymentPercent,
                "min_healthy_percent",
                format!("min_healthy_percent {min} is above 100"),
                "use 0 to 100",
            );
        }
        if !(100..=200).contains(&max) || max <= min {
            err(
                Code::DeploymentPercent,
                "max_percent",
                format!("max_percent {max} must be 100 to 200 and above min_healthy_percent {min}"),
                "the defaults 100 / 200 replace tasks without lowering capacity",
            );
        }
        if props.health_check_grace_period_seconds.is_some() && load_balancers.is_empty() {
            err(
                Code::GracePeriodWithoutLb,
                "health_check_grace_period_seconds",
                "a health check grace period applies only to a load-balanced service".into(),
                "remove health_check_grace_period_seconds or register the service with a target group",
            );
        }
        if props.scaled.unwrap_or(false) && props.desired_count.is_some() {
            err(
                Code::DesiredCountScaled,
                "desired_count",
                "desired_count is set on a service that scales: every deploy would reset the scaled count".into(),
                "remove desired_count; the scaling minimum sets the floor",
            );
        }
        for target in load_balancers {
            let known = task_definition
                .containers
                .iter()
                .any(|c| c.name == target.container_name && c.ports.contains(&target.container_port));
            if !known {
                err(
                    Code::LbContainerUnknown,
                    "",
                    format!(
                        "the load balancer targets container `{}` port {}, which the task definition does not expose",
                        target.container_name, target.container_port
                    ),
                    "add the port to the container's `ports`",
                );
            }
        }

        let awsvpc = task_definition.network_mode == NetworkMode::Awsvpc;
        if props.allow_all_outbound == Some(false) && !awsvpc {
            err(
                Code::EgressNeedsAwsvpc,
                "allow_all_outbound",
                format!(
                    "`allow_all_outbound: false` restricts the tasks' own security group, and in {} network mode they \
                     have none: they share the cluster instances' group",
                    task_definition.network_mode.as_cfn()
                ),
                "give the task definition `network_mode: awsvpc`, or leave `allow_all_outbound` out",
            );
        }
        let security_group = awsvpc.then(|| {
            SecurityGroup::new(
                stack,
                &path.child("SecurityGroup"),
                &cluster.vpc_id,
                &SecurityGroupProps {
                    allow_all_outbound: props.allow_all_outbound,
                    ..SecurityGroupProps::described(format!("Tasks of {path}"))
                },
            )
        });

        let desired = match (props.desired_count, props.scaled.unwrap_or(false)) {
            (Some(d), _) => Some(d),
            (None, false) => Some(DEFAULT_DESIRED_COUNT),
            (None, true) => None,
        };
        let mut resource = Resource::new("AWS::ECS::Service")
            .prop("Cluster", cluster.name.clone())
            .prop("TaskDefinition", task_definition.arn.clone())
            .prop_opt("DesiredCount", desired)
            .prop("CapacityProviderStrategy", cluster.capacity_provider_strategy())
            .prop(
                "DeploymentConfiguration",
                json!({
                    "MinimumHealthyPercent": min,
                    "MaximumPercent": max,
                    "DeploymentCircuitBreaker": {
                        "Enable": true,
                        "Rollback": props.circuit_breaker_rollback.unwrap_or(true),
                    },
                }),
            )
            .prop(
                "PlacementStrategies",
                json!([
                    {"Type": "spread", "Field": "attribute:ecs.availability-zone"},
                    {"Type": "binpack", "Field": "memory"},
                ]),
            )
            .prop("PropagateTags", "SERVICE")
            .prop("EnableECSManagedTags", true)
            .prop("EnableExecuteCommand", props.enable_execute_command.unwrap_or(false))
            .depends_on(&cluster.capacity_provider_association_id);
        if let Some(sg) = &security_group {
            resource = resource.prop(
                "NetworkConfiguration",
                json!({"AwsvpcConfiguration": {
                    "AssignPublicIp": "DISABLED",
                    "SecurityGroups": [sg.group_id],
                    "Subnets": cluster.subnet_ids,
                }}),
            );
        }
        if !load_balancers.is_empty() {
            let lbs: Vec<Value> = load_balancers
                .iter()
                .map(|t| {
                    json!({
                        "ContainerName": t.container_name,
                        "ContainerPort": t.container_port,
                        "TargetGroupArn": t.target_group_arn,
                    })
                })
                .collect();
            resource = resource.prop("LoadBalancers", Value::Array(lbs)).prop(
                "HealthCheckGracePeriodSeconds",
                props.health_check_grace_period_seconds.unwrap_or(DEFAULT_HEALTH_CHECK_GRACE_SECONDS),
            );
            for t in load_balancers {
                for id in &t.depends_on {
                    resource = resource.depends_on(id);
                }
            }
        }
        let logical_id = stack.add_resource(path, resource);
        Service {
            path: path.clone(),
            arn: Intrinsic::ref_(&logical_id),
            name: Intrinsic::get_att(&logical_id, "Name"),
            logical_id,
            cluster_name: cluster.name.clone(),
            security_group,
        }
    }

    /// The tasks' connections, in `awsvpc` network mode (`None` in bridge
    /// mode: the tasks share the cluster's instances' group, see
    /// [`crate::ec2::Connectable`] for [`super::Cluster`]). Named by the
    /// service's logical ID in peers' rules, receiving traffic on `port`.
    pub fn connections(&self, port: u16) -> Option<Connections> {
        self.security_group.as_ref().map(|sg| Connections::new(&self.logical_id, sg, Some(Port::tcp(port))))
    }

    /// The service's average CPU utilization (% of the reserved CPU), per minute.
    pub fn metric_cpu(&self) -> Metric {
        Metric::new("AWS/ECS", "CPUUtilization", self.dimensions())
    }

    /// The service's average memory utilization (% of the reserved memory), per minute.
    pub fn metric_memory(&self) -> Metric {
        Metric::new("AWS/ECS", "MemoryUtilization", self.dimensions())
    }

    fn dimensions(&self) -> Vec<(String, Value)> {
        vec![("ClusterName".into(), self.cluster_name.clone()), ("ServiceName".into(), self.name.clone())]
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        DeploymentPercent => error("ecs:deployment-percent") {
            formerly: ["ecs-deployment-percent"],
            title: "the deployment percentages are out of range",
            explanation: "During a deployment ECS keeps at least `min_healthy_percent` (0 to 100) and at most \
         `max_percent` (100 to 200, above the minimum) of the desired task count running. Outside those \
         ranges a deployment could not make progress or would drop all capacity.\n\n\
         ```yaml\nmin_healthy_percent: 100\nmax_percent: 200\n```",
        },
        DesiredCountScaled => error("ecs:desired-count-scaled") {
            formerly: ["ecs-desired-count-scaled"],
            title: "`desired_count` is set on a service that scales",
            explanation: "When Application Auto Scaling manages a service's task count, a fixed `DesiredCount` in the \
         template would reset the scaled count on every deploy. Remove `desired_count`; the scaling \
         minimum sets the floor.",
        },
        GracePeriodWithoutLb => error("ecs:grace-period-without-lb") {
            formerly: ["ecs-grace-period-without-lb"],
            title: "a health check grace period is set on a service without a load balancer",
            explanation: "`health_check_grace_period_seconds` tells ECS how long to ignore failing load balancer health \
         checks of new tasks; ECS rejects it on a service that has no load balancer. Remove it, or \
         register the service with a target group.",
        },
        EgressNeedsAwsvpc => error("ecs:egress-needs-awsvpc") {
            title: "a service's egress is restricted in `bridge` network mode",
            explanation: "Restricting a service's outbound traffic (`egress: connected` on a service of an app file, \
         `allow_all_outbound: false` on an ECS service in Rust) closes the tasks' own security group \
         except for what the service is connected to. Only tasks in `awsvpc` network mode have a \
         security group of their own, on the network interface ECS attaches to each task. In `bridge` \
         (and `host`) mode the containers share the network of the instance they run on and its \
         security group, the cluster's: restricting it would cut the ECS agent on the instance off \
         from ECS, ECR and CloudWatch Logs, and every other service on the cluster with it. Set \
         `network_mode: awsvpc` on the service (each task then takes one of the instance's network \
         interfaces: see the instance type's limit), or leave egress open.",
            help: "set `network_mode: awsvpc` on the service, or leave `egress` out",
            link: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html",
        },
        LbContainerUnknown => error("ecs:lb-container-unknown") {
            formerly: ["ecs-lb-container-unknown"],
            title: "the load balancer targets a container port the task does not expose",
            explanation: "A service registers `container_name:container_port` with its target group; ECS rejects the \
         service when the task definition has no such container port. Add the port to the container's \
         `ports`.",
        },
    }
}
