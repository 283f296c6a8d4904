//! `rcdk diff`: synthesize the app, read the templates it is compared
//! against (a directory, a git revision, or the deployed stacks) — or read
//! two templates or directories (`rcdk diff OLD NEW`) — and render the
//! resource-level [`TemplateDiff`] of each stack.

mod pair;
mod render;
pub mod resolved;
mod security_render;
mod source;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use rcdk_constructs::analysis::reach::{self, AccessChange, Appears};
use rcdk_constructs::analysis::{Doc, StackTemplate};
use rcdk_constructs::cfn::Format;
use rcdk_constructs::diff::{parse_template, SecurityView, Summary, TemplateDiff};

use crate::cli::{DiffArgs, DiffFormat, Gate};
use crate::failure::Failure;

pub use render::{render_json, render_markdown, render_text, summary_line};
pub use security_render::{counts as security_counts, text as security_text};
pub use source::Against;

/// The version of the JSON shape; bumped only on incompatible changes.
pub const JSON_VERSION: u32 = 1;

/// Whether a stack is new, changed or the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StackStatus {
    /// No template on the other side: every resource is new.
    Added,
    /// The templates differ.
    Modified,
    /// The templates are equivalent.
    Unchanged,
    /// Only the old side has a template (`rcdk diff OLD_DIR NEW_DIR`): every resource is removed.
    Removed,
}

/// The diff of one stack.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackDiff {
    /// The stack name.
    pub stack: String,
    /// Where its old template came from, e.g. `templates/todo-prod.yaml`.
    pub old_template: Option<String>,
    /// Whether it is new, changed or the same.
    pub status: StackStatus,
    /// Counts over `diff`.
    pub summary: Summary,
    /// What changed.
    #[serde(flatten)]
    pub diff: TemplateDiff,
}

impl StackDiff {
    /// Compares a stack's old template (`None` when there is none) with its new one.
    pub fn new(stack: &str, old: Option<(String, &Value)>, new: &Value) -> StackDiff {
        let empty = Value::Object(Default::default());
        let diff = TemplateDiff::new(old.as_ref().map(|(_, v)| *v).unwrap_or(&empty), new);
        let status = match (&old, diff.is_empty()) {
            (None, _) => StackStatus::Added,
            (Some(_), true) => StackStatus::Unchanged,
            (Some(_), false) => StackStatus::Modified,
        };
        StackDiff { stack: stack.to_owned(), old_template: old.map(|(s, _)| s), status, summary: diff.summary(), diff }
    }

    /// A stack only the old side has: every resource is removed.
    pub fn removed(stack: &str, old_label: String, old: &Value) -> StackDiff {
        let empty = Value::Object(Default::default());
        let diff = TemplateDiff::new(old, &empty);
        StackDiff {
            stack: stack.to_owned(),
            old_template: Some(old_label),
            status: StackStatus::Removed,
            summary: diff.summary(),
            diff,
        }
    }
}

/// Everything `rcdk diff` found: the JSON output's top level.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// [`JSON_VERSION`].
    pub version: u32,
    /// What the app was compared against, e.g. `templates/`, `git origin/main`, `deployed stacks`.
    pub against: String,
    /// True when any stack differs.
    pub has_changes: bool,
    /// Counts over every stack.
    pub summary: Summary,
    /// One entry per stack of the app, in deployment order.
    pub stacks: Vec<StackDiff>,
    /// IAM statements, managed policies and security group rules added or
    /// removed over every stack, with the counts (`statement_additions`, ...,
    /// `permissions_broadened`); each item names its stack.
    pub security: SecurityView,
    /// Paths and effective permissions that appear or disappear: the
    /// whole-app analysis' model of who can reach what, run on both sides.
    pub reachability: Vec<AccessChange>,
    /// With `--against-stack`: each SSM-typed parameter, the deployed
    /// stack's resolved value against what a deploy would resolve now.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resolved_parameters: Vec<resolved::ResolvedParameter>,
}

impl Report {
    /// Builds the report from per-stack diffs.
    pub fn new(against: String, stacks: Vec<StackDiff>) -> Report {
        let mut summary = Summary::default();
        for s in &stacks {
            summary.add(&s.summary);
        }
        let has_changes = stacks.iter().any(|s| s.status != StackStatus::Unchanged);
        let mut security = SecurityView::default();
        for s in &stacks {
            security.merge(if stacks.len() > 1 { &s.stack } else { "" }, &s.diff.security);
        }
        Report {
            version: JSON_VERSION,
            against,
            has_changes,
            summary,
            stacks,
            security,
            reachability: Vec::new(),
            resolved_parameters: Vec::new(),
        }
    }

    /// True when a path or permission appears (see [`Report::reachability`]).
    pub fn broadens_reach(&self) -> bool {
        self.reachability.iter().any(|c| c.change == Appears::Appears)
    }

