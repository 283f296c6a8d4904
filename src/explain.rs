//! `rcdk explain`: what a diagnostic code means and how to fix it (like
//! `rustc --explain`), read from rcdk's registry ([`crate::diagnostics`]:
//! the library's codes and the binary's own).
//!
//! `rcdk explain --list --format markdown` prints `docs/diagnostics.md`; a
//! test keeps the committed file equal to it.

use rcdk_constructs::core::Definition;

use crate::diagnostics::{definitions, lookup};

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::failure::Failure;
use crate::write::print;

/// How many "did you mean" suggestions an unknown code gets at most.
const MAX_SUGGESTIONS: usize = 3;

/// Prints one explanation, or the list of every code.
pub fn run(args: &ExplainArgs) -> Result<(), Failure> {
    if args.list {
        return print(&match args.format {
            ExplainFormat::Text => list_text(),
            ExplainFormat::Markdown => list_markdown(),
        });
    }
    let Some(code) = args.code.as_deref() else {
        return Err(Failure::input("name a diagnostic code, e.g. `rcdk explain vpc:cidr-invalid`")
            .help("`rcdk explain --list` lists every code"));
    };
    let Some(d) = lookup(code) else {
        return Err(unknown(code));
    };
    let mut out = match args.format {
        ExplainFormat::Text => explain_text(d),
        ExplainFormat::Markdown => explain_markdown(d),
    };
    if code.trim() != d.code {
        out.push_str(&format!("\nnote: `{}` is the former spelling of `{}`\n", code.trim(), d.code));
    }
    print(&out)
}

/// The error for a code the registry does not know, with the closest codes.
fn unknown(code: &str) -> Failure {
    let mut message = format!("unknown diagnostic code `{code}`");
    let close = suggestions(code);
    if !close.is_empty() {
        message.push_str(&format!("\n  did you mean: {}?", close.join(", ")));
    }
    Failure::input(message).help("`rcdk explain --list` lists every code")
}

/// The registered codes closest to `code` by edit distance, best first. A
/// code is compared whole, by its name without the namespace, and by its
/// former spellings, so `cidr-invalid` and `vpc-cidr-invald` both find
/// `vpc:cidr-invalid`.
pub fn suggestions(code: &str) -> Vec<&'static str> {
    let code = code.trim().to_ascii_lowercase();
    let limit = (code.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &'static str)> = definitions()
        .iter()
        .filter_map(|d| {
            let name = d.code.split_once(':').map_or(d.code, |(_, n)| n);
            let best = std::iter::once(d.code)
                .chain(std::iter::once(name))
                .chain(d.formerly.iter().copied())
                .map(|c| strsim::levenshtein(&code, c))
                .min()?;
            (best <= limit).then_some((best, d.code))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(MAX_SUGGESTIONS).map(|(_, c)| c).collect()
}

/// One explanation as text for a terminal.
pub fn explain_text(d: &Definition) -> String {
    let mut out = format!("{} ({}): {}\n", d.code, d.severity, d.title);
    if !d.formerly.is_empty() {
        out.push_str(&format!("formerly: {}\n", d.formerly.join(", ")));
    }
    out.push('\n');
    out.push_str(&wrap(d.explanation.trim_end(), WIDTH));
    out.push('\n');
    if let Some(help) = d.help {
        out.push_str(&format!("\nhelp: {help}\n"));
    }
    if let Some(link) = d.link {
        out.push_str(&format!("see: {link}\n"));
    }
    out
}

/// Text explanations are wrapped to this many columns.
const WIDTH: usize = 100;

/// Wraps the paragraphs of `text` at `width` columns, leaving fenced code
/// blocks as they are.
fn wrap(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            out.push(line.to_owned());
        } else if in_code || line.chars().count() <= width {
            out.push(line.to_owned());
        } else {
            let mut current = String::new();
            for word in line.split(' ') {
                if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
                    out.push(std::mem::take(&mut current));
                }
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(word);
            }
            out.push(current);
        }
    }
    out.join("\n")
}

