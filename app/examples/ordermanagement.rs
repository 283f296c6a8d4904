//! Seed 004: the CUBA order-management application on ECS (EC2 capacity)
//! at https://orders.example.com, with a Multi-AZ RDS PostgreSQL database
//! whose credentials the service reads from Secrets Manager by ARN (they
//! rotate), sticky sessions and CPU target tracking — the app of
//! `examples/ordermanagement.yaml`, synthesizing the same template.
//!
//! `rcdk synth --app "cargo run -q -p rcdk-app --example ordermanagement"`

use rcdk_app::elbv2::StickinessProps;
use rcdk_app::patterns::DatabaseCredentials;
use rcdk_app::prelude::*;

/// The app: one stack, `ordermanagement-prod`.
pub fn app() -> App {
    let mut app = LoadBalancedServiceProps::new(ContainerImage::repository("cuba-ordermanagement", "1.2.0"))
        .port(8080)
        .cpu(512) // CPU units (1024 = 1 vCPU): the CPU target is a percentage of this
        .memory_mib(768, 1024)
        .env("CUBA_WEB_HOST_NAME", "orders.example.com")
        .health_check_path("/app/")
        .scaling(ServiceScalingProps::between(2, 4).cpu_target(60.0));
    // Tomcat's logs, temp, work and webapps (it expands the WARs there) and
    // CUBA's app home; the image makes webapps and /opt/cuba_home UID 1000's.
    let writable = [
        "/tmp",
        "/usr/local/tomcat/logs",
        "/usr/local/tomcat/temp",
        "/usr/local/tomcat/work",
        "/usr/local/tomcat/webapps",
        "/opt/cuba_home",
    ];
    app.writable_paths = Some(writable.map(String::from).to_vec());
    app.database = Some(true);
    // Not DB_PASSWORD injected at task start: it rotates.
    app.database_credentials = Some(DatabaseCredentials::SecretArn);
    app.health_check_grace_period_seconds = Some(180);
    if let Some(group) = app.target_group.as_mut() {
        group.stickiness = Some(StickinessProps::default());
    }
    let spec = StackSpec::new("ordermanagement-prod")
        .region("eu-central-1")
        .description("CUBA ordermanagement on ECS with RDS PostgreSQL (seed 004)")
        .tag("app", "ordermanagement")
        .tag("environment", "prod")
        .vpc(VpcProps { max_azs: Some(2), ..Default::default() })
        .cluster(ClusterProps {
            instance_type: Some("t3.medium".into()),
            min_capacity: Some(2),
            max_capacity: Some(4),
            ..Default::default()
        })
        .load_balancer(LoadBalancerProps {
            domain: Some(DomainProps::new("orders.example.com", "Z1R8UBAEXAMPLE")),
            ..Default::default()
        })
        .repository("cuba-ordermanagement")
        .database(DatabaseProps {
            engine: Some("postgres".into()),
            instance_class: Some("db.t4g.medium".into()),
            allocated_storage_gib: Some(20),
            max_allocated_storage_gib: Some(100),
            multi_az: Some(true),
            database_name: Some("ordermanagement".into()),
            master_username: Some("cuba".into()),
            ..Default::default()
        })
        .alarm_email("ops@example.com")
        .service("app", app);
    platform::app(&[spec])
}

#[allow(dead_code)] // the tests include this file for `app`
fn main() {
    emit_or_exit(app());
}
