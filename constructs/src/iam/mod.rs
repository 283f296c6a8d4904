//! IAM: roles with trust policies, inline policies and managed policies.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{Intrinsic, Resource};
use crate::core::{ConstructPath, FieldPath, Stack};
use crate::error::ValidationError;

mod grant;
pub use grant::{store_variable, Access, ServiceGrants};
mod key_policy;
pub use key_policy::{customer_managed_key, deny_grants_but_to_aws_services};

/// One statement of a policy document. In app files:
/// `{actions: [s3:GetObject], resources: ["arn:aws:s3:::bucket/*"]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyStatement {
    /// `Action`s allowed.
    pub actions: Vec<String>,
    /// `Resource`s they apply to (ARNs or intrinsics).
    pub resources: Vec<Value>,
}

impl PolicyStatement {
    /// An `Allow` statement.
    pub fn allow(actions: &[&str], resources: Vec<Value>) -> Self {
        PolicyStatement { actions: actions.iter().map(|a| (*a).to_owned()).collect(), resources }
    }

    fn to_json(&self) -> Value {
        let action: Value = match self.actions.as_slice() {
            [one] => json!(one),
            all => json!(all),
        };
        let resource: Value = match self.resources.as_slice() {
            [one] => one.clone(),
            all => json!(all),
        };
        json!({"Effect": "Allow", "Action": action, "Resource": resource})
    }
}

/// Reports every problem of `statements` that IAM (or cfn-lint) would
/// refuse, at `field[i].actions[j]` / `field[i].resources[j]` relative to
/// the current field scope: an empty `actions` or `resources` list, an action
/// not shaped `service:Action` (or `*`), a resource that is neither an ARN,
/// `*`, nor an intrinsic function (`{Ref: ...}`, `{Fn::...: ...}`).
pub fn validate_statements(stack: &mut Stack, path: &ConstructPath, statements: &[PolicyStatement], field: &str) {
    for (i, statement) in statements.iter().enumerate() {
        let at = FieldPath::root().key(field).index(i);
        if statement.actions.is_empty() {
            stack.report(
                ValidationError::new(Code::ActionsEmpty, path, "a policy statement needs at least one action")
                    .field(at.key("actions"))
                    .help("list the actions, e.g. `actions: [s3:GetObject]`, or remove the statement"),
            );
        }
        if statement.resources.is_empty() {
            stack.report(
                ValidationError::new(Code::ResourcesEmpty, path, "a policy statement needs at least one resource")
                    .field(at.key("resources"))
                    .help("list the resources' ARNs, or `*`"),
            );
        }
        for (j, action) in statement.actions.iter().enumerate() {
            if !is_action(action) {
                stack.report(
                    ValidationError::new(
                        Code::ActionInvalid,
                        path,
                        format!("`{action}` is not an IAM action: write `service:Action` or `*`"),
                    )
                    .field(at.key("actions").index(j))
                    .help("e.g. `s3:GetObject`, `dynamodb:Query`, `sqs:*`"),
                );
            }
        }
        for (j, resource) in statement.resources.iter().enumerate() {
            let ok = match resource {
                Value::String(s) => is_resource_arn(s),
                Value::Object(map) => {
                    map.len() == 1 && map.keys().all(|k| k == "Ref" || k == "Fn::Sub" || k.starts_with("Fn::"))
                }
                _ => false,
            };
            if !ok {
                let shown = match resource {
                    Value::String(s) => format!("`{s}`"),
                    other => format!("`{other}`"),
                };
                stack.report(
                    ValidationError::new(
                        Code::ResourceInvalid,
                        path,
                        format!("{shown} is not an ARN, `*`, or an intrinsic function"),
                    )
                    .field(at.key("resources").index(j))
                    .help("write the full ARN, e.g. `arn:aws:s3:::my-bucket/*`, or `*`"),
                );
            }
        }
    }
}

