//! An rcdk app written in Rust: one stack with a VPC, an ECS cluster on EC2
//! capacity, and one web service behind an internet-facing Application Load
//! Balancer, with alarms mailed to the on-call address.
//!
//! rcdk runs this program (`app` in rcdk.toml) with `RCDK_OUTDIR` set, and
//! reads the templates and manifest it writes there:
//!
//! ```text
//! rcdk synth     # writes templates/web-dev.yaml and templates/manifest.json
//! rcdk diff      # what a change does, resource by resource
//! rcdk deploy    # ships it through a CloudFormation change set
//! ```

use rcdk_app::cfn::Output;
use rcdk_app::core::{App, FieldPath, Stack, StackProps};
use rcdk_app::ec2::{Vpc, VpcProps};
use rcdk_app::ecs::{Cluster, ClusterProps};
use rcdk_app::elbv2::{Action, ApplicationLoadBalancer, HealthCheckProps, TargetGroupProps};
use rcdk_app::patterns::{LoadBalancedService, LoadBalancedServiceProps, ServiceContext};
use rcdk_app::sns::{Topic, TopicProps};

fn main() {
    rcdk_app::emit_or_exit(app());
}

/// The whole app: one stack, `web-dev`.
pub fn app() -> App {
    let mut stack = Stack::new(
        StackProps {
            name: "web-dev".into(),
            region: Some("us-east-1".into()),
            description: Some("Web service (scaffolded by rcdk init)".into()),
            tags: [("app", "web"), ("environment", "dev")].map(|(k, v)| (k.to_owned(), v.to_owned())).into(),
            ..Default::default()
        },
        FieldPath::root(),
    );
    let root = stack.root().clone();

    // Two public and two private subnets across two availability zones.
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps { max_azs: Some(2), ..Default::default() });

    // Auto Scaling group of ECS container instances in the private subnets.
    let cluster = Cluster::new(
        &mut stack,
        &root.child("Cluster"),
        &vpc,
        &ClusterProps {
            instance_type: Some("t3.small".into()),
            min_capacity: Some(1),
            max_capacity: Some(3),
            ..Default::default()
        },
    );
    stack.add_output(&root.child("ClusterName"), Output::new(cluster.name.clone(), "Name of the ECS cluster"));

    // The load balancer; a request no service's rule matches gets a 404.
    let alb = ApplicationLoadBalancer::new(
        &mut stack,
        &root.child("LoadBalancer"),
        &vpc,
        &Action::not_found(),
        &Default::default(),
    );

    // Alarms (CPU, memory, response time, unhealthy hosts) notify this
    // address through an encrypted SNS topic.
    let topic = Topic::new(
        &mut stack,
        &root.child("AlarmTopic"),
        &TopicProps { email: Some("oncall@example.com".into()), ..Default::default() },
    );

    let web = LoadBalancedService::new(
        &mut stack,
        &root.child("web"),
        &ServiceContext { alarm_topics: &[topic.arn], ..ServiceContext::new(&cluster, &alb) },
        &LoadBalancedServiceProps {
            // Pin the image by tag (or digest) so every deploy is reproducible.
            // Containers run as UID 1000 on a read-only root filesystem, with
            // only /tmp writable. nginx-unprivileged writes only to /tmp and
            // listens on 8080; the official `nginx` image would stop, unable
            // to create /var/cache/nginx/client_temp.
            image: "public.ecr.aws/nginx/nginx-unprivileged:1.27".into(),
            container_port: Some(8080),
            // CPU units (1024 = one vCPU) reserved per task: the CPU alarm's percentages are of this.
            cpu: Some(256),
            memory_reservation_mib: Some(128),
            memory_mib: Some(256),
            target_group: Some(TargetGroupProps {
                health_check: Some(HealthCheckProps { path: Some("/".into()), ..Default::default() }),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    stack.add_output(
        &web.path.child("ServiceName"),
        Output::new(web.service.name.clone(), "Name of the ECS service `web`"),
    );

    let mut app = App::new();
    app.add_stack(stack);
    app
}
