//! CloudWatch alarms (`AWS::CloudWatch::Alarm`) and presets.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Metric;
use crate::cfn::{Intrinsic, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;

/// CPU alarm threshold when none is given: 80 % of the reserved CPU.
pub const DEFAULT_CPU_THRESHOLD_PERCENT: f64 = 80.0;
/// Memory alarm threshold when none is given: 80 % of the reserved memory.
pub const DEFAULT_MEMORY_THRESHOLD_PERCENT: f64 = 80.0;
/// Target 5XX alarm threshold when none is given: 5 responses per period.
pub const DEFAULT_TARGET_5XX_THRESHOLD: f64 = 5.0;
/// Unhealthy hosts alarm threshold when none is given: at least one.
pub const DEFAULT_UNHEALTHY_HOSTS_THRESHOLD: f64 = 1.0;
/// Target response time alarm threshold when none is given: 1 second on average.
pub const DEFAULT_RESPONSE_TIME_THRESHOLD_SECONDS: f64 = 1.0;
/// Evaluation periods of the preset alarms when none are given: 3 (three
/// one-minute periods, all of them breaching, before the alarm fires).
pub const DEFAULT_PRESET_EVALUATION_PERIODS: u32 = 3;

/// How the metric is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonOperator {
    /// `GreaterThanOrEqualToThreshold`
    GreaterThanOrEqualToThreshold,
    /// `GreaterThanThreshold`
    GreaterThanThreshold,
    /// `LessThanThreshold`
    LessThanThreshold,
    /// `LessThanOrEqualToThreshold`
    LessThanOrEqualToThreshold,
}

impl ComparisonOperator {
    /// The name CloudWatch uses.
    pub fn as_cfn(self) -> &'static str {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            ComparisonOperator::GreaterThanThreshold => "GreaterThanThreshold",
            ComparisonOperator::LessThanThreshold => "LessThanThreshold",
            ComparisonOperator::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => ">=",
            ComparisonOperator::GreaterThanThreshold => ">",
            ComparisonOperator::LessThanThreshold => "<",
            ComparisonOperator::LessThanOrEqualToThreshold => "<=",
        }
    }
}

/// What a period without data counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TreatMissingData {
    /// Missing data breaches the threshold.
    Breaching,
    /// Missing data is fine (metrics that only exist with traffic: 5XX counts,
    /// response times, unhealthy hosts).
    NotBreaching,
    /// The alarm keeps its state.
    Ignore,
    /// CloudWatch's default: missing periods are not evaluated, and an alarm
    /// with no data at all goes to `INSUFFICIENT_DATA`.
    #[default]
    Missing,
}

impl TreatMissingData {
    /// The name CloudWatch uses.
    pub fn as_cfn(self) -> &'static str {
        match self {
            TreatMissingData::Breaching => "breaching",
            TreatMissingData::NotBreaching => "notBreaching",
            TreatMissingData::Ignore => "ignore",
            TreatMissingData::Missing => "missing",
        }
    }
}

/// Props of an [`Alarm`].
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmProps {
    /// The value the metric's statistic is compared with.
    pub threshold: f64,
    /// How the statistic is compared with the threshold.
    pub comparison: ComparisonOperator,
    /// How many recent periods are evaluated, at least 1; times the metric's
    /// period at most one day.
    pub evaluation_periods: u32,
    /// How many of the evaluated periods must breach, 1 to
    /// `evaluation_periods`. Default: all of them (`evaluation_periods`).
    pub datapoints_to_alarm: Option<u32>,
    /// What a period without data counts as. Default: [`TreatMissingData::Missing`]
    /// (CloudWatch's own default); the presets for 5XX, unhealthy hosts and
    /// response time use `NotBreaching` because those metrics only exist with traffic.
    pub treat_missing_data: Option<TreatMissingData>,
    /// ARNs notified or invoked when the alarm fires (SNS topics, scaling policies).
    pub alarm_actions: Vec<Value>,
    /// ARNs notified when the alarm returns to OK.
    pub ok_actions: Vec<Value>,
}

/// App-file props of a preset alarm (`Alarm::cpu_high` and the like).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PresetAlarmProps {
    /// The threshold. Default: the preset's (`DEFAULT_*_THRESHOLD*` constants of this module).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Evaluation periods of one minute. Default: [`DEFAULT_PRESET_EVALUATION_PERIODS`] (3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_periods: Option<u32>,
    /// Breaching periods among them that fire the alarm. Default: all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datapoints_to_alarm: Option<u32>,
}

/// A CloudWatch alarm on one metric. CloudFormation generates its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    /// The alarm's logical ID.
    pub logical_id: String,
    /// The alarm's ARN (`Fn::GetAtt Arn`).
    pub arn: Value,
}