/// One explanation as a Markdown section.
pub fn explain_markdown(d: &Definition) -> String {
    let mut out = format!("### `{}`\n\n**{}**: {}", d.code, d.severity, d.title);
    if !d.formerly.is_empty() {
        let formerly: Vec<String> = d.formerly.iter().map(|f| format!("`{f}`")).collect();
        out.push_str(&format!(" (formerly {})", formerly.join(", ")));
    }
    out.push_str("\n\n");
    out.push_str(d.explanation.trim_end());
    out.push('\n');
    if let Some(help) = d.help {
        out.push_str(&format!("\nHelp: {help}.\n"));
    }
    if let Some(link) = d.link {
        out.push_str(&format!("\nSee [the AWS documentation]({link}).\n"));
    }
    out
}

/// Every code with its severity and title, aligned.
pub fn list_text() -> String {
    let width = definitions().iter().map(|d| d.code.len()).max().unwrap_or(0);
    definitions().iter().map(|d| format!("{:width$}  {:7}  {}\n", d.code, d.severity.as_str(), d.title)).collect()
}

/// `docs/diagnostics.md`: a table of every code, then each explanation.
pub fn list_markdown() -> String {
    let mut out = String::from(
        "# Diagnostics\n\n\
         <!-- Generated by `rcdk explain --list --format markdown`; do not edit by hand.\n     \
         Each code is defined once, in the `codes!` block of the module that reports it. -->\n\n\
         Every problem rcdk reports carries a stable code, `namespace:name`, printed in brackets after \
         the construct that reported it:\n\n\
         ```text\nerror: shop.yaml:4:13: stacks[0].vpc.cidr: VPC CIDR `10.0.0.1/16` is invalid: host bits are set; \
         the network address is 10.0.0.0/16\n  construct: shop/Vpc [vpc:cidr-invalid]\n  help: write an IPv4 network \
         such as 10.0.0.0/16\n```\n\n\
         The namespace says where the problem lives (`vpc`, `ecs`, `elbv2`, `app-file`, ...; see the module \
         documentation of `rcdk_constructs::diagnostics`). `rcdk explain CODE` prints the explanation of \
         one code; the former spelling of a renamed code (`vpc-cidr-invalid`) works too.\n\n",
    );
    out.push_str(&format!("{} codes.\n\n| code | severity | what is wrong |\n|---|---|---|\n", definitions().len()));
    for d in definitions() {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            d.code,
            crate::diagnostics::anchor(d.code),
            d.severity,
            escape_cell(d.title)
        ));
    }
    let mut namespace = "";
    for d in definitions() {
        if d.namespace() != namespace {
            namespace = d.namespace();
            out.push_str(&format!("\n## `{namespace}`\n"));
        }
        out.push('\n');
        out.push_str(&explain_markdown(d));
    }
    out
}

/// The README's tables of codes: one row per code in `codes`, with its
/// severity and title from its definition; `None` names a code no
/// definition has.
pub fn markdown_table<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<String, &'a str> {
    let mut out = String::from("| code | kind | what |\n|---|---|---|\n");
    for code in codes {
        let d = lookup(code).filter(|d| d.code == code).ok_or(code)?;
        out.push_str(&format!("| `{}` | {} | {} |\n", d.code, d.severity, escape_cell(d.title)));
    }
    Ok(out)
}

fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_typos_names_and_former_codes() {
        assert_eq!(suggestions("vpc:cidr-invald").first(), Some(&"vpc:cidr-invalid"));
        assert_eq!(suggestions("cidr-invalid").first(), Some(&"vpc:cidr-invalid"));
        assert_eq!(suggestions("rule-priority-duplicat").first(), Some(&"elbv2:rule-priority-duplicate"));
        assert!(suggestions("completely-unrelated-words-here").is_empty());
    }

    #[test]
    fn wrap_keeps_code_blocks_and_words() {
        let text = "one two three four\n\n```yaml\na: very long line that stays as it is\n```";
        assert_eq!(wrap(text, 9), "one two\nthree\nfour\n\n```yaml\na: very long line that stays as it is\n```");
    }

    #[test]
    fn anchors_match_github_headings() {
        assert_eq!(crate::diagnostics::anchor("elbv2:rule-priority-invalid"), "elbv2rule-priority-invalid");
    }
}
