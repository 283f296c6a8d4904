//! The one model deploy reads: a [`StackArtifact`] per stack — name, region,
//! account, parameter values, tags, inputs from other stacks' outputs, and
//! the template body — whatever produced it. [`from_app_file`] is today's
//! source; a cloud assembly (`--assembly DIR`, `--app CMD`) only needs to
//! build the same values. Everything after this point (parameter checks,
//! account checks, change sets, order, outputs → parameters wiring) reads the
//! artifact, never the app file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::{StackInput, SynthesizedStack};
use serde_json::Value;

use crate::app_file::AppFile;
use crate::app_source::AppSource;
use crate::cli::AppArgs;
use crate::failure::Failure;

/// One stack to deploy, as its source describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct StackArtifact {
    /// The CloudFormation stack name.
    pub name: String,
    /// The region to deploy to. Default: `--region`, else the environment's or profile's region.
    pub region: Option<String>,
    /// The account the stack must be deployed into; checked against the
    /// credentials before anything is created. Default: whatever account the credentials belong to.
    pub account: Option<String>,
    /// Parameter values from the source (the app file's `parameters:`);
    /// `--parameter` flags override them.
    pub parameters: BTreeMap<String, String>,
    /// Stack tags.
    pub tags: BTreeMap<String, String>,
    /// Parameters fed by other stacks' outputs.
    pub inputs: Vec<StackInput>,
    /// Stacks that must be deployed before this one.
    pub depends_on: Vec<String>,
    /// The template body CloudFormation receives (YAML or JSON), byte for byte.
    pub body: String,
    /// The body's format (the extension of its uploaded copy).
    pub format: Format,
    /// The role rcdk assumes to deploy and destroy the stack (its own
    /// `deploy_role_arn`, else the `rcdk.toml` pattern). Default: none, the
    /// run's credentials.
    pub deploy_role_arn: Option<String>,
    /// The CloudFormation service role (`RoleARN`). Default: none.
    pub cloudformation_role_arn: Option<String>,
}

impl StackArtifact {
    /// The account the stack must end up in: `account`, else the deploy role's.
    pub fn expected_account(&self) -> Option<String> {
        self.account.clone().or_else(|| {
            self.deploy_role_arn.as_deref().and_then(rcdk_constructs::core::role_arn_account).map(str::to_owned)
        })
    }
}

impl From<SynthesizedStack> for StackArtifact {
    fn from(s: SynthesizedStack) -> Self {
        StackArtifact {
            name: s.props.name,
            region: s.props.region,
            account: s.props.account,
            parameters: s.props.parameters,
            tags: s.props.tags,
            inputs: s.inputs,
            depends_on: s.depends_on,
            body: s.body,
            format: s.format,
            deploy_role_arn: s.props.deploy_role_arn,
            cloudformation_role_arn: s.props.cloudformation_role_arn,
        }
    }
}

/// Where the stacks to deploy come from. Add a variant (a cloud assembly
/// directory, an app command) and the three functions below; nothing
/// downstream changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackSource {
    /// An app file, synthesized in memory.
    AppFile(PathBuf),
    /// An app command (`--app CMD`, `rcdk.toml`) or a cloud assembly
    /// (`--assembly DIR`), read through [`crate::app_source`].
    App(AppSource),
}

impl StackSource {
    /// The stacks, in dependency order. Every problem is exit 2.
    /// The deploy role of each stack is its own, else the `rcdk.toml` pattern's.
    pub fn stacks(&self) -> Result<Vec<StackArtifact>, Failure> {
        let mut stacks = match self {
            StackSource::AppFile(path) => from_app_file(path)?,
            StackSource::App(source) => source.stacks(Format::Yaml)?.into_iter().map(StackArtifact::from).collect(),
        };
        let settings = crate::app_source::ProjectSettings::load()?;
        for s in &mut stacks {
            s.deploy_role_arn = settings.deploy_role(&s.name, s.account.as_deref(), s.deploy_role_arn.as_deref())?;
        }
        Ok(stacks)
    }

    /// How messages name the source, e.g. `examples/web.yaml`.
    pub fn label(&self) -> String {
        match self {
            StackSource::AppFile(path) => path.display().to_string(),
            StackSource::App(source) => source.describe(),
        }
    }

    /// The command-line words that name the source again, for commands rcdk
    /// prints (`rcdk deploy WORDS --stack ...`).
    pub fn args(&self) -> Vec<String> {
        match self {
            StackSource::AppFile(path) => vec![path.display().to_string()],
            StackSource::App(source) => source.cli_words(),
        }
    }
}

/// The stacks of an app file, synthesized in memory (the bytes `rcdk synth`
/// writes), in dependency order. Every problem is exit 2.
pub fn from_app_file(app_file: &Path) -> Result<Vec<StackArtifact>, Failure> {
    let app = AppFile::load(app_file)?;
    for warning in app.deprecations() {
        eprintln!("warning: {warning}");
    }
    Ok(app.synth(Format::Yaml)?.into_iter().map(StackArtifact::from).collect())
}

