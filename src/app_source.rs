//! Where an app's stacks come from: app files, a program run with `--app CMD`
//! (or `app` in `rcdk.toml`), or a cloud assembly directory written earlier
//! (`--assembly DIR`). Every source ends in the same synthesized stacks, so
//! `--check`, diff and deploy treat them alike.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rcdk_constructs::assembly::{AssemblyDiagnostic, Manifest, MANIFEST_FILE};
use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::{Severity, SynthesizedStack};

use crate::app_file::{Position, Problem, Problems, Reported};
use crate::cli::AppArgs;
use crate::failure::Failure;

/// The project file naming the app command.
pub const PROJECT_FILE: &str = "rcdk.toml";
/// The app file of a project `rcdk init` wrote: `rcdk synth` reads it when
/// no app is named.
pub const APP_FILE: &str = "app.yaml";
/// Where `rcdk synth` looks for app files when none are given.
pub const DEFAULT_APP_DIR: &str = "examples";
/// The environment variable naming the directory an app command writes its
/// assembly into (set by rcdk; read by `rcdk_app::emit`).
pub const OUTDIR_ENV: &str = "RCDK_OUTDIR";
/// The environment variable naming the template format (`yaml` or `json`).
pub const FORMAT_ENV: &str = "RCDK_FORMAT";

/// Where the stacks come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppSource {
    /// App files (YAML), synthesized in memory.
    Files(Vec<PathBuf>),
    /// A command that writes a cloud assembly into `$RCDK_OUTDIR`.
    Command {
        /// The command, run by `sh -c`.
        command: String,
        /// The directory it runs in: the current one for `--app`, the
        /// directory of `rcdk.toml` otherwise.
        dir: PathBuf,
        /// The `rcdk.toml` it came from, if any.
        project_file: Option<PathBuf>,
    },
    /// A cloud assembly directory.
    Assembly(PathBuf),
}

impl AppSource {
    /// Picks the source from the command line: app files, `--app`,
    /// `--assembly`, else `app` in the nearest `rcdk.toml` (from the current
    /// directory upward). `None` when none of them is there.
    pub fn from_flags(
        files: &[PathBuf],
        app: Option<&str>,
        assembly: Option<&Path>,
    ) -> Result<Option<AppSource>, Failure> {
        if !files.is_empty() {
            return Ok(Some(AppSource::Files(files.to_vec())));
        }
        if let Some(command) = app {
            if command.trim().is_empty() {
                return Err(Failure::input("--app needs a command, e.g. --app \"cargo run -q -p infra\""));
            }
            return Ok(Some(AppSource::Command {
                command: command.to_owned(),
                dir: PathBuf::from("."),
                project_file: None,
            }));
        }
        if let Some(dir) = assembly {
            return Ok(Some(AppSource::Assembly(dir.to_path_buf())));
        }
        let cwd =
            std::env::current_dir().map_err(|e| Failure::input(format!("cannot read the current directory: {e}")))?;
        match find_project_file(&cwd) {
            Some(path) => project_app(&path),
            None => Ok(None),
        }
    }

    /// The source named by an optional app file and the `--app` /
    /// `--assembly` flags (see [`AppSource::required`]).
    pub fn from_app_args(app_file: Option<&PathBuf>, flags: &AppArgs) -> Result<AppSource, Failure> {
        let files: Vec<PathBuf> = app_file.cloned().into_iter().collect();
        AppSource::required(&files, flags.app.as_deref(), flags.assembly.as_deref())
    }

    /// Like [`AppSource::from_flags`], but a missing app is a usage error.
    pub fn required(files: &[PathBuf], app: Option<&str>, assembly: Option<&Path>) -> Result<AppSource, Failure> {
        Self::from_flags(files, app, assembly)?.ok_or_else(|| {
            Failure::input("no app given").help(format!(
                "name an app file, pass --app \"CMD\" or --assembly DIR, or put `app = \"CMD\"` in {PROJECT_FILE}"
            ))
        })
    }

    /// How to name this source on rcdk's command line (for messages that
    /// print a command to copy).
    pub fn cli_args(&self) -> String {
        match self {
            AppSource::Files(files) => files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(" "),
            AppSource::Command { project_file: Some(_), .. } => String::new(),
            AppSource::Command { command, .. } => format!("--app {}", shell_quote(command)),
            AppSource::Assembly(dir) => format!("--assembly {}", shell_quote(&dir.display().to_string())),
        }
    }

