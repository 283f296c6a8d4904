//! Elastic Load Balancing v2: an Application Load Balancer with its own
//! security group and listeners, target groups, and listener rules with
//! validated, stable priorities.
//!
//! ```
//! use rcdk_constructs::core::{FieldPath, Stack, StackProps};
//! use rcdk_constructs::ec2::{Vpc, VpcProps};
//! use rcdk_constructs::elbv2::*;
//!
//! let mut stack = Stack::new(StackProps { name: "web".into(), ..Default::default() }, FieldPath::root());
//! let root = stack.root().clone();
//! let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps::default());
//! let tg_path = stack.root().child("Api");
//! let api = TargetGroup::new(&mut stack, &tg_path, &vpc.vpc_id, &TargetGroupProps::default());
//! let lb_path = stack.root().child("Lb");
//! let lb = ApplicationLoadBalancer::new(&mut stack, &lb_path, &vpc, &Action::not_found(), &LoadBalancerProps::default());
//! let rule = ListenerRule::new(
//!     &mut stack,
//!     &lb_path.child("ApiRule"),
//!     lb.listener(),
//!     &Action::Forward(api.arn.clone()),
//!     &ListenerRuleProps { path_patterns: Some(vec!["/api/*".into()]), ..Default::default() },
//! );
//! assert!(rule.priority >= AUTO_PRIORITY_MIN);
//! assert!(stack.errors().is_empty());
//! ```

pub(crate) mod access_logs;
pub(crate) mod listener;
pub(crate) mod listener_rule;
pub(crate) mod load_balancer;
mod priority;
pub(crate) mod target_group;

pub use access_logs::DEFAULT_ACCESS_LOGS_RETENTION_DAYS;
pub use listener::{Action, Listener, WeightedTarget, MAX_TARGET_GROUPS_PER_ACTION, MAX_WEIGHT};
pub use listener_rule::{
    HttpHeaderCondition, ListenerRule, ListenerRuleProps, QueryStringCondition, MAX_CONDITION_VALUES_PER_CONDITION,
    MAX_CONDITION_VALUES_PER_RULE, MAX_PATTERN_LENGTH, MAX_WILDCARDS_PER_RULE,
};
pub use load_balancer::{
    ApplicationLoadBalancer, LoadBalancerProps, LoadBalancerUsage, PrefixListValue, SubnetSelection,
    DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_INGRESS_CIDRS, DEFAULT_SSL_POLICY, MAX_RULES_PER_LOAD_BALANCER,
    MAX_TARGET_GROUPS_PER_LOAD_BALANCER,
};
pub use priority::{auto_priority, AUTO_PRIORITY_MAX, AUTO_PRIORITY_MIN, MAX_PRIORITY, MIN_PRIORITY};
pub use target_group::{
    HealthCheckProps, Protocol, StickinessProps, TargetGroup, TargetGroupProps, TargetType,
    DEFAULT_DEREGISTRATION_DELAY_SECONDS, DEFAULT_HEALTHY_THRESHOLD, DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS,
    DEFAULT_HEALTH_CHECK_PATH, DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS, DEFAULT_MATCHER, DEFAULT_STICKINESS_SECONDS,
    DEFAULT_UNHEALTHY_THRESHOLD, MAX_TARGET_GROUP_NAME_LENGTH,
};
