//! `rcdk check`: the whole-app analysis of `rcdk synth`, run on any
//! CloudFormation templates (JSON or YAML, short-form tags allowed), also
//! ones rcdk did not write; with `--rules`, rule packs (AWS CloudFormation
//! Guard) too.

use std::path::Path;

use rcdk_constructs::analysis::{analyze, Doc, Finding, Severity, StackTemplate};
use rcdk_constructs::cfn::parse_template;
use rcdk_guard::{Cache, Document, Pack};

use crate::app_file::{Position, Problem, RuleRef};
use crate::cli::{CheckArgs, ReportFormat};
use crate::failure::Failure;
use crate::report::Level;

/// Templates larger than this are refused (CloudFormation's own limit is 1 MB in S3).
pub const MAX_TEMPLATE_BYTES: u64 = 16 * 1024 * 1024;

/// Runs `rcdk check`: exit 0 when every path works and every rule passes,
/// 1 on a broken path or a failed rule (or a warning under
/// `--deny-warnings`), 2 when a template or a rule directory cannot be read
/// or a template is refused (nested too deep for the rule engine).
pub fn run(args: &CheckArgs) -> Result<(), Failure> {
    let packs = load_packs(&args.rules)?;
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
    // The templates as the rule engine reads them: refused when the engine
    // must not see them; otherwise only used for positions.
    let mut docs = Vec::with_capacity(texts.len());
    for (path, text) in args.templates.iter().zip(&texts) {
        match Document::parse(text) {
            Ok(doc) => docs.push(Some(doc)),
            Err(e) if !packs.is_empty() => {
                let at = e.position().map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default();
                let message = e.to_string();
                let message = e.position().map_or(message.clone(), |p| {
                    message.strip_prefix(&format!("{p}: ")).map(str::to_owned).unwrap_or(message)
                });
                return Err(Failure::input(format!("{}{at}: {message}", path.display()))
                    .help("the rule engine is given templates up to 64 maps and lists deep, aliases within a budget"));
            }
            Err(_) => docs.push(None),
        }
    }
    let mut stacks = Vec::with_capacity(values.len());
    let names: Vec<String> = args.templates.iter().map(|p| p.display().to_string()).collect();
    for ((path, value), name) in args.templates.iter().zip(&values).zip(&names) {
        let doc = Doc::from_json(value, args.region.as_deref())
            .map_err(|e| Failure::input(format!("{}: not a CloudFormation template: {e}", path.display())))?;
        stacks.push(StackTemplate { name, doc, inputs: Vec::new() });
    }
    let mut entries: Vec<(Level, Problem)> = Vec::new();
    for f in analyze(&stacks) {
        let file = &args.templates[f.stack];
        if args.format == ReportFormat::Text {
            eprintln!("{}", render(file, &texts[f.stack], &f));
        }
        let position = docs[f.stack]
            .as_ref()
            .and_then(|d| d.position(&format!("/Resources/{}", f.resource)))
            .or_else(|| resource_line(&texts[f.stack], &f.resource).map(|line| Position { line, column: 1 }));
        let level = match f.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Note => Level::Note,
        };
        entries.push((level, analysis_problem(file, position, f)));
    }
    let present: Vec<&Document> = docs.iter().flatten().collect();
    if !packs.is_empty() {
        let cache = Cache::from_env();
        for pack in &packs {
            let found = rcdk_guard::check_documents(pack, &present, &cache)
                .map_err(|e| Failure::input(format!("rule pack `{}`: {e}", pack.name)))?;
            for (i, findings) in found.into_iter().enumerate() {
                for f in findings {
                    let p = rule_problem(&args.templates[i], &f);
                    if args.format == ReportFormat::Text {
                        eprintln!("{}", render_rule(&p));
                    }
                    entries.push((Level::Error, p));
                }
            }
        }
    }
    let refs: Vec<(Level, &Problem)> = entries.iter().map(|(l, p)| (*l, p)).collect();
    match args.format {
        ReportFormat::Text => {}
        ReportFormat::Json => print!("{}", crate::report::json(&refs)),
        ReportFormat::Sarif => print!("{}", crate::report::sarif(&refs)),
    }
    let errors = entries.iter().filter(|(l, _)| *l == Level::Error).count();
    let warnings = entries.iter().filter(|(l, _)| *l == Level::Warning).count();
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        let mut failure =
            Failure::no(format!("{errors} error(s), {warnings} warning(s) in {} template(s)", args.templates.len()));
        if errors == 0 {
            failure = failure.help("--deny-warnings turns warnings into errors");
        }
        return Err(failure);
    }
    let rules = if packs.is_empty() { String::new() } else { ", every rule passes".to_owned() };
    eprintln!("{} template(s) checked: no broken path{rules}, {warnings} warning(s)", args.templates.len());
    Ok(())
}

/// The packs `--rules` names: a built-in pack, or a directory of `.guard` files.
fn load_packs(names: &[String]) -> Result<Vec<Pack>, Failure> {
    let mut packs = Vec::with_capacity(names.len());
    for name in names {
        if let Some(pack) = Pack::builtin(name) {
            packs.push(pack.clone());
            continue;
        }
        let dir = Path::new(name);
        if !dir.is_dir() {
            return Err(Failure::input(format!("--rules {name}: neither a rule pack rcdk knows nor a directory"))
                .help(format!(
                    "the built-in packs: {}; or a directory of .guard files",
                    Pack::builtin_names().join(", ")
                )));
        }
        packs.push(Pack::from_dir(dir).map_err(|e| Failure::input(format!("--rules {name}: {e}")))?);
    }
    Ok(packs)
}

fn analysis_problem(file: &Path, position: Option<Position>, f: Finding) -> Problem {
    Problem {
        file: file.to_path_buf(),
        position,
        field: f.resource.clone(),
        construct: None,
        code: f.code.to_string(),
        message: f.message,
        help: Some(f.help),
        rule: None,
    }
}

fn rule_problem(file: &Path, f: &rcdk_guard::Finding) -> Problem {
    let what = f.resource.as_deref().map_or("the template".to_owned(), |id| format!("resource {id}"));
    let at = f.property_path().map(|p| format!(" (at {p})")).unwrap_or_default();
    let mut help = f.fix.clone().unwrap_or_else(|| format!("change the template so that rule `{}` passes", f.rule));
    if let Some(docs) = &f.docs {
        help.push_str(&format!(" ({docs})"));
    }
    Problem {
        file: file.to_path_buf(),
        position: f.position,
        field: f.resource.clone().unwrap_or_default(),
        construct: None,
        code: rcdk_guard::review::Code::RuleFailed.definition().code.to_owned(),
        message: format!("{what} fails {}: {}{at}", f.rule_label(), f.title),
        help: Some(help),
        rule: Some(Box::new(RuleRef::of(f, None))),
    }
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

/// `file:line:column: error: message [guard:rule-failed]`, the resource and the fix.
fn render_rule(p: &Problem) -> String {
    let at = p.position.map(|x| format!(":{}:{}", x.line, x.column)).unwrap_or_default();
    let mut out = format!("{}{at}: error: {} [{}]", p.file.display(), p.message, p.code);
    if !p.field.is_empty() {
        out.push_str(&format!("\n  resource: {}", p.field));
    }
    if let Some(h) = &p.help {
        out.push_str(&format!("\n  help: {h}"));
    }
    out
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
