//! `rcdk deploy` / `rcdk destroy` end to end: the real binary against a real
//! moto_server (see `tests/support/moto.rs`). moto's limits (DESIGN.md) are
//! asserted where they show, not hidden.

#![cfg(feature = "aws")]

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::moto::Moto;
use support::{root, text};

fn write_app(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write app file");
    path.to_str().expect("utf-8").to_owned()
}

/// examples/network.yaml: create → update → no change → destroy.
///
/// moto creates the VPC, subnets, route tables, routes, internet and NAT
/// gateways, EIPs, the flow log, its log group and IAM role; it skips the
/// network ACLs, their entries and associations (a log line each, no
/// failure, since nothing reads their attributes). Outputs are empty after a
/// CREATE change set (moto does not evaluate them), so the report says so.
#[test]
fn network_example_create_update_no_change_destroy() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    // Without its stack tags: the flow logs' log group is encrypted with the
    // stack's LogsKey, and moto cannot create a tagged KMS key
    // ([`Moto::without_stack_tags`]).
    let copy = Moto::without_stack_tags(&root().join("examples/network.yaml"), dir.path());
    let original = std::fs::read_to_string(copy).expect("example");
    let app = write_app(dir.path(), "network.yaml", &original);

    let out = moto.rcdk(dir.path(), &["deploy", &app, "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("for stack network-prod: 55 to add, 0 to modify, 0 to remove"), "{o}");
    assert!(o.contains("+ Add  LogsKey                                 AWS::KMS::Key"), "the flow logs' key: {o}");
    assert!(o.contains("+ Add  VpcPublicSubnet1NatGateway"), "{o}");
    assert!(o.contains("network-prod: CREATE_COMPLETE (the stack reports no outputs)"), "moto has no outputs: {o}");
    assert!(e.contains("network-prod: executing change set rcdk-"), "{e}");
    assert!(moto.log().contains("No Moto CloudFormation support for AWS::EC2::NetworkAcl"));

    // Update: a shorter flow-log retention modifies the log group in place.
    let changed = original.replace("retention_days: 90", "retention_days: 30");
    assert_ne!(changed, original);
    let app = write_app(dir.path(), "network.yaml", &changed);
    let out = moto.rcdk(dir.path(), &["deploy", &app, "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(e.contains("creating change set") && e.contains("(UPDATE)"), "{e}");
    assert!(o.contains("Modify  VpcFlowLogsLogGroup"), "{o}");
    assert!(o.contains("network-prod: UPDATE_COMPLETE"), "{o}");

    // No change: success, and the empty change set is deleted.
    let out = moto.rcdk(dir.path(), &["deploy", &app, "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("network-prod: no changes (the empty change set was deleted)"), "{o}");

    // Destroy (see Moto::destroy for moto's VPC DependencyViolation), then
    // destroy again: nothing left.
    moto.destroy(dir.path(), &app, "network-prod");
}

/// The round trip the lead's website test reuses: one line per app.
#[test]
fn small_app_round_trip() {
    let moto = Moto::start();
    moto.deploy_app(&root().join("tests/fixtures/deploy-small.yaml"), &["deploy-small"]);
}

/// Without --yes and without a terminal: exit 2 before any call, nothing created.
#[test]
fn refuses_without_yes_and_without_a_terminal() {
    let moto = Moto::start();
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let app = app.to_str().expect("utf-8");
    let out = moto.rcdk(&root(), &["deploy", app]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(e.contains("error: refusing to deploy without confirmation: stdin is not a terminal"), "{e}");
    assert!(e.contains("help: pass --yes"), "{e}");
    let out = moto.rcdk(&root(), &["destroy", app, "--stack", "deploy-small", "--yes"]);
    assert!(text(&out).0.contains("does not exist"), "nothing was created");

    let out = moto.rcdk(&root(), &["destroy", app, "--stack", "deploy-small"]);
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("refusing to delete a stack without confirmation"), "{e}");
}

/// --no-execute keeps the change set (Markdown for a PR: stdout is only the
/// Markdown) and prints a complete command that executes it; pasted as is
/// (no terminal, as in CI), that command does.
#[test]
fn no_execute_then_execute_change_set() {
    let moto = Moto::start();
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let app = app.to_str().expect("utf-8");
    let out = moto.rcdk(&root(), &["deploy", app, "--no-execute", "--format", "markdown"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.starts_with("### Change set `rcdk-"), "stdout is only Markdown:\n{o}");
    assert!(o.contains("| Add | `Vpc` | `AWS::EC2::VPC` |  |"), "{o}");
    for not_markdown in ["creating change set", "Deploying to account", "kept for review"] {
        assert!(!o.contains(not_markdown), "`{not_markdown}` belongs on stderr:\n{o}");
        assert!(e.contains(not_markdown), "`{not_markdown}` on stderr:\n{e}");
    }
    assert!(o.contains("```sh\nrcdk deploy "), "{o}");
    let command = o
        .lines()
        .find(|l| l.starts_with("rcdk deploy "))
        .unwrap_or_else(|| panic!("an execute command is printed:\n{o}"))
        .to_owned();
    let words: Vec<&str> = command.split(' ').collect();
    let name = words.iter().skip_while(|w| **w != "--execute-change-set").nth(1).expect("change set name").to_string();
    assert_eq!(
        command,
        format!("rcdk deploy {app} --stack deploy-small --execute-change-set {name} --yes --region eu-west-1")
    );

    // Pasted as printed (stdin not a terminal): it executes.
    let out = moto.rcdk(&root(), &words[1..]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("deploy-small: CREATE_COMPLETE"), "{o}");

    // Executed change sets cannot run twice.
    let out = moto.rcdk(&root(), &words[1..]);
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{e}");
    assert!(e.contains("cannot be executed: status CREATE_COMPLETE, execution status EXECUTE_COMPLETE"), "{e}");

    // Nothing to do: under --format markdown that is Markdown too, nothing else.
    let out = moto.rcdk(&root(), &["deploy", app, "--no-execute", "--format", "markdown"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert_eq!(o, "### Stack `deploy-small`: no changes\n\n", "{e}");

    // With --endpoint-url and --profile given, the command carries them too
    // (a fresh moto_server: the stack above exists now).
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile ci]\nregion = eu-west-1\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .expect("write config");
    let url = moto.url();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rcdk"));
    moto.configure(&mut cmd);
    let out = cmd
        .args(["deploy", app, "--no-execute", "--profile", "ci", "--endpoint-url", &url])
        .env("AWS_CONFIG_FILE", &config)
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains(&format!("--yes --region eu-west-1 --profile ci --endpoint-url {url}")), "{o}");
}

/// Problems found before any call are exit 2 (no moto_server needed: an
/// endpoint that does not exist proves nothing was called).
#[test]
fn input_problems_are_exit_2_before_any_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    let small = root().join("tests/fixtures/deploy-small.yaml");
    let small = small.to_str().expect("utf-8");
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rcdk"));
        cmd.current_dir(dir.path())
            .args(args)
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .stdin(std::process::Stdio::null());
        let out = cmd.output().expect("runs");
        (out.status.code(), text(&out).1)
    };
    let (code, e) = run(&["deploy", small, "--stack", "nope", "--yes"]);
    assert_eq!(code, Some(2), "{e}");
    assert!(e.contains("defines no stack `nope`") && e.contains("its stacks are: deploy-small"), "{e}");

    let (code, e) = run(&["deploy", small, "--parameter", "Env=prod", "--yes"]);
    assert_eq!(code, Some(2), "{e}");
    assert!(e.contains("--parameter Env: no selected stack's template declares a parameter `Env`"), "{e}");

    let (code, e) = run(&["deploy", small, "--parameter", "Env", "--yes"]);
    assert_eq!(code, Some(2), "{e}");
    assert!(e.contains("--parameter `Env` is not KEY=VALUE"), "{e}");

    let with_param = write_app(
        dir.path(),
        "p.yaml",
        "stacks:\n  - name: p\n    region: eu-west-1\n    vpc: {nat_gateways: 0}\n    parameters:\n      Nope: '1'\n",
    );
    let (code, e) = run(&["deploy", &with_param, "--yes"]);
    assert_eq!(code, Some(2), "{e}");
    // Refused already by synthesis, located at the key (issue 10, item 8).
    assert!(e.contains("p.yaml:6:13: stacks[0].parameters.Nope: `parameters` gives a value for `Nope`"), "{e}");

    let (code, e) = run(&["destroy", small, "--stack", "nope", "--yes"]);
    assert_eq!(code, Some(2), "{e}");

    let (code, e) = run(&["deploy", small, "--execute-change-set", "x", "--no-execute"]);
    assert_eq!(code, Some(2), "{e}");
}

/// An endpoint nobody listens on: one clear message, exit 1, no hang.
#[test]
fn unreachable_endpoint_is_one_clear_message() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let start = Instant::now();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rcdk"));
    cmd.args(["deploy", app.to_str().expect("utf-8"), "--yes", "--endpoint-url", &format!("http://127.0.0.1:{port}")])
        .envs(support::moto::FAKE_AWS_ENV.iter().copied())
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(std::process::Stdio::null());
    let out = cmd.output().expect("runs");
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}");
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
    assert!(
        e.contains(&format!(
            "finding the account of the credentials (STS GetCallerIdentity): cannot reach http://127.0.0.1:{port}"
        )),
        "{e}"
    );
    assert!(e.contains("help: check the network and the endpoint"), "{e}");
    assert_eq!(e.lines().filter(|l| l.starts_with("error:")).count(), 1, "one message: {e}");
}

/// Issue 5's acceptance: the website seed (ECS on EC2 + ALB + alarm-driven
/// scaling, alarms mailed through an encrypted SNS topic) deploys — its
/// repository first (`--stage repositories`), then the image is pushed, as
/// on AWS (issue 26, item 2) —, a second
/// deploy reports no changes, destroy removes it. Without its stack tags:
/// see [`Moto::without_stack_tags`] for moto's gap with tagged KMS keys.
#[test]
fn website_example_deploys_then_reports_no_changes_then_is_destroyed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = Moto::without_stack_tags(&root().join("examples/website.yaml"), dir.path());
    let moto = Moto::start();
    moto.deploy_app_with_images(&app, &["website-prod"], "eu-west-2", &[("website", "2.1.0")]);
}

/// The to-do app (seed 003: two services, path rules, alarms with an
/// encrypted SNS topic, scaling) deploys on moto once its stack tags are
/// removed ([`Moto::without_stack_tags`]): repositories first, images pushed,
/// then the rest.
#[test]
fn todo_app_deploys_on_moto_without_stack_tags() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = Moto::without_stack_tags(&root().join("examples/todo-app.yaml"), dir.path());
    let moto = Moto::start();
    let region = "us-east-1";
    moto.deploy_app_with_images(&app, &["todo-prod"], region, &[("todo-main", "1.0.3"), ("todo-files", "1.0.3")]);
}

