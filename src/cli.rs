//! The command line: flags and subcommands. Doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// rcdk: typed infrastructure for ECS on EC2, synthesized to CloudFormation.
#[derive(Debug, Parser)]
#[command(name = "rcdk", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Synthesize app files into CloudFormation templates.
    Synth(SynthArgs),
    /// Explain what a change does to the templates, resource by resource.
    Diff(DiffArgs),
    /// Deploy stacks through CloudFormation change sets.
    Deploy(DeployArgs),
    /// Delete a deployed stack.
    Destroy(DestroyArgs),
    /// List the app's stacks in deploy order, with account, region and dependencies (no AWS call).
    List(ListArgs),
    /// Pin the ECS-optimized AMI releases the clusters run (rcdk.context.json).
    Ami(AmiArgs),
    /// Create a new project in DIR: an app (app file, or a Rust crate with --rust), its templates,
    /// and the pull-request workflow.
    Init(InitArgs),
    /// Print the JSON Schema of app files (for editor completion and checking).
    Schema,
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff), e.g. `rcdk man > rcdk.1`.
    Man,
    /// Check CloudFormation templates (any, JSON or YAML) for traffic paths that cannot work
    /// (not for template validity: that is cfn-lint's job).
    #[command(
        long_about = "Check CloudFormation templates (any, JSON or YAML) for traffic paths that cannot work: clients to \
    listeners, load balancers to their targets (ECS services, Auto Scaling groups, instances, Classic ELBs), the \
    instances' way out, databases and who uses them, CloudFront origins, alarms nobody hears.\n\n\
    It checks paths, not template validity: a template CloudFormation would refuse may pass (use cfn-lint for that). \
    What depends on a value known only at deployment is not guessed: a parameter's default is assumed (a problem that \
    holds with the defaults is a warning naming them), and what cannot be told at all is listed as a note, with why. \
    Give every template of an app at once: exports are linked to imports (`Fn::ImportValue`), and a nested stack's \
    parameters come from its parent when its `TemplateURL` names one of the files.",
        after_help = "Exit codes: 0 no broken path (warnings and notes printed); 1 a broken path, or a warning under \
    `--deny-warnings`; 2 a template could not be read (every other template is still checked, every unreadable one is \
    listed)."
    )]
    Check(CheckArgs),
    /// Explain a diagnostic code, e.g. `rcdk explain vpc:cidr-invalid`; `--list` lists them all.
    Explain(ExplainArgs),
}

/// `rcdk explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code, as printed in brackets after a problem (a former spelling works too).
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    pub code: Option<String>,
    /// List every code with its title instead.
    #[arg(long)]
    pub list: bool,
    /// Output format (`--list --format markdown` prints docs/diagnostics.md).
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

/// Output format of `rcdk explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ExplainFormat {
    /// Plain text for a terminal.
    #[default]
    Text,
    /// Markdown.
    Markdown,
}

