//! `rcdk check` on templates written by hand (tests/fixtures/check/), one
//! pair per class of issue 22: a template that works gets no finding, a
//! broken one gets its finding, located at `file:line:column` of the
//! resource at fault. Each file says what it holds and what `rcdk check`
//! must answer in its `# expect:` lines, with the AWS documentation the
//! answer rests on in its `# Doc:` lines:
//!
//! ```text
//! # expect: exit=1 error net:lb-to-target-blocked@InstanceSg "words in the output"
//! # expect: with other.yaml: exit=0
//! ```
//!
//! Findings are compared exactly (every error and warning, with its
//! resource); notes only where listed.

mod support;

use std::path::{Path, PathBuf};

use support::{rcdk, text};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// One finding as the text output prints it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    severity: String,
    code: String,
    resource: String,
    /// `file:line:column` (or `file`).
    at: String,
}

/// The findings of `rcdk check` output: `at: severity: message [code]`,
/// then `  resource: X` when there is a resource.
fn findings(err: &str) -> Vec<Seen> {
    let lines: Vec<&str> = err.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        for severity in ["error", "warning", "note"] {
            let Some((at, rest)) = l.split_once(&format!(": {severity}: ")) else { continue };
            if at.starts_with("error") || !rest.ends_with(']') {
                continue;
            }
            let Some(code) = rest.rsplit_once(" [").map(|(_, c)| c.trim_end_matches(']').to_owned()) else { continue };
            let resource = lines
                .get(i + 1)
                .and_then(|n| n.trim().strip_prefix("resource: "))
                .map(str::to_owned)
                .unwrap_or_default();
            out.push(Seen { severity: severity.to_owned(), code, resource, at: at.to_owned() });
        }
    }
    out
}

/// What one `# expect:` line asks: the other files to check with it, the
/// exit code, the findings (severity, code, resource) and words.
#[derive(Debug, Default)]
struct Expect {
    with: Vec<String>,
    exit: i32,
    findings: Vec<(String, String, String)>,
    words: Vec<String>,
}

fn expectations(file: &str) -> Vec<Expect> {
    let text = std::fs::read_to_string(dir().join(file)).expect("fixture");
    let mut out = Vec::new();
    for line in text.lines().filter_map(|l| l.strip_prefix("# expect: ")) {
        let mut e = Expect::default();
        let mut rest = line;
        if let Some(r) = rest.strip_prefix("with ") {
            let (files, r) = r.split_once(": ").expect("with FILES: ...");
            e.with = files.split_whitespace().map(str::to_owned).collect();
            rest = r;
        }
        let (items, words) = match rest.split_once('"') {
            Some((items, words)) => (items, words.split('"').step_by(2).map(str::to_owned).collect()),
            None => (rest, Vec::new()),
        };
        e.words = words;
        let mut tokens = items.split_whitespace();
        let exit = tokens.next().and_then(|t| t.strip_prefix("exit=")).expect("exit=N first");
        e.exit = exit.parse().expect("exit code");
        while let (Some(severity), Some(code)) = (tokens.next(), tokens.next()) {
            let (code, resource) = code.split_once('@').unwrap_or((code, ""));
            e.findings.push((severity.to_owned(), code.to_owned(), resource.to_owned()));
        }
        out.push(e);
    }
    assert!(!out.is_empty(), "{file} says nothing it expects");
    out
}

/// Where resource `id` is declared in `file`: `file:line:3`.
fn declared(file: &str, id: &str) -> Option<String> {
    let text = std::fs::read_to_string(dir().join(file)).expect("fixture");
    let line = text.lines().position(|l| l.starts_with(&format!("  {id}:")))? + 1;
    Some(format!("{file}:{line}:3"))
}

