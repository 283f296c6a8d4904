//! Application Auto Scaling for ECS services: a scalable target (the
//! service's desired count between min and max), target tracking on CPU,
//! memory or requests per target, and step scaling driven by CloudWatch alarms.
//!
//! No `RoleARN` is set: Application Auto Scaling then uses its service-linked
//! role for ECS (`AWSServiceRoleForApplicationAutoScaling_ECSService`),
//! creating it on first use.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{Intrinsic, Resource};
use crate::cloudwatch::{Alarm, AlarmProps, ComparisonOperator, Metric, Statistic};
use crate::core::{ConstructPath, Stack};
use crate::elbv2::{ApplicationLoadBalancer, TargetGroup};
use crate::error::ValidationError;

/// Seconds after a scale-out before another scale-out, when none is given.
pub const DEFAULT_SCALE_OUT_COOLDOWN_SECONDS: u32 = 60;
/// Seconds after a scale-in before another scale-in, when none is given:
/// longer than scale-out, so capacity is not removed while load is settling.
pub const DEFAULT_SCALE_IN_COOLDOWN_SECONDS: u32 = 300;
/// Evaluation periods (one minute each) of step scaling alarms, when none is given.
pub const DEFAULT_STEP_EVALUATION_PERIODS: u32 = 3;
/// Most steps in one step scaling policy.
pub const MAX_STEPS: usize = 20;

/// Cooldowns and scale-in of a target tracking policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetTrackingOptions {
    /// Default: [`DEFAULT_SCALE_IN_COOLDOWN_SECONDS`] (300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_in_cooldown_seconds: Option<u32>,
    /// Default: [`DEFAULT_SCALE_OUT_COOLDOWN_SECONDS`] (60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_out_cooldown_seconds: Option<u32>,
    /// Never remove tasks, only add them. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_scale_in: Option<bool>,
}

/// One step of step scaling: when the metric reaches `at`, change the
/// desired count by `change`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Metric value where the step starts: at or above it for scale-out steps,
    /// at or below it for scale-in steps.
    pub at: f64,
    /// Tasks to add (positive, scale-out) or remove (negative, scale-in).
    pub change: i32,
}

/// Alarm-driven step scaling: one alarm and policy for scaling out, one for
/// scaling in (seed 001's "alarms trigger autoscaling").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepScalingProps {
    /// Scale-out steps in ascending `at`, each with a positive `change`,
    /// e.g. `[{at: 70, change: 1}, {at: 90, change: 3}]`. Default: no scale-out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scale_out: Vec<Step>,
    /// Scale-in steps in descending `at`, each with a negative `change`,
    /// e.g. `[{at: 20, change: -1}]`; all below the first scale-out step.
    /// Default: no scale-in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scale_in: Vec<Step>,
    /// One-minute periods the alarm evaluates, all of which must breach.
    /// Default: [`DEFAULT_STEP_EVALUATION_PERIODS`] (3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_periods: Option<u32>,
    /// Default: [`DEFAULT_SCALE_OUT_COOLDOWN_SECONDS`] (60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_out_cooldown_seconds: Option<u32>,
    /// Default: [`DEFAULT_SCALE_IN_COOLDOWN_SECONDS`] (300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_in_cooldown_seconds: Option<u32>,
}

/// A scaling policy (`AWS::ApplicationAutoScaling::ScalingPolicy`).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingPolicy {
    /// The policy's logical ID.
    pub logical_id: String,
    /// The policy's ARN (`Ref`): an alarm action.
    pub arn: Value,
}

/// The alarms and policies of [`ScalableTarget::step_scaling`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepScaling {
    /// The scale-out policy and the alarm that triggers it.
    pub scale_out: Option<(ScalingPolicy, Alarm)>,
    /// The scale-in policy and the alarm that triggers it.
    pub scale_in: Option<(ScalingPolicy, Alarm)>,
}

/// A scalable target (`AWS::ApplicationAutoScaling::ScalableTarget`).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalableTarget {
    /// The construct's path; policies are its children.
    pub path: ConstructPath,
    /// The target's logical ID.
    pub logical_id: String,
    /// `Ref` of the target, for `ScalingTargetId`.
    pub id: Value,
}

