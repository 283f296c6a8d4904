//! The README's command-line synopsis of `deploy`, `destroy`, `synth`,
//! `check` and `ami update` lists exactly the flags `--help` lists, with
//! the same value names.

#![cfg(feature = "aws")]

mod support;

use std::collections::BTreeMap;

use support::{rcdk, root, text};

/// `--flag` → value name (`None` for a switch) from `rcdk COMMAND --help`.
fn help_flags(command: &str) -> BTreeMap<String, Option<String>> {
    let mut args: Vec<&str> = command.split(' ').collect();
    args.push("--help");
    let out = rcdk(&root(), &args);
    let (help, _) = text(&out);
    help.lines()
        .filter_map(|l| l.trim_start().strip_prefix("--").map(|rest| rest.split("  ").next().unwrap_or(rest)))
        .map(|flag| {
            let mut parts = flag.split_whitespace();
            let name = format!("--{}", parts.next().unwrap_or_default());
            let value = parts.next().map(|v| v.trim_matches(|c| c == '<' || c == '>').to_owned());
            (name, value)
        })
        .filter(|(name, _)| name != "--help" && name != "--version")
        .collect()
}

/// The same from the README's synopsis lines of `rcdk COMMAND`.
fn readme_flags(command: &str) -> BTreeMap<String, Option<String>> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let block = readme.split("## Command line\n\n```\n").nth(1).and_then(|b| b.split("```").next()).expect("synopsis");
    let mut lines = block.lines().skip_while(|l| !l.starts_with(&format!("rcdk {command} ")));
    let mut text = lines.next().expect("the command's line").to_owned();
    for l in lines.take_while(|l| !l.starts_with("rcdk ")) {
        text.push(' ');
        text.push_str(l.trim());
    }
    let words: Vec<&str> = text.split_whitespace().map(|w| w.trim_start_matches('[').trim_end_matches("...")).collect();
    let mut out = BTreeMap::new();
    for (i, w) in words.iter().enumerate() {
        if let Some(name) = w.trim_end_matches(']').strip_prefix("--") {
            let value = words
                .get(i + 1)
                .filter(|_| !w.ends_with(']'))
                .filter(|v| !v.starts_with("--") && !v.starts_with('|'))
                .map(|v| v.trim_end_matches(']').to_owned());
            out.insert(format!("--{name}"), value);
        }
    }
    out
}

#[test]
fn readme_synopsis_matches_help() {
    for command in ["deploy", "destroy", "synth", "check", "ami update"] {
        let help = help_flags(command);
        let readme = readme_flags(command);
        assert!(help.len() >= 4, "{command}: parsed --help: {help:?}");
        let help_names: Vec<&String> = help.keys().collect();
        let readme_names: Vec<&String> = readme.keys().collect();
        assert_eq!(readme_names, help_names, "{command}: the README synopsis lists other flags than --help");
        for (flag, value) in &help {
            let documented = &readme[flag];
            let same = match (value.as_deref(), documented.as_deref()) {
                (Some("FORMAT"), Some(v)) => v.contains('|'),
                (a, b) => a == b,
            };
            assert!(same, "{command} {flag}: --help says {value:?}, the README {documented:?}");
        }
    }
}

#[test]
fn help_documents_the_template_expiry_and_the_declined_exit_code() {
    let (help, _) = text(&rcdk(&root(), &["deploy", "--help"]));
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains(&format!("expires template copies after {} days", rcdk::aws::TEMPLATE_EXPIRY_DAYS)),
        "{help}"
    );
    assert!(help.contains("declining deletes the change set and exits 1"), "{help}");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(readme.contains(&format!("expires objects after {} days", rcdk::aws::TEMPLATE_EXPIRY_DAYS)));
}
