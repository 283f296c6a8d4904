//! Elastic Load Balancing v2 calls (Query protocol through [`super::api`]).

use super::api::{Params, ELBV2};
use super::{ApiError, Aws};

/// The load balancer attribute that protects it from deletion.
pub const DELETION_PROTECTION: &str = "deletion_protection.enabled";

impl Aws {
    /// Whether the load balancer `arn` has deletion protection on
    /// (DescribeLoadBalancerAttributes); `None` when it does not exist.
    pub async fn load_balancer_deletion_protection(&self, arn: &str) -> Result<Option<bool>, ApiError> {
        let params = Params::new().set("LoadBalancerArn", arn);
        match self.api().query(&ELBV2, "DescribeLoadBalancerAttributes", params).await {
            Ok(out) => Ok(Some(out.list("Attributes").iter().any(|a| {
                a.text_of("Key").as_deref() == Some(DELETION_PROTECTION)
                    && a.text_of("Value").as_deref() == Some("true")
            }))),
            Err(e) if e.code() == Some("LoadBalancerNotFound") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Turns the load balancer's deletion protection off (ModifyLoadBalancerAttributes).
    pub async fn disable_load_balancer_deletion_protection(&self, arn: &str) -> Result<(), ApiError> {
        let params = Params::new()
            .set("LoadBalancerArn", arn)
            .set("Attributes.member.1.Key", DELETION_PROTECTION)
            .set("Attributes.member.1.Value", "false");
        self.api().query(&ELBV2, "ModifyLoadBalancerAttributes", params).await.map(|_| ())
    }
}

/// A target that is not healthy (DescribeTargetHealth).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnhealthyTarget {
    /// The target's ID (instance ID or IP) and port.
    pub target: String,
    /// `unhealthy`, `draining`, `unused`, `initial`, ...
    pub state: String,
    /// e.g. `Target.ResponseCodeMismatch`.
    pub reason: Option<String>,
    /// e.g. "Health checks failed with these codes: [502]".
    pub description: Option<String>,
}

impl Aws {
    /// The targets of a target group that are not `healthy`.
    pub async fn unhealthy_targets(&self, target_group: &str) -> Result<Vec<UnhealthyTarget>, ApiError> {
        let params = Params::new().set("TargetGroupArn", target_group);
        let out = self.api().query(&ELBV2, "DescribeTargetHealth", params).await?;
        Ok(out
            .list("TargetHealthDescriptions")
            .iter()
            .filter_map(|d| {
                let state = d.text_at(&["TargetHealth", "State"]).unwrap_or_default();
                (state != "healthy").then(|| UnhealthyTarget {
                    target: format!(
                        "{}:{}",
                        d.text_at(&["Target", "Id"]).unwrap_or_default(),
                        d.text_at(&["Target", "Port"]).unwrap_or_default()
                    ),
                    state,
                    reason: d.text_at(&["TargetHealth", "Reason"]),
                    description: d.text_at(&["TargetHealth", "Description"]),
                })
            })
            .collect())
    }
}
