//! Seed 003: the to-do app's backend, two Flask services (`main` for the
//! to-dos, `files` for attachments) routed by path on one load balancer,
//! each granted exactly its own tables and bucket — the app of
//! `examples/todo-app.yaml`, synthesizing the same template. (The crate
//! `examples/todo-app-rs` builds the same app from the constructs directly.)
//!
//! `rcdk synth --app "cargo run -q -p rcdk-app --example todo_app"`

use rcdk_app::cloudwatch::PresetAlarmProps;
use rcdk_app::iam::{Access, ServiceGrants};
use rcdk_app::patterns::ServiceAlarmsProps;
use rcdk_app::prelude::*;

/// The app: one stack, `todo-prod`.
pub fn app() -> App {
    let mut main = flask("todo-main", 20, ["/*/todos", "/*/todos/*"]).scaling(ServiceScalingProps {
        requests_per_target: Some(500.0),
        ..ServiceScalingProps::between(2, 6).cpu_target(60.0)
    });
    main.grants = Some(ServiceGrants { tables: [("todos".into(), Access::ReadWrite)].into(), ..Default::default() });
    let cpu = PresetAlarmProps { threshold: Some(85.0), ..Default::default() };
    main.alarms = Some(ServiceAlarmsProps { cpu: Some(cpu), ..Default::default() });
    let mut files = flask("todo-files", 10, ["/*/todos/*/files", "/*/todos/*/files/*"])
        .scaling(ServiceScalingProps::between(2, 4).cpu_target(60.0));
    files.grants = Some(ServiceGrants {
        tables: [("files".into(), Access::ReadWrite)].into(),
        buckets: [("files".into(), Access::ReadWrite)].into(),
    });
    let spec = StackSpec::new("todo-prod")
        .region("us-east-1")
        .description("To-do app backend (seed 003)")
        .tag("app", "todo")
        .tag("environment", "prod")
        .vpc(VpcProps {
            cidr: Some("10.30.0.0/16".into()),
            network_acls: Some(Default::default()),
            ..Default::default()
        })
        .cluster(ClusterProps {
            instance_type: Some("t3.medium".into()),
            min_capacity: Some(2),
            max_capacity: Some(6),
            ..Default::default()
        })
        .alarm_email("oncall@example.com")
        .repository("todo-main")
        .repository("todo-files")
        .table("todos", keys("userID", "todoID")) // a user's to-do list
        .table("files", keys("todoID", "fileID")) // attachments of a to-do
        .bucket("files") // the attachments' contents
        .service("main", main)
        .service("files", files);
    platform::app(&[spec])
}

/// A Flask service of the repository `repository` on port 5000, health-checked on `/health`.
fn flask(repository: &str, priority: u32, paths: [&str; 2]) -> LoadBalancedServiceProps {
    LoadBalancedServiceProps::new(ContainerImage::repository(repository, "1.0.3"))
        .port(5000)
        .cpu(256) // CPU units (1024 = 1 vCPU): the CPU target is a percentage of this
        .memory_mib(256, 512)
        .route(priority, paths)
        .health_check_path("/health")
}

/// A table keyed by the string attributes `partition` and `sort`.
fn keys(partition: &str, sort: &str) -> TableProps {
    TableProps {
        partition_key: KeyAttribute { name: partition.into(), attribute_type: None },
        sort_key: Some(KeyAttribute { name: sort.into(), attribute_type: None }),
        ..Default::default()
    }
}

#[allow(dead_code)] // the tests include this file for `app`
fn main() {
    emit_or_exit(app());
}