/// `*`, or `service:Action` where the service is lowercase letters, digits
/// and hyphens and the action letters, digits and the wildcards `*` `?`.
fn is_action(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    let Some((service, name)) = action.split_once(':') else { return false };
    !service.is_empty()
        && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
}

/// `*`, or an ARN as IAM policies accept it (cfn-lint's `AwsArn` pattern):
/// `arn:PARTITION:SERVICE:REGION` optionally followed by `:ACCOUNT:RESOURCE`,
/// where the partition is `aws...` or `*`, the account empty, 12 digits, `*`
/// or `aws`, and the resource not empty.
fn is_resource_arn(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let mut parts = s.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let partition_ok = partition == "*"
        || partition.strip_prefix("aws").is_some_and(|rest| rest.chars().all(|c| c.is_ascii_alphabetic() || c == '-'));
    if !partition_ok || service.is_empty() {
        return false;
    }
    let Some(_region) = parts.next() else { return false };
    match (parts.next(), parts.next()) {
        (None, _) => true,
        (Some(account), Some(resource)) => {
            let account_ok = account.is_empty()
                || account == "*"
                || account == "aws"
                || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
            account_ok && !resource.is_empty()
        }
        (Some(_), None) => false,
    }
}

/// A policy document from statements.
pub fn policy_document(statements: &[PolicyStatement]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements.iter().map(PolicyStatement::to_json).collect::<Vec<_>>()})
}

/// The ARN of an AWS managed policy, in the stack's partition.
pub fn managed_policy_arn(name: &str) -> Value {
    Intrinsic::sub(format!("arn:${{AWS::Partition}}:iam::aws:policy/{name}"))
}

/// Props of a [`Role`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoleProps {
    /// The service principal allowed to assume the role, e.g. `ecs-tasks.amazonaws.com`.
    pub assumed_by: String,
    /// AWS managed policy names (without the ARN prefix). Default: none.
    pub managed_policies: Vec<String>,
    /// Inline policy statements, put in one policy named `Policy`. Default: none.
    pub statements: Vec<PolicyStatement>,
}

/// An IAM role (`AWS::IAM::Role`).
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// The role's logical ID.
    pub logical_id: String,
    /// The role's name (`Ref`).
    pub name: Value,
    /// The role's ARN (`Fn::GetAtt Arn`).
    pub arn: Value,
}

impl Role {
    /// Adds a role at `path`. The role name is generated by CloudFormation, so
    /// no `CAPABILITY_NAMED_IAM` is needed.
    pub fn new(stack: &mut Stack, path: &ConstructPath, props: &RoleProps) -> Role {
        let trust = json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": props.assumed_by}, "Action": "sts:AssumeRole"}]
        });
        let mut resource = Resource::new("AWS::IAM::Role").prop("AssumeRolePolicyDocument", trust);
        if !props.managed_policies.is_empty() {
            let arns: Vec<Value> = props.managed_policies.iter().map(|p| managed_policy_arn(p)).collect();
            resource = resource.prop("ManagedPolicyArns", arns);
        }
        if !props.statements.is_empty() {
            resource = resource.prop(
                "Policies",
                json!([{"PolicyName": "Policy", "PolicyDocument": policy_document(&props.statements)}]),
            );
        }
        let logical_id = stack.add_resource(path, resource);
        Role { name: Intrinsic::ref_(&logical_id), arn: Intrinsic::get_att(&logical_id, "Arn"), logical_id }
    }

    /// Adds `statement` to the role's inline policy (named `Policy`,
    /// created on first use) — the CDK's `addToPrincipalPolicy`. A statement
    /// the policy already has is not added again. Grants on
    /// other constructs (e.g. a table's `grant_read_write(stack, &role)`) call it.
    pub fn add_statement(&self, stack: &mut Stack, statement: &PolicyStatement) {
        let Some(resource) = stack.template.resources.get_mut(&self.logical_id) else { return };
        let policies = resource.properties.entry("Policies".to_owned()).or_insert_with(|| json!([]));
        let Some(policies) = policies.as_array_mut() else { return };
        let existing = policies.iter_mut().find(|p| p["PolicyName"] == "Policy");
        let json = statement.to_json();
        match existing.and_then(|p| p.pointer_mut("/PolicyDocument/Statement")).and_then(Value::as_array_mut) {
            Some(statements) if statements.contains(&json) => {}
            Some(statements) => statements.push(json),
            None => policies.push(
                json!({"PolicyName": "Policy", "PolicyDocument": policy_document(std::slice::from_ref(statement))}),
            ),
        }
    }
}

