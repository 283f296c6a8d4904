//! `rcdk check`: the whole-app analysis of `rcdk synth`, run on any
//! CloudFormation templates (JSON or YAML, short-form tags allowed), also
//! ones rcdk did not write; with `--rules`, rule packs (AWS CloudFormation
//! Guard) too.
//!
//! The templates given together are analysed together: an `Fn::ImportValue`
//! reads the export of another file, and a nested stack
//! (`AWS::CloudFormation::Stack`) whose `TemplateURL` names another file
//! gets its parameters from its parent. A file that cannot be read is
//! listed, and the others are still analysed.

use std::path::{Component, Path, PathBuf};

use rcdk_constructs::analysis::{analyze, Doc, Finding, Severity, StackTemplate};
use rcdk_guard::{Cache, Document, Pack};
use serde_json::Value;

use crate::app_file::{Position, Problem, RuleRef};
use crate::cli::{CheckArgs, ReportFormat};
use crate::failure::{Failure, EXIT_INPUT};
use crate::report::Level;
use crate::template_file::{Code as FileCode, TemplateFile};

/// Templates larger than this are refused (CloudFormation's own limit is 1 MB in S3).
pub const MAX_TEMPLATE_BYTES: u64 = 16 * 1024 * 1024;

/// Runs `rcdk check`: exit 0 when every path works and every rule passes,
/// 1 on a broken path or a failed rule (or a warning under
/// `--deny-warnings`), 2 when a template or a rule directory cannot be read
/// (after reporting what the other templates hold) or a template is refused
/// (nested too deep for the rule engine).
pub fn run(args: &CheckArgs) -> Result<(), Failure> {
    let packs = load_packs(&args.rules)?;
    let mut unreadable: Vec<String> = Vec::new();
    let mut files: Vec<(&PathBuf, String, TemplateFile)> = Vec::new();
    for path in &args.templates {
        let read = read(path).and_then(|text| match TemplateFile::read(&text) {
            Ok(file) => Ok((text, file)),
            Err(e) => Err(format!("{}: {e}", path.display())),
        });
        match read {
            Ok((text, file)) => files.push((path, text, file)),
            Err(e) => unreadable.push(e),
        }
    }
    let names: Vec<String> = files.iter().map(|(p, _, _)| p.display().to_string()).collect();
    let mut stacks: Vec<StackTemplate<'_>> = Vec::with_capacity(files.len());
    let mut kept: Vec<usize> = Vec::with_capacity(files.len());
    for (i, (path, _, file)) in files.iter().enumerate() {
        match Doc::from_json(&file.value, args.region.as_deref()) {
            Ok(doc) => {
                stacks.push(StackTemplate { name: &names[i], doc, inputs: Vec::new(), nested_in: None });
                kept.push(i);
            }
            Err(e) => unreadable.push(format!("{}: not a CloudFormation template: {e}", path.display())),
        }
    }
    link_nested(&mut stacks, &kept.iter().map(|&i| files[i].0.as_path()).collect::<Vec<_>>());
    // The templates as the rule engine reads them: refused when the engine
    // must not see them; otherwise only used for positions.
    let mut docs: Vec<Option<Document>> = Vec::with_capacity(kept.len());
    for &i in &kept {
        let (path, text, _) = &files[i];
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
    let text_out = args.format == ReportFormat::Text;
    let mut entries: Vec<(Level, Problem)> = Vec::new();
    for &i in &kept {
        let (path, _, file) = &files[i];
        for d in &file.duplicates {
            let p = duplicate_problem(path, d);
            if text_out {
                eprintln!("{}", render_problem(&p, Level::Warning));
            }
            entries.push((Level::Warning, p));
        }
    }
    for f in analyze(&stacks) {
        let (path, text, file) = &files[kept[f.stack]];
        if text_out {
            eprintln!("{}", render(path, text, file, &f));
        }
        let position = position(text, file, &f.resource)
            .or_else(|| docs[f.stack].as_ref().and_then(|d| d.position(&format!("/Resources/{}", f.resource))));
        let level = match f.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Note => Level::Note,
        };
        entries.push((level, analysis_problem(path, position, f)));
    }
    if !packs.is_empty() {
        let present: Vec<(&Path, &Document)> =
            kept.iter().zip(&docs).filter_map(|(&i, d)| d.as_ref().map(|d| (files[i].0.as_path(), d))).collect();
        let documents: Vec<&Document> = present.iter().map(|(_, d)| *d).collect();
        let cache = Cache::from_env();
        for pack in &packs {
            let found = rcdk_guard::check_documents(pack, &documents, &cache)
                .map_err(|e| Failure::input(format!("rule pack `{}`: {e}", pack.name)))?;
            for (i, findings) in found.into_iter().enumerate() {
                for f in findings {
                    let p = rule_problem(present[i].0, &f);
                    if text_out {
                        eprintln!("{}", render_problem(&p, Level::Error));
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
    let count = |level: Level| entries.iter().filter(|(l, _)| *l == level).count();
    let (errors, warnings, notes) = (count(Level::Error), count(Level::Warning), count(Level::Note));
    for e in &unreadable {
        eprintln!("error: {e}");
    }
    let checked = kept.len();
    let notes_text =
        if notes > 0 { format!("; {notes} note(s): what could not be evaluated, and why") } else { String::new() };
    if !unreadable.is_empty() {
        return Err(Failure {
            exit: EXIT_INPUT,
            message: format!(
                "{} of {} template(s) could not be read; {checked} checked: {errors} error(s), {warnings} warning(s){notes_text}",
                unreadable.len(),
                args.templates.len()
            ),
            help: Some("give CloudFormation templates in JSON or YAML (a map with a `Resources` map)".into()),
        });
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        let mut failure =
            Failure::no(format!("{errors} error(s), {warnings} warning(s) in {checked} template(s){notes_text}"));
        if errors == 0 {
            failure = failure.help("--deny-warnings turns warnings into errors");
        }
        return Err(failure);
    }
    let rules = if packs.is_empty() { String::new() } else { ", every rule passes".to_owned() };
    eprintln!("{checked} template(s) checked: no broken path{rules}, {warnings} warning(s){notes_text}");
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

/// A key written twice, as a warning at the second key: CloudFormation
/// keeps its value.
fn duplicate_problem(file: &Path, d: &crate::template_file::Duplicate) -> Problem {
    let map = if d.map.is_empty() { "the top level".to_owned() } else { format!("`{}`", d.map) };
    Problem {
        file: file.to_path_buf(),
        position: Some(d.at),
        field: String::new(),
        construct: None,
        code: rcdk_constructs::core::DiagnosticCode::from(FileCode::DuplicateKey).to_string(),
        message: format!(
            "key `{}` is written twice in {map} (first at line {}); CloudFormation keeps this last value",
            d.key, d.first.line
        ),
        help: Some("delete the one you did not mean".into()),
        rule: None,
    }
}

/// Reads a file's text: a regular file, not too large, UTF-8.
fn read(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(format!(
            "{} is {} bytes, over the {MAX_TEMPLATE_BYTES}-byte limit for a template",
            path.display(),
            meta.len()
        ));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Links each nested stack to its parent: an `AWS::CloudFormation::Stack`
/// whose `TemplateURL` names one of the other files (a path relative to the
/// parent's file, or a URL whose path ends with the file's).
fn link_nested(stacks: &mut [StackTemplate<'_>], paths: &[&Path]) {
    let canonical: Vec<Vec<String>> = paths.iter().map(|p| components(&absolute(p))).collect();
    let mut links: Vec<(usize, usize, String)> = Vec::new();
    for (p, parent) in stacks.iter().enumerate() {
        for r in parent.doc.of_type("AWS::CloudFormation::Stack") {
            let Some(v) = r.props.get("TemplateURL") else { continue };
            let urls = match parent.doc.resolve(v).as_str() {
                Some(url) => vec![url.to_owned()],
                None => url_tails(v),
            };
            // Every form the URL may take must name the same file.
            let mut children = urls.iter().map(|url| child_of(url, paths[p], &canonical));
            let Some(Some(c)) = children.next() else { continue };
            if c != p && children.all(|other| other == Some(c)) {
                links.push((c, p, r.id.to_owned()));
            }
        }
    }
    for (c, p, id) in links {
        if stacks[c].nested_in.is_some() {
            continue;
        }
        // The resource's logical ID, borrowed from the parent's template.
        let id = stacks[p].doc.res(&id).map(|r| r.id);
        stacks[c].nested_in = id.map(|id| (p, id));
    }
}

/// The ends of a `TemplateURL` only known at deployment (a bucket from a
/// parameter, a region's endpoint), as `https://*/...` URLs: what follows the
/// last `${...}` of an `Fn::Sub`, or the last item of an `Fn::Join`, in each
/// branch of an `Fn::If`.
fn url_tails(v: &Value) -> Vec<String> {
    let tail = |text: &str| -> Option<String> {
        let rest = text.rsplit('}').next().unwrap_or(text);
        let rest = rest.trim_start_matches('/');
        (!rest.is_empty()).then(|| format!("https://*/{rest}"))
    };
    match v.as_object().and_then(|m| m.iter().next()) {
        Some((k, Value::String(text))) if k == "Fn::Sub" => tail(text).into_iter().collect(),
        Some((k, Value::Array(a))) if k == "Fn::Sub" => {
            a.first().and_then(Value::as_str).and_then(tail).into_iter().collect()
        }
        Some((k, Value::Array(a))) if k == "Fn::Join" => {
            let last = a.get(1).and_then(Value::as_array).and_then(|l| l.last()).and_then(Value::as_str);
            last.and_then(tail).into_iter().collect()
        }
        Some((k, Value::Array(a))) if k == "Fn::If" && a.len() == 3 => {
            a[1..].iter().flat_map(|b| b.as_str().map(|s| vec![s.to_owned()]).unwrap_or_else(|| url_tails(b))).collect()
        }
        _ => Vec::new(),
    }
}

/// The file a `TemplateURL` names: the same file for a local path, else
/// the one file whose path ends with the most of the URL's path.
fn child_of(url: &str, parent: &Path, files: &[Vec<String>]) -> Option<usize> {
    let remote = url.contains("://");
    let wanted = if remote {
        let path = url.split("://").nth(1).unwrap_or_default();
        let path = path.split(['?', '#']).next().unwrap_or_default();
        path.split('/').skip(1).filter(|s| !s.is_empty()).map(str::to_owned).collect()
    } else {
        let base = parent.parent().unwrap_or(Path::new("."));
        components(&absolute(&base.join(url)))
    };
    if !remote {
        return files.iter().position(|f| *f == wanted);
    }
    let score = |f: &Vec<String>| f.iter().rev().zip(wanted.iter().rev()).take_while(|(a, b)| a == b).count();
    let best = files.iter().map(score).max().filter(|&n| n > 0)?;
    let mut matching = (0..files.len()).filter(|&i| score(&files[i]) == best);
    let first = matching.next()?;
    matching.next().is_none().then_some(first)
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A path's normal components, with `.` and `..` applied.
fn components(p: &Path) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

/// `file:line:column: error: message [code]`, then the resource and the
/// fix (a note: the resource only).
fn render(file: &Path, text: &str, t: &TemplateFile, f: &Finding) -> String {
    let level = f.severity;
    let at = position(text, t, &f.resource).map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default();
    let mut out = format!("{}{at}: {level}: {} [{}]", file.display(), f.message, f.code);
    if !f.resource.is_empty() {
        out.push_str(&format!("\n  resource: {}", f.resource));
    }
    if level != Severity::Note {
        out.push_str(&format!("\n  help: {}", f.help));
    }
    out
}

/// Where resource `id` is written: from the event pass, else the line
/// where it is declared (`Id:` in YAML, `"Id":` in JSON).
fn position(text: &str, t: &TemplateFile, id: &str) -> Option<Position> {
    if id.is_empty() {
        return None;
    }
    t.resource(id).or_else(|| resource_line(text, id).map(|line| Position { line, column: 1 }))
}

/// `file:line:column: error: message [code]` (a failed rule, a duplicate
/// key), the resource and the fix.
fn render_problem(p: &Problem, level: Level) -> String {
    let at = p.position.map(|x| format!(":{}:{}", x.line, x.column)).unwrap_or_default();
    let level = match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    };
    let mut out = format!("{}{at}: {level}: {} [{}]", p.file.display(), p.message, p.code);
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
