//! `rcdk deploy`: ship stacks through CloudFormation change sets.
//!
//! [`run`] reads as its steps: synthesize in memory → per stack: read its
//! state → create a change set → wait → show → confirm → execute → follow
//! with progress → report. Everything that can be checked locally (the app
//! file, `--stack` names, parameters, confirmation possible) is checked before
//! any AWS call (exit 2). The AWS side goes through [`crate::aws`].
//!
//! Library users (and tests) call [`deploy`] with [`Target`]s they built.

pub mod change_set;
pub mod follow;
pub mod plan;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_cloudformation::types::{ChangeSetStatus, ChangeSetType, ExecutionStatus};
use aws_sdk_cloudformation::Client;
use indicatif::MultiProgress;
use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::SynthesizedStack;
use tokio::task::JoinSet;

use crate::app_file::AppFile;
use crate::aws;
use crate::cli::{AwsArgs, ChangeSetFormat, DeployArgs};
use crate::failure::Failure;
use change_set::{ChangeSetId, ChangeSetRequest, ChangeSetSummary, TemplateSource};
use follow::{Follow, StatusKind};

/// One stack to deploy, with the parameter values to pass.
#[derive(Debug, Clone)]
pub struct Target {
    /// The synthesized stack (its body is what CloudFormation receives).
    pub stack: SynthesizedStack,
    /// Parameter values (already checked against the template).
    pub parameters: BTreeMap<String, String>,
    /// The region of each stack whose outputs feed this one's inputs
    /// (`None`: the environment's region).
    pub producers: BTreeMap<String, Option<String>>,
}

/// How to deploy.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Where AWS is.
    pub aws: AwsArgs,
    /// Execute without asking.
    pub yes: bool,
    /// Create and show the change set only.
    pub no_execute: bool,
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
    /// The app file, to print commands that can be copied.
    pub app_file: PathBuf,
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

/// Runs `rcdk deploy`.
pub fn run(args: &DeployArgs) -> Result<(), Failure> {
    let targets = targets(&args.app_file, &args.stacks, &args.parameters)?;
    if args.execute_change_set.is_some() && targets.len() != 1 {
        return Err(Failure::input("--execute-change-set needs exactly one stack")
            .help("name it with --stack NAME (change set names belong to one stack)"));
    }
    if !args.yes && !args.no_execute && !can_ask() {
        return Err(Failure::input("refusing to deploy without confirmation: stdin is not a terminal")
            .help("pass --yes to execute the change sets, or --no-execute to create them for review only"));
    }
    let options = DeployOptions {
        aws: args.aws.clone(),
        yes: args.yes,
        no_execute: args.no_execute,
        execute_change_set: args.execute_change_set.clone(),
        template_bucket: args.template_bucket.clone(),
        format: args.format,
        timeout: Duration::from_secs(args.timeout.saturating_mul(60)),
        concurrency: usize::from(args.concurrency),
        app_file: args.app_file.clone(),
    };
    let runtime = aws::runtime()?;
    runtime.block_on(deploy(targets, &options)).map(|_| ())
}

