//! `rcdk destroy`: delete one deployed stack, with the same confirmation
//! rules as `rcdk deploy`, then wait for the deletion and report it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::MultiProgress;

use crate::app_file::AppFile;
use crate::aws;
use crate::cli::DestroyArgs;
use crate::deploy::follow::{self, Follow};
use crate::deploy::{ask, can_ask, stack_state, StackState};
use crate::failure::Failure;

/// Runs `rcdk destroy`.
pub fn run(args: &DestroyArgs) -> Result<(), Failure> {
    let app = AppFile::load(&args.app_file)?;
    let specs: Vec<_> = app.props.stacks.iter().flat_map(|s| s.expand()).collect();
    let Some(spec) = specs.iter().find(|s| s.name == args.stack) else {
        let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        return Err(Failure::input(format!("{} defines no stack `{}`", args.app_file.display(), args.stack))
            .help(format!("its stacks are: {}", names.join(", "))));
    };
    if !args.yes && !can_ask() {
        return Err(Failure::input("refusing to delete a stack without confirmation: stdin is not a terminal")
            .help(format!("pass --yes: rcdk destroy {} --stack {} --yes", args.app_file.display(), args.stack)));
    }
    let region = spec.region.clone();
    let runtime = aws::runtime()?;
    runtime.block_on(async {
        tokio::select! {
            result = destroy(args, region.as_deref()) => result,
            _ = tokio::signal::ctrl_c() => Err(Failure::interrupted(format!(
                "interrupted: stopped waiting; if the deletion of `{}` had started, CloudFormation carries on",
                args.stack
            ))
            .help(follow::follow_help(&args.stack))),
        }
    })
}

async fn destroy(args: &DestroyArgs, region: Option<&str>) -> Result<(), Failure> {
    let name = args.stack.as_str();
    let config = aws::sdk_config(&args.aws, region).await?;
    let client = aws::cloudformation(&config);
    let Some(stack) = aws::describe_stack(&config, &client, name).await? else {
        println!("stack {name} does not exist in {}: nothing to delete", aws::endpoint_description(&config));
        return Ok(());
    };
    let status = stack.stack_status().map(|s| s.as_str().to_owned()).unwrap_or_default();
    if let StackState::Busy(s) = stack_state(Some(&status)) {
        return Err(Failure::no(format!("stack `{name}` is busy: {s}; wait for it to settle before deleting it"))
            .help(follow::follow_help(name)));
    }
    let stack_id = stack.stack_id().unwrap_or(name).to_owned();
    println!("stack {name} ({status}) will be deleted with every resource in it (resources with DeletionPolicy Retain are kept)");
    if !args.yes && !ask(&format!("Delete stack {name}?")) {
        return Err(Failure::no(format!("stack `{name}` not deleted: not confirmed")));
    }
    let since = follow::latest_event_id(&config, &client, &stack_id).await?;
    client
        .delete_stack()
        .stack_name(&stack_id)
        .send()
        .await
        .map_err(|e| aws::sdk_failure(&config, &format!("deleting stack `{name}`"), &e))?;
    let progress = std::io::stderr().is_terminal().then(MultiProgress::new);
    let settled = follow::follow(
        &config,
        &client,
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
