//! The to-do app's backend (seed 003) as a Rust program: two Flask services,
//! `main` (to-dos) and `files` (attachments), each in its own task definition
//! and target group, routed by path on one load balancer, with alarms,
//! target-tracking scaling and network ACLs — the same app as
//! `examples/todo-app.yaml`, composed from the construct library.
//!
//! Run it through rcdk, which sets `RCDK_OUTDIR` and reads the cloud assembly
//! it writes:
//!
//! ```text
//! rcdk synth --app "cargo run -q -p todo-app-rs" --out /tmp/todo
//! rcdk diff --app "cargo run -q -p todo-app-rs"
//! ```

use std::collections::BTreeMap;

use rcdk_app::cfn::Output;
use rcdk_app::cloudwatch::PresetAlarmProps;
use rcdk_app::core::{App, FieldPath, Stack, StackProps};
use rcdk_app::ec2::{NetworkAclsProps, Vpc, VpcProps};
use rcdk_app::ecs::{Cluster, ClusterProps};
use rcdk_app::elbv2::{Action, ApplicationLoadBalancer, HealthCheckProps, ListenerRuleProps, TargetGroupProps};
use rcdk_app::iam::PolicyStatement;
use rcdk_app::patterns::{LoadBalancedService, LoadBalancedServiceProps, ServiceAlarmsProps, ServiceScalingProps};
use rcdk_app::sns::{Topic, TopicProps};

/// The stack's name: `templates/todo-prod.yaml`.
const STACK: &str = "todo-prod";
/// Where the images live.
const REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

fn main() {
    rcdk_app::emit_or_exit(app());
}

/// The whole app.
fn app() -> App {
    let mut stack = Stack::new(
        StackProps {
            name: STACK.into(),
            region: Some("us-east-1".into()),
            description: Some("To-do app backend (seed 003)".into()),
            tags: tags(&[("app", "todo"), ("environment", "prod")]),
            ..Default::default()
        },
        FieldPath::root(),
    );
    let root = stack.root().clone();

    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        &VpcProps {
            cidr: Some("10.30.0.0/16".into()),
            network_acls: Some(NetworkAclsProps::default()),
            ..Default::default()
        },
    );
    let cluster = Cluster::new(
        &mut stack,
        "Cluster",
        &vpc,
        &ClusterProps {
            instance_type: Some("t3.medium".into()),
            min_capacity: Some(2),
            max_capacity: Some(6),
            ..Default::default()
        },
    );
    stack.add_output(&root.child("ClusterName"), Output::new(cluster.name.clone(), "Name of the ECS cluster"));
    let alb = ApplicationLoadBalancer::new(
        &mut stack,
        &root.child("LoadBalancer"),
        &vpc,
        &Default::default(),
        &Action::not_found(),
    );
    let topic = Topic::new(
        &mut stack,
        &root.child("AlarmTopic"),
        &TopicProps { email: Some("oncall@example.com".into()), ..Default::default() },
    );
    let notify = [topic.arn];

    let services = [
        (
            "files",
            service(
                "todo-files",
                &[("FILES_TABLE", "todo-prod-files"), ("FILES_BUCKET", "todo-prod-files")],
                vec![
                    PolicyStatement::allow(
                        &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"],
                        vec!["arn:aws:dynamodb:us-east-1:123456789012:table/todo-prod-files".into()],
                    ),
                    PolicyStatement::allow(
                        &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                        vec!["arn:aws:s3:::todo-prod-files/*".into()],
                    ),
                ],
                10,
                &["/*/todos/*/files", "/*/todos/*/files/*"],
                ServiceScalingProps {
                    min_capacity: 2,
                    max_capacity: 4,
                    cpu_target_percent: Some(60.0),
                    ..Default::default()
                },
                None,
            ),
        ),
        (
            "main",
            service(
                "todo-main",
                &[("TODO_TABLE", "todo-prod-todos")],
                vec![PolicyStatement::allow(
                    &[
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                        "dynamodb:Query",
                    ],
                    vec!["arn:aws:dynamodb:us-east-1:123456789012:table/todo-prod-todos".into()],
                )],
                20,
                &["/*/todos", "/*/todos/*"],
                ServiceScalingProps {
                    min_capacity: 2,
                    max_capacity: 6,
                    cpu_target_percent: Some(60.0),
                    requests_per_target: Some(500.0),
                    ..Default::default()
                },
                Some(ServiceAlarmsProps {
                    cpu: Some(PresetAlarmProps { threshold: Some(85.0), ..Default::default() }),
                    ..Default::default()
                }),
            ),
        ),
    ];
    for (name, props) in &services {
        let svc = LoadBalancedService::new(&mut stack, name, props, &cluster, &alb, &notify);
        stack.add_output(
            &svc.path.child("ServiceName"),
            Output::new(svc.service.name.clone(), format!("Name of the ECS service `{name}`")),
        );
    }

    let mut app = App::new();
    app.add_stack(stack);
    app
}

/// One Flask service listening on port 5000, health-checked on `/health`.
fn service(
    image: &str,
    environment: &[(&str, &str)],
    task_role_statements: Vec<PolicyStatement>,
    priority: u32,
    path_patterns: &[&str],
    scaling: ServiceScalingProps,
    alarms: Option<ServiceAlarmsProps>,
) -> LoadBalancedServiceProps {
    LoadBalancedServiceProps {
        image: format!("{REGISTRY}/{image}:1.0.3"),
        container_port: Some(5000),
        memory_reservation_mib: Some(256),
        memory_mib: Some(512),
        environment: tags(environment),
        task_role_statements,
        routing: Some(ListenerRuleProps {
            priority: Some(priority),
            path_patterns: Some(path_patterns.iter().map(|p| (*p).to_owned()).collect()),
            ..Default::default()
        }),
        target_group: Some(TargetGroupProps {
            health_check: Some(HealthCheckProps { path: Some("/health".into()), ..Default::default() }),
            ..Default::default()
        }),
        scaling: Some(scaling),
        alarms,
        ..Default::default()
    }
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}
