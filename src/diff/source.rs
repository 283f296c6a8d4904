//! Where the old templates come from: a directory, a git revision, or the
//! deployed stacks.

use std::path::{Path, PathBuf};
use std::process::Command;

use rcdk_constructs::core::SynthesizedStack;

#[cfg(feature = "aws")]
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
    /// The templates directory at a git revision; the app file, to find
    /// `templates/` next to it when neither the current directory nor the
    /// repository root has one.
    Git(String, PathBuf),
    /// The deployed stacks (CloudFormation GetTemplate).
    Stack,
}

/// An old template: a label for messages (its file, or `stack NAME`) and its text.
pub type OldTemplate = Option<(String, String)>;

impl Against {
    /// From the command line. The default is the `templates` directory:
    /// in the current directory, else the nearest one above it or above the
    /// app file, up to the repository root.
    pub fn from_args(args: &DiffArgs, app_file: &Path) -> Against {
        if let Some(rev) = &args.against_git {
            Against::Git(rev.clone(), app_file.to_path_buf())
        } else if args.against_stack {
            Against::Stack
        } else {
            Against::Dir(args.against_dir.clone().unwrap_or_else(|| default_dir(app_file)))
        }
    }

    /// A short description for the report.
    pub fn describe(&self) -> String {
        match self {
            Against::Dir(d) => format!("{}/", d.display().to_string().trim_end_matches('/')),
            Against::Git(rev, _) => format!("git {rev}"),
            Against::Stack => "deployed stacks".into(),
        }
    }

    /// The old template of every stack, in order; `None` where there is none.
    /// When a directory or revision holds none of the app's stacks, says so
    /// on stderr, naming what was looked up.
    pub fn fetch(&self, stacks: &[SynthesizedStack], aws: &AwsArgs) -> Result<Vec<OldTemplate>, Failure> {
        let found = match self {
            Against::Dir(dir) => from_dir(dir, stacks)?,
            Against::Git(rev, app_file) => from_git(rev, app_file, stacks)?,
            Against::Stack => return from_stacks(stacks, aws),
        };
        if !stacks.is_empty() && found.0.iter().all(Option::is_none) {
            eprintln!(
                "warning: {} holds no template for any of the app's stacks (looked for {}); every stack is reported as new",
                self.describe(),
                found.1
            );
        }
        Ok(found.0)
    }
}

/// `templates` in the current directory if it is there; else the nearest
/// `templates/` directory above the current directory or above the app
/// file, up to the repository root (the first directory holding `.git`).
fn default_dir(app_file: &Path) -> PathBuf {
    let here = PathBuf::from(DEFAULT_TEMPLATES_DIR);
    if here.is_dir() {
        return here;
    }
    let app_dir = app_file.parent().map(Path::to_path_buf).unwrap_or_default();
    let starts = [PathBuf::from("."), if app_dir.as_os_str().is_empty() { PathBuf::from(".") } else { app_dir }];
    for start in starts {
        let Ok(start) = start.canonicalize() else { continue };
        for dir in start.ancestors() {
            let candidate = dir.join(DEFAULT_TEMPLATES_DIR);
            if candidate.is_dir() {
                return candidate;
            }
            if dir.join(".git").exists() {
                break;
            }
        }
    }
    here
}

/// The names looked up, for the warning: `DIR/{a,b}.{yaml,yml,json}`.
fn looked_up(dir: &str, stacks: &[SynthesizedStack]) -> String {
    let names: Vec<&str> = stacks.iter().map(SynthesizedStack::name).collect();
    let names = if names.len() == 1 { names[0].to_owned() } else { format!("{{{}}}", names.join(",")) };
    format!("{}/{names}.{{{}}}", dir.trim_end_matches('/'), EXTENSIONS.join(","))
}

fn from_dir(dir: &Path, stacks: &[SynthesizedStack]) -> Result<(Vec<OldTemplate>, String), Failure> {
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
    Ok((out, looked_up(&dir.display().to_string(), stacks)))
}

fn git(args: &[&str]) -> Result<std::process::Output, Failure> {
    Command::new("git")
        .args(args)
        .output()
        .map_err(|e| Failure::input(format!("cannot run git: {e}")).help("install git, or compare with --against-dir"))
}

fn git_text(args: &[&str]) -> Result<Option<String>, Failure> {
    let out = git(args)?;
    Ok(out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned()))
}

