//! What a stack is, apart from its constructs: its props, and the
//! parameters other stacks' outputs feed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
