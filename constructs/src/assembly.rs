//! The cloud assembly: what every front door of rcdk ends in, and all that
//! diff and deploy read.
//!
//! An assembly is a directory holding one template per stack plus
//! [`MANIFEST_FILE`], a JSON [`Manifest`] listing each stack in deployment
//! order with its template file, region, account, parameter values, tags,
//! dependencies and inputs from other stacks' outputs. `rcdk synth` writes one
//! beside the templates of app files; a Rust program writes one with
//! `rcdk_app::emit`; `rcdk deploy --assembly DIR` deploys one as it is.
//!
//! This module is the pure model: it turns synthesized stacks into the files
//! to write ([`files`]) and a manifest plus template texts back into stacks
//! ([`Manifest::parse`], [`Manifest::stacks`]). Reading and writing the files
//! is the caller's job.
//!
//! ```
//! use rcdk_constructs::assembly::{self, Manifest};
//! use rcdk_constructs::cfn::{Format, Resource};
//! use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
//!
//! let mut stack = Stack::new(StackProps { name: "demo".into(), ..Default::default() }, FieldPath::root());
//! let path = stack.root().child("Topic");
//! stack.add_resource(&path, Resource::new("AWS::SNS::Topic"));
//! let mut app = App::new();
//! app.add_stack(stack);
//! let stacks = app.synth(Format::Yaml).unwrap();
//!
//! let files = assembly::files(&stacks).unwrap();
//! assert_eq!(files[0].0, "demo.yaml");
//! assert_eq!(files[1].0, assembly::MANIFEST_FILE);
//!
//! let manifest = Manifest::parse(&files[1].1).unwrap();
//! let read_back = manifest.stacks(|file| Ok(files.iter().find(|f| f.0 == file).unwrap().1.clone())).unwrap();
//! assert_eq!(read_back[0].body, stacks[0].body);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::cfn::{Format, ReadError, Template};
use crate::core::{
    Acknowledgement, ConstructPath, FieldPath, Provenance, RulePack, Severity, SourceLocation, StackInput, StackProps,
    SynthesizedStack,
};
use crate::error::ValidationError;

/// The manifest's file name inside an assembly directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The manifest format version this library reads (and writes when a stack
/// has rule packs or suppressions: version 2 adds `compliance`,
/// `suppressions` and `constructs`, which a reader of version 1 cannot
/// honour). Bumped only on incompatible changes; a manifest with a higher
/// version is refused.
pub const MANIFEST_VERSION: u32 = 2;

/// `manifest.json`: the stacks of an assembly, in deployment order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`MANIFEST_VERSION`] when written by this library.
    pub version: u32,
    /// Every stack, each after the stacks it depends on.
    pub stacks: Vec<StackEntry>,
    /// What the app's program found besides its templates: its warnings and
    /// notes, or, when it is invalid (then `stacks` is empty), its errors,
    /// for rcdk to report as it reports an app file's. Left out when empty,
    /// as in the assemblies `rcdk synth` writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<AssemblyDiagnostic>,
}

/// One diagnostic carried by a [`Manifest`]: a [`ValidationError`] as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssemblyDiagnostic {
    /// `error`, `warning` or `note`.
    pub severity: Severity,
    /// The code, `namespace:name` (rcdk's, or the app's own).
    pub code: String,
    /// The construct path. Default: none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub construct: String,
    /// The field path in the app's props, as Rust names it when `location`
    /// is set (`environment["DB_HOST"]`). Default: none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The line of the program that registered the check that found it. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
}

impl From<&ValidationError> for AssemblyDiagnostic {
    fn from(e: &ValidationError) -> Self {
        AssemblyDiagnostic {
            severity: e.severity,
            code: e.code.to_string(),
            construct: e.construct.to_string(),
            field: e.field_text(),
            message: e.message.clone(),
            help: e.help.clone(),
            location: e.location.map(SourceLocation::from),
        }
    }
}

