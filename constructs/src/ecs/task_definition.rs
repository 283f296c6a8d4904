//! Task definitions: containers, their logs, and the task and execution roles.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::cfn::{Intrinsic, Pseudo, Resource};
use crate::core::{ConstructPath, DiagnosticCode, FieldPath, Stack};
use crate::error::ValidationError;
use crate::iam::{PolicyStatement, Role, RoleProps};
use crate::logs::{LogGroup, LogGroupProps, VALID_RETENTION_DAYS};

use super::image::ContainerImage;

/// Container memory hard limit when neither `memory_mib` nor
/// `memory_reservation_mib` is given.
pub const DEFAULT_CONTAINER_MEMORY_MIB: u32 = 512;
/// Smallest memory limit ECS accepts for a container.
pub const MIN_CONTAINER_MEMORY_MIB: u32 = 6;
/// Most CPU units a task may reserve on EC2 (192 vCPUs).
pub const MAX_TASK_CPU_UNITS: u32 = 196_608;
/// Most containers in one task definition.
pub const MAX_CONTAINERS: usize = 10;
/// The environment variables every container gets set to the stack's
/// region (`Ref: AWS::Region`), unless it sets either itself: AWS SDKs read
/// their region from them. Fargate sets them; the ECS agent on EC2 does only
/// from 2026-04 (aws/amazon-ecs-agent#4946), and a bridge-mode container
/// cannot ask instance metadata (IMDS hop limit 1).
pub const REGION_VARIABLES: [&str; 2] = ["AWS_DEFAULT_REGION", "AWS_REGION"];

/// The user containers run as when they name none: UID and GID 1000, not
/// root (the AWS Control Tower control CT.ECS.PR.3 refuses `root`, `0` and
/// `0:*`, and an unset `User`, which runs the image's user, root for most
/// images). Docker accepts a numeric UID the image's `/etc/passwd` does not
/// list; the image's files must then be readable by others, as they are by
/// default. See `User` in "AWS::ECS::TaskDefinition ContainerDefinition",
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-taskdefinition-containerdefinition.html.
pub const DEFAULT_USER: &str = "1000:1000";

/// The directories a container with a read-only root filesystem may write
/// to when it names none: `/tmp`, on a volume of its own. The volume starts
/// as a copy of the image's `/tmp`, mode and owner included (see
/// [`ContainerProps::writable_paths`]): `1777` in every distribution base
/// image (Debian, Ubuntu, Alpine, distroless), so any user may write to it.
/// An image built `FROM scratch` without a `/tmp` gets an empty directory
/// owned by root, mode `0755`, which a non-root user cannot write to.
pub const DEFAULT_WRITABLE_PATHS: [&str; 1] = ["/tmp"];

/// Longest name of a task definition volume ECS accepts.
const MAX_VOLUME_NAME: usize = 255;

/// How a task's containers are networked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    /// Docker bridge: containers share the instance's network; each container
    /// port is mapped to a dynamic host port (target groups of type `instance`).
    #[default]
    Bridge,
    /// An elastic network interface per task, with its own security group
    /// (target groups of type `ip`). Tasks per instance are limited by ENIs.
    Awsvpc,
}

impl NetworkMode {
    /// The value CloudFormation expects.
    pub fn as_cfn(self) -> &'static str {
        match self {
            NetworkMode::Bridge => "bridge",
            NetworkMode::Awsvpc => "awsvpc",
        }
    }
}

/// A container's health check, run by Docker inside the container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerHealthCheck {
    /// The command, starting with `CMD` or `CMD-SHELL`, e.g.
    /// `[CMD-SHELL, "curl -f http://localhost:8080/health || exit 1"]`.
    pub command: Vec<String>,
    /// Seconds between checks, 5 to 300. Default: 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_seconds: Option<u32>,
    /// Seconds before a check counts as failed, 2 to 60. Default: 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// Failures before the container is unhealthy, 1 to 10. Default: 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// Seconds after start during which failures do not count, 0 to 300. Default: 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period_seconds: Option<u32>,
}

/// One container of a task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerProps {
    /// The container name, unique in the task: 1 to 255 letters, digits,
    /// hyphens and underscores.
    pub name: String,
    /// The image, pinned by tag or digest, e.g.
    /// `ghcr.io/acme/web:1.4.2` or `nginx@sha256:...`, or a tag of an ECR
    /// repository of the stack ([`ContainerImage::from_repository`]; in app
    /// files `{repository: <name>, tag: <tag>}`). An image without a tag, or
    /// tagged `latest` where the tag can move, is an error unless
    /// `allow_unpinned_image` is set: it would deploy whatever was pushed last.
    pub image: ContainerImage,
    /// Accept an image without a pinned tag. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unpinned_image: Option<bool>,
    /// CPU units reserved (1024 = one vCPU). Default: none reserved (the
    /// container shares the instance's CPU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    /// Hard memory limit in MiB; the container is killed above it.
    /// Default: [`DEFAULT_CONTAINER_MEMORY_MIB`] (512) when
    /// `memory_reservation_mib` is not given either, otherwise no hard limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u32>,
    /// Soft memory reservation in MiB, used for placement; at most
    /// `memory_mib`. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reservation_mib: Option<u32>,
    /// Container ports the container listens on (TCP). In bridge mode each
    /// is mapped to a dynamic host port. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<u16>,
    /// Environment variables (not for secrets). `AWS_REGION` and
    /// `AWS_DEFAULT_REGION` are added, set to the stack's region, unless
    /// either is given here (see [`REGION_VARIABLES`]). Default: none besides those.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// Secret environment variables: name → ARN of an SSM parameter
    /// (`arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`) or a Secrets Manager
    /// secret (`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`, optionally
    /// `:JSON_KEY:VERSION_STAGE:VERSION_ID`), or the full name of an SSM
    /// parameter in the stack's own account and region (`/app/api-key`).
    /// The execution role may read exactly these. Parameters or secrets encrypted with a customer managed
    /// KMS key also need `kms:Decrypt`, which is not granted. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, String>,
    /// Overrides the image's `CMD`. Default: the image's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// Overrides the image's `ENTRYPOINT`. Default: the image's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<Vec<String>>,
    /// A Docker health check. Default: none (the image's own `HEALTHCHECK`
    /// is not watched by ECS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<ContainerHealthCheck>,
    /// Whether the task stops when this container stops. At least one
    /// container of a task is essential. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub essential: Option<bool>,
    /// The user (and group) the container runs as: `name`, `uid`,
    /// `uid:gid`, `name:group`... `root` or `0` runs as root, which the
    /// Control Tower control CT.ECS.PR.3 refuses. Default: [`DEFAULT_USER`]
    /// (`1000:1000`), not the image's `USER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Mount the container's root filesystem read-only (`ReadonlyRootFilesystem`),
    /// so a compromised process cannot change the image's programs; the
    /// container writes only to `writable_paths`. False fails the Control
    /// Tower control CT.ECS.PR.6. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_root_filesystem: Option<bool>,
    /// Directories the container may write to under a read-only root
    /// filesystem, absolute paths; none may be `/`, contain `..`, repeat
    /// another or lie inside another. Each gets a volume of the task with no
    /// host path, which the ECS agent on EC2 creates as an empty Docker volume
    /// of the `local` driver for the task's lifetime
    /// (amazon-ecs-agent `initializeDockerLocalVolumes`; "Use bind mounts
    /// with Amazon ECS",
    /// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html).
    /// When the container is created Docker copies the image's directory at
    /// that path into the volume **with its owner and mode** ("Populate a
    /// volume using a container",
    /// https://docs.docker.com/engine/storage/volumes/#populate-a-volume-using-a-container).
    /// So a path is writable by a non-root `user` only if the image makes it
    /// so: `/tmp` (mode `1777`) is; a directory the image leaves `0755
    /// root` (nginx's `/var/cache/nginx`, Tomcat's `webapps`), or one the
    /// image lacks (an empty `0755 root` directory), is not — create it in
    /// the image owned by the container's user (`RUN mkdir -p /data && chown
    /// 1000:1000 /data`). Only with `read_only_root_filesystem`.
    /// Default: [`DEFAULT_WRITABLE_PATHS`] (`/tmp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writable_paths: Option<Vec<String>>,
}