/// `rcdk init`.
#[derive(Debug, Args)]
#[command(after_help = "Exit codes: 0 created; 1 a file could not be written (nothing is left behind); 2 DIR \
exists and is not empty, --rcdk-path is not an rcdk checkout, or the name (--name or DIR's) is not valid; nothing \
written.")]
pub struct InitArgs {
    /// The new project's directory: missing (it is created, with its parents) or empty.
    pub dir: PathBuf,
    /// Write a Rust crate (`Cargo.toml`, `src/main.rs`, `rcdk.toml`) instead of an app file.
    #[arg(long)]
    pub rust: bool,
    /// The rcdk checkout (or its `app/` directory) the crate depends on by path, with `--rust`.
    /// Default: the checkout this rcdk was built from.
    #[arg(long, value_name = "PATH", requires = "rust")]
    pub rcdk_path: Option<PathBuf>,
    /// The project's name: the Cargo package (with `--rust`), the stack `<NAME>-dev` and its
    /// template. Letters, digits and hyphens, starting with a letter.
    /// Default: the last component of DIR, lower-cased, other characters turned into hyphens.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

/// `rcdk completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Template file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TemplateFormat {
    /// YAML with long-form intrinsic functions.
    #[default]
    Yaml,
    /// Pretty-printed JSON.
    Json,
}

impl From<TemplateFormat> for rcdk_constructs::cfn::Format {
    fn from(f: TemplateFormat) -> Self {
        match f {
            TemplateFormat::Yaml => rcdk_constructs::cfn::Format::Yaml,
            TemplateFormat::Json => rcdk_constructs::cfn::Format::Json,
        }
    }
}

/// `rcdk synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// App files to synthesize. Default: `--app`, else `app` in `rcdk.toml`, else `app.yaml` in
    /// the current directory, else every `.yaml` file in `examples/`.
    pub app_files: Vec<PathBuf>,
    /// Run this command to get the app: a program that writes a cloud assembly into
    /// `$RCDK_OUTDIR` (e.g. `cargo run -q -p infra`). Default: `app` in the nearest `rcdk.toml`.
    #[arg(long, value_name = "CMD", conflicts_with = "app_files")]
    pub app: Option<String>,
    /// Directory the templates are written to, as `<stack>.yaml` or `<stack>.json`.
    #[arg(long, value_name = "DIR", default_value = "templates")]
    pub out: PathBuf,
    /// Template format.
    #[arg(long, value_enum, default_value_t = TemplateFormat::Yaml)]
    pub format: TemplateFormat,
    /// Print the templates instead of writing them.
    #[arg(long, conflicts_with = "check")]
    pub stdout: bool,
    /// Write nothing; exit 1 and list the templates that are stale or missing.
    #[arg(long)]
    pub check: bool,
    /// Treat the whole-app analysis' warnings as errors (exit 2, nothing written).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also print every diagnostic (errors, warnings, notes: the whole-app analysis and the rule
    /// packs of `compliance:`) on stdout as rcdk's JSON or SARIF 2.1.0, for GitHub code scanning.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Text, conflicts_with = "stdout")]
    pub diagnostics: ReportFormat,
}

/// Output format of `rcdk diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DiffFormat {
    /// Human-readable text, coloured on a terminal (plain when piped or with NO_COLOR).
    #[default]
    Text,
    /// Markdown for a pull-request comment.
    Markdown,
    /// JSON with a stable, documented shape.
    Json,
}

/// A condition under which `rcdk diff --fail-on` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Gate {
    /// Permissions or network access widen: the security view has a broadening change, or a
    /// reachability path appears.
    Broadening,
    /// A resource is (or may be) replaced, renames included.
    Replacement,
    /// A resource holding data is deleted or replaced (the diff's "dangerous" changes; a
    /// retained removal is not one).
    DataLoss,
    /// A change CloudFormation will refuse or fail to carry out.
    WillFail,
}

/// When `rcdk deploy` needs an approval beyond `--yes` (the AWS CDK's `--require-approval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RequireApproval {
    /// Never: `--yes` (or the usual confirmation) is enough.
    Never,
    /// When the change set broadens permissions or network access (the security view).
    #[default]
    Broadening,
    /// For every change set.
    AnyChange,
}

impl RequireApproval {
    /// The flag value as typed: `never`, `broadening`, `any-change`.
    pub fn flag(self) -> &'static str {
        match self {
            RequireApproval::Never => "never",
            RequireApproval::Broadening => "broadening",
            RequireApproval::AnyChange => "any-change",
        }
    }
}

