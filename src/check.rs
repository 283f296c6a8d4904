//! `rcdk check`: the whole-app analysis of `rcdk synth`, run on any
//! CloudFormation templates (JSON or YAML, short-form tags allowed), also
//! ones rcdk did not write.

use std::path::Path;

use rcdk_constructs::analysis::{analyze, Doc, Finding, Severity, StackTemplate};
use rcdk_constructs::cfn::parse_template;

use crate::cli::CheckArgs;
use crate::failure::Failure;

/// Templates larger than this are refused (CloudFormation's own limit is 1 MB in S3).
pub const MAX_TEMPLATE_BYTES: u64 = 16 * 1024 * 1024;

/// Runs `rcdk check`: exit 0 when every path works, 1 on a broken path (or
/// a warning under `--deny-warnings`), 2 when a template cannot be read.
pub fn run(args: &CheckArgs) -> Result<(), Failure> {
    let mut texts = Vec::with_capacity(args.templates.len());
    for path in &args.templates {
        texts.push(read(path)?);
    }
    let mut values = Vec::with_capacity(texts.len());
    for (path, text) in args.templates.iter().zip(&texts) {
        let value = parse_template(text).map_err(|e| {
            Failure::input(format!("{}: {e}", path.display())).help("give a CloudFormation template in JSON or YAML")
        })?;
        values.push(value);
    }
    let mut stacks = Vec::with_capacity(values.len());
    let names: Vec<String> = args.templates.iter().map(|p| p.display().to_string()).collect();
    for ((path, value), name) in args.templates.iter().zip(&values).zip(&names) {
        let doc = Doc::from_json(value, args.region.as_deref())
            .map_err(|e| Failure::input(format!("{}: not a CloudFormation template: {e}", path.display())))?;
        stacks.push(StackTemplate { name, doc, inputs: Vec::new() });
    }
    let findings = analyze(&stacks);
    let (mut errors, mut warnings) = (0, 0);
    for f in &findings {
        let file = &args.templates[f.stack];
        eprintln!("{}", render(file, &texts[f.stack], f));
        match f.severity {
            Severity::Error => errors += 1,
            Severity::Warning | Severity::Note => warnings += 1,
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        let mut failure =
            Failure::no(format!("{errors} error(s), {warnings} warning(s) in {} template(s)", args.templates.len()));
        if errors == 0 {
            failure = failure.help("--deny-warnings turns warnings into errors");
        }
        return Err(failure);
    }
    eprintln!("{} template(s) checked: no broken path, {warnings} warning(s)", args.templates.len());
    Ok(())
}

fn read(path: &Path) -> Result<String, Failure> {
    let meta = std::fs::metadata(path).map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(Failure::input(format!("{} is not a regular file", path.display())));
    }
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(Failure::input(format!(
            "{} is {} bytes, over the {MAX_TEMPLATE_BYTES}-byte limit for a template",
            path.display(),
            meta.len()
        )));
    }
    std::fs::read_to_string(path).map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))
}

/// `file:line: error: message [code]`, then the resource and the fix.
fn render(file: &Path, text: &str, f: &Finding) -> String {
    let level = f.severity;
    let line = resource_line(text, &f.resource).map(|l| format!(":{l}")).unwrap_or_default();
    format!(
        "{}{line}: {level}: {} [{}]\n  resource: {}\n  help: {}",
        file.display(),
        f.message,
        f.code,
        f.resource,
        f.help
    )
}

/// The line where resource `id` is declared (`Id:` in YAML, `"Id":` in JSON), 1-based.
fn resource_line(text: &str, id: &str) -> Option<usize> {
    let yaml = format!("{id}:");
    let json = format!("\"{id}\"");
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with(&yaml) || (t.starts_with(&json) && t[json.len()..].trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}