    /// Adds the reachability delta of the templates compared: per stack,
    /// its name, old template (`None` when new) and new template (`None`
    /// when removed). `links` are the app's cross-stack parameters (stack,
    /// parameter, producing stack, output); the old side uses a link only
    /// where its template declares that parameter too.
    pub fn with_reachability(
        mut self,
        pairs: &[(&str, Option<&Value>, Option<&Value>)],
        links: &[(&str, &str, &str, &str)],
    ) -> Report {
        let side = |old: bool| {
            let stacks: Vec<StackTemplate<'_>> = pairs
                .iter()
                .filter_map(|&(name, o, n)| {
                    let doc = Doc::from_json(if old { o? } else { n? }, None).ok()?;
                    let inputs = links
                        .iter()
                        .filter(|l| l.0 == name && doc.params.contains_key(l.1))
                        .map(|l| (l.1, l.2, l.3))
                        .collect();
                    Some(StackTemplate { name, doc, inputs })
                })
                .collect();
            reach::access(&stacks)
        };
        let (old, new) = (side(true), side(false));
        self.reachability = reach::delta(&old, &new);
        self
    }
}

/// Runs `rcdk diff`: `APP_FILE` against a baseline, or `OLD NEW` (two templates or directories).
pub fn run(args: &DiffArgs) -> Result<(), Failure> {
    #[cfg(not(feature = "aws"))]
    if args.against_stack {
        return Err(crate::without_aws::refuse("diff --against-stack"));
    }
    let report = match args.paths.as_slice() {
        [] => app_report(None, args)?,
        [app_file] => app_report(Some(app_file), args)?,
        [old, new] => {
            if args.against_dir.is_some() || args.against_git.is_some() || args.against_stack {
                return Err(Failure::input("`rcdk diff OLD NEW` compares two templates or directories; --against-dir, --against-git and --against-stack go with an app file")
                    .help("drop the --against flag, or run `rcdk diff APP_FILE --against-...`"));
            }
            if args.source.app.is_some() || args.source.assembly.is_some() {
                return Err(Failure::input("`rcdk diff OLD NEW` compares two templates or directories; --app and --assembly name an app instead")
                    .help("pass either OLD NEW, or one app source"));
            }
            pair::report(old, new)?
        }
        _ => {
            return Err(Failure::input("`rcdk diff` takes an app file, or two templates or directories (OLD NEW)")
                .help("e.g. `rcdk diff examples/todo-app.yaml` or `rcdk diff old.yaml new.yaml`"))
        }
    };
    emit(&report, args)
}

/// The app (an app file, `--app`, `--assembly` or `rcdk.toml`) against its
/// baseline; templates are looked up from the app file, else the current directory.
fn app_report(app_file: Option<&PathBuf>, args: &DiffArgs) -> Result<Report, Failure> {
    let synthesized = args.source.resolve(app_file)?.stacks_reporting(Format::Yaml, args.deny_warnings)?;
    let against = Against::from_args(args, app_file.map_or(Path::new("."), PathBuf::as_path));
    let olds = against.fetch(&synthesized, &args.aws)?;
    let mut stacks = Vec::with_capacity(synthesized.len());
    let mut sides: Vec<(String, Option<Value>, Value)> = Vec::with_capacity(synthesized.len());
    for (s, old) in synthesized.iter().zip(olds) {
        let new = parse_template(&s.body)
            .map_err(|e| Failure::no(format!("rcdk synthesized a template it cannot read back ({}): {e}", s.name())))?;
        let old = match old {
            Some((label, text)) => {
                let value = parse_template(&text).map_err(|e| {
                    Failure::input(format!("cannot read {label}: {e}"))
                        .help("it must be a CloudFormation template in JSON or YAML")
                })?;
                Some((label, value))
            }
            None => None,
        };
        stacks.push(StackDiff::new(s.name(), old.as_ref().map(|(l, v)| (l.clone(), v)), &new));
        sides.push((s.name().to_owned(), old.map(|(_, v)| v), new));
    }
    let pairs: Vec<(&str, Option<&Value>, Option<&Value>)> =
        sides.iter().map(|(n, o, v)| (n.as_str(), o.as_ref(), Some(v))).collect();
    let links: Vec<(&str, &str, &str, &str)> = synthesized
        .iter()
        .flat_map(|s| {
            s.inputs.iter().map(move |i| (s.name(), i.parameter.as_str(), i.stack.as_str(), i.output.as_str()))
        })
        .collect();
    let report = Report::new(against.describe(), stacks).with_reachability(&pairs, &links);
    #[cfg(feature = "aws")]
    if args.against_stack {
        let settings = crate::app_source::ProjectSettings::load()?;
        let mut news: Vec<(&str, Option<&str>, Option<String>, &Value)> = Vec::new();
        for (s, side) in synthesized.iter().zip(&sides) {
            let p = &s.props;
            let role = settings.deploy_role(s.name(), p.account.as_deref(), p.deploy_role_arn.as_deref())?;
            news.push((s.name(), p.region.as_deref(), role, &side.2));
        }
        return Ok(Report { resolved_parameters: resolved::fetch(&news, &args.aws)?, ..report });
    }
    Ok(report)
}

