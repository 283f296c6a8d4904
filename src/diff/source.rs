//! Where the old templates come from: a directory, a git revision, or the
//! deployed stacks.

use std::path::{Path, PathBuf};
use std::process::Command;

use rcdk_constructs::core::SynthesizedStack;

use crate::aws;
use crate::cli::{AwsArgs, DiffArgs};
use crate::failure::Failure;

/// The directory templates are read from unless `--against-dir` says otherwise.
pub const DEFAULT_TEMPLATES_DIR: &str = "templates";

/// Extensions a committed template may have, in the order they are looked for.
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// What the app's templates are compared against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// Templates in a directory.
    Dir(PathBuf),
    /// The templates directory at a git revision.
    Git(String),
    /// The deployed stacks (CloudFormation GetTemplate).
    Stack,
}

/// An old template: a label for messages (its file, or `stack NAME`) and its text.
pub type OldTemplate = Option<(String, String)>;

impl Against {
    /// From the command line; the default is the `templates` directory.
    pub fn from_args(args: &DiffArgs) -> Against {
        if let Some(rev) = &args.against_git {
            Against::Git(rev.clone())
        } else if args.against_stack {
            Against::Stack
        } else {
            Against::Dir(args.against_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_TEMPLATES_DIR)))
        }
    }

    /// A short description for the report.
    pub fn describe(&self) -> String {
        match self {
            Against::Dir(d) => format!("{}/", d.display().to_string().trim_end_matches('/')),
            Against::Git(rev) => format!("git {rev}"),
            Against::Stack => "deployed stacks".into(),
        }
    }

    /// The old template of every stack, in order; `None` where there is none.
    pub fn fetch(&self, stacks: &[SynthesizedStack], aws: &AwsArgs) -> Result<Vec<OldTemplate>, Failure> {
        match self {
            Against::Dir(dir) => from_dir(dir, stacks),
            Against::Git(rev) => from_git(rev, stacks),
            Against::Stack => from_stacks(stacks, aws),
        }
    }
}

fn from_dir(dir: &Path, stacks: &[SynthesizedStack]) -> Result<Vec<OldTemplate>, Failure> {
    if let Err(e) = std::fs::read_dir(dir) {
        return Err(Failure::input(format!("cannot read the templates directory {}: {e}", dir.display()))
            .help("run `rcdk synth` first, or name the directory with --against-dir"));
    }
    let mut out = Vec::with_capacity(stacks.len());
    for s in stacks {
        let mut found = None;
        for ext in EXTENSIONS {
            let path = dir.join(format!("{}.{ext}", s.name()));
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    found = Some((path.display().to_string(), text));
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Failure::input(format!("cannot read {}: {e}", path.display()))),
            }
        }
        out.push(found);
    }
    Ok(out)
}

fn git(args: &[&str]) -> Result<std::process::Output, Failure> {
    Command::new("git")
        .args(args)
        .output()
        .map_err(|e| Failure::input(format!("cannot run git: {e}")).help("install git, or compare with --against-dir"))
}

fn from_git(rev: &str, stacks: &[SynthesizedStack]) -> Result<Vec<OldTemplate>, Failure> {
    if rev.starts_with('-') {
        return Err(Failure::input(format!("`{rev}` is not a git revision")));
    }
    let out = git(&["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")])?;
    if !out.status.success() {
        return Err(Failure::input(format!("unknown git revision `{rev}`"))
            .help("name a commit, branch or tag of this repository, e.g. origin/main (fetch it first in CI)"));
    }
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let mut result = Vec::with_capacity(stacks.len());
    for s in stacks {
        let mut found = None;
        for ext in EXTENSIONS {
            let rel = format!("{DEFAULT_TEMPLATES_DIR}/{}.{ext}", s.name());
            // `./` makes the path relative to the current directory, not the repository root.
            let object = format!("{commit}:./{rel}");
            if !git(&["cat-file", "-e", &object])?.status.success() {
                continue;
            }
            let shown = git(&["show", &object])?;
            if !shown.status.success() {
                return Err(Failure::input(format!(
                    "git show {rev}:{rel} failed: {}",
                    String::from_utf8_lossy(&shown.stderr).trim()
                )));
            }
            let text = String::from_utf8(shown.stdout)
                .map_err(|_| Failure::input(format!("{rev}:{rel} is not UTF-8 text")))?;
            found = Some((format!("{rev}:{rel}"), text));
            break;
        }
        result.push(found);
    }
    Ok(result)
}

/// GetTemplate of every stack (as submitted), with the configuration deploy
/// uses: `--region`, else the stack's region, else the environment.
fn from_stacks(stacks: &[SynthesizedStack], aws_args: &AwsArgs) -> Result<Vec<OldTemplate>, Failure> {
    let runtime = aws::runtime()?;
    runtime.block_on(async {
        let sessions = aws::Sessions::new(aws_args.clone());
        let mut out = Vec::with_capacity(stacks.len());
        for s in stacks {
            let aws = sessions.get(s.props.region.as_deref()).await?;
            crate::deploy::account::check(&aws, aws_args, s.name(), s.props.account.as_deref()).await?;
            let body = aws.deployed_template(s.name()).await?;
            out.push(body.map(|b| (format!("stack {} ({})", s.name(), aws.endpoint()), b)));
        }
        Ok(out)
    })
}
