//! A service behind an Application Load Balancer: task definition, target
//! group, listener rule, ECS service, alarms and scaling.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::applicationautoscaling::{
    ScalableTarget, ScalingPolicy, StepScaling, StepScalingProps, TargetTrackingOptions,
};
use crate::cloudwatch::{Alarm, PresetAlarmProps};
use crate::core::{ConstructPath, Stack};
use crate::ec2::Peer;
use crate::ecs::{
    Cluster, ContainerHealthCheck, ContainerProps, LoadBalancerTarget, NetworkMode, Service, ServiceProps,
    TaskDefinition, TaskDefinitionProps, DYNAMIC_PORT_FROM, DYNAMIC_PORT_TO,
};
use crate::elbv2::{
    Action, ApplicationLoadBalancer, ListenerRule, ListenerRuleProps, TargetGroup, TargetGroupProps, TargetType,
    MAX_PRIORITY,
};
use crate::error::ValidationError;
use crate::iam::PolicyStatement;

/// Container port when none is given.
pub const DEFAULT_CONTAINER_PORT: u16 = 80;
/// Priority of the catch-all rule (`/*`) of a service without `routing`: the
/// last one evaluated, so every routed service wins over it.
pub const CATCH_ALL_PRIORITY: u32 = MAX_PRIORITY;

/// Props of a [`LoadBalancedService`]: one container behind the load
/// balancer's serving listener. In an app file, one entry under `services:`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancedServiceProps {
    /// The container image, pinned by tag or digest (see [`ContainerProps::image`]).
    pub image: String,
    /// Accept an image without a pinned tag. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unpinned_image: Option<bool>,
    /// The port the container serves HTTP on. Default: [`DEFAULT_CONTAINER_PORT`] (80).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<u16>,
    /// CPU units reserved for the container (1024 = one vCPU). Default: none reserved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    /// Hard memory limit in MiB. Default: 512 when `memory_reservation_mib`
    /// is not given either (see [`ContainerProps::memory_mib`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u32>,
    /// Soft memory reservation in MiB. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reservation_mib: Option<u32>,
    /// Environment variables. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// Secret environment variables: name → SSM parameter or Secrets Manager
    /// ARN (see [`ContainerProps::secrets`]). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, String>,
    /// Overrides the image's `CMD`. Default: the image's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// Overrides the image's `ENTRYPOINT`. Default: the image's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<Vec<String>>,
    /// A Docker health check inside the container (the load balancer's
    /// health check is `target_group.health_check`). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<ContainerHealthCheck>,
    /// Network mode; `awsvpc` gives each task its own security group and
    /// `ip` targets. Default: `bridge` with dynamic host ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<NetworkMode>,
    /// Days to keep the container's logs. Default: 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_retention_days: Option<u32>,
    /// What the application may do in AWS (its task role). Default: nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub task_role_statements: Vec<PolicyStatement>,
    /// Tasks to run; not with `scaling` (see [`ServiceProps::desired_count`]).
    /// Default: 2, or the scaling minimum when `scaling` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_count: Option<u32>,
    /// Default: 100 (see [`ServiceProps::min_healthy_percent`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_healthy_percent: Option<u32>,
    /// Default: 200 (see [`ServiceProps::max_percent`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_percent: Option<u32>,
    /// Seconds to ignore failing load balancer health checks after a task
    /// starts. Default: 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_grace_period_seconds: Option<u32>,
    /// The target group: health check (path, matcher, interval, thresholds),
    /// deregistration delay, stickiness, name. Its target type follows the
    /// network mode. Default: the target group defaults of [`crate::elbv2`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<TargetGroupProps>,
    /// Which requests reach the service: path patterns, host headers,
    /// priority. Default: every request no other rule matches (`/*` at
    /// priority [`CATCH_ALL_PRIORITY`]); only one service per load balancer
    /// may leave `routing` out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<ListenerRuleProps>,
    /// Application Auto Scaling of the task count. Default: no scaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<ServiceScalingProps>,
    /// Thresholds of the service's alarms; every alarm exists, notifying the
    /// app's alarm topic when there is one. Default: the presets' thresholds
    /// (see [`crate::cloudwatch`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarms: Option<ServiceAlarmsProps>,
}

/// Scaling of a service's task count between `min_capacity` and
/// `max_capacity`; instances follow through the cluster's capacity provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceScalingProps {
    /// Fewest tasks.
    pub min_capacity: u32,
    /// Most tasks.
    pub max_capacity: u32,
    /// Target tracking on average CPU, in %. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_target_percent: Option<f64>,
    /// Target tracking on average memory, in %. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_target_percent: Option<f64>,
    /// Target tracking on load balancer requests per task per minute. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_target: Option<f64>,
    /// Alarm-driven step scaling on the service's average CPU. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_steps: Option<StepScalingProps>,
    /// Cooldowns and scale-in of the target tracking policies. Default: see
    /// [`TargetTrackingOptions`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_tracking: Option<TargetTrackingOptions>,
}

