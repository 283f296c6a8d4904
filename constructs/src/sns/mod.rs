//! SNS: a notification topic for alarms, with an optional email subscription.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{Intrinsic, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;

/// The AWS managed KMS key of SNS.
pub const AWS_MANAGED_SNS_KEY: &str = "alias/aws/sns";

/// How a topic's messages are encrypted at rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TopicEncryption {
    /// A customer managed KMS key created with the topic, with yearly rotation
    /// and a key policy that lets CloudWatch alarms publish (costs about
    /// 1 USD a month per key). The only encrypted choice that works with
    /// CloudWatch alarm actions.
    #[default]
    CustomerManagedKey,
    /// The AWS managed key `alias/aws/sns`. Its key policy cannot be changed
    /// to admit CloudWatch, so **alarms cannot publish to such a topic**; use
    /// it only for topics that alarms do not notify.
    AwsManagedKey,
    /// No encryption at rest.
    None,
}

/// Props of a [`Topic`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicProps {
    /// An email address subscribed to the topic. AWS sends a confirmation
    /// mail; nothing is delivered until it is confirmed. Default: no subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Encryption at rest. Default: [`TopicEncryption::CustomerManagedKey`]
    /// (a KMS key that costs about 1 USD a month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<TopicEncryption>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
}

/// An SNS topic (`AWS::SNS::Topic`); CloudFormation generates its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// The topic's logical ID.
    pub logical_id: String,
    /// The topic's ARN (`Ref`): use it in alarm actions.
    pub arn: Value,
    /// Logical ID of the topic's KMS key, when one was created.
    pub key_logical_id: Option<String>,
}

impl Topic {
    /// Adds a topic at `path`, its KMS key at `path/Key` (by default) and its
    /// email subscription at `path/EmailSubscription` (when `email` is set).
    pub fn new(stack: &mut Stack, path: &ConstructPath, props: &TopicProps) -> Topic {
        stack.suppress_all(path, &props.suppress);
        let mut topic = Resource::new("AWS::SNS::Topic");
        let mut key_logical_id = None;
        match props.encryption.unwrap_or_default() {
            TopicEncryption::CustomerManagedKey => {
                // CloudWatch's grant carries no aws:SourceAccount/aws:SourceArn
                // condition: the SNS guide does not document which keys the KMS
                // request CloudWatch makes through SNS carries (for EventBridge
                // it documents that they are not supported), and a condition
                // the request misses drops every notification silently. The
                // README ("alarms") says how to add them after checking.
                let key = crate::iam::customer_managed_key(
                    format!("Encrypts the SNS topic {path}"),
                    json!({
                        "Sid": "CloudWatchAlarmsPublish",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                        "Resource": "*"
                    }),
                );
                let key_id = stack.add_resource(&path.child("Key"), key);
                topic = topic.prop("KmsMasterKeyId", Intrinsic::get_att(&key_id, "Arn"));
                key_logical_id = Some(key_id);
            }
            TopicEncryption::AwsManagedKey => topic = topic.prop("KmsMasterKeyId", AWS_MANAGED_SNS_KEY),
            TopicEncryption::None => {}
        }
        let logical_id = stack.add_resource(path, topic);
        let arn = Intrinsic::ref_(&logical_id);
        if let Some(email) = &props.email {
            if !is_plausible_email(email) {
                stack.report(
                    ValidationError::new(Code::EmailInvalid, path, format!("`{email}` is not an email address"))
                        .field("email")
                        .help("use an address such as ops@example.com"),
                );
            }
            stack.add_resource(
                &path.child("EmailSubscription"),
                Resource::new("AWS::SNS::Subscription")
                    .prop("TopicArn", arn.clone())
                    .prop("Protocol", "email")
                    .prop("Endpoint", email.as_str()),
            );
        }
        Topic { logical_id, arn, key_logical_id }
    }
}

fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        EmailInvalid => error("sns:email-invalid") {
            formerly: ["topic-email-invalid"],
            title: "the alarm topic's email address is invalid",
            explanation: "The SNS topic's email subscription needs an address such as `ops@example.com`. SNS sends a \
         confirmation message to it; alarms reach it only once confirmed.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::is_plausible_email;

    #[test]
    fn email_plausibility() {
        assert!(is_plausible_email("ops@example.com"));
        assert!(!is_plausible_email("ops@example"));
        assert!(!is_plausible_email("ops example.com"));
        assert!(!is_plausible_email("@example.com"));
        assert!(!is_plausible_email("a@b@example.com"));
        assert!(!is_plausible_email("a @example.com"));
    }
}