impl ScalableTarget {
    /// The desired count of ECS service `service_name` in cluster
    /// `cluster_name`, scaled between `min` and `max` tasks. `min` above
    /// `max` is reported at `min_capacity`.
    pub fn for_ecs_service(
        stack: &mut Stack,
        path: &ConstructPath,
        cluster_name: &Value,
        service_name: &Value,
        min: u32,
        max: u32,
    ) -> ScalableTarget {
        if min > max {
            stack.report(
                ValidationError::new(
                    Code::MinAboveMax,
                    path,
                    format!("minimum capacity {min} is above maximum capacity {max}"),
                )
                .field("min_capacity")
                .help("lower the minimum or raise the maximum"),
            );
        }
        if max == 0 {
            stack.report(
                ValidationError::new(Code::MaxZero, path, "maximum capacity 0 would never run a task")
                    .field("max_capacity")
                    .help("set the maximum to 1 or more"),
            );
        }
        let resource = Resource::new("AWS::ApplicationAutoScaling::ScalableTarget")
            .prop("ServiceNamespace", "ecs")
            .prop("ScalableDimension", "ecs:service:DesiredCount")
            .prop(
                "ResourceId",
                Intrinsic::join("/", vec![json!("service"), cluster_name.clone(), service_name.clone()]),
            )
            .prop("MinCapacity", min)
            .prop("MaxCapacity", max);
        let logical_id = stack.add_resource(path, resource);
        ScalableTarget { path: path.clone(), id: Intrinsic::ref_(&logical_id), logical_id }
    }

    fn target_tracking(
        &self,
        stack: &mut Stack,
        name: &str,
        metric: Value,
        target: f64,
        opts: &TargetTrackingOptions,
    ) -> ScalingPolicy {
        let path = self.path.child(name);
        if !(target.is_finite() && target > 0.0) {
            // At the current field: the value the caller was given (the
            // service's `scaling.requests_per_target`), not a field of its own.
            stack.report(ValidationError::new(
                Code::TargetInvalid,
                &path,
                format!("target value {target} must be above 0"),
            ));
        }
        let config = json!({
            "PredefinedMetricSpecification": metric,
            "TargetValue": target,
            "ScaleInCooldown": opts.scale_in_cooldown_seconds.unwrap_or(DEFAULT_SCALE_IN_COOLDOWN_SECONDS),
            "ScaleOutCooldown": opts.scale_out_cooldown_seconds.unwrap_or(DEFAULT_SCALE_OUT_COOLDOWN_SECONDS),
            "DisableScaleIn": opts.disable_scale_in.unwrap_or(false),
        });
        self.policy(stack, &path, "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration", config)
    }

    fn policy(&self, stack: &mut Stack, path: &ConstructPath, kind: &str, key: &str, config: Value) -> ScalingPolicy {
        let resource = Resource::new("AWS::ApplicationAutoScaling::ScalingPolicy")
            .prop("PolicyName", path.logical_id())
            .prop("PolicyType", kind)
            .prop("ScalingTargetId", self.id.clone())
            .prop(key, config);
        let logical_id = stack.add_resource(path, resource);
        ScalingPolicy { arn: Intrinsic::ref_(&logical_id), logical_id }
    }

    /// Keeps the service's average CPU near `target_percent` (of reserved CPU),
    /// as policy `<path>/CpuScaling`. A target outside 0 to 100 is reported
    /// at the current field (see [`Stack::in_field`]): the prop the value
    /// came from, as for every `scale_on_*`.
    pub fn scale_on_cpu(&self, stack: &mut Stack, target_percent: f64, opts: &TargetTrackingOptions) -> ScalingPolicy {
        check_percent(stack, &self.path.child("CpuScaling"), target_percent);
        let metric = json!({"PredefinedMetricType": "ECSServiceAverageCPUUtilization"});
        self.target_tracking(stack, "CpuScaling", metric, target_percent, opts)
    }

    /// Keeps the service's average memory near `target_percent`, as policy
    /// `<path>/MemoryScaling`.
    pub fn scale_on_memory(
        &self,
        stack: &mut Stack,
        target_percent: f64,
        opts: &TargetTrackingOptions,
    ) -> ScalingPolicy {
        check_percent(stack, &self.path.child("MemoryScaling"), target_percent);
        let metric = json!({"PredefinedMetricType": "ECSServiceAverageMemoryUtilization"});
        self.target_tracking(stack, "MemoryScaling", metric, target_percent, opts)
    }

