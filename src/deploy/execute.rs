//! The last steps for one stack: confirm → execute → follow → summary.
//! Declining removes the change set (and the stack it created): exit 1.

use super::context::{Context, Outcome};
use super::diagnose;
use super::plan::Target;
use super::prepare::with_cleanup;
use crate::aws::{Aws, ChangeSetSummary};
use crate::failure::Failure;
use crate::stacks::follow::{self, Follow};
use crate::stacks::{ask, can_ask};

/// Asks before executing (unless `--yes`). Declining deletes the change set,
/// and the `REVIEW_IN_PROGRESS` stack when this run's change set created it:
/// exit 1, the command's own "no".
pub async fn confirm(ctx: &Context, target: &Target, summary: &ChangeSetSummary) -> Result<(), Failure> {
    if ctx.options.yes {
        return Ok(());
    }
    let name = &target.stack.name;
    if can_ask() && ask(&format!("Execute change set {} on stack {name}?", summary.id.name)) {
        return Ok(());
    }
    let mut declined = Failure::no(format!("stack `{name}` not changed: the change set was not approved"))
        .help("run again and answer y, pass --yes, or use --no-execute to keep a change set for review");
    if ctx.options.execute_change_set.is_some() {
        // Created by an earlier `--no-execute` run for review: not this run's to delete.
        declined.message.push_str(&format!("; change set {} is kept", summary.id.name));
        return Err(declined);
    }
    Err(with_cleanup(ctx, name, declined).await)
}

/// Executes the change set, follows the stack until it settles and prints
/// the summary (status and outputs).
pub async fn execute_and_follow(
    ctx: &Context,
    aws: &Aws,
    target: &Target,
    summary: &ChangeSetSummary,
) -> Result<Outcome, Failure> {
    let name = target.stack.name.as_str();
    let id = &summary.id;
    let since = aws.latest_event_id(&id.stack_id).await?;
    ctx.debris.take(name);
    ctx.executing.lock().map(|mut s| s.insert(name.to_owned())).ok();
    ctx.say(&format!("{name}: executing change set {}", id.name));
    aws.execute_change_set(name, &id.name, &id.arn).await?;
    let following = follow::follow(
        aws,
        Follow {
            stack: name,
            stack_id: &id.stack_id,
            since: since.clone(),
            total: target.facts.resources.len() as u64,
            timeout: ctx.options.timeout,
            progress: ctx.progress.as_ref(),
            deleting: false,
            change_set_arn: Some(&id.arn),
        },
    );
    // Stop waiting as soon as a deployment circuit breaker has tripped.
    let settled = tokio::select! {
        settled = following => settled?,
        tripped = diagnose::watch(aws, &id.stack_id) => {
            ctx.executing.lock().map(|mut s| s.remove(name)).ok();
            let report = diagnose::render(&diagnose::service(aws, &tripped.cluster, &tripped.service).await);
            return Err(Failure::no(format!(
                "stack `{name}`: the deployment circuit breaker failed the deployment of service `{}` ({}); \
                 CloudFormation rolls the stack back on its own, so rcdk stopped waiting\n{}",
                tripped.service.rsplit('/').next().unwrap_or(&tripped.service),
                tripped.reason,
                report.join("\n")
            ))
            .help(follow::follow_help(name)));
        }
    };
    ctx.executing.lock().map(|mut s| s.remove(name)).ok();

    if !settled.ok {
        let events = aws.stack_events(&id.stack_id, since.as_deref()).await.unwrap_or_default();
        let diagnosis = diagnose::explain(aws, &id.stack_id, &events).await;
        let mut message = format!("stack `{name}` ended in {}:", settled.status);
        for (i, line) in settled.failures.iter().enumerate() {
            message.push_str(&format!("\n  {}{line}", if i == 0 { "first failure (the root cause): " } else { "" }));
        }
        for line in diagnosis {
            message.push_str(&format!("\n{line}"));
        }
        return Err(Failure::no(message));
    }
    let mut report = format!("{name}: {}", settled.status);
    if settled.outputs.is_empty() {
        report.push_str(" (the stack reports no outputs)");
    } else {
        report.push_str("\nOutputs:");
        for (k, v) in &settled.outputs {
            report.push_str(&format!("\n  {k} = {v}"));
        }
    }
    ctx.report(&report);
    Ok(Outcome::Deployed { status: settled.status, outputs: settled.outputs })
}