/// Synthesizes the app file in memory (the bytes `rcdk synth` writes), selects
/// the stacks and resolves their parameters. Every problem is exit 2.
pub fn targets(app_file: &Path, selected: &[String], parameter_flags: &[String]) -> Result<Vec<Target>, Failure> {
    let app = AppFile::load(app_file)?;
    let stacks = app.synth(Format::Yaml)?;
    let names: Vec<&str> = stacks.iter().map(|s| s.name()).collect();
    let unknown: Vec<&String> = selected.iter().filter(|s| !names.contains(&s.as_str())).collect();
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.iter().map(|s| format!("`{s}`")).collect();
        return Err(Failure::input(format!("{} defines no stack {}", app_file.display(), list.join(", ")))
            .help(format!("its stacks are: {}", names.join(", "))));
    }
    let flags = plan::parse_parameter_flags(parameter_flags).map_err(|p| Failure::input(p.join("\n")))?;
    let regions: BTreeMap<String, Option<String>> =
        stacks.iter().map(|s| (s.name().to_owned(), s.props.region.clone())).collect();
    let chosen: Vec<SynthesizedStack> =
        stacks.into_iter().filter(|s| selected.is_empty() || selected.iter().any(|n| n == s.name())).collect();
    let templates: Vec<_> = chosen.iter().map(|s| &s.template).collect();
    let mut problems: Vec<String> = plan::unused_flags(&flags, &templates)
        .into_iter()
        .map(|k| format!("--parameter {k}: no selected stack's template declares a parameter `{k}`"))
        .collect();
    let mut out = Vec::new();
    for stack in chosen {
        let producers =
            stack.inputs.iter().map(|i| (i.stack.clone(), regions.get(&i.stack).cloned().flatten())).collect();
        let fed: BTreeSet<&str> = stack.inputs.iter().map(|i| i.parameter.as_str()).collect();
        match plan::resolve_parameters(stack.name(), &stack.template, &stack.props.parameters, &flags, &fed) {
            Ok(parameters) => out.push(Target { stack, parameters, producers }),
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Failure::input(problems.join("\n")))
    }
}

/// Whether a confirmation can be asked: stdin and stderr are terminals.
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks a yes/no question on the terminal. Anything but `y`/`yes` is no.
pub fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(_) => matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
        Err(_) => false,
    }
}

/// Shared state of one deploy run.
struct Context {
    options: DeployOptions,
    progress: Option<MultiProgress>,
    /// Stacks whose change set is executing: what Ctrl-C leaves running.
    executing: Mutex<BTreeSet<String>>,
}

impl Context {
    fn say(&self, line: &str) {
        match &self.progress {
            Some(m) => {
                let _ = m.println(line);
            }
            None => eprintln!("{line}"),
        }
    }
}

/// Deploys `targets` in order: a stack after the stacks it depends on,
/// independent stacks concurrently (bounded; one at a time when each needs a
/// confirmation). After a failure no new stack starts. Ctrl-C stops waiting
/// (exit 130); CloudFormation carries on.
pub async fn deploy(targets: Vec<Target>, options: &DeployOptions) -> Result<Vec<StackReport>, Failure> {
    let ctx = Arc::new(Context {
        options: options.clone(),
        progress: std::io::stderr().is_terminal().then(MultiProgress::new),
        executing: Mutex::new(BTreeSet::new()),
    });
    tokio::select! {
        result = schedule(targets, Arc::clone(&ctx)) => result,
        _ = tokio::signal::ctrl_c() => Err(interrupted(&ctx.executing.lock().map(|s| s.clone()).unwrap_or_default())),
    }
}

fn interrupted(executing: &BTreeSet<String>) -> Failure {
    if executing.is_empty() {
        return Failure::interrupted("interrupted; no stack operation was started by this run");
    }
    let names: Vec<&str> = executing.iter().map(String::as_str).collect();
    let first = names[0];
    Failure::interrupted(format!(
        "interrupted: stopped waiting for {}; CloudFormation carries on with the operation",
        names.join(", ")
    ))
    .help(follow::follow_help(first))
}