    /// Keeps requests per target per minute near `requests_per_target`, as
    /// policy `<path>/RequestCountScaling`. The target group must be attached
    /// to `alb` when the policy is created; that holds when the ECS service
    /// (which this target depends on) depends on the listener or rule.
    pub fn scale_on_request_count(
        &self,
        stack: &mut Stack,
        requests_per_target: f64,
        alb: &ApplicationLoadBalancer,
        target_group: &TargetGroup,
        opts: &TargetTrackingOptions,
    ) -> ScalingPolicy {
        let metric = json!({
            "PredefinedMetricType": "ALBRequestCountPerTarget",
            "ResourceLabel": Intrinsic::join("/", vec![alb.full_name.clone(), target_group.full_name.clone()]),
        });
        self.target_tracking(stack, "RequestCountScaling", metric, requests_per_target, opts)
    }

    /// Alarm-driven step scaling on `metric`: for the scale-out steps, an
    /// alarm at `<path>/<name>ScaleOutAlarm` (metric >= first step) invoking
    /// the policy `<path>/<name>ScaleOut`; for the scale-in steps, the same
    /// with `ScaleIn` (metric <= first step). Step bounds are turned into the
    /// offsets from the alarm threshold that Application Auto Scaling expects.
    pub fn step_scaling(
        &self,
        stack: &mut Stack,
        name: &str,
        metric: &Metric,
        props: &StepScalingProps,
    ) -> StepScaling {
        let base = self.path.child(name);
        validate_steps(stack, &base, props);
        let aggregation = match metric.statistic {
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            _ => "Average",
        };
        let evaluation_periods = props.evaluation_periods.unwrap_or(DEFAULT_STEP_EVALUATION_PERIODS);
        let mut result = StepScaling::default();
        for out in [true, false] {
            let steps = if out { &props.scale_out } else { &props.scale_in };
            let Some(first) = steps.first() else { continue };
            let suffix = if out { "ScaleOut" } else { "ScaleIn" };
            let threshold = first.at;
            let adjustments: Vec<Value> = steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let from = s.at - threshold;
                    let next = steps.get(i + 1).map(|n| n.at - threshold);
                    let mut adj = serde_json::Map::new();
                    if out {
                        adj.insert("MetricIntervalLowerBound".into(), json!(from));
                        if let Some(n) = next {
                            adj.insert("MetricIntervalUpperBound".into(), json!(n));
                        }
                    } else {
                        if let Some(n) = next {
                            adj.insert("MetricIntervalLowerBound".into(), json!(n));
                        }
                        adj.insert("MetricIntervalUpperBound".into(), json!(from));
                    }
                    adj.insert("ScalingAdjustment".into(), json!(s.change));
                    Value::Object(adj)
                })
                .collect();
            let cooldown = if out {
                props.scale_out_cooldown_seconds.unwrap_or(DEFAULT_SCALE_OUT_COOLDOWN_SECONDS)
            } else {
                props.scale_in_cooldown_seconds.unwrap_or(DEFAULT_SCALE_IN_COOLDOWN_SECONDS)
            };
            let config = json!({
                "AdjustmentType": "ChangeInCapacity",
                "Cooldown": cooldown,
                "MetricAggregationType": aggregation,
                "StepAdjustments": adjustments,
            });
            let policy_path = self.path.child(format!("{name}{suffix}"));
            let policy = self.policy(stack, &policy_path, "StepScaling", "StepScalingPolicyConfiguration", config);
            let alarm = Alarm::new(
                stack,
                &self.path.child(format!("{name}{suffix}Alarm")),
                metric,
                &AlarmProps {
                    threshold,
                    comparison: if out {
                        ComparisonOperator::GreaterThanOrEqualToThreshold
                    } else {
                        ComparisonOperator::LessThanOrEqualToThreshold
                    },
                    evaluation_periods,
                    datapoints_to_alarm: None,
                    treat_missing_data: None,
                    alarm_actions: vec![policy.arn.clone()],
                    ok_actions: Vec::new(),
                },
            );
            if out {
                result.scale_out = Some((policy, alarm));
            } else {
                result.scale_in = Some((policy, alarm));
            }
        }
        result
    }
}

