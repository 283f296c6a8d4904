//! The corpus of documented changes (`tests/fixtures/diff/corpus.yaml`):
//! app-file edits (the app synthesized before and after, in process) and
//! template edits, each with the outcome CloudFormation documents for every
//! resource it touches and the documentation that says so. `rcdk diff` must
//! predict every outcome: no missed replacement, no false replacement claim,
//! no resource it forgets or invents.
//!
//! `cargo test --test diff_corpus -- --nocapture` prints the figures.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rcdk_constructs::cfn::Format;
use rcdk_constructs::diff::{parse_template, Change, Impact, TemplateDiff};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the change is.
    name: String,
    /// The documentation the expected outcome comes from.
    source: String,
    /// An app file to edit (with `replace`), or a template to edit (with `set` / `remove`).
    #[serde(default)]
    app: Option<String>,
    #[serde(default)]
    replace: Vec<(String, String)>,
    /// The stack to compare, for apps with several.
    #[serde(default)]
    stack: Option<String>,
    #[serde(default)]
    template: Option<String>,
    /// Dotted path (`Resources.X.Properties.Y`) → new value.
    #[serde(default)]
    set: BTreeMap<String, Value>,
    #[serde(default)]
    remove: Vec<String>,
    /// Logical ID → `added`, `removed`, `replace`, `may-replace`, `update`, `none`. Every
    /// resource of the diff is listed, and nothing else.
    expect: BTreeMap<String, String>,
    /// The will-fail findings expected, as `LogicalId: kind`.
    #[serde(default)]
    will_fail: BTreeMap<String, String>,
}

fn outcome(r: &rcdk_constructs::diff::ResourceChange) -> &'static str {
    match (r.change, r.impact) {
        (Change::Added, _) => "added",
        (Change::Removed, _) => "removed",
        (Change::Renamed, _) | (_, Some(Impact::Replace)) => "replace",
        (_, Some(Impact::MayReplace)) => "may-replace",
        (_, Some(Impact::Update)) => "update",
        _ => "none",
    }
}

fn set_path(t: &mut Value, path: &str, v: Option<Value>) {
    let keys: Vec<&str> = path.split('.').collect();
    let (last, parents) = keys.split_last().expect("non-empty path");
    let mut cur = t;
    for k in parents {
        cur = match k.parse::<usize>() {
            Ok(i) => cur.get_mut(i).unwrap_or_else(|| panic!("{path}: no index {i}")),
            Err(_) => cur.get_mut(*k).unwrap_or_else(|| panic!("{path}: no key {k}")),
        };
    }
    match (cur, v) {
        (Value::Object(m), Some(v)) => {
            m.insert((*last).to_owned(), v);
        }
        (Value::Object(m), None) => {
            assert!(m.remove(*last).is_some(), "{path}: nothing to remove");
        }
        (Value::Array(a), Some(v)) => a[last.parse::<usize>().expect("index")] = v,
        (Value::Array(a), None) => {
            a.remove(last.parse::<usize>().expect("index"));
        }
        _ => panic!("{path}: not a container"),
    }
}

fn synth(app: &std::path::Path, stack: Option<&str>) -> Value {
    let stacks = rcdk::app_file::synthesize(&[app.to_path_buf()], Format::Yaml)
        .unwrap_or_else(|p| panic!("{} does not synthesize: {p:?}", app.display()));
    let s = match stack {
        Some(name) => stacks.iter().find(|s| s.name() == name).unwrap_or_else(|| panic!("no stack {name}")),
        None => {
            assert_eq!(stacks.len(), 1, "{}: name the stack", app.display());
            &stacks[0]
        }
    };
    parse_template(&s.body).expect("template parses")
}

/// `text` without its `compliance:` lines (the app's and the stacks').
fn without_rule_packs(text: &str) -> String {
    text.lines().filter(|l| !l.trim_start().starts_with("compliance:")).map(|l| format!("{l}\n")).collect()
}