    /// [`AppSource::cli_args`] as separate command-line words.
    pub fn cli_words(&self) -> Vec<String> {
        match self {
            AppSource::Files(files) => files.iter().map(|f| f.display().to_string()).collect(),
            AppSource::Command { project_file: Some(_), .. } => Vec::new(),
            AppSource::Command { command, .. } => vec!["--app".into(), shell_quote(command)],
            AppSource::Assembly(dir) => vec!["--assembly".into(), shell_quote(&dir.display().to_string())],
        }
    }

    /// A short description for messages: the files, `app \`CMD\``, or `assembly DIR`.
    pub fn describe(&self) -> String {
        match self {
            AppSource::Files(files) => files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "),
            AppSource::Command { command, .. } => format!("app `{command}`"),
            AppSource::Assembly(dir) => format!("assembly {}", dir.display()),
        }
    }

    /// Like [`AppSource::stacks`], and prints the warnings and notes on
    /// stderr; with `deny_warnings` warnings are errors (exit 2). App files
    /// report the whole-app analysis (an app command runs it itself; an
    /// assembly was checked when it was written); every source reports its
    /// stacks' rule packs (`compliance:`).
    pub fn stacks_reporting(&self, format: Format, deny_warnings: bool) -> Result<Vec<SynthesizedStack>, Failure> {
        let (stacks, reported) = self.synthesize(format, None)?;
        report(&reported, deny_warnings)?;
        Ok(stacks)
    }

    /// The stacks, in deployment order, with their bodies in `format` (an
    /// assembly keeps the format it was written in). Any error is exit 2;
    /// warnings are not shown.
    pub fn stacks(&self, format: Format) -> Result<Vec<SynthesizedStack>, Failure> {
        Ok(self.synthesize(format, None)?.0)
    }

    /// The stacks and what was reported about them (located warnings and
    /// notes), or every problem. The rule packs' findings on an assembly's
    /// stacks are located in its templates; an app command's assembly is
    /// temporary, so its templates are named in `templates_dir` (where
    /// `rcdk synth` writes them), else by file name alone.
    pub fn synthesize(
        &self,
        format: Format,
        templates_dir: Option<&Path>,
    ) -> Result<(Vec<SynthesizedStack>, Reported), SourceError> {
        let (stacks, mut reported, dir) = match self {
            AppSource::Files(files) => {
                return crate::app_file::synthesize_with_warnings(files, format).map_err(SourceError::Problems)
            }
            AppSource::Command { command, dir, .. } => {
                let (stacks, reported) = run_app(command, dir, format)?;
                (stacks, reported, templates_dir.map(Path::to_path_buf).unwrap_or_default())
            }
            AppSource::Assembly(dir) => {
                let (stacks, reported) = read_assembly(dir)?;
                (stacks, reported, dir.clone())
            }
        };
        let review = crate::compliance::review_stacks(&stacks, true);
        let errors = crate::compliance::locate_in_templates(review, &stacks, &dir).into_reported(&mut reported);
        if errors.is_empty() {
            Ok((stacks, reported))
        } else {
            Err(SourceError::Problems(Problems(errors)))
        }
    }
}

/// Why an app's stacks could not be had: located problems (an invalid app
/// file, a failed rule) or another failure (an app command that failed, an
/// unreadable assembly).
#[derive(Debug)]
pub enum SourceError {
    /// Every problem, located.
    Problems(Problems),
    /// Anything else.
    Failure(Failure),
}

impl From<Failure> for SourceError {
    fn from(f: Failure) -> Self {
        SourceError::Failure(f)
    }
}

impl From<SourceError> for Failure {
    fn from(e: SourceError) -> Self {
        match e {
            SourceError::Problems(p) => Failure::from(p),
            SourceError::Failure(f) => f,
        }
    }
}

/// The app files to read: those given, else the project's `app.yaml` (what
/// `rcdk init` writes) in the current directory, else every `.yaml` file in
/// `examples/`.
pub fn app_files(given: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let project_app = Path::new(APP_FILE);
    if project_app.is_file() {
        return Ok(vec![project_app.to_path_buf()]);
    }
    let dir = Path::new(DEFAULT_APP_DIR);
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Failure::input(format!("no app file given, no `{}` here, and cannot read `{DEFAULT_APP_DIR}/`: {e}", APP_FILE))
            .help("name the app file: rcdk synth path/to/app.yaml")
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::input(format!("no app file given and no .yaml files in `{DEFAULT_APP_DIR}/`")));
    }
    Ok(files)
}