/// `rcdk diff`.
///
/// With one path, an app file: it is synthesized in memory and compared with
/// the templates it was last synthesized to (`--against-dir`, default
/// `templates`), a git revision of them (`--against-git`) or the deployed
/// stacks (`--against-stack`). With two paths, `OLD NEW`: two template files,
/// or two directories of templates paired by file name (the stack name); no
/// app file is read and the `--against-*` flags do not apply.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// An app file, or OLD and NEW: two CloudFormation template files (JSON or YAML) or two
    /// directories of templates. Default: the app of `--app`, `--assembly`, or `rcdk.toml`.
    #[arg(id = "app_file", value_name = "APP_FILE | OLD NEW", num_args = 0..=2)]
    pub paths: Vec<PathBuf>,
    /// Where the app comes from, when not an app file.
    #[command(flatten)]
    pub source: AppArgs,
    /// Compare against the templates in this directory. Default: `templates` in the current
    /// directory, else the nearest `templates/` above it or above the app file, up to the
    /// repository root.
    #[arg(long, group = "against")]
    pub against_dir: Option<PathBuf>,
    /// Compare against the templates directory at a git revision, e.g. `origin/main`: `templates/`
    /// in the current directory, else at the repository root, else next to the app file.
    #[arg(long, group = "against", value_name = "REV")]
    pub against_git: Option<String>,
    /// Compare against the deployed stacks' templates (GetTemplate).
    #[arg(long, group = "against")]
    pub against_stack: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when there are differences.
    #[arg(long)]
    pub exit_code: bool,
    /// Exit 1 when one of these holds (comma-separated, any subset): `broadening` (the security
    /// view has a broadening change, or a reachability path appears), `replacement` (a resource
    /// is or may be replaced), `data-loss` (a resource holding data is deleted or replaced),
    /// `will-fail` (CloudFormation will refuse a change). The report is printed first.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "GATE,...")]
    pub fail_on: Vec<Gate>,
    /// Treat the whole-app analysis' warnings as errors (exit 2).
    #[arg(long)]
    pub deny_warnings: bool,
    /// AWS connection flags (for `--against-stack`).
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Where the app comes from when it is not an app file (shared by diff, deploy and destroy).
#[derive(Debug, Args, Clone, Default)]
pub struct AppArgs {
    /// Run this command to get the app: a program that writes a cloud assembly into
    /// `$RCDK_OUTDIR` (e.g. `cargo run -q -p infra`). Default: `app` in the nearest `rcdk.toml`.
    #[arg(long, value_name = "CMD", conflicts_with_all = ["app_file", "assembly"])]
    pub app: Option<String>,
    /// Read a cloud assembly written earlier (the templates and `manifest.json` of
    /// `rcdk synth`) instead of synthesizing, so exactly the reviewed bytes are used.
    #[arg(long, value_name = "DIR", conflicts_with = "app_file")]
    pub assembly: Option<PathBuf>,
}

