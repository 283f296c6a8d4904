//! rcdk built without the `aws` feature (`cargo build --no-default-features`,
//! run by `.ci/run`): the commands that call AWS exist, keep their flags,
//! and exit 2 saying how to get them; everything else works.

#![cfg(not(feature = "aws"))]

mod support;

use support::{rcdk, root, text};

const REFUSAL: &str = "this rcdk was built without the `aws` feature";
const HELP: &str = "cargo install --path .";

fn refused(args: &[&str], what: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = root().join("examples/todo-app.yaml");
    let mut full: Vec<&str> = args.to_vec();
    let app = app.to_string_lossy().into_owned();
    // After the command's words: `deploy APP`, `ami update APP`.
    let at = if args[0] == "ami" { 2 } else { 1 };
    full.insert(at, &app);
    let out = rcdk(dir.path(), &full);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{full:?}: {stderr}");
    assert!(stderr.contains(&format!("{REFUSAL}, so `rcdk {what}` cannot call AWS")), "{stderr}");
    assert!(stderr.contains(HELP), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing written");
}

#[test]
fn deploy_destroy_ami_update_and_diff_against_stack_exit_2_with_how_to_get_them() {
    refused(&["deploy", "--yes"], "deploy");
    refused(&["deploy", "--no-execute"], "deploy");
    refused(&["destroy", "--stack", "todo-prod", "--yes"], "destroy");
    refused(&["diff", "--against-stack"], "diff --against-stack");
    refused(&["ami", "update"], "ami update");
}

#[test]
fn the_aws_commands_keep_their_help() {
    let out = rcdk(&root(), &["deploy", "--help"]);
    assert!(out.status.success());
    assert!(text(&out).0.contains("--no-execute"));
}

#[test]
fn synth_diff_check_explain_schema_and_init_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = root().join("examples/todo-app.yaml");
    let app = app.to_string_lossy().into_owned();
    let out = rcdk(dir.path(), &["synth", &app, "--out", "templates"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let written = std::fs::read_to_string(dir.path().join("templates/todo-prod.yaml")).expect("template written");
    let committed = std::fs::read_to_string(root().join("templates/todo-prod.yaml")).expect("committed template");
    assert_eq!(written, committed, "the same template as the default build");

    let out = rcdk(dir.path(), &["diff", &app, "--against-dir", "templates", "--exit-code"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let out = rcdk(dir.path(), &["check", "templates/todo-prod.yaml"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let out = rcdk(dir.path(), &["explain", "vpc:cidr-invalid"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let out = rcdk(dir.path(), &["schema"]);
    assert!(text(&out).0.contains("\"$schema\""));
    let out = rcdk(dir.path(), &["init", "new"]);
    assert!(out.status.success(), "{}", text(&out).1);
}
