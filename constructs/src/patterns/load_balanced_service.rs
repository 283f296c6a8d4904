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
use crate::ec2::{Connectable, Connections, Peer, Port};
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

/// HTTPS, the port of the AWS APIs.
const HTTPS_PORT: u16 = 443;
/// Every IPv4 address.
const ANYWHERE: &str = "0.0.0.0/0";

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
    /// Days to keep the container's logs. Default: 365
    /// ([`crate::logs::DEFAULT_RETENTION_DAYS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_retention_days: Option<u32>,
    /// Delete the container's log group (and the canary's) when the service
    /// leaves the stack or the stack is deleted. Default: false, retained
    /// (see [`crate::logs::LogGroupProps::delete_on_removal`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_logs_on_removal: Option<bool>,
    /// Encrypt the container's log group with the stack's log key (see
    /// [`crate::logs::LogGroupProps::encrypted`]). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypt_logs: Option<bool>,
    /// The user the container runs as (see [`ContainerProps::user`]).
    /// Default: [`crate::ecs::DEFAULT_USER`] (`1000:1000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Mount the container's root filesystem read-only (see
    /// [`ContainerProps::read_only_root_filesystem`]). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_root_filesystem: Option<bool>,
    /// Directories the container may write to under a read-only root
    /// filesystem: absolute, not `/`, no `..`, none twice or inside another.
    /// Each starts as a copy of the image's directory, owner and mode
    /// included, so it is writable by `user` only where the image makes it
    /// so (see [`ContainerProps::writable_paths`]). Default: `/tmp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writable_paths: Option<Vec<String>>,
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
    /// Where the tasks may open connections. `all`: anywhere (the EC2
    /// default). `connected`: only to what the service is connected to — the
    /// database on its port (`database: true`), and HTTPS (TCP 443) to any
    /// address when the application calls AWS APIs (`grants`,
    /// `task_role_statements`, `database_credentials: secret_arn`), since
    /// AWS service endpoints have no fixed addresses (a VPC interface
    /// endpoint is reached the same way); nothing else, so a compromised
    /// container cannot reach the internet or other hosts of the VPC. ECS
    /// pulls images, injects `secrets` and ships awslogs through the agent
    /// on the instance, not the task's network interface, and security
    /// groups do not filter the Amazon DNS server or the task metadata and
    /// credentials endpoint (169.254.170.2), so those keep working
    /// (<https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>).
    /// Needs `network_mode: awsvpc` (in
    /// `bridge` mode the tasks share the cluster instances' group:
    /// `ecs:egress-needs-awsvpc`). Default: `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Egress>,
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

/// Where a service's tasks may open connections (see
/// [`LoadBalancedServiceProps::egress`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Egress {
    /// Anywhere: the security group's default outbound rule.
    #[default]
    All,
    /// Only to what the service is connected to: the database, and HTTPS to
    /// AWS APIs when the service calls them.
    Connected,
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
    /// Who runs the tasks, as a peer in security group rules (see
    /// [`Connectable`]): the service's own group in `awsvpc` mode; in
    /// `bridge` mode the cluster's instances (named `EcsInstances`, every
    /// bridge-mode task on the cluster shares their group).
    pub connections: Connections,
}