/// One stack of a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackEntry {
    /// The CloudFormation stack name.
    pub name: String,
    /// The template's file name, relative to the manifest (`<name>.yaml` or
    /// `<name>.json`). A plain file name: no directory part.
    pub template: String,
    /// The region to deploy to. Default (`null`): the environment's or profile's.
    #[serde(default)]
    pub region: Option<String>,
    /// The 12-digit account the stack belongs to; deploy refuses other
    /// accounts. Default (`null`): whichever account the credentials belong to.
    #[serde(default)]
    pub account: Option<String>,
    /// Values for template parameters at deploy time, by name. Default: none.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Tags CloudFormation applies to the stack. Default: none.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Names of the stacks that must be deployed before this one. Default: none.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Parameters whose values are outputs of other stacks. Default: none.
    #[serde(default)]
    pub inputs: Vec<StackInput>,
    /// Rule packs the template must pass (version 2). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<RulePack>,
    /// Findings accepted knowingly that no whole-app warning used, for the
    /// rule packs' findings (version 2). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<SuppressionEntry>,
    /// The construct path that made each resource, by logical ID, written
    /// for stacks with rule packs so their findings name the construct
    /// (version 2). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constructs: BTreeMap<String, String>,
    /// The role rcdk assumes to deploy the stack. Default (absent): none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_role_arn: Option<String>,
    /// The CloudFormation service role. Default (absent): none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation_role_arn: Option<String>,
}

/// An acknowledgement or suppression in a [`StackEntry`] (see
/// [`crate::core::Acknowledgement`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionEntry {
    /// The rule name, control id or warning code.
    pub code: String,
    /// The construct path it covers (and the constructs below it).
    pub construct: String,
    /// Why.
    pub reason: String,
    /// Where a user wrote it, as a field path (`suppress.CT.S3.PR.9`);
    /// absent for a construct's own acknowledgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
    /// A whole-app warning used it already (a copy of it elsewhere that
    /// matches nothing is not stale).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub used: bool,
}

impl SuppressionEntry {
    fn of(a: &Acknowledgement, used: bool) -> SuppressionEntry {
        SuppressionEntry {
            code: a.code.clone(),
            construct: a.construct.to_string(),
            reason: a.reason.clone(),
            written: a.written.as_ref().map(ToString::to_string),
            used,
        }
    }

    fn acknowledgement(&self) -> Acknowledgement {
        Acknowledgement {
            construct: ConstructPath::parse(&self.construct),
            code: self.code.clone(),
            reason: self.reason.clone(),
            written: self.written.as_deref().map(FieldPath::parse),
        }
    }
}

/// Why an assembly cannot be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssemblyError {
    /// `manifest.json` is not valid JSON or does not have the manifest's shape.
    #[error("{MANIFEST_FILE}: {0}")]
    Syntax(String),
    /// Written by a newer rcdk.
    #[error("{MANIFEST_FILE}: version {found} is newer than this rcdk reads (version {MANIFEST_VERSION})")]
    Version {
        /// The version found.
        found: u32,
    },
    /// The manifest is well-formed but contradicts itself.
    #[error("{MANIFEST_FILE}: stacks[{index}] ({stack}): {message}")]
    Invalid {
        /// Position of the stack in `stacks`.
        index: usize,
        /// Its name.
        stack: String,
        /// What is wrong.
        message: String,
    },
    /// A template file could not be read by the caller.
    #[error("{file}: {message}")]
    Missing {
        /// The template file named by the manifest.
        file: String,
        /// Why it could not be read.
        message: String,
    },
    /// A template file is not a CloudFormation template.
    #[error("{file}: {source}")]
    Template {
        /// The template file.
        file: String,
        /// What is wrong in it.
        source: ReadError,
    },
    /// A stack could not be rendered into the manifest.
    #[error("cannot render {MANIFEST_FILE}: {0}")]
    Render(String),
}

impl StackEntry {
    /// The entry of a synthesized stack.
    pub fn of(stack: &SynthesizedStack) -> StackEntry {
        StackEntry {
            name: stack.props.name.clone(),
            template: stack.file_name(),
            region: stack.props.region.clone(),
            account: stack.props.account.clone(),
            parameters: stack.props.parameters.clone(),
            tags: stack.props.tags.clone(),
            dependencies: stack.depends_on.clone(),
            inputs: stack.inputs.clone(),
            compliance: stack.props.compliance.clone(),
            suppressions: (stack.provenance.pending.iter().map(|a| SuppressionEntry::of(a, false)))
                .chain(stack.provenance.used.iter().map(|a| SuppressionEntry::of(a, true)))
                .collect(),
            constructs: stack.provenance.origins.iter().map(|(id, (path, _))| (id.clone(), path.to_string())).collect(),
            deploy_role_arn: stack.props.deploy_role_arn.clone(),
            cloudformation_role_arn: stack.props.cloudformation_role_arn.clone(),
        }
    }

