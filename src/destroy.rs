//! `rcdk destroy`: delete one deployed stack, with the same confirmation
//! rules and account check as `rcdk deploy` — and never hang, never leave a
//! half-deleted stack without saying what blocks it. It reads as its steps:
//!
//! 1. **account check**, the stack, its resources and deployed template;
//! 2. **blockers** ([`protection`]): stack termination protection, RDS and
//!    load balancer deletion protection — refused with the command that lifts
//!    each (exit 1, nothing deleted), or lifted with `--disable-deletion-protection`;
//! 3. **what is kept** ([`retained`]): resources whose `DeletionPolicy` keeps
//!    them, with their monthly cost class and the command that deletes them;
//! 4. **confirm**;
//! 5. **scale-in protection** ([`scale_in`]) lifted from the stack's Auto
//!    Scaling groups, before `DeleteStack` and again while it runs;
//! 6. **delete and follow**; on `DELETE_FAILED` each failed resource with the
//!    command that unblocks it ([`failed`]), after one retry when only
//!    protected instances held an Auto Scaling group.

pub mod failed;
pub mod protection;
pub mod retained;
pub mod scale_in;

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::MultiProgress;

use crate::app_source::shell_quote;
use crate::aws::{self, Aws, Sessions, StackResource};
use crate::cli::DestroyArgs;
use crate::failure::Failure;
use crate::stacks::finding;
use crate::stacks::follow::{self, Follow, Settled};
use crate::stacks::{account, ask, can_ask, stack_source_from, stack_state, StackArtifact, StackState};

/// How often scale-in protection is lifted again while the deletion runs.
pub const UNPROTECT_EVERY: Duration = Duration::from_secs(15);

/// Runs `rcdk destroy`.
pub fn run(args: &DestroyArgs) -> Result<(), Failure> {
    let source = stack_source_from(args.app_file.as_ref(), &args.source)?;
    let stacks = source.stacks()?;
    let words = source.args();
    let source = source.label();
    let Some(stack) = stacks.iter().find(|s| s.name == args.stack) else {
        let names: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).collect();
        return Err(Failure::input(format!("{source} defines no stack `{}`", args.stack))
            .help(format!("its stacks are: {}", names.join(", "))));
    };
    if let Some(role) = &args.role_arn {
        if rcdk_constructs::core::role_arn_account(role).is_none() {
            return Err(Failure::input(format!("--role-arn `{role}` is not an IAM role ARN"))
                .help("write arn:aws:iam::<account>:role/<name>"));
        }
    }
    if !args.yes && !can_ask() {
        return Err(Failure::input("refusing to delete a stack without confirmation: stdin is not a terminal")
            .help(format!("pass --yes: rcdk destroy {source} --stack {} --yes", args.stack)));
    }
    let mut command = vec!["rcdk".to_owned(), "destroy".to_owned()];
    command.extend(words);
    command.extend(["--stack".to_owned(), args.stack.clone()]);
    let command = command.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" ");
    let runtime = aws::runtime()?;
    runtime.block_on(async {
        tokio::select! {
            result = destroy(args, stack, &command) => result,
            _ = tokio::signal::ctrl_c() => Err(Failure::interrupted(format!(
                "interrupted: stopped waiting; if the deletion of `{}` had started, CloudFormation carries on",
                args.stack
            ))
            .help(follow::follow_help(&args.stack))),
        }
    })
}

fn say(line: &str) {
    eprintln!("{line}");
}

