//! `rcdk deploy`: ship stacks through CloudFormation change sets.
//!
//! [`run`] reads as its steps:
//!
//! 1. **stacks** — [`stack_source`] → [`StackSource::stacks`]: the one seam
//!    that says where the stacks come from (today the app file, synthesized in
//!    memory); everything after it reads [`StackArtifact`]s only;
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

pub mod account;
pub mod approval;
pub mod artifact;
pub mod change_set;
pub mod cleanup;
pub mod confirm;
pub mod cross_account;
pub mod diagnose;
pub mod execute;
pub mod finding;
pub mod follow;
pub mod outputs;
pub mod plan;
pub mod preflight;
pub mod prepare;
pub mod schedule;
pub mod stage;
pub mod state;
pub mod will_fail;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::MultiProgress;
use tokio::sync::Notify;

pub use artifact::{StackArtifact, StackSource};
pub use confirm::{ask, can_ask};
pub use plan::Target;
pub use state::{stack_state, StackState};

use crate::aws::{self, Sessions};
use crate::cli::{AwsArgs, ChangeSetFormat, DeployArgs, RequireApproval, Stage};
use crate::failure::Failure;
use change_set::ChangeSetSummary;
use cleanup::Debris;

/// How to deploy.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Where AWS is.
    pub aws: AwsArgs,
    /// Execute without asking.
    pub yes: bool,
    /// Create and show the change set only.
    pub no_execute: bool,
    /// Execute even when the change will fail (see [`will_fail`]).
    pub force: bool,
    /// When an approval beyond `--yes` is needed (see [`approval`]).
    pub require_approval: RequireApproval,
    /// Execute this existing change set instead of creating one.
    pub execute_change_set: Option<String>,
    /// The S3 bucket for large templates. Default: see [`plan::default_bucket`].
    pub template_bucket: Option<String>,
    /// How change sets are printed.
    pub format: ChangeSetFormat,
    /// How long to wait for each stack.
    pub timeout: Duration,
    /// How many independent stacks deploy at once.
    pub concurrency: usize,
    /// The command-line arguments that name the stacks' source, as typed
    /// (`["examples/web.yaml"]`), to print commands that can be pasted.
    pub source: Vec<String>,
    /// `--stage`: deploy only this part of each stack. Default: the whole stack.
    pub stage: Option<Stage>,
    /// `--outputs-file`: where to write the deployed stacks' outputs. Default: nowhere.
    pub outputs_file: Option<std::path::PathBuf>,
    /// `--role-arn`: the CloudFormation service role of every stack
    /// (overrides each stack's `cloudformation_role_arn`). Default: none.
    pub role_arn: Option<String>,
}

/// How one stack's deploy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The template and parameters match the deployed stack.
    NoChanges,
    /// `--no-execute`: the change set waits for review.
    Prepared {
        /// The change set's name.
        change_set: String,
        /// The change set's ARN.
        arn: String,
    },
    /// The change set was executed and the stack settled successfully.
    Deployed {
        /// The final stack status.
        status: String,
        /// The stack's outputs.
        outputs: Vec<(String, String)>,
    },
}

/// One stack's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackReport {
    /// The stack name.
    pub stack: String,
    /// What happened.
    pub outcome: Outcome,
}

/// The one seam that says where `rcdk deploy` (and `destroy`) get their
/// stacks: today the app file named on the command line (synthesized in
/// memory, the bytes `rcdk synth` writes). A cloud assembly (`--assembly
/// DIR`, `--app CMD`) is another [`StackSource`]; everything after this
/// reads [`StackArtifact`]s only.
pub fn stack_source(app_file: &std::path::Path) -> StackSource {
    StackSource::AppFile(app_file.to_path_buf())
}

/// The source named on the command line: the app file, else `--app`,
/// `--assembly` or `rcdk.toml` (see [`crate::app_source::AppSource`]).
pub fn stack_source_from(
    app_file: Option<&std::path::PathBuf>,
    flags: &crate::cli::AppArgs,
) -> Result<StackSource, Failure> {
    match app_file {
        Some(path) => Ok(stack_source(path)),
        None => Ok(StackSource::App(flags.resolve(None)?)),
    }
}

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

