//! The database construct: `AWS::RDS::DBInstance`, its subnet group and its
//! security group.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{DeletionPolicy, Intrinsic, Output, Resource};
use crate::core::{ConstructPath, Stack};
use crate::ec2::{Connectable, Connections, Peer, Port, SecurityGroup, SecurityGroupProps, Vpc};
use crate::error::ValidationError;
use crate::iam::PolicyStatement;

/// Instance class when none is given: the smallest Graviton burstable class,
/// free-tier eligible (`db.t4g.micro`).
pub const DEFAULT_INSTANCE_CLASS: &str = "db.t4g.micro";
/// PostgreSQL version when none is given: the major version only, as the
/// AWS CDK's `PostgresEngineVersion.VER_17`. RDS then picks a recent minor
/// version of it at creation ("If a major version is specified but a minor
/// version is not, Amazon RDS defaults to a recent release of the major
/// version", Amazon RDS User Guide, "Supported PostgreSQL versions"), and the
/// automatic minor upgrades never make the template disagree with the
/// database. A pinned minor (`17.6`) does: once RDS has upgraded the
/// instance, a deploy still asking for 17.6 is a downgrade RDS refuses
/// (`rds:engine-version-pinned`).
pub const DEFAULT_POSTGRES_VERSION: &str = "17";
/// MySQL version when none is given: the major version only (see
/// [`DEFAULT_POSTGRES_VERSION`]; MySQL's majors have two parts).
pub const DEFAULT_MYSQL_VERSION: &str = "8.4";
/// cfn-lint rules that misjudge a major-only `EngineVersion`: its data
/// lists only full MySQL versions (E3691) and lists bare PostgreSQL majors
/// as deprecated (W3691), while RDS accepts both (aws-cloudformation/cfn-lint#3849,
/// fixed for PostgreSQL's E3691 only). A database with a major-only version
/// carries them in `Metadata.cfn-lint.config.ignore_checks`, so the
/// template still lints clean wherever it is linted.
pub const CFN_LINT_MAJOR_VERSION_CHECKS: [&str; 2] = ["E3691", "W3691"];
/// Allocated storage when none is given, in GiB: the gp3 minimum.
pub const DEFAULT_ALLOCATED_STORAGE_GIB: u32 = 20;
/// Least gp3 storage RDS for PostgreSQL and MySQL accept, in GiB.
pub const MIN_ALLOCATED_STORAGE_GIB: u32 = 20;
/// Most gp3 storage RDS for PostgreSQL and MySQL accept, in GiB (64 TiB).
pub const MAX_ALLOCATED_STORAGE_GIB: u32 = 65_536;
/// Days of automated backups when none is given.
pub const DEFAULT_BACKUP_RETENTION_DAYS: u32 = 7;
/// Most days of automated backups RDS keeps.
pub const MAX_BACKUP_RETENTION_DAYS: u32 = 35;
/// Database created in the instance when none is given.
pub const DEFAULT_DATABASE_NAME: &str = "app";
/// Master user name when none is given.
pub const DEFAULT_MASTER_USERNAME: &str = "dbadmin";

/// Instance families (`db.<family>.<size>`) RDS offers for PostgreSQL and
/// MySQL. Whether a family is offered in a given region and engine version is
/// checked by cfn-lint, not here.
pub const KNOWN_INSTANCE_FAMILIES: &[&str] = &[
    "t3", "t4g", "m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m6idn", "m6in", "m7g", "m7i", "m8g", "m8gd", "m8a", "r5",
    "r5b", "r5d", "r6g", "r6gd", "r6i", "r6id", "r6idn", "r6in", "r7g", "r7i", "r8g", "r8gd", "r8a", "x2g", "x2iedn",
    "c6gd",
];

/// User names RDS reserves for itself, and SQL words that cannot name a user.
const RESERVED_USERNAMES: &[&str] =
    &["rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication", "rdstopmgr", "user", "select", "table"];

