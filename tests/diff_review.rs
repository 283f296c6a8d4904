//! `rcdk diff` as a reviewer's gate on the seed apps (issue 21): each change
//! below is made to an example app file, the unchanged variant is
//! synthesized as the baseline, and `rcdk diff NEW --against-dir BASELINE
//! --fail-on broadening --format json` must report the path or permission
//! that appears (broadening, exit 1) or disappears (narrowing, exit 0).

mod support;

use std::path::Path;

use serde_json::Value;
use support::{rcdk, root, text};

/// Synthesizes `old` (app file text) into `dir/base/`, writes `new` as
/// `dir/new.yaml`, and runs the gate. Returns the exit code and the JSON report.
fn gate(dir: &Path, old: &str, new: &str) -> (Option<i32>, Value) {
    std::fs::write(dir.join("old.yaml"), old).expect("write old");
    std::fs::write(dir.join("new.yaml"), new).expect("write new");
    let out = rcdk(dir, &["synth", "old.yaml", "--out", "base"]);
    assert!(out.status.success(), "synth of the baseline: {:?}", text(&out));
    let out = rcdk(dir, &["diff", "new.yaml", "--against-dir", "base", "--fail-on", "broadening", "--format", "json"]);
    let (stdout, stderr) = text(&out);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("JSON ({e}): {stdout}\n{stderr}"));
    if out.status.code() == Some(1) {
        assert!(stderr.contains("--fail-on: broadening"), "{stderr}");
    }
    (out.status.code(), report)
}

/// An example app file without its `compliance:` lines: these tests review
/// changes a rule pack would refuse (a port opened to the world), and rule
/// packs check templates without shaping them.
fn example(name: &str) -> String {
    let text = std::fs::read_to_string(root().join("examples").join(name)).expect("example");
    text.lines().filter(|l| !l.trim_start().starts_with("compliance:")).map(|l| format!("{l}\n")).collect()
}

/// The reachability changes of a report as (classification, text).
fn reach(report: &Value) -> Vec<(String, String)> {
    report["reachability"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["classification"].as_str().unwrap_or("").to_owned(), c["text"].as_str().unwrap_or("").to_owned()))
        .collect()
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

#[test]
fn a_port_opened_to_the_world_through_resources_is_broadening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = example("todo-app.yaml");
    let new = replace_once(
        &old,
        "    description: To-do app backend (seed 003)\n",
        "    description: To-do app backend (seed 003)\n    resources:\n      SshFromAnywhere:\n        Type: AWS::EC2::SecurityGroupIngress\n        Properties:\n          GroupId: {\"Fn::GetAtt\": [ClusterInstanceSecurityGroup, GroupId]}\n          IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n",
    );
    let (code, report) = gate(dir.path(), &old, &new);
    assert_eq!(code, Some(1), "{report:#}");
    let changes = reach(&report);
    assert!(
        changes.iter().any(|(c, t)| c == "broadening"
            && t.starts_with("the internet (0.0.0.0/0) can now reach instances of")
            && t.ends_with("(security group ClusterInstanceSecurityGroup) on tcp/22")),
        "{changes:#?}"
    );
    assert_eq!(report["security"]["ingress_rule_additions"], 1);
    assert_eq!(report["security"]["permissions_broadened"], true);
}

#[test]
fn a_grant_widened_from_read_to_read_write_is_broadening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let new = example("todo-app.yaml");
    let old = replace_once(&new, "tables: {todos: read_write}", "tables: {todos: read}");
    let (code, report) = gate(dir.path(), &old, &new);
    assert_eq!(code, Some(1), "{report:#}");
    let changes = reach(&report);
    let delete = changes
        .iter()
        .find(|(_, t)| t.contains("may now `dynamodb:DeleteItem` on"))
        .unwrap_or_else(|| panic!("no new DeleteItem permission: {changes:#?}"));
    assert_eq!(delete.0, "broadening");
    assert!(delete.1.starts_with("task role of service `"), "{}", delete.1);
    assert!(changes.iter().all(|(c, _)| c == "broadening"), "{changes:#?}");
    assert_eq!(report["security"]["permissions_broadened"], true);
}

#[test]
fn the_cdn_origin_lock_switched_off_is_broadening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = example("multi-region-canary.yaml");
    let new = replace_once(
        &old,
        "      price_class: price_class_100\n",
        "      price_class: price_class_100\n      origin_lock: false\n",
    );
    let (code, report) = gate(dir.path(), &old, &new);
    assert_eq!(code, Some(1), "{report:#}");
    let changes = reach(&report);
    assert!(
        changes.iter().any(|(c, t)| c == "broadening"
            && t.starts_with("the CloudFront origin lock is off: load balancer")
            && t.contains("is now reachable from 0.0.0.0/0 on tcp/")),
        "{changes:#?}"
    );
}