    fn needs_version_2(&self) -> bool {
        !self.compliance.is_empty() || !self.suppressions.is_empty() || !self.constructs.is_empty()
    }
}

impl Manifest {
    /// The manifest of synthesized stacks (kept in their order).
    pub fn of(stacks: &[SynthesizedStack]) -> Manifest {
        let stacks: Vec<StackEntry> = stacks.iter().map(StackEntry::of).collect();
        // Version 1 when nothing of version 2 is used, so that older readers
        // still read the assemblies they can honour.
        let version = if stacks.iter().any(StackEntry::needs_version_2) { MANIFEST_VERSION } else { 1 };
        Manifest { version, stacks, diagnostics: Vec::new() }
    }

    /// The manifest of an app whose synthesis failed: no stacks, its errors
    /// (and warnings) as diagnostics.
    pub fn invalid<'a>(diagnostics: impl IntoIterator<Item = &'a ValidationError>) -> Manifest {
        Manifest::of(&[]).with_diagnostics(diagnostics)
    }

    /// Adds `diagnostics` to what the manifest carries (builder style).
    pub fn with_diagnostics<'a>(mut self, diagnostics: impl IntoIterator<Item = &'a ValidationError>) -> Manifest {
        self.diagnostics.extend(diagnostics.into_iter().map(AssemblyDiagnostic::from));
        self
    }

    /// The manifest as written: pretty JSON with a final newline, byte-stable.
    pub fn to_json(&self) -> Result<String, AssemblyError> {
        let mut s = serde_json::to_string_pretty(self).map_err(|e| AssemblyError::Render(e.to_string()))?;
        s.push('\n');
        Ok(s)
    }

    /// Parses and checks `manifest.json`: its version, unique stack names,
    /// plain template file names, and dependencies and inputs that name stacks
    /// listed before the stack that needs them.
    pub fn parse(text: &str) -> Result<Manifest, AssemblyError> {
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        // The version first, so a newer manifest is refused for its version
        // rather than for a field this rcdk does not know.
        let versioned: Versioned = serde_json::from_str(text).map_err(|e| AssemblyError::Syntax(e.to_string()))?;
        if versioned.version > MANIFEST_VERSION || versioned.version == 0 {
            return Err(AssemblyError::Version { found: versioned.version });
        }
        let manifest: Manifest = serde_json::from_str(text).map_err(|e| AssemblyError::Syntax(e.to_string()))?;
        manifest.check()?;
        Ok(manifest)
    }

    fn check(&self) -> Result<(), AssemblyError> {
        let mut seen = BTreeSet::new();
        for (index, s) in self.stacks.iter().enumerate() {
            let invalid = |message: String| AssemblyError::Invalid { index, stack: s.name.clone(), message };
            if s.name.is_empty() {
                return Err(invalid("the stack name is empty".into()));
            }
            if !seen.insert(s.name.as_str()) {
                return Err(invalid("the stack is listed twice".into()));
            }
            if !is_plain_file_name(&s.template) {
                return Err(invalid(format!(
                    "template `{}` must be a file name beside {MANIFEST_FILE} ending in .yaml, .yml or .json",
                    s.template
                )));
            }
            for dep in s.dependencies.iter().chain(s.inputs.iter().map(|i| &i.stack)) {
                if !seen.contains(dep.as_str()) || dep == &s.name {
                    return Err(invalid(format!(
                        "depends on stack `{dep}`, which is not listed before it (stacks are in deployment order)"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Reads each stack's template through `read` (given the template's file
    /// name, it returns the file's text) and returns the stacks, in manifest
    /// order. The template body is kept byte for byte: it is what deploy sends.
    pub fn stacks(
        &self,
        mut read: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<Vec<SynthesizedStack>, AssemblyError> {
        let mut out = Vec::with_capacity(self.stacks.len());
        for entry in &self.stacks {
            let body = read(&entry.template)
                .map_err(|message| AssemblyError::Missing { file: entry.template.clone(), message })?;
            let value = crate::cfn::parse_template(&body).map_err(|e| AssemblyError::Template {
                file: entry.template.clone(),
                source: ReadError { path: "(template)".into(), message: e.to_string() },
            })?;
            let template = Template::from_value(&value)
                .map_err(|source| AssemblyError::Template { file: entry.template.clone(), source })?;
            let format = if entry.template.ends_with(".json") { Format::Json } else { Format::Yaml };
            let props = StackProps {
                name: entry.name.clone(),
                region: entry.region.clone(),
                account: entry.account.clone(),
                description: template.description.clone(),
                tags: entry.tags.clone(),
                parameters: entry.parameters.clone(),
                compliance: entry.compliance.clone(),
                deploy_role_arn: entry.deploy_role_arn.clone(),
                cloudformation_role_arn: entry.cloudformation_role_arn.clone(),
            };
            let provenance = Provenance {
                field: FieldPath::root(),
                origins: entry
                    .constructs
                    .iter()
                    .map(|(id, path)| (id.clone(), (ConstructPath::parse(path), FieldPath::root())))
                    .collect(),
                pending: entry.suppressions.iter().filter(|s| !s.used).map(SuppressionEntry::acknowledgement).collect(),
                used: entry.suppressions.iter().filter(|s| s.used).map(SuppressionEntry::acknowledgement).collect(),
            };
            out.push(SynthesizedStack {
                props,
                template,
                body,
                format,
                depends_on: entry.dependencies.clone(),
                inputs: entry.inputs.clone(),
                provenance,
            });
        }
        Ok(out)
    }
}

fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && [".yaml", ".yml", ".json"].iter().any(|ext| name.ends_with(ext))
        && name != MANIFEST_FILE
}

/// The files of the assembly of `stacks`: each template as `(file name,
/// text)`, then [`MANIFEST_FILE`] last, so that a writer that renames files
/// into place in this order makes the manifest appear only when every
/// template it names is there.
pub fn files(stacks: &[SynthesizedStack]) -> Result<Vec<(String, String)>, AssemblyError> {
    files_reporting(stacks, &[])
}

/// Like [`files`], with a manifest that also carries `diagnostics` (an app
/// program's warnings and notes, see [`Manifest::diagnostics`]).
pub fn files_reporting(
    stacks: &[SynthesizedStack],
    diagnostics: &[ValidationError],
) -> Result<Vec<(String, String)>, AssemblyError> {
    let mut out: Vec<(String, String)> = stacks.iter().map(|s| (s.file_name(), s.body.clone())).collect();
    out.push((MANIFEST_FILE.to_owned(), Manifest::of(stacks).with_diagnostics(diagnostics).to_json()?));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::{Output, Resource};
    use crate::core::{App, FieldPath, Stack};

    const EXPECTED_MANIFEST: &str = r#"{
  "version": 1,
  "stacks": [
    {
      "name": "producer",
      "template": "producer.yaml",
      "region": "eu-west-1",
      "account": "123456789012",
      "parameters": {
        "Size": "3"
      },
      "tags": {
        "team": "core"
      },
      "dependencies": [],
      "inputs": []
    },
    {
      "name": "consumer",
      "template": "consumer.yaml",
      "region": null,
      "account": null,
      "parameters": {},
      "tags": {},
      "dependencies": [
        "producer"
      ],
      "inputs": [
        {
          "parameter": "TopicArn",
          "stack": "producer",
          "output": "TopicArn"
        }
      ]
    }
  ]
}
"#;

    fn two_stacks() -> Vec<SynthesizedStack> {
        let mut producer = Stack::new(
            StackProps {
                name: "producer".into(),
                region: Some("eu-west-1".into()),
                account: Some("123456789012".into()),
                tags: [("team".to_string(), "core".to_string())].into(),
                parameters: [("Size".to_string(), "3".to_string())].into(),
                ..Default::default()
            },
            FieldPath::root(),
        );
        let path = producer.root().child("Topic");
        // `parameters` above gives `Size` a value, so the template declares it.
        producer.add_parameter(
            &path,
            "Size",
            crate::cfn::Parameter::new(crate::cfn::ParameterType::Number).default_value(1),
        );
        let id = producer.add_resource(&path, Resource::new("AWS::SNS::Topic"));
        producer.add_output(&path.child("Arn"), Output::new(crate::cfn::Intrinsic::ref_(id), "topic"));
        let mut consumer = Stack::new(StackProps { name: "consumer".into(), ..Default::default() }, FieldPath::root());
        let p = consumer.root().child("Queue");
        consumer.add_resource(&p, Resource::new("AWS::SQS::Queue"));
        consumer.add_input(&p, "TopicArn", "producer", "TopicArn");
        let mut app = App::new();
        app.add_stack(consumer);
        app.add_stack(producer);
        app.synth(Format::Yaml).expect("valid")
    }

    #[test]
    fn manifest_round_trips_and_is_stable() {
        let stacks = two_stacks();
        let files = files(&stacks).expect("renders");
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["producer.yaml", "consumer.yaml", MANIFEST_FILE]);
        let manifest_text = &files[2].1;
        assert_eq!(manifest_text, EXPECTED_MANIFEST, "{manifest_text}");
        let manifest = Manifest::parse(manifest_text).expect("parses");
        let read =
            manifest.stacks(|f| files.iter().find(|x| x.0 == f).map(|x| x.1.clone()).ok_or("gone".into())).unwrap();
        assert_eq!(read, stacks, "the assembly reads back as the stacks that wrote it");
    }

    #[test]
    fn bad_manifests_are_refused_with_the_reason() {
        let ok = Manifest::of(&two_stacks());
        let check = |m: &Manifest| Manifest::parse(&m.to_json().unwrap()).unwrap_err().to_string();

        let mut m = ok.clone();
        m.stacks.swap(0, 1);
        assert!(check(&m).contains("stacks[0] (consumer): depends on stack `producer`"), "{}", check(&m));
        let mut m = ok.clone();
        m.stacks[1].name = "producer".into();
        assert!(check(&m).contains("listed twice"));
        let mut m = ok.clone();
        m.stacks[0].template = "../etc/passwd.yaml".into();
        assert!(check(&m).contains("must be a file name"));
        let mut m = ok.clone();
        m.version = 7;
        assert!(check(&m).contains("version 7 is newer"));

        let e = Manifest::parse(r#"{"version": 1, "stacks": [{"name": "a", "templat": "a.yaml"}]}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `templat`"), "{e}");
        assert!(e.to_string().contains("line 1 column"), "{e}");
        let e = Manifest::parse("{").unwrap_err();
        assert!(matches!(e, AssemblyError::Syntax(_)));
    }

    #[test]
    fn unreadable_and_invalid_templates_name_the_file() {
        let manifest = Manifest::of(&two_stacks());
        let e = manifest.stacks(|_| Err("no such file".into())).unwrap_err();
        assert_eq!(e.to_string(), "producer.yaml: no such file");
        let e = manifest.stacks(|_| Ok("Resources:\n  A:\n    Properties: {}\n".into())).unwrap_err();
        assert_eq!(e.to_string(), "producer.yaml: Resources.A: a resource needs a `Type`");
    }

    #[test]
    fn packs_suppressions_and_construct_paths_round_trip_as_version_2() {
        let mut stack = Stack::new(StackProps { name: "net".into(), ..Default::default() }, FieldPath::root());
        let path = stack.root().child("Topic");
        stack.add_resource(&path, Resource::new("AWS::SNS::Topic"));
        stack.add_compliance(RulePack::ControlTower);
        stack.suppress(&path, "CT.SNS.PR.1", "a test topic");
        let mut app = App::new();
        app.add_stack(stack);
        let stacks = app.synth(Format::Yaml).expect("valid");
        let files = files(&stacks).expect("renders");
        let manifest = Manifest::parse(&files[1].1).expect("parses");
        assert_eq!(manifest.version, 2, "a manifest using packs is version 2");
        assert_eq!(manifest.stacks[0].constructs["Topic"], "net/Topic");
        let read = manifest.stacks(|_| Ok(files[0].1.clone())).expect("reads");
        assert_eq!(read[0].props.compliance, [RulePack::ControlTower]);
        assert_eq!(read[0].provenance.origins["Topic"].0, path);
        let a = &read[0].provenance.pending[0];
        assert_eq!(
            (a.code.as_str(), a.construct.to_string(), a.reason.as_str()),
            ("CT.SNS.PR.1", "net/Topic".into(), "a test topic")
        );
        assert!(a.written.is_some(), "still a user's suppression, reported when stale");
        assert_eq!(Manifest::of(&two_stacks()).version, 1, "without them, version 1 as before");
    }
}
