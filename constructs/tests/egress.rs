//! `egress: connected`: a service's tasks may open connections only to what
//! the service is connected to, and the whole-app reach analysis sees it:
//! the service reaches the database and nothing else. In bridge mode the
//! tasks have no group of their own, so the restriction is refused at the
//! field.

use rcdk_constructs::analysis::reach::access;
use rcdk_constructs::analysis::{Doc, StackTemplate};
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::Vpc;
use rcdk_constructs::ecs::{Cluster, NetworkMode};
use rcdk_constructs::elbv2::{Action, ApplicationLoadBalancer};
use rcdk_constructs::iam::PolicyStatement;
use rcdk_constructs::patterns::platform::{self, StackSpec};
use rcdk_constructs::patterns::{Egress, LoadBalancedService, LoadBalancedServiceProps, ServiceContext};
use rcdk_constructs::rds::{Database, DatabaseProps};
use serde_json::{json, Value};

/// The template of a stack `shop` whose service `api` (awsvpc) is connected
/// to a PostgreSQL database, with `props` adjusted by `adjust`.
fn shop(adjust: impl FnOnce(LoadBalancedServiceProps) -> LoadBalancedServiceProps) -> Value {
    let mut stack = Stack::new(StackProps { name: "shop".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &Default::default());
    let cluster = Cluster::new(&mut stack, &root.child("Cluster"), &vpc, &Default::default());
    let alb =
        ApplicationLoadBalancer::new(&mut stack, &root.child("Lb"), &vpc, &Action::not_found(), &Default::default());
    let postgres = DatabaseProps { engine: Some("postgres".into()), ..Default::default() };
    let db = Database::new(&mut stack, &root.child("Db"), &vpc, &postgres);
    let on = ServiceContext { database: Some(&db), ..ServiceContext::new(&cluster, &alb) };
    let mut props = LoadBalancedServiceProps::new("nginx:1.27.0");
    props.network_mode = Some(NetworkMode::Awsvpc);
    LoadBalancedService::new(&mut stack, &root.child("api"), &on, &adjust(props));
    assert!(stack.errors().is_empty(), "{:?}", stack.errors());
    let mut app = App::new();
    app.add_stack(stack);
    let out = app.synth(rcdk_constructs::cfn::Format::Yaml).expect("synthesizes");
    serde_json::to_value(&out[0].template).expect("template")
}

/// What the reach analysis says the tasks of service `api` can reach.
fn api_reaches(template: &Value) -> Vec<String> {
    let doc = Doc::from_json(template, Some("eu-west-1")).expect("a template");
    let facts = access(&[StackTemplate { name: "shop", doc, inputs: vec![], nested_in: None }]);
    facts.into_iter().filter(|f| f.subject.starts_with("service `ApiService`")).map(|f| f.predicate).collect()
}

fn egress_rules_of(template: &Value, group: &str) -> Vec<Value> {
    let resources = template["Resources"].as_object().expect("resources");
    resources
        .values()
        .filter(|r| {
            r["Type"] == "AWS::EC2::SecurityGroupEgress" && r["Properties"]["GroupId"]["Fn::GetAtt"][0] == group
        })
        .map(|r| r["Properties"].clone())
        .collect()
}

#[test]
fn a_connected_service_reaches_the_database_and_nothing_else() {
    let t = shop(|p| LoadBalancedServiceProps { egress: Some(Egress::Connected), ..p });
    let group = &t["Resources"]["ApiServiceSecurityGroup"]["Properties"];
    assert_eq!(group["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32", "no default allow-all rule");
    let rules = egress_rules_of(&t, "ApiServiceSecurityGroup");
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0]["DestinationSecurityGroupId"], json!({"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]}));
    assert_eq!((rules[0]["FromPort"].clone(), rules[0]["ToPort"].clone()), (json!(5432), json!(5432)));
    assert_eq!(api_reaches(&t), vec!["reach database Db (security group DbSecurityGroup) on tcp/5432".to_owned()]);
}

#[test]
fn an_open_service_reaches_the_internet_too() {
    let t = shop(|p| p);
    let reaches = api_reaches(&t);
    assert!(reaches.contains(&"reach the internet (0.0.0.0/0) on all traffic".to_owned()), "{reaches:?}");
    assert!(egress_rules_of(&t, "ApiServiceSecurityGroup").is_empty());
}

#[test]
fn a_service_that_calls_aws_apis_gets_https_out_and_nothing_more() {
    let t = shop(|p| LoadBalancedServiceProps {
        egress: Some(Egress::Connected),
        task_role_statements: vec![PolicyStatement::allow(
            &["sqs:SendMessage"],
            vec![json!("arn:aws:sqs:eu-west-1:123456789012:orders")],
        )],
        ..p
    });
    let mut reaches = api_reaches(&t);
    reaches.sort();
    assert_eq!(
        reaches,
        vec![
            "reach database Db (security group DbSecurityGroup) on tcp/5432".to_owned(),
            "reach the internet (0.0.0.0/0) on tcp/443".to_owned(),
        ]
    );
}

#[test]
fn restricting_a_bridge_mode_service_is_refused_at_its_field() {
    let service =
        LoadBalancedServiceProps { egress: Some(Egress::Connected), ..LoadBalancedServiceProps::new("nginx:1.27.0") };
    let built = platform::build(&[StackSpec::new("shop").vpc(Default::default()).service("api", service)])
        .pop()
        .expect("one stack");
    let e = built.stack.errors().iter().find(|e| e.code == "ecs:egress-needs-awsvpc").expect("refused");
    assert_eq!(e.field.to_string(), "stacks[0].services.api.egress");
    assert!(e.help.as_deref().is_some_and(|h| h.contains("network_mode: awsvpc")), "{e:?}");
    assert!(
        !built.stack.template.resources.values().any(|r| r.resource_type == "AWS::EC2::SecurityGroupEgress"),
        "the cluster's group keeps its egress"
    );
}