impl ContainerProps {
    /// The writable volumes of this container: (volume name, path). Empty
    /// when its root filesystem is writable.
    pub fn writable_volumes(&self) -> Vec<(String, String)> {
        if !self.read_only_root_filesystem.unwrap_or(true) {
            return Vec::new();
        }
        let paths: Vec<String> = match &self.writable_paths {
            Some(p) => p.clone(),
            None => DEFAULT_WRITABLE_PATHS.iter().map(|p| (*p).to_owned()).collect(),
        };
        let mut taken = BTreeSet::new();
        paths
            .into_iter()
            .map(|path| {
                // Volume names: up to 255 letters, digits, hyphens and
                // underscores, unique in the task. `/a-b` and `/a/b` spell the
                // same slug: the second gets a number.
                let slug: String = path
                    .trim_matches('/')
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' })
                    .collect();
                let base: String = format!("{}-{}", self.name, if slug.is_empty() { "root".into() } else { slug })
                    .chars()
                    .take(MAX_VOLUME_NAME - 4)
                    .collect();
                let mut name = base.clone();
                let mut n = 2;
                while !taken.insert(name.clone()) {
                    name = format!("{base}-{n}");
                    n += 1;
                }
                (name, path)
            })
            .collect()
    }
}

/// Props of a [`TaskDefinition`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskDefinitionProps {
    /// The containers, at least one, at most [`MAX_CONTAINERS`].
    pub containers: Vec<ContainerProps>,
    /// Network mode. Default: `bridge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<NetworkMode>,
    /// Task-level CPU units, 128 to 196608; containers' CPU must fit in it.
    /// Default: none (containers' own reservations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    /// Task-level memory in MiB; containers' memory must fit in it.
    /// Default: none (containers' own limits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u32>,
    /// Days to keep the containers' logs. Default: 365
    /// ([`crate::logs::DEFAULT_RETENTION_DAYS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_retention_days: Option<u32>,
    /// Delete the containers' log group when it leaves the stack or the
    /// stack is deleted. Default: false, retained (see
    /// [`crate::logs::LogGroupProps::delete_on_removal`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_logs_on_removal: Option<bool>,
    /// Encrypt the containers' log group with the stack's log key (see
    /// [`crate::logs::LogGroupProps::encrypted`]). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypt_logs: Option<bool>,
    /// What the application itself may do in AWS (the task role's policy).
    /// Default: nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub task_role_statements: Vec<PolicyStatement>,
}

/// A container of a synthesized task definition, for services and load
/// balancers to refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerInfo {
    /// The container name.
    pub name: String,
    /// Its container ports.
    pub ports: Vec<u16>,
}

/// A task definition (`AWS::ECS::TaskDefinition`) with its log group, task
/// role and execution role.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDefinition {
    /// The construct's path.
    pub path: ConstructPath,
    /// The task definition's logical ID.
    pub logical_id: String,
    /// The task definition ARN (`Ref`).
    pub arn: Value,
    /// Its network mode.
    pub network_mode: NetworkMode,
    /// Its containers.
    pub containers: Vec<ContainerInfo>,
    /// The log group every container logs to (awslogs driver).
    pub log_group: LogGroup,
    /// The role the application's code runs as. Always created, empty unless
    /// `task_role_statements` are given, so that AWS SDKs in the containers
    /// find task credentials instead of falling back to the instance's role.
    pub task_role: Role,
    /// The role ECS uses to pull images, write logs and read secrets.
    pub execution_role: Role,
}

impl TaskDefinition {
    /// Adds a task definition at `path`. Invalid props are reported (fields
    /// relative to these props) and a best-effort definition is still built.
    pub fn new(stack: &mut Stack, path: &ConstructPath, props: &TaskDefinitionProps) -> TaskDefinition {
        Self::new_located(stack, path, props, &|i| format!("containers[{i}]"))
    }

