//! Seed 000, whatstheweatherlike.io: the weather backend on ECS (EC2
//! capacity) behind an HTTPS load balancer at api.whatstheweatherlike.io,
//! with a bastion host, alarms mailed to ops and the image in ECR — the app
//! of `examples/weather-api.yaml`, synthesizing the same template.
//!
//! `rcdk synth --app "cargo run -q -p rcdk-app --example weather_api"`

use rcdk_app::prelude::*;

/// The app: one stack, `weather-api-prod`.
pub fn app() -> App {
    let weather = LoadBalancedServiceProps::new(ContainerImage::repository("weather-service", "1.3.0"))
        .port(8080)
        .cpu(256) // CPU units (1024 = 1 vCPU): the CPU alarm's percentages are of this
        .memory_mib(256, 512)
        .env("SPRING_PROFILES_ACTIVE", "prod")
        // The image reads the OpenWeather key from APPID (`java -DAPPID=$APPID`).
        .secret("APPID", "/weather-api/openweather-key") // SSM parameter
        .health_check_path("/actuator/health");
    let spec = StackSpec::new("weather-api-prod")
        .region("eu-central-1")
        .description("Weather API backend (seed 000)")
        .tag("app", "weather-api")
        .tag("environment", "prod")
        .vpc(VpcProps { max_azs: Some(2), ..Default::default() })
        .cluster(ClusterProps { instance_type: Some("t3.small".into()), max_capacity: Some(3), ..Default::default() })
        .load_balancer(LoadBalancerProps {
            // An ACM certificate validated in the zone, the HTTPS listener and the alias record.
            domain: Some(DomainProps::new("api.whatstheweatherlike.io", "Z04417452K9GXLVTQ3WZ7")),
            ..Default::default()
        })
        .bastion(BastionProps { instance_type: Some("t4g.nano".into()), ..Default::default() })
        .alarm_email("ops@whatstheweatherlike.io")
        // CI copies each release from Docker Hub here before deploying it.
        .repository("weather-service")
        .service("weather", weather);
    platform::app(&[spec])
}

#[allow(dead_code)] // the tests include this file for `app`
fn main() {
    emit_or_exit(app());
}
