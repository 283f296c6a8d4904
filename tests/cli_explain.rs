//! `rcdk explain`: a code (or its former spelling) prints its explanation;
//! an unknown code exits 2 with the closest codes; `--list` lists every code;
//! the committed `docs/diagnostics.md` is what `--list --format markdown` prints.

mod support;

use rcdk::diagnostics::definitions;
use support::{rcdk, root, text};

#[test]
fn a_code_prints_its_severity_title_and_explanation() {
    let out = rcdk(&root(), &["explain", "elbv2:rule-priority-duplicate"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    assert_eq!(first, "elbv2:rule-priority-duplicate (error): two rules on one listener have the same priority");
    assert!(stdout.contains("formerly: rule-priority-duplicate"), "{stdout}");
    assert!(stdout.contains("explicit `priority`"), "{stdout}");
    assert!(stdout.lines().all(|l| l.chars().count() <= 100 || l.starts_with(' ')), "{stdout}");
}

#[test]
fn a_former_code_finds_the_renamed_entry() {
    let out = rcdk(&root(), &["explain", "vpc-cidr-invalid"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("vpc:cidr-invalid (error): "), "{stdout}");
    assert!(stdout.contains("note: `vpc-cidr-invalid` is the former spelling of `vpc:cidr-invalid`"), "{stdout}");
    // The app-file reader's codes too.
    let out = rcdk(&root(), &["explain", "yaml-syntax"]);
    assert!(text(&out).0.starts_with("app-file:yaml-syntax (error): "), "{}", text(&out).0);
    // The tag codes, once unnamespaced and unknown to explain.
    let out = rcdk(&root(), &["explain", "tag-key-reserved"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("stack:tag-key-reserved (error): "), "{stdout}");
    assert!(stdout.contains("help: choose a key without the `aws:` prefix"), "{stdout}");
}

#[test]
fn an_unknown_code_exits_2_with_suggestions_and_the_list_hint() {
    let out = rcdk(&root(), &["explain", "elbv2:rule-priority-duplicat"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("error: unknown diagnostic code `elbv2:rule-priority-duplicat`"), "{stderr}");
    assert!(stderr.contains("did you mean: elbv2:rule-priority-duplicate"), "{stderr}");
    assert!(stderr.contains("help: `rcdk explain --list` lists every code"), "{stderr}");

    // Nothing close: no suggestion, still the hint.
    let out = rcdk(&root(), &["explain", "zzzzzzzzzzzzzzzzzzzz"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr.contains("did you mean"), "{stderr}");
    assert!(stderr.contains("rcdk explain --list"), "{stderr}");
}

#[test]
fn explain_needs_a_code_or_list() {
    let out = rcdk(&root(), &["explain"]);
    assert_eq!(out.status.code(), Some(2));
    let out = rcdk(&root(), &["explain", "vpc:cidr-invalid", "--list"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn list_shows_every_code_with_its_title() {
    let out = rcdk(&root(), &["explain", "--list"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), definitions().len());
    for (line, d) in stdout.lines().zip(definitions()) {
        assert!(line.starts_with(d.code) && line.ends_with(d.title), "{line}");
    }
}

#[test]
fn committed_docs_are_what_explain_list_markdown_prints() {
    let out = rcdk(&root(), &["explain", "--list", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    let committed = std::fs::read_to_string(root().join("docs/diagnostics.md")).unwrap_or_default();
    assert!(
        printed == committed,
        "docs/diagnostics.md is stale: run `cargo run -q -- explain --list --format markdown > docs/diagnostics.md` and commit it"
    );
    for d in definitions() {
        assert!(printed.contains(&format!("### `{}`", d.code)), "{} has no section", d.code);
    }
}

/// Every table of codes in the README, below a `<!-- codes: CODE... -->`
/// line, regenerated from the definitions; and how many there are.
fn readme_with_generated_tables(text: &str) -> (String, usize) {
    let mut out = String::new();
    let mut tables = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        let Some(codes) = line.trim().strip_prefix("<!-- codes:").and_then(|l| l.strip_suffix("-->")) else {
            continue;
        };
        while lines.peek().is_some_and(|l| l.starts_with('|')) {
            lines.next();
        }
        let table = rcdk::explain::markdown_table(codes.split_whitespace())
            .unwrap_or_else(|code| panic!("README.md names `{code}`, which no definition has"));
        out.push_str(&table);
        tables += 1;
    }
    (out, tables)
}

#[test]
fn readme_tables_of_codes_are_generated_from_the_definitions() {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let (generated, tables) = readme_with_generated_tables(&text);
    assert!(tables >= 2, "README.md has {tables} generated tables of codes");
    if generated != text {
        if std::env::var_os("RCDK_UPDATE_README").is_some() {
            std::fs::write(&path, &generated).expect("write README.md");
        } else {
            panic!(
                "README.md's tables of codes are not what their definitions say: run \
                 `RCDK_UPDATE_README=1 cargo test --test cli_explain` and commit README.md"
            );
        }
    }
}