    /// Like [`TaskDefinition::new`], with problems of container `i` reported
    /// under the field `container_field(i)` instead of `containers[i]` (an
    /// empty string: at the props' own level). Patterns that spell one
    /// container's props flat use this to keep errors located.
    pub(crate) fn new_located(
        stack: &mut Stack,
        path: &ConstructPath,
        props: &TaskDefinitionProps,
        container_field: &dyn Fn(usize) -> String,
    ) -> TaskDefinition {
        validate(stack, path, props, container_field);
        let mode = props.network_mode.unwrap_or_default();
        // Retention was checked above, at this props' own field name.
        let retention = props.log_retention_days.filter(|d| VALID_RETENTION_DAYS.contains(d));
        let log_group = LogGroup::new(
            stack,
            &path.child("LogGroup"),
            &LogGroupProps {
                retention_days: retention,
                delete_on_removal: props.delete_logs_on_removal,
                encrypted: props.encrypt_logs,
            },
        );

        let mut exec_statements =
            vec![PolicyStatement::allow(&["logs:CreateLogStream", "logs:PutLogEvents"], vec![log_group.arn.clone()])];
        let ecr_repos: BTreeSet<(String, String, String)> =
            props.containers.iter().filter_map(|c| c.image.as_reference().and_then(ecr_repository)).collect();
        if !ecr_repos.is_empty() {
            exec_statements.push(PolicyStatement::allow(&["ecr:GetAuthorizationToken"], vec![json!("*")]));
            exec_statements.push(PolicyStatement::allow(
                &["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                ecr_repos
                    .iter()
                    .map(|(account, region, repo)| {
                        Intrinsic::sub(format!("arn:${{AWS::Partition}}:ecr:{region}:{account}:repository/{repo}"))
                    })
                    .collect(),
            ));
        }
        let mut ssm = BTreeSet::new();
        let mut ssm_names = BTreeSet::new();
        let mut secretsmanager = BTreeSet::new();
        for c in &props.containers {
            for arn in c.secrets.values() {
                match parse_secret_arn(arn) {
                    Some(SecretArn::Ssm(a)) => {
                        ssm.insert(a);
                    }
                    Some(SecretArn::SsmName(name)) => {
                        ssm_names.insert(name);
                    }
                    Some(SecretArn::SecretsManager(a)) => {
                        secretsmanager.insert(a);
                    }
                    None => {}
                }
            }
        }
        if !ssm.is_empty() || !ssm_names.is_empty() {
            // A parameter given by name is in the stack's own account and region.
            let by_name = ssm_names.into_iter().map(|name| {
                Intrinsic::sub(format!(
                    "arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter{name}"
                ))
            });
            let resources = ssm.into_iter().map(Value::String).chain(by_name).collect();
            exec_statements.push(PolicyStatement::allow(&["ssm:GetParameters"], resources));
        }
        if !secretsmanager.is_empty() {
            exec_statements.push(PolicyStatement::allow(
                &["secretsmanager:GetSecretValue"],
                secretsmanager.into_iter().map(Value::String).collect(),
            ));
        }
        let execution_role = Role::new(
            stack,
            &path.child("ExecutionRole"),
            &RoleProps {
                assumed_by: "ecs-tasks.amazonaws.com".into(),
                managed_policies: vec![],
                statements: exec_statements,
            },
        );
        // Images of the stack's own repositories: pulls from exactly those.
        for c in &props.containers {
            if let ContainerImage::Ecr(image) = &c.image {
                image.repository.grant_pull(stack, &execution_role);
            }
        }
        let task_role = Role::new(
            stack,
            &path.child("TaskRole"),
            &RoleProps {
                assumed_by: "ecs-tasks.amazonaws.com".into(),
                managed_policies: vec![],
                statements: props.task_role_statements.clone(),
            },
        );

        // Streams are named PREFIX/CONTAINER/TASK_ID; the prefix is the owning
        // construct's name (the service), else the task definition's own.
        let segs = path.segments();
        let stream_prefix =
            if segs.len() > 2 { segs[segs.len() - 2].clone() } else { segs.last().cloned().unwrap_or_default() };
        let containers: Vec<Value> =
            props.containers.iter().map(|c| container_json(c, mode, &log_group, &stream_prefix)).collect();
        // Empty task volumes for the writable paths of read-only containers
        // (AWS::ECS::TaskDefinition Volume without Host: "the Docker daemon
        // assigns a host path for your data volume",
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-taskdefinition-volume.html).
        let volumes: Vec<Value> = props
            .containers
            .iter()
            .flat_map(ContainerProps::writable_volumes)
            .map(|(name, _)| json!({"Name": name}))
            .collect();
        let resource = Resource::new("AWS::ECS::TaskDefinition")
            .prop("RequiresCompatibilities", json!(["EC2"]))
            .prop("NetworkMode", mode.as_cfn())
            .prop_opt("Cpu", props.cpu.map(|c| c.to_string()))
            .prop_opt("Memory", props.memory_mib.map(|m| m.to_string()))
            .prop("TaskRoleArn", task_role.arn.clone())
            .prop("ExecutionRoleArn", execution_role.arn.clone())
            .prop("ContainerDefinitions", Value::Array(containers))
            .prop_opt("Volumes", (!volumes.is_empty()).then_some(Value::Array(volumes)));
        let logical_id = stack.add_resource(path, resource);
        TaskDefinition {
            path: path.clone(),
            arn: Intrinsic::ref_(&logical_id),
            logical_id,
            network_mode: mode,
            containers: props
                .containers
                .iter()
                .map(|c| ContainerInfo { name: c.name.clone(), ports: c.ports.clone() })
                .collect(),
            log_group,
            task_role,
            execution_role,
        }
    }

    /// The first container, where a service's traffic goes by default.
    pub fn default_container(&self) -> Option<&ContainerInfo> {
        self.containers.first()
    }

    /// Sets the environment variable `name` of container `container` to
    /// `value` (a string or an intrinsic such as a table's `Ref`). The list
    /// stays sorted by name; a variable already set is replaced. An unknown
    /// container is reported (`ecs:container-unknown`).
    pub fn add_environment(&self, stack: &mut Stack, container: &str, name: &str, value: impl Into<Value>) {
        self.add_to_container(stack, container, "Environment", json!({"Name": name, "Value": value.into()}));
    }

    /// Adds the secret `name` to container `container`, read by ECS from
    /// `value_from` (a Secrets Manager ARN, optionally with `:json-key::`, or
    /// an SSM parameter ARN). The execution role must be allowed to read it:
    /// add the statement with `execution_role.add_statement`. The list stays
    /// sorted by name; a secret already set is replaced.
    pub fn add_secret(&self, stack: &mut Stack, container: &str, name: &str, value_from: impl Into<Value>) {
        self.add_to_container(stack, container, "Secrets", json!({"Name": name, "ValueFrom": value_from.into()}));
    }

    /// Inserts `entry` (with a `Name`) into the list `key` of a container of
    /// this task definition's own resource.
    fn add_to_container(&self, stack: &mut Stack, container: &str, key: &str, entry: Value) {
        let found = stack
            .template
            .resources
            .get_mut(&self.logical_id)
            .and_then(|r| r.properties.get_mut("ContainerDefinitions"))
            .and_then(Value::as_array_mut)
            .and_then(|list| list.iter_mut().find(|c| c["Name"] == container))
            .and_then(Value::as_object_mut);
        let Some(definition) = found else {
            let e = ValidationError::new(
                Code::ContainerUnknown,
                &self.path,
                format!("task definition {} has no container `{container}`", self.path),
            );
            stack.report(e);
            return;
        };
        let list = definition.entry(key).or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut() {
            list.retain(|e| e["Name"] != entry["Name"]);
            list.push(entry);
            list.sort_by(|a, b| a["Name"].as_str().cmp(&b["Name"].as_str()));
        }
    }
}

