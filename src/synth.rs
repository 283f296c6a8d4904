//! `rcdk synth`: app files in, templates out.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::SynthesizedStack;

use rcdk_constructs::assembly;

use crate::app_file::{AppFile, Problem, Problems, Reported};
use crate::app_source::{AppSource, SourceError};
use crate::cli::{ReportFormat, SynthArgs};
use crate::failure::Failure;
use crate::report::Level;
use crate::write::write_all_atomic;

/// Where `rcdk synth` looks for app files when none are given.
pub const DEFAULT_APP_DIR: &str = "examples";

/// Runs `rcdk synth`.
pub fn run(args: &SynthArgs) -> Result<(), Failure> {
    let source = match AppSource::from_flags(&args.app_files, args.app.as_deref(), None)? {
        Some(source) => source,
        None => AppSource::Files(app_files(&[])?),
    };
    let format: Format = args.format.into();
    let (stacks, reported) = match source.synthesize(format, Some(&args.out)) {
        Ok(found) => found,
        Err(SourceError::Problems(problems)) => {
            print_report(args.diagnostics, &problems.0, &Reported::default());
            return Err(problems.into());
        }
        Err(SourceError::Failure(f)) => return Err(f),
    };
    if args.deny_warnings && !reported.warnings.is_empty() {
        let errors = reported.warnings.clone();
        print_report(args.diagnostics, &errors, &Reported { warnings: Vec::new(), notes: reported.notes.clone() });
    } else {
        print_report(args.diagnostics, &[], &reported);
    }
    report_warnings(&reported, args.deny_warnings)?;

    if args.stdout {
        return print_stdout(&stacks, format);
    }
    // The cloud assembly: every template, then manifest.json (last, so that
    // it is renamed into place after the templates it names).
    let files = assembly::files(&stacks).map_err(|e| Failure::no(e.to_string()))?;
    let targets: Vec<(PathBuf, &str)> = files.iter().map(|(name, text)| (args.out.join(name), text.as_str())).collect();
    if args.check {
        return check(&targets);
    }
    write_all_atomic(&targets)?;
    for (path, _) in &targets {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Prints `errors`, `reported`'s warnings and notes on stdout as JSON or
/// SARIF (nothing for text: stderr carries them).
fn print_report(format: ReportFormat, errors: &[Problem], reported: &Reported) {
    let entries: Vec<(Level, &Problem)> = (errors.iter().map(|p| (Level::Error, p)))
        .chain(reported.warnings.iter().map(|p| (Level::Warning, p)))
        .chain(reported.notes.iter().map(|p| (Level::Note, p)))
        .collect();
    let text = match format {
        ReportFormat::Text => return,
        ReportFormat::Json => crate::report::json(&entries),
        ReportFormat::Sarif => crate::report::sarif(&entries),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The app files to read: those given, else the project's `app.yaml` (what
/// `rcdk init` writes) in the current directory, else every `.yaml` file in
/// `examples/`.
pub fn app_files(given: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let project_app = Path::new(crate::init::APP_FILE);
    if project_app.is_file() {
        return Ok(vec![project_app.to_path_buf()]);
    }
    let dir = Path::new(DEFAULT_APP_DIR);
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Failure::input(format!(
            "no app file given, no `{}` here, and cannot read `{DEFAULT_APP_DIR}/`: {e}",
            crate::init::APP_FILE
        ))
        .help("name the app file: rcdk synth path/to/app.yaml")
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::input(format!("no app file given and no .yaml files in `{DEFAULT_APP_DIR}/`")));
    }
    Ok(files)
}

/// Prints the whole-app analysis' notes and warnings on stderr; with
/// `deny`, warnings are errors (exit 2, nothing written). Notes never fail.
pub fn report_warnings(reported: &Reported, deny: bool) -> Result<(), Failure> {
    if deny && !reported.warnings.is_empty() {
        return Err(Failure::from(Problems(reported.warnings.clone()))
            .help("--deny-warnings turns warnings into errors; fix them, or drop the flag"));
    }
    for n in &reported.notes {
        eprintln!("note: {n}");
    }
    for w in &reported.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

/// Loads and synthesizes app files in memory. Every problem of every file is
/// returned at once; two files may not define the same stack name.
pub fn synthesize(files: &[PathBuf], format: Format) -> Result<Vec<SynthesizedStack>, Problems> {
    synthesize_with_warnings(files, format).map(|(stacks, _)| stacks)
}

/// Like [`synthesize`], and also returns the whole-app analysis' warnings and notes.
pub fn synthesize_with_warnings(
    files: &[PathBuf],
    format: Format,
) -> Result<(Vec<SynthesizedStack>, Reported), Problems> {
    let mut reported = Reported::default();
    let mut problems = Vec::new();
    let mut stacks = Vec::new();
    let mut owners: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut apps: Vec<AppFile> = Vec::with_capacity(files.len());
    let mut stack_app: BTreeMap<String, usize> = BTreeMap::new();
    for path in files {
        let app = match AppFile::load(path) {
            Ok(app) => app,
            Err(p) => {
                problems.extend(p.0);
                continue;
            }
        };
        match app.synth_with_warnings(format) {
            Ok((synthesized, mut found)) => {
                reported.warnings.append(&mut found.warnings);
                reported.notes.append(&mut found.notes);
                for (i, s) in synthesized.into_iter().enumerate() {
                    if let Some(other) = owners.insert(s.name().to_owned(), path.clone()) {
                        let field = format!("stacks[{i}].name");
                        problems.push(Problem {
                            file: path.clone(),
                            position: app.position_of(&field.as_str().into()),
                            field,
                            construct: None,
                            code: "stack:name-duplicate",
                            message: format!("stack `{}` is also defined in {}", s.name(), other.display()),
                            help: Some(
                                "stack names must be unique across app files: each writes templates/<name>".into(),
                            ),
                            rule: None,
                        });
                    }
                    stack_app.insert(s.name().to_owned(), apps.len());
                    stacks.push(s);
                }
            }
            Err(p) => problems.extend(p.0),
        }
        apps.push(app);
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    // The rule packs (`compliance:`) read the finished templates of every
    // file at once: one evaluation, spread over the CPUs.
    let review = crate::compliance::review_stacks(&stacks, false);
    let located = crate::compliance::locate_in_app_files(review, |name| stack_app.get(name).copied(), &apps);
    let errors = located.into_reported(&mut reported);
    if errors.is_empty() {
        Ok((stacks, reported))
    } else {
        Err(Problems(errors))
    }
}

fn print_stdout(stacks: &[SynthesizedStack], format: Format) -> Result<(), Failure> {
    let mut out = String::new();
    match format {
        Format::Yaml => {
            for (i, s) in stacks.iter().enumerate() {
                if i > 0 || stacks.len() > 1 {
                    out.push_str(&format!("--- # {}\n", s.name()));
                }
                out.push_str(&s.body);
            }
        }
        Format::Json if stacks.len() == 1 => out.push_str(&stacks[0].body),
        Format::Json => {
            let all = stacks
                .iter()
                .map(|s| serde_json::to_value(&s.template).map(|t| (s.name().to_owned(), t)))
                .collect::<Result<serde_json::Map<String, serde_json::Value>, _>>()
                .map_err(|e| Failure::no(format!("cannot render the templates as one JSON object: {e}")))?;
            out.push_str(&serde_json::to_string_pretty(&all).map_err(|e| Failure::no(e.to_string()))?);
            out.push('\n');
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes()).map_err(|e| Failure::no(format!("cannot write to stdout: {e}")))
}

fn check(targets: &[(PathBuf, &str)]) -> Result<(), Failure> {
    let mut stale = Vec::new();
    for (path, body) in targets {
        match std::fs::read(path) {
            Ok(existing) if existing == body.as_bytes() => {}
            Ok(_) => stale.push(format!("  stale:   {}", path.display())),
            Err(_) => stale.push(format!("  missing: {}", path.display())),
        }
    }
    if stale.is_empty() {
        eprintln!("{} file(s) up to date (templates and {})", targets.len(), assembly::MANIFEST_FILE);
        return Ok(());
    }
    Err(Failure::no(format!("{} file(s) out of date:\n{}", stale.len(), stale.join("\n")))
        .help("run `rcdk synth` and commit the templates"))
}