/// The templates directory in the revision's tree, as a path from the
/// repository root: `templates/` under the current directory, else at the
/// root, else next to (or above) the app file. `None` when none exists.
fn git_templates_dir(commit: &str, app_file: &Path) -> Result<(Option<String>, Vec<String>), Failure> {
    let prefix = git_text(&["rev-parse", "--show-prefix"])?.unwrap_or_default();
    let mut candidates = vec![format!("{prefix}{DEFAULT_TEMPLATES_DIR}"), DEFAULT_TEMPLATES_DIR.to_owned()];
    if let (Some(root), Ok(app)) = (git_text(&["rev-parse", "--show-toplevel"])?, app_file.canonicalize()) {
        if let Ok(root) = Path::new(&root).canonicalize() {
            if let Ok(rel) = app.strip_prefix(&root) {
                for dir in rel.ancestors().skip(1) {
                    let d = dir.display().to_string();
                    candidates.push(if d.is_empty() {
                        DEFAULT_TEMPLATES_DIR.to_owned()
                    } else {
                        format!("{d}/{DEFAULT_TEMPLATES_DIR}")
                    });
                }
            }
        }
    }
    candidates.dedup();
    let mut seen = Vec::new();
    for c in candidates {
        if seen.contains(&c) {
            continue;
        }
        seen.push(c.clone());
        let out = git(&["cat-file", "-t", &format!("{commit}:{c}")])?;
        if out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "tree" {
            return Ok((Some(c), seen));
        }
    }
    Ok((None, seen))
}

fn from_git(rev: &str, app_file: &Path, stacks: &[SynthesizedStack]) -> Result<(Vec<OldTemplate>, String), Failure> {
    if rev.starts_with('-') {
        return Err(Failure::input(format!("`{rev}` is not a git revision")));
    }
    let out = git(&["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")])?;
    if !out.status.success() {
        return Err(Failure::input(format!("unknown git revision `{rev}`"))
            .help("name a commit, branch or tag of this repository, e.g. origin/main (fetch it first in CI)"));
    }
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let (dir, tried) = git_templates_dir(&commit, app_file)?;
    let Some(dir) = dir else {
        let looked = tried.iter().map(|d| format!("{rev}:{d}/")).collect::<Vec<_>>().join(", ");
        return Ok((vec![None; stacks.len()], format!("a templates directory: {looked}")));
    };
    let mut result = Vec::with_capacity(stacks.len());
    for s in stacks {
        let mut found = None;
        for ext in EXTENSIONS {
            let rel = format!("{dir}/{}.{ext}", s.name());
            let object = format!("{commit}:{rel}");
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
    Ok((result, looked_up(&format!("{rev}:{dir}"), stacks)))
}

/// GetTemplate of every stack (as submitted), with the configuration deploy
/// uses: `--region`, else the stack's region, else the environment.
#[cfg(feature = "aws")]
fn from_stacks(stacks: &[SynthesizedStack], aws_args: &AwsArgs) -> Result<Vec<OldTemplate>, Failure> {
    let runtime = aws::runtime()?;
    runtime.block_on(async {
        let sessions = aws::Sessions::new(aws_args.clone());
        let settings = crate::app_source::ProjectSettings::load()?;
        let mut out = Vec::with_capacity(stacks.len());
        for s in stacks {
            let p = &s.props;
            let role = settings.deploy_role(s.name(), p.account.as_deref(), p.deploy_role_arn.as_deref())?;
            let expected = p
                .account
                .clone()
                .or_else(|| role.as_deref().and_then(rcdk_constructs::core::role_arn_account).map(str::to_owned));
            let aws = sessions.get(p.region.as_deref(), role.as_deref()).await?;
            crate::stacks::account::check(&aws, aws_args, s.name(), expected.as_deref(), role.as_deref()).await?;
            let body = aws.deployed_template(s.name()).await?;
            out.push(body.map(|b| (format!("stack {} ({})", s.name(), aws.endpoint()), b)));
        }
        Ok(out)
    })
}

/// Without the `aws` feature there are no deployed templates to read.
#[cfg(not(feature = "aws"))]
fn from_stacks(_stacks: &[SynthesizedStack], _aws_args: &AwsArgs) -> Result<Vec<OldTemplate>, Failure> {
    Err(crate::without_aws::refuse("diff --against-stack"))
}
