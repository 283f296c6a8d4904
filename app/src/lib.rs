//! # rcdk-app
//!
//! The one dependency of a Rust program that is an rcdk app. Build an
//! [`core::App`] with the construct library (re-exported here, so
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
//! [`OUTDIR_ENV`] to a fresh directory; [`emit`] registers the whole-app
//! analysis, synthesizes the app and writes the cloud assembly there (the
//! templates and `manifest.json`, see [`assembly`]). The manifest carries
//! the app's warnings and notes, which rcdk prints as it prints an app
//! file's (`--deny-warnings` fails on them the same way). An invalid app
//! writes no template, only a manifest carrying its errors, which rcdk
//! reports located (at the construct and field, and for a check the program
//! registered, at the line that registered it), and [`emit`] returns them.

use std::io::Write;
use std::path::{Path, PathBuf};

pub use rcdk_constructs;
pub use rcdk_constructs::*;
/// `serde_json`, for escape hatches (raw resources, overrides) without a
/// dependency of your own: `rcdk_app::json!({"Ref": "Queue"})`.
pub use serde_json;
pub use serde_json::json;

/// The names most apps use, in one import: `use rcdk_app::prelude::*;`.
pub mod prelude {
    pub use crate::emit_or_exit;
    pub use rcdk_constructs::acm::DomainProps;
    pub use rcdk_constructs::core::{App, Stack};
    pub use rcdk_constructs::dynamodb::{KeyAttribute, TableProps};
    pub use rcdk_constructs::ec2::{BastionProps, VpcProps};
    pub use rcdk_constructs::ecs::{ClusterProps, ContainerImage};
    pub use rcdk_constructs::elbv2::LoadBalancerProps;
    pub use rcdk_constructs::patterns::platform::{self, StackSpec};
    pub use rcdk_constructs::patterns::{LoadBalancedServiceProps, ServiceScalingProps};
    pub use rcdk_constructs::rds::DatabaseProps;
}

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::App;

/// The environment variable naming the directory the assembly is written to.
/// rcdk sets it when it runs the app command.
pub const OUTDIR_ENV: &str = "RCDK_OUTDIR";

/// The environment variable naming the template format, `yaml` or `json`
/// (`rcdk synth --format`). Default: `yaml`.
pub const FORMAT_ENV: &str = "RCDK_FORMAT";

/// The environment variable carrying the app's context (the JSON of
/// `rcdk.context.json`: the pinned AMI releases) from rcdk to the program.
pub const CONTEXT_ENV: &str = "RCDK_CONTEXT";

/// The context rcdk handed the program ([`CONTEXT_ENV`]): the AMI releases
/// pinned in `rcdk.context.json` in the directory rcdk runs the program in
/// (beside `rcdk.toml`), which `rcdk ami update` moves. [`emit`] gives it to
/// the app ([`App::set_context`]), so every cluster runs its pinned release
/// with nothing to write; [`emit_to`] takes the app as it is (set the
/// context yourself, e.g. in a test). Run without rcdk (the variable
/// unset), nothing is pinned: clusters read the recommended AMI at every
/// deploy.
pub fn context() -> Result<rcdk_constructs::core::Context, EmitError> {
    match std::env::var(CONTEXT_ENV) {
        Ok(text) => rcdk_constructs::core::Context::parse(&text).map_err(EmitError::Context),
        Err(_) => Ok(rcdk_constructs::core::Context::default()),
    }
}

/// Why the assembly was not written.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// [`OUTDIR_ENV`] is not set: the program was not started by rcdk.
    #[error("{OUTDIR_ENV} is not set; run this program through rcdk: rcdk synth --app \"<command>\"")]
    NoOutdir,
    /// [`FORMAT_ENV`] names no known format.
    #[error("{FORMAT_ENV} is `{0}`; expected `yaml` or `json`")]
    Format(String),
    /// [`CONTEXT_ENV`] holds no valid context.
    #[error("{CONTEXT_ENV} is not a valid context: {0}")]
    Context(rcdk_constructs::core::ContextError),
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
/// by [`OUTDIR_ENV`], in the format named by [`FORMAT_ENV`], with the
/// context rcdk handed it ([`context`]: the pinned AMI releases).
pub fn emit(mut app: App) -> Result<Emitted, EmitError> {
    let dir = std::env::var_os(OUTDIR_ENV).filter(|d| !d.is_empty()).ok_or(EmitError::NoOutdir)?;
    let format = match std::env::var(FORMAT_ENV).ok().as_deref() {
        None | Some("") | Some("yaml") => Format::Yaml,
        Some("json") => Format::Json,
        Some(other) => return Err(EmitError::Format(other.to_owned())),
    };
    app.set_context(context()?);
    emit_to(app, Path::new(&dir), format)
}