/// Flags that say how to reach AWS, shared by every command that calls it.
#[derive(Debug, Args, Clone, Default)]
pub struct AwsArgs {
    /// Region. Default: the stack's region in the app file, then the environment or profile.
    #[arg(long)]
    pub region: Option<String>,
    /// Named profile from the shared AWS config files; when given it wins over
    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`. A profile that does not exist is exit 2.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint URL for every AWS call (CloudFormation, S3, ECR, IAM, ...), e.g. a moto_server.
    /// Default: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then AWS's own.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// `rcdk deploy`.
#[derive(Debug, Args)]
#[command(after_help = "Before each change set, rcdk asks AWS whether the images the services run are in their \
ECR repositories and whether repositories it creates by name are free (codes ecr:image-missing, \
ecr:image-in-new-repository, ecr:repository-exists; `rcdk explain CODE`).\n\n\
Exit codes: 0 deployed, no changes, or `--no-execute` done; 1 the deploy failed or rolled \
back, a pre-deploy check refused it (nothing created), the change set was declined (it is deleted, with the \
REVIEW_IN_PROGRESS stack it created), or AWS refused; 2 bad input (app file, `--stack`, `--parameter`, `--profile`, \
a stack's `account` that is not the credentials' or its deploy role's account, `--role-arn` of another account, a \
secret read by name across accounts, `--stage` on a stack it cannot apply to), nothing created; 130 interrupted \
(rcdk's unexecuted change sets are deleted).\n\n\
A stack with `deploy_role_arn` (or rcdk.toml's `deploy_role_arn = \"arn:aws:iam::{account}:role/NAME\"`) is \
deployed through that role, so stacks of several accounts deploy in one run.")]
pub struct DeployArgs {
    /// The app file to deploy. Default: `--app`, `--assembly`, or `rcdk.toml`.
    pub app_file: Option<PathBuf>,
    /// Where the app comes from, when not an app file.
    #[command(flatten)]
    pub source: AppArgs,
    /// Deploy only these stacks (repeatable). Default: every stack, in dependency order.
    #[arg(long = "stack", value_name = "NAME")]
    pub stacks: Vec<String>,
    /// Execute without asking for confirmation. Without it rcdk asks on a terminal and refuses
    /// without one (exit 2); declining deletes the change set and exits 1.
    #[arg(long)]
    pub yes: bool,
    /// Create and show the change set, but do not execute it; prints the complete command
    /// that executes it.
    #[arg(long)]
    pub no_execute: bool,
    /// Execute the change set even when rcdk finds a change that will fail (a custom-named
    /// resource replaced under the same name, an overlapping replacement subnet, an Elastic IP
    /// still held by the NAT gateway being replaced). Without it such a change set is removed
    /// and deploy exits 1.
    #[arg(long)]
    pub force: bool,
    /// When a change set needs an approval that `--yes` does not give: `broadening` (the
    /// default: it broadens permissions or network access — a new Allow statement, a removed
    /// Deny, a managed policy attached, a security group rule that lets more through),
    /// `any-change`, or `never`. The security view is shown first; on a terminal rcdk asks;
    /// without one the change set is removed and deploy exits 1.
    #[arg(long, value_enum, default_value_t = RequireApproval::Broadening, value_name = "WHEN", env = "RCDK_REQUIRE_APPROVAL")]
    pub require_approval: RequireApproval,
    /// A template parameter, `KEY=VALUE` (repeatable); overrides the app file's `parameters`.
    /// It applies to every selected stack whose template declares `KEY`.
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,
    /// Execute the existing change set NAME (printed by `--no-execute`) instead of creating
    /// one. Needs exactly one stack (`--stack`).
    #[arg(long, value_name = "NAME", conflicts_with = "no_execute")]
    pub execute_change_set: Option<String>,
    /// S3 bucket for templates over 51,200 bytes (CloudFormation's inline limit); each body is
    /// stored once, under its SHA-256. Default: `rcdk-templates-<account>-<region>`, created on
    /// first use with public access blocked, SSE-S3 encryption and a lifecycle rule that
    /// expires template copies after 30 days.
    #[arg(long, value_name = "BUCKET")]
    pub template_bucket: Option<String>,
    /// How the change set is printed. With `markdown`, stdout carries only the Markdown;
    /// progress and prompts go to stderr.
    #[arg(long, value_enum, default_value_t = ChangeSetFormat::Text)]
    pub format: ChangeSetFormat,
    /// Give up waiting for a stack (change set creation or execution) after this many minutes;
    /// CloudFormation carries on.
    #[arg(long, value_name = "MINUTES", default_value_t = 60)]
    pub timeout: u64,
    /// Write every deployed stack's outputs to FILE as JSON, in the AWS CDK's `--outputs-file`
    /// shape: `{"<stack>": {"<OutputKey>": "<value>", ...}, ...}` (stacks without changes
    /// included, with their current outputs; `--no-execute` stacks left out). Written once every
    /// stack has deployed; a failed deploy writes nothing.
    #[arg(long, value_name = "FILE")]
    pub outputs_file: Option<PathBuf>,
    /// The CloudFormation service role for every selected stack: CloudFormation creates,
    /// updates and deletes resources with its permissions (`RoleARN`). Overrides each stack's
    /// `cloudformation_role_arn`; must be a role of the stacks' account. Default: none.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Deploy only one part of each stack. `repositories`: only the stack's ECR repositories
    /// (and the outputs that name them), for the first deploy of an app that builds its own
    /// images: deploy the repositories, push the images, then deploy without `--stage`.
    /// Stacks without repositories are skipped; refused (exit 2) for a stack that already
    /// holds other resources.
    #[arg(long, value_enum, value_name = "PART")]
    pub stage: Option<Stage>,
    /// How many independent stacks deploy at the same time (with `--yes` or `--no-execute`;
    /// otherwise one at a time, so each confirmation is asked on its own).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub concurrency: u16,
    /// AWS connection flags.
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// A part of a stack `rcdk deploy --stage` deploys on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Stage {
    /// The stack's ECR repositories (`AWS::ECR::Repository`) and the outputs that name them.
    Repositories,
}

