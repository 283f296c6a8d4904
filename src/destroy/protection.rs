//! What makes CloudFormation refuse or fail a stack deletion before it
//! starts: stack termination protection, an RDS instance's deletion
//! protection, a load balancer's deletion protection. Found before
//! `DeleteStack` and refused with the command that lifts each (exit 1,
//! nothing deleted), or lifted by rcdk with `--disable-deletion-protection`.
//!
//! - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html>
//! - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html>
//! - <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection>

use std::time::{Duration, Instant};

use crate::aws::{api, Aws, ErrorKind, StackInfo, StackResource};
use crate::failure::Failure;
use crate::stacks::finding::Finding;

/// How long `--disable-deletion-protection` waits for RDS to apply the change.
pub const RDS_WAIT: Duration = Duration::from_secs(600);

/// One protection that blocks the deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// The stack's termination protection.
    Termination,
    /// An RDS instance with deletion protection.
    Database {
        /// Its logical ID.
        logical_id: String,
        /// Its DB instance identifier.
        id: String,
    },
    /// A load balancer with deletion protection.
    LoadBalancer {
        /// Its logical ID.
        logical_id: String,
        /// Its ARN.
        arn: String,
    },
}

/// Asks AWS which protections of `stack` would block its deletion. A check
/// the credentials may not make is skipped with a note (`say`).
pub async fn find(
    aws: &Aws,
    stack: &StackInfo,
    resources: &[StackResource],
    say: &dyn Fn(&str),
) -> Result<Vec<Blocker>, Failure> {
    let mut out = Vec::new();
    if stack.termination_protection {
        out.push(Blocker::Termination);
    }
    for r in resources {
        let Some(physical) = r.physical_id.as_deref() else { continue };
        let (service, answer) = match r.resource_type.as_str() {
            "AWS::RDS::DBInstance" => (&api::RDS, aws.db_deletion_protection(physical).await),
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                (&api::ELBV2, aws.load_balancer_deletion_protection(physical).await)
            }
            _ => continue,
        };
        match answer {
            Ok(Some(true)) => out.push(match service.signing_name {
                "rds" => Blocker::Database { logical_id: r.logical_id.clone(), id: physical.to_owned() },
                _ => Blocker::LoadBalancer { logical_id: r.logical_id.clone(), arn: physical.to_owned() },
            }),
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::AccessDenied => say(&format!(
                "note: cannot tell whether {} `{physical}` has deletion protection ({}); if it does, the deletion \
                 fails on it",
                r.logical_id,
                e.describe()
            )),
            Err(e) => {
                return Err(aws.api_fail(service, &format!("reading the deletion protection of `{physical}`"), &e))
            }
        }
    }
    Ok(out)
}

/// The finding for each blocker, with the command that lifts it; `destroy`
/// is the `rcdk destroy ...` command that would lift them all.
pub fn findings(stack: &str, region: &str, blockers: &[Blocker], destroy: &str) -> Vec<Finding> {
    let or_rcdk = format!("or let rcdk do it: `{destroy} --disable-deletion-protection`");
    blockers
        .iter()
        .map(|b| match b {
            Blocker::Termination => Finding::new(
                crate::deploy_time::Code::TerminationProtection,
                stack,
                "the stack has termination protection: CloudFormation refuses to delete it",
                format!(
                    "`aws cloudformation update-termination-protection --stack-name {stack} \
                     --no-enable-termination-protection --region {region}`, {or_rcdk}"
                ),
            ),
            Blocker::Database { logical_id, id } => Finding::new(
                crate::deploy_time::rds::Code::DeletionProtectionBlocksDestroy,
                stack,
                format!(
                    "database `{id}` has deletion protection: the deletion would fail on it (DELETE_FAILED) and \
                     leave it, its subnet group and security group, the subnets and the VPC behind"
                ),
                format!(
                    "`aws rds modify-db-instance --db-instance-identifier {id} --no-deletion-protection \
                     --apply-immediately --region {region}`, {or_rcdk}; with `DeletionPolicy: Snapshot` a final \
                     snapshot is kept, billed as backup storage per GB-month"
                ),
            )
            .at(logical_id),
            Blocker::LoadBalancer { logical_id, arn } => Finding::new(
                crate::deploy_time::elbv2::Code::DeletionProtectionBlocksDestroy,
                stack,
                format!(
                    "load balancer `{}` has deletion protection: the deletion would fail on it (DELETE_FAILED)",
                    arn.rsplit('/').nth(1).unwrap_or(arn)
                ),
                format!(
                    "`aws elbv2 modify-load-balancer-attributes --load-balancer-arn {arn} \
                     --attributes Key=deletion_protection.enabled,Value=false --region {region}`, {or_rcdk}"
                ),
            )
            .at(logical_id),
        })
        .collect()
}

/// Lifts every blocker (`--disable-deletion-protection`), saying what it
/// does; waits until RDS reports the protection off.
pub async fn lift(aws: &Aws, stack: &str, blockers: &[Blocker], say: &dyn Fn(&str)) -> Result<(), Failure> {
    for b in blockers {
        match b {
            Blocker::Termination => {
                say(&format!("{stack}: turning off the stack's termination protection"));
                aws.disable_termination_protection(stack).await?;
            }
            Blocker::Database { id, .. } => {
                say(&format!("{stack}: turning off the deletion protection of database `{id}`"));
                let what = format!("turning off the deletion protection of database `{id}`");
                aws.disable_db_deletion_protection(id).await.map_err(|e| aws.api_fail(&api::RDS, &what, &e))?;
                let start = Instant::now();
                loop {
                    match aws.db_deletion_protection(id).await {
                        Ok(Some(true)) if start.elapsed() < RDS_WAIT => {
                            tokio::time::sleep(Duration::from_secs(5)).await
                        }
                        Ok(Some(true)) => {
                            return Err(Failure::no(format!(
                                "{what}: RDS still reports it on after {} minutes",
                                RDS_WAIT.as_secs() / 60
                            ))
                            .help("check the instance in the RDS console, then run rcdk destroy again"))
                        }
                        Ok(_) => break,
                        Err(e) => return Err(aws.api_fail(&api::RDS, &what, &e)),
                    }
                }
            }
            Blocker::LoadBalancer { arn, .. } => {
                say(&format!("{stack}: turning off the deletion protection of load balancer `{arn}`"));
                aws.disable_load_balancer_deletion_protection(arn).await.map_err(|e| {
                    aws.api_fail(&api::ELBV2, &format!("turning off the deletion protection of `{arn}`"), &e)
                })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_blocker_names_its_command() {
        let blockers = [
            Blocker::Termination,
            Blocker::Database { logical_id: "Database".into(), id: "shop-db".into() },
            Blocker::LoadBalancer {
                logical_id: "Alb".into(),
                arn: "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/shop-alb/abc".into(),
            },
        ];
        let f = findings("shop", "eu-west-1", &blockers, "rcdk destroy app.yaml --stack shop");
        assert_eq!(
            f.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
            [
                "stack:termination-protection",
                "rds:deletion-protection-blocks-destroy",
                "elbv2:deletion-protection-blocks-destroy"
            ]
        );
        assert!(f[1].help.starts_with(
            "`aws rds modify-db-instance --db-instance-identifier shop-db --no-deletion-protection --apply-immediately --region eu-west-1`, or let rcdk do it: `rcdk destroy app.yaml --stack shop --disable-deletion-protection`"
        ));
        assert!(f[2].message.starts_with("load balancer `shop-alb` has deletion protection"), "{}", f[2].message);
        assert_eq!(f[2].resource.as_deref(), Some("Alb"));
    }
}