fn container_json(c: &ContainerProps, mode: NetworkMode, log_group: &LogGroup, stream_prefix: &str) -> Value {
    let mut m = Map::new();
    m.insert("Name".into(), json!(c.name));
    m.insert("Image".into(), c.image.to_value());
    m.insert("Essential".into(), json!(c.essential.unwrap_or(true)));
    if let Some(cpu) = c.cpu {
        m.insert("Cpu".into(), json!(cpu));
    }
    let memory = match (c.memory_mib, c.memory_reservation_mib) {
        (None, None) => Some(DEFAULT_CONTAINER_MEMORY_MIB),
        (m, _) => m,
    };
    if let Some(mem) = memory {
        m.insert("Memory".into(), json!(mem));
    }
    if let Some(r) = c.memory_reservation_mib {
        m.insert("MemoryReservation".into(), json!(r));
    }
    if let Some(cmd) = &c.entry_point {
        m.insert("EntryPoint".into(), json!(cmd));
    }
    if let Some(cmd) = &c.command {
        m.insert("Command".into(), json!(cmd));
    }
    if !c.ports.is_empty() {
        let ports: Vec<Value> = c
            .ports
            .iter()
            .map(|p| match mode {
                NetworkMode::Bridge => json!({"ContainerPort": p, "HostPort": 0, "Protocol": "tcp"}),
                NetworkMode::Awsvpc => json!({"ContainerPort": p, "Protocol": "tcp"}),
            })
            .collect();
        m.insert("PortMappings".into(), Value::Array(ports));
    }
    // The region for AWS SDKs in the container: bridge-mode containers
    // cannot read it from instance metadata (hop limit 1), and ECS agents
    // before 2026-04 set no AWS_REGION on EC2 (aws/containers-roadmap#1611),
    // so SDKs fail with "no region". Unless the container sets either itself.
    let mut env: Vec<Value> = c.environment.iter().map(|(k, v)| json!({"Name": k, "Value": v})).collect();
    if !REGION_VARIABLES.iter().any(|k| c.environment.contains_key(*k)) {
        for k in REGION_VARIABLES {
            env.push(json!({"Name": k, "Value": Pseudo::Region.as_ref()}));
        }
        env.sort_by(|a, b| a["Name"].as_str().cmp(&b["Name"].as_str()));
    }
    m.insert("Environment".into(), Value::Array(env));
    if !c.secrets.is_empty() {
        let s: Vec<Value> = c.secrets.iter().map(|(k, v)| json!({"Name": k, "ValueFrom": v})).collect();
        m.insert("Secrets".into(), Value::Array(s));
    }
    m.insert("User".into(), json!(c.user.as_deref().unwrap_or(DEFAULT_USER)));
    let read_only = c.read_only_root_filesystem.unwrap_or(true);
    m.insert("ReadonlyRootFilesystem".into(), json!(read_only));
    let mounts: Vec<Value> = c
        .writable_volumes()
        .into_iter()
        .map(|(name, path)| json!({"ContainerPath": path, "SourceVolume": name, "ReadOnly": false}))
        .collect();
    if !mounts.is_empty() {
        m.insert("MountPoints".into(), Value::Array(mounts));
    }
    if let Some(hc) = &c.health_check {
        let mut h = Map::new();
        h.insert("Command".into(), json!(hc.command));
        h.insert("Interval".into(), json!(hc.interval_seconds.unwrap_or(30)));
        h.insert("Timeout".into(), json!(hc.timeout_seconds.unwrap_or(5)));
        h.insert("Retries".into(), json!(hc.retries.unwrap_or(3)));
        h.insert("StartPeriod".into(), json!(hc.start_period_seconds.unwrap_or(0)));
        m.insert("HealthCheck".into(), Value::Object(h));
    }
    m.insert(
        "LogConfiguration".into(),
        json!({
            "LogDriver": "awslogs",
            "Options": {
                "awslogs-group": log_group.name,
                "awslogs-region": Pseudo::Region.as_ref(),
                "awslogs-stream-prefix": stream_prefix,
            },
        }),
    );
    Value::Object(m)
}

/// `prefix.sub`, or `sub` alone when the prefix is empty.
fn at(prefix: &str, sub: &str) -> String {
    if prefix.is_empty() {
        sub.to_owned()
    } else {
        format!("{prefix}.{sub}")
    }
}

/// Validates the task definition's props, in steps: the task, each
/// container (name, image, CPU and memory, ports, variables, health check),
/// then the containers' totals against the task's. Every problem is
/// reported, located at the field `container_field` gives a container.
fn validate(
    stack: &mut Stack,
    path: &ConstructPath,
    props: &TaskDefinitionProps,
    container_field: &dyn Fn(usize) -> String,
) {
    let mut problems = Problems { path, found: Vec::new() };
    validate_task(&mut problems, props);
    let mode = props.network_mode.unwrap_or_default();
    let mut names = BTreeSet::new();
    let mut host_ports: BTreeMap<u16, usize> = BTreeMap::new();
    let (mut total_cpu, mut total_mem) = (0u64, 0u64);
    for (i, c) in props.containers.iter().enumerate() {
        let prefix = container_field(i);
        let f = |sub: &str| at(&prefix, sub);
        validate_container_name(&mut problems, c, &f, &mut names);
        validate_image(&mut problems, c, &f);
        let (cpu, mem) = validate_container_resources(&mut problems, props, c, &f);
        total_cpu += cpu;
        total_mem += mem;
        validate_ports(&mut problems, mode, i, c, &f, &mut host_ports);
        validate_variables(&mut problems, c, &f);
        validate_writable_paths(&mut problems, c, &f);
        if let Some(hc) = &c.health_check {
            validate_health_check(&mut problems, hc, &f);
        }
    }
    validate_totals(&mut problems, props, total_cpu, total_mem);
    for p in problems.found {
        stack.report(p);
    }
}

/// The problems of one task definition, located at its construct.
struct Problems<'a> {
    path: &'a ConstructPath,
    found: Vec<ValidationError>,
}

impl Problems<'_> {
    /// A problem with `code` at `field`, with `help` when it is not empty.
    fn err(
        &mut self,
        code: impl Into<DiagnosticCode>,
        field: impl Into<FieldPath>,
        message: impl Into<String>,
        help: &str,
    ) {
        let mut e = ValidationError::new(code, self.path, message).field(field);
        if !help.is_empty() {
            e = e.help(help);
        }
        self.found.push(e);
    }
}

/// The task's own props: its containers, CPU, memory and log retention.
fn validate_task(p: &mut Problems<'_>, props: &TaskDefinitionProps) {
    if props.containers.is_empty() {
        p.err(Code::NoContainers, "containers", "the task has no container", "add a container");
    }
    if props.containers.len() > MAX_CONTAINERS {
        p.err(
            Code::TooManyContainers,
            "containers",
            format!("{} containers; a task definition holds at most {MAX_CONTAINERS}", props.containers.len()),
            "split the containers into several services",
        );
    }
    if !props.containers.is_empty() && !props.containers.iter().any(|c| c.essential.unwrap_or(true)) {
        p.err(
            Code::NoEssentialContainer,
            "containers",
            "no container is essential",
            "mark at least one container `essential: true`",
        );
    }
    if let Some(cpu) = props.cpu {
        if !(128..=MAX_TASK_CPU_UNITS).contains(&cpu) {
            p.err(
                Code::TaskCpu,
                "cpu",
                format!("task CPU {cpu} is outside 128..={MAX_TASK_CPU_UNITS} units"),
                "1024 units are one vCPU",
            );
        }
    }
    if let Some(mem) = props.memory_mib {
        if mem < MIN_CONTAINER_MEMORY_MIB {
            p.err(Code::TaskMemory, "memory_mib", format!("task memory {mem} MiB is too small"), "");
        }
    }
    if let Some(days) = props.log_retention_days {
        if !VALID_RETENTION_DAYS.contains(&days) {
            p.err(
                crate::logs::Code::RetentionInvalid,
                "log_retention_days",
                format!("log retention of {days} days is not one CloudWatch Logs accepts"),
                "use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
            );
        }
    }
}

