//! The security view of a diff and the reachability delta, in words: the
//! text and Markdown of `rcdk diff` and the approval gate of `rcdk deploy`.

use std::fmt::Write as _;

use rcdk_constructs::analysis::reach::{AccessChange, Appears};
use rcdk_constructs::diff::security::{
    Classification, ManagedPolicyChange, RuleChange, SecurityView, Side, SsoChange, SsoKind, StatementChange, Targets,
};

fn sign(s: Side) -> &'static str {
    match s {
        Side::Added => "+",
        Side::Removed => "-",
    }
}

fn class(c: Classification) -> &'static str {
    match c {
        Classification::Broadening => "broadening",
        Classification::Narrowing => "narrowing",
        Classification::Neutral => "neutral",
    }
}

fn targets(t: &Targets) -> String {
    let list = t.values.join(", ");
    if t.not {
        format!("everything but {list}")
    } else {
        list
    }
}

/// "Allow s3:GetObject on ${Bucket.Arn} for AWS:${Role}", with its condition.
pub fn statement(s: &StatementChange) -> String {
    if let Some(text) = &s.unparsed {
        return format!("a statement an intrinsic function decides (cannot tell what it grants): {text}");
    }
    let mut out =
        format!("{} {} on {} for {}", s.effect, targets(&s.actions), targets(&s.resources), targets(&s.principals));
    if let Some(c) = &s.condition {
        let _ = write!(out, " when {}", serde_json::to_string(c).unwrap_or_default());
    }
    out
}

/// "ingress to ${Sg.GroupId}: tcp/22 from 0.0.0.0/0 (anyone, IPv4)".
pub fn rule(r: &RuleChange) -> String {
    let (dir, word) = match r.direction {
        rcdk_constructs::diff::security::Direction::Ingress => ("ingress to", "from"),
        rcdk_constructs::diff::security::Direction::Egress => ("egress from", "to"),
    };
    format!("{dir} {}: {} {word} {}", r.group, r.describe_ports(), r.describe_peer())
}

/// "IAM Identity Center assignment: {...properties}".
fn sso(x: &SsoChange) -> String {
    let what = match x.kind {
        SsoKind::PermissionSet => "IAM Identity Center permission set",
        SsoKind::Assignment => "IAM Identity Center assignment",
        SsoKind::InstanceAcaConfig => "IAM Identity Center access-control attribute configuration",
    };
    format!("{what}: {}", serde_json::to_string(&x.properties).unwrap_or_default())
}

fn policy(p: &ManagedPolicyChange) -> String {
    format!("managed policy {} on {}", p.managed_policy_arn, p.resource)
}

/// One line per item: (sign, classification, stack, holder, words).
fn items(v: &SecurityView) -> Vec<(Side, Classification, &str, &str, String)> {
    let mut out = Vec::new();
    for s in &v.statements {
        out.push((s.change, s.classification, s.stack.as_str(), s.resource.as_str(), statement(s)));
    }
    for p in &v.managed_policies {
        out.push((p.change, p.classification, p.stack.as_str(), p.resource.as_str(), policy(p)));
    }
    for r in &v.rules {
        out.push((r.change, r.classification, r.stack.as_str(), r.resource.as_str(), rule(r)));
    }
    for x in &v.sso {
        out.push((x.change, x.classification, x.stack.as_str(), x.resource.as_str(), sso(x)));
    }
    out.sort_by(|a, b| (a.1, a.2, a.3, a.0).cmp(&(b.1, b.2, b.3, b.0)));
    out
}

/// The security section of the text rendering (empty when nothing changed).
pub fn text(v: &SecurityView) -> String {
    let mut out = String::new();
    if v.is_empty() {
        return out;
    }
    let _ = writeln!(out, "Security: {}", v.counts_text());
    for (side, c, stack, holder, words) in items(v) {
        let at = if stack.is_empty() { holder.to_owned() } else { format!("{stack}/{holder}") };
        let _ = writeln!(out, "  {} [{}] {at}: {words}", sign(side), class(c));
    }
    out.push('\n');
    out
}

/// A Markdown table cell: pipes escaped, backticks and newlines replaced.
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('`', "'").replace('\n', " ")
}

/// The security section of the Markdown rendering (empty when nothing changed).
pub fn markdown(v: &SecurityView) -> String {
    let mut out = String::new();
    if v.is_empty() {
        return out;
    }
    let _ = writeln!(out, "### Security\n");
    if v.permissions_broadened {
        let _ = writeln!(
            out,
            "> [!WARNING]\n> This change broadens permissions or network access: review the broadening lines below.\n"
        );
    }
    let _ = writeln!(out, "{}.\n", v.counts_text());
    let _ = writeln!(out, "| | Classification | Stack | Resource | Change |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for (side, c, stack, holder, words) in items(v) {
        let c = match c {
            Classification::Broadening => "**broadening**",
            other => class(other),
        };
        let _ = writeln!(out, "| {} | {c} | {} | `{}` | {} |", sign(side), cell(stack), cell(holder), cell(&words));
    }
    out
}

/// The reachability section of the text rendering (empty when no path or permission changes).
pub fn reach_text(changes: &[AccessChange]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        return out;
    }
    let _ = writeln!(out, "Reachability (paths and permissions, from the analysis of both sides):");
    for c in changes {
        let sign = if c.change == Appears::Appears { "+" } else { "-" };
        let _ = writeln!(out, "  {sign} [{}] {}: {}", c.classification, c.stack, c.text);
    }
    out.push('\n');
    out
}

/// The reachability section of the Markdown rendering (empty when no path or permission changes).
pub fn reach_markdown(changes: &[AccessChange]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        return out;
    }
    let _ = writeln!(out, "### Reachability\n");
    let _ = writeln!(
        out,
        "Paths and effective permissions that appear or disappear (the whole-app analysis, run on both sides):\n"
    );
    for c in changes {
        let class = if c.change == Appears::Appears { "**broadening**" } else { c.classification };
        let _ = writeln!(out, "- {class} (`{}`): {}", cell(&c.stack), c.text.replace('|', "\\|"));
    }
    out
}
