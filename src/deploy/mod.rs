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

pub mod approval;
pub mod change_set;
pub mod cleanup;
pub mod context;
pub mod cross_account;
pub mod diagnose;
pub mod execute;
pub mod outputs;
pub mod plan;
pub mod preflight;
pub mod prepare;
pub mod schedule;
pub mod stack;
pub mod stage;
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
use crate::cli::{DeployArgs, Stage};
use crate::failure::Failure;
use crate::stacks::{account, can_ask, finding, follow, stack_source_from, StackArtifact};
use cleanup::Debris;

/// Runs `rcdk deploy`: stacks → plan → account check → per stack: change
/// set → show → confirm → execute → follow → summary.
pub fn run(args: &DeployArgs) -> Result<(), Failure> {
    let source = stack_source_from(args.app_file.as_ref(), &args.source)?;
    let mut stacks = source.stacks()?;
    // What crosses accounts must resolve in the consumer's: exit 2 before any call.
    let crossing = cross_account::findings(&stacks);
    finding::check(crossing, |l| eprintln!("{l}"), "nothing was called").map_err(|f| Failure { exit: 2, ..f })?;
    if args.stage == Some(Stage::Repositories) {
        stacks = staged(stacks, &args.stacks)?;
    }
    let targets = plan::targets(stacks, &source.label(), &args.stacks, &args.parameters)?;
    check_flags(args, &targets)?;
    let options = DeployOptions {
        aws: args.aws.clone(),
        yes: args.yes,
        no_execute: args.no_execute,
        force: args.force,
        require_approval: args.require_approval,
        execute_change_set: args.execute_change_set.clone(),
        template_bucket: args.template_bucket.clone(),
        format: args.format,
        timeout: Duration::from_secs(args.timeout.saturating_mul(60)),
        concurrency: usize::from(args.concurrency),
        source: source.args(),
        stage: args.stage,
        outputs_file: args.outputs_file.clone(),
        role_arn: args.role_arn.clone(),
    };
    let runtime = aws::runtime()?;
    runtime.block_on(deploy(targets, &options)).map(|_| ())
}

/// `--stage repositories`: each stack cut down to its repositories; stacks
/// without any are skipped (a note says so), or refused when named with
/// `--stack` (exit 2).
fn staged(stacks: Vec<StackArtifact>, selected: &[String]) -> Result<Vec<StackArtifact>, Failure> {
    let mut out = Vec::new();
    let mut without = Vec::new();
    let mut cut = 0;
    for stack in stacks {
        if !selected.is_empty() && !selected.contains(&stack.name) {
            out.push(stack);
            continue;
        }
        match stage::repositories_only(&stack)? {
            Some(s) => {
                cut += 1;
                out.push(s);
            }
            None => without.push(stack.name),
        }
    }
    let named: Vec<String> = without.iter().filter(|n| selected.contains(n)).map(|n| format!("`{n}`")).collect();
    if !named.is_empty() || cut == 0 {
        let which = if named.is_empty() {
            "no stack has ECR repositories".to_owned()
        } else {
            format!("stack {} has no ECR repositories", named.join(", "))
        };
        return Err(Failure::input(format!("--stage repositories: {which}")).help("deploy without --stage"));
    }
    for name in &without {
        eprintln!("note: --stage repositories: stack `{name}` has no ECR repositories: skipped");
    }
    Ok(out)
}

/// `--role-arn` must be a role ARN, of the account of every selected stack
/// that pins one (CloudFormation passes only a role of the stack's account).
pub fn check_role_flag(role: &str, targets: &[Target]) -> Result<(), Failure> {
    let Some(role_account) = rcdk_constructs::core::role_arn_account(role) else {
        return Err(Failure::input(format!("--role-arn `{role}` is not an IAM role ARN"))
            .help("write arn:aws:iam::<account>:role/<name>"));
    };
    let others: Vec<String> = targets
        .iter()
        .filter(|t| t.stack.expected_account().is_some_and(|a| a != role_account))
        .map(|t| format!("`{}` ({})", t.stack.name, t.stack.expected_account().unwrap_or_default()))
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    Err(Failure::input(format!(
        "--role-arn is a role of account {role_account}, but stack(s) {} deploy to another account",
        others.join(", ")
    ))
    .help("select the stacks of that account with --stack, or give each stack its own `cloudformation_role_arn`"))
}

/// Flag combinations that cannot work: exit 2 before any call.
fn check_flags(args: &DeployArgs, targets: &[Target]) -> Result<(), Failure> {
    let stacks = targets.len();
    if let Some(path) = &args.outputs_file {
        outputs::check_path(path)?;
    }
    if let Some(role) = &args.role_arn {
        check_role_flag(role, targets)?;
    }
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
    let places: std::collections::BTreeMap<String, (Option<String>, Option<String>)> = targets
        .iter()
        .map(|t| (t.stack.name.clone(), (t.stack.region.clone(), t.stack.deploy_role_arn.clone())))
        .collect();
    let steps = async {
        let stacks: Vec<account::Expected> = targets
            .iter()
            .map(|t| {
                let s = &t.stack;
                (s.name.clone(), s.region.clone(), s.deploy_role_arn.clone(), s.expected_account())
            })
            .collect();
        let destinations = account::check_all(&ctx.sessions, &stacks).await?;
        let order: Vec<String> = stacks.into_iter().map(|(n, ..)| n).collect();
        for line in account::header(&destinations, &order) {
            ctx.say(&line);
        }
        let reports = schedule::run(targets, Arc::clone(&ctx)).await?;
        if let Some(path) = &ctx.options.outputs_file {
            outputs::write(&ctx.sessions, &places, &reports, path).await?;
            ctx.say(&format!("outputs of {} stack(s) written to {}", outputs::count(&reports), path.display()));
        }
        Ok(reports)
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