#[test]
fn a_grant_removed_is_narrowing_and_passes_the_gate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = example("todo-app.yaml");
    let new = replace_once(&old, "          buckets: {files: read_write}\n", "");
    let (code, report) = gate(dir.path(), &old, &new);
    let changes = reach(&report);
    assert_eq!(code, Some(0), "{changes:#?}\n{:#}", report["security"]);
    assert!(
        !changes.is_empty() && changes.iter().all(|(c, t)| c == "narrowing" && t.contains("no longer")),
        "{changes:#?}"
    );
    assert!(changes.iter().any(|(_, t)| t.contains("may no longer `s3:")), "{changes:#?}");
    assert_eq!(report["security"]["permissions_broadened"], false);
}

#[test]
fn fail_on_names_each_gate_that_holds_and_rejects_unknown_gates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = |cidr: &str, extra: &str| {
        format!(
            "{{\"Resources\": {{\"Sg\": {{\"Type\": \"AWS::EC2::SecurityGroup\", \"Properties\": {{\"GroupDescription\": \"d\", \
             \"VpcId\": \"vpc-1\", \"SecurityGroupIngress\": [{{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, \"CidrIp\": \"{cidr}\"}}]}}}}{extra}}}}}"
        )
    };
    std::fs::write(dir.path().join("old.json"), t("10.0.0.0/8", "")).expect("write");
    // The new side opens SSH to the world and changes the group's VPC (create-only: a replacement).
    std::fs::write(dir.path().join("new.json"), t("0.0.0.0/0", "").replace("vpc-1", "vpc-2")).expect("write");
    let out = rcdk(dir.path(), &["diff", "old.json", "new.json", "--fail-on", "replacement,broadening,data-loss"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("broadening: 1 ingress rule(s) added, 1 removed; permissions broadened"), "{stderr}");
    assert!(stderr.contains("replacement: 1 replaced"), "{stderr}");
    assert!(!stderr.contains("data-loss"), "{stderr}");
    assert!(
        stdout.contains("+ [broadening] Sg: ingress to ${Sg.GroupId}: tcp/22 from 0.0.0.0/0 (anyone, IPv4)"),
        "{stdout}"
    );
    // Nothing holds the other way round for the will-fail gate alone: exit 0.
    let out = rcdk(dir.path(), &["diff", "old.json", "new.json", "--fail-on", "will-fail"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let out = rcdk(dir.path(), &["diff", "old.json", "new.json", "--fail-on", "everything"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
}

#[test]
fn a_retained_removal_reads_retained_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("old.json"),
        r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"}, "R": {"Type": "AWS::SNS::Topic", "DeletionPolicy": "RetainExceptOnCreate"}}}"#,
    )
    .expect("write");
    std::fs::write(dir.path().join("new.json"), "{}").expect("write");
    let (text_out, _) = text(&rcdk(dir.path(), &["diff", "old.json", "new.json"]));
    assert!(text_out.contains("- B AWS::S3::Bucket  retained (orphaned)"), "{text_out}");
    assert!(text_out.contains("2 to remove (2 of them retained, orphaned)"), "{text_out}");
    let (md, _) = text(&rcdk(dir.path(), &["diff", "old.json", "new.json", "--format", "markdown"]));
    assert!(
        md.contains(
            "| new | `B` | `AWS::S3::Bucket` | removed from the stack, retained (orphaned) | retained (orphaned) |"
        ),
        "{md}"
    );
    assert!(!md.contains("delete"), "{md}");
    let (json, _) = text(&rcdk(dir.path(), &["diff", "old.json", "new.json", "--format", "json"]));
    let v: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["stacks"][0]["resources"][0]["fate"], "retained");
    assert_eq!(v["summary"]["retained"], 2);
}

#[test]
fn templates_cloudformation_rejects_are_will_fail_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("old.json"), r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#).expect("write");
    std::fs::write(
        dir.path().join("new.json"),
        r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket", "BucketName": "x"}, "S": "not a resource"}}"#,
    )
    .expect("write");
    let out = rcdk(dir.path(), &["diff", "old.json", "new.json", "--fail-on", "will-fail"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("B has a key CloudFormation does not know beside `Properties`: BucketName"), "{stdout}");
    assert!(stdout.contains("S is not a mapping"), "{stdout}");
}
