//! `rcdk deploy --outputs-file FILE`: every deployed stack's outputs as
//! JSON, in the AWS CDK's `--outputs-file` shape — one object per stack,
//! keyed by the stack name, of `OutputKey: value` — so the next step of a
//! pipeline reads them the same way:
//!
//! ```json
//! {
//!   "todo-prod": {
//!     "LoadBalancerDns": "todo-prod-alb-123.us-east-1.elb.amazonaws.com"
//!   }
//! }
//! ```
//!
//! Stacks without changes are included with their current outputs (read
//! with DescribeStacks); stacks whose change set was only prepared
//! (`--no-execute`) are not. The file is written atomically.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{Outcome, StackReport};
use crate::aws::Sessions;
use crate::failure::Failure;

/// How many stacks the file holds.
pub fn count(reports: &[StackReport]) -> usize {
    reports.iter().filter(|r| !matches!(r.outcome, Outcome::Prepared { .. })).count()
}

/// The document: `{stack: {key: value}}` in deploy order, outputs in the order CloudFormation lists them.
pub fn document(outputs: &[(String, Vec<(String, String)>)]) -> String {
    let root: Map<String, Value> = outputs
        .iter()
        .map(|(stack, outputs)| {
            let values: Map<String, Value> =
                outputs.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
            (stack.clone(), Value::Object(values))
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Reads the outputs of stacks without changes and writes the file.
pub async fn write(
    sessions: &Sessions,
    places: &BTreeMap<String, (Option<String>, Option<String>)>,
    reports: &[StackReport],
    path: &Path,
) -> Result<(), Failure> {
    let mut outputs = Vec::new();
    for report in reports {
        match &report.outcome {
            Outcome::Deployed { outputs: o, .. } => outputs.push((report.stack.clone(), o.clone())),
            Outcome::NoChanges => {
                let (region, role) = places.get(&report.stack).cloned().unwrap_or_default();
                let aws = sessions.get(region.as_deref(), role.as_deref()).await?;
                let current = aws.describe_stack(&report.stack).await?.map(|s| s.outputs).unwrap_or_default();
                outputs.push((report.stack.clone(), current));
            }
            Outcome::Prepared { .. } => {}
        }
    }
    // After a deploy, an unwritable file is the run's failure (exit 1), not bad input.
    crate::write::write_all_atomic(&[(path.to_path_buf(), &document(&outputs))]).map_err(|f| Failure {
        exit: crate::failure::EXIT_NO,
        message: format!("the stacks are deployed, but {}", f.message),
        help: Some(
            "fix the path, then `rcdk deploy` again with --outputs-file (no changes: it only writes the file)".into(),
        ),
    })
}

/// Refuses (exit 2, before any call) an outputs file that is a directory.
pub fn check_path(path: &Path) -> Result<(), Failure> {
    if path.is_dir() {
        return Err(Failure::input(format!("--outputs-file {}: is a directory", path.display()))
            .help("name a file, e.g. --outputs-file outputs.json"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shape_is_the_cdks() {
        let doc = document(&[
            ("net".into(), vec![("VpcId".into(), "vpc-1".into()), ("AZs".into(), "a,b".into())]),
            ("web".into(), vec![]),
        ]);
        assert_eq!(doc, "{\n  \"net\": {\n    \"VpcId\": \"vpc-1\",\n    \"AZs\": \"a,b\"\n  },\n  \"web\": {}\n}\n");
    }
}
