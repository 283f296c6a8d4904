//! Where an app's stacks come from: app files, a program run with `--app CMD`
//! (or `app` in `rcdk.toml`), or a cloud assembly directory written earlier
//! (`--assembly DIR`). Every source ends in the same synthesized stacks, so
//! `--check`, diff and deploy treat them alike.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rcdk_constructs::assembly::{Manifest, MANIFEST_FILE};
use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::SynthesizedStack;

use crate::app_file::{Problems, Reported};
use crate::failure::Failure;

/// The project file naming the app command.
pub const PROJECT_FILE: &str = "rcdk.toml";
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
            Some(path) => Ok(Some(project_app(&path)?)),
            None => Ok(None),
        }
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
        crate::synth::report_warnings(&reported, deny_warnings)?;
        Ok(stacks)
    }

    /// The stacks, in deployment order, with their bodies in `format` (an
    /// assembly keeps the format it was written in). Any problem is exit 2.
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
        let (stacks, dir) = match self {
            AppSource::Files(files) => {
                return crate::synth::synthesize_with_warnings(files, format).map_err(SourceError::Problems)
            }
            AppSource::Command { command, dir, .. } => {
                (run_app(command, dir, format)?, templates_dir.map(Path::to_path_buf).unwrap_or_default())
            }
            AppSource::Assembly(dir) => (read_assembly(dir)?, dir.clone()),
        };
        let review = crate::compliance::review_stacks(&stacks, true);
        let mut reported = Reported::default();
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

/// The nearest `rcdk.toml` in `start` or a directory above it.
pub fn find_project_file(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(PROJECT_FILE)).find(|p| p.is_file())
}

/// Reads `app = "CMD"` from an `rcdk.toml`.
fn project_app(path: &Path) -> Result<AppSource, Failure> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
    let doc: toml_edit::DocumentMut =
        text.parse().map_err(|e| Failure::input(format!("{} is not valid TOML: {e}", path.display())))?;
    for (key, _) in doc.iter() {
        if key != "app" {
            return Err(Failure::input(format!("{}: unknown key `{key}`", path.display()))
                .help("rcdk.toml has one key: app = \"<command that writes the cloud assembly>\""));
        }
    }
    let command = match doc.get("app") {
        Some(item) => item.as_str().ok_or_else(|| {
            Failure::input(format!("{}: `app` must be a string, e.g. app = \"cargo run -q -p infra\"", path.display()))
        })?,
        None => {
            return Err(Failure::input(format!("{} has no `app`", path.display()))
                .help("add app = \"<command>\", e.g. app = \"cargo run -q -p infra\""))
        }
    };
    if command.trim().is_empty() {
        return Err(Failure::input(format!("{}: `app` is empty", path.display())));
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    Ok(AppSource::Command { command: command.to_owned(), dir, project_file: Some(path.to_path_buf()) })
}

/// Runs the app command with `RCDK_OUTDIR` set to a fresh temporary
/// directory and reads the assembly it wrote. Its stderr is shown as it
/// runs; its stdout goes to rcdk's stderr, so rcdk's own output stays clean.
fn run_app(command: &str, dir: &Path, format: Format) -> Result<Vec<SynthesizedStack>, Failure> {
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
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::inherit())
        .status()
        .map_err(|e| Failure::input(format!("cannot run the app command `{command}` with sh: {e}")))?;
    if !status.success() {
        let how = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_owned(),
        };
        return Err(Failure::input(format!("the app command `{command}` {how}; its output is above"))
            .help("fix the program (it must build, run and call rcdk_app::emit), then run rcdk again"));
    }
    if !out.path().join(MANIFEST_FILE).is_file() {
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
/// names. Problems are exit 2, located in the file.
pub fn read_assembly(dir: &Path) -> Result<Vec<SynthesizedStack>, Failure> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        Failure::input(format!("cannot read {}: {e}", manifest_path.display())).help(
            "an assembly is a directory written by `rcdk synth` or by an app program: templates plus manifest.json",
        )
    })?;
    let located = |e: rcdk_constructs::assembly::AssemblyError| Failure::input(format!("{}/{e}", dir.display()));
    let manifest = Manifest::parse(&text).map_err(located)?;
    manifest.stacks(|file| std::fs::read_to_string(dir.join(file)).map_err(|e| e.to_string())).map_err(located)
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:".contains(c)) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
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
        match project_app(&file).expect("valid") {
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
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("templates/x"), "templates/x");
        assert_eq!(shell_quote("cargo run -q"), "'cargo run -q'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