/// A database engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseEngine {
    /// RDS for PostgreSQL (`postgres`).
    Postgres,
    /// RDS for MySQL (`mysql`).
    Mysql,
}

impl DatabaseEngine {
    /// Every engine, in the order error messages list them.
    pub const ALL: [DatabaseEngine; 2] = [DatabaseEngine::Postgres, DatabaseEngine::Mysql];

    /// The engine as RDS and the app file spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            DatabaseEngine::Postgres => "postgres",
            DatabaseEngine::Mysql => "mysql",
        }
    }

    /// Parses `postgres` (or `postgresql`) and `mysql`.
    pub fn parse(s: &str) -> Option<DatabaseEngine> {
        match s {
            "postgres" | "postgresql" => Some(DatabaseEngine::Postgres),
            "mysql" => Some(DatabaseEngine::Mysql),
            _ => None,
        }
    }

    /// The engine's default port.
    pub fn default_port(self) -> u16 {
        match self {
            DatabaseEngine::Postgres => 5432,
            DatabaseEngine::Mysql => 3306,
        }
    }

    /// The engine version used when none is given.
    pub fn default_version(self) -> &'static str {
        match self {
            DatabaseEngine::Postgres => DEFAULT_POSTGRES_VERSION,
            DatabaseEngine::Mysql => DEFAULT_MYSQL_VERSION,
        }
    }

    /// The log types this engine can export to CloudWatch Logs. MySQL's
    /// `audit` log is left out: it needs an option group with the MariaDB
    /// audit plugin, which rcdk does not create.
    pub fn log_types(self) -> &'static [&'static str] {
        match self {
            DatabaseEngine::Postgres => &["postgresql", "upgrade", "iam-db-auth-error"],
            DatabaseEngine::Mysql => &["error", "general", "slowquery", "iam-db-auth-error"],
        }
    }

    /// The log types exported when none are given.
    pub fn default_log_types(self) -> &'static [&'static str] {
        match self {
            DatabaseEngine::Postgres => &["postgresql", "upgrade"],
            DatabaseEngine::Mysql => &["error", "slowquery"],
        }
    }
}

/// Props of a [`Database`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatabaseProps {
    /// The engine: `postgres` or `mysql`. Default: `postgres`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// The engine version: a major version (`17`, `8.4`), whose minor
    /// versions RDS upgrades automatically in the maintenance window, or a
    /// full version (`17.6`, `8.4.6`), which with automatic minor upgrades on
    /// is warned about (`rds:engine-version-pinned`: RDS moves past it, and a
    /// later deploy asking for it fails). Default: [`DEFAULT_POSTGRES_VERSION`]
    /// (`17`) or [`DEFAULT_MYSQL_VERSION`] (`8.4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<String>,
    /// Let RDS apply minor engine upgrades (security and bug fixes) in the
    /// maintenance window (`AutoMinorVersionUpgrade`). Turn it off only to
    /// pin a full `engine_version` and patch by changing it yourself.
    /// Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_minor_version_upgrade: Option<bool>,
    /// The instance class, `db.<family>.<size>` with a family from
    /// [`KNOWN_INSTANCE_FAMILIES`]. Larger classes cost more by the hour.
    /// Changing it restarts the instance (with a failover when Multi-AZ).
    /// Default: [`DEFAULT_INSTANCE_CLASS`] (`db.t4g.micro`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<String>,
    /// gp3 storage in GiB, [`MIN_ALLOCATED_STORAGE_GIB`] to
    /// [`MAX_ALLOCATED_STORAGE_GIB`]; billed per GiB-month, and it can only
    /// grow. Default: [`DEFAULT_ALLOCATED_STORAGE_GIB`] (20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocated_storage_gib: Option<u32>,
    /// Upper limit for storage autoscaling in GiB, above
    /// `allocated_storage_gib`. Default: no autoscaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_allocated_storage_gib: Option<u32>,
    /// A synchronous standby in a second availability zone with automatic
    /// failover. Doubles the instance and storage cost. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_az: Option<bool>,
    /// The database created in the instance: a letter, then letters, digits
    /// or underscores, at most 63 characters. Changing it replaces the
    /// instance. Default: [`DEFAULT_DATABASE_NAME`] (`app`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_name: Option<String>,
    /// The master user: a letter, then letters, digits or underscores, at most
    /// 32 characters, not a reserved name. Its password is generated and
    /// rotated by Secrets Manager. Changing it replaces the instance.
    /// Default: [`DEFAULT_MASTER_USERNAME`] (`dbadmin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_username: Option<String>,
    /// The port, 1150 to 65535. Default: 5432 for PostgreSQL, 3306 for MySQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Refuse deletion of the instance until this is turned off (and deployed).
    /// Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// Days of automated backups, 0 to 35; 0 turns backups off (and with
    /// them point-in-time recovery). Default: [`DEFAULT_BACKUP_RETENTION_DAYS`] (7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_retention_days: Option<u32>,
    /// Log types exported to CloudWatch Logs (`postgresql`, `upgrade`,
    /// `iam-db-auth-error` for PostgreSQL; `error`, `general`, `slowquery`,
    /// `iam-db-auth-error` for MySQL). Log ingestion and storage cost money.
    /// Default: `[postgresql, upgrade]` or `[error, slowquery]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_exports: Option<Vec<String>>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
}

