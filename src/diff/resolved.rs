//! Values a deploy resolves (`rcdk diff --against-stack`): a template
//! parameter of an SSM type (`AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`,
//! the ECS-optimized AMI of a cluster, say) is resolved by CloudFormation at
//! every deploy, so a deploy can move a launch template to a new AMI while
//! the templates read the same. For each such parameter rcdk shows the
//! deployed stack's resolved value (DescribeStacks `ResolvedValue`,
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html>)
//! against what a deploy would resolve now (SSM GetParameter), and what
//! follows for the resources that read it.

use serde::Serialize;
use serde_json::Value;

/// The parameter type prefix of SSM-typed parameters
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html>).
const SSM_TYPE: &str = "AWS::SSM::Parameter::Value<";

/// One SSM-typed parameter: deployed value against the value now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedParameter {
    /// The stack.
    pub stack: String,
    /// The template parameter, e.g. `ClusterAmiId`.
    pub parameter: String,
    /// The SSM parameter name it reads.
    pub ssm_name: String,
    /// What the deployed stack resolved it to; absent when CloudFormation does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployed: Option<String>,
    /// What a deploy would resolve it to now; absent when it cannot be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
    /// True when a deploy would change the value.
    pub changes: bool,
    /// In words: "ClusterAmiId: ami-a → ami-b: the launch template ... gets a new version; ...".
    pub text: String,
}

/// The SSM-typed parameters of a template: (parameter, SSM name from `Default`).
pub fn ssm_parameters(template: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, p) in template.get("Parameters").and_then(Value::as_object).into_iter().flatten() {
        let ty = p.get("Type").and_then(Value::as_str).unwrap_or("");
        if let (true, Some(default)) = (ty.starts_with(SSM_TYPE), p.get("Default").and_then(Value::as_str)) {
            out.push((name.clone(), default.to_owned()));
        }
    }
    out
}

/// The resources of `template` that read parameter `name` (`Ref`, or `${name}` in `Fn::Sub`), with their types.
fn readers<'a>(template: &'a Value, name: &str) -> Vec<(&'a str, &'a str)> {
    fn reads(v: &Value, name: &str) -> bool {
        match v {
            Value::Object(m) => m.iter().any(|(k, x)| match (k.as_str(), x) {
                ("Ref", Value::String(s)) => s == name,
                ("Fn::Sub", Value::String(s)) => s.contains(&format!("${{{name}}}")),
                _ => reads(x, name),
            }),
            Value::Array(a) => a.iter().any(|x| reads(x, name)),
            _ => false,
        }
    }
    template
        .get("Resources")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, r)| r.get("Properties").is_some_and(|p| reads(p, name)))
        .map(|(id, r)| (id.as_str(), r.get("Type").and_then(Value::as_str).unwrap_or("")))
        .collect()
}

/// The Auto Scaling groups launching from `launch_template` whose
/// `UpdatePolicy` replaces their instances when it gets a new version
/// (`AutoScalingInstanceRefresh` or `AutoScalingRollingUpdate`).
fn replacing_groups<'a>(template: &'a Value, launch_template: &str) -> Vec<&'a str> {
    template
        .get("Resources")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some("AWS::AutoScaling::AutoScalingGroup"))
        .filter(|(_, r)| {
            r.pointer("/Properties/LaunchTemplate/LaunchTemplateId/Ref").and_then(Value::as_str)
                == Some(launch_template)
        })
        .filter(|(_, r)| {
            r.get("UpdatePolicy").is_some_and(|p| {
                p.get("AutoScalingInstanceRefresh").is_some() || p.get("AutoScalingRollingUpdate").is_some()
            })
        })
        .map(|(id, _)| id.as_str())
        .collect()
}

/// What a new value does to each reader.
fn consequence(template: &Value, readers: &[(&str, &str)], old: &str) -> String {
    if readers.is_empty() {
        return "no resource reads it".to_owned();
    }
    let parts: Vec<String> = readers
        .iter()
        .map(|(id, ty)| match *ty {
            "AWS::EC2::LaunchTemplate" => match replacing_groups(template, id).as_slice() {
                [] => {
                    format!("the launch template {id} gets a new version; running instances keep {old} until replaced")
                }
                groups => format!(
                    "the launch template {id} gets a new version; the Auto Scaling group {} replaces the instances \
                     running {old} (its UpdatePolicy)",
                    groups.join(", ")
                ),
            },
            "AWS::AutoScaling::LaunchConfiguration" => {
                format!("launch configuration {id} is replaced; running instances keep {old} until replaced")
            }
            "AWS::EC2::Instance" => format!("instance {id} is replaced (`ImageId` is create-only)"),
            _ => format!("{id} ({ty}) is updated with the new value"),
        })
        .collect();
    parts.join("; ")
}

