//! Patterns: several service modules' constructs wired together for a
//! common architecture, built only from their public constructors, with
//! every child exposed for adjustment.

pub mod canary;
pub(crate) mod load_balanced_service;
pub mod platform;
mod service_builder;

pub use canary::{Canary, CanaryProps, DEFAULT_CANARY_DESIRED_COUNT, DEFAULT_CANARY_PERCENT};
pub use load_balanced_service::{
    DatabaseCredentials, Egress, LoadBalancedService, LoadBalancedServiceProps, ServiceAlarmsProps, ServiceContext,
    ServiceScalingProps, CATCH_ALL_PRIORITY, DEFAULT_CONTAINER_PORT,
};