async fn schedule(targets: Vec<Target>, ctx: Arc<Context>) -> Result<Vec<StackReport>, Failure> {
    let selected: BTreeSet<String> = targets.iter().map(|t| t.stack.name().to_owned()).collect();
    let bound = if ctx.options.yes || ctx.options.no_execute { ctx.options.concurrency.max(1) } else { 1 };
    let mut pending: Vec<Target> = targets;
    let mut reports: BTreeMap<String, StackReport> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut failures: Vec<(String, Failure)> = Vec::new();
    let mut running: JoinSet<(String, Result<Outcome, Failure>)> = JoinSet::new();
    loop {
        if failures.is_empty() {
            let mut i = 0;
            while i < pending.len() && running.len() < bound {
                let ready =
                    pending[i].stack.depends_on.iter().all(|d| !selected.contains(d) || reports.contains_key(d));
                if ready {
                    let mut target = pending.remove(i);
                    wire_outputs(&mut target, &reports);
                    let name = target.stack.name().to_owned();
                    order.push(name.clone());
                    let ctx = Arc::clone(&ctx);
                    running.spawn(async move { (name, deploy_stack(&ctx, &target).await) });
                } else {
                    i += 1;
                }
            }
        }
        let Some(joined) = running.join_next().await else { break };
        match joined {
            Ok((name, Ok(outcome))) => {
                reports.insert(name.clone(), StackReport { stack: name, outcome });
            }
            Ok((name, Err(f))) => failures.push((name, f)),
            Err(e) => failures.push(("?".into(), Failure::no(format!("a deploy task stopped: {e}")))),
        }
    }
    if failures.is_empty() {
        return Ok(order.into_iter().filter_map(|n| reports.remove(&n)).collect());
    }
    let skipped: Vec<String> = pending.iter().map(|t| t.stack.name().to_owned()).collect();
    if failures.len() == 1 && skipped.is_empty() {
        return Err(failures.remove(0).1);
    }
    let mut message = String::new();
    let mut help = None;
    let mut exit = failures[0].1.exit;
    for (name, f) in &failures {
        message.push_str(&format!("stack `{name}`: {}\n", f.message));
        help = help.or_else(|| f.help.clone());
        exit = exit.max(f.exit);
    }
    if !skipped.is_empty() {
        message.push_str(&format!("not started after the failure: {}", skipped.join(", ")));
    }
    Err(Failure { exit, message: message.trim_end().to_owned(), help })
}

