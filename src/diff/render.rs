//! The three renderings of a [`Report`]: text (optionally coloured),
//! Markdown for a pull-request comment, and JSON.

use std::fmt::Write as _;

use owo_colors::OwoColorize;
use serde_json::Value;

use rcdk_constructs::diff::{
    Cause, CauseKind, Change, EntryChange, Fate, GroupRoot, Impact, PropertyChange, ResourceChange, Summary,
};

use super::report::{Report, StackDiff, StackStatus};

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

/// The counts in words. Replaced and may-be-replaced resources are part of
/// "to modify" and said so ("57 to modify (49 of them replaced)"); renames
/// are counted apart, each one a replacement.
pub fn summary_line(s: &Summary) -> String {
    let mut parts = vec![format!("{} to add", s.added)];
    if s.retained > 0 {
        parts.push(format!("{} to remove ({} of them retained, orphaned)", s.removed, s.retained));
    } else {
        parts.push(format!("{} to remove", s.removed));
    }
    let mut modify = format!("{} to modify", s.modified);
    let mut sub = Vec::new();
    if s.modified > 0 {
        sub.push(format!("{} of them replaced", s.modified_replaced()));
    }
    if s.may_replace > 0 {
        sub.push(format!("{} may be replaced", s.may_replace));
    }
    if s.knock_on > 0 {
        sub.push(format!("{} only as a knock-on effect", s.knock_on));
    }
    if s.tags_only > 0 {
        sub.push(format!("{} only tags", s.tags_only));
    }
    if !sub.is_empty() {
        let _ = write!(modify, " ({})", sub.join(", "));
    }
    parts.push(modify);
    if s.renamed > 0 {
        parts.push(format!("{} renamed (each a replacement)", s.renamed));
    }
    parts.push(format!("{} dangerous", s.dangerous));
    if s.will_fail > 0 {
        parts.push(format!("{} will fail", s.will_fail));
    }
    if s.other_changes > 0 {
        parts.push(format!("{} other change(s)", s.other_changes));
    }
    parts.join(", ")
}

/// "because `X` is replaced", from a change's cause.
fn because(c: &Cause, code: bool) -> String {
    let id = if code { format!("`{}`", c.id) } else { c.id.clone() };
    match c.kind {
        CauseKind::Replaced => format!("because {id} is replaced"),
        CauseKind::MayBeReplaced => format!("because {id} may be replaced"),
        CauseKind::Updated => format!("because {id} is updated"),
        CauseKind::MayBeUpdated => format!("because {id} may be updated"),
        CauseKind::ParameterDefault => format!("because the default of parameter {id} changes"),
        CauseKind::Condition => format!("because condition {id} reads a changed parameter default"),
    }
}

/// The causes of a knock-on resource, in words, e.g. "because `A` and `B`
/// are replaced and `C` is updated".
fn causes(r: &ResourceChange, code: bool) -> String {
    let mut by_kind: Vec<(CauseKind, Vec<String>)> = Vec::new();
    for c in r.changes.iter().filter_map(|c| c.cause.as_ref()) {
        let id = if code { format!("`{}`", c.id) } else { c.id.clone() };
        match by_kind.iter_mut().find(|(k, _)| *k == c.kind) {
            Some((_, ids)) if ids.contains(&id) => {}
            Some((_, ids)) => ids.push(id),
            None => by_kind.push((c.kind, vec![id])),
        }
    }
    let phrases: Vec<String> = by_kind
        .into_iter()
        .map(|(kind, ids)| {
            let many = ids.len() > 1;
            let list = match ids.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => ids.join(""),
            };
            let are = if many { "are" } else { "is" };
            match kind {
                CauseKind::Replaced => format!("{list} {are} replaced"),
                CauseKind::MayBeReplaced => format!("{list} may be replaced"),
                CauseKind::Updated => format!("{list} {are} updated"),
                CauseKind::MayBeUpdated => format!("{list} may be updated"),
                CauseKind::ParameterDefault => {
                    format!(
                        "the default of parameter{} {list} change{}",
                        if many { "s" } else { "" },
                        if many { "" } else { "s" }
                    )
                }
                CauseKind::Condition => format!(
                    "condition{} {list} read{} a changed parameter default",
                    if many { "s" } else { "" },
                    if many { "" } else { "s" }
                ),
            }
        })
        .collect();
    format!("because {}", phrases.join(" and "))
}