fn emit(report: &Report, args: &DiffArgs) -> Result<(), Failure> {
    let out = match args.format {
        DiffFormat::Text => render_text(report, color_stdout()),
        DiffFormat::Markdown => render_markdown(report),
        DiffFormat::Json => render_json(report).map_err(|e| Failure::no(format!("cannot render JSON: {e}")))?,
    };
    use std::io::Write;
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| Failure::no(format!("cannot write to stdout: {e}")))?;
    let held = gates_held(report, &args.fail_on);
    if !held.is_empty() {
        return Err(Failure::no(format!("--fail-on: {}", held.join("; ")))
            .help("review the report above; a second reviewer approves, or drop the gate from --fail-on"));
    }
    if args.exit_code && report.has_changes {
        return Err(Failure::no(format!(
            "{} stack(s) differ from {} (--exit-code)",
            report.stacks.iter().filter(|s| s.status != StackStatus::Unchanged).count(),
            report.against
        )));
    }
    Ok(())
}

/// The `--fail-on` gates that hold for `report`, each in words.
pub fn gates_held(report: &Report, gates: &[Gate]) -> Vec<String> {
    let s = &report.summary;
    let mut out = Vec::new();
    for g in gates {
        let why = match g {
            Gate::Broadening if report.security.permissions_broadened || report.broadens_reach() => {
                let paths = report.reachability.iter().filter(|c| c.change == Appears::Appears).count();
                Some(format!(
                    "broadening: {}; {paths} path(s) or permission(s) appear",
                    security_counts(&report.security)
                ))
            }
            Gate::Broadening => None,
            Gate::Replacement if s.replaced + s.may_replace > 0 => {
                Some(format!("replacement: {} replaced, {} may be replaced", s.replaced, s.may_replace))
            }
            Gate::Replacement => None,
            Gate::DataLoss if s.dangerous > 0 => {
                Some(format!("data-loss: {} resource(s) holding data deleted or replaced", s.dangerous))
            }
            Gate::DataLoss => None,
            Gate::WillFail if s.will_fail > 0 => Some(format!("will-fail: {} change(s) will fail", s.will_fail)),
            Gate::WillFail => None,
        };
        out.extend(why);
    }
    out.dedup();
    out
}

/// Colour on stdout only when it is a terminal that supports it and
/// `NO_COLOR` is not set (the `supports-color` crate's rules).
fn color_stdout() -> bool {
    supports_color::on(supports_color::Stream::Stdout).is_some()
}

/// For `rcdk deploy`'s change-set step: the changes between the deployed
/// template (`old`, `None` for a new stack) and the one about to be deployed
/// (`new`) that CloudFormation will fail to carry out (see
/// [`rcdk_constructs::diff::will_fail`]). Without `force`, any finding is a
/// refusal (exit 1, every finding listed, with its fix); with `force`, the
/// findings are returned for deploy to print as warnings before executing.
pub fn check_will_fail(
    stack: &str,
    old: Option<&str>,
    new: &str,
    force: bool,
) -> Result<Vec<rcdk_constructs::diff::WillFail>, Failure> {
    let Some(old) = old else { return Ok(Vec::new()) };
    let read = |label: &str, text: &str| {
        parse_template(text).map_err(|e| Failure::no(format!("cannot read the {label} template of stack {stack}: {e}")))
    };
    let findings = rcdk_constructs::diff::will_fail(&read("deployed", old)?, &read("new", new)?);
    if findings.is_empty() || force {
        return Ok(findings);
    }
    let list: Vec<String> =
        findings.iter().map(|f| format!("  {}: {}\n    help: {}", f.logical_id, f.message, f.help)).collect();
    Err(Failure::no(format!(
        "stack {stack}: {} change(s) will fail, so the change set is not executed:\n{}",
        findings.len(),
        list.join("\n")
    ))
    .help("change the template as each help line says, or pass --force to execute the change set anyway"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "Resources:\n  Tg:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {Name: api, Port: 80, Protocol: HTTP}\n";
    const NEW: &str = "Resources:\n  Tg:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {Name: api, Port: 8080, Protocol: HTTP}\n";

    #[test]
    fn a_change_that_will_fail_is_refused_unless_forced() {
        let err = check_will_fail("web", Some(OLD), NEW, false).expect_err("refused");
        assert_eq!(err.exit, 1);
        assert!(
            err.message.contains("Tg: Tg must be replaced but keeps its custom name (Name: api)"),
            "{}",
            err.message
        );
        let forced = check_will_fail("web", Some(OLD), NEW, true).expect("forced");
        assert_eq!(forced.len(), 1);
        assert!(check_will_fail("web", None, NEW, false).expect("new stack").is_empty());
        assert!(check_will_fail("web", Some(OLD), OLD, false).expect("no change").is_empty());
    }
}
