//! The pure part of a deploy: which stacks, which parameter values, which
//! capabilities, which change set name, and where the template goes. No I/O,
//! so every problem here is found before any AWS call.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use rcdk_constructs::cfn::MAX_TEMPLATE_BODY_INLINE_BYTES;
use sha2::{Digest, Sha256};

use crate::failure::Failure;
use crate::stacks::artifact::{ParameterFacts, StackArtifact, TemplateFacts};

/// CloudFormation's `CAPABILITY_IAM`: the template creates IAM resources.
pub const CAPABILITY_IAM: &str = "CAPABILITY_IAM";
/// `CAPABILITY_NAMED_IAM`: the template creates IAM resources with custom names.
pub const CAPABILITY_NAMED_IAM: &str = "CAPABILITY_NAMED_IAM";
/// `CAPABILITY_AUTO_EXPAND`: the template uses macros (`Transform`).
pub const CAPABILITY_AUTO_EXPAND: &str = "CAPABILITY_AUTO_EXPAND";

/// The capabilities CloudFormation requires to create or update a template:
/// IAM resources need `CAPABILITY_IAM`, IAM resources with custom names
/// `CAPABILITY_NAMED_IAM`, macros (a `Transform` section or
/// `AWS::Serverless::*` resources) `CAPABILITY_AUTO_EXPAND`.
pub fn capabilities(facts: &TemplateFacts) -> Vec<&'static str> {
    let named = facts.resources.iter().any(|(_, named)| *named);
    let expand = facts.transform || facts.resources.iter().any(|(t, _)| t.starts_with("AWS::Serverless::"));
    let mut caps = Vec::new();
    if named {
        caps.push(CAPABILITY_NAMED_IAM);
    } else if facts.has_iam() {
        caps.push(CAPABILITY_IAM);
    }
    if expand {
        caps.push(CAPABILITY_AUTO_EXPAND);
    }
    caps
}

/// Parses `--parameter KEY=VALUE` flags. Later flags override earlier ones.
pub fn parse_parameter_flags(flags: &[String]) -> Result<BTreeMap<String, String>, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for flag in flags {
        match flag.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                out.insert(key.trim().to_owned(), value.to_owned());
            }
            _ => problems.push(format!("--parameter `{flag}` is not KEY=VALUE")),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The parameter values to pass for one stack: the app file's `parameters`,
/// overridden by `--parameter` flags that name one of this template's
/// parameters. A key of the app file that is not a template parameter, and a
/// parameter without default and without value, are problems.
pub fn resolve_parameters(
    stack: &str,
    template: &TemplateFacts,
    from_app: &BTreeMap<String, String>,
    from_flags: &BTreeMap<String, String>,
    fed_by_other_stacks: &BTreeSet<&str>,
) -> Result<BTreeMap<String, String>, Vec<String>> {
    let mut problems = Vec::new();
    let mut values = BTreeMap::new();
    for (key, value) in from_app {
        if template.parameters.contains_key(key) {
            values.insert(key.clone(), value.clone());
        } else {
            problems.push(format!(
                "stack `{stack}`: `parameters.{key}` is not a parameter of its template ({})",
                declared(template)
            ));
        }
    }
    for (key, value) in from_flags {
        if template.parameters.contains_key(key) {
            values.insert(key.clone(), value.clone());
        }
    }
    for (name, value) in &values {
        if let Some(problem) = template.parameters.get(name).and_then(|p| number_problem(p, value)) {
            problems.push(format!("stack `{stack}`: parameter `{name}` = `{value}`: {problem}"));
        }
    }
    for (name, parameter) in &template.parameters {
        if !parameter.has_default && !values.contains_key(name) && !fed_by_other_stacks.contains(name.as_str()) {
            problems.push(format!(
                "stack `{stack}`: parameter `{name}` has no default and no value: \
                 pass --parameter {name}=VALUE or set `parameters: {{{name}: VALUE}}` on the stack"
            ));
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

/// Why `value` does not fit a `Number` parameter's `MinValue`/`MaxValue`
/// (checked here because CloudFormation would only refuse the change set).
fn number_problem(parameter: &ParameterFacts, value: &str) -> Option<String> {
    if !parameter.number {
        return None;
    }
    let Ok(n) = value.trim().parse::<f64>() else { return Some("not a number".into()) };
    let below = parameter.min.is_some_and(|min| n < min);
    let above = parameter.max.is_some_and(|max| n > max);
    (below || above).then(|| {
        let bound = |b: Option<f64>| b.map_or_else(|| "any".to_owned(), |b| b.to_string());
        format!("outside {} to {}", bound(parameter.min), bound(parameter.max))
    })
}

/// `--parameter` keys that none of the selected templates declares.
pub fn unused_flags<'a>(from_flags: &'a BTreeMap<String, String>, templates: &[&TemplateFacts]) -> BTreeSet<&'a str> {
    from_flags.keys().filter(|k| !templates.iter().any(|t| t.parameters.contains_key(*k))).map(String::as_str).collect()
}

fn declared(template: &TemplateFacts) -> String {
    if template.parameters.is_empty() {
        "it declares none".to_owned()
    } else {
        let names: Vec<&str> = template.parameters.keys().map(String::as_str).collect();
        format!("it declares {}", names.join(", "))
    }
}

/// The longest change set name CloudFormation accepts.
pub const MAX_CHANGE_SET_NAME: usize = 128;

/// A change set name unique even within the same second and across
/// processes: `rcdk-<unix-time>-<8 random letters and digits>`, within
/// CloudFormation's rule (`[a-zA-Z][-a-zA-Z0-9]*`, at most 128 characters).
pub fn change_set_name() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let suffix: String = std::iter::repeat_with(fastrand::alphanumeric).take(8).collect();
    format!("rcdk-{secs}-{suffix}")
}

