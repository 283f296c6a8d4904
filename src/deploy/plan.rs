//! The pure part of a deploy: which stacks, which parameter values, which
//! capabilities, which change set name, and where the template goes. No I/O,
//! so every problem here is found before any AWS call.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rcdk_constructs::cfn::{Template, MAX_TEMPLATE_BODY_INLINE_BYTES};

/// CloudFormation's `CAPABILITY_IAM`: the template creates IAM resources.
pub const CAPABILITY_IAM: &str = "CAPABILITY_IAM";
/// `CAPABILITY_NAMED_IAM`: the template creates IAM resources with custom names.
pub const CAPABILITY_NAMED_IAM: &str = "CAPABILITY_NAMED_IAM";
/// `CAPABILITY_AUTO_EXPAND`: the template uses macros (`Transform`).
pub const CAPABILITY_AUTO_EXPAND: &str = "CAPABILITY_AUTO_EXPAND";

/// IAM resource types and the property that gives each a custom name.
const IAM_TYPES: &[(&str, Option<&str>)] = &[
    ("AWS::IAM::AccessKey", None),
    ("AWS::IAM::Group", Some("GroupName")),
    ("AWS::IAM::InstanceProfile", Some("InstanceProfileName")),
    ("AWS::IAM::ManagedPolicy", Some("ManagedPolicyName")),
    ("AWS::IAM::Policy", None),
    ("AWS::IAM::Role", Some("RoleName")),
    ("AWS::IAM::User", Some("UserName")),
    ("AWS::IAM::UserToGroupAddition", None),
];

/// The capabilities CloudFormation requires to create or update `template`
/// (rendered as `body`): IAM resources need `CAPABILITY_IAM`, IAM resources
/// with custom names `CAPABILITY_NAMED_IAM`, macros (a `Transform` section or
/// `AWS::Serverless::*` resources) `CAPABILITY_AUTO_EXPAND`.
pub fn capabilities(template: &Template, body: &str) -> Vec<&'static str> {
    let mut iam = false;
    let mut named = false;
    let mut expand = false;
    for resource in template.resources.values() {
        let ty = resource.resource_type.as_str();
        if let Some((_, name_prop)) = IAM_TYPES.iter().find(|(t, _)| *t == ty) {
            iam = true;
            if name_prop.is_some_and(|p| resource.properties.contains_key(p)) {
                named = true;
            }
        }
        if ty.starts_with("AWS::Serverless::") {
            expand = true;
        }
    }
    // The template model has no Transform section today; look at the body so
    // a transform added later is not missed.
    if body.lines().any(|l| l.starts_with("Transform:") || l.starts_with("  \"Transform\":")) {
        expand = true;
    }
    let mut caps = Vec::new();
    if named {
        caps.push(CAPABILITY_NAMED_IAM);
    } else if iam {
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
    template: &Template,
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
        if parameter.default.is_none() && !values.contains_key(name) && !fed_by_other_stacks.contains(name.as_str()) {
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
fn number_problem(parameter: &rcdk_constructs::cfn::Parameter, value: &str) -> Option<String> {
    if parameter.parameter_type != rcdk_constructs::cfn::ParameterType::Number {
        return None;
    }
    let Ok(n) = value.trim().parse::<f64>() else { return Some("not a number".into()) };
    let below = parameter.min_value.is_some_and(|min| n < min);
    let above = parameter.max_value.is_some_and(|max| n > max);
    (below || above).then(|| {
        let bound = |b: Option<f64>| b.map_or_else(|| "any".to_owned(), |b| b.to_string());
        format!("outside {} to {}", bound(parameter.min_value), bound(parameter.max_value))
    })
}

/// `--parameter` keys that none of the selected templates declares.
pub fn unused_flags<'a>(from_flags: &'a BTreeMap<String, String>, templates: &[&Template]) -> BTreeSet<&'a str> {
    from_flags.keys().filter(|k| !templates.iter().any(|t| t.parameters.contains_key(*k))).map(String::as_str).collect()
}

fn declared(template: &Template) -> String {
    if template.parameters.is_empty() {
        "it declares none".to_owned()
    } else {
        let names: Vec<&str> = template.parameters.keys().map(String::as_str).collect();
        format!("it declares {}", names.join(", "))
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A change set name unique to this process and second:
/// `rcdk-<unix-time>-<counter>` (letters, digits and hyphens, starting with a
/// letter, as CloudFormation requires).
pub fn change_set_name() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    format!("rcdk-{secs}-{n}")
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

#[cfg(test)]
mod tests {
    use super::*;
    use rcdk_constructs::cfn::{Parameter, ParameterType, Resource};

    fn template_with(resources: &[(&str, Resource)]) -> Template {
        let mut t = Template::new();
        for (id, r) in resources {
            t.resources.insert((*id).to_owned(), r.clone());
        }
        t
    }

    #[test]
    fn capabilities_follow_the_resources() {
        let none = template_with(&[("Vpc", Resource::new("AWS::EC2::VPC"))]);
        assert!(capabilities(&none, "").is_empty());
        let role = template_with(&[("Role", Resource::new("AWS::IAM::Role"))]);
        assert_eq!(capabilities(&role, ""), vec![CAPABILITY_IAM]);
        let named = template_with(&[("Role", Resource::new("AWS::IAM::Role").prop("RoleName", "x"))]);
        assert_eq!(capabilities(&named, ""), vec![CAPABILITY_NAMED_IAM]);
        let sam = template_with(&[("Fn", Resource::new("AWS::Serverless::Function"))]);
        assert_eq!(capabilities(&sam, ""), vec![CAPABILITY_AUTO_EXPAND]);
        assert_eq!(capabilities(&none, "Transform: AWS::LanguageExtensions\n"), vec![CAPABILITY_AUTO_EXPAND]);
    }

    #[test]
    fn parameters_merge_and_are_checked() {
        let mut t = Template::new();
        t.parameters.insert("Env".into(), Parameter::new(ParameterType::String));
        t.parameters.insert("Size".into(), Parameter::new(ParameterType::String).default_value("2"));
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
    fn change_set_names_are_unique_and_valid() {
        let a = change_set_name();
        let b = change_set_name();
        assert_ne!(a, b);
        assert!(a.starts_with("rcdk-") && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }

    #[test]
    fn large_templates_go_through_s3() {
        assert!(!needs_upload(&"x".repeat(MAX_TEMPLATE_BODY_INLINE_BYTES)));
        assert!(needs_upload(&"x".repeat(MAX_TEMPLATE_BODY_INLINE_BYTES + 1)));
        assert_eq!(template_url("b", "eu-west-1", "s/t.yaml"), "https://b.s3.eu-west-1.amazonaws.com/s/t.yaml");
        assert_eq!(template_url("a.b", "eu-west-1", "k"), "https://s3.eu-west-1.amazonaws.com/a.b/k");
    }
}
