//! Builder methods on [`LoadBalancedServiceProps`]: the common props of a
//! service in one call each, for Rust programs (an app file spells the same
//! fields in YAML).
//!
//! ```
//! use rcdk_constructs::ecs::ContainerImage;
//! use rcdk_constructs::patterns::LoadBalancedServiceProps;
//!
//! let props = LoadBalancedServiceProps::new(ContainerImage::repository("weather-service", "1.3.0"))
//!     .port(8080)
//!     .cpu(256)
//!     .memory_mib(256, 512)
//!     .env("SPRING_PROFILES_ACTIVE", "prod")
//!     .health_check_path("/actuator/health");
//! assert_eq!(props.container_port, Some(8080));
//! assert_eq!(props.target_group.unwrap().health_check.unwrap().path.as_deref(), Some("/actuator/health"));
//! ```

use super::load_balanced_service::{Egress, LoadBalancedServiceProps, ServiceScalingProps};
use crate::ecs::ContainerImage;
use crate::elbv2::ListenerRuleProps;

impl LoadBalancedServiceProps {
    /// A service running `image` with every other prop at its default.
    pub fn new(image: impl Into<ContainerImage>) -> Self {
        LoadBalancedServiceProps { image: image.into(), ..Default::default() }
    }

    /// Sets [`LoadBalancedServiceProps::container_port`].
    pub fn port(mut self, port: u16) -> Self {
        self.container_port = Some(port);
        self
    }

    /// Sets [`LoadBalancedServiceProps::cpu`] (CPU units, 1024 = one vCPU).
    pub fn cpu(mut self, units: u32) -> Self {
        self.cpu = Some(units);
        self
    }

    /// Sets [`LoadBalancedServiceProps::memory_reservation_mib`] (the soft
    /// limit the scheduler places by) and [`LoadBalancedServiceProps::memory_mib`]
    /// (the hard limit).
    pub fn memory_mib(mut self, reservation: u32, limit: u32) -> Self {
        self.memory_reservation_mib = Some(reservation);
        self.memory_mib = Some(limit);
        self
    }

    /// Adds the environment variable `name=value` to [`LoadBalancedServiceProps::environment`].
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.environment.insert(name.into(), value.into());
        self
    }

    /// Adds the secret `name`, read from the SSM parameter or Secrets Manager
    /// ARN `from`, to [`LoadBalancedServiceProps::secrets`].
    pub fn secret(mut self, name: impl Into<String>, from: impl Into<String>) -> Self {
        self.secrets.insert(name.into(), from.into());
        self
    }

    /// Sets the target group's health-check path
    /// ([`crate::elbv2::HealthCheckProps::path`]), keeping its other props.
    pub fn health_check_path(mut self, path: impl Into<String>) -> Self {
        let group = self.target_group.get_or_insert_with(Default::default);
        group.health_check.get_or_insert_with(Default::default).path = Some(path.into());
        self
    }

    /// Sets [`LoadBalancedServiceProps::desired_count`].
    pub fn desired_count(mut self, count: u32) -> Self {
        self.desired_count = Some(count);
        self
    }

    /// Runs the tasks in `awsvpc` network mode with [`Egress::Connected`]:
    /// they may open connections only to what the service is connected to
    /// (see [`LoadBalancedServiceProps::egress`]).
    pub fn egress_connected(mut self) -> Self {
        self.network_mode = Some(crate::ecs::NetworkMode::Awsvpc);
        self.egress = Some(Egress::Connected);
        self
    }

    /// Sets [`LoadBalancedServiceProps::scaling`].
    pub fn scaling(mut self, scaling: ServiceScalingProps) -> Self {
        self.scaling = Some(scaling);
        self
    }

    /// Routes the requests whose path matches one of `patterns` to the
    /// service, by a listener rule of `priority`
    /// ([`LoadBalancedServiceProps::routing`]).
    pub fn route<S: Into<String>>(mut self, priority: u32, patterns: impl IntoIterator<Item = S>) -> Self {
        self.routing = Some(ListenerRuleProps {
            priority: Some(priority),
            path_patterns: Some(patterns.into_iter().map(Into::into).collect()),
            ..Default::default()
        });
        self
    }
}

impl ServiceScalingProps {
    /// Between `min` and `max` tasks, with no policy yet (add one: e.g.
    /// [`ServiceScalingProps::cpu_target`]).
    pub fn between(min: u32, max: u32) -> Self {
        ServiceScalingProps { min_capacity: min, max_capacity: max, ..Default::default() }
    }

    /// Sets [`ServiceScalingProps::cpu_target_percent`].
    pub fn cpu_target(mut self, percent: f64) -> Self {
        self.cpu_target_percent = Some(percent);
        self
    }
}
