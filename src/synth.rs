//! `rcdk synth`: app files in, templates out.

use std::io::Write;
use std::path::PathBuf;

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::SynthesizedStack;

use rcdk_constructs::assembly;

use crate::app_file::{Problem, Reported};
use crate::app_source::{app_files, report as report_warnings, AppSource, SourceError};
use crate::cli::{ReportFormat, SynthArgs};
use crate::failure::Failure;
use crate::report::Level;
use crate::write::write_all_atomic;

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
