//! EC2 Auto Scaling calls (Query protocol through [`super::api`]).

use super::api::{Params, AUTO_SCALING};
use super::{ApiError, Aws};

/// SetInstanceProtection takes at most this many instances per call.
pub const MAX_INSTANCES_PER_CALL: usize = 50;

/// One instance of an Auto Scaling group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInstance {
    /// The EC2 instance ID.
    pub id: String,
    /// Whether it is protected from scale-in.
    pub protected: bool,
    /// Its lifecycle state, e.g. `InService`.
    pub state: String,
}

impl Aws {
    /// The instances of the Auto Scaling group `name` (DescribeAutoScalingGroups);
    /// `None` when there is no such group.
    pub async fn group_instances(&self, name: &str) -> Result<Option<Vec<GroupInstance>>, ApiError> {
        let params = Params::new().list("AutoScalingGroupNames.member", [name]);
        let out = self.api().query(&AUTO_SCALING, "DescribeAutoScalingGroups", params).await?;
        Ok(out.list("AutoScalingGroups").first().map(|g| {
            g.list("Instances")
                .iter()
                .map(|i| GroupInstance {
                    id: i.text_of("InstanceId").unwrap_or_default(),
                    protected: i.text_of("ProtectedFromScaleIn").is_some_and(|p| p == "true"),
                    state: i.text_of("LifecycleState").unwrap_or_default(),
                })
                .collect()
        }))
    }

    /// Removes scale-in protection from `instances` of the group `name`
    /// (SetInstanceProtection, [`MAX_INSTANCES_PER_CALL`] at a time).
    pub async fn unprotect_instances(&self, name: &str, instances: &[String]) -> Result<(), ApiError> {
        for chunk in instances.chunks(MAX_INSTANCES_PER_CALL) {
            let params = Params::new()
                .set("AutoScalingGroupName", name)
                .list("InstanceIds.member", chunk.iter().cloned())
                .set("ProtectedFromScaleIn", "false");
            self.api().query(&AUTO_SCALING, "SetInstanceProtection", params).await?;
        }
        Ok(())
    }
}
