//! What `rcdk destroy` leaves behind: every resource the deployed template
//! marks `DeletionPolicy: Retain`, `RetainExceptOnCreate` (a delete keeps it
//! like `Retain`) or `Snapshot` (the resource goes, a final snapshot stays),
//! with the kind of monthly cost it goes on incurring and the command that
//! deletes it. "Resources that are retained continue to exist and continue
//! to incur applicable charges until you delete those resources."
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html>)

use std::collections::BTreeMap;

use serde_json::Value;

use crate::aws::StackResource;

/// One resource a deletion keeps (or keeps a snapshot of).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Its logical ID.
    pub logical_id: String,
    /// Its type.
    pub resource_type: String,
    /// Its physical ID, when the stack reports one.
    pub physical_id: Option<String>,
    /// `Retain`, `RetainExceptOnCreate` or `Snapshot`.
    pub policy: String,
}

impl Kept {
    /// What it goes on costing each month, as a class.
    pub fn cost(&self) -> &'static str {
        if self.policy == "Snapshot" {
            return "a final snapshot: backup storage, per GB-month";
        }
        match self.resource_type.as_str() {
            "AWS::ECR::Repository" => "image storage, per GB-month",
            "AWS::S3::Bucket" => "object storage, per GB-month (with versioning, old versions too)",
            "AWS::DynamoDB::Table" => "table storage (and point-in-time recovery), per GB-month",
            "AWS::Logs::LogGroup" => "log storage, per GB-month, until the retention period ends",
            "AWS::KMS::Key" => "a fixed monthly fee per key",
            "AWS::SecretsManager::Secret" => "a fixed monthly fee per secret",
            "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => "instance hours and storage, as while it ran",
            _ => "what this resource type costs, until deleted",
        }
    }

    /// The command that deletes it, when rcdk knows one.
    pub fn delete_command(&self, region: &str) -> Option<String> {
        let id = self.physical_id.as_deref()?;
        Some(match (self.resource_type.as_str(), self.policy.as_str()) {
            ("AWS::RDS::DBInstance", "Snapshot") => format!(
                "aws rds describe-db-snapshots --db-instance-identifier {id} --region {region}  # then delete-db-snapshot"
            ),
            ("AWS::ECR::Repository", _) => format!("aws ecr delete-repository --repository-name {id} --force --region {region}"),
            ("AWS::S3::Bucket", _) => format!("aws s3 rb s3://{id} --force  # versioned: delete the old versions first"),
            ("AWS::DynamoDB::Table", _) => format!(
                "aws dynamodb update-table --table-name {id} --no-deletion-protection-enabled --region {region} && \
                 aws dynamodb delete-table --table-name {id} --region {region}"
            ),
            ("AWS::Logs::LogGroup", _) => format!("aws logs delete-log-group --log-group-name {id} --region {region}"),
            _ => return None,
        })
    }
}

/// The resources of a deployed template (`body`) a deletion keeps, with the
/// physical IDs from the stack's `resources`, in template order.
pub fn kept(body: &str, resources: &[StackResource]) -> Vec<Kept> {
    let Ok(template) = serde_yaml::from_str::<Value>(body) else { return Vec::new() };
    let physical: BTreeMap<&str, &str> =
        resources.iter().filter_map(|r| Some((r.logical_id.as_str(), r.physical_id.as_deref()?))).collect();
    template
        .get("Resources")
        .and_then(Value::as_object)
        .map(|rs| {
            rs.iter()
                .filter_map(|(id, r)| {
                    let policy = r.get("DeletionPolicy").and_then(Value::as_str)?;
                    matches!(policy, "Retain" | "RetainExceptOnCreate" | "Snapshot").then(|| Kept {
                        logical_id: id.clone(),
                        resource_type: r.get("Type").and_then(Value::as_str).unwrap_or_default().to_owned(),
                        physical_id: physical.get(id.as_str()).map(|p| (*p).to_owned()),
                        policy: policy.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The report: one line per kept resource, its cost class and delete command.
pub fn lines(kept: &[Kept], region: &str) -> Vec<String> {
    kept.iter()
        .map(|k| {
            let mut line = format!(
                "  {} ({}{}, {}): {}",
                k.logical_id,
                k.resource_type,
                k.physical_id.as_deref().map(|p| format!(" {p}")).unwrap_or_default(),
                k.policy,
                k.cost()
            );
            if let Some(cmd) = k.delete_command(region) {
                line.push_str(&format!("\n      delete: {cmd}"));
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retained_resources_are_listed_with_cost_and_command() {
        let body = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    DeletionPolicy: RetainExceptOnCreate\n  \
                    Db:\n    Type: AWS::RDS::DBInstance\n    DeletionPolicy: Snapshot\n  Vpc:\n    Type: AWS::EC2::VPC\n  \
                    Logs:\n    Type: AWS::Logs::LogGroup\n    DeletionPolicy: Delete\n";
        let resources = vec![StackResource {
            logical_id: "Repo".into(),
            physical_id: Some("todo-main".into()),
            resource_type: "AWS::ECR::Repository".into(),
            ..Default::default()
        }];
        let k = kept(body, &resources);
        assert_eq!(k.iter().map(|k| k.logical_id.as_str()).collect::<Vec<_>>(), ["Repo", "Db"]);
        let l = lines(&k, "eu-west-1");
        assert_eq!(
            l[0],
            "  Repo (AWS::ECR::Repository todo-main, RetainExceptOnCreate): image storage, per GB-month\n      \
             delete: aws ecr delete-repository --repository-name todo-main --force --region eu-west-1"
        );
        assert_eq!(l[1], "  Db (AWS::RDS::DBInstance, Snapshot): a final snapshot: backup storage, per GB-month");
    }
}