impl Connectable for LoadBalancedService {
    /// [`LoadBalancedService::connections`]: `service.connections().allow_to(stack, &db, ...)`
    /// is the AWS CDK's `service.connections.allowTo(db)`.
    fn connections(&self) -> Connections {
        self.connections.clone()
    }
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
    /// The database the service connects to, in one switch: the
    /// connection's environment and secrets are added to the stable and
    /// canary containers, the execution roles may read the secret, and the
    /// database admits the cluster's instances (bridge) or the service's
    /// tasks (awsvpc), as the props' `database: true` does in an app file
    /// (setting both is the same connection; the props' flag without a
    /// database here is an error). Default: none.
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
    ///
    /// The steps: the task definitions (the canary's too), the target
    /// groups, the listener rule forwarding to them, the ECS services with
    /// their connections (load balancer to tasks, tasks to the database),
    /// scaling, and alarms.
    ///
    /// ```
    /// use rcdk_constructs::core::{FieldPath, Stack, StackProps};
    /// use rcdk_constructs::ec2::Vpc;
    /// use rcdk_constructs::ecs::Cluster;
    /// use rcdk_constructs::elbv2::{Action, ApplicationLoadBalancer};
    /// use rcdk_constructs::patterns::{LoadBalancedService, LoadBalancedServiceProps, ServiceContext};
    ///
    /// let mut stack = Stack::new(StackProps { name: "web".into(), ..Default::default() }, FieldPath::root());
    /// let root = stack.root().clone();
    /// let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &Default::default());
    /// let cluster = Cluster::new(&mut stack, &root.child("Cluster"), &vpc, &Default::default());
    /// let alb = ApplicationLoadBalancer::new(&mut stack, &root.child("Lb"), &vpc, &Action::not_found(), &Default::default());
    /// let props = LoadBalancedServiceProps::new("nginx:1.27.0").port(80).health_check_path("/");
    /// let web = LoadBalancedService::new(&mut stack, &root.child("web"), &ServiceContext::new(&cluster, &alb), &props);
    /// web.task_definition.add_environment(&mut stack, "web", "MODE", "production");
    /// assert!(stack.errors().is_empty());
    /// ```
    #[track_caller]
    pub fn new(
        stack: &mut Stack,
        path: &ConstructPath,
        on: &ServiceContext<'_>,
        props: &LoadBalancedServiceProps,
    ) -> LoadBalancedService {
        let caller = std::panic::Location::caller();
        stack.at_caller(caller, |s| Self::build(s, path, on, props))
    }

    /// [`Self::new`], reporting at the current caller.
    fn build(
        stack: &mut Stack,
        path: &ConstructPath,
        on: &ServiceContext<'_>,
        props: &LoadBalancedServiceProps,
    ) -> LoadBalancedService {
        stack.suppress_all(path, &props.suppress);
        let (cluster, alb, notify) = (on.cluster, on.load_balancer, on.alarm_topics);
        let name = path.id().to_owned();
        let path = path.clone();
        check_name(stack, &path, &name);
        let mode = props.network_mode.unwrap_or_default();
        let port = container_port(stack, &path, props);
        let canary_props = props.canary.as_ref().filter(|c| c.is_enabled());
        let tasks = TaskDefinitions::new(stack, &path, &name, props, port, on.database, canary_props);
        let (target_group, canary_target_group) =
            target_groups(stack, &path, props, mode, port, cluster, tasks.canary.is_some());
        let (action, percent_parameter) =
            forward(stack, &path, &target_group, canary_target_group.as_ref(), canary_props);
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
        let bind = Binding { name: &name, port, cluster, alb, listener_rule: &listener_rule };
        let restrict_egress = restricts_egress(stack, &path, props, mode);
        let service_props = ServiceProps {
            desired_count: props.desired_count,
            min_healthy_percent: props.min_healthy_percent,
            max_percent: props.max_percent,
            health_check_grace_period_seconds: props.health_check_grace_period_seconds,
            circuit_breaker_rollback: None,
            enable_execute_command: None,
            scaled: Some(props.scaling.is_some()),
            allow_all_outbound: restrict_egress.then_some(false),
        };
        let service = bind.service(stack, &path.child("Service"), &tasks.stable, &target_group, &service_props);
        bind.admit_load_balancer(stack, &service);
        let canary_service = match (&tasks.canary, &canary_target_group, canary_props) {
            (Some(td), Some(tg), Some(c)) => {
                let canary_service_props = ServiceProps {
                    desired_count: Some(c.desired_count.unwrap_or(DEFAULT_CANARY_DESIRED_COUNT)),
                    scaled: Some(false),
                    ..service_props.clone()
                };
                let canary = stack.in_field("canary", |s| {
                    bind.service(s, &path.child("CanaryService"), td, tg, &canary_service_props)
                });
                bind.admit_load_balancer(stack, &canary);
                Some(canary)
            }
            _ => None,
        };
        if let Some(db) = tasks.database {
            admit_to_database(stack, db, cluster, [Some(&service), canary_service.as_ref()], port);
        }
        if restrict_egress && calls_aws_apis(props, tasks.database.is_some()) {
            for group in [Some(&service), canary_service.as_ref()]
                .into_iter()
                .flatten()
                .filter_map(|s| s.security_group.as_ref())
            {
                group.allow_tcp_egress_to(
                    stack,
                    "ToAwsApis",
                    &Peer::Ipv4(ANYWHERE.into()),
                    Port::tcp(HTTPS_PORT),
                    "HTTPS to AWS APIs (the task role's grants): their endpoints have no fixed addresses",
                );
            }
        }
        let scaling = Scaling::new(stack, &path, props, &service, alb, &target_group);
        let a = props.alarms.clone().unwrap_or_default();
        let alarms = stack.in_field("alarms", |s| service_alarms(s, &path, &a, &service, &target_group, alb, notify));
        let canary = match (tasks.canary, canary_target_group, canary_service, percent_parameter) {
            (Some(task_definition), Some(target_group), Some(service), Some(percent_parameter)) => {
                let alarm_5xx = stack.in_field("alarms.target_5xx", |s| {
                    Alarm::target_5xx(
                        s,
                        &path.child("CanaryTarget5xxAlarm"),
                        &target_group.metric_target_5xx(alb),
                        a.target_5xx.as_ref().unwrap_or(&PresetAlarmProps::default()),
                        notify,
                    )
                });
                Some(Canary { task_definition, target_group, service, percent_parameter, alarm_5xx })
            }
            _ => None,
        };
        let connections = service.connections(port).unwrap_or_else(|| cluster.connections());
        LoadBalancedService {
            canary,
            path,
            task_definition: tasks.stable,
            target_group,
            listener_rule,
            service,
            scalable_target: scaling.target,
            scaling_policies: scaling.policies,
            step_scaling: scaling.steps,
            alarms,
            connections,
        }
    }
}

