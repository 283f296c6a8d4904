//! The to-do app's backend (seed 003) as a Rust program: two Flask services,
//! `main` (to-dos) and `files` (attachments), each in its own task definition
//! and target group, routed by path on one load balancer, with alarms,
//! target-tracking scaling and network ACLs — the app of
//! `examples/todo-app.yaml`, composed from the construct library, and
//! synthesizing the same template. It creates its data stores — the to-dos
//! table, the files table and the files bucket — and one ECR repository per
//! service; each service's task role may read and write exactly its own
//! stores, and its execution role may pull from exactly its own repository.
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
use rcdk_app::ecr::Repository;
use rcdk_app::ecs::{Cluster, ClusterProps, ContainerImage};
use rcdk_app::elbv2::{Action, ApplicationLoadBalancer, HealthCheckProps, ListenerRuleProps, TargetGroupProps};
use rcdk_app::iam::{Access, PolicyStatement, Role};
use rcdk_app::patterns::{
    LoadBalancedService, LoadBalancedServiceProps, ServiceAlarmsProps, ServiceContext, ServiceScalingProps,
};
use rcdk_app::s3::{Bucket, BucketProps};
use rcdk_app::sns::{Topic, TopicProps};

/// The stack's name: `templates/todo-prod.yaml`.
pub const STACK: &str = "todo-prod";
/// The version of both services' images.
const VERSION: &str = "1.0.3";

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

    // The images: one repository per service, immutable tags, scanned on push.
    let main_repository = repository(&mut stack, "todo-main", "TodoMainRepository");
    let files_repository = repository(&mut stack, "todo-files", "TodoFilesRepository");

    // The data stores: retained when the stack goes, encrypted, backed up.
    let todos = Table::new(&mut stack, &root.child("TodosTable"), &keys("userID", "todoID"));
    let files_table = Table::new(&mut stack, &root.child("FilesTable"), &keys("todoID", "fileID"));
    let files_bucket = Bucket::new(&mut stack, &root.child("FilesBucket"), &BucketProps::default());
    for (path, name, description) in [
        ("TodosTable", todos.name.clone(), "Name of the table `todos`"),
        ("FilesTable", files_table.name.clone(), "Name of the table `files`"),
        ("FilesBucket", files_bucket.name.clone(), "Name of the bucket `files`"),
    ] {
        stack.add_output(&root.child(path).child("Name"), Output::new(name, description));
    }

    let files = LoadBalancedService::new(
        &mut stack,
        &root.child("files"),
        &ServiceContext { alarm_topics: &notify, ..ServiceContext::new(&cluster, &alb) },
        &service(
            ContainerImage::from_repository(&files_repository, VERSION),
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
            ContainerImage::from_repository(&main_repository, VERSION),
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
    td.add_environment(&mut stack, "main", "TODOS_TABLE", todos.name.clone());
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

/// An ECR repository named `name` at `path`, with the output
/// `<path>Uri` that CI pushes images to.
fn repository(stack: &mut Stack, name: &str, path: &str) -> Repository {
    let path = stack.root().child(path);
    let repository = Repository::new(stack, &path, name, &Default::default());
    stack.add_output(
        &path.child("Uri"),
        Output::new(repository.uri.clone(), format!("URI of the ECR repository `{name}` (push images here)")),
    );
    repository
}

/// One Flask service listening on port 5000, health-checked on `/health`.
fn service(
    image: ContainerImage,
    priority: u32,
    path_patterns: &[&str],
    scaling: ServiceScalingProps,
    alarms: Option<ServiceAlarmsProps>,
) -> LoadBalancedServiceProps {
    LoadBalancedServiceProps {
        image,
        container_port: Some(5000),
        // CPU units (1024 = 1 vCPU): the CPU target and alarm are percentages of this.
        cpu: Some(256),
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
