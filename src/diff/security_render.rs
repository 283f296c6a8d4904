//! The resolved SSM parameters of `rcdk diff --against-stack`, in words.

use std::fmt::Write as _;

/// The "values a deploy resolves" section (text; `--against-stack` only).
pub fn resolved_text(params: &[super::resolved::ResolvedParameter]) -> String {
    let mut out = String::new();
    if params.is_empty() {
        return out;
    }
    let _ = writeln!(out, "Values a deploy resolves (SSM parameters, deployed → now):");
    for p in params {
        let _ = writeln!(out, "  {} {}: {}", if p.changes { "~" } else { "=" }, p.stack, p.text);
    }
    out.push('\n');
    out
}

/// The "values a deploy resolves" section (Markdown; `--against-stack` only).
pub fn resolved_markdown(params: &[super::resolved::ResolvedParameter]) -> String {
    let mut out = String::new();
    if params.is_empty() {
        return out;
    }
    let _ = writeln!(out, "### Values a deploy resolves\n");
    for p in params {
        let _ = writeln!(out, "- `{}`: {}", crate::security::cell(&p.stack), p.text.replace('|', "\\|"));
    }
    out
}