/// Thresholds of a service's alarms. Each one left out keeps its preset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAlarmsProps {
    /// Service CPU high. Default: the preset (see [`Alarm::cpu_high`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<PresetAlarmProps>,
    /// Service memory high. Default: the preset (see [`Alarm::memory_high`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<PresetAlarmProps>,
    /// Target 5XX responses. Default: the preset (see [`Alarm::target_5xx`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_5xx: Option<PresetAlarmProps>,
    /// Unhealthy targets. Default: the preset (see [`Alarm::unhealthy_hosts`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_hosts: Option<PresetAlarmProps>,
    /// Target response time. Default: the preset (see [`Alarm::response_time`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_time: Option<PresetAlarmProps>,
}

/// Every child a [`LoadBalancedService`] created, for further adjustment.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancedService {
    /// The construct's path (`<stack>/<name>`).
    pub path: ConstructPath,
    /// The task definition, with its log group and roles.
    pub task_definition: TaskDefinition,
    /// The target group.
    pub target_group: TargetGroup,
    /// The listener rule forwarding to the target group.
    pub listener_rule: ListenerRule,
    /// The ECS service.
    pub service: Service,
    /// The scalable target, when `scaling` is set.
    pub scalable_target: Option<ScalableTarget>,
    /// Target tracking policies, when `scaling` asks for them.
    pub scaling_policies: Vec<ScalingPolicy>,
    /// Step scaling policies and their alarms, when `scaling.cpu_steps` is set.
    pub step_scaling: Option<StepScaling>,
    /// The alarms: CPU, memory, target 5XX, unhealthy hosts, response time.
    pub alarms: Vec<Alarm>,
}

impl LoadBalancedService {
    /// Adds service `name` (letters, digits and hyphens; its PascalCase
    /// prefixes every logical ID) on `cluster` behind `alb`'s serving
    /// listener. Alarms notify `notify` (SNS topic ARNs; may be empty).
    /// Problems are reported at the props' fields.
    pub fn new(
        stack: &mut Stack,
        name: &str,
        props: &LoadBalancedServiceProps,
        cluster: &Cluster,
        alb: &ApplicationLoadBalancer,
        notify: &[Value],
    ) -> LoadBalancedService {
        let path = stack.root().child(name);
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            stack.report(
                ValidationError::new("service-name-invalid", &path, format!("service name `{name}` is invalid"))
                    .help("use letters, digits and hyphens"),
            );
        }
        let mode = props.network_mode.unwrap_or_default();
        let mut port = props.container_port.unwrap_or(DEFAULT_CONTAINER_PORT);
        if port == 0 {
            stack.report(
                ValidationError::new("ecs-container-port", &path, "container port 0 is invalid")
                    .field("container_port")
                    .help("use a port from 1 to 65535"),
            );
            port = DEFAULT_CONTAINER_PORT;
        }

        let container = ContainerProps {
            name: name.to_owned(),
            image: props.image.clone(),
            allow_unpinned_image: props.allow_unpinned_image,
            cpu: props.cpu,
            memory_mib: props.memory_mib,
            memory_reservation_mib: props.memory_reservation_mib,
            ports: vec![port],
            environment: props.environment.clone(),
            secrets: props.secrets.clone(),
            command: props.command.clone(),
            entry_point: props.entry_point.clone(),
            health_check: props.health_check.clone(),
            essential: Some(true),
        };
        let task_props = TaskDefinitionProps {
            containers: vec![container],
            network_mode: props.network_mode,
            cpu: None,
            memory_mib: None,
            log_retention_days: props.log_retention_days,
            task_role_statements: props.task_role_statements.clone(),
        };
        // The container's props are spelled flat in these props; so are its errors.
        let task_definition =
            TaskDefinition::new_located(stack, &path.child("TaskDefinition"), &task_props, &|_| String::new());

        let wanted = match mode {
            NetworkMode::Bridge => TargetType::Instance,
            NetworkMode::Awsvpc => TargetType::Ip,
        };
        let mut tg_props = props.target_group.clone().unwrap_or_default();
        if let Some(t) = tg_props.target_type {
            if t != wanted {
                stack.report(
                    ValidationError::new(
                        "service-target-type-mismatch",
                        &path,
                        format!("target type {t:?} does not match network mode {}", mode.as_cfn()),
                    )
                    .field("target_group.target_type")
                    .help("leave target_type out: it follows the network mode (instance for bridge, ip for awsvpc)"),
                );
            }
        }
        tg_props.target_type = Some(wanted);
        if tg_props.port.is_none() {
            tg_props.port = Some(port);
        }
        let target_group = stack
            .in_field("target_group", |s| TargetGroup::new(s, &path.child("TargetGroup"), &cluster.vpc_id, &tg_props));

        let rule_props = props.routing.clone().unwrap_or_else(|| ListenerRuleProps {
            priority: Some(CATCH_ALL_PRIORITY),
            path_patterns: Some(vec!["/*".into()]),
            ..Default::default()
        });
        let listener_rule = stack.in_field("routing", |s| {
            ListenerRule::new(
                s,
                &path.child("ListenerRule"),
                alb.listener(),
                &rule_props,
                &Action::Forward(target_group.arn.clone()),
            )
        });

