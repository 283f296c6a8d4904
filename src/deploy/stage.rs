//! `rcdk deploy --stage repositories`: the first half of the first deploy of
//! an app that builds its own images. The stack's template is cut down to
//! its ECR repositories (with the parameters they use and the outputs that
//! name only them), so the repositories exist — and images can be pushed —
//! before the services that pull from them are created. The next plain
//! `rcdk deploy` adds everything else as an update.
//!
//! Pure: the deployed stack is checked in [`refuse_over_other_resources`]
//! (a cut-down template applied to a stack that holds more would delete the
//! rest).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::aws::StackResource;
use crate::failure::Failure;
use crate::stacks::StackArtifact;
use rcdk_constructs::cfn::Format;

/// The resource type `--stage repositories` keeps.
pub const REPOSITORY_TYPE: &str = "AWS::ECR::Repository";

/// The stack cut down to its repositories, or `None` when it has none.
/// Exit 2 when a repository is conditional (the cut-down template would
/// need the conditions' parameters; not supported).
pub fn repositories_only(stack: &StackArtifact) -> Result<Option<StackArtifact>, Failure> {
    let template: Value = serde_yaml::from_str(&stack.body)
        .map_err(|e| Failure::input(format!("stack `{}`: the template cannot be read: {e}", stack.name)))?;
    let resources = template.get("Resources").and_then(Value::as_object).cloned().unwrap_or_default();
    let kept: Map<String, Value> =
        resources.into_iter().filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(REPOSITORY_TYPE)).collect();
    if kept.is_empty() {
        return Ok(None);
    }
    if let Some((id, _)) = kept.iter().find(|(_, r)| r.get("Condition").is_some()) {
        return Err(Failure::input(format!(
            "stack `{}`: repository `{id}` has a Condition; --stage repositories cannot deploy it on its own",
            stack.name
        ))
        .help("deploy the whole stack, or remove the condition"));
    }
    let names: BTreeSet<String> = kept.keys().cloned().collect();
    let mut used = BTreeSet::new();
    for r in kept.values() {
        references(r, &mut used);
    }
    let outputs: Map<String, Value> = template
        .get("Outputs")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter(|(_, out)| {
                    let mut refs = BTreeSet::new();
                    references(out, &mut refs);
                    out.get("Condition").is_none() && !refs.is_empty() && refs.iter().all(|r| names.contains(r))
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let parameters: Map<String, Value> = template
        .get("Parameters")
        .and_then(Value::as_object)
        .map(|p| p.iter().filter(|(k, _)| used.contains(*k)).map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if let Some(v) = template.get("AWSTemplateFormatVersion") {
        out.insert("AWSTemplateFormatVersion".into(), v.clone());
    }
    let description = template.get("Description").and_then(Value::as_str).unwrap_or(&stack.name);
    out.insert("Description".into(), Value::String(format!("{description} (stage: repositories)")));
    if !parameters.is_empty() {
        out.insert("Parameters".into(), Value::Object(parameters.clone()));
    }
    out.insert("Resources".into(), Value::Object(kept));
    if !outputs.is_empty() {
        out.insert("Outputs".into(), Value::Object(outputs));
    }
    let body = serde_json::to_string_pretty(&Value::Object(out))
        .map_err(|e| Failure::input(format!("stack `{}`: {e}", stack.name)))?;
    let mut staged = stack.clone();
    staged.parameters.retain(|k, _| parameters.contains_key(k));
    staged.inputs.retain(|i| parameters.contains_key(&i.parameter));
    staged.body = body;
    staged.format = Format::Json;
    Ok(Some(staged))
}

/// Refuses (exit 2, nothing created) to apply a repositories-only template
/// to a deployed stack that holds other resources: CloudFormation would
/// delete them.
pub fn refuse_over_other_resources(stack: &str, deployed: &[StackResource]) -> Result<(), Failure> {
    let others: Vec<&str> =
        deployed.iter().filter(|r| r.resource_type != REPOSITORY_TYPE).map(|r| r.logical_id.as_str()).collect();
    if others.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = others.iter().take(5).copied().collect();
    Err(Failure::input(format!(
        "--stage repositories: stack `{stack}` already holds {} other resource(s) ({}{}); a repositories-only \
         template would delete them",
        others.len(),
        shown.join(", "),
        if others.len() > shown.len() { ", ..." } else { "" }
    ))
    .help("the stage is for a stack's first deploy; deploy the whole stack instead (drop --stage)"))
}

/// Logical IDs and parameter names a value refers to (`Ref`, `Fn::GetAtt`,
/// `${...}` in `Fn::Sub`), pseudo parameters left out.
fn references(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, inner) in m {
                match (k.as_str(), inner) {
                    ("Ref", Value::String(s)) if !s.starts_with("AWS::") => {
                        out.insert(s.clone());
                    }
                    ("Fn::GetAtt", Value::Array(a)) => {
                        if let Some(Value::String(s)) = a.first() {
                            out.insert(s.clone());
                        }
                    }
                    ("Fn::GetAtt", Value::String(s)) => {
                        out.insert(s.split('.').next().unwrap_or(s).to_owned());
                    }
                    ("Fn::Sub", Value::String(s)) => sub_names(s, out),
                    ("Fn::Sub", Value::Array(a)) => {
                        if let Some(Value::String(s)) = a.first() {
                            sub_names(s, out);
                        }
                        a.iter().skip(1).for_each(|x| references(x, out));
                    }
                    ("DependsOn", Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    _ => references(inner, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

fn sub_names(s: &str, out: &mut BTreeSet<String>) {
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else { break };
        let name = &rest[start + 2..start + end];
        if !name.starts_with('!') && !name.starts_with("AWS::") {
            out.insert(name.split('.').next().unwrap_or(name).to_owned());
        }
        rest = &rest[start + end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn artifact(body: &str) -> StackArtifact {
        StackArtifact {
            name: "todo-prod".into(),
            region: None,
            account: None,
            parameters: BTreeMap::from([("Env".to_owned(), "prod".to_owned()), ("Other".to_owned(), "x".to_owned())]),
            tags: BTreeMap::new(),
            inputs: Vec::new(),
            depends_on: Vec::new(),
            body: body.into(),
            format: Format::Yaml,
            deploy_role_arn: None,
            cloudformation_role_arn: None,
        }
    }

    fn keys(v: &Value) -> Vec<String> {
        v.as_object().map(|r| r.keys().cloned().collect()).unwrap_or_default()
    }

    #[test]
    fn only_repositories_and_what_they_use_remain() {
        let body = r#"
Description: to-do
Parameters:
  Env: {Type: String}
  Other: {Type: String}
Resources:
  MainRepository:
    Type: AWS::ECR::Repository
    DeletionPolicy: RetainExceptOnCreate
    Properties:
      RepositoryName: {"Fn::Sub": "todo-${Env}"}
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: {Ref: Other}}}
Outputs:
  MainRepositoryUri: {Value: {"Fn::GetAtt": [MainRepository, RepositoryUri]}}
  VpcId: {Value: {Ref: Vpc}}
"#;
        let staged = repositories_only(&artifact(body)).expect("reads").expect("has repositories");
        let t: Value = serde_json::from_str(&staged.body).expect("json");
        assert_eq!(t["Description"], "to-do (stage: repositories)");
        assert_eq!(keys(&t["Resources"]), vec!["MainRepository"]);
        assert_eq!(t["Resources"]["MainRepository"]["DeletionPolicy"], "RetainExceptOnCreate");
        assert_eq!(keys(&t["Outputs"]), vec!["MainRepositoryUri"]);
        assert_eq!(keys(&t["Parameters"]), vec!["Env"]);
        assert_eq!(staged.parameters, BTreeMap::from([("Env".to_owned(), "prod".to_owned())]));
        assert_eq!(staged.format, Format::Json);
        assert_eq!(repositories_only(&artifact("Resources:\n  Vpc: {Type: AWS::EC2::VPC}\n")).expect("reads"), None);
    }

    #[test]
    fn a_stack_with_other_resources_is_not_cut_down() {
        let r = |id: &str, ty: &str| StackResource {
            logical_id: id.into(),
            resource_type: ty.into(),
            ..Default::default()
        };
        assert!(refuse_over_other_resources("s", &[r("Repo", REPOSITORY_TYPE)]).is_ok());
        let err =
            refuse_over_other_resources("s", &[r("Repo", REPOSITORY_TYPE), r("Vpc", "AWS::EC2::VPC")]).unwrap_err();
        assert_eq!(err.exit, 2);
        assert!(err.message.contains("already holds 1 other resource(s) (Vpc)"), "{}", err.message);
    }
}
