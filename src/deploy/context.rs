//! What one deploy run shares: its options, its sessions and progress
//! output, what it created and has not executed (for Ctrl-C), and how a
//! stack's deploy ended.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::MultiProgress;
use tokio::sync::Notify;

use super::cleanup::Debris;
use super::plan::Target;
pub use crate::app_source::shell_quote;
use crate::aws::Sessions;
use crate::cli::{AwsArgs, ChangeSetFormat, RequireApproval, Stage};

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
