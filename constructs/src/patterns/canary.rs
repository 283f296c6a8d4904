//! The canary of a load-balanced service: a second version of the service
//! (its own task definition, target group and ECS service) that receives a
//! share of the traffic through a weighted forward on the service's listener
//! rule.
//!
//! The share is a template parameter, `<Service>CanaryPercent` (Number, 0 to
//! 100), so `rcdk deploy --parameter ApiCanaryPercent=20` shifts traffic
//! without re-synthesizing. CloudFormation cannot subtract, so the stable
//! weight `100 - percent` is read from the mapping [`CANARY_WEIGHTS_MAPPING`]
//! with `Fn::FindInMap`: one entry per whole percent, 0 to 100. A mapping keeps
//! every whole percent available (AllowedValues in steps of 5 or 10 would
//! not), and a fractional value fails when the change set is created, before
//! any traffic moves.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::cfn::{Intrinsic, Parameter, ParameterType};
use crate::cloudwatch::Alarm;
use crate::core::{ConstructPath, Stack};
use crate::ecs::{ContainerImage, Service, TaskDefinition};
use crate::elbv2::{TargetGroup, WeightedTarget};

/// Share of the traffic the canary receives when `percent` is not given, in %.
pub const DEFAULT_CANARY_PERCENT: u32 = 10;
/// Tasks the canary runs when `desired_count` is not given.
pub const DEFAULT_CANARY_DESIRED_COUNT: u32 = 1;
/// Name of the template mapping from a canary percent (`"0"` to `"100"`) to
/// the stable version's weight (`Stable`, a string: mapping values are strings or lists), shared by every canary of a stack.
pub const CANARY_WEIGHTS_MAPPING: &str = "CanaryWeights";

/// A canary version of a service. In an app file, `services.<name>.canary`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CanaryProps {
    /// The canary's container image, pinned by tag or digest, different from
    /// the stable `image`. Everything else (port, memory, environment,
    /// secrets, health checks, roles' statements) is the stable version's.
    /// Like the stable image, a reference or `{repository: <name>, tag: <tag>}`.
    pub image: ContainerImage,
    /// Accept an image without a pinned tag. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unpinned_image: Option<bool>,
    /// Whether the canary exists. `false` removes its task definition,
    /// target group, service, alarm and percent parameter, and the listener
    /// rule forwards to the stable version alone. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Share of the service's requests sent to the canary, 0 to 100: the
    /// default of the `<Service>CanaryPercent` parameter. 0 keeps the canary
    /// running without traffic; 100 sends everything to it. Default:
    /// [`DEFAULT_CANARY_PERCENT`] (10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u32>,
    /// Tasks the canary runs; independent of the stable version's count and
    /// not scaled. Each task costs what a stable task costs. Default:
    /// [`DEFAULT_CANARY_DESIRED_COUNT`] (1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_count: Option<u32>,
}

impl CanaryProps {
    /// Whether the canary is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }
}

/// Every child of a canary, for further adjustment.
#[derive(Debug, Clone, PartialEq)]
pub struct Canary {
    /// The canary's task definition (`<Service>CanaryTaskDefinition`).
    pub task_definition: TaskDefinition,
    /// The canary's target group (`<Service>CanaryTargetGroup`).
    pub target_group: TargetGroup,
    /// The canary's ECS service (`<Service>CanaryService`).
    pub service: Service,
    /// The name of the percent parameter, e.g. `ApiCanaryPercent`.
    pub percent_parameter: String,
    /// Alarm on the canary's target 5XX responses (`<Service>CanaryTarget5xxAlarm`).
    pub alarm_5xx: Alarm,
}

/// The parameter name of the canary percent of the service at `service_path`.
pub fn percent_parameter_name(service_path: &ConstructPath) -> String {
    format!("{}CanaryPercent", service_path.logical_id())
}

/// Adds the percent parameter (default `percent`) and the shared weights
/// mapping; returns the weighted targets of the stable and canary target
/// groups, in that order.
pub(crate) fn weighted_targets(
    stack: &mut Stack,
    service_path: &ConstructPath,
    percent: u32,
    stable_target_group: &Value,
    canary_target_group: &Value,
) -> (String, Vec<WeightedTarget>) {
    let name = percent_parameter_name(service_path);
    let mut parameter = Parameter::new(ParameterType::Number)
        .description(format!(
            "Percent of the requests of {service_path} sent to its canary, 0 to 100; the rest go to the stable version"
        ))
        .default_value(percent.min(100));
    parameter.min_value = Some(0.0);
    parameter.max_value = Some(100.0);
    parameter.constraint_description = Some("a whole number from 0 to 100".into());
    let percent_ref = stack.add_parameter(service_path, &name, parameter);
    let entries: Map<String, Value> =
        (0..=100u32).map(|p| (p.to_string(), json!({"Stable": (100 - p).to_string()}))).collect();
    stack.add_mapping(service_path, CANARY_WEIGHTS_MAPPING, Value::Object(entries));
    let stable_weight = Intrinsic::FindInMap(CANARY_WEIGHTS_MAPPING.into(), percent_ref.clone(), json!("Stable"));
    (
        name,
        vec![
            WeightedTarget { target_group_arn: stable_target_group.clone(), weight: stable_weight.into() },
            WeightedTarget { target_group_arn: canary_target_group.clone(), weight: percent_ref },
        ],
    )
}
