//! A deletion that ends `DELETE_FAILED`: each resource CloudFormation could
//! not delete, its reason, and the command that unblocks it — keyed by the
//! resource type and the words of the reason. The stack itself stays
//! (`rcdk destroy` runs again on a `DELETE_FAILED` stack).

use crate::aws::StackResource;

/// What to run for a resource that could not be deleted.
pub fn unblock(r: &StackResource, stack: &str, region: &str, destroy: &str) -> String {
    let id = r.physical_id.as_deref().unwrap_or("ID");
    let reason = r.reason.as_deref().unwrap_or_default().to_ascii_lowercase();
    let again = format!("then `{destroy}` again");
    match r.resource_type.as_str() {
        "AWS::RDS::DBInstance" if reason.contains("deletion protection") => format!(
            "`aws rds modify-db-instance --db-instance-identifier {id} --no-deletion-protection --apply-immediately \
             --region {region}`, {again} (or add --disable-deletion-protection)"
        ),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" if reason.contains("deletion protection") => format!(
            "`aws elbv2 modify-load-balancer-attributes --load-balancer-arn {id} \
             --attributes Key=deletion_protection.enabled,Value=false --region {region}`, {again}"
        ),
        "AWS::S3::Bucket" if reason.contains("not empty") => format!(
            "empty the bucket (`aws s3 rm s3://{id} --recursive`; with versioning, delete every version), or keep it \
             (`DeletionPolicy: Retain`), {again}"
        ),
        "AWS::ECR::Repository" if reason.contains("not empty") || reason.contains("contains images") => format!(
            "`aws ecr delete-repository --repository-name {id} --force --region {region}` if the images can go, {again}"
        ),
        "AWS::AutoScaling::AutoScalingGroup" => format!(
            "instances protected from scale-in keep the group alive: `aws autoscaling describe-auto-scaling-groups \
             --auto-scaling-group-names {id} --region {region}`, unprotect them with `aws autoscaling \
             set-instance-protection --no-protected-from-scale-in`, {again}"
        ),
        "AWS::EC2::VPC" | "AWS::EC2::Subnet" | "AWS::EC2::SecurityGroup" | "AWS::EC2::InternetGateway"
            if reason.contains("dependenc") || reason.contains("in use") =>
        {
            let filter = match r.resource_type.as_str() {
                "AWS::EC2::Subnet" => "subnet-id",
                "AWS::EC2::SecurityGroup" => "group-id",
                _ => "vpc-id",
            };
            format!(
                "something outside the stack still uses it: list what with `aws ec2 describe-network-interfaces \
                 --filters Name={filter},Values={id} --region {region}`, remove it, {again}"
            )
        }
        _ => format!(
            "resolve the reason above (or leave the resource out of the deletion: `aws cloudformation delete-stack \
             --stack-name {stack} --retain-resources {} --region {region}`), {again}",
            r.logical_id
        ),
    }
}

/// `Logical (Type physical): reason` and the command, for each failed resource.
pub fn lines(resources: &[StackResource], stack: &str, region: &str, destroy: &str) -> Vec<String> {
    resources
        .iter()
        .filter(|r| r.status == "DELETE_FAILED")
        .map(|r| {
            format!(
                "{} ({}{}): {}\n    unblock: {}",
                r.logical_id,
                r.resource_type,
                r.physical_id.as_deref().map(|p| format!(" {p}")).unwrap_or_default(),
                r.reason.as_deref().unwrap_or("no reason given"),
                unblock(r, stack, region, destroy)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(ty: &str, id: &str, reason: &str) -> StackResource {
        StackResource {
            logical_id: "R".into(),
            physical_id: Some(id.into()),
            resource_type: ty.into(),
            status: "DELETE_FAILED".into(),
            reason: Some(reason.into()),
        }
    }

    #[test]
    fn each_failure_maps_to_its_command() {
        let destroy = "rcdk destroy app.yaml --stack shop";
        let db = failed(
            "AWS::RDS::DBInstance",
            "shop-db",
            "Cannot delete protected DB Instance, please disable deletion protection and try again.",
        );
        assert!(unblock(&db, "shop", "eu-west-1", destroy)
            .starts_with("`aws rds modify-db-instance --db-instance-identifier shop-db --no-deletion-protection"));
        let subnet =
            failed("AWS::EC2::Subnet", "subnet-1", "The subnet 'subnet-1' has dependencies and cannot be deleted.");
        assert!(unblock(&subnet, "shop", "eu-west-1", destroy).contains("--filters Name=subnet-id,Values=subnet-1"));
        let bucket = failed("AWS::S3::Bucket", "b", "The bucket you tried to delete is not empty");
        assert!(unblock(&bucket, "shop", "eu-west-1", destroy)
            .starts_with("empty the bucket (`aws s3 rm s3://b --recursive`"));
        let l = lines(
            &[db, StackResource { status: "DELETE_COMPLETE".into(), ..Default::default() }],
            "shop",
            "eu-west-1",
            destroy,
        );
        assert_eq!(l.len(), 1);
        assert!(l[0].starts_with("R (AWS::RDS::DBInstance shop-db): Cannot delete protected DB Instance"), "{}", l[0]);
    }
}
