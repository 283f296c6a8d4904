//! `rcdk diff`: synthesize the app, read the templates it is compared
//! against (a directory, a git revision, or the deployed stacks) — or read
//! two templates or directories (`rcdk diff OLD NEW`) — and render the
//! resource-level [`rcdk_constructs::diff::TemplateDiff`] of each stack.

mod pair;
mod render;
mod report;
pub mod resolved;
mod security_render;
mod source;

use std::path::{Path, PathBuf};

use serde_json::Value;

use rcdk_constructs::analysis::reach::Appears;
use rcdk_constructs::cfn::{parse_template, Format};

use crate::app_source::AppSource;
use crate::cli::{DiffArgs, DiffFormat, Gate};
use crate::failure::Failure;

pub use render::{render_json, render_markdown, render_text, summary_line};
pub use report::{Report, StackDiff, StackStatus, JSON_VERSION};
pub use source::Against;

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
    let synthesized =
        AppSource::from_app_args(app_file, &args.source)?.stacks_reporting(Format::Yaml, args.deny_warnings)?;
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
                Some(format!("broadening: {}; {paths} path(s) or permission(s) appear", report.security.counts_text()))
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