/// The container's `writable_paths`: each absolute, not `/`, without `.` or
/// `..` segments, and none the same as, inside, or around another (a volume
/// mounted inside another volume hides part of it, and ECS mounts them in no
/// promised order). Reported at `writable_paths[j]`.
fn validate_writable_paths(p: &mut Problems<'_>, c: &ContainerProps, f: &dyn Fn(&str) -> String) {
    let Some(paths) = &c.writable_paths else { return };
    let mut clean: Vec<(usize, Vec<&str>)> = Vec::new();
    for (j, path) in paths.iter().enumerate() {
        let field = f(&format!("writable_paths[{j}]"));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let problem = if !path.starts_with('/') {
            Some(("is not absolute", "start it at the root of the container's filesystem, e.g. `/var/cache/app`"))
        } else if segments.is_empty() {
            Some((
                "is the root directory",
                "name the directories the application writes to; to make the whole filesystem writable set \
                 `read_only_root_filesystem: false`",
            ))
        } else if segments.iter().any(|s| *s == ".." || *s == ".") {
            Some(("contains `.` or `..`", "spell the directory without `.` or `..` segments"))
        } else {
            None
        };
        if let Some((what, help)) = problem {
            p.err(Code::WritablePathInvalid, field, format!("writable path `{path}` {what}"), help);
            continue;
        }
        let earlier = clean.iter().find(|(_, other)| {
            let n = other.len().min(segments.len());
            other[..n] == segments[..n]
        });
        match earlier {
            Some((k, other)) => {
                let relation = if other.len() == segments.len() {
                    "repeats"
                } else if other.len() < segments.len() {
                    "is inside"
                } else {
                    "contains"
                };
                p.err(
                    Code::WritablePathOverlap,
                    field,
                    format!("writable path `{path}` {relation} `{}` (writable_paths[{k}])", paths[*k]),
                    "list each directory once, and only the outermost of nested ones",
                );
            }
            None => clean.push((j, segments)),
        }
    }
}

/// The container's name: valid, and its own within the task.
fn validate_container_name<'c>(
    p: &mut Problems<'_>,
    c: &'c ContainerProps,
    f: &dyn Fn(&str) -> String,
    names: &mut BTreeSet<&'c str>,
) {
    let name_ok = !c.name.is_empty()
        && c.name.len() <= 255
        && c.name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if !name_ok {
        p.err(
            Code::ContainerName,
            f("name"),
            format!("container name `{}` is invalid", c.name),
            "use 1 to 255 letters, digits, hyphens and underscores",
        );
    }
    if !names.insert(c.name.as_str()) {
        p.err(
            Code::ContainerDuplicate,
            f("name"),
            format!("two containers are named `{}`", c.name),
            "give each container of a task its own name",
        );
    }
}

/// The container's image: a valid reference pinned by tag or digest (unless
/// `allow_unpinned_image`), a repository's handle rather than its name, a
/// valid tag; reported at `image`, or at its `tag` / `repository`.
fn validate_image(p: &mut Problems<'_>, c: &ContainerProps, f: &dyn Fn(&str) -> String) {
    let unpinned = |image: &str, why: &str| {
        (
            Code::ImageUnpinned,
            format!("image `{image}` {why}"),
            "pin a version tag or digest (e.g. `:1.4.2`), or set `allow_unpinned_image: true`",
        )
    };
    let problem = match &c.image {
        ContainerImage::Reference(image) => image_problem(image).and_then(|problem| {
            let fatal = matches!(problem, ImageProblem::Invalid(_)) || !c.allow_unpinned_image.unwrap_or(false);
            fatal.then(|| match problem {
                ImageProblem::Invalid(why) => (
                    Code::ImageInvalid,
                    format!("image `{image}` is not a valid image reference: {why}"),
                    "use REGISTRY/REPOSITORY:TAG or REPOSITORY@sha256:DIGEST",
                ),
                ImageProblem::Untagged => unpinned(image, "has no tag, so it means `latest`"),
                ImageProblem::Latest => unpinned(image, "uses the moving `latest` tag"),
            })
        }),
        ContainerImage::Repository(r) => Some((
            Code::ImageRepositoryUnresolved,
            format!(
                "image names the repository `{}` by name, which only an app file's `repositories:` resolves",
                r.repository
            ),
            "in Rust, use `ContainerImage::from_repository(&repository, tag)` with the repository's handle",
        )),
        ContainerImage::Ecr(e) => match super::image::tag_problem(&e.tag) {
            Some(why) => Some((
                Code::ImageTagInvalid,
                format!("`{}` is not a valid image tag: {why}", e.tag),
                "use 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-` (e.g. `1.4.2`)",
            )),
            None if e.tag == "latest" && e.repository.mutable_tags && !c.allow_unpinned_image.unwrap_or(false) => {
                Some(unpinned(&c.image.to_string(), "uses `latest` in a repository with mutable tags"))
            }
            None => None,
        },
    };
    let Some((code, message, help)) = problem else { return };
    let field = match &c.image {
        ContainerImage::Ecr(_) | ContainerImage::Repository(_) if code != Code::ImageUnpinned => {
            if code == Code::ImageTagInvalid {
                f("image.tag")
            } else {
                f("image.repository")
            }
        }
        _ => f("image"),
    };
    p.err(code, field, message, help);
}

/// The container's CPU and memory, alone and against the task's; returns
/// what it reserves of the task's (CPU units, MiB).
fn validate_container_resources(
    p: &mut Problems<'_>,
    props: &TaskDefinitionProps,
    c: &ContainerProps,
    f: &dyn Fn(&str) -> String,
) -> (u64, u64) {
    let mut cpu_reserved = 0;
    if let Some(cpu) = c.cpu {
        cpu_reserved = u64::from(cpu);
        if cpu > MAX_TASK_CPU_UNITS {
            p.err(
                Code::ContainerCpu,
                f("cpu"),
                format!("container CPU {cpu} is above {MAX_TASK_CPU_UNITS} units"),
                "1024 units are one vCPU",
            );
        }
    }
    for (field, value) in [("memory_mib", c.memory_mib), ("memory_reservation_mib", c.memory_reservation_mib)] {
        if let Some(v) = value {
            if v < MIN_CONTAINER_MEMORY_MIB {
                p.err(
                    Code::ContainerMemory,
                    f(field),
                    format!("{field} {v} is below ECS's minimum of {MIN_CONTAINER_MEMORY_MIB} MiB"),
                    "",
                );
            }
        }
    }
    if let (Some(hard), Some(soft)) = (c.memory_mib, c.memory_reservation_mib) {
        if soft > hard {
            p.err(
                Code::ContainerMemory,
                f("memory_reservation_mib"),
                format!("memory_reservation_mib {soft} is above memory_mib {hard}"),
                "the reservation must not exceed the hard limit",
            );
        }
    }
    let mem = c.memory_reservation_mib.or(c.memory_mib).unwrap_or(DEFAULT_CONTAINER_MEMORY_MIB);
    if let (Some(task), Some(hard)) = (props.memory_mib, c.memory_mib) {
        if hard > task {
            p.err(
                Code::ContainerMemoryAboveTask,
                f("memory_mib"),
                format!("container memory {hard} MiB is above the task's {task} MiB"),
                "raise the task's memory_mib or lower the container's",
            );
        }
    }
    (cpu_reserved, u64::from(mem))
}