/// Prints the whole-app analysis' notes and warnings on stderr; with
/// `deny`, warnings are errors (exit 2, nothing written). Notes never fail.
pub fn report(reported: &Reported, deny: bool) -> Result<(), Failure> {
    if deny && !reported.warnings.is_empty() {
        return Err(Failure::from(Problems(reported.warnings.clone()))
            .help("--deny-warnings turns warnings into errors; fix them, or drop the flag"));
    }
    for n in &reported.notes {
        eprintln!("note: {n}");
    }
    for w in &reported.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

/// The nearest `rcdk.toml` in `start` or a directory above it.
pub fn find_project_file(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(PROJECT_FILE)).find(|p| p.is_file())
}

/// The keys `rcdk.toml` may hold.
const PROJECT_KEYS: &[&str] = &["app", "deploy_role_arn"];

/// What `rcdk.toml` sets besides the app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectSettings {
    /// The file it came from.
    pub file: Option<PathBuf>,
    /// `deploy_role_arn`: the role rcdk assumes for every stack pinned to an
    /// account, `{account}` standing for that account (e.g.
    /// `arn:aws:iam::{account}:role/rcdk-deploy`); without `{account}`, one
    /// role for every stack. A stack's own `deploy_role_arn` wins.
    pub deploy_role_arn: Option<String>,
}

impl ProjectSettings {
    /// The nearest `rcdk.toml`'s settings (from the current directory
    /// upward); none when there is no such file.
    pub fn load() -> Result<ProjectSettings, Failure> {
        let cwd =
            std::env::current_dir().map_err(|e| Failure::input(format!("cannot read the current directory: {e}")))?;
        match find_project_file(&cwd) {
            Some(path) => project_settings(&path),
            None => Ok(ProjectSettings::default()),
        }
    }

    /// The role a stack is deployed through: its own `deploy_role_arn`, else
    /// this file's pattern (with `{account}` replaced by the stack's pinned
    /// account; a pattern with `{account}` does not apply to a stack that
    /// pins none). Exit 2 when the result is not a role ARN, or is a role of
    /// another account than the stack's.
    pub fn deploy_role(
        &self,
        stack: &str,
        account: Option<&str>,
        own: Option<&str>,
    ) -> Result<Option<String>, Failure> {
        if let Some(own) = own {
            return Ok(Some(own.to_owned()));
        }
        let Some(pattern) = &self.deploy_role_arn else { return Ok(None) };
        let role = match (pattern.contains("{account}"), account) {
            (true, Some(account)) => pattern.replace("{account}", account),
            (true, None) => return Ok(None),
            (false, _) => pattern.clone(),
        };
        let file = self.file.as_deref().map_or_else(|| PROJECT_FILE.to_owned(), |f| f.display().to_string());
        match rcdk_constructs::core::role_arn_account(&role) {
            None => Err(Failure::input(format!("{file}: deploy_role_arn gives `{role}` for stack `{stack}`, which is not an IAM role ARN"))
                .help("write e.g. deploy_role_arn = \"arn:aws:iam::{account}:role/rcdk-deploy\"")),
            Some(role_account) if account.is_some_and(|a| a != role_account) => Err(Failure::input(format!(
                "{file}: deploy_role_arn gives a role of account {role_account} for stack `{stack}`, which is pinned to account {}",
                account.unwrap_or_default()
            ))
            .help("put {account} in the pattern, or give the stack its own deploy_role_arn")),
            Some(_) => Ok(Some(role)),
        }
    }
}

fn read_project_file(path: &Path) -> Result<toml_edit::DocumentMut, Failure> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
    let doc: toml_edit::DocumentMut =
        text.parse().map_err(|e| Failure::input(format!("{} is not valid TOML: {e}", path.display())))?;
    for (key, _) in doc.iter() {
        if !PROJECT_KEYS.contains(&key) {
            return Err(Failure::input(format!("{}: unknown key `{key}`", path.display())).help(
                "rcdk.toml has two keys: app = \"<command that writes the cloud assembly>\" and \
                 deploy_role_arn = \"arn:aws:iam::{account}:role/<name>\"",
            ));
        }
    }
    Ok(doc)
}

