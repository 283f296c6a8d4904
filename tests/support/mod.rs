//! Shared helpers for the integration tests: the project's paths, the pinned
//! Python tools in `.venv`, and running the real `rcdk` binary.
#![allow(dead_code)]

pub mod moto;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A tool installed by `scripts/test` into `.venv` (or `$RCDK_TEST_VENV`).
/// Panics with instructions when it is missing: a test never skips silently.
pub fn venv_tool(name: &str) -> PathBuf {
    let venv = std::env::var_os("RCDK_TEST_VENV").map(PathBuf::from).unwrap_or_else(|| root().join(".venv"));
    let tool = venv.join("bin").join(name);
    assert!(
        tool.is_file(),
        "{} not found: run the tests with `scripts/test`, which installs the pinned cfn-lint and moto[server] into .venv",
        tool.display()
    );
    tool
}

/// Runs the `rcdk` binary in `dir` with `args`.
pub fn rcdk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rcdk"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the rcdk binary runs")
}

/// Stdout and stderr of an output, as text.
pub fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs cfn-lint over `files`; returns its exit code and output.
pub fn cfn_lint(files: &[PathBuf]) -> (i32, String) {
    let out = Command::new(venv_tool("cfn-lint")).args(files).output().expect("cfn-lint runs");
    let (o, e) = text(&out);
    (out.status.code().unwrap_or(-1), format!("{o}{e}"))
}
