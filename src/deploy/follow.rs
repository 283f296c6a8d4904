//! Following a stack operation to its end: poll DescribeStacks and
//! DescribeStackEvents with backoff, show progress (a bar on a terminal,
//! plain lines otherwise), and collect the events that explain a failure.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_cloudformation::types::{ExecutionStatus, StackEvent, StackStatus};
use aws_sdk_cloudformation::Client;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::aws;
use crate::failure::Failure;

/// How a stack operation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The final stack status, e.g. `UPDATE_COMPLETE`.
    pub status: String,
    /// Whether that status means success.
    pub ok: bool,
    /// `LogicalId (PhysicalId): reason` of each failed resource event.
    pub failures: Vec<String>,
    /// `Key = Value` of each stack output.
    pub outputs: Vec<(String, String)>,
}

/// What kind of status a stack is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// An operation is running.
    InProgress,
    /// The last operation succeeded.
    Succeeded,
    /// The last operation failed or rolled back.
    Failed,
}

/// Classifies a stack status string.
pub fn status_kind(status: &str) -> StatusKind {
    if status.ends_with("_IN_PROGRESS") {
        StatusKind::InProgress
    } else if status.contains("ROLLBACK") || status.ends_with("_FAILED") {
        StatusKind::Failed
    } else {
        StatusKind::Succeeded
    }
}

/// The events of a stack, newest first, down to (not including) `since`.
/// Only the first pages are read: enough for one operation.
pub async fn events_since(
    config: &SdkConfig,
    client: &Client,
    stack_id: &str,
    since: Option<&str>,
) -> Result<Vec<StackEvent>, Failure> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..10 {
        let page = client
            .describe_stack_events()
            .stack_name(stack_id)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| aws::sdk_failure(config, "reading stack events", &e))?;
        for event in page.stack_events() {
            if since.is_some() && event.event_id() == since {
                return Ok(out);
            }
            out.push(event.clone());
        }
        token = page.next_token.filter(|t| !t.is_empty());
        if token.is_none() || since.is_none() {
            break;
        }
    }
    Ok(out)
}

/// The newest event's ID: the mark to read new events from.
pub async fn latest_event_id(config: &SdkConfig, client: &Client, stack_id: &str) -> Result<Option<String>, Failure> {
    let page = client
        .describe_stack_events()
        .stack_name(stack_id)
        .send()
        .await
        .map_err(|e| aws::sdk_failure(config, "reading stack events", &e))?;
    Ok(page.stack_events().first().and_then(|e| e.event_id().map(str::to_owned)))
}

/// One event as a line: `LogicalId (Type) STATUS: reason`.
fn event_line(e: &StackEvent) -> String {
    let mut line = format!(
        "{} ({}) {}",
        e.logical_resource_id().unwrap_or("?"),
        e.resource_type().unwrap_or("?"),
        e.resource_status().map(|s| s.as_str()).unwrap_or("?")
    );
    if let Some(reason) = e.resource_status_reason().filter(|r| !r.is_empty()) {
        line.push_str(": ");
        line.push_str(reason);
    }
    line
}

/// `LogicalId (PhysicalId): reason` for each failed event, oldest first.
pub fn failure_lines(events: &[StackEvent]) -> Vec<String> {
    events
        .iter()
        .rev()
        .filter(|e| e.resource_status().is_some_and(|s| s.as_str().ends_with("_FAILED")))
        .map(|e| {
            format!(
                "{} ({}): {}",
                e.logical_resource_id().unwrap_or("?"),
                e.physical_resource_id().filter(|p| !p.is_empty()).unwrap_or("no physical ID"),
                e.resource_status_reason().unwrap_or("no reason given")
            )
        })
        .collect()
}

/// Options for [`follow`].
pub struct Follow<'a> {
    /// The stack name, for messages.
    pub stack: &'a str,
    /// The stack ID to poll.
    pub stack_id: &'a str,
    /// Events up to and including this one are from earlier operations.
    pub since: Option<String>,
    /// How many resources the template has (the progress bar's length).
    pub total: u64,
    /// Give up after this long.
    pub timeout: Duration,
    /// The terminal's progress bars; `None` prints plain lines.
    pub progress: Option<&'a MultiProgress>,
    /// Whether the operation is a deletion (a stack that disappears has settled).
    pub deleting: bool,
    /// The executed change set's ARN, to tell a stale status from the final one.
    pub change_set_arn: Option<&'a str>,
}

