//! The change-set step: read the stack's state (CREATE or UPDATE), feed
//! inputs from other stacks, put a large template in S3, create the change
//! set and wait until CloudFormation has computed it. A change set with
//! nothing to do is success; one that failed is removed with the stack it
//! created, if any.
//!
//! Hidden test hook: `RCDK_TEST_INTERRUPT` set to `after-create` acts as
//! Ctrl-C right after CreateChangeSet answered; `while-creating` does the
//! same but as if the answer never arrived (cleanup then works from the
//! change set's name).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::change_set::{self, ChangeSetRequest, ChangeSetSummary, TemplateSource};
use super::cleanup::{self, Leftover};
use super::context::Context;
use super::plan::{self, Target};
use super::{preflight, stage};
use crate::aws::Aws;
use crate::failure::Failure;
use crate::stacks::follow::{self, Follow};
use crate::stacks::state::{stack_state, StackState};
use crate::stacks::{ask, can_ask};

/// The hidden environment variable of the interruption test hook.
pub const TEST_INTERRUPT_ENV: &str = "RCDK_TEST_INTERRUPT";

/// An existing change set (`--execute-change-set NAME`), if it can be executed.
pub async fn existing(aws: &Aws, target: &Target, change_set: &str) -> Result<ChangeSetSummary, Failure> {
    let name = &target.stack.name;
    let summary = aws.describe_change_set(name, change_set).await?;
    if summary.status != "CREATE_COMPLETE" || summary.execution_status != "AVAILABLE" {
        return Err(Failure::no(format!(
            "change set `{change_set}` of stack `{name}` cannot be executed: status {}, execution status {}{}",
            or_unknown(&summary.status),
            or_unknown(&summary.execution_status),
            summary.status_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
        )));
    }
    Ok(summary)
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() {
        "?"
    } else {
        s
    }
}

/// Creates the stack's change set and waits for it. `None`: no changes.
pub async fn change_set(ctx: &Context, aws: &Arc<Aws>, target: &Target) -> Result<Option<ChangeSetSummary>, Failure> {
    let name = target.stack.name.as_str();

    // The stack's state decides CREATE or UPDATE.
    let current = aws.describe_stack(name).await?;
    // `(create, the stack is this run's)`: a REVIEW_IN_PROGRESS leftover of
    // an earlier run is not this run's to delete.
    let (create, creates_stack) = match stack_state(current.as_ref().map(|s| s.status.as_str())) {
        StackState::Absent => (true, true),
        StackState::ReviewInProgress => {
            ctx.say(&format!("{name}: REVIEW_IN_PROGRESS (a create that was never executed): creating it again"));
            (true, false)
        }
        StackState::RollbackComplete => {
            let id = current.as_ref().map_or(name, |s| s.id.as_str());
            recreate_after_rollback(ctx, aws, target, id).await?;
            (true, true)
        }
        StackState::Busy(s) => {
            return Err(Failure::no(format!(
                "stack `{name}` is busy: {s}; CloudFormation is running an operation on it"
            ))
            .help(follow::follow_help(name)))
        }
        StackState::Stuck(s) => {
            let fix = match s.as_str() {
                "UPDATE_ROLLBACK_FAILED" => format!("aws cloudformation continue-update-rollback --stack-name {name}"),
                _ => format!("rcdk destroy {} --stack {name}", ctx.options.source.join(" ")),
            };
            return Err(Failure::no(format!("stack `{name}` is {s} and cannot be updated")).help(fix));
        }
        StackState::Deployed(_) => (false, false),
    };

    let parameters = read_inputs(ctx, target).await?;
    // Pre-deploy checks: AWS is asked what the template alone cannot say.
    if ctx.options.stage.is_some() && !create {
        let deployed = aws.stack_resources(name).await?;
        stage::refuse_over_other_resources(name, deployed.as_deref().unwrap_or_default())?;
    }
    preflight::run(ctx, aws, target, &parameters, !create).await?;
    let template = if plan::needs_upload(&target.stack.body) {
        TemplateSource::Url(upload_template(ctx, aws, target).await?)
    } else {
        TemplateSource::Body(target.stack.body.clone())
    };
    let request = ChangeSetRequest {
        stack: name.to_owned(),
        name: plan::change_set_name(),
        create,
        template,
        parameters: parameters.into_iter().collect(),
        capabilities: plan::capabilities(&target.facts),
        tags: target.stack.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        role_arn: ctx.cloudformation_role(target),
    };
    ctx.say(&format!("{name}: creating change set {} ({})", request.name, if create { "CREATE" } else { "UPDATE" }));
    ctx.debris.add(Leftover {
        stack: name.to_owned(),
        change_set: request.name.clone(),
        id: None,
        created_stack: creates_stack,
        aws: Arc::clone(aws),
    });
    let created = aws.create_change_set(&request).await;
    let hook = std::env::var(TEST_INTERRUPT_ENV).unwrap_or_default();
    if hook == "while-creating" {
        ctx.interrupt.notify_one();
        std::future::pending::<()>().await;
    }
    let id = match created {
        Ok(Some(id)) => id,
        Ok(None) => {
            ctx.debris.take(name);
            ctx.no_changes(name, "");
            return Ok(None);
        }
        Err(f) => return Err(with_cleanup(ctx, name, f).await),
    };
    ctx.debris.created(name, &id);
    if hook == "after-create" {
        ctx.interrupt.notify_one();
        std::future::pending::<()>().await;
    }
    let mut summary = match change_set::wait(aws, name, &id).await {
        Ok(s) => s,
        Err(f) => return Err(with_cleanup(ctx, name, f).await),
    };
    summary.change_set_type = Some(if create { "CREATE" } else { "UPDATE" }.to_owned());

    if summary.status == "FAILED" {
        let reason = summary.status_reason.clone().unwrap_or_else(|| "no reason given".into());
        if change_set::is_no_changes_reason(&reason) {
            return match cleanup::remove(&ctx.debris, name).await {
                Ok(_) => {
                    ctx.no_changes(name, " (the empty change set was deleted)");
                    Ok(None)
                }
                Err(left) => Err(Failure::no(format!("{name}: no changes, but the empty change set is {left}"))),
            };
        }
        let mut message = format!("the change set for stack `{name}` failed: {reason}");
        // Early validation (since 2025-11) puts its details in DescribeEvents.
        // An endpoint without that API (moto) adds nothing.
        let details = aws.change_set_failures(&id.arn).await.unwrap_or_default();
        for d in &details {
            message.push_str(&format!("\n  {d}"));
        }
        let failure = Failure::no(message);
        let failure = if details.is_empty() {
            failure
        } else {
            failure.help("fix what the validation names (a resource name that already exists: rename it in the app file, or delete the leftover)")
        };
        return Err(with_cleanup(ctx, name, failure).await);
    }
    Ok(Some(summary))
}