/// Shared state of one deploy run.
pub struct Context {
    /// The options.
    pub options: DeployOptions,
    /// One AWS session per region.
    pub sessions: Sessions,
    /// Progress bars on a terminal.
    pub progress: Option<MultiProgress>,
    /// Stacks whose change set is executing: what Ctrl-C leaves running.
    pub executing: Mutex<BTreeSet<String>>,
    /// Change sets (and stacks) created and not executed: what Ctrl-C removes.
    pub debris: Debris,
    /// Notified by the hidden interruption test hook ([`prepare::TEST_INTERRUPT_ENV`]).
    pub interrupt: Notify,
}

impl Context {
    /// The CloudFormation service role of `target`: `--role-arn`, else the
    /// stack's `cloudformation_role_arn`.
    pub fn cloudformation_role(&self, target: &Target) -> Option<String> {
        self.options.role_arn.clone().or_else(|| target.stack.cloudformation_role_arn.clone())
    }

    /// A progress line (stderr).
    pub fn say(&self, line: &str) {
        match &self.progress {
            Some(m) => {
                let _ = m.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    /// A result line: stdout in text mode; stderr under `--format markdown`,
    /// whose stdout carries only the Markdown.
    pub fn report(&self, line: &str) {
        match self.options.format {
            ChangeSetFormat::Text => println!("{line}"),
            ChangeSetFormat::Markdown => self.say(line),
        }
    }

    /// "no changes" for `stack`: a result line in text mode, a Markdown line
    /// under `--format markdown` (a pull-request comment says so too).
    pub fn no_changes(&self, stack: &str, detail: &str) {
        match self.options.format {
            ChangeSetFormat::Text => println!("{stack}: no changes{detail}"),
            ChangeSetFormat::Markdown => self.document(&format!("### Stack `{stack}`: no changes\n")),
        }
    }

    /// The machine-readable document (a rendered change set): stdout.
    pub fn document(&self, text: &str) {
        println!("{text}");
    }
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

/// `rcdk deploy SOURCE --stack NAME --execute-change-set CS --yes --region R [--profile P] [--endpoint-url U]`.
pub fn execute_command(options: &DeployOptions, stack: &str, change_set: &str, region: &str) -> String {
    let mut words: Vec<String> = vec!["rcdk".into(), "deploy".into()];
    words.extend(options.source.iter().cloned());
    words.extend(["--stack".into(), stack.into(), "--execute-change-set".into(), change_set.into(), "--yes".into()]);
    words.extend(["--region".into(), region.into()]);
    if let Some(p) = &options.aws.profile {
        words.extend(["--profile".into(), p.clone()]);
    }
    if let Some(u) = &options.aws.endpoint_url {
        words.extend(["--endpoint-url".into(), u.clone()]);
    }
    words.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" ")
}

/// A word as a POSIX shell reads it back: as is when it is plain, else in single quotes.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | '@' | '%' | '+' | ',')
        });
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execute_commands_are_complete_and_quoted() {
        let options = DeployOptions {
            aws: AwsArgs {
                region: None,
                profile: Some("prod admin".into()),
                endpoint_url: Some("http://127.0.0.1:5000".into()),
            },
            yes: false,
            no_execute: true,
            force: false,
            require_approval: RequireApproval::Never,
            execute_change_set: None,
            template_bucket: None,
            format: ChangeSetFormat::Text,
            timeout: Duration::from_secs(60),
            concurrency: 1,
            source: vec!["my app.yaml".into()],
            stage: None,
            outputs_file: None,
            role_arn: None,
        };
        assert_eq!(
            execute_command(&options, "web", "rcdk-1-abc", "eu-west-1"),
            "rcdk deploy 'my app.yaml' --stack web --execute-change-set rcdk-1-abc --yes --region eu-west-1 \
             --profile 'prod admin' --endpoint-url http://127.0.0.1:5000"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