/// The S3 key of a template body: content-addressed (the SHA-256 of the
/// body), under the stack's name, so the same body is uploaded once.
pub fn template_key(stack: &str, body: &str, extension: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{stack}/{hex}.{extension}")
}

/// Whether a template body must go through S3 (over 51,200 bytes).
pub fn needs_upload(body: &str) -> bool {
    body.len() > MAX_TEMPLATE_BODY_INLINE_BYTES
}

/// The default template bucket for an account and region.
pub fn default_bucket(account: &str, region: &str) -> String {
    format!("rcdk-templates-{account}-{region}")
}

/// The `TemplateURL` of an object: virtual-hosted style, or path style when
/// the bucket name has dots (TLS certificates do not cover them).
pub fn template_url(bucket: &str, region: &str, key: &str) -> String {
    if bucket.contains('.') {
        format!("https://s3.{region}.amazonaws.com/{bucket}/{key}")
    } else {
        format!("https://{bucket}.s3.{region}.amazonaws.com/{key}")
    }
}

/// One stack ready to deploy: its artifact, what its template needs, and
/// the parameter values to pass.
#[derive(Debug, Clone)]
pub struct Target {
    /// The stack as its source describes it.
    pub stack: StackArtifact,
    /// What the template declares (parameters, IAM, transforms).
    pub facts: TemplateFacts,
    /// Parameter values (already checked against the template); inputs from
    /// other stacks are added when those are deployed.
    pub parameters: BTreeMap<String, String>,
    /// The region of each stack whose outputs feed this one's inputs
    /// (`None`: the environment's region).
    pub producers: BTreeMap<String, Option<String>>,
    /// The deploy role of each of those stacks (`None`: the run's
    /// credentials): their outputs are read in their own accounts.
    pub producer_roles: BTreeMap<String, Option<String>>,
}