/// What deploy needs to know about a template, read from its body (so a body
/// rcdk did not render works the same).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateFacts {
    /// Declared parameters.
    pub parameters: BTreeMap<String, ParameterFacts>,
    /// `(type, has a custom name property)` of each resource.
    pub resources: Vec<(String, bool)>,
    /// Whether the template has a `Transform` section.
    pub transform: bool,
}

/// What deploy checks about a declared parameter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParameterFacts {
    /// Whether it has a `Default`.
    pub has_default: bool,
    /// Whether its `Type` is `Number`.
    pub number: bool,
    /// `MinValue`, for numbers.
    pub min: Option<f64>,
    /// `MaxValue`, for numbers.
    pub max: Option<f64>,
}

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

impl TemplateFacts {
    /// Reads a template body (JSON is YAML too). Exit 2 when it is not a
    /// template.
    pub fn read(stack: &str, body: &str) -> Result<TemplateFacts, Failure> {
        let value: Value = serde_yaml::from_str(body).map_err(|e| {
            Failure::input(format!("stack `{stack}`: the template is not valid YAML or JSON: {e}"))
                .help("CloudFormation templates in long form (`Ref:`, `Fn::GetAtt:`) are read; short-form tags (`!Ref`) are not")
        })?;
        let Some(root) = value.as_object() else {
            return Err(Failure::input(format!("stack `{stack}`: the template is not a mapping")));
        };
        let number = |v: Option<&Value>| match v {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        let parameters = root
            .get("Parameters")
            .and_then(Value::as_object)
            .map(|ps| {
                ps.iter()
                    .map(|(name, p)| {
                        let facts = ParameterFacts {
                            has_default: p.get("Default").is_some_and(|d| !d.is_null()),
                            number: p.get("Type").and_then(Value::as_str) == Some("Number"),
                            min: number(p.get("MinValue")),
                            max: number(p.get("MaxValue")),
                        };
                        (name.clone(), facts)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let resources = root
            .get("Resources")
            .and_then(Value::as_object)
            .map(|rs| {
                rs.values()
                    .map(|r| {
                        let ty = r.get("Type").and_then(Value::as_str).unwrap_or_default().to_owned();
                        let named = IAM_TYPES
                            .iter()
                            .find(|(t, _)| *t == ty)
                            .and_then(|(_, p)| *p)
                            .is_some_and(|p| r.get("Properties").and_then(|ps| ps.get(p)).is_some());
                        (ty, named)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(TemplateFacts { parameters, resources, transform: root.contains_key("Transform") })
    }

    /// Whether the template creates IAM resources.
    pub fn has_iam(&self) -> bool {
        self.resources.iter().any(|(t, _)| IAM_TYPES.iter().any(|(i, _)| i == t))
    }
}

/// The one seam that says where `rcdk deploy` (and `destroy`) get their
/// stacks: today the app file named on the command line (synthesized in
/// memory, the bytes `rcdk synth` writes). A cloud assembly (`--assembly
/// DIR`, `--app CMD`) is another [`StackSource`]; everything after this
/// reads [`StackArtifact`]s only.
pub fn stack_source(app_file: &std::path::Path) -> StackSource {
    StackSource::AppFile(app_file.to_path_buf())
}

/// The source named on the command line: the app file, else `--app`,
/// `--assembly` or `rcdk.toml` (see [`crate::app_source::AppSource`]).
pub fn stack_source_from(app_file: Option<&std::path::PathBuf>, flags: &AppArgs) -> Result<StackSource, Failure> {
    match app_file {
        Some(path) => Ok(stack_source(path)),
        None => Ok(StackSource::App(AppSource::from_app_args(None, flags)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_come_from_the_body() {
        let body = "Parameters:\n  Env:\n    Type: String\n  Size:\n    Type: Number\n    Default: 2\n    MinValue: 1\n    MaxValue: 9\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: x\n";
        let f = TemplateFacts::read("s", body).expect("template");
        assert!(!f.parameters["Env"].has_default);
        assert_eq!(
            f.parameters["Size"],
            ParameterFacts { has_default: true, number: true, min: Some(1.0), max: Some(9.0) }
        );
        assert_eq!(f.resources, vec![("AWS::IAM::Role".to_owned(), true)]);
        assert!(f.has_iam() && !f.transform);
        let json = TemplateFacts::read("s", r#"{"Transform": "AWS::Serverless-2016-10-31", "Resources": {}}"#);
        assert!(json.expect("json").transform);
        assert_eq!(TemplateFacts::read("s", "- a\n").expect_err("list").exit, 2);
    }
}