fn templates(case: &Case, dir: &std::path::Path) -> (Value, Value) {
    let root = support::root();
    if let Some(app) = &case.app {
        // Rule packs check templates, they do not shape them: an edit that
        // breaks a control the example accepts for its own design would only
        // stop the synthesis (see the README's Compliance section).
        let text = without_rule_packs(&std::fs::read_to_string(root.join(app)).expect("app file"));
        let mut edited = text.clone();
        for (from, to) in &case.replace {
            assert!(edited.contains(from.as_str()), "{}: {app} has no {from:?}", case.name);
            edited = edited.replacen(from.as_str(), to, 1);
        }
        let (a, b) = (dir.join("old.yaml"), dir.join("new.yaml"));
        std::fs::write(&a, text).expect("write");
        std::fs::write(&b, edited).expect("write");
        (synth(&a, case.stack.as_deref()), synth(&b, case.stack.as_deref()))
    } else {
        let path: PathBuf = root.join(case.template.as_deref().expect("app or template"));
        let old = parse_template(&std::fs::read_to_string(&path).expect("template")).expect("parses");
        let mut new = old.clone();
        for (p, v) in &case.set {
            set_path(&mut new, p, Some(v.clone()));
        }
        for p in &case.remove {
            set_path(&mut new, p, None);
        }
        (old, new)
    }
}

#[test]
fn every_documented_change_is_predicted() {
    let root = support::root();
    let text = std::fs::read_to_string(root.join("tests/fixtures/diff/corpus.yaml")).expect("corpus");
    let cases: Vec<Case> = serde_yaml::from_str(&text).expect("corpus parses");
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut expected_replacements, mut predicted_replacements, mut missed, mut false_claims) = (0, 0, 0, 0);
    let (mut outcomes, mut failures) = (0, Vec::new());
    for case in &cases {
        assert!(case.source.starts_with("https://"), "{}: no documentation source", case.name);
        let (old, new) = templates(case, dir.path());
        let d = TemplateDiff::new(&old, &new);
        let actual: BTreeMap<String, String> =
            d.resources.iter().map(|r| (r.logical_id.clone(), outcome(r).to_owned())).collect();
        if std::env::var_os("RCDK_CORPUS_PRINT").is_some() {
            println!("- name: {}\n  actual: {actual:?}\n  will_fail: {:?}", case.name, d.will_fail);
        }
        for (id, want) in &case.expect {
            outcomes += 1;
            let got = actual.get(id).map(String::as_str).unwrap_or("unchanged");
            if want == "replace" {
                expected_replacements += 1;
                if got != "replace" {
                    missed += 1;
                }
            }
            if got != want {
                failures.push(format!("{}: {id}: expected {want}, rcdk says {got}", case.name));
            }
        }
        for (id, got) in &actual {
            if got == "replace" {
                predicted_replacements += 1;
                if case.expect.get(id).map(String::as_str) != Some("replace") {
                    false_claims += 1;
                }
            }
            if !case.expect.contains_key(id) {
                failures.push(format!("{}: {id}: rcdk says {got}, the case expects no change", case.name));
            }
        }
        let fails: BTreeMap<String, String> = d
            .will_fail
            .iter()
            .map(|f| {
                (
                    f.logical_id.clone(),
                    serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                )
            })
            .collect();
        if fails != case.will_fail {
            failures.push(format!("{}: will fail {fails:?}, expected {:?}", case.name, case.will_fail));
        }
    }
    println!(
        "diff corpus: {} documented changes, {outcomes} resource outcomes; replacements expected {expected_replacements}, predicted {predicted_replacements}; missed {missed}, false claims {false_claims}",
        cases.len()
    );
    assert!(cases.len() >= 40, "the corpus has {} cases; it needs at least 40", cases.len());
    assert!(failures.is_empty(), "{} mismatch(es):\n{}", failures.len(), failures.join("\n"));
    assert_eq!((missed, false_claims), (0, 0));
}