fn check_percent(stack: &mut Stack, path: &ConstructPath, percent: f64) {
    if !(percent > 0.0 && percent <= 100.0) {
        stack.report(
            ValidationError::new(Code::TargetInvalid, path, format!("target of {percent} % is not between 0 and 100"))
                .help("use a utilization target such as 50 or 70"),
        );
    }
}

fn validate_steps(stack: &mut Stack, path: &ConstructPath, props: &StepScalingProps) {
    let mut problem = |field: &str, msg: String, help: &str| {
        stack.report(ValidationError::new(Code::StepScalingInvalid, path, msg).field(field).help(help));
    };
    if props.scale_out.is_empty() && props.scale_in.is_empty() {
        problem("", "step scaling needs `scale_out` or `scale_in` steps".into(), "add at least one step");
    }
    for (field, steps, out) in [("scale_out", &props.scale_out, true), ("scale_in", &props.scale_in, false)] {
        if steps.len() > MAX_STEPS {
            problem(field, format!("{} steps; a policy may have at most {MAX_STEPS}", steps.len()), "use fewer steps");
        }
        for (i, s) in steps.iter().enumerate() {
            let f = format!("{field}[{i}]");
            if !s.at.is_finite() {
                problem(&format!("{f}.at"), format!("step bound {} is not a number", s.at), "use a finite number");
            }
            if (out && s.change <= 0) || (!out && s.change >= 0) {
                problem(
                    &format!("{f}.change"),
                    format!("{field} step changes the count by {}", s.change),
                    if out {
                        "scale-out steps add tasks: use a positive change"
                    } else {
                        "scale-in steps remove tasks: use a negative change"
                    },
                );
            }
            if i > 0 {
                let prev = steps[i - 1].at;
                if (out && s.at <= prev) || (!out && s.at >= prev) {
                    problem(
                        &format!("{f}.at"),
                        format!(
                            "{field} steps are not in {} order of `at`",
                            if out { "ascending" } else { "descending" }
                        ),
                        "sort the steps and remove duplicates",
                    );
                }
            }
        }
    }
    if let (Some(o), Some(i)) = (props.scale_out.first(), props.scale_in.first()) {
        if i.at >= o.at {
            problem(
                "scale_in[0].at",
                format!("scale-in starts at {} but scale-out starts at {}; the alarms would fight", i.at, o.at),
                "start scale-in below the first scale-out step",
            );
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        MaxZero => error("autoscaling:max-zero") {
            formerly: ["scaling-max-zero"],
            title: "the scaling maximum is 0",
            explanation: "Application Auto Scaling keeps the service's task count between `min_capacity` and \
         `max_capacity`; a maximum of 0 would never run a task. Set `max_capacity` to 1 or more.",
        },
        MinAboveMax => error("autoscaling:min-above-max") {
            formerly: ["scaling-min-above-max"],
            title: "the scaling minimum is above the maximum",
            explanation: "Application Auto Scaling rejects a scalable target whose `MinCapacity` is greater than its \
         `MaxCapacity`. Lower `min_capacity` or raise `max_capacity`.\n\n\
         ```yaml\nscaling: {min_capacity: 2, max_capacity: 10, cpu_target_percent: 60}\n```",
        },
        StepScalingInvalid => error("autoscaling:step-scaling-invalid") {
            formerly: ["step-scaling-invalid"],
            title: "a step scaling policy is invalid",
            explanation: "A step scaling policy needs at least one step in `scale_out` or `scale_in` and at most 20 steps \
         per direction. Each step's `at` is a finite number, in ascending order for scale-out and \
         descending for scale-in; scale-out steps add tasks (positive `change`), scale-in steps remove \
         them (negative), and scale-in starts below the first scale-out step, or the two alarms would \
         fight. The message says which rule is broken and where.\n\n\
         ```yaml\nscaling:\n  min_capacity: 2\n  max_capacity: 10\n  cpu_steps:\n    scale_out: [{at: 70, change: 1}, {at: 90, change: 3}]\n    scale_in: [{at: 30, change: -1}]\n```",
        },
        TargetInvalid => error("autoscaling:target-invalid") {
            formerly: ["scaling-target-invalid"],
            title: "a target tracking value is not above 0",
            explanation: "Target tracking scales to keep a metric (CPU %, memory %, requests per target) at the target \
         value; Application Auto Scaling requires that value to be above 0. Use e.g. `cpu_target_percent: 60`.",
        },
    }
}