fn string_key<'a>(
    doc: &'a toml_edit::DocumentMut,
    path: &Path,
    key: &str,
    example: &str,
) -> Result<Option<&'a str>, Failure> {
    match doc.get(key) {
        None => Ok(None),
        Some(item) => {
            let value = item.as_str().ok_or_else(|| {
                Failure::input(format!("{}: `{key}` must be a string, e.g. {key} = \"{example}\"", path.display()))
            })?;
            if value.trim().is_empty() {
                return Err(Failure::input(format!("{}: `{key}` is empty", path.display())));
            }
            Ok(Some(value))
        }
    }
}

/// Reads the settings of an `rcdk.toml`.
fn project_settings(path: &Path) -> Result<ProjectSettings, Failure> {
    let doc = read_project_file(path)?;
    let role = string_key(&doc, path, "deploy_role_arn", "arn:aws:iam::{account}:role/rcdk-deploy")?;
    Ok(ProjectSettings { file: Some(path.to_path_buf()), deploy_role_arn: role.map(str::to_owned) })
}

/// Reads `app = "CMD"` from an `rcdk.toml`; `None` when the file sets only
/// other keys (an app-file project with a deploy role pattern).
fn project_app(path: &Path) -> Result<Option<AppSource>, Failure> {
    let doc = read_project_file(path)?;
    let Some(command) = string_key(&doc, path, "app", "cargo run -q -p infra")? else {
        if doc.iter().next().is_none() {
            return Err(Failure::input(format!("{} has no `app`", path.display()))
                .help("add app = \"<command>\", e.g. app = \"cargo run -q -p infra\""));
        }
        return Ok(None);
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    Ok(Some(AppSource::Command { command: command.to_owned(), dir, project_file: Some(path.to_path_buf()) }))
}

/// Runs the app command with `RCDK_OUTDIR` set to a fresh temporary
/// directory and reads the assembly it wrote, with the warnings and notes it
/// carries. Its stderr is shown as it runs; its stdout goes to rcdk's
/// stderr, so rcdk's own output stays clean. An app whose checks found
/// errors writes them into its manifest: they are reported located, exit 2.
fn run_app(command: &str, dir: &Path, format: Format) -> Result<(Vec<SynthesizedStack>, Reported), Failure> {
    // The context (pinned AMI releases) of the app's directory, checked
    // here so a bad file is located once, handed over as JSON.
    let context = crate::context::read_or_fail(&crate::context::in_dir(dir))?;
    let out = tempfile::Builder::new()
        .prefix("rcdk-assembly-")
        .tempdir()
        .map_err(|e| Failure::no(format!("cannot create a temporary directory for the assembly: {e}")))?;
    let stdout = child_stdout()?;
    let status = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env(OUTDIR_ENV, out.path())
        .env(FORMAT_ENV, format.extension())
        .env(crate::context::CONTEXT_ENV, context.to_json())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::inherit())
        .status()
        .map_err(|e| Failure::input(format!("cannot run the app command `{command}` with sh: {e}")))?;
    let manifest_path = out.path().join(MANIFEST_FILE);
    if manifest_path.is_file() {
        if let Ok(manifest) =
            std::fs::read_to_string(&manifest_path).map_err(drop).and_then(|t| Manifest::parse(&t).map_err(drop))
        {
            let errors: Vec<Problem> = manifest
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| located(d, command))
                .collect();
            if !errors.is_empty() {
                return Err(Failure::from(Problems(errors)));
            }
        }
    }
    if !status.success() {
        let how = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_owned(),
        };
        return Err(Failure::input(format!("the app command `{command}` {how}; its output is above"))
            .help("fix the program (it must build, run and call rcdk_app::emit), then run rcdk again"));
    }
    if !manifest_path.is_file() {
        return Err(Failure::input(format!(
            "the app command `{command}` succeeded but wrote no cloud assembly (no {MANIFEST_FILE} in ${OUTDIR_ENV})"
        ))
        .help("end the program with rcdk_app::emit_or_exit(app) (crate rcdk-app)"));
    }
    read_assembly(out.path()).map_err(|f| Failure {
        message: format!("the app command `{command}` wrote an invalid assembly: {}", f.message),
        ..f
    })
}

/// Where the child's stdout goes: a copy of rcdk's stderr.
fn child_stdout() -> Result<Stdio, Failure> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| Failure::no(format!("cannot pass stderr to the app command: {e}")))?;
        Ok(Stdio::from(fd))
    }
    #[cfg(not(unix))]
    {
        Ok(Stdio::inherit())
    }
}

