//! VPC flow logs to CloudWatch Logs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cfn::Resource;
use crate::core::{ConstructPath, Stack};
use crate::iam::{PolicyStatement, Role, RoleProps};
use crate::logs::{LogGroup, LogGroupProps};

/// Which traffic flow logs record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TrafficType {
    /// Accepted and rejected traffic. `ALL` is accepted too (deprecated spelling).
    #[default]
    #[serde(alias = "ALL")]
    All,
    /// Accepted traffic only. `ACCEPT` is accepted too (deprecated spelling).
    #[serde(alias = "ACCEPT")]
    Accept,
    /// Rejected traffic only. `REJECT` is accepted too (deprecated spelling).
    #[serde(alias = "REJECT")]
    Reject,
}

/// VPC flow logs, delivered to a log group of their own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowLogsProps {
    /// Days to keep flow log records. Default: 365 (see [`crate::logs::DEFAULT_RETENTION_DAYS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Which traffic to record: `all`, `accept` or `reject`. Default: `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_type: Option<TrafficType>,
    /// Delete the flow logs' log group when it leaves the stack or the stack
    /// is deleted. Default: false, retained (see
    /// [`crate::logs::LogGroupProps::delete_on_removal`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_on_removal: Option<bool>,
    /// Encrypt the flow logs with the stack's log key (see
    /// [`crate::logs::LogGroupProps::encrypted`]). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
}

/// Adds the log group, the delivery role (write access to that log group
/// only) and the flow log.
pub(crate) fn add_flow_logs(stack: &mut Stack, vpc_path: &ConstructPath, vpc: &Value, props: &FlowLogsProps) {
    let path = vpc_path.child("FlowLogs");
    let group = LogGroup::new(
        stack,
        &path.child("LogGroup"),
        &LogGroupProps {
            retention_days: props.retention_days,
            delete_on_removal: props.delete_on_removal,
            encrypted: props.encrypted,
        },
    );
    let role = Role::new(
        stack,
        &path.child("Role"),
        &RoleProps {
            assumed_by: "vpc-flow-logs.amazonaws.com".into(),
            managed_policies: vec![],
            statements: vec![PolicyStatement::allow(
                &["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                vec![group.arn.clone()],
            )],
        },
    );
    let traffic = match props.traffic_type.unwrap_or_default() {
        TrafficType::All => "ALL",
        TrafficType::Accept => "ACCEPT",
        TrafficType::Reject => "REJECT",
    };
    stack.add_resource(
        &path,
        Resource::new("AWS::EC2::FlowLog")
            .prop("ResourceId", vpc.clone())
            .prop("ResourceType", "VPC")
            .prop("TrafficType", traffic)
            .prop("LogDestinationType", "cloud-watch-logs")
            .prop("LogGroupName", group.name)
            .prop("DeliverLogsPermissionArn", role.arn),
    );
}
