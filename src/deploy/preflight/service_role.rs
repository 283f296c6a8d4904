//! The ECS service-linked role of a fresh account. ECS creates
//! `AWSServiceRoleForECS` itself with the account's first cluster, but
//! CloudFormation may create the capacity provider (or the cluster) before
//! the role can be assumed, and the first deploy fails with "Unable to assume
//! the service linked role" (a retry works;
//! aws-cloudformation/cloudformation-coverage-roadmap#818). So before a
//! change set that adds an ECS cluster or capacity provider is executed,
//! rcdk makes sure the role exists, creating it when it does not (a progress
//! line says so). If creating it is denied, the deploy goes on with the
//! warning `ecs:service-linked-role-missing`. Under `--no-execute` the role is
//! only looked up, and a missing one is reported as what executing will do.
//!
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html>

use std::time::Duration;

use super::report;
use crate::aws::{api, Aws, ChangeSetSummary, ErrorKind};
use crate::deploy::Context;
use crate::failure::Failure;
use crate::stacks::finding::Finding;

/// The service principal of ECS.
pub const ECS_SERVICE: &str = "ecs.amazonaws.com";
/// The name AWS gives ECS's service-linked role.
pub const ECS_ROLE: &str = "AWSServiceRoleForECS";
/// How long to let a new role propagate before CloudFormation uses it (IAM
/// is eventually consistent). Not waited for against a custom endpoint
/// (moto_server, LocalStack), which has no propagation.
pub const PROPAGATION: Duration = Duration::from_secs(10);

/// Whether the change set adds an ECS cluster or capacity provider.
pub fn adds_ecs_cluster(summary: &ChangeSetSummary) -> bool {
    summary.changes.iter().any(|c| {
        c.action == "Add" && matches!(c.resource_type.as_str(), "AWS::ECS::Cluster" | "AWS::ECS::CapacityProvider")
    })
}

/// Makes sure ECS's service-linked role exists before `summary` is executed
/// on `stack` (see the module documentation).
pub async fn ensure(ctx: &Context, aws: &Aws, stack: &str, summary: &ChangeSetSummary) -> Result<(), Failure> {
    if !adds_ecs_cluster(summary) {
        return Ok(());
    }
    let account = aws.caller_account().await?;
    match aws.service_linked_role_exists(ECS_SERVICE, ECS_ROLE).await {
        Ok(true) => return Ok(()),
        Ok(false) => {}
        // Without iam:GetRole/ListRoles rcdk cannot tell; ECS usually manages.
        Err(e) if e.kind() == ErrorKind::AccessDenied => return Ok(()),
        Err(e) => return Err(aws.api_fail(&api::IAM, "looking up the service-linked role of ECS", &e)),
    }
    if ctx.options.no_execute {
        ctx.say(&format!(
            "{stack}: the service-linked role for ECS ({ECS_ROLE}) does not exist yet in account {account}: \
             executing this change set with rcdk creates it first"
        ));
        return Ok(());
    }
    ctx.say(&format!(
        "{stack}: the service-linked role for ECS does not exist yet in account {account}: creating it ({ECS_ROLE})"
    ));
    match aws.create_service_linked_role(ECS_SERVICE, ECS_ROLE).await {
        Ok(name) => {
            ctx.say(&format!("{stack}: created the service-linked role {name}"));
            if aws.api().custom_endpoint(&api::IAM).is_none() {
                tokio::time::sleep(PROPAGATION).await;
            }
            Ok(())
        }
        Err(e) => report(
            ctx,
            vec![Finding::new(
                crate::deploy_time::Code::ServiceLinkedRoleMissing,
                stack,
                format!(
                    "the service-linked role for ECS does not exist in account {account} and rcdk may not create it \
                     ({}); the first cluster's capacity provider may fail to create (\"Unable to assume the service \
                     linked role\")",
                    e.describe()
                ),
                format!(
                    "ask an administrator to run `aws iam create-service-linked-role --aws-service-name {ECS_SERVICE}`, \
                     or deploy again if this deploy fails"
                ),
            )],
        ),
    }
}