/// What a service needs to connect: plain environment variables and secrets
/// resolved by ECS from Secrets Manager at task start.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseConnection {
    /// `DB_HOST`, `DB_PORT` and `DB_NAME`, with their values.
    pub environment: Vec<(String, Value)>,
    /// `DB_USERNAME` and `DB_PASSWORD`, each with the secret's ARN and JSON
    /// key in ECS's `valueFrom` syntax (`<secret-arn>:password::`).
    pub secrets: Vec<(String, Value)>,
}

impl DatabaseConnection {
    /// The environment as an ECS container definition's `Environment` list.
    pub fn environment_json(&self) -> Value {
        Value::Array(self.environment.iter().map(|(k, v)| json!({"Name": k, "Value": v})).collect())
    }

    /// The secrets as an ECS container definition's `Secrets` list.
    pub fn secrets_json(&self) -> Value {
        Value::Array(self.secrets.iter().map(|(k, v)| json!({"Name": k, "ValueFrom": v})).collect())
    }
}

/// An RDS database instance in the private subnets.
///
/// Encrypted gp3 storage, not publicly accessible, deletion protection on,
/// a final snapshot when the instance is deleted or replaced, and a master
/// password that never appears in the template: RDS generates it and keeps it
/// in a Secrets Manager secret (`ManageMasterUserPassword`). Nothing can reach
/// the database until [`Database::allow_from`] admits a security group.
#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    /// The construct's path.
    pub path: ConstructPath,
    /// The DB instance's logical ID.
    pub logical_id: String,
    /// The engine.
    pub engine: DatabaseEngine,
    /// The port the database listens on.
    pub port: u16,
    /// The database created in the instance.
    pub database_name: String,
    /// The endpoint's host name (`Fn::GetAtt Endpoint.Address`).
    pub endpoint_address: Value,
    /// The endpoint's port, as a string (`Fn::GetAtt Endpoint.Port`).
    pub endpoint_port: Value,
    /// The ARN of the secret holding `username` and `password`
    /// (`Fn::GetAtt MasterUserSecret.SecretArn`).
    pub secret_arn: Value,
    /// The database's security group; it admits nothing until
    /// [`Database::allow_from`] is called.
    pub security_group: SecurityGroup,
}

