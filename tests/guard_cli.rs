//! The in-process Guard engine against the reference: the `cfn-guard` CLI
//! (3.1.1) the npm package of the vendored Control Tower rules ships
//! (installed by `scripts/test` from `scripts/requirements-test-npm.txt`,
//! integrity-checked). Both evaluate the same rule files on the same
//! templates and must agree finding for finding: rule, resource, paths,
//! messages and what was found. rcdk evaluates the prefiltered pack on the
//! JSON it hands the engine; the CLI the whole pack on the file as written.
//!
//! And the prefilter against no prefilter, in process: on every committed
//! template and on random apps (`RCDK_GUARD_SAMPLE=N`, default 4), the
//! rule files whose resource types a template lacks find nothing.

mod support;

#[path = "support/app_gen.rs"]
mod app_gen;

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::Format;
use rcdk_guard::engine::read_report;
use rcdk_guard::{evaluate_with, Cache, Document, Pack, Strategy as Evaluation, Violation};

use support::{npm_package, root};

fn committed_templates() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("templates"))
        .expect("templates/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the committed templates: {files:?}");
    files
}

/// The CLI's violations of the whole vendored pack on `template`.
fn cli(template: &Path) -> Vec<Violation> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch64",
        other => panic!("the npm package ships no cfn-guard binary for {other}"),
    };
    let os = if cfg!(target_os = "macos") { "macos" } else { "ubuntu" };
    let binary = npm_package("cdklabs-cdk-validator-cfnguard").join(format!("bin/{os}/{arch}/cfn-guard"));
    let rules = root().join("guard/packs/control-tower/rules");
    let out = Command::new(&binary)
        .args(["validate", "--rules"])
        .arg(&rules)
        .arg("--data")
        .arg(template)
        .args(["--structured", "--output-format", "json", "--show-summary", "none"])
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", binary.display()));
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 19)), "cfn-guard exit {code:?}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "cfn-guard wrote errors: {}", String::from_utf8_lossy(&out.stderr));
    let mut found = read_report(&String::from_utf8_lossy(&out.stdout)).expect("the CLI's report reads");
    assert_eq!(found.len(), 1);
    found.remove(0)
}

fn in_process(docs: &[&Document], prefilter: bool) -> Vec<Vec<Violation>> {
    let strategy = Evaluation { prefilter, ..Evaluation::default() };
    evaluate_with(Pack::control_tower(), docs, &Cache::off(), strategy).expect("the pack evaluates")
}

#[test]
fn the_cli_and_rcdk_agree_finding_for_finding() {
    let mut files = committed_templates();
    // A JSON template too: rcdk synth --format json of an example.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = support::rcdk(&root(), &["synth", "examples/todo-app.yaml", "--format", "json", "--stdout"]);
    assert!(out.status.success(), "{}", support::text(&out).1);
    let json = dir.path().join("todo-prod.json");
    std::fs::write(&json, &out.stdout).expect("write");
    files.push(json);

    let texts: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).expect("read")).collect();
    let docs: Vec<Document> = texts.iter().map(|t| Document::parse(t).expect("a template")).collect();
    let refs: Vec<&Document> = docs.iter().collect();
    let mine = in_process(&refs, true);
    let mut total = 0;
    for ((file, mine), doc) in files.iter().zip(mine).zip(&docs) {
        let theirs = cli(file);
        assert!(
            theirs.iter().all(|v| v.resource.is_some()),
            "{}: the CLI reports a failure without a resource (an engine whose verdicts changed?): {theirs:#?}",
            file.display()
        );
        assert_eq!(mine, theirs, "{}: in process (left) and the CLI (right) disagree", file.display());
        assert!(!mine.is_empty() || doc.resource_types().is_empty(), "{}: no finding at all", file.display());
        total += mine.len();
    }
    eprintln!("{} templates, {total} findings, identical", files.len());
}

/// The templates of the random apps of the fuzz harness's `plausible_app`
/// strategy that synthesize (a fixed sequence: the runner's default seed).
fn random_app_templates(count: usize) -> Vec<String> {
    let strategy = app_gen::plausible_app();
    let mut runner = TestRunner::deterministic();
    let mut out = Vec::new();
    let mut apps = 0;
    for _ in 0..2_000 {
        if apps == count {
            break;
        }
        let value = strategy.new_tree(&mut runner).expect("a value").current();
        let Ok(props) = serde_json::from_value::<AppProps>(value) else { continue };
        let Ok(stacks) = props.synth(Format::Yaml) else { continue };
        apps += 1;
        out.extend(stacks.into_iter().map(|s| s.body));
    }
    assert_eq!(apps, count, "the generator no longer makes apps that synthesize");
    out
}

#[test]
fn the_prefilter_changes_no_finding() {
    let sample: usize = std::env::var("RCDK_GUARD_SAMPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let mut texts: Vec<String> =
        committed_templates().iter().map(|f| std::fs::read_to_string(f).expect("read")).collect();
    let committed = texts.len();
    texts.extend(random_app_templates(sample));
    let docs: Vec<Document> = texts.iter().map(|t| Document::parse(t).expect("a template")).collect();
    let refs: Vec<&Document> = docs.iter().collect();
    let all = in_process(&refs, false);
    let filtered = in_process(&refs, true);
    for (i, (a, f)) in all.iter().zip(&filtered).enumerate() {
        let what = if i < committed { format!("committed template {i}") } else { format!("random app template {i}") };
        assert_eq!(a, f, "{what}: the whole pack (left) and the prefiltered pack (right) disagree:\n{}", texts[i]);
    }
    let selected: usize = docs.iter().map(|d| Pack::control_tower().select(&d.resource_types()).len()).sum();
    eprintln!(
        "{} templates: identical findings; {selected} rule files evaluated instead of {}",
        docs.len(),
        docs.len() * Pack::control_tower().rules.len()
    );
}

#[test]
fn one_call_per_thread_finds_what_one_call_per_template_finds() {
    let texts: Vec<String> = committed_templates().iter().map(|f| std::fs::read_to_string(f).expect("read")).collect();
    let docs: Vec<Document> = texts.iter().map(|t| Document::parse(t).expect("a template")).collect();
    let refs: Vec<&Document> = docs.iter().collect();
    let per_doc = in_process(&refs, true);
    let strategy = Evaluation { one_call: true, threads: 1, ..Evaluation::default() };
    let one = evaluate_with(Pack::control_tower(), &refs, &Cache::off(), strategy).expect("evaluates");
    assert_eq!(per_doc, one);
}