/// The container's ports: not 0, each once, and in awsvpc mode (one
/// network for the task) not another container's.
fn validate_ports(
    p: &mut Problems<'_>,
    mode: NetworkMode,
    i: usize,
    c: &ContainerProps,
    f: &dyn Fn(&str) -> String,
    host_ports: &mut BTreeMap<u16, usize>,
) {
    let mut own_ports = BTreeSet::new();
    for (j, port) in c.ports.iter().enumerate() {
        if *port == 0 {
            p.err(
                Code::ContainerPort,
                f(&format!("ports[{j}]")),
                "container port 0 is invalid",
                "use a port from 1 to 65535",
            );
        }
        if !own_ports.insert(*port) {
            p.err(Code::ContainerPortDuplicate, f(&format!("ports[{j}]")), format!("port {port} is listed twice"), "");
        } else if mode == NetworkMode::Awsvpc {
            if let Some(other) = host_ports.insert(*port, i) {
                p.err(
                    Code::ContainerPortConflict,
                    f(&format!("ports[{j}]")),
                    format!("port {port} is also used by containers[{other}]; in awsvpc mode the task has one network"),
                    "use distinct ports",
                );
            }
        }
    }
}

/// The container's environment variables and secrets: valid names, none
/// both, secrets that are SSM parameters or Secrets Manager secrets.
fn validate_variables(p: &mut Problems<'_>, c: &ContainerProps, f: &dyn Fn(&str) -> String) {
    let mut env_names = BTreeSet::new();
    for (k, _) in c.environment.iter() {
        env_names.insert(k.as_str());
        if !is_env_name(k) {
            p.err(
                Code::EnvName,
                FieldPath::parse(&f("environment")).entry(k.as_str()),
                format!("environment variable name `{k}` is invalid"),
                "use letters, digits and underscores, not starting with a digit",
            );
        }
    }
    for (k, arn) in c.secrets.iter() {
        let at = FieldPath::parse(&f("secrets")).entry(k.as_str());
        if !is_env_name(k) {
            p.err(
                Code::EnvName,
                at.clone(),
                format!("secret variable name `{k}` is invalid"),
                "use letters, digits and underscores, not starting with a digit",
            );
        }
        if env_names.contains(k.as_str()) {
            p.err(
                Code::EnvDuplicate,
                at.clone(),
                format!("`{k}` is both an environment variable and a secret"),
                "keep one of the two",
            );
        }
        if parse_secret_arn(arn).is_none() {
            p.err(
                Code::SecretArn,
                at,
                format!("`{arn}` is not the ARN of an SSM parameter or a Secrets Manager secret, nor an SSM parameter name"),
                "use /PARAMETER/NAME (a parameter of the stack's account and region), arn:aws:ssm:REGION:ACCOUNT:parameter/NAME or arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME",
            );
        }
    }
}

/// The container's health check: a `CMD` or `CMD-SHELL` command, and its
/// timings within what ECS accepts.
fn validate_health_check(p: &mut Problems<'_>, hc: &ContainerHealthCheck, f: &dyn Fn(&str) -> String) {
    let hf = |sub: &str| f(&format!("health_check.{sub}"));
    if !matches!(hc.command.first().map(String::as_str), Some("CMD" | "CMD-SHELL")) || hc.command.len() < 2 {
        p.err(
            Code::HealthCheckCommand,
            hf("command"),
            "a health check command starts with `CMD` or `CMD-SHELL`, followed by the command",
            "e.g. [CMD-SHELL, \"curl -f http://localhost:8080/health || exit 1\"]",
        );
    }
    for (field, value, lo, hi) in [
        ("interval_seconds", hc.interval_seconds, 5, 300),
        ("timeout_seconds", hc.timeout_seconds, 2, 60),
        ("retries", hc.retries, 1, 10),
        ("start_period_seconds", hc.start_period_seconds, 0, 300),
    ] {
        if let Some(v) = value {
            if !(lo..=hi).contains(&v) {
                p.err(Code::HealthCheckRange, hf(field), format!("{field} {v} is outside {lo}..={hi}"), "");
            }
        }
    }
}

/// What the containers reserve together against the task's CPU and memory.
fn validate_totals(p: &mut Problems<'_>, props: &TaskDefinitionProps, total_cpu: u64, total_mem: u64) {
    if let Some(task) = props.cpu {
        if total_cpu > u64::from(task) {
            p.err(
                Code::ContainerCpuAboveTask,
                "cpu",
                format!("containers reserve {total_cpu} CPU units, more than the task's {task}"),
                "raise the task's cpu or lower the containers'",
            );
        }
    }
    if let Some(task) = props.memory_mib {
        if total_mem > u64::from(task) {
            p.err(
                Code::ContainerMemoryAboveTask,
                "memory_mib",
                format!("containers reserve {total_mem} MiB, more than the task's {task} MiB"),
                "raise the task's memory_mib or lower the containers'",
            );
        }
    }
}