/// Selects the stacks (`--stack`, all when empty; `source` names where they
/// came from, for messages), reads their templates and resolves their
/// parameters. Every problem is exit 2, all reported at once.
pub fn targets(
    stacks: Vec<StackArtifact>,
    source: &str,
    selected: &[String],
    parameter_flags: &[String],
) -> Result<Vec<Target>, Failure> {
    let names: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).collect();
    let unknown: Vec<String> =
        selected.iter().filter(|s| !names.contains(&s.as_str())).map(|s| format!("`{s}`")).collect();
    if !unknown.is_empty() {
        return Err(Failure::input(format!("{source} defines no stack {}", unknown.join(", ")))
            .help(format!("its stacks are: {}", names.join(", "))));
    }
    let flags = parse_parameter_flags(parameter_flags).map_err(|p| Failure::input(p.join("\n")))?;
    let regions: BTreeMap<String, Option<String>> = stacks.iter().map(|s| (s.name.clone(), s.region.clone())).collect();
    let roles: BTreeMap<String, Option<String>> =
        stacks.iter().map(|s| (s.name.clone(), s.deploy_role_arn.clone())).collect();
    let chosen: Vec<StackArtifact> =
        stacks.into_iter().filter(|s| selected.is_empty() || selected.contains(&s.name)).collect();
    let mut problems = Vec::new();
    let mut read = Vec::new();
    for stack in chosen {
        match TemplateFacts::read(&stack.name, &stack.body) {
            Ok(facts) => read.push((stack, facts)),
            Err(f) => problems.push(f.message),
        }
    }
    let all_facts: Vec<&TemplateFacts> = read.iter().map(|(_, f)| f).collect();
    problems.extend(
        unused_flags(&flags, &all_facts)
            .into_iter()
            .map(|k| format!("--parameter {k}: no selected stack's template declares a parameter `{k}`")),
    );
    let mut out = Vec::new();
    for (stack, facts) in read {
        let producers =
            stack.inputs.iter().map(|i| (i.stack.clone(), regions.get(&i.stack).cloned().flatten())).collect();
        let fed: BTreeSet<&str> = stack.inputs.iter().map(|i| i.parameter.as_str()).collect();
        match resolve_parameters(&stack.name, &facts, &stack.parameters, &flags, &fed) {
            Ok(parameters) => {
                let producer_roles =
                    stack.inputs.iter().map(|i| (i.stack.clone(), roles.get(&i.stack).cloned().flatten())).collect();
                out.push(Target { stack, facts, parameters, producers, producer_roles })
            }
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Failure::input(problems.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(body: &str) -> TemplateFacts {
        TemplateFacts::read("s", body).expect("template")
    }

    #[test]
    fn capabilities_follow_the_resources() {
        assert!(capabilities(&facts("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n")).is_empty());
        assert_eq!(capabilities(&facts("Resources:\n  R:\n    Type: AWS::IAM::Role\n")), vec![CAPABILITY_IAM]);
        let named = facts("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: x\n");
        assert_eq!(capabilities(&named), vec![CAPABILITY_NAMED_IAM]);
        let sam = facts("Resources:\n  F:\n    Type: AWS::Serverless::Function\n");
        assert_eq!(capabilities(&sam), vec![CAPABILITY_AUTO_EXPAND]);
        assert_eq!(
            capabilities(&facts("Transform: AWS::LanguageExtensions\nResources: {}\n")),
            vec![CAPABILITY_AUTO_EXPAND]
        );
    }

    #[test]
    fn parameters_merge_and_are_checked() {
        let t = facts("Parameters:\n  Env:\n    Type: String\n  Size:\n    Type: String\n    Default: '2'\n");
        let app = BTreeMap::from([("Env".to_owned(), "prod".to_owned())]);
        let flags = BTreeMap::from([("Env".to_owned(), "stage".to_owned()), ("Other".to_owned(), "x".to_owned())]);
        let v = resolve_parameters("s", &t, &app, &flags, &BTreeSet::new()).expect("valid");
        assert_eq!(v, BTreeMap::from([("Env".to_owned(), "stage".to_owned())]));
        assert_eq!(unused_flags(&flags, &[&t]), BTreeSet::from(["Other"]));

        let missing = resolve_parameters("s", &t, &BTreeMap::new(), &BTreeMap::new(), &BTreeSet::new()).unwrap_err();
        assert_eq!(missing.len(), 1);
        assert!(missing[0].contains("parameter `Env` has no default"), "{missing:?}");

        let unknown = BTreeMap::from([("Nope".to_owned(), "1".to_owned()), ("Env".to_owned(), "p".to_owned())]);
        let err = resolve_parameters("s", &t, &unknown, &BTreeMap::new(), &BTreeSet::new()).unwrap_err();
        assert_eq!(
            err,
            vec!["stack `s`: `parameters.Nope` is not a parameter of its template (it declares Env, Size)"]
        );
    }

    #[test]
    fn parameter_flags_need_an_equals_sign() {
        let ok = parse_parameter_flags(&["A=1".into(), "B=x=y".into(), "A=2".into()]).expect("valid");
        assert_eq!(ok, BTreeMap::from([("A".to_owned(), "2".to_owned()), ("B".to_owned(), "x=y".to_owned())]));
        assert_eq!(parse_parameter_flags(&["A".into(), "=1".into()]).unwrap_err().len(), 2);
    }

    #[test]
    fn change_set_names_are_unique_within_a_second_and_valid() {
        let names: BTreeSet<String> = (0..1000).map(|_| change_set_name()).collect();
        assert_eq!(names.len(), 1000, "1000 names in a tight loop are distinct");
        for n in &names {
            assert!(n.len() <= MAX_CHANGE_SET_NAME, "{n}");
            assert!(n.starts_with("rcdk-") && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{n}");
        }
    }

    #[test]
    fn template_keys_are_content_addressed() {
        let a = template_key("web", "Resources: {}\n", "yaml");
        assert_eq!(a, template_key("web", "Resources: {}\n", "yaml"));
        assert_ne!(a, template_key("web", "Resources: {} \n", "yaml"));
        assert!(a.starts_with("web/") && a.ends_with(".yaml") && a.len() == "web/".len() + 64 + ".yaml".len(), "{a}");
    }

    #[test]
    fn large_templates_go_through_s3() {
        assert!(!needs_upload(&"x".repeat(MAX_TEMPLATE_BODY_INLINE_BYTES)));
        assert!(needs_upload(&"x".repeat(MAX_TEMPLATE_BODY_INLINE_BYTES + 1)));
        assert_eq!(template_url("b", "eu-west-1", "s/t.yaml"), "https://b.s3.eu-west-1.amazonaws.com/s/t.yaml");
        assert_eq!(template_url("a.b", "eu-west-1", "k"), "https://s3.eu-west-1.amazonaws.com/a.b/k");
    }
}
