//! Seed 001: a website on ECS (EC2 capacity) across three availability
//! zones with network ACLs, scaled in steps on CPU, its image in ECR and its
//! alarms mailed to the team — the app of `examples/website.yaml`,
//! synthesizing the same template.
//!
//! `rcdk synth --app "cargo run -q -p rcdk-app --example website"`

use rcdk_app::applicationautoscaling::{Step, StepScalingProps};
use rcdk_app::ec2::NetworkAclsProps;
use rcdk_app::prelude::*;

/// The app: one stack, `website-prod`.
pub fn app() -> App {
    let steps = StepScalingProps {
        scale_out: vec![Step { at: 70.0, change: 1 }, Step { at: 85.0, change: 2 }],
        scale_in: vec![Step { at: 25.0, change: -1 }],
        ..Default::default()
    };
    // Built FROM nginxinc/nginx-unprivileged: as UID 1000 on a read-only
    // root filesystem it writes only to /tmp, and it listens on 8080.
    let mut website = LoadBalancedServiceProps::new(ContainerImage::repository("website", "2.1.0"))
        .port(8080)
        .cpu(256) // CPU units (1024 = 1 vCPU): the CPU steps are percentages of this
        .memory_mib(128, 256)
        .scaling(ServiceScalingProps { cpu_steps: Some(steps), ..ServiceScalingProps::between(2, 8) });
    website.log_retention_days = Some(90);
    let spec = StackSpec::new("website-prod")
        .region("eu-west-2")
        .description("Website on ECS/EC2 (seed 001)")
        .tag("app", "website")
        .tag("environment", "prod")
        .vpc(VpcProps { max_azs: Some(3), network_acls: Some(NetworkAclsProps::default()), ..Default::default() })
        .cluster(ClusterProps { instance_type: Some("t3.small".into()), max_capacity: Some(6), ..Default::default() })
        .alarm_email("webmaster@example.com")
        .repository("website")
        .service("website", website);
    platform::app(&[spec])
}

#[allow(dead_code)] // the tests include this file for `app`
fn main() {
    emit_or_exit(app());
}