/// Whether the tasks' egress is restricted (`egress: connected`); in
/// `bridge` mode that is reported and egress stays open.
fn restricts_egress(
    stack: &mut Stack,
    path: &ConstructPath,
    props: &LoadBalancedServiceProps,
    mode: NetworkMode,
) -> bool {
    if props.egress.unwrap_or_default() != Egress::Connected {
        return false;
    }
    if mode != NetworkMode::Awsvpc {
        stack.report(
            ValidationError::new(
                crate::ecs::service::Code::EgressNeedsAwsvpc,
                path,
                format!(
                    "`egress: connected` restricts the tasks' own security group, and in {} network mode they have \
                     none: they share the cluster instances' group, which the ECS agent and every other service need",
                    mode.as_cfn()
                ),
            )
            .field("egress"),
        );
        return false;
    }
    true
}

/// Whether the application calls AWS APIs, with the task role's grants: it
/// then needs HTTPS out when its egress is restricted. `secrets` do not
/// count: ECS injects them through the agent on the instance.
fn calls_aws_apis(props: &LoadBalancedServiceProps, database: bool) -> bool {
    let grants = props.grants.as_ref().is_some_and(|g| !g.tables.is_empty() || !g.buckets.is_empty());
    let secret = database && props.database_credentials == Some(DatabaseCredentials::SecretArn);
    grants || secret || !props.task_role_statements.is_empty()
}

/// Reports a service name that is not letters, digits and hyphens.
fn check_name(stack: &mut Stack, path: &ConstructPath, name: &str) {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        stack.report(
            ValidationError::new(Code::NameInvalid, path, format!("service name `{name}` is invalid"))
                .help("use letters, digits and hyphens"),
        );
    }
}

/// The container port, [`DEFAULT_CONTAINER_PORT`] when none (or 0, reported) is given.
fn container_port(stack: &mut Stack, path: &ConstructPath, props: &LoadBalancedServiceProps) -> u16 {
    let port = props.container_port.unwrap_or(DEFAULT_CONTAINER_PORT);
    if port != 0 {
        return port;
    }
    stack.report(
        ValidationError::new(crate::ecs::task_definition::Code::ContainerPort, path, "container port 0 is invalid")
            .field("container_port")
            .help("use a port from 1 to 65535"),
    );
    DEFAULT_CONTAINER_PORT
}

/// The service's task definitions: one container, spelled flat in the
/// props (so are its errors), connected to the database when asked; and the
/// canary's, the same but for its image.
struct TaskDefinitions<'a> {
    stable: TaskDefinition,
    canary: Option<TaskDefinition>,
    /// The database the tasks connect to.
    database: Option<&'a Database>,
}

