//! # rcdk-app
//!
//! The one dependency of a Rust program that is an rcdk app. Build an
//! [`App`](core::App) with the construct library (re-exported here, so
//! `rcdk_app::ecs`, `rcdk_app::core`, ... are the modules of
//! `rcdk-constructs`), then hand it to [`emit`]:
//!
//! ```no_run
//! use rcdk_app::cfn::Resource;
//! use rcdk_app::core::{App, FieldPath, Stack, StackProps};
//!
//! fn main() {
//!     let mut stack = Stack::new(StackProps { name: "demo".into(), ..Default::default() }, FieldPath::root());
//!     let path = stack.root().child("Topic");
//!     stack.add_resource(&path, Resource::new("AWS::SNS::Topic"));
//!     let mut app = App::new();
//!     app.add_stack(stack);
//!     rcdk_app::emit_or_exit(app);
//! }
//! ```
//!
//! Run it through rcdk: `rcdk synth --app "cargo run -q -p infra"` (or put
//! `app = "cargo run -q -p infra"` in `rcdk.toml`). rcdk sets
//! [`OUTDIR_ENV`] to a fresh directory; [`emit`] synthesizes the app and
//! writes the cloud assembly there (the templates and `manifest.json`, see
//! [`assembly`]). Validation problems are returned, nothing is written, and
//! rcdk reports the program's failure with its output.

use std::io::Write;
use std::path::{Path, PathBuf};

pub use rcdk_constructs;
pub use rcdk_constructs::*;

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::App;

/// The environment variable naming the directory the assembly is written to.
/// rcdk sets it when it runs the app command.
pub const OUTDIR_ENV: &str = "RCDK_OUTDIR";

/// The environment variable naming the template format, `yaml` or `json`
/// (`rcdk synth --format`). Default: `yaml`.
pub const FORMAT_ENV: &str = "RCDK_FORMAT";

/// Why the assembly was not written.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// [`OUTDIR_ENV`] is not set: the program was not started by rcdk.
    #[error("{OUTDIR_ENV} is not set; run this program through rcdk: rcdk synth --app \"<command>\"")]
    NoOutdir,
    /// [`FORMAT_ENV`] names no known format.
    #[error("{FORMAT_ENV} is `{0}`; expected `yaml` or `json`")]
    Format(String),
    /// The app is invalid; every problem is listed.
    #[error("{0}")]
    Invalid(#[from] rcdk_constructs::Errors),
    /// The manifest could not be rendered.
    #[error(transparent)]
    Assembly(#[from] rcdk_constructs::assembly::AssemblyError),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// What [`emit`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    /// The assembly directory.
    pub dir: PathBuf,
    /// The files written, manifest last.
    pub files: Vec<PathBuf>,
}

/// Synthesizes `app` and writes its cloud assembly into the directory named
/// by [`OUTDIR_ENV`], in the format named by [`FORMAT_ENV`].
pub fn emit(app: App) -> Result<Emitted, EmitError> {
    let dir = std::env::var_os(OUTDIR_ENV).filter(|d| !d.is_empty()).ok_or(EmitError::NoOutdir)?;
    let format = match std::env::var(FORMAT_ENV).ok().as_deref() {
        None | Some("") | Some("yaml") => Format::Yaml,
        Some("json") => Format::Json,
        Some(other) => return Err(EmitError::Format(other.to_owned())),
    };
    emit_to(app, Path::new(&dir), format)
}

/// Like [`emit`], for an explicit directory and format (no environment read).
pub fn emit_to(app: App, dir: &Path, format: Format) -> Result<Emitted, EmitError> {
    let stacks = app.synth(format)?;
    let files = rcdk_constructs::assembly::files(&stacks)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| EmitError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // Every file goes to a temporary file first; they are renamed into place
    // only when all are written, the manifest last, so a reader never sees a
    // manifest naming a template that is not there yet.
    let mut staged = Vec::with_capacity(files.len());
    for (name, text) in &files {
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io(dir))?;
        tmp.write_all(text.as_bytes()).map_err(io(tmp.path()))?;
        tmp.as_file().sync_all().map_err(io(tmp.path()))?;
        staged.push((tmp, dir.join(name)));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| EmitError::Io { path: path.clone(), source: e.error })?;
        written.push(path);
    }
    Ok(Emitted { dir: dir.to_path_buf(), files: written })
}

/// [`emit`], for `main`: on failure prints `error: ...` to stderr and exits
/// with status 1 (rcdk then reports the app command as failed, exit 2).
pub fn emit_or_exit(app: App) {
    if let Err(e) = emit(app) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcdk_constructs::assembly::{Manifest, MANIFEST_FILE};
    use rcdk_constructs::cfn::Resource;
    use rcdk_constructs::core::{FieldPath, Stack, StackProps};

    fn app(name: &str) -> App {
        let mut stack = Stack::new(StackProps { name: name.into(), ..Default::default() }, FieldPath::root());
        let path = stack.root().child("Topic");
        stack.add_resource(&path, Resource::new("AWS::SNS::Topic"));
        let mut app = App::new();
        app.add_stack(stack);
        app
    }

    #[test]
    fn writes_templates_and_manifest() {
        let dir = tempfile::tempdir().expect("temp dir");
        let emitted = emit_to(app("demo"), dir.path(), Format::Json).expect("emits");
        assert_eq!(emitted.files, [dir.path().join("demo.json"), dir.path().join(MANIFEST_FILE)]);
        let manifest = Manifest::parse(&std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap()).unwrap();
        assert_eq!(manifest.stacks[0].template, "demo.json");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temporary file left behind: {names:?}");
    }

    #[test]
    fn an_invalid_app_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let e = emit_to(app("1-bad"), dir.path(), Format::Yaml).unwrap_err();
        assert!(e.to_string().contains("stack:name-invalid"), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
