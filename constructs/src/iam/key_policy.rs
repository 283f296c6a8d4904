//! KMS key policies: the customer managed keys rcdk creates.

use serde_json::{json, Value};

use crate::cfn::{Intrinsic, Resource};

/// A customer managed KMS key (`AWS::KMS::Key`, rotation on) whose policy
/// lets the account administer it (IAM policies then decide who uses it),
/// lets `service` — one key policy statement for the AWS service that
/// encrypts with it — use it, and lets only AWS services create grants
/// ([`deny_grants_but_to_aws_services`]).
pub fn customer_managed_key(description: String, service: Value) -> Resource {
    Resource::new("AWS::KMS::Key").prop("Description", description).prop("EnableKeyRotation", true).prop(
        "KeyPolicy",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {"AWS": Intrinsic::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                    "Action": "kms:*",
                    "Resource": "*"
                },
                service,
                deny_grants_but_to_aws_services()
            ]
        }),
    )
}

/// The key policy statement that lets only AWS services create grants on a
/// key (`kms:CreateGrant` denied unless `kms:GrantIsForAWSResource` or
/// `aws:PrincipalIsAWSService`), the shape the Control Tower control
/// CT.KMS.PR.3 requires. Services that use grants on a customer's behalf
/// (EBS, RDS, ...) set `kms:GrantIsForAWSResource`; CloudWatch Logs and SNS
/// use no grants. See "AWS KMS condition keys: kms:GrantIsForAWSResource",
/// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource.
pub fn deny_grants_but_to_aws_services() -> Value {
    json!({
        "Sid": "GrantsOnlyForAwsServices",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": ["kms:CreateGrant"],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}}
    })
}