/// Polls the stack until it reaches a terminal status (or disappears, when
/// deleting), printing progress on stderr.
pub async fn follow(config: &SdkConfig, client: &Client, f: Follow<'_>) -> Result<Settled, Failure> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(500);
    let mut seen: HashSet<String> = HashSet::new();
    let mut all_events: Vec<StackEvent> = Vec::new();
    let mut done: BTreeMap<String, bool> = BTreeMap::new();
    let mut seen_in_progress = false;
    let bar = f.progress.map(|m| {
        let bar = m.add(ProgressBar::new(f.total.max(1)));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {prefix:.bold} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_prefix(f.stack.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let result = loop {
        let stack = match client.describe_stacks().stack_name(f.stack_id).send().await {
            Ok(out) => out.stacks.and_then(|s| s.into_iter().next()),
            Err(e) if aws::is_stack_missing(&e) => None,
            Err(e) => break Err(aws::sdk_failure(config, &format!("reading stack `{}`", f.stack), &e)),
        };
        let events = events_since(config, client, f.stack_id, f.since.as_deref()).await?;
        for e in events.iter().rev() {
            let Some(id) = e.event_id() else { continue };
            if !seen.insert(id.to_owned()) {
                continue;
            }
            all_events.insert(0, e.clone());
            let logical = e.logical_resource_id().unwrap_or_default().to_owned();
            let is_stack = e.physical_resource_id() == Some(f.stack_id) || logical == f.stack;
            if !is_stack {
                let status = e.resource_status().map(|s| s.as_str()).unwrap_or_default();
                done.insert(logical, status.ends_with("_COMPLETE") || status.ends_with("_SKIPPED"));
            }
            match &bar {
                Some(bar) => bar.set_message(event_line(e)),
                None => eprintln!("{}: {}", f.stack, event_line(e)),
            }
        }
        if let Some(bar) = &bar {
            bar.set_position(done.values().filter(|d| **d).count() as u64);
        }
        let Some(stack) = stack else {
            if f.deleting {
                break Ok(Settled {
                    status: StackStatus::DeleteComplete.as_str().to_owned(),
                    ok: true,
                    failures: Vec::new(),
                    outputs: Vec::new(),
                });
            }
            break Err(Failure::no(format!("stack `{}` disappeared while it was being deployed", f.stack)));
        };
        let status = stack.stack_status().map(|s| s.as_str().to_owned()).unwrap_or_default();
        let kind = status_kind(&status);
        let mut finished = if f.deleting {
            status == "DELETE_COMPLETE" || status == "DELETE_FAILED"
        } else {
            kind != StatusKind::InProgress && status != "REVIEW_IN_PROGRESS"
        };
        seen_in_progress |= kind == StatusKind::InProgress;
        if finished && !seen_in_progress {
            // Right after ExecuteChangeSet the stack may still show the status
            // of its previous operation: trust it once the change set says
            // its execution is over.
            if let Some(arn) = f.change_set_arn {
                finished = execution_over(config, client, arn).await?;
            }
        }
        if finished {
            let outputs = stack
                .outputs()
                .iter()
                .map(|o| (o.output_key().unwrap_or("?").to_owned(), o.output_value().unwrap_or_default().to_owned()))
                .collect();
            let ok = if f.deleting { status == "DELETE_COMPLETE" } else { kind == StatusKind::Succeeded };
            let mut failures = failure_lines(&all_events);
            if !ok && failures.is_empty() {
                failures.push(format!(
                    "{} ({}): {}",
                    f.stack,
                    f.stack_id,
                    stack.stack_status_reason().unwrap_or("no reason given")
                ));
            }
            break Ok(Settled { status, ok, failures, outputs });
        }
        if start.elapsed() > f.timeout {
            break Err(Failure::no(format!(
                "gave up waiting for stack `{}` after {} minutes (status {status}); CloudFormation carries on",
                f.stack,
                f.timeout.as_secs() / 60
            ))
            .help(follow_help(f.stack)));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

async fn execution_over(config: &SdkConfig, client: &Client, arn: &str) -> Result<bool, Failure> {
    let out = client
        .describe_change_set()
        .change_set_name(arn)
        .send()
        .await
        .map_err(|e| aws::sdk_failure(config, "reading the change set's execution status", &e))?;
    Ok(!matches!(out.execution_status, Some(ExecutionStatus::Available) | Some(ExecutionStatus::ExecuteInProgress)))
}

/// How to follow a stack outside rcdk.
pub fn follow_help(stack: &str) -> String {
    format!(
        "follow it with `aws cloudformation describe-stacks --stack-name {stack}` \
         (and `describe-stack-events`), or run rcdk again once it settles"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudformation::types::ResourceStatus;

    #[test]
    fn statuses_are_classified() {
        assert_eq!(status_kind("CREATE_COMPLETE"), StatusKind::Succeeded);
        assert_eq!(status_kind("UPDATE_COMPLETE"), StatusKind::Succeeded);
        assert_eq!(status_kind("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"), StatusKind::InProgress);
        assert_eq!(status_kind("ROLLBACK_COMPLETE"), StatusKind::Failed);
        assert_eq!(status_kind("UPDATE_ROLLBACK_COMPLETE"), StatusKind::Failed);
        assert_eq!(status_kind("CREATE_FAILED"), StatusKind::Failed);
        assert_eq!(status_kind("DELETE_FAILED"), StatusKind::Failed);
    }

    #[test]
    fn failed_events_explain_the_failure_oldest_first() {
        let ev = |id: &str, phys: &str, status: ResourceStatus, reason: &str| {
            StackEvent::builder()
                .logical_resource_id(id)
                .physical_resource_id(phys)
                .resource_status(status)
                .resource_status_reason(reason)
                .build()
        };
        let newest_first = vec![
            ev("Web", "", ResourceStatus::DeleteComplete, ""),
            ev("Alb", "arn:alb", ResourceStatus::CreateFailed, "Resource creation cancelled"),
            ev("Web", "", ResourceStatus::CreateFailed, "Subnet not found"),
        ];
        assert_eq!(
            failure_lines(&newest_first),
            vec!["Web (no physical ID): Subnet not found", "Alb (arn:alb): Resource creation cancelled"]
        );
    }
}
