//! One stack's deploy: change set → show → will-fail gate → confirm →
//! execute → follow, or the change set kept for review.

use super::change_set::{self, ChangeSetSummary};
use super::context::{execute_command, Context, Outcome};
use super::plan::Target;
use super::{approval, execute, preflight, prepare, will_fail};
use crate::aws;
use crate::cli::ChangeSetFormat;
use crate::failure::Failure;

/// Per stack: change set → show → confirm → execute → follow → summary.
pub async fn deploy_stack(ctx: &Context, target: &Target) -> Result<Outcome, Failure> {
    let aws = ctx.sessions.get(target.stack.region.as_deref(), target.stack.deploy_role_arn.as_deref()).await?;
    let summary = match &ctx.options.execute_change_set {
        Some(name) => prepare::existing(&aws, target, name).await?,
        None => match prepare::change_set(ctx, &aws, target).await? {
            Some(summary) => summary,
            None => return Ok(Outcome::NoChanges),
        },
    };
    show(ctx, &summary);
    will_fail::check(ctx, &aws, target, &summary).await?;
    approval::gate(ctx, &aws, target, &summary).await?;
    if ctx.options.no_execute {
        preflight::service_role::ensure(ctx, &aws, &target.stack.name, &summary).await?;
        return Ok(keep_for_review(ctx, &aws, target, &summary));
    }
    execute::confirm(ctx, target, &summary).await?;
    if let Err(f) = preflight::service_role::ensure(ctx, &aws, &target.stack.name, &summary).await {
        return Err(match ctx.options.execute_change_set {
            Some(_) => f,
            None => prepare::with_cleanup(ctx, &target.stack.name, f).await,
        });
    }
    execute::execute_and_follow(ctx, &aws, target, &summary).await
}

fn show(ctx: &Context, summary: &ChangeSetSummary) {
    ctx.document(&change_set::render(summary, ctx.options.format));
}

/// `--no-execute`: the change set stays; print the complete command that
/// executes it (pasteable in CI: `--yes`, the region, the profile and
/// endpoint when given).
fn keep_for_review(ctx: &Context, aws: &aws::Aws, target: &Target, summary: &ChangeSetSummary) -> Outcome {
    let name = &target.stack.name;
    ctx.debris.take(name);
    let command = execute_command(&ctx.options, name, &summary.id.name, &aws.region());
    match ctx.options.format {
        ChangeSetFormat::Text => {
            println!("{name}: change set {} kept for review; execute it with:\n  {command}", summary.id.name);
        }
        ChangeSetFormat::Markdown => {
            ctx.document(&format!("Execute it with:\n\n```sh\n{command}\n```\n"));
            ctx.say(&format!("{name}: change set {} kept for review", summary.id.name));
        }
    }
    Outcome::Prepared { change_set: summary.id.name.clone(), arn: summary.id.arn.clone() }
}
