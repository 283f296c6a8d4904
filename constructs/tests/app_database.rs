//! `database:` and `bastion:` in the app schema, and services opting in to
//! the database.

use rcdk_constructs::app::{AppProps, StackSpec};
use rcdk_constructs::cfn::{Format, Template};
use rcdk_constructs::ec2::{BastionProps, VpcProps};
use rcdk_constructs::ecs::NetworkMode;
use rcdk_constructs::patterns::{CanaryProps, LoadBalancedServiceProps};
use rcdk_constructs::rds::DatabaseProps;
use serde_json::{json, Value};

fn template(network_mode: Option<NetworkMode>, bastion: bool) -> Template {
    let app = AppProps {
        stacks: vec![StackSpec {
            name: "orders".into(),
            vpc: Some(VpcProps { max_azs: Some(2), ..Default::default() }),
            database: Some(DatabaseProps { multi_az: Some(true), ..Default::default() }),
            bastion: bastion.then(BastionProps::default),
            services: [
                (
                    "app".to_owned(),
                    LoadBalancedServiceProps {
                        image: "orders/app:1.0.0".into(),
                        database: Some(true),
                        network_mode,
                        canary: Some(CanaryProps { image: "orders/app:1.1.0".into(), ..Default::default() }),
                        ..Default::default()
                    },
                ),
                (
                    "reports".to_owned(),
                    LoadBalancedServiceProps {
                        image: "orders/reports:1.0.0".into(),
                        network_mode,
                        routing: serde_yaml::from_str("{path_patterns: [/reports/*]}").expect("yaml"),
                        ..Default::default()
                    },
                ),
            ]
            .into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    app.synth(Format::Yaml).unwrap_or_else(|e| panic!("{e}")).remove(0).template
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().map(|l| l.iter().filter_map(|e| e["Name"].as_str()).collect()).unwrap_or_default()
}

fn statements(t: &Template, role: &str) -> Vec<Value> {
    t.resources[role].properties["Policies"][0]["PolicyDocument"]["Statement"].as_array().cloned().unwrap_or_default()
}

#[test]
fn opted_in_services_get_the_connection_and_the_secret() {
    let t = template(None, false);
    for td in ["AppTaskDefinition", "AppCanaryTaskDefinition"] {
        let c = &t.resources[td].properties["ContainerDefinitions"][0];
        assert_eq!(
            names(&c["Environment"]),
            ["AWS_DEFAULT_REGION", "AWS_REGION", "DB_HOST", "DB_NAME", "DB_PORT"],
            "{td}"
        );
        assert_eq!(names(&c["Secrets"]), ["DB_PASSWORD", "DB_USERNAME"], "{td}");
        let read = json!({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
            "Resource": {"Fn::GetAtt": ["Database", "MasterUserSecret.SecretArn"]}});
        assert!(statements(&t, &format!("{td}ExecutionRole")).contains(&read), "{td}");
    }
    let reports = &t.resources["ReportsTaskDefinition"].properties["ContainerDefinitions"][0];
    assert_eq!(names(&reports["Environment"]), ["AWS_DEFAULT_REGION", "AWS_REGION"], "no opt-in, no connection");
    assert!(reports.get("Secrets").is_none(), "no opt-in, no connection");
    assert!(statements(&t, "ReportsTaskDefinitionExecutionRole")
        .iter()
        .all(|s| s["Action"] != "secretsmanager:GetSecretValue"));
    // Bridge mode: the instances' group is admitted, once, on 5432.
    let ingress = &t.resources["DatabaseSecurityGroupFromEcsInstances"].properties;
    assert_eq!(ingress["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["ClusterInstanceSecurityGroup", "GroupId"]}));
    assert_eq!((ingress["FromPort"].clone(), ingress["ToPort"].clone()), (json!(5432), json!(5432)));
    let db_rules = t.resources.keys().filter(|k| k.starts_with("DatabaseSecurityGroupFrom")).count();
    assert_eq!(db_rules, 1);
    assert_eq!(t.resources["Database"].properties["MultiAZ"], json!(true));
}

#[test]
fn awsvpc_services_admit_their_own_tasks_only() {
    let t = template(Some(NetworkMode::Awsvpc), false);
    let mut rules: Vec<&String> = t.resources.keys().filter(|k| k.starts_with("DatabaseSecurityGroupFrom")).collect();
    rules.sort();
    assert_eq!(rules, ["DatabaseSecurityGroupFromAppCanaryService", "DatabaseSecurityGroupFromAppService"]);
}

#[test]
fn bastion_reaches_instances_and_database() {
    let t = template(None, true);
    let ssh = &t.resources["ClusterInstanceSecurityGroupFromBastion"].properties;
    assert_eq!(ssh["FromPort"], json!(22));
    assert_eq!(ssh["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["BastionSecurityGroup", "GroupId"]}));
    let db = &t.resources["DatabaseSecurityGroupFromBastion"].properties;
    assert_eq!(db["FromPort"], json!(5432));
    assert!(!t.resources.keys().any(|k| k == "BastionSecurityGroupSshIngress"), "no SSH from anywhere by default");
    assert!(template(None, false).resources.keys().all(|k| !k.starts_with("Bastion")), "off when absent");
}
