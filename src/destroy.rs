//! `rcdk destroy`: delete one deployed stack, with the same confirmation
//! rules and account check as `rcdk deploy`, then wait for the deletion and
//! report it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::MultiProgress;

use crate::aws::{self, Sessions};
use crate::cli::DestroyArgs;
use crate::failure::Failure;
use crate::stacks::follow::{self, Follow};
use crate::stacks::{account, ask, can_ask, stack_source_from, stack_state, StackArtifact, StackState};

/// Runs `rcdk destroy`.
pub fn run(args: &DestroyArgs) -> Result<(), Failure> {
    let source = stack_source_from(args.app_file.as_ref(), &args.source)?;
    let stacks = source.stacks()?;
    let source = source.label();
    let Some(stack) = stacks.iter().find(|s| s.name == args.stack) else {
        let names: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).collect();
        return Err(Failure::input(format!("{source} defines no stack `{}`", args.stack))
            .help(format!("its stacks are: {}", names.join(", "))));
    };
    if !args.yes && !can_ask() {
        return Err(Failure::input("refusing to delete a stack without confirmation: stdin is not a terminal")
            .help(format!("pass --yes: rcdk destroy {source} --stack {} --yes", args.stack)));
    }
    let runtime = aws::runtime()?;
    runtime.block_on(async {
        tokio::select! {
            result = destroy(args, stack) => result,
            _ = tokio::signal::ctrl_c() => Err(Failure::interrupted(format!(
                "interrupted: stopped waiting; if the deletion of `{}` had started, CloudFormation carries on",
                args.stack
            ))
            .help(follow::follow_help(&args.stack))),
        }
    })
}

async fn destroy(args: &DestroyArgs, artifact: &StackArtifact) -> Result<(), Failure> {
    let name = args.stack.as_str();
    let sessions = Sessions::new(args.aws.clone());
    let aws = sessions.get(artifact.region.as_deref()).await?;
    let target = account::check(&aws, &args.aws, name, artifact.account.as_deref()).await?;
    let Some(stack) = aws.describe_stack(name).await? else {
        println!("stack {name} does not exist in {}: nothing to delete", aws.endpoint());
        return Ok(());
    };
    if let StackState::Busy(s) = stack_state(Some(&stack.status)) {
        return Err(Failure::no(format!("stack `{name}` is busy: {s}; wait for it to settle before deleting it"))
            .help(follow::follow_help(name)));
    }
    let stack_id = if stack.id.is_empty() { name.to_owned() } else { stack.id.clone() };
    println!(
        "stack {name} ({}) in account {} ({}) will be deleted with every resource in it \
         (resources with DeletionPolicy Retain are kept)",
        stack.status, target.account, target.region
    );
    if !args.yes && !ask(&format!("Delete stack {name}?")) {
        return Err(Failure::no(format!("stack `{name}` not deleted: not confirmed")));
    }
    let since = aws.latest_event_id(&stack_id).await?;
    aws.delete_stack(name, &stack_id).await?;
    let progress = std::io::stderr().is_terminal().then(MultiProgress::new);
    let settled = follow::follow(
        &aws,
        Follow {
            stack: name,
            stack_id: &stack_id,
            since,
            total: 1,
            timeout: Duration::from_secs(args.timeout.saturating_mul(60)),
            progress: progress.as_ref(),
            deleting: true,
            change_set_arn: None,
        },
    )
    .await?;
    if !settled.ok {
        return Err(Failure::no(format!(
            "deleting stack `{name}` ended in {}:\n  {}",
            settled.status,
            settled.failures.join("\n  ")
        )));
    }
    println!("{name}: {}", settled.status);
    Ok(())
}