impl Database {
    /// Adds a database at `path` in `vpc`'s private subnets. Invalid props
    /// are reported to the stack (fields relative to these props) and a
    /// best-effort database is still built.
    ///
    /// ```
    /// use rcdk_constructs::core::{FieldPath, Stack, StackProps};
    /// use rcdk_constructs::ec2::Vpc;
    /// use rcdk_constructs::rds::{Database, DatabaseProps};
    ///
    /// let mut stack = Stack::new(StackProps { name: "data".into(), ..Default::default() }, FieldPath::root());
    /// let root = stack.root().clone();
    /// let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &Default::default());
    /// let props = DatabaseProps { engine: Some("postgres".into()), multi_az: Some(true), ..Default::default() };
    /// let db = Database::new(&mut stack, &root.child("Database"), &vpc, &props);
    /// assert!(stack.template.resources.contains_key(&db.logical_id));
    /// assert!(stack.errors().is_empty());
    /// ```
    #[track_caller]
    pub fn new(stack: &mut Stack, path: &ConstructPath, vpc: &Vpc, props: &DatabaseProps) -> Database {
        let caller = std::panic::Location::caller();
        stack.at_caller(caller, |s| Self::build(s, path, vpc, props))
    }

    /// [`Self::new`], reporting at the current caller.
    fn build(stack: &mut Stack, path: &ConstructPath, vpc: &Vpc, props: &DatabaseProps) -> Database {
        stack.suppress_all(path, &props.suppress);
        let path = path.clone();
        let engine = match props.engine.as_deref() {
            None => DatabaseEngine::Postgres,
            Some(s) => DatabaseEngine::parse(s).unwrap_or_else(|| {
                let known: Vec<&str> = DatabaseEngine::ALL.iter().map(|e| e.as_str()).collect();
                stack.report(
                    ValidationError::new(Code::EngineUnknown, &path, format!("unknown database engine `{s}`"))
                        .field("engine")
                        .help(format!("use one of: {}", known.join(", "))),
                );
                DatabaseEngine::Postgres
            }),
        };
        let version = props.engine_version.clone().unwrap_or_else(|| engine.default_version().to_owned());
        check_version(stack, &path, engine, &version);
        let instance_class = props.instance_class.clone().unwrap_or_else(|| DEFAULT_INSTANCE_CLASS.to_owned());
        check_instance_class(stack, &path, &instance_class);
        let storage = props.allocated_storage_gib.unwrap_or(DEFAULT_ALLOCATED_STORAGE_GIB);
        check_storage(stack, &path, storage, props.max_allocated_storage_gib);
        let database_name = props.database_name.clone().unwrap_or_else(|| DEFAULT_DATABASE_NAME.to_owned());
        check_identifier(stack, &path, "database_name", "database name", &database_name, 63);
        let username = props.master_username.clone().unwrap_or_else(|| DEFAULT_MASTER_USERNAME.to_owned());
        check_identifier(stack, &path, "master_username", "master user name", &username, 32);
        if RESERVED_USERNAMES.contains(&username.to_ascii_lowercase().as_str()) {
            stack.report(
                ValidationError::new(
                    Code::UsernameReserved,
                    &path,
                    format!("master user name `{username}` is reserved"),
                )
                .field("master_username")
                .help(format!("choose another name, e.g. `{DEFAULT_MASTER_USERNAME}`")),
            );
        }
        let port = props.port.unwrap_or_else(|| engine.default_port());
        if port < 1150 {
            stack.report(
                ValidationError::new(Code::PortInvalid, &path, format!("port {port} is below 1150"))
                    .field("port")
                    .help("RDS accepts ports 1150 to 65535; leave `port` out for the engine's default"),
            );
        }
        let retention = props.backup_retention_days.unwrap_or(DEFAULT_BACKUP_RETENTION_DAYS);
        if retention > MAX_BACKUP_RETENTION_DAYS {
            stack.report(
                ValidationError::new(
                    Code::BackupRetentionInvalid,
                    &path,
                    format!("backup retention of {retention} days is more than RDS keeps"),
                )
                .field("backup_retention_days")
                .help(format!("use 0 to {MAX_BACKUP_RETENTION_DAYS} days")),
            );
        }
        let log_exports: Vec<String> = match &props.log_exports {
            Some(list) => list.clone(),
            None => engine.default_log_types().iter().map(|s| (*s).to_owned()).collect(),
        };
        for (i, log) in log_exports.iter().enumerate() {
            if !engine.log_types().contains(&log.as_str()) {
                stack.report(
                    ValidationError::new(
                        Code::LogExportInvalid,
                        &path,
                        format!("{} cannot export a `{log}` log", engine.as_str()),
                    )
                    .field(format!("log_exports[{i}]").as_str())
                    .help(format!("use any of: {}", engine.log_types().join(", "))),
                );
            }
        }
        if vpc.az_count() < 2 {
            stack.report(
                ValidationError::new(
                    Code::VpcSingleAz,
                    &path,
                    "an RDS subnet group needs subnets in at least two availability zones, and the VPC spans one",
                )
                .help("set the VPC's `max_azs` to 2 or more"),
            );
        }

        let subnet_group = stack.add_resource(
            &path.child("SubnetGroup"),
            Resource::new("AWS::RDS::DBSubnetGroup")
                .prop("DBSubnetGroupDescription", format!("Private subnets of {path}"))
                .prop("SubnetIds", vpc.private_subnet_ids.clone()),
        );
        let security_group = SecurityGroup::new(
            stack,
            &path.child("SecurityGroup"),
            &vpc.vpc_id,
            &SecurityGroupProps::described(format!("{} database {path}", engine.as_str())),
        );

        let multi_az = props.multi_az.unwrap_or(false);
        let mut instance = Resource::new("AWS::RDS::DBInstance")
            .prop("Engine", engine.as_str())
            .prop("EngineVersion", version.as_str())
            .prop("DBInstanceClass", instance_class)
            .prop("AllocatedStorage", storage.to_string())
            .prop_opt("MaxAllocatedStorage", props.max_allocated_storage_gib)
            .prop("StorageType", "gp3")
            .prop("StorageEncrypted", true)
            .prop("MultiAZ", multi_az)
            .prop("DBName", database_name.clone())
            .prop("MasterUsername", username)
            .prop("ManageMasterUserPassword", true)
            .prop("Port", port.to_string())
            .prop("DBSubnetGroupName", Intrinsic::ref_(&subnet_group))
            .prop("VPCSecurityGroups", json!([security_group.group_id.clone()]))
            .prop("PubliclyAccessible", false)
            .prop("DeletionProtection", props.deletion_protection.unwrap_or(true))
            .prop("BackupRetentionPeriod", retention)
            .prop("CopyTagsToSnapshot", true)
            .prop("AutoMinorVersionUpgrade", props.auto_minor_version_upgrade.unwrap_or(true));
        if !log_exports.is_empty() {
            instance = instance.prop("EnableCloudwatchLogsExports", log_exports);
        }
        let mut instance = instance.prop("Tags", json!([{"Key": "Name", "Value": path.to_string()}]));
        if is_major_version(engine, &version) {
            instance.metadata = Some(json!({"cfn-lint": {"config": {"ignore_checks": CFN_LINT_MAJOR_VERSION_CHECKS}}}));
        }
        let instance = instance.retain_policy(DeletionPolicy::Snapshot);
        let logical_id = stack.add_resource(&path, instance);

        let endpoint_address = Intrinsic::get_att(&logical_id, "Endpoint.Address");
        let secret_arn = Intrinsic::get_att(&logical_id, "MasterUserSecret.SecretArn");
        stack.add_output(
            &path.child("EndpointAddress"),
            Output::new(endpoint_address.clone(), format!("Host name of the database {path}")),
        );
        stack.add_output(
            &path.child("SecretArn"),
            Output::new(secret_arn.clone(), format!("ARN of the secret with the master user's credentials of {path}")),
        );

        Database {
            endpoint_port: Intrinsic::get_att(&logical_id, "Endpoint.Port"),
            path,
            logical_id,
            engine,
            port,
            database_name,
            endpoint_address,
            secret_arn,
            security_group,
        }
    }