/// A change that will fail (a replacement subnet whose CIDR overlaps the
/// subnet it replaces: CloudFormation creates the new one first) is not
/// executed: exit 1, the change set removed, the stack untouched. With
/// `--no-execute` it is a warning and the change set is kept for review;
/// `--force` executes it anyway.
#[test]
fn a_change_that_will_fail_is_refused_unless_forced() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let original = std::fs::read_to_string(root().join("tests/fixtures/deploy-small.yaml")).expect("fixture");
    let app = write_app(dir.path(), "small.yaml", &original);
    let out = moto.rcdk(dir.path(), &["deploy", &app, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    // /24 → /23: the first public subnet's new block contains its old one.
    let widened = original.replace("nat_gateways: 0", "nat_gateways: 0\n      public_subnet_prefix: 23");
    assert_ne!(widened, original);
    let app = write_app(dir.path(), "small.yaml", &widened);

    let out = moto.rcdk(dir.path(), &["deploy", &app, "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}");
    assert!(e.contains("change(s) will fail, so the change set is not executed"), "{e}");
    assert!(e.contains("VpcPublicSubnet1"), "{e}");
    assert!(e.contains("--force"), "{e}");
    assert!(!e.contains("executing change set"), "{e}");

    let out = moto.rcdk(dir.path(), &["deploy", &app, "--no-execute"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(e.contains("warning: deploy-small: VpcPublicSubnet1") && e.contains("(will fail)"), "{e}");
    assert!(o.contains("kept for review"), "{o}");

    let out = moto.rcdk(dir.path(), &["deploy", &app, "--yes", "--force"]);
    let (o, e) = text(&out);
    assert!(e.contains("(will fail)") && e.contains("executing change set"), "{o}\n{e}");
}
