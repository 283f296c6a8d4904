//! CloudWatch: metrics, alarms, and alarm presets for the usual suspects
//! (service CPU and memory, load balancer target 5XX, unhealthy hosts and
//! response time).

pub(crate) mod alarm;
mod metric;

pub use alarm::{
    Alarm, AlarmProps, ComparisonOperator, PresetAlarmProps, TreatMissingData, DEFAULT_CPU_THRESHOLD_PERCENT,
    DEFAULT_MEMORY_THRESHOLD_PERCENT, DEFAULT_PRESET_EVALUATION_PERIODS, DEFAULT_RESPONSE_TIME_THRESHOLD_SECONDS,
    DEFAULT_TARGET_5XX_THRESHOLD, DEFAULT_UNHEALTHY_HOSTS_THRESHOLD,
};
pub use metric::{Metric, Statistic};