    /// Admits `source_security_group_id` (e.g. the ECS instances' group) on
    /// the database port, as an ingress rule named `rule_name` under the
    /// database's security group. Returns the rule's logical ID.
    pub fn allow_from(&self, stack: &mut Stack, rule_name: &str, source_security_group_id: &Value) -> String {
        self.security_group.allow_tcp(
            stack,
            rule_name,
            &Peer::SecurityGroup(source_security_group_id.clone()),
            self.port,
            self.port,
            &format!("{} clients", self.engine.as_str()),
        )
    }

    /// The environment variables and secrets a service needs to connect:
    /// `DB_HOST`, `DB_PORT`, `DB_NAME` in the environment; `DB_USERNAME` and
    /// `DB_PASSWORD` as secrets read from the managed secret's `username` and
    /// `password` JSON keys. The task's execution role needs
    /// [`Database::secret_read_statement`].
    pub fn connection(&self) -> DatabaseConnection {
        let key = |k: &str| Intrinsic::join("", vec![self.secret_arn.clone(), Value::String(format!(":{k}::"))]);
        DatabaseConnection {
            environment: vec![
                ("DB_HOST".into(), self.endpoint_address.clone()),
                ("DB_PORT".into(), self.endpoint_port.clone()),
                ("DB_NAME".into(), Value::String(self.database_name.clone())),
            ],
            secrets: vec![("DB_USERNAME".into(), key("username")), ("DB_PASSWORD".into(), key("password"))],
        }
    }

