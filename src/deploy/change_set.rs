//! Change sets: create, wait for, read, render and delete them. Every call
//! after creation addresses the change set by its ARN.

use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, ChangeSetType, ExecutionStatus, Parameter, Replacement, Tag,
};
use aws_sdk_cloudformation::Client;

use crate::aws;
use crate::cli::ChangeSetFormat;
use crate::failure::Failure;

/// How long to wait for CloudFormation to compute a change set.
pub const CHANGE_SET_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Where CloudFormation reads the template from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// `TemplateBody`, for bodies up to 51,200 bytes.
    Body(String),
    /// `TemplateURL` of an uploaded object.
    Url(String),
}

/// What to create.
#[derive(Debug, Clone)]
pub struct ChangeSetRequest {
    /// The stack name.
    pub stack: String,
    /// The change set name.
    pub name: String,
    /// CREATE for a new stack (or a `REVIEW_IN_PROGRESS` leftover), UPDATE otherwise.
    pub change_set_type: ChangeSetType,
    /// The template.
    pub template: TemplateSource,
    /// Parameter values.
    pub parameters: Vec<(String, String)>,
    /// Capabilities (`CAPABILITY_IAM`, ...).
    pub capabilities: Vec<&'static str>,
    /// Stack tags.
    pub tags: Vec<(String, String)>,
}

/// A created change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetId {
    /// The change set's ARN.
    pub arn: String,
    /// The stack's ID (ARN).
    pub stack_id: String,
    /// The change set's name.
    pub name: String,
}

/// A computed change set.
#[derive(Debug, Clone)]
pub struct ChangeSetSummary {
    /// Its identity.
    pub id: ChangeSetId,
    /// The stack name.
    pub stack: String,
    /// CREATE or UPDATE, when known.
    pub change_set_type: Option<String>,
    /// The status (CREATE_COMPLETE, FAILED, ...).
    pub status: Option<ChangeSetStatus>,
    /// Why it failed, when it did.
    pub status_reason: Option<String>,
    /// AVAILABLE when it can be executed.
    pub execution_status: Option<ExecutionStatus>,
    /// The resource changes, in CloudFormation's order.
    pub changes: Vec<ResourceChangeRow>,
}

/// One resource change, flattened for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChangeRow {
    /// Add, Modify, Remove, Import, Dynamic.
    pub action: String,
    /// The logical ID.
    pub logical_id: String,
    /// The resource type.
    pub resource_type: String,
    /// `True` or `Conditional` when the change replaces the resource.
    pub replacement: Option<String>,
}

/// What CloudFormation (and moto) say when a change set has nothing to do.
pub fn is_no_changes_reason(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

/// Creates a change set. `Ok(None)` when CloudFormation refuses it because
/// nothing changed (moto answers this way when parameters are passed).
pub async fn create(
    config: &SdkConfig,
    client: &Client,
    request: &ChangeSetRequest,
) -> Result<Option<ChangeSetId>, Failure> {
    let mut call = client
        .create_change_set()
        .stack_name(&request.stack)
        .change_set_name(&request.name)
        .change_set_type(request.change_set_type.clone())
        .description("created by rcdk deploy");
    call = match &request.template {
        TemplateSource::Body(body) => call.template_body(body),
        TemplateSource::Url(url) => call.template_url(url),
    };
    for (key, value) in &request.parameters {
        call = call.parameters(Parameter::builder().parameter_key(key).parameter_value(value).build());
    }
    for cap in &request.capabilities {
        call = call.capabilities((*cap).into());
    }
    for (key, value) in &request.tags {
        call = call.tags(Tag::builder().key(key).value(value).build());
    }
    match call.send().await {
        Ok(out) => match (out.id, out.stack_id) {
            (Some(arn), Some(stack_id)) => Ok(Some(ChangeSetId { arn, stack_id, name: request.name.clone() })),
            _ => Err(Failure::no(format!(
                "creating change set for stack `{}`: the response has no change set or stack ID",
                request.stack
            ))),
        },
        Err(e) if e.as_service_error().and_then(|s| s.meta().message()).is_some_and(is_no_changes_reason) => Ok(None),
        Err(e) => Err(aws::sdk_failure(config, &format!("creating change set for stack `{}`", request.stack), &e)),
    }
}

/// Reads a change set (every page of changes). `name_or_arn` may be a name
/// when `stack` is given.
pub async fn describe(
    config: &SdkConfig,
    client: &Client,
    stack: &str,
    name_or_arn: &str,
) -> Result<ChangeSetSummary, Failure> {
    let mut changes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .describe_change_set()
            .change_set_name(name_or_arn)
            .stack_name(stack)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| aws::sdk_failure(config, &format!("reading change set `{name_or_arn}` of `{stack}`"), &e))?;
        changes.extend(out.changes().iter().filter_map(row));
        token = out.next_token.clone().filter(|t| !t.is_empty());
        if token.is_none() {
            return Ok(ChangeSetSummary {
                id: ChangeSetId {
                    arn: out.change_set_id.unwrap_or_else(|| name_or_arn.to_owned()),
                    stack_id: out.stack_id.unwrap_or_else(|| stack.to_owned()),
                    name: out.change_set_name.unwrap_or_else(|| name_or_arn.to_owned()),
                },
                stack: stack.to_owned(),
                change_set_type: None,
                status: out.status,
                status_reason: out.status_reason,
                execution_status: out.execution_status,
                changes,
            });
        }
    }
}

fn row(change: &Change) -> Option<ResourceChangeRow> {
    let rc = change.resource_change()?;
    Some(ResourceChangeRow {
        action: rc.action().map(ChangeAction::as_str).unwrap_or("?").to_owned(),
        logical_id: rc.logical_resource_id().unwrap_or("?").to_owned(),
        resource_type: rc.resource_type().unwrap_or("?").to_owned(),
        replacement: rc.replacement().filter(|r| **r != Replacement::False).map(|r| r.as_str().to_owned()),
    })
}

/// Waits until CloudFormation has computed the change set (CREATE_COMPLETE
/// or FAILED), polling with backoff from 1 to 5 seconds.
pub async fn wait(
    config: &SdkConfig,
    client: &Client,
    stack: &str,
    id: &ChangeSetId,
) -> Result<ChangeSetSummary, Failure> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        let summary = describe(config, client, stack, &id.arn).await?;
        match summary.status {
            Some(ChangeSetStatus::CreateComplete) | Some(ChangeSetStatus::Failed) => return Ok(summary),
            _ if start.elapsed() > CHANGE_SET_TIMEOUT => {
                return Err(Failure::no(format!(
                    "change set `{}` of stack `{stack}` is still being computed after {} minutes",
                    id.name,
                    CHANGE_SET_TIMEOUT.as_secs() / 60
                ))
                .help(format!("aws cloudformation describe-change-set --change-set-name {}", id.arn)))
            }
            _ => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Deletes a change set (by ARN).
pub async fn delete(config: &SdkConfig, client: &Client, stack: &str, arn: &str) -> Result<(), Failure> {
    client
        .delete_change_set()
        .change_set_name(arn)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| aws::sdk_failure(config, &format!("deleting the empty change set of `{stack}`"), &e))
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
            status: None,
            status_reason: None,
            execution_status: None,
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
