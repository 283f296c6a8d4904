//! Context: values looked up in AWS once and committed beside the app, so
//! that synthesis stays offline and deterministic and a change of them is
//! reviewed like any other change (the AWS CDK's `cdk.context.json`).
//!
//! Today the context pins the ECS-optimized AMI of each cluster: per region
//! and per public SSM parameter of a *recommended* AMI
//! (`/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id`),
//! the AMI release to run (`al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64`).
//! AWS publishes one parameter per release beside the recommended one
//! (`/aws/service/ecs/optimized-ami/amazon-linux-2023/<version>`, Amazon ECS
//! Developer Guide, "Retrieving Amazon ECS-optimized Linux AMI metadata",
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html>),
//! whose `image_id` never changes; a pinned cluster reads that one
//! ([`release_parameter`]), so its AMI moves only when the pin does.
//!
//! The tool reads the file (`rcdk.context.json`) and hands the parsed
//! [`Context`] to the app ([`crate::core::App::set_context`]; `rcdk_app::emit`
//! does it for a Rust program from `RCDK_CONTEXT`); when a stack finishes,
//! every AMI parameter of its template that reads a recommended AMI it pins
//! is pointed at the pinned release ([`pin_ami_parameters`]). `rcdk ami
//! update` looks the current releases up and rewrites the file. This module
//! does no I/O.
//!
//! ```
//! use rcdk_constructs::core::Context;
//!
//! let context = Context::parse(r#"{
//!   "amis": {
//!     "eu-west-1": {
//!       "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id":
//!         "al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64"
//!     }
//!   }
//! }"#).expect("valid");
//! let parameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
//! assert_eq!(
//!     context.ami_release("eu-west-1", parameter),
//!     Some("al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64")
//! );
//! assert_eq!(context.ami_release("us-east-1", parameter), None);
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cfn::{ParameterType, Template};

/// The file the context lives in, beside the app file (or in the directory
/// of `rcdk.toml` for an app command).
pub const CONTEXT_FILE: &str = "rcdk.context.json";

/// The path segment of a public SSM parameter that names the recommended
/// (newest) release, e.g. in `/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id`.
pub const RECOMMENDED_SEGMENT: &str = "recommended";

/// The last segment of the parameters holding an AMI ID.
pub const IMAGE_ID_SEGMENT: &str = "image_id";

/// The last segment of the parameters holding the release (image) name.
pub const IMAGE_NAME_SEGMENT: &str = "image_name";

/// Values looked up in AWS and committed beside the app (`rcdk.context.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// Pinned AMI releases: region → SSM parameter of a recommended AMI
    /// (ending in `/recommended/image_id`) → the release to run instead
    /// (`al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64`). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub amis: BTreeMap<String, BTreeMap<String, String>>,
}

/// A context file that is not valid, located in its text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContextError {
    /// Line, from 1 (0 when unknown).
    pub line: usize,
    /// Column, from 1 (0 when unknown).
    pub column: usize,
    /// The offending entry, e.g. `amis.eu-west-1`; empty for the whole file.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl Context {
    /// Reads a context file's text: JSON with the fields of [`Context`].
    /// Unknown fields, a region that is not a region name, a parameter that
    /// is not a recommended-AMI parameter, and a release that is not one
    /// path segment are refused, located at their line and column.
    pub fn parse(text: &str) -> Result<Context, ContextError> {
        let context: Context = serde_json::from_str(text).map_err(|e| ContextError {
            line: e.line(),
            column: e.column(),
            field: String::new(),
            message: strip_position(&e.to_string()),
        })?;
        for (region, pins) in &context.amis {
            if !crate::region::is_plausible_region(region) {
                return Err(located(
                    text,
                    region,
                    format!("amis.{region}"),
                    format!("`{region}` is not an AWS region name (e.g. eu-west-1)"),
                ));
            }
            for (parameter, release) in pins {
                if recommended_prefix(parameter).is_none() {
                    return Err(located(
                        text,
                        parameter,
                        format!("amis.{region}.{parameter}"),
                        format!(
                            "`{parameter}` is not the SSM parameter of a recommended AMI (`<path>/{RECOMMENDED_SEGMENT}/{IMAGE_ID_SEGMENT}`)"
                        ),
                    ));
                }
                if !is_release_name(release) {
                    return Err(located(
                        text,
                        release,
                        format!("amis.{region}.{parameter}"),
                        format!(
                            "`{release}` is not an AMI release name (letters, digits, `.`, `-`, `_`, e.g. al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64)"
                        ),
                    ));
                }
            }
        }
        Ok(context)
    }

    /// The file's text: pretty JSON, keys sorted, ending in a newline, so a
    /// change is a small diff.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned());
        text.push('\n');
        text
    }

    /// Whether the context holds nothing.
    pub fn is_empty(&self) -> bool {
        self.amis.values().all(BTreeMap::is_empty)
    }

    /// The release pinned for `parameter` (a recommended-AMI parameter) in `region`.
    pub fn ami_release(&self, region: &str, parameter: &str) -> Option<&str> {
        self.amis.get(region).and_then(|pins| pins.get(parameter)).map(String::as_str)
    }

    /// Pins `release` for `parameter` in `region`; returns the release it replaces.
    pub fn pin_ami(&mut self, region: &str, parameter: &str, release: &str) -> Option<String> {
        self.amis.entry(region.to_owned()).or_default().insert(parameter.to_owned(), release.to_owned())
    }
}