/// A knock-on resource's paths, those with the same reason together:
/// `Properties.A, Properties.B (reason)`.
fn consequence_paths(r: &ResourceChange, code: bool) -> String {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for c in &r.changes {
        let reason = if c.impact > Impact::Update || c.reason.contains("CloudFormation docs") {
            knock_on_reason(c).to_owned()
        } else {
            String::new()
        };
        match groups.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, paths)) => paths.push(&c.path),
            None => groups.push((reason, vec![&c.path])),
        }
    }
    groups
        .into_iter()
        .map(|(reason, paths)| {
            let paths: Vec<String> =
                paths.iter().map(|p| if code { format!("`{}`", cell(p)) } else { (*p).to_owned() }).collect();
            let reason = if code { cell(&reason) } else { reason };
            if reason.is_empty() {
                paths.join(", ")
            } else {
                format!("{} ({reason})", paths.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The schema reason of a knock-on change, without the "new value: ..." part.
fn knock_on_reason(c: &PropertyChange) -> &str {
    c.reason.split_once("; ").map_or(c.reason.as_str(), |(_, why)| why)
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
/// Per stack: what will fail, then each root cause followed by the
/// resources that change only because of it, tag-only changes one line
/// each, then parameters, outputs and other sections, and the counts.
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
            StackStatus::Removed => {
                let _ = writeln!(out, "  stack removed: only the old template has it");
            }
            StackStatus::Modified => {}
        }
        for f in &s.diff.will_fail {
            let _ = writeln!(out, "  {} {}", p.danger("✗ will fail:"), f.message);
            let _ = writeln!(out, "      help: {}", f.help);
        }
        for w in &s.diff.warnings {
            let _ = writeln!(out, "  {} {w}", p.danger("warning:"));
        }
        for g in s.diff.groups() {
            match g.root {
                GroupRoot::Resource(r) => text_resource(&mut out, &p, r),
                GroupRoot::Input(name) => {
                    let line = match s.diff.parameters.iter().find(|e| e.name == name) {
                        Some(e) => {
                            let d = e.changes.iter().find(|c| c.path == "Default");
                            let shown =
                                d.map(|c| format!(": default {} → {}", show(c.old.as_ref()), show(c.new.as_ref())));
                            format!("parameter {name}{}", shown.unwrap_or_default())
                        }
                        None => format!("condition {name}"),
                    };
                    let _ = writeln!(out, "  {} {line}", p.change(Change::Modified, "~"));
                }
            }
            for c in &g.consequences {
                text_consequence(&mut out, &p, c);
            }
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
    out.push_str(&crate::security::text(&report.security));
    out.push_str(&crate::security::reach_text(&report.reachability));
    out.push_str(&super::security_render::resolved_text(&report.resolved_parameters));
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

fn resource_line(p: &Paint, r: &ResourceChange, indent: &str) -> String {
    let name = match &r.renamed_from {
        Some(from) => format!("{from} → {}", r.logical_id),
        None => r.logical_id.clone(),
    };
    let mut line = format!(
        "{indent}{} {} {}",
        p.change(r.change, symbol(r.change)),
        p.change(r.change, &name),
        p.dim(&r.resource_type)
    );
    if let Some(i) = r.impact {
        let label = if r.change == Change::Renamed { "replace (rename)" } else { i.label() };
        let _ = write!(line, "  {}", p.impact(i, label));
    }
    match (r.change, r.fate) {
        (Change::Removed, Some(f @ (Fate::Retained | Fate::Snapshot))) => {
            let _ = write!(line, "  {}", p.bold(f.label()));
        }
        (Change::Modified | Change::Renamed, Some(f @ (Fate::Retained | Fate::Snapshot))) => {
            let _ = write!(line, "  {}", p.bold(&format!("old one {}", f.label())));
        }
        _ => {}
    }
    if r.dangerous {
        let _ = write!(line, "  {}", p.danger("DANGEROUS"));
    }
    line
}

fn tags_text(r: &ResourceChange) -> String {
    if r.tag_changes.is_empty() {
        "tags reordered".to_owned()
    } else {
        format!("tags: {}", r.tag_changes.join(", "))
    }
}

fn text_resource(out: &mut String, p: &Paint, r: &ResourceChange) {
    let line = resource_line(p, r, "  ");
    if r.tags_only {
        let _ = writeln!(out, "{line}  {}", tags_text(r));
        return;
    }
    let _ = writeln!(out, "{line}");
    for n in &r.notes {
        let _ = writeln!(out, "      {} {n}", if r.dangerous { p.danger("!") } else { p.dim("·") });
    }
    for c in &r.changes {
        let values = match &c.cause {
            Some(cause) => format!("{} ({})", show(c.new.as_ref()), because(cause, false)),
            None => format!("{} → {}", show(c.old.as_ref()), show(c.new.as_ref())),
        };
        let why = if c.impact == Impact::Update && c.cause.is_none() && c.reason == "updated in place" {
            p.impact(c.impact, "update")
        } else {
            let reason = if c.cause.is_some() { knock_on_reason(c) } else { c.reason.as_str() };
            format!("{}: {}", p.impact(c.impact, c.impact.label()), p.dim(reason))
        };
        let _ = writeln!(out, "      {} {}: {values}  [{why}]", p.change(Change::Modified, "~"), c.path);
    }
}

/// A resource that changes only because of others: one line with its cause
/// and the paths affected (plus its notes when it is dangerous).
fn text_consequence(out: &mut String, p: &Paint, r: &ResourceChange) {
    let line = resource_line(p, r, "      ");
    let _ = writeln!(out, "{line}  {}: {}", p.dim(&causes(r, false)), consequence_paths(r, false));
    for n in r.notes.iter().filter(|_| r.dangerous) {
        let _ = writeln!(out, "          {} {n}", p.danger("!"));
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
        (Change::Removed, None) => match r.fate {
            Some(f @ (Fate::Retained | Fate::Snapshot)) => f.label().to_owned(),
            _ => "delete".to_owned(),
        },
        (_, None) => String::new(),
    };
    if let (Change::Modified | Change::Renamed, Some(f @ (Fate::Retained | Fate::Snapshot))) = (r.change, r.fate) {
        let _ = write!(s, " (old one {})", f.label());
    }
    if r.dangerous {
        s.push_str(" ⚠️ **dangerous**");
    }
    s
}

/// Renders the report as Markdown for a pull-request comment: what will
/// fail, a summary table of every changed resource in reading order (root
/// causes first, their consequences after them), then the details of each stack.
pub fn render_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## rcdk diff\n");
    let _ = writeln!(out, "Compared against `{}`.\n", cell(&report.against));
    if !report.has_changes {
        let _ = writeln!(out, "No differences.");
        return out;
    }
    if report.summary.will_fail > 0 {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> {} change(s) will fail: CloudFormation cannot carry them out as written.",
            report.summary.will_fail
        );
        for s in &report.stacks {
            for f in &s.diff.will_fail {
                let _ = writeln!(
                    out,
                    "> - `{}` `{}`: {} (help: {})",
                    cell(&s.stack),
                    cell(&f.logical_id),
                    cell(&f.message),
                    cell(&f.help)
                );
            }
        }
        out.push('\n');
    }
    for s in &report.stacks {
        for w in &s.diff.warnings {
            let _ = writeln!(out, "> [!WARNING]\n> `{}`: {}\n", cell(&s.stack), cell(w));
        }
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
        match s.status {
            StackStatus::Unchanged => {
                let _ = writeln!(out, "| {} | | | no differences | |", cell(&s.stack));
                continue;
            }
            StackStatus::Removed => {
                let _ = writeln!(out, "| {} | | | stack removed | |", cell(&s.stack));
                continue;
            }
            _ => {}
        }
        for g in s.diff.groups() {
            match g.root {
                GroupRoot::Resource(r) => md_row(&mut out, &s.stack, r, None),
                GroupRoot::Input(name) => {
                    let _ = writeln!(out, "| {} | `{}` | parameter | default changed | |", cell(&s.stack), cell(name));
                }
            }
            for c in &g.consequences {
                md_row(&mut out, &s.stack, c, Some(causes(c, true)));
            }
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
    let mut security = crate::security::markdown(&report.security);
    let reach = crate::security::reach_markdown(&report.reachability);
    if !security.is_empty() && !reach.is_empty() {
        security.push('\n');
    }
    security.push_str(&reach);
    let resolved = super::security_render::resolved_markdown(&report.resolved_parameters);
    if !security.is_empty() && !resolved.is_empty() {
        security.push('\n');
    }
    security.push_str(&resolved);
    if !security.is_empty() {
        out.push('\n');
        out.push_str(&security);
    }
    for s in report.stacks.iter().filter(|s| !matches!(s.status, StackStatus::Unchanged | StackStatus::Removed)) {
        let from = s.old_template.as_deref().unwrap_or("no template: new stack");
        let _ = writeln!(out, "\n### {}\n\nAgainst `{}` — {}.\n", cell(&s.stack), cell(from), summary_line(&s.summary));
        for g in s.diff.groups() {
            if let GroupRoot::Resource(r) = g.root {
                if r.tags_only {
                    let _ = writeln!(
                        out,
                        "- `{}` `{}` — {}\n",
                        cell(&r.logical_id),
                        cell(&r.resource_type),
                        cell(&tags_text(r))
                    );
                } else if !r.notes.is_empty() || !r.changes.is_empty() {
                    md_resource(&mut out, r);
                }
            }
            if g.consequences.is_empty() {
                continue;
            }
            let root = match g.root {
                GroupRoot::Resource(r) => format!("`{}`", cell(&r.logical_id)),
                GroupRoot::Input(name) => format!("parameter `{}`", cell(name)),
            };
            let _ = writeln!(out, "Changes that follow from {root}:\n");
            for c in &g.consequences {
                let _ = writeln!(
                    out,
                    "- `{}` `{}` — {}, {}: {}",
                    cell(&c.logical_id),
                    cell(&c.resource_type),
                    impact_md(c),
                    causes(c, true),
                    consequence_paths(c, true)
                );
                for n in c.notes.iter().filter(|_| c.dangerous) {
                    let _ = writeln!(out, "  - ⚠️ {n}");
                }
            }
            out.push('\n');
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

fn md_row(out: &mut String, stack: &str, r: &ResourceChange, cause: Option<String>) {
    let name = match &r.renamed_from {
        Some(from) => format!("`{}` → `{}`", cell(from), cell(&r.logical_id)),
        None => format!("`{}`", cell(&r.logical_id)),
    };
    let change = match (&cause, r.tags_only) {
        (Some(c), _) => format!("{} {}", change_word(r.change), c),
        (None, true) => format!("{} ({})", change_word(r.change), cell(&tags_text(r))),
        (None, false) if r.change == Change::Removed && r.fate == Some(Fate::Retained) => {
            "removed from the stack, retained (orphaned)".to_owned()
        }
        (None, false) => change_word(r.change).to_owned(),
    };
    let _ = writeln!(out, "| {} | {name} | `{}` | {change} | {} |", cell(stack), cell(&r.resource_type), impact_md(r));
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
                match &c.cause {
                    Some(cause) => format!("unchanged text, new value {}", because(cause, true)),
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
    if c.impact == Impact::Update && c.cause.is_none() && c.reason == "updated in place" {
        return label;
    }
    let reason = if c.cause.is_some() { knock_on_reason(c) } else { c.reason.as_str() };
    format!("{label}: {}", cell(reason))
}

/// Renders the report as pretty JSON (the shape documented in the README).
pub fn render_json(report: &Report) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}
