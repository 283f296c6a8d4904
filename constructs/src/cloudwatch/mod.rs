//! CloudWatch: metrics and alarms.

mod metric;

pub use metric::{Metric, Statistic};
