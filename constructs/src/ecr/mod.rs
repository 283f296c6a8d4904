//! ECR: image repositories with immutable tags, scanning on push,
//! encryption and a lifecycle policy, and the grant to pull from them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{DeletionPolicy, Intrinsic, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;
use crate::iam::{PolicyStatement, Role};

/// Images a repository keeps when [`RepositoryProps::keep_images`] is not
/// given: the 30 most recently pushed.
pub const DEFAULT_KEEP_IMAGES: u32 = 30;

/// The actions an ECS execution role needs to pull from one repository
/// (besides `ecr:GetAuthorizationToken`, which has no resource).
pub const PULL_ACTIONS: [&str; 3] =
    ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"];

/// Props of a [`Repository`]. In app files, under `repositories.<name>`;
/// the key is the repository name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepositoryProps {
    /// How many images to keep: older ones are expired by a lifecycle rule,
    /// 1 to 10000. Default: [`DEFAULT_KEEP_IMAGES`] (30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_images: Option<u32>,
    /// Allow pushing a tag that already exists (moving a tag). Default:
    /// false — tags are immutable, so a deployed tag always means the same image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutable_tags: Option<bool>,
    /// Scan images for known vulnerabilities when pushed (basic scanning, no
    /// charge). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_on_push: Option<bool>,
    /// A KMS key ARN to encrypt images with. Default: AES-256 with keys
    /// ECR manages (no KMS charge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// Delete the repository and its images when it leaves the stack.
    /// Default: false — the repository is retained when it leaves the stack
    /// or the stack is deleted, since images may still be deployed elsewhere
    /// (`DeletionPolicy: RetainExceptOnCreate`, `UpdateReplacePolicy:
    /// Retain`); only the rollback of the deploy that created it deletes it,
    /// so a failed first deploy leaves no repository whose fixed name would
    /// make the retry fail with "already exists".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_on_removal: Option<bool>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
}

/// An ECR repository (`AWS::ECR::Repository`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// The repository's logical ID.
    pub logical_id: String,
    /// The repository name, as given.
    pub repository_name: String,
    /// The repository's name (`Ref`).
    pub name: Value,
    /// The repository's ARN (`Fn::GetAtt Arn`).
    pub arn: Value,
    /// The repository's URI (`Fn::GetAtt RepositoryUri`),
    /// `<account>.dkr.ecr.<region>.amazonaws.com/<name>`.
    pub uri: Value,
    /// Whether a pushed tag can be moved to another image (`mutable_tags`).
    pub mutable_tags: bool,
}