impl Alarm {
    /// Adds an alarm at `path` watching `metric`. Invalid props are reported
    /// at `evaluation_periods` / `datapoints_to_alarm` / `threshold`.
    pub fn new(stack: &mut Stack, path: &ConstructPath, metric: &Metric, props: &AlarmProps) -> Alarm {
        validate(stack, path, metric, props);
        let datapoints = props.datapoints_to_alarm.unwrap_or(props.evaluation_periods);
        let description = format!(
            "{path}: {} of {} {} {} {} for {datapoints} of {} period(s) of {} s",
            metric.statistic.as_cfn(),
            metric.namespace,
            metric.metric_name,
            props.comparison.symbol(),
            props.threshold,
            props.evaluation_periods,
            metric.period_seconds
        );
        let mut resource = Resource::new("AWS::CloudWatch::Alarm")
            .prop("AlarmDescription", description)
            .prop("Namespace", metric.namespace.as_str())
            .prop("MetricName", metric.metric_name.as_str())
            .prop("Dimensions", metric.dimensions_json())
            .prop("Statistic", metric.statistic.as_cfn())
            .prop("Period", metric.period_seconds)
            .prop("EvaluationPeriods", props.evaluation_periods)
            .prop("DatapointsToAlarm", datapoints)
            .prop("Threshold", props.threshold)
            .prop("ComparisonOperator", props.comparison.as_cfn())
            .prop("TreatMissingData", props.treat_missing_data.unwrap_or_default().as_cfn());
        if !props.alarm_actions.is_empty() {
            resource = resource.prop("AlarmActions", Value::Array(props.alarm_actions.clone()));
        }
        if !props.ok_actions.is_empty() {
            resource = resource.prop("OKActions", Value::Array(props.ok_actions.clone()));
        }
        let logical_id = stack.add_resource(path, resource);
        Alarm { arn: Intrinsic::get_att(&logical_id, "Arn"), logical_id }
    }

    fn preset(
        stack: &mut Stack,
        path: &ConstructPath,
        metric: &Metric,
        props: &PresetAlarmProps,
        default_threshold: f64,
        treat_missing_data: TreatMissingData,
        notify: &[Value],
    ) -> Alarm {
        let props = AlarmProps {
            threshold: props.threshold.unwrap_or(default_threshold),
            comparison: ComparisonOperator::GreaterThanOrEqualToThreshold,
            evaluation_periods: props.evaluation_periods.unwrap_or(DEFAULT_PRESET_EVALUATION_PERIODS),
            datapoints_to_alarm: props.datapoints_to_alarm,
            treat_missing_data: Some(treat_missing_data),
            alarm_actions: notify.to_vec(),
            ok_actions: notify.to_vec(),
        };
        Alarm::new(stack, path, metric, &props)
    }

    /// Service CPU high: `metric` (a service's `metric_cpu()`) at or above the
    /// threshold (default [`DEFAULT_CPU_THRESHOLD_PERCENT`]). Missing data is
    /// `missing`: a service that stops reporting CPU goes to INSUFFICIENT_DATA
    /// rather than OK. `notify` receives both the alarm and the recovery.
    pub fn cpu_high(
        stack: &mut Stack,
        path: &ConstructPath,
        metric: &Metric,
        props: &PresetAlarmProps,
        notify: &[Value],
    ) -> Alarm {
        Self::preset(stack, path, metric, props, DEFAULT_CPU_THRESHOLD_PERCENT, TreatMissingData::Missing, notify)
    }

    /// Service memory high: like [`Alarm::cpu_high`] for `metric_memory()`,
    /// default threshold [`DEFAULT_MEMORY_THRESHOLD_PERCENT`].
    pub fn memory_high(
        stack: &mut Stack,
        path: &ConstructPath,
        metric: &Metric,
        props: &PresetAlarmProps,
        notify: &[Value],
    ) -> Alarm {
        Self::preset(stack, path, metric, props, DEFAULT_MEMORY_THRESHOLD_PERCENT, TreatMissingData::Missing, notify)
    }

    /// Target 5XX responses (a target group's `metric_target_5xx`) at or above
    /// the threshold per period (default [`DEFAULT_TARGET_5XX_THRESHOLD`]).
    /// Missing data is `notBreaching`: no 5XX is reported as no data.
    pub fn target_5xx(
        stack: &mut Stack,
        path: &ConstructPath,
        metric: &Metric,
        props: &PresetAlarmProps,
        notify: &[Value],
    ) -> Alarm {
        Self::preset(stack, path, metric, props, DEFAULT_TARGET_5XX_THRESHOLD, TreatMissingData::NotBreaching, notify)
    }

