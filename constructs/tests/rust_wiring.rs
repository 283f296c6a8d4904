//! Wiring from Rust in one call each. Connecting a service to a database is
//! one switch: the database handed to the service in its `ServiceContext`
//! wires the connection's variables, the secret's grant and the security
//! group rule; the props' `database: true` without a database is a located
//! error, never a silent half-wiring. The service is `Connectable` like the
//! CDK's, and a certificate handle goes where the load balancer takes an ARN.

use rcdk_constructs::core::{FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{Vpc, VpcProps};
use rcdk_constructs::ecs::Cluster;
use rcdk_constructs::elbv2::{Action, ApplicationLoadBalancer};
use rcdk_constructs::patterns::platform::{self, StackSpec};
use rcdk_constructs::patterns::{LoadBalancedService, LoadBalancedServiceProps, ServiceContext};
use rcdk_constructs::rds::{Database, DatabaseProps};
use serde_json::Value;

fn container_env_names(stack: &Stack, service: &LoadBalancedService) -> Vec<String> {
    let td = &stack.template.resources[&service.task_definition.logical_id];
    let env = td.properties["ContainerDefinitions"][0]["Environment"].as_array().cloned().unwrap_or_default();
    env.iter().filter_map(|e| e["Name"].as_str().map(str::to_owned)).collect()
}

fn ingress_to(stack: &Stack, group: &Value) -> usize {
    stack
        .template
        .resources
        .values()
        .filter(|r| r.resource_type == "AWS::EC2::SecurityGroupIngress" && &r.properties["GroupId"] == group)
        .count()
}

/// A stack `shop` with a VPC, a cluster and a load balancer.
struct Base {
    stack: Stack,
    root: rcdk_constructs::core::ConstructPath,
    vpc: Vpc,
    cluster: Cluster,
    alb: ApplicationLoadBalancer,
}

fn base() -> Base {
    let mut stack = Stack::new(StackProps { name: "shop".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps::default());
    let cluster = Cluster::new(&mut stack, &root.child("Cluster"), &vpc, &Default::default());
    let alb =
        ApplicationLoadBalancer::new(&mut stack, &root.child("Lb"), &vpc, &Action::not_found(), &Default::default());
    Base { stack, root, vpc, cluster, alb }
}

#[test]
fn a_database_in_the_context_wires_variables_grants_and_network_in_one_switch() {
    let Base { mut stack, root, vpc, cluster, alb } = base();
    let postgres = DatabaseProps { engine: Some("postgres".into()), ..Default::default() };
    let db = Database::new(&mut stack, &root.child("Database"), &vpc, &postgres);
    let before = ingress_to(&stack, &db.security_group.group_id);
    // No `database: Some(true)` in the props: the context is the switch.
    let on = ServiceContext { database: Some(&db), ..ServiceContext::new(&cluster, &alb) };
    let web =
        LoadBalancedService::new(&mut stack, &root.child("web"), &on, &LoadBalancedServiceProps::new("nginx:1.27.0"));
    assert!(stack.errors().is_empty(), "{:?}", stack.errors());
    let names = container_env_names(&stack, &web);
    for key in ["DB_HOST", "DB_PORT", "DB_NAME"] {
        assert!(names.iter().any(|n| n == key), "{key} in {names:?}");
    }
    assert_eq!(ingress_to(&stack, &db.security_group.group_id), before + 1, "the database admits the service");
}

#[test]
fn the_props_flag_without_a_database_is_a_located_error() {
    let Base { mut stack, root, cluster, alb, .. } = base();
    let props = LoadBalancedServiceProps { database: Some(true), ..LoadBalancedServiceProps::new("nginx:1.27.0") };
    LoadBalancedService::new(&mut stack, &root.child("web"), &ServiceContext::new(&cluster, &alb), &props);
    let e = stack.errors().iter().find(|e| e.code.as_str() == "service:database-missing").expect("reported");
    assert_eq!((e.construct.to_string().as_str(), e.field.to_string().as_str()), ("shop/web", "database"));
}

#[test]
fn the_platform_connects_only_the_services_that_ask() {
    let with_db = |connect: Option<bool>| {
        let web = LoadBalancedServiceProps { database: connect, ..LoadBalancedServiceProps::new("nginx:1.27.0") };
        let spec = StackSpec::new("shop")
            .vpc(VpcProps::default())
            .database(DatabaseProps { engine: Some("postgres".into()), ..Default::default() })
            .service("web", web);
        let built = platform::build(&[spec]).pop().expect("one stack");
        let names = container_env_names(&built.stack, &built.platform.services["web"]);
        names.iter().any(|n| n == "DB_HOST")
    };
    assert!(with_db(Some(true)));
    assert!(!with_db(None), "a service of a stack with a database is not connected unless it says so");
}

#[test]
fn the_service_has_connections_and_allows_itself_to_the_database_like_the_cdk() {
    use rcdk_constructs::ec2::{Connectable, Port};
    let Base { mut stack, root, vpc, cluster, alb } = base();
    let db = Database::new(&mut stack, &root.child("Database"), &vpc, &DatabaseProps::default());
    let on = ServiceContext::new(&cluster, &alb);
    let web =
        LoadBalancedService::new(&mut stack, &root.child("web"), &on, &LoadBalancedServiceProps::new("nginx:1.27.0"));
    // Bridge mode (the default): the tasks run as the cluster's instances.
    assert_eq!(web.connections().security_group.group_id, cluster.instance_security_group.group_id);
    let before = ingress_to(&stack, &db.security_group.group_id);
    web.connections().allow_to(&mut stack, &db, Port::tcp(5432), "web to the database");
    assert_eq!(ingress_to(&stack, &db.security_group.group_id), before + 1);
}

#[test]
fn a_certificate_handle_is_passed_where_the_load_balancer_takes_an_arn() {
    use rcdk_constructs::acm::{Certificate, DomainProps};
    use rcdk_constructs::elbv2::LoadBalancerProps;
    let mut stack = Stack::new(StackProps { name: "shop".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps::default());
    let cert =
        Certificate::new(&mut stack, &root.child("Cert"), &DomainProps::new("shop.example.com", "Z1R8UBAEXAMPLE"));
    // The handle itself, no `.to_string()` of its `Value`.
    let props = LoadBalancerProps::default().certificate(&cert);
    let alb = ApplicationLoadBalancer::new(&mut stack, &root.child("Lb"), &vpc, &Action::not_found(), &props);
    assert!(stack.errors().is_empty(), "{:?}", stack.errors());
    let https = alb.https_listener.as_ref().expect("a certificate turns HTTPS on");
    let listener = &stack.template.resources[&https.logical_id];
    assert_eq!(listener.properties["Certificates"][0]["CertificateArn"], cert.arn);

    // A literal ARN given the same way is still checked, located at its index.
    let mut stack = Stack::new(StackProps { name: "shop".into(), ..Default::default() }, FieldPath::root());
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps::default());
    let props = LoadBalancerProps::default().certificate("not-an-arn");
    ApplicationLoadBalancer::new(&mut stack, &root.child("Lb"), &vpc, &Action::not_found(), &props);
    let e = stack.errors().iter().find(|e| e.code.as_str() == "elbv2:certificate-arn-invalid").expect("refused");
    assert_eq!(e.field.to_string(), "certificates[0]");
}
