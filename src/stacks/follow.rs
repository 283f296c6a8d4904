//! Following a stack operation to its end: poll DescribeStacks and
//! DescribeStackEvents with backoff, show progress (a bar on a terminal,
//! plain lines otherwise), and collect the events that explain a failure.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::aws::{Aws, StackEvent};
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

/// One event as a line: `LogicalId (Type) STATUS: reason`.
fn event_line(e: &StackEvent) -> String {
    let mut line = format!("{} ({}) {}", e.logical_id, e.resource_type, e.status);
    if let Some(reason) = &e.reason {
        line.push_str(": ");
        line.push_str(reason);
    }
    line
}

/// The DNS record an ACM certificate waits for, from its stack event: a
/// certificate whose domain is not in a Route 53 zone of the account keeps
/// the stack in `CREATE_IN_PROGRESS`, and CloudFormation's event reason
/// reads `Content of DNS Record is: {Name: _x1.example.com.,Type:
/// CNAME,Value: _x2.acm-validations.aws.}`
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-certificatemanager-certificate.html>).
/// Returns `(name, type, value)`.
pub fn validation_record(e: &StackEvent) -> Option<(String, String, String)> {
    if e.resource_type != "AWS::CertificateManager::Certificate" {
        return None;
    }
    let reason = e.reason.as_deref()?;
    let body = reason.split_once("Content of DNS Record is:")?.1.trim();
    let body = body.strip_prefix('{')?.split('}').next()?;
    let (mut name, mut kind, mut value) = (None, None, None);
    for part in body.split(',') {
        let Some((key, v)) = part.split_once(':') else { continue };
        let v = v.trim().to_owned();
        match key.trim() {
            "Name" => name = Some(v),
            "Type" => kind = Some(v),
            "Value" => value = Some(v),
            _ => {}
        }
    }
    Some((name?, kind?, value?))
}

/// What to tell the user about an event that waits for them, as lines:
/// the record an ACM certificate waits for (see [`validation_record`]).
fn notice(stack: &str, e: &StackEvent) -> Option<String> {
    let (name, kind, value) = validation_record(e)?;
    Some(format!(
        "{stack}: certificate {} waits for DNS validation: create this record in the domain's DNS (and keep it: ACM \
         renews the certificate through it)\n  {name} {kind} {value}",
        e.logical_id
    ))
}

