//! The database construct: snapshots of its resources, its connection
//! details, and validation of its props.

#[macro_use]
mod support;

use rcdk_constructs::cfn::{Format, Template};
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use rcdk_constructs::rds::{Database, DatabaseProps};
use serde_json::json;

/// Builds a two-AZ VPC, an "Instances" security group and the database;
/// returns the handle and the synthesized template, or the problems.
/// Problems as (code, field, message).
type Problems = Vec<(String, String, String)>;

fn build(props: &DatabaseProps, max_azs: u8) -> (Database, Result<Template, Problems>) {
    let mut stack = Stack::new(StackProps { name: "orders".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps { max_azs: Some(max_azs), ..Default::default() });
    let instances_path = stack.root().child("Instances");
    let instances =
        SecurityGroup::new(&mut stack, &instances_path, &vpc.vpc_id, &SecurityGroupProps::described("ECS instances"));
    let db = stack.in_field("database", |s| Database::new(s, &root.child("Database"), &vpc, props));
    db.allow_from(&mut stack, "FromInstances", &instances.group_id);
    let mut app = App::new();
    app.add_stack(stack);
    let result = match app.synth(Format::Yaml) {
        Ok(mut stacks) => Ok(stacks.remove(0).template),
        Err(e) => Err(e.0.iter().map(|e| (e.code.to_string(), e.field.to_string(), e.to_string())).collect()),
    };
    (db, result)
}

/// The database's own resources and outputs (not the VPC's), as YAML.
fn database_part(template: &Template) -> String {
    let mut t = Template::new();
    t.resources = template
        .resources
        .iter()
        .filter(|(k, _)| k.starts_with("Database"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    t.outputs = template
        .outputs
        .iter()
        .filter(|(k, _)| k.starts_with("Database"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    t.to_yaml().expect("renders")
}

fn ok(props: &DatabaseProps) -> (Database, Template) {
    let (db, t) = build(props, 2);
    (db, t.unwrap_or_else(|e| panic!("unexpected problems: {e:?}")))
}

fn problems(props: &DatabaseProps) -> Problems {
    build(props, 2).1.expect_err("expected problems")
}

#[test]
fn postgres_defaults_are_secure_and_snapshot() {
    let (db, template) = ok(&DatabaseProps::default());
    let r = &template.resources["Database"];
    let p = &r.properties;
    assert_eq!(p["Engine"], json!("postgres"));
    assert_eq!(p["StorageEncrypted"], json!(true));
    assert_eq!(p["StorageType"], json!("gp3"));
    assert_eq!(p["PubliclyAccessible"], json!(false));
    assert_eq!(p["DeletionProtection"], json!(true));
    assert_eq!(p["MultiAZ"], json!(false));
    assert_eq!(p["ManageMasterUserPassword"], json!(true));
    assert!(!p.contains_key("MasterUserPassword"), "no password in the template");
    assert_eq!(p["BackupRetentionPeriod"], json!(7));
    assert_eq!(p["EnableCloudwatchLogsExports"], json!(["postgresql", "upgrade"]));
    let yaml = database_part(&template);
    assert!(yaml.contains("DeletionPolicy: Snapshot") && yaml.contains("UpdateReplacePolicy: Snapshot"));
    // Only the instances' security group is admitted, on 5432.
    let rule = &template.resources["DatabaseSecurityGroupFromInstances"].properties;
    assert_eq!(rule["FromPort"], json!(5432));
    assert_eq!(rule["ToPort"], json!(5432));
    assert_eq!(rule["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["Instances", "GroupId"]}));
    let ingress = template.resources.values().filter(|r| r.resource_type == "AWS::EC2::SecurityGroupIngress").count();
    assert_eq!(ingress, 1);
    assert_eq!(db.secret_arn, json!({"Fn::GetAtt": ["Database", "MasterUserSecret.SecretArn"]}));
    snapshot!("rds_postgres_defaults", yaml);
}

#[test]
fn mysql_multi_az_snapshot() {
    let props = DatabaseProps {
        engine: Some("mysql".into()),
        // A pinned full version, patched by hand: automatic minor upgrades off.
        engine_version: Some("8.0.43".into()),
        auto_minor_version_upgrade: Some(false),
        instance_class: Some("db.r7g.large".into()),
        allocated_storage_gib: Some(200),
        max_allocated_storage_gib: Some(1000),
        multi_az: Some(true),
        database_name: Some("ordermanagement".into()),
        master_username: Some("cuba".into()),
        deletion_protection: Some(false),
        backup_retention_days: Some(30),
        log_exports: Some(vec!["error".into(), "slowquery".into(), "general".into()]),
        port: None,
        ..Default::default()
    };
    let (db, template) = ok(&props);
    assert_eq!(db.port, 3306);
    let p = &template.resources["Database"].properties;
    assert_eq!(p["MultiAZ"], json!(true));
    assert_eq!(p["MaxAllocatedStorage"], json!(1000));
    assert_eq!(p["Port"], json!("3306"));
    snapshot!("rds_mysql_multi_az", database_part(&template));
}

#[test]
fn connection_gives_environment_and_secret_keys() {
    let (db, _) = ok(&DatabaseProps::default());
    let c = db.connection();
    assert_eq!(
        c.environment_json(),
        json!([
            {"Name": "DB_HOST", "Value": {"Fn::GetAtt": ["Database", "Endpoint.Address"]}},
            {"Name": "DB_PORT", "Value": {"Fn::GetAtt": ["Database", "Endpoint.Port"]}},
            {"Name": "DB_NAME", "Value": "app"},
        ])
    );
    let secret = json!({"Fn::GetAtt": ["Database", "MasterUserSecret.SecretArn"]});
    assert_eq!(
        c.secrets_json(),
        json!([
            {"Name": "DB_USERNAME", "ValueFrom": {"Fn::Join": ["", [secret, ":username::"]]}},
            {"Name": "DB_PASSWORD", "ValueFrom": {"Fn::Join": ["", [secret, ":password::"]]}},
        ])
    );
    let statement = db.secret_read_statement();
    assert_eq!(statement.actions, vec!["secretsmanager:GetSecretValue".to_owned()]);
    assert_eq!(statement.resources, vec![secret]);
}

#[test]
fn props_deserialize_from_yaml_and_reject_unknown_fields() {
    let props: DatabaseProps =
        serde_yaml::from_str("engine: mysql\ninstance_class: db.t4g.small\nmulti_az: true\n").expect("valid YAML");
    assert_eq!(props.engine.as_deref(), Some("mysql"));
    assert_eq!(props.multi_az, Some(true));
    let err = serde_yaml::from_str::<DatabaseProps>("engine: mysql\npassword: hunter2\n").expect_err("unknown field");
    assert!(err.to_string().contains("unknown field `password`"), "{err}");
}

#[test]
fn unknown_engine_is_located() {
    let errs = problems(&DatabaseProps { engine: Some("oracle".into()), ..Default::default() });
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].0.as_str(), errs[0].1.as_str()), ("rds:engine-unknown", "database.engine"));
    assert!(errs[0].2.contains("`oracle`") && errs[0].2.contains("orders/Database"), "{}", errs[0].2);
}

#[test]
fn invalid_props_are_all_reported_with_fields() {
    let errs = problems(&DatabaseProps {
        engine: Some("postgres".into()),
        engine_version: Some("8.0.36".into()),
        instance_class: Some("db.z9.large".into()),
        allocated_storage_gib: Some(10),
        max_allocated_storage_gib: Some(5),
        database_name: Some("1orders".into()),
        master_username: Some("rdsadmin".into()),
        port: Some(80),
        backup_retention_days: Some(36),
        log_exports: Some(vec!["postgresql".into(), "slowquery".into()]),
        ..Default::default()
    });
    let got: Vec<(&str, &str)> = errs.iter().map(|(c, f, _)| (c.as_str(), f.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("rds:engine-version-invalid", "database.engine_version"),
            ("rds:instance-class-invalid", "database.instance_class"),
            ("rds:storage-invalid", "database.allocated_storage_gib"),
            ("rds:max-storage-invalid", "database.max_allocated_storage_gib"),
            ("rds:name-invalid", "database.database_name"),
            ("rds:username-reserved", "database.master_username"),
            ("rds:port-invalid", "database.port"),
            ("rds:backup-retention-invalid", "database.backup_retention_days"),
            ("rds:log-export-invalid", "database.log_exports[1]"),
        ]
    );
    assert!(errs[1].2.contains("`z9` is not an RDS instance family"), "{}", errs[1].2);
}

#[test]
fn instance_class_shapes() {
    for good in ["db.t4g.micro", "db.m7g.large", "db.r6i.16xlarge", "db.m5d.metal", "db.x2iedn.xlarge"] {
        let (_, t) = build(&DatabaseProps { instance_class: Some(good.into()), ..Default::default() }, 2);
        assert!(t.is_ok(), "{good}: {t:?}");
    }
    for bad in ["t4g.micro", "db.t4g", "db.t4g.huge", "db.t4g.micro.x", "db.t4g.x2large", "db..large", ""] {
        let errs = problems(&DatabaseProps { instance_class: Some(bad.into()), ..Default::default() });
        assert_eq!(errs[0].0, "rds:instance-class-invalid", "{bad}");
    }
}

#[test]
fn storage_bounds_are_inclusive() {
    for good in [20, 65_536] {
        assert!(build(&DatabaseProps { allocated_storage_gib: Some(good), ..Default::default() }, 2).1.is_ok());
    }
    for bad in [19, 65_537] {
        let errs = problems(&DatabaseProps { allocated_storage_gib: Some(bad), ..Default::default() });
        assert_eq!(errs[0].0, "rds:storage-invalid");
    }
}

#[test]
fn a_single_az_vpc_is_refused() {
    let errs = build(&DatabaseProps::default(), 1).1.expect_err("one AZ");
    assert_eq!(errs[0].0, "rds:vpc-single-az");
    assert!(errs[0].2.contains("two availability zones"));
}
