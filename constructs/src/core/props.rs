//! What a stack is, apart from its constructs: its props, and the
//! parameters other stacks' outputs feed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::compliance::RulePack;

/// Longest template `Description`, in bytes (CloudFormation's limit).
pub const MAX_DESCRIPTION_BYTES: usize = 1024;

/// What a stack is, apart from its constructs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StackProps {
    /// The stack's name: the CloudFormation stack name and the template file
    /// name (`templates/<name>.yaml`). 1 to 128 characters, a letter first,
    /// then letters, digits and hyphens.
    pub name: String,
    /// The region to deploy to. Default: the region of the environment or
    /// profile at deploy time (`--region` overrides both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The 12-digit account to deploy to; deploy refuses other accounts.
    /// Default: whichever account the credentials belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The template's `Description`. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags applied to every taggable resource of the stack (a resource's own
    /// tags win on conflict). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Values for the template's parameters at deploy time, by parameter
    /// name (not part of the template; `rcdk deploy` passes them, and
    /// `--parameter` overrides them). Default: none, the template defaults apply.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
    /// Rule packs the synthesized template must pass (`control-tower`):
    /// `rcdk synth` evaluates them and reports each failed rule as an error
    /// at the construct that made the resource, unless a suppression with a
    /// reason accepts it ([`Stack::suppress`](super::Stack::suppress)). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<RulePack>,
    /// The IAM role rcdk assumes to deploy (and destroy) this stack, e.g.
    /// `arn:aws:iam::111111111111:role/rcdk-deploy`: stacks pinned to
    /// different accounts deploy in one run, each through a role in its
    /// account. Its account must be `account` when both are given. Default:
    /// the `deploy_role_arn` pattern of `rcdk.toml` (`{account}` replaced by
    /// `account`) when the stack pins an account, else the credentials as
    /// they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_role_arn: Option<String>,
    /// The CloudFormation service role: CloudFormation creates, updates and
    /// deletes the stack's resources with this role's permissions instead of
    /// the caller's (`RoleARN` of CreateChangeSet and DeleteStack). `rcdk
    /// deploy --role-arn` overrides it. Default: none, the caller's permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation_role_arn: Option<String>,
}

/// A template parameter whose value is another stack's output, passed by
/// `rcdk deploy` once that stack is deployed. This is how values cross stacks
/// and regions (CloudFormation exports only work within one region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackInput {
    /// The parameter of this stack that receives the value.
    pub parameter: String,
    /// The stack whose output provides it.
    pub stack: String,
    /// The output's logical ID in that stack.
    pub output: String,
}

/// The account of an IAM role ARN (`arn:<partition>:iam::<account>:role/<path/name>`),
/// or `None` when `arn` is not one.
pub fn role_arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_word, partition, service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let name = resource.strip_prefix("role/")?;
    let valid = arn_word == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name.len() <= 512
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
        && !name.ends_with('/');
    valid.then_some(account)
}
