//! Every committed template, and every template the bundled examples
//! synthesize now, passes cfn-lint with no error and no warning.

mod support;

use std::path::PathBuf;

use support::{cfn_lint, rcdk, root, text};

fn templates_in(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "json")))
        // The cloud assembly's manifest sits beside the templates.
        .filter(|p| p.file_name().is_some_and(|n| n != "manifest.json"))
        .collect();
    files.sort();
    files
}

#[test]
fn committed_templates_pass_cfn_lint() {
    let files = templates_in(&root().join("templates"));
    assert!(!files.is_empty(), "templates/ holds no template");
    let (code, output) = cfn_lint(&files);
    assert_eq!(code, 0, "cfn-lint found problems:\n{output}");
}

#[test]
fn freshly_synthesized_examples_pass_cfn_lint_in_both_formats() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in ["yaml", "json"] {
        let out_dir = dir.path().join(format);
        let out = rcdk(&root(), &["synth", "--out", out_dir.to_str().expect("utf-8 path"), "--format", format]);
        let (_, err) = text(&out);
        assert!(out.status.success(), "synth failed: {err}");
        let files = templates_in(&out_dir);
        assert!(!files.is_empty());
        let (code, output) = cfn_lint(&files);
        assert_eq!(code, 0, "cfn-lint found problems in {format} templates:\n{output}");
    }
}