/// How `rcdk deploy` prints a change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ChangeSetFormat {
    /// Aligned text, one line per resource change.
    #[default]
    Text,
    /// A Markdown table, for a pull-request comment.
    Markdown,
}

/// `rcdk destroy`.
#[derive(Debug, Args)]
#[command(after_help = "Before deleting, rcdk lists what the stack's DeletionPolicy keeps (and what it goes on \
costing), refuses a stack that termination protection or a database's or load balancer's deletion protection \
would block (stack:termination-protection, rds:deletion-protection-blocks-destroy, \
elbv2:deletion-protection-blocks-destroy; `rcdk explain CODE`), and lifts the scale-in protection of the \
stack's Auto Scaling groups so they can be deleted. A deletion that ends DELETE_FAILED names each resource that \
blocked it and the command that unblocks it.\n\n\
Exit codes: 0 deleted (or there was no such stack); 1 the deletion failed, was refused because of a \
protection (nothing deleted), was not confirmed, or AWS refused; 2 bad input (app file, `--stack`, `--profile`, a \
stack's `account` that is not the credentials' account), nothing deleted; 130 interrupted.")]
pub struct DestroyArgs {
    /// The app file that defines the stack. Default: `--app`, `--assembly`, or `rcdk.toml`.
    pub app_file: Option<PathBuf>,
    /// Where the app comes from, when not an app file.
    #[command(flatten)]
    pub source: AppArgs,
    /// The stack to delete.
    #[arg(long = "stack", value_name = "NAME", required = true)]
    pub stack: String,
    /// Delete without asking for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Give up waiting for the deletion after this many minutes; CloudFormation carries on.
    #[arg(long, value_name = "MINUTES", default_value_t = 60)]
    pub timeout: u64,
    /// The CloudFormation service role that deletes the stack's resources (`RoleARN` of
    /// DeleteStack). Default: the stack's `cloudformation_role_arn`, else none.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Turn off what would block the deletion, after the confirmation: the stack's termination
    /// protection, its databases' and load balancers' deletion protection (rcdk waits until
    /// RDS applies it). Without it such a stack is refused, exit 1, with the commands.
    #[arg(long)]
    pub disable_deletion_protection: bool,
    /// AWS connection flags.
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// `rcdk ami`.
#[derive(Debug, Args)]
pub struct AmiArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AmiCommand,
}

/// The `rcdk ami` subcommands.
#[derive(Debug, Subcommand)]
pub enum AmiCommand {
    /// Pin every cluster's ECS-optimized AMI to the release AWS recommends now: looks it up
    /// (SSM GetParameter) in each region the app's clusters deploy to, rewrites rcdk.context.json
    /// beside the app, and prints each change (`REGION FAMILY: OLD (ami-…) → NEW (ami-…)`).
    Update(AmiUpdateArgs),
}