    /// An IAM statement that lets a role read the managed secret (for the
    /// ECS task execution role). The secret is encrypted with the AWS managed
    /// key `aws/secretsmanager`, which needs no KMS grant.
    pub fn secret_read_statement(&self) -> PolicyStatement {
        PolicyStatement::allow(&["secretsmanager:GetSecretValue"], vec![self.secret_arn.clone()])
    }

    /// The environment of a service that reads the credentials itself when
    /// it connects: `DB_HOST`, `DB_PORT`, `DB_NAME` and `DB_SECRET_ARN` (the
    /// managed secret, JSON with `username` and `password`), no secrets
    /// injected. Its task role needs [`Database::secret_app_read_statement`].
    /// RDS rotates the managed secret every seven days; an app that reads it
    /// when it opens a connection (a Secrets Manager caching client, the AWS
    /// Advanced JDBC Wrapper's Secrets Manager plugin) keeps connecting
    /// after a rotation, which environment variables injected at task start
    /// cannot.
    pub fn connection_by_secret_arn(&self) -> DatabaseConnection {
        let mut environment = self.connection().environment;
        environment.push(("DB_SECRET_ARN".into(), self.secret_arn.clone()));
        DatabaseConnection { environment, secrets: Vec::new() }
    }

    /// An IAM statement that lets the application (the task role) read the
    /// managed secret and see its versions (`secretsmanager:GetSecretValue`,
    /// `secretsmanager:DescribeSecret`, which caching clients call).
    pub fn secret_app_read_statement(&self) -> PolicyStatement {
        PolicyStatement::allow(
            &["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            vec![self.secret_arn.clone()],
        )
    }
}

/// Whether `version` names a major version of `engine` only (`17`; `8.4`
/// for MySQL, whose majors have two parts), so RDS chooses the minor.
pub fn is_major_version(engine: DatabaseEngine, version: &str) -> bool {
    let parts = version.split('.').count();
    !version.contains("-rds.")
        && match engine {
            DatabaseEngine::Postgres => parts == 1,
            DatabaseEngine::Mysql => parts == 2,
        }
}

fn check_version(stack: &mut Stack, path: &ConstructPath, engine: DatabaseEngine, version: &str) {
    let (numeric, suffix) = match version.split_once("-rds.") {
        Some((n, s)) => (n, Some(s)),
        None => (version, None),
    };
    let parts: Vec<&str> = numeric.split('.').collect();
    let well_formed = !numeric.is_empty()
        && parts.len() <= 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && suffix.is_none_or(|s| s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()));
    let major: u32 = parts.first().and_then(|p| p.parse().ok()).unwrap_or(0);
    let fits_engine = match engine {
        DatabaseEngine::Postgres => (11..100).contains(&major) && parts.len() <= 2,
        DatabaseEngine::Mysql => matches!(major, 5 | 8 | 9) && (2..=3).contains(&parts.len()),
    };
    if !well_formed || !fits_engine {
        let example = engine.default_version();
        stack.report(
            ValidationError::new(
                Code::EngineVersionInvalid,
                path,
                format!("`{version}` is not a {} engine version", engine.as_str()),
            )
            .field("engine_version")
            .help(format!(
                "use a major version, e.g. `{example}`, or a full version RDS offers (see `aws rds describe-db-engine-versions`)"
            )),
        );
    }
}