/// `LogicalId (PhysicalId): reason` for each failed event, oldest first.
pub fn failure_lines(events: &[StackEvent]) -> Vec<String> {
    events
        .iter()
        .rev()
        .filter(|e| e.status.ends_with("_FAILED"))
        .map(|e| {
            format!(
                "{} ({}): {}",
                e.logical_id,
                e.physical_id.as_deref().unwrap_or("no physical ID"),
                e.reason.as_deref().unwrap_or("no reason given")
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
pub async fn follow(aws: &Aws, f: Follow<'_>) -> Result<Settled, Failure> {
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
        let stack = match aws.describe_stack(f.stack_id).await {
            Ok(stack) => stack,
            Err(e) => break Err(e),
        };
        let events = match aws.stack_events(f.stack_id, f.since.as_deref()).await {
            Ok(events) => events,
            Err(e) => break Err(e),
        };
        for e in events.iter().rev() {
            if e.id.is_empty() || !seen.insert(e.id.clone()) {
                continue;
            }
            all_events.insert(0, e.clone());
            let is_stack = e.physical_id.as_deref() == Some(f.stack_id) || e.logical_id == f.stack;
            if !is_stack {
                done.insert(e.logical_id.clone(), e.status.ends_with("_COMPLETE") || e.status.ends_with("_SKIPPED"));
            }
            match &bar {
                Some(bar) => bar.set_message(event_line(e)),
                None => eprintln!("{}: {}", f.stack, event_line(e)),
            }
            if let Some(notice) = notice(f.stack, e) {
                match &bar {
                    Some(bar) => bar.println(notice),
                    None => eprintln!("{notice}"),
                }
            }
        }
        if let Some(bar) = &bar {
            bar.set_position(done.values().filter(|d| **d).count() as u64);
        }
        let Some(stack) = stack else {
            if f.deleting {
                break Ok(Settled {
                    status: "DELETE_COMPLETE".to_owned(),
                    ok: true,
                    failures: Vec::new(),
                    outputs: Vec::new(),
                });
            }
            break Err(Failure::no(format!("stack `{}` disappeared while it was being deployed", f.stack)));
        };
        let status = stack.status.clone();
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
                finished = match aws.describe_change_set(f.stack, arn).await {
                    Ok(cs) => !matches!(cs.execution_status.as_str(), "AVAILABLE" | "EXECUTE_IN_PROGRESS"),
                    Err(e) => break Err(e),
                };
            }
        }
        if finished {
            let outputs = stack.outputs.clone();
            let ok = if f.deleting { status == "DELETE_COMPLETE" } else { kind == StatusKind::Succeeded };
            let mut failures = failure_lines(&all_events);
            if !ok && failures.is_empty() {
                failures.push(format!(
                    "{} ({}): {}",
                    f.stack,
                    f.stack_id,
                    stack.status_reason.as_deref().unwrap_or("no reason given")
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
    fn a_certificate_waiting_for_its_record_names_it() {
        // The reason as CloudFormation writes it for a DNS-validated
        // certificate whose domain is not in the account's Route 53 (shape
        // from the AWS::CertificateManager::Certificate reference and
        // deploys seen in the wild; the tokens are made up).
        let event = |ty: &str, reason: &str| StackEvent {
            id: "1".into(),
            logical_id: "LoadBalancerCertificate".into(),
            physical_id: None,
            resource_type: ty.into(),
            status: "CREATE_IN_PROGRESS".into(),
            reason: Some(reason.into()),
        };
        let reason = "Content of DNS Record is: {Name: _3b1a9f.api.whatstheweatherlike.io.,Type: CNAME,Value: \
                      _7c2e44.xlfgrmvvlj.acm-validations.aws.}";
        let e = event("AWS::CertificateManager::Certificate", reason);
        assert_eq!(
            validation_record(&e),
            Some((
                "_3b1a9f.api.whatstheweatherlike.io.".to_owned(),
                "CNAME".to_owned(),
                "_7c2e44.xlfgrmvvlj.acm-validations.aws.".to_owned()
            ))
        );
        let text = notice("weather", &e).expect("a notice");
        assert!(
            text.contains("_3b1a9f.api.whatstheweatherlike.io. CNAME _7c2e44.xlfgrmvvlj.acm-validations.aws."),
            "{text}"
        );
        assert_eq!(
            validation_record(&event("AWS::CertificateManager::Certificate", "Resource creation Initiated")),
            None
        );
        assert_eq!(validation_record(&event("AWS::ECS::Service", reason)), None, "only certificates");
    }

    #[test]
    fn failed_events_explain_the_failure_oldest_first() {
        let ev = |id: &str, phys: &str, status: &str, reason: &str| StackEvent {
            logical_id: id.into(),
            physical_id: (!phys.is_empty()).then(|| phys.to_owned()),
            status: status.into(),
            reason: (!reason.is_empty()).then(|| reason.to_owned()),
            ..StackEvent::default()
        };
        let newest_first = vec![
            ev("Web", "", "DELETE_COMPLETE", ""),
            ev("Alb", "arn:alb", "CREATE_FAILED", "Resource creation cancelled"),
            ev("Web", "", "CREATE_FAILED", "Subnet not found"),
        ];
        assert_eq!(
            failure_lines(&newest_first),
            vec!["Web (no physical ID): Subnet not found", "Alb (arn:alb): Resource creation cancelled"]
        );
    }
}