fn is_env_name(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Why an image reference is not pinned or not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageProblem {
    /// Not an image reference at all.
    Invalid(&'static str),
    /// No tag and no digest (Docker then pulls `latest`).
    Untagged,
    /// The `latest` tag.
    Latest,
}

/// Checks that `image` is a reference pinned by a version tag or a digest.
pub fn image_problem(image: &str) -> Option<ImageProblem> {
    if image.is_empty() {
        return Some(ImageProblem::Invalid("it is empty"));
    }
    if image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(ImageProblem::Invalid("it contains whitespace"));
    }
    let name_end = image.rfind(['@']).unwrap_or_else(|| {
        let slash = image.rfind('/').map_or(0, |i| i + 1);
        image[slash..].find(':').map_or(image.len(), |i| slash + i)
    });
    if image[..name_end].chars().any(|c| c.is_ascii_uppercase()) {
        return Some(ImageProblem::Invalid("repository names are lower-case"));
    }
    if image.len() > 255 {
        return Some(ImageProblem::Invalid("it is longer than 255 characters"));
    }
    if let Some((_, digest)) = image.split_once('@') {
        return if digest.starts_with("sha256:") && digest.len() == 71 {
            None
        } else {
            Some(ImageProblem::Invalid("the digest is not sha256 followed by 64 hex digits"))
        };
    }
    let last_segment = image.rsplit('/').next().unwrap_or(image);
    match last_segment.split_once(':') {
        None => Some(ImageProblem::Untagged),
        Some((_, "")) => Some(ImageProblem::Invalid("the tag after `:` is empty")),
        Some((_, "latest")) => Some(ImageProblem::Latest),
        Some(_) => None,
    }
}

/// `(account, region, repository)` of an ECR image URI, e.g.
/// `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.2`.
fn ecr_repository(image: &str) -> Option<(String, String, String)> {
    let (registry, rest) = image.split_once('/')?;
    let mut parts = registry.split('.');
    let account = parts.next()?;
    if parts.next()? != "dkr" || parts.next()? != "ecr" {
        return None;
    }
    let region = parts.next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let repo = rest.split(['@', ':']).next()?;
    Some((account.to_owned(), region.to_owned(), repo.to_owned()))
}

enum SecretArn {
    Ssm(String),
    /// A parameter of the stack's account and region by its full name, `/a/b`.
    SsmName(String),
    SecretsManager(String),
}

/// The IAM resource to grant for a secret's `ValueFrom` ARN. A Secrets Manager
/// ARN may carry `:json-key:version-stage:version-id`; IAM wants the secret's
/// own ARN (its first seven colon-separated fields).
fn parse_secret_arn(arn: &str) -> Option<SecretArn> {
    if let Some(levels) = arn.strip_prefix('/') {
        // SSM's parameter name rule: up to 1011 characters of letters,
        // digits and `_.-/`, hierarchy levels not empty.
        let ok = arn.len() <= 1011
            && levels.split('/').all(|level| !level.is_empty())
            && arn.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b))
            && !arn.to_ascii_lowercase().starts_with("/aws")
            && !arn.to_ascii_lowercase().starts_with("/ssm");
        return ok.then(|| SecretArn::SsmName(arn.to_owned()));
    }
    let fields: Vec<&str> = arn.split(':').collect();
    if fields.len() < 6 || fields[0] != "arn" || fields[1].is_empty() || fields[3].is_empty() || fields[4].is_empty() {
        return None;
    }
    match fields[2] {
        "ssm" if fields.len() == 6 && fields[5].starts_with("parameter/") && fields[5].len() > 10 => {
            Some(SecretArn::Ssm(arn.to_owned()))
        }
        "secretsmanager" if fields.len() >= 7 && fields[5] == "secret" && !fields[6].is_empty() => {
            Some(SecretArn::SecretsManager(fields[..7].join(":")))
        }
        _ => None,
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        ImageTagInvalid => error("ecs:image-tag-invalid") {
            title: "an image tag is not a valid tag",
            explanation: "A tag is 1 to 128 ASCII letters, digits, `_`, `.` and `-`, and does not start with `.` or `-` \
         (Docker's rule; ECS hands the image to Docker). E.g. `tag: 1.0.3` or `tag: 2024-06-01.7`.",
        },
        ContainerCpu => error("ecs:container-cpu") {
            formerly: ["ecs-container-cpu"],
            title: "a container's CPU is above the ECS maximum",
            explanation: "Container CPU is in units of 1/1024 vCPU; ECS allows at most 196,608 units (192 vCPU) on EC2. \
         1024 units are one vCPU.",
        },
        ContainerCpuAboveTask => error("ecs:container-cpu-above-task") {
            formerly: ["ecs-container-cpu-above-task"],
            title: "the containers reserve more CPU than the task has",
            explanation: "When the task sets `cpu`, the containers' `cpu` reservations together must fit in it; ECS \
         rejects the task definition otherwise. Raise the task's `cpu` or lower the containers'.",
        },
        ContainerDuplicate => error("ecs:container-duplicate") {
            formerly: ["ecs-container-duplicate"],
            title: "two containers of a task have the same name",
            explanation: "Container names identify containers within a task (for links, load balancer targets and log \
         streams) and must be unique. Give each container its own name.",
        },
        ContainerMemory => error("ecs:container-memory") {
            formerly: ["ecs-container-memory"],
            title: "a container's memory is below the ECS minimum",
            explanation: "ECS requires at least 6 MiB for `memory_mib` and `memory_reservation_mib` of a container. Real \
         applications need far more; set a realistic value.",
        },
        ContainerMemoryAboveTask => error("ecs:container-memory-above-task") {
            formerly: ["ecs-container-memory-above-task"],
            title: "a container's memory is above the task's",
            explanation: "A container's hard memory limit cannot exceed the task's `memory_mib`; ECS rejects the task \
         definition otherwise. Raise the task's memory or lower the container's.",
        },
        ContainerName => error("ecs:container-name") {
            formerly: ["ecs-container-name"],
            title: "a container name is invalid",
            explanation: "ECS container names have 1 to 255 letters, digits, hyphens and underscores.",
        },
        ContainerPort => error("ecs:container-port") {
            formerly: ["ecs-container-port"],
            title: "container port 0 is invalid",
            explanation: "The service's `container_port` is the port the load balancer sends traffic to; use a port from 1 \
         to 65535 (the default is 80).",
        },
        ContainerPortConflict => error("ecs:container-port-conflict") {
            formerly: ["ecs-container-port-conflict"],
            title: "two containers of an awsvpc task use the same port",
            explanation: "In `awsvpc` network mode all containers of a task share one network interface, so two of them \
         cannot listen on the same port. Use distinct ports.",
        },
        ContainerPortDuplicate => error("ecs:container-port-duplicate") {
            formerly: ["ecs-container-port-duplicate"],
            title: "a container lists the same port twice",
            explanation: "Each port mapping of a container is listed once. Remove the duplicate from `ports`.",
        },
        ContainerUnknown => error("ecs:container-unknown") {
            formerly: ["ecs-container-unknown"],
            title: "a handle method names a container the task definition does not have",
            explanation: "`add_environment` and `add_secret` on a task definition name the container they change. The name \
         must be one of the task definition's containers; check the spelling, or add the container first.",
        },
        EnvDuplicate => error("ecs:env-duplicate") {
            formerly: ["ecs-env-duplicate"],
            title: "a name is both an environment variable and a secret",
            explanation: "ECS sets `environment` and `secrets` in the same process environment; one name cannot be both. \
         Keep one of the two.",
        },
        EnvName => error("ecs:env-name") {
            formerly: ["ecs-env-name"],
            title: "an environment variable name is invalid",
            explanation: "Environment variable names are letters, digits and underscores, not starting with a digit: \
         `DATABASE_URL`, `LOG_LEVEL`.",
        },
        HealthCheckCommand => error("ecs:health-check-command") {
            formerly: ["ecs-health-check-command"],
            title: "a container health check command does not start with CMD or CMD-SHELL",
            explanation: "A container health check command is a list whose first item is `CMD` (run the rest directly) or \
         `CMD-SHELL` (run the rest with the container's shell).\n\n\
         ```yaml\nhealth_check:\n  command: [CMD-SHELL, \"curl -f http://localhost:8080/health || exit 1\"]\n```",
        },
        HealthCheckRange => error("ecs:health-check-range") {
            formerly: ["ecs-health-check-range"],
            title: "a container health check setting is out of range",
            explanation: "ECS accepts a container health check `interval_seconds` of 5 to 300, `timeout_seconds` of 2 to \
         60, `retries` of 1 to 10 and `start_period_seconds` of 0 to 300. The message names the setting \
         and its range.",
        },
        ImageInvalid => error("ecs:image-invalid") {
            formerly: ["ecs-image-invalid"],
            title: "a container image is not a valid image reference",
            explanation: "An image reference is `[REGISTRY/]REPOSITORY[:TAG]` or `REPOSITORY@sha256:DIGEST`, lowercase \
         repository names, no spaces. E.g. `public.ecr.aws/nginx/nginx:1.27.0`.",
        },
        ImageRepositoryUnresolved => error("ecs:image-repository-unresolved") {
            title: "a container names an ECR repository by name outside an app file",
            explanation: "`ContainerImage::Repository` (`{repository, tag}`) is how an app file names one of its stack's \
         `repositories:`; the app binds it to the repository it created. A Rust program has the \
         repository's handle instead: `ContainerImage::from_repository(&repository, \"1.0.3\")`, which \
         also lets the execution role pull from it.",
        },
        ImageUnpinned => error("ecs:image-unpinned") {
            formerly: ["ecs-image-unpinned"],
            title: "a container image has no tag or uses `latest`",
            explanation: "An image without a tag means `latest`, which moves: two deploys of the same template could run \
         different code, and a rollback would not roll back. rcdk requires a pinned version tag or \
         digest.\n\n\
         ```yaml\nimage: ghcr.io/acme/api:1.4.2\n```\n\n\
         If you really want a moving tag, set `allow_unpinned_image: true` on the container. A tag of \
         one of the stack's own repositories (`{repository, tag}`) may be `latest` when the repository's \
         tags are immutable (the default): it is pushed once and never moves.",
        },
        NoContainers => error("ecs:no-containers") {
            formerly: ["ecs-no-containers"],
            title: "a task definition has no container",
            explanation: "An ECS task definition needs at least one container. Add one under `containers:`.",
        },
        NoEssentialContainer => error("ecs:no-essential-container") {
            formerly: ["ecs-no-essential-container"],
            title: "no container of the task is essential",
            explanation: "ECS requires at least one essential container per task: the task stops when an essential \
         container stops. Mark the main container `essential: true` (the default).",
        },
        SecretArn => error("ecs:secret-arn") {
            formerly: ["ecs-secret-arn"],
            title: "a secret is not the ARN of an SSM parameter or a Secrets Manager secret",
            explanation: "Container secrets are injected by ECS from SSM Parameter Store or Secrets Manager, named by ARN: \
         `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME` or \
         `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`, or, for a parameter of the stack's own \
         account and region, by its full name: `/app/api-key`. rcdk grants the execution role read access \
         to exactly those.",
        },
        TaskCpu => error("ecs:task-cpu") {
            formerly: ["ecs-task-cpu"],
            title: "the task's CPU is outside 128 to 196,608 units",
            explanation: "Task CPU is in units of 1/1024 vCPU; ECS on EC2 accepts 128 to 196,608 units. 1024 units are \
         one vCPU.",
        },
        TaskMemory => error("ecs:task-memory") {
            formerly: ["ecs-task-memory"],
            title: "the task's memory is too small",
            explanation: "ECS requires at least 6 MiB of task memory; a real task needs far more. Set `memory_mib` to what \
         the containers need together.",
        },
        TooManyContainers => error("ecs:too-many-containers") {
            formerly: ["ecs-too-many-containers"],
            title: "a task definition has more than 10 containers",
            explanation: "ECS allows at most 10 containers per task definition. Split the containers into several \
         services.",
        },
        WritablePathInvalid => error("ecs:writable-path-invalid") {
            title: "a writable path is not an absolute directory below `/`",
            explanation: "Each entry of `writable_paths` becomes a volume mounted at that path in the container \
         (`MountPoints[].ContainerPath`), which must be absolute. `/` would hide the whole image, and \
         `.` or `..` segments make the path mean something else than it reads. Name the directories the \
         application writes to:\n\n\
         ```yaml\nwritable_paths: [/tmp, /var/cache/app]\n```\n\n\
         To make the whole root filesystem writable instead, set `read_only_root_filesystem: false` \
         (which the Control Tower control CT.ECS.PR.6 refuses).",
            link: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html",
        },
        WritablePathOverlap => error("ecs:writable-path-overlap") {
            title: "a writable path repeats another or is nested in another",
            explanation: "Each writable path gets a volume of its own. The same path twice would mount two volumes at \
         one place, and a path inside another (`/var/cache` and `/var/cache/app`) would mount a volume \
         inside a volume, hiding what the outer one holds there. List each directory once, and only the \
         outermost of nested ones: it is writable all the way down.",
            link: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_images() {
        for ok in [
            "nginx:1.27.0",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:2024-05-01",
            "localhost:5000/app:v1",
            &format!("nginx@sha256:{}", "a".repeat(64)),
        ] {
            assert_eq!(image_problem(ok), None, "{ok}");
        }
        assert_eq!(image_problem("nginx"), Some(ImageProblem::Untagged));
        assert_eq!(image_problem("localhost:5000/app"), Some(ImageProblem::Untagged));
        assert_eq!(image_problem("nginx:latest"), Some(ImageProblem::Latest));
        assert!(matches!(image_problem("nginx:"), Some(ImageProblem::Invalid(_))));
        assert!(matches!(image_problem("nginx@sha256:abc"), Some(ImageProblem::Invalid(_))));
        assert!(matches!(image_problem(""), Some(ImageProblem::Invalid(_))));
    }

    #[test]
    fn ecr_and_secret_arns() {
        assert_eq!(
            ecr_repository("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.2"),
            Some(("123456789012".into(), "eu-west-1".into(), "team/web".into()))
        );
        assert_eq!(ecr_repository("nginx:1.2"), None);
        assert_eq!(ecr_repository("ghcr.io/org/app:1"), None);
        let sm = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::";
        assert!(
            matches!(parse_secret_arn(sm), Some(SecretArn::SecretsManager(a)) if a == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf")
        );
        assert!(matches!(
            parse_secret_arn("arn:aws:ssm:eu-west-1:123456789012:parameter/app/key"),
            Some(SecretArn::Ssm(_))
        ));
        assert!(parse_secret_arn("arn:aws:s3:::bucket/key").is_none());
        assert!(matches!(parse_secret_arn("/app/key"), Some(SecretArn::SsmName(n)) if n == "/app/key"));
        for bad in ["/", "/app//key", "/app/key/", "/app key", "/aws/service/x", "/ssm/x", "app/key"] {
            assert!(parse_secret_arn(bad).is_none(), "{bad}");
        }
    }
}