impl<'a> TaskDefinitions<'a> {
    fn new(
        stack: &mut Stack,
        path: &ConstructPath,
        name: &str,
        props: &LoadBalancedServiceProps,
        port: u16,
        database: Option<&'a Database>,
        canary: Option<&CanaryProps>,
    ) -> Self {
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
            user: props.user.clone(),
            read_only_root_filesystem: props.read_only_root_filesystem,
            writable_paths: props.writable_paths.clone(),
        };
        let task_props = TaskDefinitionProps {
            containers: vec![container],
            network_mode: props.network_mode,
            cpu: None,
            memory_mib: None,
            log_retention_days: props.log_retention_days,
            delete_logs_on_removal: props.delete_logs_on_removal,
            encrypt_logs: props.encrypt_logs,
            task_role_statements: props.task_role_statements.clone(),
        };
        crate::iam::validate_statements(stack, path, &props.task_role_statements, "task_role_statements");
        let stable = TaskDefinition::new_located(stack, &path.child("TaskDefinition"), &task_props, &|_| String::new());
        let database = connect_database(stack, path, props, database);
        let credentials = props.database_credentials.unwrap_or_default();
        if let Some(db) = database {
            add_connection(stack, &stable, db, credentials);
            if props.database_credentials == Some(DatabaseCredentials::Env) {
                stack.acknowledge(
                    path,
                    Code::MasterCredentialsInService,
                    "`database_credentials: env` is written in the app: replace the tasks after each rotation \
                     (`aws ecs update-service --force-new-deployment`)",
                );
            }
        }
        let canary = canary.map(|c| {
            validate_canary(stack, path, props, c);
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
        TaskDefinitions { stable, canary, database }
    }
}

/// The target group (its type follows the network mode; a contradicting
/// `target_type` is reported) and, with a canary, the canary's.
fn target_groups(
    stack: &mut Stack,
    path: &ConstructPath,
    props: &LoadBalancedServiceProps,
    mode: NetworkMode,
    port: u16,
    cluster: &Cluster,
    canary: bool,
) -> (TargetGroup, Option<TargetGroup>) {
    let wanted = match mode {
        NetworkMode::Bridge => TargetType::Instance,
        NetworkMode::Awsvpc => TargetType::Ip,
    };
    let mut tg_props = props.target_group.clone().unwrap_or_default();
    if let Some(t) = tg_props.target_type {
        if t != wanted {
            stack.report(
                ValidationError::new(
                    Code::TargetTypeMismatch,
                    path,
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
    let target_group =
        stack.in_field("target_group", |s| TargetGroup::new(s, &path.child("TargetGroup"), &cluster.vpc_id, &tg_props));
    let canary_target_group = canary.then(|| {
        // A fixed name would collide with the stable group's; CloudFormation names this one.
        let canary_tg = TargetGroupProps { name: None, ..tg_props.clone() };
        stack.in_field("target_group", |s| {
            TargetGroup::new(s, &path.child("CanaryTargetGroup"), &cluster.vpc_id, &canary_tg)
        })
    });
    (target_group, canary_target_group)
}

/// What the listener rule does: forward to the target group, or with a
/// canary split the traffic by weight (the canary's share a parameter).
fn forward(
    stack: &mut Stack,
    path: &ConstructPath,
    target_group: &TargetGroup,
    canary_target_group: Option<&TargetGroup>,
    canary: Option<&CanaryProps>,
) -> (Action, Option<String>) {
    match (canary_target_group, canary) {
        (Some(canary_tg), Some(c)) => {
            let percent = c.percent.unwrap_or(DEFAULT_CANARY_PERCENT);
            let (parameter, targets) = weighted_targets(stack, path, percent, &target_group.arn, &canary_tg.arn);
            (Action::WeightedForward(targets), Some(parameter))
        }
        _ => (Action::Forward(target_group.arn.clone()), None),
    }
}

/// What an ECS service of the pattern is bound to.
struct Binding<'a> {
    name: &'a str,
    port: u16,
    cluster: &'a Cluster,
    alb: &'a ApplicationLoadBalancer,
    listener_rule: &'a ListenerRule,
}

impl Binding<'_> {
    /// An ECS service at `path` running `task_definition` in `target_group`,
    /// after the listener rule and listeners.
    fn service(
        &self,
        stack: &mut Stack,
        path: &ConstructPath,
        task_definition: &TaskDefinition,
        target_group: &TargetGroup,
        props: &ServiceProps,
    ) -> Service {
        let mut depends_on = vec![self.listener_rule.logical_id.clone()];
        depends_on.extend(self.alb.listener_ids());
        Service::new(
            stack,
            path,
            self.cluster,
            task_definition,
            &[LoadBalancerTarget {
                container_name: self.name.to_owned(),
                container_port: self.port,
                target_group_arn: target_group.arn.clone(),
                depends_on,
            }],
            props,
        )
    }

    /// In awsvpc mode, the service's tasks admit the load balancer on the container port.
    fn admit_load_balancer(&self, stack: &mut Stack, service: &Service) {
        if let Some(tasks) = service.connections(self.port) {
            self.alb.connections().allow_to_default_port(stack, &tasks, "Load balancer to the container port");
        }
    }
}

/// The database admits whoever runs the tasks: their own groups (awsvpc),
/// else the cluster's instances (bridge).
fn admit_to_database(stack: &mut Stack, db: &Database, cluster: &Cluster, services: [Option<&Service>; 2], port: u16) {
    let clients = format!("{} clients", db.engine.as_str());
    let tasks: Vec<Connections> = services.into_iter().flatten().filter_map(|s| s.connections(port)).collect();
    if tasks.is_empty() {
        cluster.connections().allow_to_default_port(stack, db, &clients);
    }
    for t in &tasks {
        t.allow_to_default_port(stack, db, &clients);
    }
}

/// The service's task count scaling, with `scaling`.
struct Scaling {
    target: Option<ScalableTarget>,
    policies: Vec<ScalingPolicy>,
    steps: Option<StepScaling>,
}

impl Scaling {
    fn new(
        stack: &mut Stack,
        path: &ConstructPath,
        props: &LoadBalancedServiceProps,
        service: &Service,
        alb: &ApplicationLoadBalancer,
        target_group: &TargetGroup,
    ) -> Scaling {
        let mut out = Scaling { target: None, policies: Vec::new(), steps: None };
        let Some(scaling) = &props.scaling else { return out };
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
                out.policies.push(s.in_field("cpu_target_percent", |s| target.scale_on_cpu(s, t, &opts)));
            }
            if let Some(t) = scaling.memory_target_percent {
                out.policies.push(s.in_field("memory_target_percent", |s| target.scale_on_memory(s, t, &opts)));
            }
            if let Some(r) = scaling.requests_per_target {
                out.policies.push(s.in_field("requests_per_target", |s| {
                    target.scale_on_request_count(s, r, alb, target_group, &opts)
                }));
            }
            if let Some(steps) = &scaling.cpu_steps {
                out.steps =
                    Some(s.in_field("cpu_steps", |s| target.step_scaling(s, "Cpu", &service.metric_cpu(), steps)));
            }
            out.target = Some(target);
        });
        out
    }
}

