//! Seed 002: a web site in two regions (us-east-1 the primary, eu-west-1 a
//! smaller failover fleet), each with a canary taking 10% of the traffic,
//! behind one CloudFront distribution at www.example.com failing over
//! between them — the app of `examples/multi-region-canary.yaml`,
//! synthesizing the same three templates.
//!
//! `rcdk synth --app "cargo run -q -p rcdk-app --example multi_region_canary"`

use rcdk_app::cloudfront::{DistributionProps, OriginProtocol, PriceClass};
use rcdk_app::patterns::platform::RegionOverrides;
use rcdk_app::patterns::CanaryProps;
use rcdk_app::prelude::*;

/// The app: `web-us-east-1`, `web-eu-west-1` and `web-cdn`.
pub fn app() -> App {
    // Built FROM nginxinc/nginx-unprivileged:alpine: as UID 1000 on a
    // read-only root filesystem it writes only to /tmp, and it listens on 8080.
    let mut web = LoadBalancedServiceProps::new("public.ecr.aws/example/multi-region-web:v1")
        .port(8080)
        .cpu(256) // CPU units (1024 = 1 vCPU): the CPU alarm's percentages are of this
        .desired_count(2)
        .health_check_path("/");
    web.memory_mib = Some(256);
    web.canary = Some(CanaryProps {
        image: "public.ecr.aws/example/multi-region-web:v2".into(),
        percent: Some(10),
        desired_count: Some(1),
        ..Default::default()
    });
    let mut spec = StackSpec::new("web")
        .regions(["us-east-1", "eu-west-1"])
        .description("Multi-region web site with a canary (seed 002)")
        .tag("app", "multi-region-canary")
        .vpc(VpcProps { max_azs: Some(2), ..Default::default() })
        .cluster(ClusterProps { instance_type: Some("t3.small".into()), max_capacity: Some(4), ..Default::default() })
        .alarm_email("oncall@example.com")
        .load_balancer(LoadBalancerProps::default())
        .service("web", web)
        .cdn(DistributionProps {
            // Certificate (us-east-1, in the CDN stack), alias and A/AAAA records.
            domain: Some(DomainProps::new("www.example.com", "Z1R8UBAEXAMPLE")),
            price_class: Some(PriceClass::PriceClass100),
            origin_protocol: Some(OriginProtocol::HttpOnly),
            ..Default::default()
        });
    // The failover region runs a smaller fleet.
    let smaller = RegionOverrides { desired_counts: [("web".to_owned(), 1)].into(), ..Default::default() };
    spec.region_overrides.insert("eu-west-1".into(), smaller);
    platform::app(&[spec])
}

#[allow(dead_code)] // the tests include this file for `app`
fn main() {
    emit_or_exit(app());
}