/// Like [`emit`], for an explicit directory and format (no environment read).
/// The whole-app analysis is registered first (see
/// [`rcdk_constructs::analysis::register`]).
pub fn emit_to(mut app: App, dir: &Path, format: Format) -> Result<Emitted, EmitError> {
    rcdk_constructs::analysis::register(&mut app);
    let (files, invalid) = match app.synth_with_diagnostics(format) {
        Ok(synthesis) => {
            let reported: Vec<ValidationError> = synthesis.warnings.into_iter().chain(synthesis.notes).collect();
            (rcdk_constructs::assembly::files_reporting(&synthesis.stacks, &reported)?, None)
        }
        Err(errors) => {
            let manifest = rcdk_constructs::assembly::Manifest::invalid(&errors.0).to_json()?;
            (vec![(rcdk_constructs::assembly::MANIFEST_FILE.to_owned(), manifest)], Some(errors))
        }
    };
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
    match invalid {
        Some(errors) => Err(EmitError::Invalid(errors)),
        None => Ok(Emitted { dir: dir.to_path_buf(), files: written }),
    }
}

/// [`emit`], for `main`: on failure exits with status 1. An invalid app's
/// errors went into the assembly, and rcdk reports them located (exit 2);
/// any other failure is printed as `error: ...` to stderr, and rcdk reports
/// the app command as failed (exit 2).
pub fn emit_or_exit(app: App) {
    match emit(app) {
        Ok(_) => {}
        Err(EmitError::Invalid(errors)) => {
            eprintln!("error: the app has {} problem(s); rcdk reports them", errors.0.len());
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
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
    fn an_invalid_app_writes_only_a_manifest_carrying_its_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        let e = emit_to(app("1-bad"), dir.path(), Format::Yaml).unwrap_err();
        assert!(e.to_string().contains("stack:name-invalid"), "{e}");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [MANIFEST_FILE], "no template");
        let manifest = Manifest::parse(&std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap()).unwrap();
        assert!(manifest.stacks.is_empty());
        assert_eq!(manifest.diagnostics[0].code, "stack:name-invalid");
        assert_eq!(manifest.diagnostics[0].severity, rcdk_constructs::core::Severity::Error);
    }

    #[test]
    fn warnings_travel_in_the_manifest_located_at_the_check() {
        rcdk_constructs::codes! {
            enum Code {
                TopicUnnamed => warning("test:topic-unnamed") {
                    title: "a topic has no display name",
                    explanation: "Topics should have one.",
                },
            }
        }
        impl rcdk_constructs::core::Registered for Code {}
        let mut app = app("demo");
        let line = line!() + 1;
        app.add_check("display names", |stacks| {
            let root = rcdk_constructs::core::ConstructPath::root(stacks[0].name());
            vec![ValidationError::new(Code::TopicUnnamed, &root.child("Topic"), "topic Topic has no display name")]
        });
        let dir = tempfile::tempdir().expect("temp dir");
        emit_to(app, dir.path(), Format::Yaml).expect("warnings do not fail");
        let manifest = Manifest::parse(&std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap()).unwrap();
        let d = &manifest.diagnostics[0];
        assert_eq!(
            (d.severity, d.code.as_str(), d.construct.as_str()),
            (rcdk_constructs::core::Severity::Warning, "test:topic-unnamed", "demo/Topic")
        );
        let at = d.location.as_ref().expect("located");
        assert_eq!((at.file.ends_with("lib.rs"), at.line), (true, line));
    }
}