fn run_one(file: &str, e: &Expect) -> Result<(), String> {
    let mut args = vec!["check".to_owned()];
    args.extend(e.with.iter().cloned());
    args.push(file.to_owned());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = rcdk(&dir(), &argv);
    let (_, err) = text(&out);
    let context = || format!("rcdk {}:\n{err}", args.join(" "));
    if out.status.code() != Some(e.exit) {
        return Err(format!("exit {:?}, expected {}: {}", out.status.code(), e.exit, context()));
    }
    let seen = findings(&err);
    let mut got: Vec<(String, String, String)> = seen
        .iter()
        .filter(|s| s.severity != "note")
        .map(|s| (s.severity.clone(), s.code.clone(), s.resource.clone()))
        .collect();
    let mut want: Vec<(String, String, String)> = e.findings.iter().filter(|f| f.0 != "note").cloned().collect();
    // A finding without a resource in the expectation matches any resource.
    for w in want.iter_mut().filter(|w| w.2.is_empty()) {
        if let Some(g) = got.iter().find(|g| g.0 == w.0 && g.1 == w.1) {
            w.2 = g.2.clone();
        }
    }
    got.sort();
    want.sort();
    if got != want {
        return Err(format!("findings {got:?}, expected {want:?}: {}", context()));
    }
    for (severity, code, resource) in &e.findings {
        let found = seen
            .iter()
            .find(|s| &s.severity == severity && &s.code == code && (resource.is_empty() || &s.resource == resource));
        let Some(found) = found else { return Err(format!("no {severity} {code}@{resource}: {}", context())) };
        if resource.is_empty() {
            continue;
        }
        // Located at the resource, in whichever file declares it.
        let at = std::iter::once(file).chain(e.with.iter().map(String::as_str)).find_map(|f| declared(f, resource));
        if at.as_deref() != Some(found.at.as_str()) {
            return Err(format!("{code} at {}, expected {at:?}: {}", found.at, context()));
        }
    }
    for w in &e.words {
        if !err.contains(w.as_str()) {
            return Err(format!("`{w}` missing: {}", context()));
        }
    }
    Ok(())
}

#[test]
fn every_template_gets_the_answer_it_expects() {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "{files:?}");
    let mut failed = Vec::new();
    for f in &files {
        for e in expectations(f) {
            if let Err(why) = run_one(f, &e) {
                failed.push(format!("{f}: {why}"));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

#[test]
fn a_duplicate_key_is_a_warning_at_the_second_key_and_the_analysis_goes_on() {
    let out = rcdk(&dir(), &["check", "duplicate-key-broken.yaml"]);
    let (_, err) = text(&out);
    let text = std::fs::read_to_string(dir().join("duplicate-key-broken.yaml")).expect("fixture");
    let first = text.lines().position(|l| l == "Description: first").expect("first") + 1;
    assert!(
        err.contains(&format!(
            "duplicate-key-broken.yaml:{}:1: warning: key `Description` is written twice in the top level (first at line \
             {first}); CloudFormation keeps this last value [cfn:duplicate-key]",
            first + 1
        )),
        "{err}"
    );
    assert!(err.contains("[net:lb-to-target-blocked]"), "{err}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_unreadable_file_is_listed_and_the_others_are_still_checked() {
    let out = rcdk(&dir(), &["check", "not-a-template.yaml", "host-ports-linux-broken.yaml", "missing.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("[net:lb-to-target-blocked]"), "{err}");
    assert!(
        err.contains("error: not-a-template.yaml: not a CloudFormation template: the template has no `Resources` map"),
        "{err}"
    );
    assert!(err.contains("error: cannot read missing.yaml"), "{err}");
    assert!(err.contains("error: 2 of 3 template(s) could not be read; 1 checked: 1 error(s), 0 warning(s)"), "{err}");
}

#[test]
fn what_cannot_be_evaluated_is_said_with_why() {
    let out = rcdk(&dir(), &["check", "cannot-tell.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "note: client → listener Listener: not evaluated: the security groups of load balancer Lb: it comes from \
             parameter `LbSg`, whose value is only known at deployment [analysis:not-evaluated]"
        ),
        "{err}"
    );
    assert!(err.contains("its cluster cannot be told: it comes from parameter `Cluster`"), "{err}");
    assert!(
        err.ends_with(
            "1 template(s) checked: no broken path, 0 warning(s); 2 note(s): what could not be evaluated, and why\n"
        ),
        "{err}"
    );
    // A stack whose imports no template given exports: the notes name the import.
    let out = rcdk(&dir(), &["check", "linked-service-broken.yaml"]);
    let (_, err) = text(&out);
    assert!(err.contains("no template given exports that"), "{err}");
}

#[test]
fn help_says_it_checks_paths_not_validity() {
    let out = rcdk(&dir(), &["check", "--help"]);
    let (help, _) = text(&out);
    assert!(help.contains("It checks paths, not template validity"), "{help}");
    assert!(help.contains("cfn-lint"), "{help}");
    assert!(help.contains("2 a template could not be read"), "{help}");
}
