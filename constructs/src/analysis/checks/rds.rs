//! RDS databases as real AWS runs them over time: automatic minor upgrades
//! that move past a pinned engine version, and the rotation of the master
//! user's managed secret under services that got it at task start.

use serde_json::Value;

use crate::analysis::check::Sink;
use crate::analysis::model::{prop, Doc, V};
use crate::rds::{is_major_version, DatabaseEngine};

/// Days between two rotations of an RDS-managed master user secret, unless
/// changed in Secrets Manager (Amazon RDS User Guide, "Password management
/// with Amazon RDS and AWS Secrets Manager").
pub const MANAGED_SECRET_ROTATION_DAYS: u32 = 7;

/// The database whose managed master secret `v` reads (`Fn::GetAtt
/// <Db>.MasterUserSecret.SecretArn`, also inside a `Fn::Join`).
fn master_secret_of<'a>(doc: &Doc<'a>, v: &'a Value) -> Option<&'a str> {
    match doc.resolve(v) {
        V::Att(db, "MasterUserSecret.SecretArn")
            if matches!(doc.ty(db), Some("AWS::RDS::DBInstance" | "AWS::RDS::DBCluster")) =>
        {
            return Some(db)
        }
        _ => {}
    }
    match v {
        Value::Array(items) => items.iter().find_map(|x| master_secret_of(doc, x)),
        Value::Object(m) => m.values().find_map(|x| master_secret_of(doc, x)),
        _ => None,
    }
}

/// Containers that get the master user's credentials injected by ECS at
/// task start, while RDS rotates them.
fn master_credentials_in_env(doc: &Doc<'_>, sink: &mut Sink<'_>) {
    for td in doc.of_type("AWS::ECS::TaskDefinition") {
        for c in doc.list(td.props.get("ContainerDefinitions")).unwrap_or_default() {
            let injected: Vec<(&str, &str)> = doc
                .list(c.get("Secrets"))
                .unwrap_or_default()
                .iter()
                .filter_map(|s| {
                    let db = master_secret_of(doc, s.get("ValueFrom")?)?;
                    Some((s.get("Name").and_then(Value::as_str).unwrap_or("?"), db))
                })
                .collect();
            let Some((_, db)) = injected.first() else { continue };
            let names: Vec<&str> = injected.iter().map(|(n, _)| *n).collect();
            let name = c.get("Name").and_then(Value::as_str).unwrap_or_default();
            let f = sink.report(
                crate::patterns::load_balanced_service::Code::MasterCredentialsInService,
                td.id,
                format!(
                    "container `{name}` of {} gets the master user's credentials of {db} ({}) injected when a task \
                     starts: RDS rotates them every {MANAGED_SECRET_ROTATION_DAYS} days, after which tasks started before \
                     the rotation cannot open new connections; and the app connects as the master user",
                    td.id,
                    names.join(", ")
                ),
                "let the app read the secret when it connects (`database_credentials: secret_arn`: DB_SECRET_ARN and the \
                 task role allowed to read it), or write `database_credentials: env` and replace the tasks after each \
                 rotation (`aws ecs update-service --force-new-deployment`)"
                    .into(),
            );
            f.field = Some("database");
        }
    }
}

pub(crate) fn check(doc: &Doc<'_>, sink: &mut Sink<'_>) {
    master_credentials_in_env(doc, sink);
    for db in doc.of_type("AWS::RDS::DBInstance") {
        // Aurora instances take their version from the cluster.
        if db.props.get("DBClusterIdentifier").is_some() {
            continue;
        }
        let Some(engine) = prop(doc, db, "Engine").as_str().and_then(DatabaseEngine::parse) else { continue };
        let V::Str(version) = prop(doc, db, "EngineVersion") else { continue };
        // RDS upgrades minor versions automatically unless told otherwise.
        let auto = match db.props.get("AutoMinorVersionUpgrade") {
            None => true,
            Some(v) => doc.resolve(v).as_bool().unwrap_or(false),
        };
        if !auto || is_major_version(engine, &version) {
            continue;
        }
        let major = match engine {
            DatabaseEngine::Postgres => version.split('.').next().unwrap_or_default().to_owned(),
            DatabaseEngine::Mysql => version.split('.').take(2).collect::<Vec<_>>().join("."),
        };
        let f = sink.report(
            Code::EngineVersionPinned,
            db.id,
            format!(
                "database {} pins {} {version} and lets RDS apply minor upgrades: once RDS has moved it past {version}, a \
                 deploy that still asks for {version} is a downgrade RDS refuses, and once RDS retires {version} a new \
                 stack cannot create the database",
                db.id,
                engine.as_str()
            ),
            format!(
                "write the major version only (`engine_version: '{major}'`) and let RDS choose the minor, or set \
                 `auto_minor_version_upgrade: false` and upgrade by changing `engine_version` yourself"
            ),
        );
        f.field = Some("engine_version");
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        EngineVersionPinned => warning("rds:engine-version-pinned") {
            title: "a full engine version pinned while RDS upgrades minor versions itself",
            explanation: "With `AutoMinorVersionUpgrade: true` (rcdk's default, and RDS's), RDS upgrades the database to \
         newer minor versions in the maintenance window. A template that names a full version \
         (`EngineVersion: '17.6'`) then no longer matches the database: the next deploy that updates the \
         instance asks RDS for 17.6 — a downgrade, which fails the update (aws/aws-cdk#15475) — and once \
         RDS retires 17.6, a new stack from the same template cannot create the database. \
         AWS::RDS::DBInstance: \"If you specify only the major version (for example, 5.6), your DB \
         instance will be upgraded to use the latest default version\" \
         (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-engineversion>); \
         upgrades: \
         <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html>.\n\nWrite \
         the major version only — `engine_version: '17'` for PostgreSQL, `'8.4'` for MySQL, rcdk's \
         default, as the AWS CDK's `PostgresEngineVersion.VER_17` — or turn automatic minor upgrades off \
         (`auto_minor_version_upgrade: false`) and upgrade by changing `engine_version` yourself. \
         Changing an existing database from `17.6` to `17` is an update of `EngineVersion`: RDS may \
         upgrade it to the default minor of 17 then (a brief interruption; with Multi-AZ a failover). \
         rcdk writes `Metadata.cfn-lint.config.ignore_checks: [E3691, W3691]` on a database with a \
         major-only version: cfn-lint's data lists only full MySQL versions and marks bare PostgreSQL \
         majors deprecated, though RDS accepts both (aws-cloudformation/cfn-lint#3849).",
        },
    }
}