impl Repository {
    /// Adds a repository named `name` at `path`. Invalid props are reported
    /// relative to the props.
    pub fn new(stack: &mut Stack, path: &ConstructPath, name: &str, props: &RepositoryProps) -> Repository {
        stack.suppress_all(path, &props.suppress);
        if !is_valid_repository_name(name) {
            stack.report(
                ValidationError::new(
                    Code::RepositoryNameInvalid,
                    path,
                    format!("`{name}` is not a valid ECR repository name"),
                )
                .help(
                    "use 2 to 256 lower-case letters, digits and `-`, `_`, `.`, `/`, starting with a letter or digit",
                ),
            );
        }
        let keep = props.keep_images.unwrap_or(DEFAULT_KEEP_IMAGES);
        if !(1..=10_000).contains(&keep) {
            stack.report(
                ValidationError::new(
                    Code::KeepImagesInvalid,
                    path,
                    format!("`keep_images` is {keep}; a lifecycle rule keeps 1 to 10000 images"),
                )
                .field("keep_images"),
            );
        }
        let lifecycle = json!({
            "rules": [{
                "rulePriority": 1,
                "description": format!("Keep the {keep} most recent images"),
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep},
                "action": {"type": "expire"}
            }]
        });
        let encryption = match &props.kms_key_arn {
            Some(key) => {
                if !key.starts_with("arn:") || !key.contains(":kms:") {
                    stack.report(
                        ValidationError::new(Code::KmsKeyInvalid, path, format!("`{key}` is not a KMS key ARN"))
                            .field("kms_key_arn"),
                    );
                }
                json!({"EncryptionType": "KMS", "KmsKey": key})
            }
            None => json!({"EncryptionType": "AES256"}),
        };
        // RetainExceptOnCreate: a failed first deploy (an image not pushed
        // yet, any other resource failing) rolls back and deletes the new,
        // empty repository, so the retry does not fail on its fixed name;
        // once created, it is kept like Retain (AWS CloudFormation User
        // Guide, "DeletionPolicy attribute").
        let policy = if props.delete_on_removal.unwrap_or(false) {
            DeletionPolicy::Delete
        } else {
            DeletionPolicy::RetainExceptOnCreate
        };
        let mut resource = Resource::new("AWS::ECR::Repository")
            .prop("RepositoryName", name)
            .prop("ImageTagMutability", if props.mutable_tags.unwrap_or(false) { "MUTABLE" } else { "IMMUTABLE" })
            .prop("ImageScanningConfiguration", json!({"ScanOnPush": props.scan_on_push.unwrap_or(true)}))
            .prop("EncryptionConfiguration", encryption)
            .prop("LifecyclePolicy", json!({"LifecyclePolicyText": lifecycle.to_string()}));
        if policy == DeletionPolicy::Delete {
            resource = resource.prop("EmptyOnDelete", true);
        }
        let logical_id = stack.add_resource(path, resource.retain_policy(policy));
        Repository {
            repository_name: name.to_owned(),
            name: Intrinsic::ref_(&logical_id),
            arn: Intrinsic::get_att(&logical_id, "Arn"),
            uri: Intrinsic::get_att(&logical_id, "RepositoryUri"),
            mutable_tags: props.mutable_tags.unwrap_or(false),
            logical_id,
        }
    }

    /// The image reference `<uri>:<tag>` for a container definition:
    /// `Fn::Sub` of `${<Repository>.RepositoryUri}:<tag>`, so no account ID
    /// or region is written by hand.
    pub fn image(&self, tag: &str) -> Value {
        Intrinsic::sub(format!("${{{}.RepositoryUri}}:{tag}", self.logical_id))
    }

    /// The statement that lets a role pull images from this repository, and
    /// nothing else (a role also needs [`auth_token_statement`] once).
    pub fn pull_statement(&self) -> PolicyStatement {
        PolicyStatement::allow(&PULL_ACTIONS, vec![self.arn.clone()])
    }

    /// Lets `role` (an ECS task definition's execution role) pull images
    /// from this repository: [`PULL_ACTIONS`] on exactly this repository's
    /// ARN, and `ecr:GetAuthorizationToken` on `*` — the one ECR action with
    /// no resource-level permissions. Granting twice adds nothing.
    pub fn grant_pull(&self, stack: &mut Stack, role: &Role) {
        role.add_statement(stack, &auth_token_statement());
        role.add_statement(stack, &self.pull_statement());
    }
}

/// `ecr:GetAuthorizationToken` on `*`: the registry login every image pull
/// from ECR starts with. The action supports no resource-level permissions,
/// so `*` is the only resource IAM accepts for it.
pub fn auth_token_statement() -> PolicyStatement {
    PolicyStatement::allow(&["ecr:GetAuthorizationToken"], vec![json!("*")])
}

/// ECR's repository name rule: 2 to 256 characters, lower-case letters,
/// digits and `._-/` separators, each component starting with a letter or digit.
pub fn is_valid_repository_name(name: &str) -> bool {
    (2..=256).contains(&name.len())
        && name.split('/').all(|component| {
            component.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && component.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && component.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        })
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        KeepImagesInvalid => error("ecr:keep-images-invalid") {
            formerly: ["ecr-keep-images-invalid"],
            title: "`keep_images` is outside 1 to 10000",
            explanation: "The repository's lifecycle rule expires images beyond the newest `keep_images`; ECR lifecycle \
         rules take a count of 1 to 10000 images.",
        },
        KmsKeyInvalid => error("ecr:kms-key-invalid") {
            formerly: ["ecr-kms-key-invalid"],
            title: "the repository's KMS key is not a KMS key ARN",
            explanation: "Give the key by ARN, `arn:aws:kms:REGION:ACCOUNT:key/ID`, or leave `kms_key_arn` out for \
         AES-256 encryption with an AWS owned key.",
        },
        RepositoryNameInvalid => error("ecr:repository-name-invalid") {
            formerly: ["ecr-repository-name-invalid"],
            title: "the ECR repository name is invalid",
            explanation: "ECR repository names have 2 to 256 lower-case letters, digits and `-`, `_`, `.`, `/` \
         (namespaces), and start with a letter or digit: `acme/api`.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid_repository_name;

    #[test]
    fn repository_names() {
        for ok in ["todo-main", "team/todo_main", "a1", "web.frontend"] {
            assert!(is_valid_repository_name(ok), "{ok}");
        }
        for bad in ["", "a", "Todo", "-todo", "todo-", "team//x", "todo main", "todo:1"] {
            assert!(!is_valid_repository_name(bad), "{bad}");
        }
    }
}
