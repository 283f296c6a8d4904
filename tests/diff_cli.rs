//! `rcdk diff` end to end: the real binary in a temporary project, against
//! a templates directory and against a git revision.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;

use support::{rcdk, root, text};

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join("examples")).expect("mkdir");
    fs::copy(root().join("examples/network.yaml"), dir.path().join("examples/network.yaml")).expect("copy example");
    let out = rcdk(dir.path(), &["synth", "examples/network.yaml"]);
    assert!(out.status.success(), "{:?}", text(&out));
    dir
}

fn edit_app(dir: &Path, from: &str, to: &str) {
    let app = dir.join("examples/network.yaml");
    let before = fs::read_to_string(&app).expect("read app");
    assert!(before.contains(from), "the example no longer contains {from:?}");
    fs::write(&app, before.replace(from, to)).expect("write app");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=rcdk test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn no_differences_after_synth_even_when_the_committed_template_is_json() {
    let dir = project();
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--exit-code"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let (stdout, _) = text(&out);
    assert!(stdout.contains("Stack network-prod (against templates/network-prod.yaml)\n  no differences"), "{stdout}");

    // Re-written as JSON: format and key order make no difference.
    fs::remove_file(dir.path().join("templates/network-prod.yaml")).expect("rm");
    let out = rcdk(dir.path(), &["synth", "examples/network.yaml", "--format", "json"]);
    assert!(out.status.success());
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--exit-code", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["hasChanges"], false);
    assert_eq!(report["stacks"][0]["oldTemplate"], "templates/network-prod.json");
}

#[test]
fn fewer_nat_gateways_is_a_difference_and_exit_code_says_so() {
    let dir = project();
    edit_app(dir.path(), "nat_gateways: 3", "nat_gateways: 1");
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--exit-code"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let (stdout, stderr) = text(&out);
    assert!(stdout.contains("  - VpcPublicSubnet2NatGateway AWS::EC2::NatGateway\n"), "{stdout}");
    assert!(stdout.contains("  - VpcPublicSubnet3Eip AWS::EC2::EIP  DANGEROUS\n"), "{stdout}");
    assert!(
        stdout.contains(
            "~ Properties.NatGatewayId: {\"Ref\":\"VpcPublicSubnet2NatGateway\"} → {\"Ref\":\"VpcPublicSubnet1NatGateway\"}  [update]"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "NO_COLOR is set: no escape codes");
    assert!(stderr.contains("1 stack(s) differ from templates/"), "{stderr}");

    // Without --exit-code, differences are success.
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let (md, _) = text(&out);
    assert!(md.starts_with("## rcdk diff\n"), "{md}");
    assert!(
        md.contains("| network-prod | `VpcPublicSubnet2NatGateway` | `AWS::EC2::NatGateway` | removed | delete |"),
        "{md}"
    );
}

#[test]
fn a_stack_without_a_template_is_new() {
    let dir = project();
    edit_app(dir.path(), "name: network-prod", "name: network-staging");
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["stacks"][0]["status"], "added");
    assert_eq!(report["stacks"][0]["oldTemplate"], serde_json::Value::Null);
    assert!(report["summary"]["added"].as_u64().unwrap_or(0) > 20, "{report}");
}

#[test]
fn bad_input_exits_2() {
    let dir = project();
    fs::write(dir.path().join("bad.yaml"), "stacks:\n  - name: x\n    vpc:\n      cidr: nope\n").expect("write");
    let out = rcdk(dir.path(), &["diff", "bad.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(text(&out).1.contains("bad.yaml:4:13: stacks[0].vpc.cidr"), "{:?}", text(&out));

    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--against-dir", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("cannot read the templates directory nowhere"), "{:?}", text(&out));

    fs::write(dir.path().join("templates/network-prod.yaml"), "Resources: [unclosed").expect("write");
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("cannot read templates/network-prod.yaml: not valid JSON or YAML"),
        "{:?}",
        text(&out)
    );
}

#[test]
fn against_git_reads_the_templates_at_a_revision() {
    let dir = project();
    git(dir.path(), &["init", "--quiet"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "--quiet", "-m", "network"]);

    // A bigger public subnet: its CIDR is create-only.
    edit_app(dir.path(), "cidr: 10.20.0.0/16", "cidr: 10.20.0.0/16\n      public_subnet_prefix: 23");
    // The working tree's template is broken: --against-git must not read it.
    fs::write(dir.path().join("templates/network-prod.yaml"), "garbage: [").expect("write");

    let out = rcdk(
        dir.path(),
        &["diff", "examples/network.yaml", "--against-git", "HEAD", "--format", "json", "--exit-code"],
    );
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["against"], "git HEAD");
    assert_eq!(report["stacks"][0]["oldTemplate"], "HEAD:templates/network-prod.yaml");
    let subnet = report["stacks"][0]["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["logicalId"] == "VpcPublicSubnet2"))
        .cloned()
        .unwrap_or_else(|| panic!("VpcPublicSubnet2 missing: {report}"));
    assert_eq!(subnet["impact"], "replace");
    assert_eq!(subnet["changes"][0]["path"], "Properties.CidrBlock");
    assert_eq!(subnet["changes"][0]["old"], "10.20.1.0/24");
    assert_eq!(subnet["changes"][0]["new"], "10.20.2.0/23");

    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--against-git", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("unknown git revision `no-such-branch`"), "{:?}", text(&out));
}

#[test]
fn against_git_from_a_subdirectory_finds_templates_at_the_repository_root() {
    let dir = project();
    git(dir.path(), &["init", "--quiet"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "--quiet", "-m", "network"]);
    edit_app(dir.path(), "nat_gateways: 3", "nat_gateways: 1");

    let examples = dir.path().join("examples");
    let out = rcdk(&examples, &["diff", "network.yaml", "--against-git", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["stacks"][0]["status"], "modified", "{report}");
    assert_eq!(report["stacks"][0]["oldTemplate"], "HEAD:templates/network-prod.yaml");
    assert_eq!(report["summary"]["removed"], 4, "two NAT gateways and their Elastic IPs: {report}");

    // Without --against-dir, the templates directory above the current one is found too.
    let out = rcdk(&examples, &["diff", "network.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["stacks"][0]["status"], "modified", "{report}");
}

#[test]
fn a_baseline_without_any_of_the_stacks_is_a_warning() {
    let dir = project();
    fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--against-dir", "empty"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let (stdout, stderr) = text(&out);
    assert!(stdout.contains("new stack: every resource will be created"), "{stdout}");
    assert!(
        stderr.contains(
            "warning: empty/ holds no template for any of the app's stacks (looked for empty/network-prod.{yaml,yml,json}); every stack is reported as new"
        ),
        "{stderr}"
    );

    // A revision without a templates directory at all says what it looked for.
    git(dir.path(), &["init", "--quiet"]);
    git(dir.path(), &["add", "examples"]);
    git(dir.path(), &["commit", "--quiet", "-m", "app only"]);
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "--against-git", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let (_, stderr) = text(&out);
    assert!(stderr.contains("warning: git HEAD holds no template for any of the app's stacks (looked for a templates directory: HEAD:templates/"), "{stderr}");

    // With the templates there, no warning.
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml"]);
    assert!(!text(&out).1.contains("warning"), "{:?}", text(&out));
}

#[test]
fn two_templates_are_compared_without_an_app_file() {
    let dir = project();
    let old = dir.path().join("templates/network-prod.yaml");
    fs::create_dir(dir.path().join("new")).expect("mkdir");
    edit_app(dir.path(), "traffic_type: reject", "traffic_type: all");
    let out = rcdk(dir.path(), &["synth", "examples/network.yaml", "--out", "new"]);
    assert!(out.status.success(), "{:?}", text(&out));

    let out = rcdk(dir.path(), &["diff", "templates/network-prod.yaml", "new/network-prod.yaml", "--exit-code"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let (stdout, _) = text(&out);
    assert!(stdout.starts_with("Stack network-prod (against templates/network-prod.yaml)\n"), "{stdout}");
    assert!(stdout.contains("~ VpcFlowLogs AWS::EC2::FlowLog  replace"), "{stdout}");
    assert!(stdout.contains("0 to add, 0 to remove, 1 to modify (1 of them replaced), 0 dangerous"), "{stdout}");

    // Two directories: stacks paired by file name; one only in OLD is removed, one only in NEW added.
    fs::copy(&old, dir.path().join("templates/old-only.yaml")).expect("copy");
    fs::copy(&old, dir.path().join("new/new-only.json")).expect("copy");
    let out = rcdk(dir.path(), &["diff", "templates", "new", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let status: Vec<(String, String)> = report["stacks"]
        .as_array()
        .expect("stacks")
        .iter()
        .map(|s| (s["stack"].as_str().unwrap_or("").to_owned(), s["status"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(
        status,
        [("network-prod", "modified"), ("new-only", "added"), ("old-only", "removed")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}

#[test]
fn two_paths_that_are_not_two_templates_are_bad_input() {
    let dir = project();
    let cases: [(&[&str], &str); 5] = [
        (&["templates", "templates/network-prod.yaml"], "must both be template files or both be directories"),
        (
            &["examples/network.yaml", "templates/network-prod.yaml"],
            "is not a CloudFormation template: it has no `Resources`",
        ),
        (&["templates/network-prod.yaml", "missing.yaml"], "cannot read missing.yaml"),
        (
            &["templates/network-prod.yaml", "templates/network-prod.yaml", "--against-dir", "templates"],
            "go with an app file",
        ),
        (&["a", "b", "c"], ""),
    ];
    for (args, message) in cases {
        let mut all = vec!["diff"];
        all.extend_from_slice(args);
        let out = rcdk(dir.path(), &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {:?}", text(&out));
        assert!(text(&out).1.contains(message), "{args:?}: {:?}", text(&out));
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
    let out = rcdk(dir.path(), &["diff", "examples/network.yaml", "templates/network-prod.yaml"]);
    assert!(text(&out).1.contains("help: this looks like an app file"), "{:?}", text(&out));
}
