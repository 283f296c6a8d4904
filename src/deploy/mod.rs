//! `rcdk deploy`: ship stacks through CloudFormation change sets.
//!
//! [`run`] reads as its steps:
//!
//! 1. **stacks** — [`stack_source_from`] → [`crate::stacks::StackSource::stacks`]:
//!    the one seam that says where the stacks come from (an app file, `--app`,
//!    `--assembly`, `rcdk.toml`); everything after it reads
//!    [`crate::stacks::StackArtifact`]s only;
//! 2. **plan** — [`plan::targets`]: select, read the templates, resolve the
//!    parameters (exit 2 before any call);
//! 3. **account check** — [`account::check_all`]: the caller's account per
//!    credential set, against each stack's pinned `account:` (exit 2, nothing
//!    created), and the header naming account and region;
//! 4. then per stack, in dependency order ([`schedule`]): **change set**
//!    ([`prepare`]) → **show** → **confirm** → **execute** → **follow** →
//!    **summary** ([`execute`]).
//!
//! Ctrl-C stops waiting (exit 130): what this run created and did not
//! execute is removed ([`cleanup`]); an executing stack is left to
//! CloudFormation. Every AWS call goes through [`crate::aws`].
//!
//! Library users (and tests) call [`deploy`] with [`Target`]s from [`plan::targets`].

pub mod change_set;
pub mod cleanup;
pub mod context;
pub mod execute;
pub mod plan;
pub mod prepare;
pub mod schedule;
pub mod stack;
pub mod will_fail;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::MultiProgress;
use tokio::sync::Notify;

pub use context::{execute_command, shell_quote, Context, DeployOptions, Outcome, StackReport};
pub use plan::Target;
pub use stack::deploy_stack;

use crate::aws::{self, Sessions};
use crate::cli::DeployArgs;
use crate::failure::Failure;
use crate::stacks::{account, can_ask, follow, stack_source_from};
use cleanup::Debris;

/// Runs `rcdk deploy`: stacks → plan → account check → per stack: change
/// set → show → confirm → execute → follow → summary.
pub fn run(args: &DeployArgs) -> Result<(), Failure> {
    let source = stack_source_from(args.app_file.as_ref(), &args.source)?;
    let stacks = source.stacks()?;
    let targets = plan::targets(stacks, &source.label(), &args.stacks, &args.parameters)?;
    check_flags(args, targets.len())?;
    let options = DeployOptions {
        aws: args.aws.clone(),
        yes: args.yes,
        no_execute: args.no_execute,
        force: args.force,
        execute_change_set: args.execute_change_set.clone(),
        template_bucket: args.template_bucket.clone(),
        format: args.format,
        timeout: Duration::from_secs(args.timeout.saturating_mul(60)),
        concurrency: usize::from(args.concurrency),
        source: source.args(),
    };
    let runtime = aws::runtime()?;
    runtime.block_on(deploy(targets, &options)).map(|_| ())
}

/// Flag combinations that cannot work: exit 2 before any call.
fn check_flags(args: &DeployArgs, stacks: usize) -> Result<(), Failure> {
    if args.execute_change_set.is_some() && stacks != 1 {
        return Err(Failure::input("--execute-change-set needs exactly one stack")
            .help("name it with --stack NAME (change set names belong to one stack)"));
    }
    if !args.yes && !args.no_execute && !can_ask() {
        return Err(Failure::input("refusing to deploy without confirmation: stdin is not a terminal")
            .help("pass --yes to execute the change sets, or --no-execute to create them for review only"));
    }
    Ok(())
}

/// Deploys `targets`: the account check for all of them, then each stack
/// after the stacks it depends on. Ctrl-C stops (exit 130) and removes what
/// this run created and did not execute.
pub async fn deploy(targets: Vec<Target>, options: &DeployOptions) -> Result<Vec<StackReport>, Failure> {
    let ctx = Arc::new(Context {
        options: options.clone(),
        sessions: Sessions::new(options.aws.clone()),
        progress: std::io::stderr().is_terminal().then(MultiProgress::new),
        executing: Mutex::new(BTreeSet::new()),
        debris: Debris::default(),
        interrupt: Notify::new(),
    });
    let steps = async {
        let stacks: Vec<_> =
            targets.iter().map(|t| (t.stack.name.clone(), t.stack.region.clone(), t.stack.account.clone())).collect();
        let destinations = account::check_all(&ctx.sessions, &stacks).await?;
        let order: Vec<String> = stacks.into_iter().map(|(n, _, _)| n).collect();
        for line in account::header(&destinations, &order) {
            ctx.say(&line);
        }
        schedule::run(targets, Arc::clone(&ctx)).await
    };
    tokio::select! {
        result = steps => result,
        _ = tokio::signal::ctrl_c() => Err(interrupted(&ctx).await),
        _ = ctx.interrupt.notified() => Err(interrupted(&ctx).await),
    }
}

/// Ctrl-C: remove this run's debris, then say what runs on and what is left.
async fn interrupted(ctx: &Context) -> Failure {
    let executing: Vec<String> = ctx.executing.lock().map(|s| s.iter().cloned().collect()).unwrap_or_default();
    let (removed, left) = cleanup::after_interrupt(&ctx.debris).await;
    let mut message = if executing.is_empty() {
        "interrupted before any change set was executed".to_owned()
    } else {
        format!(
            "interrupted: stopped waiting for {}; CloudFormation carries on with the operation",
            executing.join(", ")
        )
    };
    for r in &removed {
        message.push_str(&format!("\ncleaned up {r}"));
    }
    if let Some(left) = &left {
        message.push('\n');
        message.push_str(left);
    }
    let mut failure = Failure::interrupted(message);
    if let Some(first) = executing.first() {
        failure = failure.help(follow::follow_help(first));
    } else if left.is_some() {
        failure = failure.help("run the commands above to remove what rcdk created");
    }
    failure
}
