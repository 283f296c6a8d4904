//! A service behind an Application Load Balancer: task definition, target
//! group, listener rule, ECS service, alarms and scaling.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::applicationautoscaling::{
    ScalableTarget, ScalingPolicy, StepScaling, StepScalingProps, TargetTrackingOptions,
};
use crate::cloudwatch::{Alarm, PresetAlarmProps};
use crate::core::{ConstructPath, FieldPath, Stack};
use crate::ec2::{Connectable, Connections};
use crate::ecs::{
    Cluster, ContainerHealthCheck, ContainerImage, ContainerProps, LoadBalancerTarget, NetworkMode, Service,
    ServiceProps, TaskDefinition, TaskDefinitionProps,
};
use crate::elbv2::{
    Action, ApplicationLoadBalancer, ListenerRule, ListenerRuleProps, TargetGroup, TargetGroupProps, TargetType,
    MAX_PRIORITY,
};
use crate::error::ValidationError;
use crate::iam::PolicyStatement;
use crate::rds::Database;

use super::canary::{weighted_targets, Canary, CanaryProps, DEFAULT_CANARY_DESIRED_COUNT, DEFAULT_CANARY_PERCENT};

/// Container port when none is given.
pub const DEFAULT_CONTAINER_PORT: u16 = 80;
/// Priority of the catch-all rule (`/*`) of a service without `routing`: the
/// last one evaluated, so every routed service wins over it.
pub const CATCH_ALL_PRIORITY: u32 = MAX_PRIORITY;

/// Props of a [`LoadBalancedService`]: one container behind the load
/// balancer's serving listener. In an app file, one entry under `services:`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancedServiceProps {
    /// The container image: a reference pinned by tag or digest, or a tag of
    /// one of the stack's ECR repositories, `{repository: <name>, tag: <tag>}`
    /// (see [`ContainerProps::image`]).
    pub image: ContainerImage,
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
    /// Environment variables; `AWS_REGION` and `AWS_DEFAULT_REGION` are set
    /// to the stack's region unless either is given here. Default: none
    /// besides those.
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
    /// Delete the container's log group (and the canary's) when the service
    /// leaves the stack or the stack is deleted. Default: false, retained
    /// (see [`crate::logs::LogGroupProps::delete_on_removal`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_logs_on_removal: Option<bool>,
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
    /// A canary version of the service with its own image, task definition,
    /// target group and ECS service, receiving a share of the traffic set by
    /// the `<Service>CanaryPercent` parameter (see [`super::canary`]). The
    /// canary's task count is fixed, also when the stable version scales.
    /// Default: no canary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryProps>,
    /// Connect to the stack's `database`: `DB_HOST`, `DB_PORT`, `DB_NAME` in
    /// the environment, the credentials as `database_credentials` says, and
    /// the database admitting the service's tasks on its port. Needs a
    /// `database` on the stack. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<bool>,
    /// How a service with `database: true` gets the master user's
    /// credentials, which RDS keeps in a secret and rotates every seven days.
    /// `env`: `DB_USERNAME` and `DB_PASSWORD` injected by ECS when a task
    /// starts — after a rotation, tasks started before it cannot open new
    /// connections until they are replaced (warning
    /// `rds:master-credentials-in-service` unless written). `secret_arn`:
    /// `DB_SECRET_ARN` in the environment and the task role allowed to read
    /// the secret; the app reads it when it connects. Only with
    /// `database: true`. Default: `env` (with the warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_credentials: Option<DatabaseCredentials>,
    /// Access to the stack's `tables` and `buckets` by name, e.g.
    /// `{tables: {todos: read_write}, buckets: {files: read}}`: least-privilege
    /// statements on the service's task role (and its canary's), and each
    /// store's generated name in the container's environment as
    /// `<NAME>_TABLE` / `<NAME>_BUCKET`. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<crate::iam::ServiceGrants>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
}

/// How a service connected to the stack's database gets the credentials of
/// its master user (see [`LoadBalancedServiceProps::database_credentials`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseCredentials {
    /// `DB_USERNAME` and `DB_PASSWORD` injected from the managed secret by
    /// ECS when a task starts; the execution role reads the secret.
    #[default]
    Env,
    /// `DB_SECRET_ARN` in the environment; the application reads the secret
    /// when it connects, with the task role.
    SecretArn,
}

