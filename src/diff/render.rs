//! The three renderings of a [`Report`]: text (optionally coloured),
//! Markdown for a pull-request comment, and JSON.

use std::fmt::Write as _;

use owo_colors::OwoColorize;
use serde_json::Value;

use rcdk_constructs::diff::{Change, EntryChange, Impact, PropertyChange, ResourceChange, Summary};

use super::{Report, StackDiff, StackStatus};

/// Values longer than this are cut in text and Markdown (JSON has them whole).
const MAX_VALUE_CHARS: usize = 160;

/// Compact one-line rendering of a value, cut at [`MAX_VALUE_CHARS`].
fn show(v: Option<&Value>) -> String {
    let s = match v {
        None => return "(absent)".into(),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(v) => serde_json::to_string(v).unwrap_or_default(),
    };
    if s.chars().count() > MAX_VALUE_CHARS {
        let cut: String = s.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn summary_line(s: &Summary) -> String {
    let mut parts =
        vec![format!("{} to add", s.added), format!("{} to remove", s.removed), format!("{} to modify", s.modified)];
    if s.renamed > 0 {
        parts.push(format!("{} renamed", s.renamed));
    }
    parts.push(format!("{} replaced", s.replaced));
    if s.may_replace > 0 {
        parts.push(format!("{} may be replaced", s.may_replace));
    }
    parts.push(format!("{} dangerous", s.dangerous));
    if s.other_changes > 0 {
        parts.push(format!("{} other change(s)", s.other_changes));
    }
    parts.join(", ")
}

fn symbol(c: Change) -> &'static str {
    match c {
        Change::Added => "+",
        Change::Removed => "-",
        Change::Modified => "~",
        Change::Renamed => ">",
    }
}

/// A tiny painter: styles only when colour is on.
struct Paint(bool);

impl Paint {
    fn change(&self, c: Change, s: &str) -> String {
        if !self.0 {
            return s.to_owned();
        }
        match c {
            Change::Added => s.green().to_string(),
            Change::Removed => s.red().to_string(),
            Change::Modified | Change::Renamed => s.yellow().to_string(),
        }
    }
    fn impact(&self, i: Impact, s: &str) -> String {
        if !self.0 {
            return s.to_owned();
        }
        match i {
            Impact::Replace => s.red().bold().to_string(),
            Impact::MayReplace => s.yellow().bold().to_string(),
            Impact::Update | Impact::None => s.dimmed().to_string(),
        }
    }
    fn danger(&self, s: &str) -> String {
        if self.0 {
            s.red().bold().to_string()
        } else {
            s.to_owned()
        }
    }
    fn bold(&self, s: &str) -> String {
        if self.0 {
            s.bold().to_string()
        } else {
            s.to_owned()
        }
    }
    fn dim(&self, s: &str) -> String {
        if self.0 {
            s.dimmed().to_string()
        } else {
            s.to_owned()
        }
    }
}

/// Renders the report as text for a terminal; `color` adds ANSI styles.
pub fn render_text(report: &Report, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    for s in &report.stacks {
        let from = s.old_template.as_deref().unwrap_or("no template");
        let _ = writeln!(out, "{} {}", p.bold(&format!("Stack {}", s.stack)), p.dim(&format!("(against {from})")));
        match s.status {
            StackStatus::Unchanged => {
                let _ = writeln!(out, "  no differences\n");
                continue;
            }
            StackStatus::Added => {
                let _ = writeln!(out, "  new stack: every resource will be created");
            }
            StackStatus::Modified => {}
        }
        for r in &s.diff.resources {
            text_resource(&mut out, &p, r);
        }
        for (title, entries) in sections(s) {
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {title}");
            for e in entries {
                text_entry(&mut out, &p, e);
            }
        }
        let _ = writeln!(out, "  {}\n", summary_line(&s.summary));
    }
    if report.has_changes {
        let _ = writeln!(out, "Total: {}", summary_line(&report.summary));
    } else {
        let _ = writeln!(out, "No differences against {}", report.against);
    }
    out
}

fn sections(s: &StackDiff) -> [(&'static str, &[EntryChange]); 5] {
    [
        ("Parameters", &s.diff.parameters),
        ("Outputs", &s.diff.outputs),
        ("Conditions", &s.diff.conditions),
        ("Mappings", &s.diff.mappings),
        ("Template", &s.diff.other),
    ]
}

fn text_resource(out: &mut String, p: &Paint, r: &ResourceChange) {
    let name = match &r.renamed_from {
        Some(from) => format!("{from} → {}", r.logical_id),
        None => r.logical_id.clone(),
    };
    let mut line =
        format!("  {} {} {}", p.change(r.change, symbol(r.change)), p.change(r.change, &name), p.dim(&r.resource_type));
    if let Some(i) = r.impact {
        let label = if r.change == Change::Renamed { "replace (rename)" } else { i.label() };
        let _ = write!(line, "  {}", p.impact(i, label));
    }
    if r.dangerous {
        let _ = write!(line, "  {}", p.danger("DANGEROUS"));
    }
    let _ = writeln!(out, "{line}");
    for n in &r.notes {
        let _ = writeln!(out, "      {} {n}", if r.dangerous { p.danger("!") } else { p.dim("·") });
    }
    for c in &r.changes {
        let values = match &c.caused_by {
            Some(by) => format!("{} (new value: {by} is replaced)", show(c.new.as_ref())),
            None => format!("{} → {}", show(c.old.as_ref()), show(c.new.as_ref())),
        };
        let why = if c.impact == Impact::Update && c.caused_by.is_none() {
            p.impact(c.impact, "update")
        } else {
            format!("{}: {}", p.impact(c.impact, c.impact.label()), p.dim(&c.reason))
        };
        let _ = writeln!(out, "      {} {}: {values}  [{why}]", p.change(Change::Modified, "~"), c.path);
    }
}

fn text_entry(out: &mut String, p: &Paint, e: &EntryChange) {
    let _ = writeln!(out, "    {} {}", p.change(e.change, symbol(e.change)), p.change(e.change, &e.name));
    for c in &e.changes {
        let path = if c.path.is_empty() { String::new() } else { format!("{}: ", c.path) };
        let _ = writeln!(out, "        {path}{} → {}", show(c.old.as_ref()), show(c.new.as_ref()));
    }
}

/// Escapes text for a Markdown table cell inside a code span.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('`', "'").replace('\n', " ")
}

fn impact_md(r: &ResourceChange) -> String {
    let mut s = match (r.change, r.impact) {
        (Change::Renamed, _) => "**replace** (rename)".to_owned(),
        (_, Some(Impact::Replace)) => "**replace**".to_owned(),
        (_, Some(Impact::MayReplace)) => "**may replace**".to_owned(),
        (_, Some(i)) => i.label().to_owned(),
        (Change::Added, None) => "create".to_owned(),
        (Change::Removed, None) => "delete".to_owned(),
        (_, None) => String::new(),
    };
    if r.dangerous {
        s.push_str(" ⚠️ **dangerous**");
    }
    s
}

/// Renders the report as Markdown for a pull-request comment: a summary
/// table of every changed resource, then the details of each stack.
pub fn render_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## rcdk diff\n");
    let _ = writeln!(out, "Compared against `{}`.\n", cell(&report.against));
    if !report.has_changes {
        let _ = writeln!(out, "No differences.");
        return out;
    }
    if report.summary.dangerous > 0 {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> {} dangerous change(s): resources holding state are removed or replaced. Read the notes below before merging.\n",
            report.summary.dangerous
        );
    }
    let _ = writeln!(out, "**{}**\n", summary_line(&report.summary));
    let _ = writeln!(out, "| Stack | Resource | Type | Change | Impact |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for s in &report.stacks {
        if s.status == StackStatus::Unchanged {
            let _ = writeln!(out, "| {} | | | no differences | |", cell(&s.stack));
            continue;
        }
        for r in &s.diff.resources {
            let name = match &r.renamed_from {
                Some(from) => format!("`{}` → `{}`", cell(from), cell(&r.logical_id)),
                None => format!("`{}`", cell(&r.logical_id)),
            };
            let change = change_word(r.change);
            let _ = writeln!(
                out,
                "| {} | {name} | `{}` | {change} | {} |",
                cell(&s.stack),
                cell(&r.resource_type),
                impact_md(r)
            );
        }
        for (title, entries) in sections(s) {
            for e in entries {
                let _ = writeln!(
                    out,
                    "| {} | {} `{}` | | {} | |",
                    cell(&s.stack),
                    title,
                    cell(&e.name),
                    change_word(e.change)
                );
            }
        }
    }
    for s in report.stacks.iter().filter(|s| s.status != StackStatus::Unchanged) {
        let from = s.old_template.as_deref().unwrap_or("no template: new stack");
        let _ = writeln!(out, "\n### {}\n\nAgainst `{}` — {}.\n", cell(&s.stack), cell(from), summary_line(&s.summary));
        for r in s.diff.resources.iter().filter(|r| !r.notes.is_empty() || !r.changes.is_empty()) {
            md_resource(&mut out, r);
        }
        for (title, entries) in sections(s) {
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(out, "#### {title}\n");
            for e in entries {
                for c in &e.changes {
                    let path = if c.path.is_empty() { String::new() } else { format!(" `{}`", cell(&c.path)) };
                    let _ = writeln!(
                        out,
                        "- {} `{}`{path}: `{}` → `{}`",
                        change_word(e.change),
                        cell(&e.name),
                        cell(&show(c.old.as_ref())),
                        cell(&show(c.new.as_ref()))
                    );
                }
            }
            out.push('\n');
        }
    }
    out
}