fn check_instance_class(stack: &mut Stack, path: &ConstructPath, class: &str) {
    let parts: Vec<&str> = class.split('.').collect();
    let size_ok = |s: &str| {
        matches!(s, "micro" | "small" | "medium" | "large" | "xlarge" | "metal")
            || s.strip_suffix("xlarge").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let valid =
        parts.len() == 3 && parts[0] == "db" && KNOWN_INSTANCE_FAMILIES.contains(&parts[1]) && size_ok(parts[2]);
    if !valid {
        let why = if parts.len() == 3 && parts[0] == "db" && !KNOWN_INSTANCE_FAMILIES.contains(&parts[1]) {
            format!("`{}` is not an RDS instance family for PostgreSQL or MySQL", parts[1])
        } else {
            "instance classes are spelled `db.<family>.<size>`".to_owned()
        };
        stack.report(
            ValidationError::new(
                Code::InstanceClassInvalid,
                path,
                format!("`{class}` is not a valid instance class: {why}"),
            )
            .field("instance_class")
            .help(format!("use e.g. `{DEFAULT_INSTANCE_CLASS}`, `db.m7g.large` or `db.r7g.xlarge`")),
        );
    }
}

fn check_storage(stack: &mut Stack, path: &ConstructPath, storage: u32, max: Option<u32>) {
    if !(MIN_ALLOCATED_STORAGE_GIB..=MAX_ALLOCATED_STORAGE_GIB).contains(&storage) {
        stack.report(
            ValidationError::new(
                Code::StorageInvalid,
                path,
                format!("{storage} GiB of gp3 storage is outside what RDS accepts"),
            )
            .field("allocated_storage_gib")
            .help(format!("use {MIN_ALLOCATED_STORAGE_GIB} to {MAX_ALLOCATED_STORAGE_GIB} GiB")),
        );
    }
    if let Some(max) = max {
        if max <= storage || max > MAX_ALLOCATED_STORAGE_GIB {
            stack.report(
                ValidationError::new(
                    Code::MaxStorageInvalid,
                    path,
                    format!("storage autoscaling limit of {max} GiB must be above the allocated {storage} GiB and at most {MAX_ALLOCATED_STORAGE_GIB}"),
                )
                .field("max_allocated_storage_gib")
                .help("raise `max_allocated_storage_gib`, or leave it out to turn storage autoscaling off"),
            );
        }
    }
}

fn check_identifier(stack: &mut Stack, path: &ConstructPath, field: &str, what: &str, value: &str, max_len: usize) {
    let valid = !value.is_empty()
        && value.len() <= max_len
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        stack.report(
            ValidationError::new(
                if field == "database_name" { Code::NameInvalid } else { Code::UsernameInvalid },
                path,
                format!("{what} `{value}` is not valid"),
            )
            .field(field)
            .help(format!("use 1 to {max_len} letters, digits or underscores, starting with a letter")),
        );
    }
}