/// Scaling of a service's task count between `min_capacity` and
/// `max_capacity`; instances follow through the cluster's capacity provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The canary, when `canary` is set and enabled.
    pub canary: Option<Canary>,
}

/// What a [`LoadBalancedService`] is built on: the handles it takes and
/// wires itself to.
#[derive(Debug, Clone, Copy)]
pub struct ServiceContext<'a> {
    /// The cluster the service runs on.
    pub cluster: &'a Cluster,
    /// The load balancer whose serving listener routes to the service.
    pub load_balancer: &'a ApplicationLoadBalancer,
    /// SNS topic ARNs every alarm of the service notifies. Default: none
    /// (the alarms exist and notify nobody).
    pub alarm_topics: &'a [Value],
    /// The stack's database, for a service whose props set
    /// `database: true`: the connection's environment and secrets are added
    /// to the stable and canary containers, the execution roles may read the
    /// secret, and the database admits the cluster's instances (bridge) or
    /// the service's tasks (awsvpc). Default: none.
    pub database: Option<&'a Database>,
}

impl<'a> ServiceContext<'a> {
    /// A service on `cluster` behind `load_balancer`, with no alarm topics
    /// and no database.
    pub fn new(cluster: &'a Cluster, load_balancer: &'a ApplicationLoadBalancer) -> Self {
        ServiceContext { cluster, load_balancer, alarm_topics: &[], database: None }
    }
}