/// Reads and checks a cloud assembly: `manifest.json` and every template it
/// names, and the warnings and notes the manifest carries. Problems are exit
/// 2, located in the file; so are the errors the manifest carries.
pub fn read_assembly(dir: &Path) -> Result<(Vec<SynthesizedStack>, Reported), Failure> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        Failure::input(format!("cannot read {}: {e}", manifest_path.display())).help(
            "an assembly is a directory written by `rcdk synth` or by an app program: templates plus manifest.json",
        )
    })?;
    let located = |e: rcdk_constructs::assembly::AssemblyError| Failure::input(format!("{}/{e}", dir.display()));
    let manifest = Manifest::parse(&text).map_err(located)?;
    let source = dir.display().to_string();
    let mut reported = Reported::default();
    let mut errors = Vec::new();
    for d in &manifest.diagnostics {
        let p = diagnostic_problem(d, &source);
        match d.severity {
            Severity::Error => errors.push(p),
            Severity::Warning => reported.warnings.push(p),
            Severity::Note => reported.notes.push(p),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::from(Problems(errors)));
    }
    let stacks =
        manifest.stacks(|file| std::fs::read_to_string(dir.join(file)).map_err(|e| e.to_string())).map_err(located)?;
    Ok((stacks, reported))
}

/// A diagnostic an app program wrote into its assembly, as a problem: at
/// the line of the program that registered the check when it has one, else
/// at its construct and field in the app `source`.
fn diagnostic_problem(d: &AssemblyDiagnostic, source: &str) -> Problem {
    let (file, position) = match &d.location {
        Some(l) => (PathBuf::from(&l.file), Some(Position { line: l.line as usize, column: l.column as usize })),
        None => (PathBuf::from(source), None),
    };
    Problem {
        file,
        position,
        field: d.field.clone(),
        construct: Some(d.construct.clone()).filter(|c| !c.is_empty()),
        code: d.code.clone(),
        message: d.message.clone(),
        help: d.help.clone(),
        rule: None,
    }
}

/// [`diagnostic_problem`] for the app command `command`.
fn located(d: &AssemblyDiagnostic, command: &str) -> Problem {
    diagnostic_problem(d, &format!("app `{command}`"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_file_is_found_upward_and_checked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).expect("mkdir");
        assert_eq!(find_project_file(&nested), None);
        let file = dir.path().join(PROJECT_FILE);
        std::fs::write(&file, "app = \"cargo run -q\"\n").expect("write");
        assert_eq!(find_project_file(&nested), Some(file.clone()));
        match project_app(&file).expect("valid").expect("an app") {
            AppSource::Command { command, dir: d, .. } => {
                assert_eq!(command, "cargo run -q");
                assert_eq!(d, dir.path());
            }
            other => panic!("{other:?}"),
        }
        std::fs::write(&file, "ap = \"x\"\n").expect("write");
        assert!(project_app(&file).unwrap_err().message.contains("unknown key `ap`"));
        std::fs::write(&file, "app = 3\n").expect("write");
        assert!(project_app(&file).unwrap_err().message.contains("must be a string"));
        std::fs::write(&file, "app = \n").expect("write");
        assert!(project_app(&file).unwrap_err().message.contains("not valid TOML"));
        std::fs::write(&file, "deploy_role_arn = \"arn:aws:iam::{account}:role/d\"\n").expect("write");
        assert_eq!(project_app(&file).expect("valid"), None, "no app: app files are used");
        let settings = project_settings(&file).expect("valid");
        assert_eq!(
            settings.deploy_role("s", Some("111111111111"), None).expect("a role").as_deref(),
            Some("arn:aws:iam::111111111111:role/d")
        );
        assert_eq!(settings.deploy_role("s", None, None).expect("no account, no role"), None);
        assert_eq!(
            settings.deploy_role("s", None, Some("arn:aws:iam::2:role/own")).expect("own").as_deref(),
            Some("arn:aws:iam::2:role/own")
        );
        let one =
            ProjectSettings { deploy_role_arn: Some("arn:aws:iam::333333333333:role/d".into()), ..Default::default() };
        assert_eq!(one.deploy_role("s", Some("111111111111"), None).unwrap_err().exit, 2);
        let bad = ProjectSettings { deploy_role_arn: Some("role-{account}".into()), ..Default::default() };
        assert!(bad
            .deploy_role("s", Some("111111111111"), None)
            .unwrap_err()
            .message
            .contains("is not an IAM role ARN"));
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("templates/x"), "templates/x");
        assert_eq!(shell_quote("cargo run -q"), "'cargo run -q'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
