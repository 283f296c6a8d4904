//! Shared helpers for the integration tests: the project's paths, the pinned
//! Python tools in `.venv`, and running the real `rcdk` binary.
#![allow(dead_code)]

pub mod compliance;
pub mod moto;
pub mod recorded;

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

/// A package `scripts/test` installs from npm into `.npm-test` (or
/// `$RCDK_TEST_NPM`), e.g. `cdklabs-cdk-validator-cfnguard`: the directory
/// holding its files. Panics with instructions when it is missing.
pub fn npm_package(dir_name: &str) -> PathBuf {
    let base = std::env::var_os("RCDK_TEST_NPM").map(PathBuf::from).unwrap_or_else(|| root().join(".npm-test"));
    let dir = base.join(dir_name).join("package");
    assert!(
        dir.is_dir(),
        "{} not found: run the tests with `scripts/test`, which installs the pinned npm packages of \
         scripts/requirements-test-npm.txt into .npm-test",
        dir.display()
    );
    dir
}

/// The findings cache the tests share (`RCDK_CACHE_DIR`): under `target/`,
/// so repeated runs are fast and nothing is written to the user's cache.
pub fn test_cache_dir() -> PathBuf {
    root().join("target").join("rcdk-test-cache")
}

/// Runs the `rcdk` binary in `dir` with `args`.
pub fn rcdk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rcdk"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("RCDK_CACHE_DIR", test_cache_dir())
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

/// Synthesizes the app file `body` (written as `<name>.yaml` in a fresh
/// directory) and checks what every invalid input must give: exit 2, a line
/// `<name>.yaml:LINE:COL: <field>: ...`, the stable `[code]` (unless empty), and no
/// `templates/` written. Returns what went wrong, or `None`.
pub fn invalid_app_problem(name: &str, body: &str, field: &str, code: &str) -> Option<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = format!("{name}.yaml");
    std::fs::write(dir.path().join(&file), body).expect("write app file");
    let out = rcdk(dir.path(), &["synth", &file]);
    let (_, err) = text(&out);
    let mut problems = Vec::new();
    if out.status.code() != Some(2) {
        problems.push(format!("exit {:?}, expected 2", out.status.code()));
    }
    let located = err.lines().any(|line| {
        let Some(rest) = line.trim_start_matches("error: ").strip_prefix(&format!("{file}:")) else { return false };
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(c), Some(tail)) = (parts.next(), parts.next(), parts.next()) else { return false };
        l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok() && tail.starts_with(&format!(" {field}: "))
    });
    if !located {
        problems.push(format!("no `{file}:LINE:COL: {field}: ...` line"));
    }
    if !code.is_empty() && !err.contains(&format!("[{code}]")) {
        problems.push(format!("code [{code}] missing"));
    }
    if dir.path().join("templates").exists() {
        problems.push("templates/ was written".to_owned());
    }
    (!problems.is_empty()).then(|| format!("{name}: {}\n{err}", problems.join("; ")))
}

/// Runs [`invalid_app_problem`] over `(name, app file, field, code)` cases
/// and fails listing every case that did not hold.
pub fn assert_invalid_apps<'a>(cases: impl IntoIterator<Item = (&'a str, &'a str, &'a str, &'a str)>) {
    let failures: Vec<String> = cases
        .into_iter()
        .filter_map(|(name, body, field, code)| invalid_app_problem(name, body, field, code))
        .collect();
    assert!(failures.is_empty(), "{} case(s) failed:\n\n{}", failures.len(), failures.join("\n\n"));
}
