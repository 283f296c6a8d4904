//! Change sets: wait for CloudFormation to compute one, and render it for
//! the terminal or a pull request. The calls themselves are in
//! [`crate::aws`]; every call after creation addresses a change set by its ARN.

use std::time::{Duration, Instant};

use crate::aws::Aws;
pub use crate::aws::{
    is_no_changes_reason, ChangeSetId, ChangeSetRequest, ChangeSetSummary, ResourceChangeRow, TemplateSource,
};
use crate::cli::ChangeSetFormat;
use crate::failure::Failure;

/// How long to wait for CloudFormation to compute a change set.
pub const CHANGE_SET_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Whether a change set status means CloudFormation is still computing it.
pub fn is_computing(status: &str) -> bool {
    matches!(status, "CREATE_PENDING" | "CREATE_IN_PROGRESS")
}

/// Waits until CloudFormation has computed the change set (CREATE_COMPLETE
/// or FAILED), polling with backoff from 0.5 to 5 seconds.
pub async fn wait(aws: &Aws, stack: &str, id: &ChangeSetId) -> Result<ChangeSetSummary, Failure> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        let summary = aws.describe_change_set(stack, &id.arn).await?;
        if !is_computing(&summary.status) {
            return Ok(summary);
        }
        if start.elapsed() > CHANGE_SET_TIMEOUT {
            return Err(Failure::no(format!(
                "change set `{}` of stack `{stack}` is still being computed after {} minutes",
                id.name,
                CHANGE_SET_TIMEOUT.as_secs() / 60
            ))
            .help(format!("aws cloudformation describe-change-set --change-set-name {}", id.arn)));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// Renders a change set for the terminal or a pull request.
pub fn render(summary: &ChangeSetSummary, format: ChangeSetFormat) -> String {
    match format {
        ChangeSetFormat::Text => render_text(summary),
        ChangeSetFormat::Markdown => render_markdown(summary),
    }
}

fn note(row: &ResourceChangeRow) -> &'static str {
    match (row.action.as_str(), row.replacement.as_deref()) {
        ("Remove", _) => "REMOVED",
        (_, Some("True")) => "REPLACED",
        (_, Some("Conditional")) => "MAY BE REPLACED (Conditional)",
        _ => "",
    }
}

fn counts(summary: &ChangeSetSummary) -> String {
    let n = |f: &dyn Fn(&ResourceChangeRow) -> bool| summary.changes.iter().filter(|r| f(r)).count();
    let add = n(&|r| r.action == "Add");
    let modify = n(&|r| r.action == "Modify");
    let remove = n(&|r| r.action == "Remove");
    let replace = n(&|r| r.action != "Remove" && r.replacement.as_deref() == Some("True"));
    let conditional = n(&|r| r.action != "Remove" && r.replacement.as_deref() == Some("Conditional"));
    let mut parts = vec![format!("{add} to add"), format!("{modify} to modify"), format!("{remove} to remove")];
    if replace > 0 {
        parts.push(format!("{replace} replaced"));
    }
    if conditional > 0 {
        parts.push(format!("{conditional} may be replaced"));
    }
    parts.join(", ")
}

fn render_text(summary: &ChangeSetSummary) -> String {
    let mut out = format!("Change set {} for stack {}: {}\n", summary.id.name, summary.stack, counts(summary));
    let w_action = summary.changes.iter().map(|r| r.action.len()).max().unwrap_or(0);
    let w_id = summary.changes.iter().map(|r| r.logical_id.len()).max().unwrap_or(0);
    let w_type = summary.changes.iter().map(|r| r.resource_type.len()).max().unwrap_or(0);
    for r in &summary.changes {
        let sign = match r.action.as_str() {
            "Add" => '+',
            "Remove" => '-',
            "Modify" if r.replacement.as_deref() == Some("True") => '!',
            _ => '~',
        };
        let line = format!(
            "  {sign} {:w_action$}  {:w_id$}  {:w_type$}  {}",
            r.action,
            r.logical_id,
            r.resource_type,
            note(r)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn render_markdown(summary: &ChangeSetSummary) -> String {
    let mut out =
        format!("### Change set `{}` for stack `{}`\n\n{}\n\n", summary.id.name, summary.stack, counts(summary));
    if summary.changes.is_empty() {
        return out;
    }
    out.push_str("| Action | Logical ID | Type | Replacement |\n|---|---|---|---|\n");
    for r in &summary.changes {
        let n = note(r);
        let n = if n.is_empty() { String::new() } else { format!("**{n}**") };
        out.push_str(&format!("| {} | `{}` | `{}` | {n} |\n", r.action, r.logical_id, r.resource_type));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(rows: Vec<ResourceChangeRow>) -> ChangeSetSummary {
        ChangeSetSummary {
            id: ChangeSetId { arn: "arn".into(), stack_id: "sid".into(), name: "rcdk-1-1".into() },
            stack: "web".into(),
            change_set_type: None,
            status: String::new(),
            status_reason: None,
            execution_status: String::new(),
            changes: rows,
        }
    }

    fn r(action: &str, id: &str, ty: &str, replacement: Option<&str>) -> ResourceChangeRow {
        ResourceChangeRow {
            action: action.into(),
            logical_id: id.into(),
            resource_type: ty.into(),
            replacement: replacement.map(Into::into),
        }
    }

    #[test]
    fn replacements_and_removals_are_called_out() {
        let s = summary(vec![
            r("Add", "Queue", "AWS::SQS::Queue", None),
            r("Modify", "Vpc", "AWS::EC2::VPC", Some("True")),
            r("Modify", "Sg", "AWS::EC2::SecurityGroup", Some("Conditional")),
            r("Remove", "Old", "AWS::Logs::LogGroup", None),
        ]);
        assert_eq!(
            render(&s, ChangeSetFormat::Text),
            "Change set rcdk-1-1 for stack web: 1 to add, 2 to modify, 1 to remove, 1 replaced, 1 may be replaced\n\
             \x20 + Add     Queue  AWS::SQS::Queue\n\
             \x20 ! Modify  Vpc    AWS::EC2::VPC            REPLACED\n\
             \x20 ~ Modify  Sg     AWS::EC2::SecurityGroup  MAY BE REPLACED (Conditional)\n\
             \x20 - Remove  Old    AWS::Logs::LogGroup      REMOVED\n"
        );
        let md = render(&s, ChangeSetFormat::Markdown);
        assert!(md.contains("| Modify | `Vpc` | `AWS::EC2::VPC` | **REPLACED** |"), "{md}");
        assert!(md.contains("| Remove | `Old` | `AWS::Logs::LogGroup` | **REMOVED** |"), "{md}");
    }

    #[test]
    fn both_no_change_wordings_are_recognised() {
        assert!(is_no_changes_reason(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        ));
        assert!(is_no_changes_reason("No updates are to be performed."));
        assert!(!is_no_changes_reason("Template format error"));
    }
}