/// Points every AMI parameter of `template` at the release `context` pins
/// for it in `region`: a parameter of type
/// `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` whose default is a
/// recommended-AMI parameter gets, as its default, the parameter of the
/// pinned release ([`release_parameter`]); one already naming a release is
/// moved to the pinned one. Without a region, or a pin, nothing changes.
/// Returns the parameters changed. A stack runs this when it finishes
/// ([`crate::core::Stack::set_context`]), so a pin reaches every cluster,
/// whoever built it.
pub fn pin_ami_parameters(template: &mut Template, region: Option<&str>, context: &Context) -> Vec<String> {
    let Some(region) = region else { return Vec::new() };
    let mut pinned = Vec::new();
    for (name, parameter) in &mut template.parameters {
        if parameter.parameter_type != ParameterType::SsmValue("AWS::EC2::Image::Id".into()) {
            continue;
        }
        let Some((recommended, _)) = parameter.default.as_ref().and_then(Value::as_str).and_then(read_ami_parameter)
        else {
            continue;
        };
        let Some(release) = context.ami_release(region, &recommended) else { continue };
        if let Some(default) = release_parameter(&recommended, release) {
            parameter.default = Some(Value::String(default));
            pinned.push(name.clone());
        }
    }
    pinned
}

/// The AMI parameters of `template` that read a recommended AMI: unpinned,
/// resolved anew at every deploy.
pub fn unpinned_ami_parameters(template: &Template) -> Vec<String> {
    template
        .parameters
        .iter()
        .filter(|(_, p)| p.parameter_type == ParameterType::SsmValue("AWS::EC2::Image::Id".into()))
        .filter(|(_, p)| {
            p.default.as_ref().and_then(Value::as_str).and_then(read_ami_parameter).is_some_and(|(_, r)| r.is_none())
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Whether `value` is `reference` or holds it somewhere inside.
pub(crate) fn mentions(value: &Value, reference: &Value) -> bool {
    value == reference
        || match value {
            Value::Object(m) => m.values().any(|v| mentions(v, reference)),
            Value::Array(a) => a.iter().any(|v| mentions(v, reference)),
            _ => false,
        }
}

/// For a recommended-AMI parameter (`<prefix>/recommended/image_id`), its
/// `<prefix>` (`/aws/service/ecs/optimized-ami/amazon-linux-2023`); `None`
/// for any other name.
pub fn recommended_prefix(parameter: &str) -> Option<&str> {
    let prefix = parameter.strip_suffix(&format!("/{RECOMMENDED_SEGMENT}/{IMAGE_ID_SEGMENT}"))?;
    (prefix.starts_with('/') && prefix.len() > 1 && !prefix.contains(char::is_whitespace)).then_some(prefix)
}

/// The parameter holding the AMI ID of `release` beside the recommended
/// one: `<prefix>/<release>/image_id` for `<prefix>/recommended/image_id`;
/// `None` when `parameter` is no recommended-AMI parameter or `release` no
/// release name.
pub fn release_parameter(parameter: &str, release: &str) -> Option<String> {
    let prefix = recommended_prefix(parameter)?;
    is_release_name(release).then(|| format!("{prefix}/{release}/{IMAGE_ID_SEGMENT}"))
}

/// The parameter holding the release name of the recommended AMI:
/// `<prefix>/recommended/image_name` for `<prefix>/recommended/image_id`.
pub fn recommended_name_parameter(parameter: &str) -> Option<String> {
    recommended_prefix(parameter).map(|p| format!("{p}/{RECOMMENDED_SEGMENT}/{IMAGE_NAME_SEGMENT}"))
}

/// Reads an AMI parameter name back: `<prefix>/recommended/image_id` is
/// `(that parameter, None)`, `<prefix>/<release>/image_id` is
/// `(<prefix>/recommended/image_id, Some(release))`. `None` for a name of
/// another shape.
pub fn read_ami_parameter(name: &str) -> Option<(String, Option<&str>)> {
    if recommended_prefix(name).is_some() {
        return Some((name.to_owned(), None));
    }
    let rest = name.strip_suffix(&format!("/{IMAGE_ID_SEGMENT}"))?;
    let (prefix, release) = rest.rsplit_once('/')?;
    let recommended = format!("{prefix}/{RECOMMENDED_SEGMENT}/{IMAGE_ID_SEGMENT}");
    (is_release_name(release) && recommended_prefix(&recommended).is_some()).then_some((recommended, Some(release)))
}

/// Whether `s` can be an AMI release name, one segment of a parameter path.
pub fn is_release_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s != RECOMMENDED_SEGMENT
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// serde_json appends " at line L column C"; the position is reported apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// An error at the first place the JSON string `value` is written in `text`.
fn located(text: &str, value: &str, field: String, message: String) -> ContextError {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    let (line, column) = match text.find(&quoted) {
        Some(at) => {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        }
        None => (0, 0),
    };
    ContextError { line, column, field, message }
}

crate::codes! {
    /// The diagnostic codes of AMI pins. The stack applies the pins when it
    /// finishes, and reports the unpinned ones there, acknowledged: whatever
    /// built the launch template, a recommended AMI is rcdk's default, a
    /// note.
    pub(crate) enum Code {
        AmiUnpinned => warning("ecs:ami-unpinned") {
            title: "instances launch from the AMI a public SSM parameter recommends at each deploy",
            explanation: "A launch template (or instance) whose `ImageId` is an \
         `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` parameter defaulting to a *recommended* AMI \
         (`/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id`) gets its AMI when a deploy runs: \
         CloudFormation resolves the parameter at every stack operation. After AWS publishes a new ECS-optimized AMI, \
         the next deploy, whatever it was for, moves the instances to it, and no template, diff or review shows \
         it.\n\n\
         Pin the release instead: `rcdk ami update` looks up the release each region recommends now and writes it to \
         `rcdk.context.json` beside the app; the cluster then reads that release's own parameter \
         (`.../amazon-linux-2023/<release>/image_id`), whose value never changes, so the AMI moves only in a reviewed \
         commit (`rcdk diff` names the launch template and the instance refresh that follows). Without a pin this \
         is rcdk's default, so synthesis reports it as a note (never silently, and `--deny-warnings` lets it \
         pass).",
            help: "pin the release with `rcdk ami update` (rcdk.context.json)",
            link: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AL2023: &str = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
    const ARM64: &str = "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";
    const RELEASE: &str = "al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64";

    #[test]
    fn parameter_names_are_read_and_written() {
        assert_eq!(recommended_prefix(AL2023), Some("/aws/service/ecs/optimized-ami/amazon-linux-2023"));
        assert_eq!(recommended_prefix("/my/ami"), None);
        assert_eq!(recommended_prefix("/recommended/image_id"), None);
        let pinned = release_parameter(AL2023, RELEASE).expect("pinnable");
        assert_eq!(pinned, format!("/aws/service/ecs/optimized-ami/amazon-linux-2023/{RELEASE}/image_id"));
        assert_eq!(read_ami_parameter(&pinned), Some((AL2023.to_owned(), Some(RELEASE))));
        assert_eq!(read_ami_parameter(AL2023), Some((AL2023.to_owned(), None)));
        let arm = release_parameter(ARM64, "al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-arm64").expect("pinnable");
        assert_eq!(read_ami_parameter(&arm).map(|(p, _)| p).as_deref(), Some(ARM64));
        assert_eq!(
            recommended_name_parameter(ARM64).as_deref(),
            Some("/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_name")
        );
        assert_eq!(release_parameter(AL2023, "a/b"), None);
        assert_eq!(release_parameter(AL2023, "recommended"), None);
        assert_eq!(read_ami_parameter("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"), None);
        assert_eq!(read_ami_parameter("image_id"), None);
    }

    #[test]
    fn ami_parameters_of_a_template_are_pinned_in_its_region() {
        use crate::cfn::Parameter;
        let mut t = Template::new();
        let ami = |default: &str| {
            Parameter::new(ParameterType::SsmValue("AWS::EC2::Image::Id".into())).default_value(default.to_owned())
        };
        t.parameters.insert("ClusterAmiId".into(), ami(AL2023));
        t.parameters.insert("OtherAmiId".into(), ami("/my/golden/ami"));
        t.parameters.insert("Name".into(), Parameter::new(ParameterType::String).default_value(AL2023.to_owned()));
        let mut c = Context::default();
        c.pin_ami("eu-west-1", AL2023, RELEASE);
        assert!(pin_ami_parameters(&mut t.clone(), None, &c).is_empty(), "no region, no pin");
        assert!(pin_ami_parameters(&mut t.clone(), Some("us-east-1"), &c).is_empty(), "no pin for the region");
        assert_eq!(unpinned_ami_parameters(&t), ["ClusterAmiId"]);
        assert_eq!(pin_ami_parameters(&mut t, Some("eu-west-1"), &c), ["ClusterAmiId"]);
        assert!(unpinned_ami_parameters(&t).is_empty());
        let pinned = release_parameter(AL2023, RELEASE).expect("pinnable");
        assert_eq!(t.parameters["ClusterAmiId"].default, Some(Value::String(pinned.clone())));
        assert_eq!(t.parameters["Name"].default, Some(Value::String(AL2023.into())), "only AMI parameters");
        // A release parameter moves to the new pin.
        c.pin_ami("eu-west-1", AL2023, "al2023-ami-ecs-hvm-2023.0.20260922-kernel-6.1-x86_64");
        assert_eq!(pin_ami_parameters(&mut t, Some("eu-west-1"), &c), ["ClusterAmiId"]);
        assert!(t.parameters["ClusterAmiId"]
            .default
            .as_ref()
            .and_then(Value::as_str)
            .is_some_and(|d| d.contains("20260922")));
    }

    #[test]
    fn a_context_round_trips_sorted() {
        let mut c = Context::default();
        assert!(c.is_empty());
        assert_eq!(c.pin_ami("us-east-1", AL2023, "old"), None);
        assert_eq!(c.pin_ami("us-east-1", AL2023, RELEASE).as_deref(), Some("old"));
        c.pin_ami("eu-west-1", AL2023, RELEASE);
        let text = c.to_json();
        assert!(text.ends_with("}\n"));
        assert!(text.find("eu-west-1").unwrap() < text.find("us-east-1").unwrap(), "{text}");
        assert_eq!(Context::parse(&text).expect("valid"), c);
        assert_eq!(Context::parse("{}\n").expect("empty"), Context::default());
        assert_eq!(Context::default().to_json(), "{}\n");
    }

    #[test]
    fn bad_files_are_located() {
        let e = Context::parse("{\n  \"amis\": [1]\n}").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
        assert!(e.message.starts_with("invalid type"), "{}", e.message);
        let e = Context::parse("{\"ami\": {}}").unwrap_err();
        assert!(e.message.contains("unknown field `ami`"), "{}", e.message);
        let text = format!("{{\n  \"amis\": {{\n    \"europe\": {{\"{AL2023}\": \"{RELEASE}\"}}\n  }}\n}}\n");
        let e = Context::parse(&text).unwrap_err();
        assert_eq!((e.line, e.column, e.field.as_str()), (3, 5, "amis.europe"), "{e:?}");
        let text = format!("{{\"amis\": {{\"eu-west-1\": {{\"/my/ami\": \"{RELEASE}\"}}}}}}");
        let e = Context::parse(&text).unwrap_err();
        assert!(e.message.contains("not the SSM parameter of a recommended AMI"), "{}", e.message);
        assert_eq!(e.line, 1);
        let text = format!("{{\"amis\": {{\"eu-west-1\": {{\"{AL2023}\": \"a b\"}}}}}}");
        let e = Context::parse(&text).unwrap_err();
        assert!(e.message.contains("is not an AMI release name"), "{}", e.message);
        assert!(e.to_string().starts_with("amis.eu-west-1./aws/"), "{e}");
    }
}