/// `rcdk ami update`.
#[derive(Debug, Args)]
#[command(after_help = "A cluster whose stack has a region reads the AMI of the release pinned for (region, \
SSM parameter) in rcdk.context.json, beside the app file (or beside rcdk.toml for an app command); without a pin \
it reads the recommended AMI anew at every deploy. After an update, `rcdk synth` rewrites the templates and \
`rcdk diff` shows the release change; the deploy replaces the instances by instance refresh.\n\n\
Exit codes: 0 the pins are current (written, or with --dry-run printed); 1 with --exit-code a pin moved or \
would move, or AWS refused or could not be reached (nothing written); 2 bad input (app file, context file, \
--profile), nothing written.")]
pub struct AmiUpdateArgs {
    /// App files. Default: `--app`, `app` in `rcdk.toml`, else `app.yaml` here, else every `.yaml` file
    /// in `examples/`. App files in one directory share its rcdk.context.json.
    pub app_files: Vec<PathBuf>,
    /// Run this command to get the app (see `rcdk synth --help`); the pins go to rcdk.context.json in
    /// the directory it runs in, and reach the program through `RCDK_CONTEXT`.
    #[arg(long, value_name = "CMD", conflicts_with = "app_files")]
    pub app: Option<String>,
    /// Print what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Exit 1 when a pin moves (or would move, with --dry-run), e.g. for a scheduled job that opens
    /// a pull request.
    #[arg(long)]
    pub exit_code: bool,
    /// Named profile from the shared AWS config files; when given it wins over
    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`. A profile that does not exist is exit 2.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint URL for the SSM calls, e.g. a moto_server. Default: `AWS_ENDPOINT_URL_SSM`, then
    /// `AWS_ENDPOINT_URL`, then AWS's own.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// Machine-readable diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// Human-readable lines on stderr.
    #[default]
    Text,
    /// rcdk's JSON (version 1) on stdout: every diagnostic with its level, code, file, line, column, rule.
    Json,
    /// SARIF 2.1.0 on stdout, for GitHub code scanning (`github/codeql-action/upload-sarif`).
    Sarif,
}

/// Output format of `rcdk list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    /// One aligned line per stack.
    #[default]
    Text,
    /// A JSON array, one object per stack (`name`, `account`, `region`, `dependsOn`).
    Json,
}

/// `rcdk list`.
#[derive(Debug, Args)]
#[command(after_help = "Stacks are listed in the order `rcdk deploy` deploys them: a stack after the stacks it \
depends on. An account or region the app does not pin is shown as `-` (text) or null (JSON): the credentials' \
at deploy time.\n\nExit codes: 0 listed; 2 bad input (an invalid app file, no app), nothing called.")]
pub struct ListArgs {
    /// App files. Default: `--app`, `--assembly`, `app` in `rcdk.toml`, else `app.yaml` here,
    /// else every `.yaml` file in `examples/`.
    pub app_files: Vec<PathBuf>,
    /// Run this command to get the app (see `rcdk synth --help`).
    #[arg(long, value_name = "CMD", conflicts_with = "app_files")]
    pub app: Option<String>,
    /// Read a cloud assembly written earlier instead.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["app_files", "app"])]
    pub assembly: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// `rcdk check`.
#[derive(Debug, Args)]
#[command(after_help = "Exit codes: 0 every path works (and every rule passes); 1 a broken path or a failed rule \
(or a warning with --deny-warnings); 2 a template or rule directory that cannot be read, or a template nested too \
deep for the rule engine.")]
pub struct CheckArgs {
    /// CloudFormation templates (JSON or YAML; short-form tags such as `!Ref` allowed),
    /// analysed together.
    #[arg(required = true, value_name = "TEMPLATE")]
    pub templates: Vec<PathBuf>,
    /// Evaluate a rule pack too (repeatable): `control-tower` (the AWS Control Tower proactive
    /// controls, vendored), or a directory of AWS CloudFormation Guard `.guard` files. Each failed
    /// rule is an error, located at the template's resource.
    #[arg(long = "rules", value_name = "PACK|DIR")]
    pub rules: Vec<String>,
    /// How findings are reported: text on stderr, or JSON or SARIF on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// The region the templates deploy to: checks certificates and availability zones
    /// against it and resolves `AWS::Region`. Default: unknown, those checks are skipped.
    #[arg(long)]
    pub region: Option<String>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}