/// An instance profile (`AWS::IAM::InstanceProfile`): how an EC2 instance
/// assumes a role.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceProfile {
    /// The instance profile's logical ID.
    pub logical_id: String,
    /// The instance profile's name (`Ref`).
    pub name: Value,
    /// The instance profile's ARN (`Fn::GetAtt Arn`).
    pub arn: Value,
}

impl InstanceProfile {
    /// Adds an instance profile at `path` holding `role`. The name is
    /// generated by CloudFormation.
    pub fn new(stack: &mut Stack, path: &ConstructPath, role: &Role) -> InstanceProfile {
        let resource = Resource::new("AWS::IAM::InstanceProfile").prop("Roles", json!([role.name]));
        let logical_id = stack.add_resource(path, resource);
        InstanceProfile { name: Intrinsic::ref_(&logical_id), arn: Intrinsic::get_att(&logical_id, "Arn"), logical_id }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        ActionInvalid => error("iam:action-invalid") {
            formerly: ["iam-action-invalid"],
            title: "a policy action is not `service:Action`",
            explanation: "IAM actions are written `service:Action` (for example `dynamodb:GetItem`, wildcards allowed: `s3:Get*`), or `*`. IAM refuses anything else when the stack is deployed.",
        },
        ActionsEmpty => error("iam:actions-empty") {
            formerly: ["iam-actions-empty"],
            title: "a policy statement has no action",
            explanation: "A statement without actions grants nothing and IAM rejects the policy. List the actions the application needs, or remove the statement.",
        },
        ResourceInvalid => error("iam:resource-invalid") {
            formerly: ["iam-resource-invalid"],
            title: "a policy resource is not an ARN",
            explanation: "Statement resources are ARNs (`arn:aws:dynamodb:us-east-1:123456789012:table/todos`), `*`, or an intrinsic function that yields an ARN (`{\"Fn::GetAtt\": [Table, Arn]}`). A bare name is not a resource.",
        },
        ResourcesEmpty => error("iam:resources-empty") {
            formerly: ["iam-resources-empty"],
            title: "a policy statement has no resource",
            explanation: "A statement without resources grants nothing and IAM rejects the policy. Name the resources, or `*` where the action has none.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_resources() {
        for ok in ["*", "s3:GetObject", "sqs:*", "dynamodb:Get*", "execute-api:Invoke", "s3:Get?bject"] {
            assert!(is_action(ok), "{ok}");
        }
        for bad in ["", "s3", "s3:", ":Get", "S3:GetObject", "s3:Get Object", "s3 :GetObject"] {
            assert!(!is_action(bad), "{bad}");
        }
        for ok in [
            "*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:dynamodb:us-east-1:123456789012:table/todos",
            "arn:aws-cn:sqs:cn-north-1:123456789012:q",
            "arn:aws:iam::aws:policy/x",
            "arn:*:s3:::b",
            "arn:aws:sns:us-east-1:*:topic:with:colons",
            "arn:aws:s3:x",
        ] {
            assert!(is_resource_arn(ok), "{ok}");
        }
        for bad in
            ["", "bucket", "arn", "arn:aws", "arn:aws::", "arn:gcp:s3:::b", "arn:aws:s3::1234:b", "arn:aws:s3:::"]
        {
            assert!(!is_resource_arn(bad), "{bad}");
        }
    }
}