fn change_word(c: Change) -> &'static str {
    match c {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Modified => "modified",
        Change::Renamed => "renamed",
    }
}

fn md_resource(out: &mut String, r: &ResourceChange) {
    let name = match &r.renamed_from {
        Some(from) => format!("`{}` → `{}`", cell(from), cell(&r.logical_id)),
        None => format!("`{}`", cell(&r.logical_id)),
    };
    let _ = writeln!(out, "#### {name} `{}` — {}\n", cell(&r.resource_type), impact_md(r));
    for n in &r.notes {
        let _ = writeln!(out, "- {}{}", if r.dangerous { "⚠️ " } else { "" }, n);
    }
    if !r.notes.is_empty() {
        out.push('\n');
    }
    if !r.changes.is_empty() {
        let _ = writeln!(out, "| Path | Old | New | Impact |");
        let _ = writeln!(out, "|---|---|---|---|");
        for c in &r.changes {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} |",
                cell(&c.path),
                cell(&show(c.old.as_ref())),
                match &c.caused_by {
                    Some(by) => format!("new value: `{}` is replaced", cell(by)),
                    None => format!("`{}`", cell(&show(c.new.as_ref()))),
                },
                impact_cell(c)
            );
        }
        out.push('\n');
    }
}

fn impact_cell(c: &PropertyChange) -> String {
    let label = match c.impact {
        Impact::Replace | Impact::MayReplace => format!("**{}**", c.impact.label()),
        _ => c.impact.label().to_owned(),
    };
    if c.impact == Impact::Update && c.caused_by.is_none() {
        return label;
    }
    format!("{label}: {}", cell(&c.reason))
}

/// Renders the report as pretty JSON (the shape documented in the README).
pub fn render_json(report: &Report) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}