        // Instances (bridge) or tasks (awsvpc) admit the load balancer only.
        let alb_peer = Peer::SecurityGroup(alb.security_group.group_id.clone());
        if mode == NetworkMode::Bridge {
            let sg = &cluster.instance_security_group;
            let rule_id = sg.path.child("FromLoadBalancer").logical_id();
            if !stack.template.resources.contains_key(&rule_id) {
                sg.allow_tcp(
                    stack,
                    "FromLoadBalancer",
                    &alb_peer,
                    DYNAMIC_PORT_FROM,
                    DYNAMIC_PORT_TO,
                    "Load balancer to the dynamic host ports of ECS tasks",
                );
            }
        }

        let scaled = props.scaling.is_some();
        let service_props = ServiceProps {
            desired_count: props.desired_count,
            min_healthy_percent: props.min_healthy_percent,
            max_percent: props.max_percent,
            health_check_grace_period_seconds: props.health_check_grace_period_seconds,
            circuit_breaker_rollback: None,
            enable_execute_command: None,
            scaled: Some(scaled),
        };
        let mut depends_on = vec![listener_rule.logical_id.clone()];
        depends_on.extend(alb.listener_ids());
        let service = Service::new(
            stack,
            &path.child("Service"),
            &service_props,
            cluster,
            &task_definition,
            &[LoadBalancerTarget {
                container_name: name.to_owned(),
                container_port: port,
                target_group_arn: target_group.arn.clone(),
                depends_on,
            }],
        );
        if let Some(sg) = &service.security_group {
            sg.allow_tcp(stack, "FromLoadBalancer", &alb_peer, port, port, "Load balancer to the container port");
        }

        let mut scalable_target = None;
        let mut scaling_policies = Vec::new();
        let mut step_scaling = None;
        if let Some(scaling) = &props.scaling {
            stack.in_field("scaling", |s| {
                let target = ScalableTarget::for_ecs_service(
                    s,
                    &path.child("Scaling"),
                    &service.cluster_name,
                    &service.name,
                    scaling.min_capacity,
                    scaling.max_capacity,
                );
                let opts = scaling.target_tracking.clone().unwrap_or_default();
                if let Some(t) = scaling.cpu_target_percent {
                    scaling_policies.push(s.in_field("cpu_target_percent", |s| target.scale_on_cpu(s, t, &opts)));
                }
                if let Some(t) = scaling.memory_target_percent {
                    scaling_policies.push(s.in_field("memory_target_percent", |s| target.scale_on_memory(s, t, &opts)));
                }
                if let Some(r) = scaling.requests_per_target {
                    scaling_policies.push(s.in_field("requests_per_target", |s| {
                        target.scale_on_request_count(s, r, alb, &target_group, &opts)
                    }));
                }
                if let Some(steps) = &scaling.cpu_steps {
                    step_scaling =
                        Some(s.in_field("cpu_steps", |s| target.step_scaling(s, "Cpu", &service.metric_cpu(), steps)));
                }
                scalable_target = Some(target);
            });
        }

        let a = props.alarms.clone().unwrap_or_default();
        let d = PresetAlarmProps::default();
        let alarms = stack.in_field("alarms", |s| {
            vec![
                s.in_field("cpu", |s| {
                    Alarm::cpu_high(
                        s,
                        &path.child("CpuAlarm"),
                        &service.metric_cpu(),
                        a.cpu.as_ref().unwrap_or(&d),
                        notify,
                    )
                }),
                s.in_field("memory", |s| {
                    Alarm::memory_high(
                        s,
                        &path.child("MemoryAlarm"),
                        &service.metric_memory(),
                        a.memory.as_ref().unwrap_or(&d),
                        notify,
                    )
                }),
                s.in_field("target_5xx", |s| {
                    Alarm::target_5xx(
                        s,
                        &path.child("Target5xxAlarm"),
                        &target_group.metric_target_5xx(alb),
                        a.target_5xx.as_ref().unwrap_or(&d),
                        notify,
                    )
                }),
                s.in_field("unhealthy_hosts", |s| {
                    Alarm::unhealthy_hosts(
                        s,
                        &path.child("UnhealthyHostsAlarm"),
                        &target_group.metric_unhealthy_hosts(alb),
                        a.unhealthy_hosts.as_ref().unwrap_or(&d),
                        notify,
                    )
                }),
                s.in_field("response_time", |s| {
                    Alarm::response_time(
                        s,
                        &path.child("ResponseTimeAlarm"),
                        &target_group.metric_target_response_time(alb),
                        a.response_time.as_ref().unwrap_or(&d),
                        notify,
                    )
                }),
            ]
        });

        LoadBalancedService {
            path,
            task_definition,
            target_group,
            listener_rule,
            service,
            scalable_target,
            scaling_policies,
            step_scaling,
            alarms,
        }
    }
}