/// Removes `stack`'s debris after `failure` and says so in its message.
pub async fn with_cleanup(ctx: &Context, stack: &str, mut failure: Failure) -> Failure {
    match cleanup::remove(&ctx.debris, stack).await {
        Ok(what) if what != "nothing was left" => failure.message.push_str(&format!("\n{what}")),
        Ok(_) => {}
        Err(left) => failure.message.push_str(&format!("\n{left}")),
    }
    failure
}

/// Cross-stack wiring, second half: inputs still without a value (the
/// producer was not deployed in this run, had no changes, or its outputs were
/// not reported) are read from the deployed producer stack, in its region.
async fn read_inputs(ctx: &Context, target: &Target) -> Result<BTreeMap<String, String>, Failure> {
    let mut values = target.parameters.clone();
    for input in &target.stack.inputs {
        if values.contains_key(&input.parameter) {
            continue;
        }
        let region = target.producers.get(&input.stack).cloned().flatten();
        let role = target.producer_roles.get(&input.stack).cloned().flatten();
        let aws = ctx.sessions.get(region.as_deref(), role.as_deref()).await?;
        let producer = aws.describe_stack(&input.stack).await?;
        let value =
            producer.as_ref().and_then(|s| s.outputs.iter().find(|(k, _)| *k == input.output)).map(|(_, v)| v.clone());
        match value {
            Some(v) => {
                values.insert(input.parameter.clone(), v);
            }
            None => {
                return Err(Failure::no(format!(
                    "stack `{}` needs output `{}` of stack `{}` for its parameter `{}`, but {}",
                    target.stack.name,
                    input.output,
                    input.stack,
                    input.parameter,
                    if producer.is_some() { "that stack reports no such output" } else { "that stack is not deployed" }
                ))
                .help(format!("deploy `{}` first, or pass --parameter {}=VALUE", input.stack, input.parameter)));
            }
        }
    }
    Ok(values)
}

/// Puts a template over 51,200 bytes in S3 under a content-addressed key
/// (uploaded only when absent) and returns its `TemplateURL`.
async fn upload_template(ctx: &Context, aws: &Aws, target: &Target) -> Result<String, Failure> {
    let stack = &target.stack;
    let region = aws.region();
    let bucket = match &ctx.options.template_bucket {
        Some(b) => b.clone(),
        None => {
            let bucket = plan::default_bucket(&aws.caller_account().await?, &region);
            aws.ensure_template_bucket(&bucket).await?;
            bucket
        }
    };
    let key = plan::template_key(&stack.name, &stack.body, stack.format.extension());
    let uploaded = aws.upload_template(&bucket, &key, &stack.body).await?;
    ctx.say(&format!(
        "{}: template is {} bytes (over 51,200): {} s3://{bucket}/{key}",
        stack.name,
        stack.body.len(),
        if uploaded { "uploaded to" } else { "already in" }
    ));
    Ok(plan::template_url(&bucket, &region, &key))
}

/// A stack in ROLLBACK_COMPLETE cannot be updated. Offer to delete it on a
/// terminal; otherwise refuse with the commands to run. Never silently.
async fn recreate_after_rollback(ctx: &Context, aws: &Aws, target: &Target, stack_id: &str) -> Result<(), Failure> {
    let name = target.stack.name.as_str();
    let source = ctx.options.source.join(" ");
    let refuse = || {
        Failure::no(format!(
            "stack `{name}` is ROLLBACK_COMPLETE: its first create failed and it cannot be updated, only deleted"
        ))
        .help(format!(
            "delete it, then deploy again: rcdk destroy {source} --stack {name} --yes && rcdk deploy {source} --stack {name}"
        ))
    };
    if !can_ask()
        || !ask(&format!("Stack {name} is ROLLBACK_COMPLETE (its first create failed). Delete it and create it again?"))
    {
        return Err(refuse());
    }
    aws.delete_stack(name, stack_id, ctx.cloudformation_role(target).as_deref()).await?;
    let settled = follow::follow(
        aws,
        Follow {
            stack: name,
            stack_id,
            since: None,
            total: 1,
            timeout: ctx.options.timeout,
            progress: ctx.progress.as_ref(),
            deleting: true,
            change_set_arn: None,
        },
    )
    .await?;
    if !settled.ok {
        return Err(Failure::no(format!("deleting stack `{name}` ended in {}", settled.status)));
    }
    Ok(())
}
