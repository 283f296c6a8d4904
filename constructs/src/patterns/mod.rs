//! Patterns: several service modules' constructs wired together for a
//! common architecture, built only from their public constructors, with
//! every child exposed for adjustment.

mod load_balanced_service;

pub use load_balanced_service::{
    LoadBalancedService, LoadBalancedServiceProps, ServiceAlarmsProps, ServiceScalingProps, CATCH_ALL_PRIORITY,
    DEFAULT_CONTAINER_PORT,
};