/// Cross-stack wiring, first half: outputs of stacks deployed earlier in this
/// run feed the parameters of `target` they are declared for. A value given
/// explicitly (`--parameter`, the app file) wins.
fn wire_outputs(target: &mut Target, deployed: &BTreeMap<String, StackReport>) {
    for input in &target.stack.inputs {
        if target.parameters.contains_key(&input.parameter) {
            continue;
        }
        if let Some(StackReport { outcome: Outcome::Deployed { outputs, .. }, .. }) = deployed.get(&input.stack) {
            if let Some((_, value)) = outputs.iter().find(|(k, _)| *k == input.output) {
                target.parameters.insert(input.parameter.clone(), value.clone());
            }
        }
    }
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
        let config = aws::sdk_config(&ctx.options.aws, region.as_deref()).await?;
        let client = aws::cloudformation(&config);
        let producer = aws::describe_stack(&config, &client, &input.stack).await?;
        let value = producer
            .as_ref()
            .and_then(|s| s.outputs().iter().find(|o| o.output_key() == Some(input.output.as_str())))
            .and_then(|o| o.output_value().map(str::to_owned));
        match value {
            Some(v) => {
                values.insert(input.parameter.clone(), v);
            }
            None => {
                return Err(Failure::no(format!(
                    "stack `{}` needs output `{}` of stack `{}` for its parameter `{}`, but {}",
                    target.stack.name(),
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

/// The state of a stack before a deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackState {
    /// No such stack.
    Absent,
    /// A create change set was never executed: create again.
    ReviewInProgress,
    /// The first create failed and rolled back: it cannot be updated.
    RollbackComplete,
    /// An operation is running (the status says which).
    Busy(String),
    /// Cannot be updated until fixed by hand (the status says why).
    Stuck(String),
    /// Deployed: update it.
    Deployed(String),
}

/// Classifies a stack status.
pub fn stack_state(status: Option<&str>) -> StackState {
    match status {
        None | Some("DELETE_COMPLETE") => StackState::Absent,
        Some("REVIEW_IN_PROGRESS") => StackState::ReviewInProgress,
        Some("ROLLBACK_COMPLETE") => StackState::RollbackComplete,
        Some(s @ ("UPDATE_ROLLBACK_FAILED" | "ROLLBACK_FAILED" | "DELETE_FAILED")) => StackState::Stuck(s.into()),
        Some(s) if follow::status_kind(s) == StatusKind::InProgress => StackState::Busy(s.into()),
        Some(s) => StackState::Deployed(s.into()),
    }
}

async fn deploy_stack(ctx: &Context, target: &Target) -> Result<Outcome, Failure> {
    let name = target.stack.name();
    let config = aws::sdk_config(&ctx.options.aws, target.stack.props.region.as_deref()).await?;
    let client = aws::cloudformation(&config);

    if let Some(existing) = &ctx.options.execute_change_set {
        let summary = change_set::describe(&config, &client, name, existing).await?;
        if summary.status != Some(ChangeSetStatus::CreateComplete)
            || summary.execution_status != Some(ExecutionStatus::Available)
        {
            return Err(Failure::no(format!(
                "change set `{existing}` of stack `{name}` cannot be executed: status {}, execution status {}{}",
                summary.status.as_ref().map(|s| s.as_str()).unwrap_or("?"),
                summary.execution_status.as_ref().map(|s| s.as_str()).unwrap_or("?"),
                summary.status_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
            )));
        }
        println!("{}", change_set::render(&summary, ctx.options.format));
        return confirm_and_execute(ctx, &config, &client, target, &summary).await;
    }

    // 1. The stack's state decides CREATE or UPDATE.
    let current = aws::describe_stack(&config, &client, name).await?;
    let status = current.as_ref().and_then(|s| s.stack_status().map(|s| s.as_str().to_owned()));
    let change_set_type = match stack_state(status.as_deref()) {
        StackState::Absent => ChangeSetType::Create,
        StackState::ReviewInProgress => {
            ctx.say(&format!("{name}: REVIEW_IN_PROGRESS (a create that was never executed): creating it again"));
            ChangeSetType::Create
        }
        StackState::RollbackComplete => {
            recreate_after_rollback(ctx, &config, &client, name, current.as_ref().and_then(|s| s.stack_id())).await?;
            ChangeSetType::Create
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
                _ => format!("rcdk destroy {} --stack {name}", ctx.options.app_file.display()),
            };
            return Err(Failure::no(format!("stack `{name}` is {s} and cannot be updated")).help(fix));
        }
        StackState::Deployed(_) => ChangeSetType::Update,
    };

    // 2. Create the change set and wait for it.
    let parameters = read_inputs(ctx, target).await?;
    let cs_name = plan::change_set_name();
    let template = if plan::needs_upload(&target.stack.body) {
        TemplateSource::Url(upload_template(ctx, &config, &target.stack, &cs_name).await?)
    } else {
        TemplateSource::Body(target.stack.body.clone())
    };
    let request = ChangeSetRequest {
        stack: name.to_owned(),
        name: cs_name,
        change_set_type: change_set_type.clone(),
        template,
        parameters: parameters.into_iter().collect(),
        capabilities: plan::capabilities(&target.stack.template, &target.stack.body),
        tags: target.stack.props.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    };
    ctx.say(&format!("{name}: creating change set {} ({})", request.name, change_set_type.as_str()));
    let Some(id) = change_set::create(&config, &client, &request).await? else {
        println!("{name}: no changes");
        return Ok(Outcome::NoChanges);
    };
    let mut summary = change_set::wait(&config, &client, name, &id).await?;
    summary.change_set_type = Some(change_set_type.as_str().to_owned());

    // 3. "No changes" is success; another failure explains itself.
    if summary.status == Some(ChangeSetStatus::Failed) {
        let reason = summary.status_reason.clone().unwrap_or_else(|| "no reason given".into());
        change_set::delete(&config, &client, name, &id.arn).await?;
        if change_set::is_no_changes_reason(&reason) {
            println!("{name}: no changes (the empty change set was deleted)");
            return Ok(Outcome::NoChanges);
        }
        return Err(Failure::no(format!("the change set for stack `{name}` failed: {reason}")));
    }

    // 4. Show it; keep it for review, or confirm and execute.
    println!("{}", change_set::render(&summary, ctx.options.format));
    if ctx.options.no_execute {
        println!(
            "{name}: change set {} kept for review; execute it with:\n  rcdk deploy {} --stack {name} --execute-change-set {}",
            id.name,
            ctx.options.app_file.display(),
            id.name
        );
        return Ok(Outcome::Prepared { change_set: id.name, arn: id.arn });
    }
    confirm_and_execute(ctx, &config, &client, target, &summary).await
}

async fn confirm_and_execute(
    ctx: &Context,
    config: &SdkConfig,
    client: &Client,
    target: &Target,
    summary: &ChangeSetSummary,
) -> Result<Outcome, Failure> {
    let name = target.stack.name();
    let ChangeSetId { arn, stack_id, name: cs_name } = &summary.id;
    if !ctx.options.yes {
        let approved = can_ask() && ask(&format!("Execute change set {cs_name} on stack {name}?"));
        if !approved {
            change_set::delete(config, client, name, arn).await?;
            return Err(Failure::no(format!(
                "stack `{name}` not changed: the change set was not approved and is deleted"
            ))
            .help("run again and answer y, pass --yes, or use --no-execute to keep a change set for review"));
        }
    }

    let since = follow::latest_event_id(config, client, stack_id).await?;
    ctx.executing.lock().map(|mut s| s.insert(name.to_owned())).ok();
    ctx.say(&format!("{name}: executing change set {cs_name}"));
    client
        .execute_change_set()
        .change_set_name(arn)
        .send()
        .await
        .map_err(|e| aws::sdk_failure(config, &format!("executing change set {cs_name} on stack `{name}`"), &e))?;
    let settled = follow::follow(
        config,
        client,
        Follow {
            stack: name,
            stack_id,
            since,
            total: target.stack.template.resources.len() as u64,
            timeout: ctx.options.timeout,
            progress: ctx.progress.as_ref(),
            deleting: false,
            change_set_arn: Some(arn),
        },
    )
    .await?;
    ctx.executing.lock().map(|mut s| s.remove(name)).ok();

    if !settled.ok {
        return Err(Failure::no(format!(
            "stack `{name}` ended in {}:\n  {}",
            settled.status,
            settled.failures.join("\n  ")
        )));
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
    println!("{report}");
    Ok(Outcome::Deployed { status: settled.status, outputs: settled.outputs })
}

/// A stack in ROLLBACK_COMPLETE cannot be updated. Offer to delete it on a
/// terminal; otherwise refuse with the commands to run. Never silently.
async fn recreate_after_rollback(
    ctx: &Context,
    config: &SdkConfig,
    client: &Client,
    name: &str,
    stack_id: Option<&str>,
) -> Result<(), Failure> {
    let refuse = || {
        Failure::no(format!(
            "stack `{name}` is ROLLBACK_COMPLETE: its first create failed and it cannot be updated, only deleted"
        ))
        .help(format!(
            "delete it, then deploy again: rcdk destroy {app} --stack {name} --yes && rcdk deploy {app} --stack {name}",
            app = ctx.options.app_file.display()
        ))
    };
    if !can_ask()
        || !ask(&format!("Stack {name} is ROLLBACK_COMPLETE (its first create failed). Delete it and create it again?"))
    {
        return Err(refuse());
    }
    let stack_id = stack_id.unwrap_or(name);
    client
        .delete_stack()
        .stack_name(stack_id)
        .send()
        .await
        .map_err(|e| aws::sdk_failure(config, &format!("deleting stack `{name}`"), &e))?;
    let settled = follow::follow(
        config,
        client,
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

/// Uploads a template over 51,200 bytes to S3 and returns its `TemplateURL`.
async fn upload_template(
    ctx: &Context,
    config: &SdkConfig,
    stack: &SynthesizedStack,
    cs_name: &str,
) -> Result<String, Failure> {
    let region = config.region().map(|r| r.to_string()).unwrap_or_default();
    let s3 = aws::s3(config);
    let bucket = match &ctx.options.template_bucket {
        Some(b) => b.clone(),
        None => {
            let identity = aws_sdk_sts::Client::new(config)
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| aws::sdk_failure(config, "finding the account for the template bucket", &e))?;
            let account = identity.account.unwrap_or_default();
            let bucket = plan::default_bucket(&account, &region);
            ensure_bucket(config, &s3, &bucket, &region).await?;
            bucket
        }
    };
    let key = format!("{}/{cs_name}.{}", stack.name(), stack.format.extension());
    ctx.say(&format!(
        "{}: template is {} bytes (over 51,200): uploading to s3://{bucket}/{key}",
        stack.name(),
        stack.body.len()
    ));
    s3.put_object()
        .bucket(&bucket)
        .key(&key)
        .body(aws_sdk_s3::primitives::ByteStream::from(stack.body.clone().into_bytes()))
        .send()
        .await
        .map_err(|e| aws::sdk_failure(config, &format!("uploading the template to s3://{bucket}/{key}"), &e))?;
    Ok(plan::template_url(&bucket, &region, &key))
}

/// Creates the default template bucket when it is missing: public access
/// blocked, SSE-S3 encryption.
async fn ensure_bucket(config: &SdkConfig, s3: &aws_sdk_s3::Client, bucket: &str, region: &str) -> Result<(), Failure> {
    use aws_sdk_s3::types::{
        BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration, ServerSideEncryption,
        ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    };
    match s3.head_bucket().bucket(bucket).send().await {
        Ok(_) => return Ok(()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => {}
        Err(e) => return Err(aws::sdk_failure(config, &format!("checking the template bucket `{bucket}`"), &e)),
    }
    let what = format!("creating the template bucket `{bucket}`");
    let mut create = s3.create_bucket().bucket(bucket);
    if region != "us-east-1" {
        create = create.create_bucket_configuration(
            CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::from(region)).build(),
        );
    }
    create.send().await.map_err(|e| aws::sdk_failure(config, &what, &e))?;
    s3.put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .map_err(|e| aws::sdk_failure(config, &what, &e))?;
    let by_default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::Aes256)
        .build()
        .map_err(|e| Failure::no(format!("{what}: {e}")))?;
    let encryption = ServerSideEncryptionConfiguration::builder()
        .rules(ServerSideEncryptionRule::builder().apply_server_side_encryption_by_default(by_default).build())
        .build()
        .map_err(|e| Failure::no(format!("{what}: {e}")))?;
    s3.put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(encryption)
        .send()
        .await
        .map_err(|e| aws::sdk_failure(config, &what, &e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_states() {
        assert_eq!(stack_state(None), StackState::Absent);
        assert_eq!(stack_state(Some("REVIEW_IN_PROGRESS")), StackState::ReviewInProgress);
        assert_eq!(stack_state(Some("ROLLBACK_COMPLETE")), StackState::RollbackComplete);
        assert_eq!(stack_state(Some("UPDATE_IN_PROGRESS")), StackState::Busy("UPDATE_IN_PROGRESS".into()));
        assert_eq!(stack_state(Some("UPDATE_ROLLBACK_FAILED")), StackState::Stuck("UPDATE_ROLLBACK_FAILED".into()));
        assert_eq!(
            stack_state(Some("UPDATE_ROLLBACK_COMPLETE")),
            StackState::Deployed("UPDATE_ROLLBACK_COMPLETE".into())
        );
        assert_eq!(stack_state(Some("CREATE_COMPLETE")), StackState::Deployed("CREATE_COMPLETE".into()));
    }
}
