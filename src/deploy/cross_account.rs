//! Stacks of one app in different accounts: what crosses between them must
//! be something CloudFormation can resolve in the consumer's account.
//! rcdk's stack inputs cross as parameter values (read from the producer's
//! outputs in the producer's account, with its deploy role), so they work
//! across accounts. A `secretsmanager` dynamic reference does not when it
//! names the secret: "To access a secret in your AWS account, you can use the
//! secret name. To access a secret in a different AWS account, use the ARN of
//! the secret."
//! (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html>)
//! Such a stack is refused before any call (exit 2), naming both stacks and
//! accounts.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::stacks::finding::Finding;
use crate::stacks::StackArtifact;

/// The secrets a template creates by name (`AWS::SecretsManager::Secret` `Name`).
fn created_secrets(body: &str) -> Vec<String> {
    let Ok(t) = serde_yaml::from_str::<Value>(body) else { return Vec::new() };
    t.get("Resources")
        .and_then(Value::as_object)
        .map(|rs| {
            rs.values()
                .filter(|r| r.get("Type").and_then(Value::as_str) == Some("AWS::SecretsManager::Secret"))
                .filter_map(|r| r.get("Properties")?.get("Name")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The secret IDs of the `{{resolve:secretsmanager:ID...}}` references in a body.
fn referenced_secrets(body: &str) -> Vec<String> {
    const OPEN: &str = "{{resolve:secretsmanager:";
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find(OPEN) {
        rest = &rest[i + OPEN.len()..];
        // An ARN contains colons: take it whole; a name ends at the next `:` or `}}`.
        let end = if rest.starts_with("arn:") {
            rest.find("}}").unwrap_or(rest.len())
        } else {
            rest.find([':', '}']).unwrap_or(rest.len())
        };
        out.push(rest[..end].to_owned());
    }
    out.sort();
    out.dedup();
    out
}

/// One finding per stack that reads, by name, a secret another stack of
/// the app creates in another account.
pub fn findings(stacks: &[StackArtifact]) -> Vec<Finding> {
    let mut owners: BTreeMap<String, &StackArtifact> = BTreeMap::new();
    for s in stacks {
        for name in created_secrets(&s.body) {
            owners.insert(name, s);
        }
    }
    let mut out = Vec::new();
    for consumer in stacks {
        let Some(consumer_account) = consumer.expected_account() else { continue };
        for id in referenced_secrets(&consumer.body) {
            if id.starts_with("arn:") {
                continue;
            }
            let Some(owner) = owners.get(&id) else { continue };
            let Some(owner_account) = owner.expected_account() else { continue };
            if owner.name == consumer.name || owner_account == consumer_account {
                continue;
            }
            out.push(Finding::new(
                crate::deploy_time::Code::CrossAccountSecretReference,
                &consumer.name,
                format!(
                    "it reads secret `{id}` by name, but the secret is created by stack `{}` in account {owner_account} \
                     and this stack deploys to account {consumer_account}: CloudFormation resolves a secret by name \
                     only in the stack's own account",
                    owner.name
                ),
                "deploy the stacks that share the secret to one account (e.g. the origin stacks and the CDN \
                 stack of a multi-region app), or reference the secret by its full ARN and let the other account \
                 read it (a resource policy on the secret and its KMS key)",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(name: &str, account: &str, body: &str) -> StackArtifact {
        StackArtifact {
            name: name.into(),
            region: None,
            account: Some(account.into()),
            parameters: Default::default(),
            tags: Default::default(),
            inputs: Vec::new(),
            depends_on: Vec::new(),
            body: body.into(),
            format: rcdk_constructs::cfn::Format::Yaml,
            deploy_role_arn: None,
            cloudformation_role_arn: None,
        }
    }

    #[test]
    fn a_secret_read_by_name_from_another_account_is_refused() {
        let owner =
            "Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      Name: rcdk/web/origin\n";
        let reader = "Resources:\n  D:\n    Type: X\n    Properties:\n      H: '{{resolve:secretsmanager:rcdk/web/origin:SecretString}}'\n";
        assert_eq!(referenced_secrets(reader), vec!["rcdk/web/origin"]);
        assert!(findings(&[stack("a", "111111111111", owner), stack("b", "111111111111", reader)]).is_empty());
        let f = findings(&[stack("a", "111111111111", owner), stack("b", "222222222222", reader)]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "stack:cross-account-secret-reference");
        assert!(f[0].message.starts_with(
            "it reads secret `rcdk/web/origin` by name, but the secret is created by stack `a` in account 111111111111"
        ));
        let by_arn = "H: '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:111111111111:secret:rcdk/web/origin-AbC:SecretString}}'\n";
        assert_eq!(
            referenced_secrets(by_arn),
            vec!["arn:aws:secretsmanager:us-east-1:111111111111:secret:rcdk/web/origin-AbC:SecretString"]
        );
        assert!(findings(&[stack("a", "111111111111", owner), stack("b", "222222222222", by_arn)]).is_empty());
    }
}