/// Compares one parameter: `deployed` from DescribeStacks' `ResolvedValue`,
/// `now` from SSM (`Ok(None)`: the SSM parameter does not exist; `Err`: why
/// it could not be read).
pub fn compare(
    stack: &str,
    template: &Value,
    parameter: &str,
    ssm_name: &str,
    deployed: Option<&str>,
    now: Result<Option<String>, String>,
) -> ResolvedParameter {
    let readers = readers(template, parameter);
    let (now_value, text, changes) = match (deployed, now) {
        (_, Err(why)) => {
            (None, format!("{parameter}: cannot tell what a deploy would resolve {ssm_name} to: {why}"), false)
        }
        (_, Ok(None)) => (
            None,
            format!("{parameter}: SSM parameter {ssm_name} does not exist now: a deploy that reads it fails"),
            true,
        ),
        (None, Ok(Some(n))) => (
            Some(n.clone()),
            format!("{parameter}: a deploy resolves {ssm_name} to {n}; cannot tell what the deployed stack resolved"),
            false,
        ),
        (Some(d), Ok(Some(n))) if d == n => (Some(n.clone()), format!("{parameter}: {d} (unchanged)"), false),
        (Some(d), Ok(Some(n))) => {
            (Some(n.clone()), format!("{parameter}: {d} → {n}: {}", consequence(template, &readers, d)), true)
        }
    };
    ResolvedParameter {
        stack: stack.to_owned(),
        parameter: parameter.to_owned(),
        ssm_name: ssm_name.to_owned(),
        deployed: deployed.map(str::to_owned),
        now: now_value,
        changes,
        text,
    }
}

/// For the deployed stacks: each SSM-typed parameter of the new templates,
/// deployed value against the value now. `stacks`: (name, region, deploy role, new template).
#[cfg(feature = "aws")]
pub fn fetch(
    stacks: &[(&str, Option<&str>, Option<String>, &Value)],
    aws_args: &crate::cli::AwsArgs,
) -> Result<Vec<ResolvedParameter>, crate::failure::Failure> {
    if stacks.iter().all(|(_, _, _, t)| ssm_parameters(t).is_empty()) {
        return Ok(Vec::new());
    }
    let runtime = crate::aws::runtime()?;
    runtime.block_on(async {
        let sessions = crate::aws::Sessions::new(aws_args.clone());
        let mut out = Vec::new();
        for (name, region, role, template) in stacks {
            let params = ssm_parameters(template);
            if params.is_empty() {
                continue;
            }
            let aws = sessions.get(*region, role.as_deref()).await?;
            let Some(deployed) = aws.resolved_parameters(name).await? else { continue };
            for (parameter, ssm_name) in params {
                let was = deployed.iter().find(|(k, _)| *k == parameter).and_then(|(_, v)| v.as_deref());
                let now = match aws.ssm_parameter(&ssm_name).await {
                    Ok(crate::aws::ssm::SsmValue::Value(v)) => Ok(Some(v)),
                    Ok(crate::aws::ssm::SsmValue::NotFound) => Ok(None),
                    Err(f) => Err(f.message),
                };
                out.push(compare(name, template, &parameter, &ssm_name, was, now));
            }
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template() -> Value {
        json!({
            "Parameters": {
                "ClusterAmiId": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                                 "Default": "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"},
                "Env": {"Type": "String", "Default": "prod"}
            },
            "Resources": {
                "ClusterLaunchTemplate": {"Type": "AWS::EC2::LaunchTemplate",
                    "Properties": {"LaunchTemplateData": {"ImageId": {"Ref": "ClusterAmiId"}}}},
                "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Ref": "Env"}}}
            }
        })
    }

    #[test]
    fn only_ssm_typed_parameters_are_read() {
        assert_eq!(
            ssm_parameters(&template()),
            vec![(
                "ClusterAmiId".to_owned(),
                "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id".to_owned()
            )]
        );
    }

    /// `deployed` as DescribeStacks returns it (`Parameters[].ResolvedValue`,
    /// recorded shape of the API reference's `Parameter`).
    #[test]
    fn a_new_ami_gives_the_launch_template_a_new_version() {
        let t = template();
        let ssm = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
        let r = compare("todo-prod", &t, "ClusterAmiId", ssm, Some("ami-a"), Ok(Some("ami-b".into())));
        assert!(r.changes);
        assert_eq!(
            r.text,
            "ClusterAmiId: ami-a → ami-b: the launch template ClusterLaunchTemplate gets a new version; \
             running instances keep ami-a until replaced"
        );
        let same = compare("todo-prod", &t, "ClusterAmiId", ssm, Some("ami-a"), Ok(Some("ami-a".into())));
        assert_eq!((same.changes, same.text.as_str()), (false, "ClusterAmiId: ami-a (unchanged)"));
        let gone = compare("todo-prod", &t, "ClusterAmiId", ssm, Some("ami-a"), Ok(None));
        assert!(gone.changes && gone.text.contains("does not exist now"), "{}", gone.text);
        let unknown = compare("todo-prod", &t, "ClusterAmiId", ssm, Some("ami-a"), Err("access denied".into()));
        assert!(!unknown.changes && unknown.text.contains("cannot tell"), "{}", unknown.text);
    }

    /// A group whose `UpdatePolicy` refreshes its instances (what rcdk's
    /// clusters have) replaces them; the text says which.
    #[test]
    fn a_group_with_an_instance_refresh_policy_replaces_the_instances() {
        let mut t = template();
        t["Resources"]["ClusterAutoScalingGroup"] = json!({"Type": "AWS::AutoScaling::AutoScalingGroup",
            "UpdatePolicy": {"AutoScalingInstanceRefresh": {"Strategy": "Rolling"}},
            "Properties": {"LaunchTemplate": {"LaunchTemplateId": {"Ref": "ClusterLaunchTemplate"}, "Version": "1"}}});
        let ssm = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
        let r = compare("todo-prod", &t, "ClusterAmiId", ssm, Some("ami-a"), Ok(Some("ami-b".into())));
        assert_eq!(
            r.text,
            "ClusterAmiId: ami-a → ami-b: the launch template ClusterLaunchTemplate gets a new version; the Auto \
             Scaling group ClusterAutoScalingGroup replaces the instances running ami-a (its UpdatePolicy)"
        );
    }
}
