//! The to-do app's backend (seed 003) as a Rust program: two Flask services,
//! `main` (to-dos) and `files` (attachments), each in its own task definition
//! and target group, routed by path on one load balancer, with alarms,
//! target-tracking scaling and network ACLs — the app of
//! `examples/todo-app.yaml`, composed from the construct library. Unlike the
//! YAML app, which points at tables and a bucket made elsewhere, this one
//! creates its data stores — the to-dos table, the files table and the files
//! bucket — and grants each service's task role exactly the actions it uses
//! on exactly its own stores.
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
use rcdk_app::dynamodb::{KeyAttribute, Table, TableProps};
use rcdk_app::ec2::{NetworkAclsProps, Vpc, VpcProps};
use rcdk_app::ecs::{Cluster, ClusterProps};
use rcdk_app::elbv2::{Action, ApplicationLoadBalancer, HealthCheckProps, ListenerRuleProps, TargetGroupProps};
use rcdk_app::iam::{Access, PolicyStatement, Role};
use rcdk_app::patterns::{
    LoadBalancedService, LoadBalancedServiceProps, ServiceAlarmsProps, ServiceContext, ServiceScalingProps,
};
use rcdk_app::s3::{Bucket, BucketProps};
use rcdk_app::sns::{Topic, TopicProps};

/// The stack's name: `templates/todo-prod.yaml`.
pub const STACK: &str = "todo-prod";
/// Where the images live.
const REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/// The whole app, with the stack tags of `examples/todo-app.yaml`.
pub fn app() -> App {
    app_with_tags(tags(&[("app", "todo"), ("environment", "prod")]))
}

/// The whole app, with `stack_tags` on every taggable resource.
pub fn app_with_tags(stack_tags: BTreeMap<String, String>) -> App {
    let mut stack = Stack::new(
        StackProps {
            name: STACK.into(),
            region: Some("us-east-1".into()),
            description: Some("To-do app backend (seed 003)".into()),
            tags: stack_tags,
            ..Default::default()
        },
        FieldPath::root(),
    );
    let root = stack.root().clone();

    let vpc = Vpc::new(
        &mut stack,
        &root.child("Vpc"),
        &VpcProps {
            cidr: Some("10.30.0.0/16".into()),
            network_acls: Some(NetworkAclsProps::default()),
            ..Default::default()
        },
    );
    let cluster = Cluster::new(
        &mut stack,
        &root.child("Cluster"),
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
        &Action::not_found(),
        &Default::default(),
    );
    let topic = Topic::new(
        &mut stack,
        &root.child("AlarmTopic"),
        &TopicProps { email: Some("oncall@example.com".into()), ..Default::default() },
    );
    let notify = [topic.arn];

    // The data stores: retained when the stack goes, encrypted, backed up.
    let todos = Table::new(&mut stack, &root.child("TodosTable"), &keys("userID", "todoID"));
    let files_table = Table::new(&mut stack, &root.child("FilesTable"), &keys("todoID", "fileID"));
    let files_bucket = Bucket::new(&mut stack, &root.child("FilesBucket"), &BucketProps::default());

    let files = LoadBalancedService::new(
        &mut stack,
        &root.child("files"),
        &ServiceContext { alarm_topics: &notify, ..ServiceContext::new(&cluster, &alb) },
        &service(
            "todo-files",
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
    );
    let main = LoadBalancedService::new(
        &mut stack,
        &root.child("main"),
        &ServiceContext { alarm_topics: &notify, ..ServiceContext::new(&cluster, &alb) },
        &service(
            "todo-main",
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
    );

    // Each service learns where its stores are and may read and write its
    // own stores, nothing else.
    let td = &main.task_definition;
    td.add_environment(&mut stack, "main", "TODO_TABLE", todos.name.clone());
    grant(&mut stack, &td.task_role, todos.grant(Access::ReadWrite));
    let td = &files.task_definition;
    td.add_environment(&mut stack, "files", "FILES_TABLE", files_table.name.clone());
    td.add_environment(&mut stack, "files", "FILES_BUCKET", files_bucket.name.clone());
    grant(&mut stack, &td.task_role, files_table.grant(Access::ReadWrite));
    grant(&mut stack, &td.task_role, files_bucket.grant(Access::ReadWrite));

    for (name, svc) in [("files", &files), ("main", &main)] {
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

/// Table props keyed by a string partition key and a string sort key.
fn keys(partition: &str, sort: &str) -> TableProps {
    TableProps {
        partition_key: KeyAttribute { name: partition.into(), attribute_type: None },
        sort_key: Some(KeyAttribute { name: sort.into(), attribute_type: None }),
        ..Default::default()
    }
}

/// Adds a data store's grant to a role.
fn grant(stack: &mut Stack, role: &Role, statements: Vec<PolicyStatement>) {
    for statement in &statements {
        role.add_statement(stack, statement);
    }
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}
