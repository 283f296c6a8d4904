//! Lifting scale-in protection so an ECS cluster's Auto Scaling group can be
//! deleted. With managed termination protection, ECS protects the group's
//! instances from scale-in; once the capacity provider is deleted nothing
//! removes that protection, and CloudFormation's deletion of the group then
//! never completes (aws/aws-cdk#18179, aws/containers-roadmap#2862). So
//! `rcdk destroy` unprotects the instances itself before `DeleteStack`, and
//! again while the deletion runs (ECS may protect an instance again while
//! its tasks drain).
//!
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html>

use crate::aws::{Aws, ErrorKind, StackResource};
use crate::stacks::finding::Finding;

/// The resource type whose instances are unprotected.
pub const GROUP_TYPE: &str = "AWS::AutoScaling::AutoScalingGroup";

/// What one pass did.
#[derive(Debug, Default)]
pub struct Pass {
    /// Progress lines (instances unprotected).
    pub lines: Vec<String>,
    /// Warnings (`ecs:scale-in-protected-instances`): the protection could not be removed.
    pub warnings: Vec<Finding>,
}

/// Removes scale-in protection from the protected instances of every Auto
/// Scaling group of the stack. Best effort: a group that is gone is
/// skipped; a call that fails is a warning with the command to run.
pub async fn unprotect(aws: &Aws, stack: &str, resources: &[StackResource]) -> Pass {
    let mut pass = Pass::default();
    let region = aws.region();
    for group in resources.iter().filter(|r| r.resource_type == GROUP_TYPE) {
        let Some(name) = group.physical_id.as_deref() else { continue };
        let instances = match aws.group_instances(name).await {
            Ok(Some(instances)) => instances,
            Ok(None) => continue,
            Err(e) => {
                pass.warnings.push(warning(stack, &group.logical_id, name, &[], &region, &e.describe()));
                continue;
            }
        };
        let protected: Vec<String> =
            instances.into_iter().filter(|i| i.protected && !i.state.starts_with("Terminat")).map(|i| i.id).collect();
        if protected.is_empty() {
            continue;
        }
        match aws.unprotect_instances(name, &protected).await {
            Ok(()) => pass.lines.push(format!(
                "{stack}: removed scale-in protection from {} instance(s) of `{stack}/{}` ({name}) so the Auto \
                 Scaling group can be deleted",
                protected.len(),
                group.logical_id
            )),
            Err(e) => {
                let why = if e.kind() == ErrorKind::AccessDenied {
                    format!("rcdk may not remove it: {}", e.describe())
                } else {
                    e.describe()
                };
                pass.warnings.push(warning(stack, &group.logical_id, name, &protected, &region, &why));
            }
        }
    }
    pass
}

fn warning(stack: &str, logical_id: &str, group: &str, instances: &[String], region: &str, why: &str) -> Finding {
    let ids = if instances.is_empty() { "INSTANCE-IDS".to_owned() } else { instances.join(" ") };
    Finding::new(
        crate::deploy_time::Code::ScaleInProtectedInstances,
        stack,
        format!(
            "the instances of Auto Scaling group `{group}` stay protected from scale-in ({why}): CloudFormation cannot \
             delete the group while they are"
        ),
        format!(
            "`aws autoscaling set-instance-protection --auto-scaling-group-name {group} --instance-ids {ids} \
             --no-protected-from-scale-in --region {region}`, then run rcdk destroy again if the deletion failed"
        ),
    )
    .at(logical_id)
}