async fn destroy(args: &DestroyArgs, artifact: &StackArtifact, command: &str) -> Result<(), Failure> {
    let name = args.stack.as_str();
    let sessions = Sessions::new(args.aws.clone());
    let role = artifact.deploy_role_arn.as_deref();
    let aws = sessions.get(artifact.region.as_deref(), role).await?;
    let target = account::check(&aws, &args.aws, name, artifact.expected_account().as_deref(), role).await?;
    let Some(stack) = aws.describe_stack(name).await? else {
        println!("stack {name} does not exist in {}: nothing to delete", aws.endpoint());
        return Ok(());
    };
    if let StackState::Busy(s) = stack_state(Some(&stack.status)) {
        return Err(Failure::no(format!("stack `{name}` is busy: {s}; wait for it to settle before deleting it"))
            .help(follow::follow_help(name)));
    }
    let stack_id = if stack.id.is_empty() { name.to_owned() } else { stack.id.clone() };
    let resources = match aws.stack_resources(&stack_id).await {
        Ok(resources) => resources.unwrap_or_default(),
        // Best effort: the checks refuse only what would fail anyway.
        Err(f) => {
            say(&format!(
                "warning: {}\n  so the deletion goes on without checking protections or listing what is kept",
                f.message
            ));
            Vec::new()
        }
    };
    let template = aws.deployed_template(&stack_id).await?.unwrap_or_default();

    // Blockers: refused with their commands, or lifted on request (after the confirmation).
    let blockers = protection::find(&aws, &stack, &resources, &say).await?;
    if !args.disable_deletion_protection {
        finding::check(protection::findings(name, &target.region, &blockers, command), say, "nothing was deleted")?;
    }

    let kept = retained::kept(&template, &resources);
    println!(
        "stack {name} ({}) in account {} ({}) will be deleted with every resource in it{}",
        stack.status,
        target.account,
        target.region,
        if kept.is_empty() {
            String::new()
        } else {
            format!(
                ", except {} kept by its DeletionPolicy, which go on costing until you delete them:\n{}",
                kept.len(),
                retained::lines(&kept, &target.region).join("\n")
            )
        }
    );
    if !args.yes && !ask(&format!("Delete stack {name}?")) {
        return Err(Failure::no(format!("stack `{name}` not deleted: not confirmed")));
    }
    protection::lift(&aws, name, &blockers, &say).await?;

    let timeout = Duration::from_secs(args.timeout.saturating_mul(60));
    let role = args.role_arn.clone().or_else(|| artifact.cloudformation_role_arn.clone());
    let role = role.as_deref();
    let mut settled = delete_and_follow(&aws, name, &stack_id, &resources, timeout, role).await?;
    if !settled.ok {
        let now = aws.stack_resources(&stack_id).await?.unwrap_or_default();
        let groups_only =
            now.iter().filter(|r| r.status == "DELETE_FAILED").all(|r| r.resource_type == scale_in::GROUP_TYPE);
        if groups_only && now.iter().any(|r| r.status == "DELETE_FAILED") {
            say(&format!(
                "{name}: the Auto Scaling group could not be deleted; lifting scale-in protection and deleting again"
            ));
            settled = delete_and_follow(&aws, name, &stack_id, &now, timeout, role).await?;
        }
    }
    if !settled.ok {
        let now = aws.stack_resources(&stack_id).await?.unwrap_or_default();
        let unblock = failed::lines(&now, name, &target.region, command);
        let mut message =
            format!("deleting stack `{name}` ended in {}:\n  {}", settled.status, settled.failures.join("\n  "));
        if !unblock.is_empty() {
            message.push_str(&format!("\nwhat blocks it:\n  {}", unblock.join("\n  ")));
        }
        if !kept.is_empty() {
            message.push_str(&format!(
                "\nkept by their DeletionPolicy whatever happens:\n{}",
                retained::lines(&kept, &target.region).join("\n")
            ));
        }
        return Err(
            Failure::no(message).help(format!("the stack is left in {}; `{command}` runs again on it", settled.status))
        );
    }
    println!("{name}: {}", settled.status);
    Ok(())
}

/// Lifts scale-in protection, starts the deletion and follows it, lifting
/// the protection again every [`UNPROTECT_EVERY`] while it runs.
async fn delete_and_follow(
    aws: &Aws,
    name: &str,
    stack_id: &str,
    resources: &[StackResource],
    timeout: Duration,
    role_arn: Option<&str>,
) -> Result<Settled, Failure> {
    let pass = scale_in::unprotect(aws, name, resources).await;
    pass.lines.iter().for_each(|l| say(l));
    pass.warnings.iter().for_each(|w| say(&format!("warning: {w}")));
    let since = aws.latest_event_id(stack_id).await?;
    aws.delete_stack(name, stack_id, role_arn).await?;
    let progress = std::io::stderr().is_terminal().then(MultiProgress::new);
    let following = follow::follow(
        aws,
        Follow {
            stack: name,
            stack_id,
            since,
            total: 1,
            timeout,
            progress: progress.as_ref(),
            deleting: true,
            change_set_arn: None,
        },
    );
    let keeper = async {
        loop {
            tokio::time::sleep(UNPROTECT_EVERY).await;
            let pass = scale_in::unprotect(aws, name, resources).await;
            pass.lines.iter().for_each(|l| say(l));
        }
    };
    tokio::select! {
        settled = following => settled,
        () = keeper => Err(Failure::no(format!("stopped following the deletion of `{name}`"))),
    }
}