    /// Unhealthy targets (a target group's `metric_unhealthy_hosts`) at or
    /// above the threshold (default [`DEFAULT_UNHEALTHY_HOSTS_THRESHOLD`]).
    /// Missing data is `notBreaching`.
    pub fn unhealthy_hosts(
        stack: &mut Stack,
        path: &ConstructPath,
        metric: &Metric,
        props: &PresetAlarmProps,
        notify: &[Value],
    ) -> Alarm {
        Self::preset(
            stack,
            path,
            metric,
            props,
            DEFAULT_UNHEALTHY_HOSTS_THRESHOLD,
            TreatMissingData::NotBreaching,
            notify,
        )
    }

    /// Average target response time in seconds (a target group's
    /// `metric_target_response_time`) at or above the threshold (default
    /// [`DEFAULT_RESPONSE_TIME_THRESHOLD_SECONDS`]). Missing data (no
    /// requests) is `notBreaching`.
    pub fn response_time(
        stack: &mut Stack,
        path: &ConstructPath,
        metric: &Metric,
        props: &PresetAlarmProps,
        notify: &[Value],
    ) -> Alarm {
        Self::preset(
            stack,
            path,
            metric,
            props,
            DEFAULT_RESPONSE_TIME_THRESHOLD_SECONDS,
            TreatMissingData::NotBreaching,
            notify,
        )
    }
}

fn validate(stack: &mut Stack, path: &ConstructPath, metric: &Metric, props: &AlarmProps) {
    if !metric.period_is_valid() {
        stack.report(
            ValidationError::new(
                Code::AlarmPeriodInvalid,
                path,
                format!("metric period of {} s is not one CloudWatch alarms accept", metric.period_seconds),
            )
            .help("use 10, 30 or a multiple of 60 seconds"),
        );
    }
    if props.evaluation_periods == 0 {
        stack.report(
            ValidationError::new(
                Code::AlarmEvaluationPeriodsInvalid,
                path,
                "an alarm needs at least one evaluation period",
            )
            .field("evaluation_periods")
            .help("set `evaluation_periods` to 1 or more"),
        );
    } else if u64::from(props.evaluation_periods) * u64::from(metric.period_seconds) > 86_400 {
        stack.report(
            ValidationError::new(
                Code::AlarmEvaluationPeriodsInvalid,
                path,
                format!(
                    "{} evaluation periods of {} s exceed the one day an alarm may evaluate",
                    props.evaluation_periods, metric.period_seconds
                ),
            )
            .field("evaluation_periods")
            .help("lower `evaluation_periods` so that periods times period length is at most 86400 s"),
        );
    }
    if let Some(d) = props.datapoints_to_alarm {
        if d == 0 || d > props.evaluation_periods {
            stack.report(
                ValidationError::new(
                    Code::AlarmDatapointsInvalid,
                    path,
                    format!(
                        "datapoints_to_alarm {d} must be between 1 and evaluation_periods ({})",
                        props.evaluation_periods
                    ),
                )
                .field("datapoints_to_alarm")
                .help("lower `datapoints_to_alarm` or raise `evaluation_periods`"),
            );
        }
    }
    if !props.threshold.is_finite() {
        stack.report(
            ValidationError::new(Code::AlarmThresholdInvalid, path, "the alarm threshold must be a finite number")
                .field("threshold"),
        );
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        AlarmDatapointsInvalid => error("cloudwatch:alarm-datapoints-invalid") {
            formerly: ["alarm-datapoints-invalid"],
            title: "`datapoints_to_alarm` is outside 1 to `evaluation_periods`",
            explanation: "An alarm fires when `datapoints_to_alarm` of the last `evaluation_periods` periods breach (\"M \
         out of N\"); CloudWatch requires 1 <= M <= N.\n\n\
         ```yaml\nevaluation_periods: 5\ndatapoints_to_alarm: 3\n```",
        },
        AlarmEvaluationPeriodsInvalid => error("cloudwatch:alarm-evaluation-periods-invalid") {
            formerly: ["alarm-evaluation-periods-invalid"],
            title: "the alarm's evaluation periods are 0 or span more than a day",
            explanation: "An alarm evaluates at least one period, and CloudWatch limits `evaluation_periods` times the \
         period to one day (86,400 s). Set `evaluation_periods` to 1 or more, and lower it (or the \
         period) to fit a day.",
        },
        AlarmPeriodInvalid => error("cloudwatch:alarm-period-invalid") {
            formerly: ["alarm-period-invalid"],
            title: "the metric period is not one CloudWatch alarms accept",
            explanation: "CloudWatch alarms take a period of 10 or 30 seconds (high-resolution metrics) or a multiple of \
         60 seconds. Use e.g. 60 or 300.",
        },
        AlarmThresholdInvalid => error("cloudwatch:alarm-threshold-invalid") {
            formerly: ["alarm-threshold-invalid"],
            title: "the alarm threshold is not a finite number",
            explanation: "An alarm compares the metric with a number; NaN and infinity are not numbers CloudWatch \
         accepts. Set `threshold` to a finite value.",
        },
    }
}