impl LoadBalancedService {
    /// Adds a service at `path` on `on.cluster` behind `on.load_balancer`'s
    /// serving listener. The path's last segment is the service's name
    /// (letters, digits and hyphens; its PascalCase prefixes every logical
    /// ID). Problems are reported at the props' fields.
    pub fn new(
        stack: &mut Stack,
        path: &ConstructPath,
        on: &ServiceContext<'_>,
        props: &LoadBalancedServiceProps,
    ) -> LoadBalancedService {
        stack.suppress_all(path, &props.suppress);
        let (cluster, alb, notify, database) = (on.cluster, on.load_balancer, on.alarm_topics, on.database);
        let name = path.id().to_owned();
        let path = path.clone();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            stack.report(
                ValidationError::new("service:name-invalid", &path, format!("service name `{name}` is invalid"))
                    .help("use letters, digits and hyphens"),
            );
        }
        let mode = props.network_mode.unwrap_or_default();
        let mut port = props.container_port.unwrap_or(DEFAULT_CONTAINER_PORT);
        if port == 0 {
            stack.report(
                ValidationError::new("ecs:container-port", &path, "container port 0 is invalid")
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
            delete_logs_on_removal: props.delete_logs_on_removal,
            task_role_statements: props.task_role_statements.clone(),
        };
        // The container's props are spelled flat in these props; so are its errors.
        crate::iam::validate_statements(stack, &path, &props.task_role_statements, "task_role_statements");
        let task_definition =
            TaskDefinition::new_located(stack, &path.child("TaskDefinition"), &task_props, &|_| String::new());
        let database = connect_database(stack, &path, props, database);
        let credentials = props.database_credentials.unwrap_or_default();
        if let Some(db) = database {
            add_connection(stack, &task_definition, db, credentials);
            if props.database_credentials == Some(DatabaseCredentials::Env) {
                stack.acknowledge(
                    &path,
                    crate::analysis::codes::MASTER_CREDENTIALS_IN_SERVICE,
                    "`database_credentials: env` is written in the app: replace the tasks after each rotation \
                     (`aws ecs update-service --force-new-deployment`)",
                );
            }
        }
        let canary_props = props.canary.as_ref().filter(|c| c.is_enabled());
        let canary_task_definition = canary_props.map(|c| {
            validate_canary(stack, &path, props, c);
            let mut canary_task = task_props.clone();
            canary_task.containers[0].image = c.image.clone();
            canary_task.containers[0].allow_unpinned_image = c.allow_unpinned_image;
            let td = stack.in_field("canary", |s| {
                TaskDefinition::new_located(s, &path.child("CanaryTaskDefinition"), &canary_task, &|_| String::new())
            });
            if let Some(db) = database {
                add_connection(stack, &td, db, credentials);
            }
            td
        });

        let wanted = match mode {
            NetworkMode::Bridge => TargetType::Instance,
            NetworkMode::Awsvpc => TargetType::Ip,
        };
        let mut tg_props = props.target_group.clone().unwrap_or_default();
        if let Some(t) = tg_props.target_type {
            if t != wanted {
                stack.report(
                    ValidationError::new(
                        "service:target-type-mismatch",
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
        let canary_target_group = canary_task_definition.as_ref().map(|_| {
            // A fixed name would collide with the stable group's; CloudFormation names this one.
            let canary_tg = TargetGroupProps { name: None, ..tg_props.clone() };
            stack.in_field("target_group", |s| {
                TargetGroup::new(s, &path.child("CanaryTargetGroup"), &cluster.vpc_id, &canary_tg)
            })
        });
        let mut percent_parameter = None;
        let action = match (&canary_target_group, canary_props) {
            (Some(canary_tg), Some(c)) => {
                let (parameter, targets) = weighted_targets(
                    stack,
                    &path,
                    c.percent.unwrap_or(DEFAULT_CANARY_PERCENT),
                    &target_group.arn,
                    &canary_tg.arn,
                );
                percent_parameter = Some(parameter);
                Action::WeightedForward(targets)
            }
            _ => Action::Forward(target_group.arn.clone()),
        };

        let rule_props = props.routing.clone().unwrap_or_else(|| ListenerRuleProps {
            priority: Some(CATCH_ALL_PRIORITY),
            path_patterns: Some(vec!["/*".into()]),
            ..Default::default()
        });
        let listener_rule = stack.in_field("routing", |s| {
            ListenerRule::new(s, &path.child("ListenerRule"), alb.listener(), &action, &rule_props)
        });

        // Instances (bridge) or tasks (awsvpc) admit the load balancer only.
        if mode == NetworkMode::Bridge {
            alb.connections().allow_to_default_port(
                stack,
                cluster,
                "Load balancer to the dynamic host ports of ECS tasks",
            );
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
            cluster,
            &task_definition,
            &[LoadBalancerTarget {
                container_name: name.to_owned(),
                container_port: port,
                target_group_arn: target_group.arn.clone(),
                depends_on,
            }],
            &service_props,
        );
        if let Some(tasks) = service.connections(port) {
            alb.connections().allow_to_default_port(stack, &tasks, "Load balancer to the container port");
        }
        let canary_service = match (&canary_task_definition, &canary_target_group, canary_props) {
            (Some(td), Some(tg), Some(c)) => {
                let canary_service_props = ServiceProps {
                    desired_count: Some(c.desired_count.unwrap_or(DEFAULT_CANARY_DESIRED_COUNT)),
                    scaled: Some(false),
                    ..service_props.clone()
                };
                let mut depends_on = vec![listener_rule.logical_id.clone()];
                depends_on.extend(alb.listener_ids());
                let canary = stack.in_field("canary", |s| {
                    Service::new(
                        s,
                        &path.child("CanaryService"),
                        cluster,
                        td,
                        &[LoadBalancerTarget {
                            container_name: name.to_owned(),
                            container_port: port,
                            target_group_arn: tg.arn.clone(),
                            depends_on,
                        }],
                        &canary_service_props,
                    )
                });
                if let Some(tasks) = canary.connections(port) {
                    alb.connections().allow_to_default_port(stack, &tasks, "Load balancer to the container port");
                }
                Some(canary)
            }
            _ => None,
        };
        if let Some(db) = database {
            // The database admits whoever runs the tasks: their own groups
            // (awsvpc), else the cluster's instances (bridge).
            let clients = format!("{} clients", db.engine.as_str());
            let tasks: Vec<Connections> = [Some(&service), canary_service.as_ref()]
                .into_iter()
                .flatten()
                .filter_map(|s| s.connections(port))
                .collect();
            if tasks.is_empty() {
                cluster.connections().allow_to_default_port(stack, db, &clients);
            }
            for t in &tasks {
                t.allow_to_default_port(stack, db, &clients);
            }
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

        let canary = match (canary_task_definition, canary_target_group, canary_service, percent_parameter) {
            (Some(task_definition), Some(target_group), Some(service), Some(percent_parameter)) => {
                let alarm_5xx = stack.in_field("alarms.target_5xx", |s| {
                    Alarm::target_5xx(
                        s,
                        &path.child("CanaryTarget5xxAlarm"),
                        &target_group.metric_target_5xx(alb),
                        a.target_5xx.as_ref().unwrap_or(&d),
                        notify,
                    )
                });
                Some(Canary { task_definition, target_group, service, percent_parameter, alarm_5xx })
            }
            _ => None,
        };

        LoadBalancedService {
            canary,
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

/// The database the service connects to, reporting a service that asks for
/// one when the stack has none.
fn connect_database<'a>(
    stack: &mut Stack,
    path: &ConstructPath,
    props: &LoadBalancedServiceProps,
    database: Option<&'a Database>,
) -> Option<&'a Database> {
    if !props.database.unwrap_or(false) {
        if props.database_credentials.is_some() {
            stack.report(
                ValidationError::new(
                    "service:database-credentials-without-database",
                    path,
                    "`database_credentials` says how the service gets the database's credentials, and the service does \
                     not connect to it",
                )
                .field("database_credentials")
                .help("add `database: true`, or remove `database_credentials`"),
            );
        }
        return None;
    }
    if database.is_none() {
        stack.report(
            ValidationError::new(
                "service:database-missing",
                path,
                "`database: true` connects the service to the stack's database, and the stack has none",
            )
            .field("database")
            .help(
                "add a `database:` block to the stack (e.g. `database: {engine: postgres}`), or drop `database: true`",
            ),
        );
        return None;
    }
    let keys: &[&str] = match props.database_credentials.unwrap_or_default() {
        DatabaseCredentials::Env => &["DB_HOST", "DB_PORT", "DB_NAME", "DB_USERNAME", "DB_PASSWORD"],
        DatabaseCredentials::SecretArn => &["DB_HOST", "DB_PORT", "DB_NAME", "DB_SECRET_ARN"],
    };
    for &key in keys {
        let field = if props.environment.contains_key(key) {
            Some("environment")
        } else if props.secrets.contains_key(key) {
            Some("secrets")
        } else {
            None
        };
        if let Some(field) = field {
            stack.report(
                ValidationError::new(
                    "service:database-variable-conflict",
                    path,
                    format!("`{key}` is set by `database: true` and given in `{field}` too"),
                )
                .field(FieldPath::root().key(field).key(key))
                .help(format!("remove `{key}` from `{field}`; the database connection provides it")),
            );
        }
    }
    database
}

/// Adds the database's connection to the task definition's first container:
/// with `env` credentials, ECS injects them and the execution role reads the
/// secret; with `secret_arn`, the task role may read the secret.
fn add_connection(
    stack: &mut Stack,
    task_definition: &TaskDefinition,
    database: &Database,
    credentials: DatabaseCredentials,
) {
    let connection = match credentials {
        DatabaseCredentials::Env => database.connection(),
        DatabaseCredentials::SecretArn => database.connection_by_secret_arn(),
    };
    if let Some(container) = task_definition.default_container().map(|c| c.name.clone()) {
        for (name, value) in connection.environment {
            task_definition.add_environment(stack, &container, &name, value);
        }
        for (name, value_from) in connection.secrets {
            task_definition.add_secret(stack, &container, &name, value_from);
        }
    }
    match credentials {
        DatabaseCredentials::Env => {
            task_definition.execution_role.add_statement(stack, &database.secret_read_statement())
        }
        DatabaseCredentials::SecretArn => {
            task_definition.task_role.add_statement(stack, &database.secret_app_read_statement())
        }
    }
}

/// What the canary's props cannot be.
fn validate_canary(stack: &mut Stack, path: &ConstructPath, props: &LoadBalancedServiceProps, canary: &CanaryProps) {
    if let Some(p) = canary.percent.filter(|p| *p > 100) {
        stack.report(
            ValidationError::new(
                "service:canary-percent-invalid",
                path,
                format!("a canary share of {p}% is not a percentage"),
            )
            .field("canary.percent")
            .help("use 0 to 100; 0 keeps the canary without traffic, `enabled: false` removes it"),
        );
    }
    if canary.image == props.image {
        stack.report(
            ValidationError::new(
                "service:canary-image-unchanged",
                path,
                format!(
                    "the canary runs the stable image `{}`, so it tests nothing and doubles the tasks",
                    props.image
                ),
            )
            .field("canary.image")
            .help("give the canary the new version's image, or set `canary.enabled: false` once the rollout is done"),
        );
    }
    if canary.desired_count == Some(0) {
        stack.report(
            ValidationError::new(
                "service:canary-desired-count-zero",
                path,
                "the canary runs no task, so its share of the requests would fail with 503",
            )
            .field("canary.desired_count")
            .help("run at least one task, or set `canary.enabled: false`"),
        );
    }
}
