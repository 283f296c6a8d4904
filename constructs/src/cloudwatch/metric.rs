//! Metrics: what an alarm or a scaling policy watches.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How data points of a period are aggregated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Statistic {
    /// The average.
    #[default]
    Average,
    /// The sum.
    Sum,
    /// The minimum.
    Minimum,
    /// The maximum.
    Maximum,
    /// The number of data points.
    SampleCount,
}

impl Statistic {
    /// The name CloudWatch uses.
    pub fn as_cfn(self) -> &'static str {
        match self {
            Statistic::Average => "Average",
            Statistic::Sum => "Sum",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::SampleCount => "SampleCount",
        }
    }
}

/// A CloudWatch metric with its dimensions. Handles hand these out (a
/// service's CPU, a target group's 5XX count) for alarms to watch.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Namespace, e.g. `AWS/ECS`.
    pub namespace: String,
    /// Metric name, e.g. `CPUUtilization`.
    pub metric_name: String,
    /// Dimensions as name and value (values may be intrinsics).
    pub dimensions: Vec<(String, Value)>,
    /// Aggregation over each period.
    pub statistic: Statistic,
    /// Period in seconds (60 or a multiple of 60).
    pub period_seconds: u32,
}

impl Metric {
    /// A metric with the average over one minute.
    pub fn new(namespace: &str, metric_name: &str, dimensions: Vec<(String, Value)>) -> Self {
        Metric {
            namespace: namespace.into(),
            metric_name: metric_name.into(),
            dimensions,
            statistic: Statistic::Average,
            period_seconds: 60,
        }
    }

    /// The same metric with another statistic (builder style).
    pub fn with_statistic(mut self, statistic: Statistic) -> Self {
        self.statistic = statistic;
        self
    }

    /// The same metric over another period in seconds (builder style): 10, 30
    /// or a multiple of 60.
    pub fn with_period(mut self, period_seconds: u32) -> Self {
        self.period_seconds = period_seconds;
        self
    }

    /// Whether the period is one CloudWatch alarms accept: 10, 30 or a
    /// multiple of 60 seconds.
    pub fn period_is_valid(&self) -> bool {
        matches!(self.period_seconds, 10 | 30) || (self.period_seconds >= 60 && self.period_seconds % 60 == 0)
    }

    /// The `Dimensions` list of an alarm or metric specification.
    pub fn dimensions_json(&self) -> Value {
        Value::Array(self.dimensions.iter().map(|(n, v)| serde_json::json!({"Name": n, "Value": v})).collect())
    }
}