impl Connectable for Database {
    /// The database's security group, named `Database`, receiving its port.
    fn connections(&self) -> Connections {
        Connections::new("Database", &self.security_group, Some(Port::tcp(self.port)))
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        BackupRetentionInvalid => error("rds:backup-retention-invalid") {
            formerly: ["database-backup-retention-invalid"],
            title: "the backup retention is more than 35 days",
            explanation: "RDS keeps automated backups for 0 to 35 days (0 turns them off). Use a value in that range.",
        },
        EngineUnknown => error("rds:engine-unknown") {
            formerly: ["database-engine-unknown"],
            title: "the database engine is unknown",
            explanation: "rcdk's database supports the engines the message lists (e.g. `postgres`, `mysql`).\n\n\
         ```yaml\ndatabase: {engine: postgres}\n```",
        },
        EngineVersionInvalid => error("rds:engine-version-invalid") {
            formerly: ["database-engine-version-invalid"],
            title: "the engine version is not a version of the engine",
            explanation: "Give a full version RDS offers for the engine, e.g. `17.6` for PostgreSQL \
         (`aws rds describe-db-engine-versions` lists them), or leave `engine_version` out for rcdk's \
         default.",
        },
        InstanceClassInvalid => error("rds:instance-class-invalid") {
            formerly: ["database-instance-class-invalid"],
            title: "the database instance class is invalid",
            explanation: "RDS instance classes are `db.` followed by an instance family and size: `db.t4g.micro`, \
         `db.m7g.large`, `db.r7g.xlarge`.",
        },
        LogExportInvalid => error("rds:log-export-invalid") {
            formerly: ["database-log-export-invalid"],
            title: "the engine cannot export that log type",
            explanation: "Each engine exports its own log types to CloudWatch Logs (PostgreSQL: `postgresql`, `upgrade`, \
         `iam-db-auth-error`; MySQL: `error`, `general`, `slowquery`, `iam-db-auth-error`). Use one the \
         message lists.",
        },
        MaxStorageInvalid => error("rds:max-storage-invalid") {
            formerly: ["database-max-storage-invalid"],
            title: "the storage autoscaling limit is not above the allocated storage or too large",
            explanation: "Storage autoscaling grows the volume up to `max_allocated_storage_gib`, which must be above \
         `allocated_storage_gib` and at most 65,536 GiB. Raise it, or leave it out to turn storage \
         autoscaling off.",
        },
        NameInvalid => error("rds:name-invalid") {
            formerly: ["database-name-invalid"],
            title: "the database name is invalid",
            explanation: "RDS database names start with a letter and have only letters, digits and underscores, up to the \
         engine's length limit (the message says it).",
        },
        PortInvalid => error("rds:port-invalid") {
            formerly: ["database-port-invalid"],
            title: "the database port is below 1150",
            explanation: "RDS accepts ports 1150 to 65535 for these engines. Leave `port` out for the engine's default \
         (5432 for PostgreSQL, 3306 for MySQL).",
        },
        StorageInvalid => error("rds:storage-invalid") {
            formerly: ["database-storage-invalid"],
            title: "the allocated storage is outside what RDS accepts",
            explanation: "RDS gp3 storage is 20 to 65,536 GiB. Use a value in that range in `allocated_storage_gib`.",
        },
        UsernameInvalid => error("rds:username-invalid") {
            formerly: ["database-username-invalid"],
            title: "the master user name is invalid",
            explanation: "RDS master user names start with a letter and have only letters, digits and underscores, up to \
         the engine's length limit (the message says it).",
        },
        UsernameReserved => error("rds:username-reserved") {
            formerly: ["database-username-reserved"],
            title: "the master user name is reserved by the engine",
            explanation: "RDS reserves some user names for itself (`rdsadmin`, `rdsrepladmin`, `rds_superuser`, \
         `rds_replication`, `rdstopmgr`) and the engines reject SQL keywords such as `user`, `select` or \
         `table`; none of them can be the master user. Choose another name, or leave `master_username` out for rcdk's \
         default.",
        },
        VpcSingleAz => error("rds:vpc-single-az") {
            formerly: ["database-vpc-single-az"],
            title: "the database's VPC spans one availability zone",
            explanation: "An RDS DB subnet group needs subnets in at least two Availability Zones, even for a single-AZ \
         instance. Set the VPC's `max_azs` to 2 or more.",
        },
    }
}