/// The service's alarms (CPU, memory, target 5xx, unhealthy hosts,
/// response time), each with its props or the preset defaults.
fn service_alarms(
    s: &mut Stack,
    path: &ConstructPath,
    a: &ServiceAlarmsProps,
    service: &Service,
    target_group: &TargetGroup,
    alb: &ApplicationLoadBalancer,
    notify: &[Value],
) -> Vec<Alarm> {
    let d = PresetAlarmProps::default();
    vec![
        s.in_field("cpu", |s| {
            Alarm::cpu_high(s, &path.child("CpuAlarm"), &service.metric_cpu(), a.cpu.as_ref().unwrap_or(&d), notify)
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
}

/// The database the service connects to, reporting a service that asks for
/// one when the stack has none.
fn connect_database<'a>(
    stack: &mut Stack,
    path: &ConstructPath,
    props: &LoadBalancedServiceProps,
    database: Option<&'a Database>,
) -> Option<&'a Database> {
    // A database handed over in the context connects on its own: no second
    // switch to forget.
    if !props.database.unwrap_or(false) && database.is_none() {
        if props.database_credentials.is_some() {
            stack.report(
                ValidationError::new(
                    Code::DatabaseCredentialsWithoutDatabase,
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
                Code::DatabaseMissing,
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
                    Code::DatabaseVariableConflict,
                    path,
                    format!("`{key}` is set by `database: true` and given in `{field}` too"),
                )
                .field(FieldPath::root().key(field).entry(key))
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
                Code::CanaryPercentInvalid,
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
                Code::CanaryImageUnchanged,
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
                Code::CanaryDesiredCountZero,
                path,
                "the canary runs no task, so its share of the requests would fail with 503",
            )
            .field("canary.desired_count")
            .help("run at least one task, or set `canary.enabled: false`"),
        );
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        CanaryDesiredCountZero => error("service:canary-desired-count-zero") {
            formerly: ["canary-desired-count-zero"],
            title: "the canary runs no task but gets a share of the traffic",
            explanation: "The listener sends the canary's `percent` of requests to its target group; with no task \
         registered there, those requests fail with 503. Run at least one task, or set \
         `canary.enabled: false`.",
        },
        CanaryImageUnchanged => error("service:canary-image-unchanged") {
            formerly: ["canary-image-unchanged"],
            title: "the canary runs the stable image",
            explanation: "A canary exists to try a new image on a share of the traffic. With the same image as the service \
         it tests nothing and doubles the tasks. Set `canary.image` to the new version, or remove the \
         canary.\n\n\
         ```yaml\ncanary: {image: ghcr.io/acme/api:1.5.0, percent: 10}\n```",
        },
        CanaryPercentInvalid => error("service:canary-percent-invalid") {
            formerly: ["canary-percent-invalid"],
            title: "the canary's share of traffic is not a percentage",
            explanation: "`canary.percent` is 0 to 100; 0 keeps the canary running without traffic, and \
         `enabled: false` removes it.",
        },
        DatabaseMissing => error("service:database-missing") {
            formerly: ["service-database-missing"],
            title: "`database: true` on a service of a stack without a database",
            explanation: "`database: true` connects the service to the stack's database (security group rule, connection \
         variables, secret). The stack has no `database:` block; add one (e.g. \
         `database: {engine: postgres}`), or drop `database: true`.",
        },
        DatabaseVariableConflict => error("service:database-variable-conflict") {
            formerly: ["service-database-variable-conflict"],
            title: "a variable set by `database: true` is also given by hand",
            explanation: "`database: true` sets the connection variables (host, port, name, user, password secret) of the \
         service. The same name is given in `environment` or `secrets` too; remove it there.",
        },
        NameInvalid => error("service:name-invalid") {
            formerly: ["service-name-invalid"],
            title: "the service name is invalid",
            explanation: "Service names become construct names, logical IDs and AWS resource names, so they use letters, \
         digits and hyphens only: `api`, `web-frontend`.",
        },
        TargetTypeMismatch => error("service:target-type-mismatch") {
            formerly: ["service-target-type-mismatch"],
            title: "the target group's target type does not match the network mode",
            explanation: "Tasks in `bridge` mode register as instances (the instance and a dynamic host port); tasks in \
         `awsvpc` mode register by IP address. A target group of the other type would never see a \
         healthy target. Leave `target_group.target_type` out: it follows the network mode.",
        },
        MasterCredentialsInService => warning("rds:master-credentials-in-service") {
            title: "a service gets the database's rotating master credentials injected at task start",
            explanation: "With `ManageMasterUserPassword`, RDS keeps the master user's credentials in a Secrets Manager \
         secret and rotates the password every seven days by default \
         (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html>). ECS reads \
         a container's `Secrets` only when the task starts: \"If the secret is subsequently updated or \
         rotated, the container will not receive the updated value automatically\" \
         (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html>). \
         Connections already open keep working; the next connection a task opens after a rotation — a \
         pool recycling its connections, a reconnect after a Multi-AZ failover — fails with the old \
         password, until the task is replaced. Secrets Manager also recommends an application user with \
         least privilege over the master user \
         (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html>).\n\nFix, \
         in order of effort: `database_credentials: secret_arn` — the service gets `DB_SECRET_ARN`, its \
         task role may read the secret, and the app reads it when it connects (a Secrets Manager caching \
         client, the AWS Advanced JDBC Wrapper's Secrets Manager plugin), which survives rotations; or \
         create an application user with alternating-users rotation (SQL in the database first; rcdk \
         does not do it). If the app can only read environment variables, write `database_credentials: \
         env` (a note instead of this warning) and replace the tasks after each rotation: `aws ecs \
         update-service --cluster C --service S --force-new-deployment`.",
        },
        DatabaseCredentialsWithoutDatabase => error("service:database-credentials-without-database") {
            title: "`database_credentials` on a service that does not connect to the database",
            explanation: "`database_credentials` (`env` or `secret_arn`) says how a service with `database: true` gets \
         the database's credentials. Without `database: true` the service gets no connection, so the \
         field would do nothing: add `database: true`, or remove it.",
        },
    }
}
