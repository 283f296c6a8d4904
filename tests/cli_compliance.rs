//! Rule packs end to end, through the real binary: `rcdk check --rules` on
//! templates, `compliance:` and `suppress:` in app files (located at the
//! construct's field), the same through a cloud assembly (`--app`,
//! `--assembly`), and the JSON and SARIF reports (validated against the
//! SARIF 2.1.0 JSON schema, installed by `scripts/test` from npm, with the
//! `jsonschema` module of `.venv`).

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{npm_package, rcdk, root, text, venv_tool};

/// A network stack with network ACLs and flow logs that opt out of rcdk's
/// log defaults (30 days, not encrypted): six Control Tower findings
/// (CT.EC2.PR.5 on four ACL entries, CT.CLOUDWATCH.PR.2 and .3 on the flow
/// logs' log group), unless `suppress` (stack-level YAML) accepts them.
fn network_app(suppress: &str) -> String {
    format!(
        "compliance: [control-tower]\nstacks:\n  - name: net\n    region: eu-west-1\n{suppress}    vpc:\n      network_acls: {{}}\n      flow_logs: {{retention_days: 30, encrypted: false}}\n"
    )
}

const ALL_SUPPRESSIONS: &str = "    suppress:\n      CT.EC2.PR.5: \"the ACLs admit SSH so that the security groups decide, and none admits it\"\n      CT.CLOUDWATCH.PR.2: \"flow logs are kept 30 days\"\n      CT.CLOUDWATCH.PR.3: \"an AWS-owned key is enough for flow logs\"\n";

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).expect("write");
}

/// Validates `sarif` against the SARIF 2.1.0 schema; panics with the reason.
fn assert_valid_sarif(sarif: &str) {
    let schema = npm_package("microsoft-jest-sarif").join("lib/schemas/sarif-2.1.0-rtm.5.json");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("out.sarif");
    std::fs::write(&file, sarif).expect("write");
    let out = Command::new(venv_tool("python"))
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             jsonschema.validators.validator_for(schema)(schema).validate(json.load(open(sys.argv[2])))\n\
             print('valid')",
        ])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("python runs");
    let (o, e) = text(&out);
    assert!(out.status.success() && o.trim() == "valid", "SARIF invalid against {}:\n{e}\n{sarif}", schema.display());
}

#[test]
fn check_rules_reports_each_failed_control_at_its_resource() {
    let out = rcdk(&root(), &["check", "--rules", "control-tower", "templates/todo-prod.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("[CT.ECS.PR.4] ecs_awsvpc_networking_enabled_check") && l.contains("MainTaskDefinition"))
        .unwrap_or_else(|| panic!("no CT.ECS.PR.4 finding for MainTaskDefinition:\n{err}"));
    // templates/todo-prod.yaml:LINE:COL: error: resource MainTaskDefinition fails ... (at /Properties/NetworkMode) [guard:rule-failed]
    let rest = line.strip_prefix("templates/todo-prod.yaml:").expect("file first");
    let mut parts = rest.splitn(3, ':');
    let (l, c): (usize, usize) = (parts.next().unwrap().parse().unwrap(), parts.next().unwrap().parse().unwrap());
    let template = std::fs::read_to_string(root().join("templates/todo-prod.yaml")).unwrap();
    let at = &template.lines().nth(l - 1).unwrap()[c - 1..];
    assert!(at.starts_with("NetworkMode: bridge"), "{l}:{c} is the network mode, not `{at}`");
    assert!(line.ends_with("(at /Properties/NetworkMode) [guard:rule-failed]"), "{line}");
    assert!(err.contains("help: Set 'NetworkMode' to 'awsvpc' for Amazon ECS tasks"), "{err}");
    assert!(err.contains(
        "https://docs.aws.amazon.com/controltower/latest/controlreference/ecs-rules.html#ct-ecs-pr-4-description"
    ));
    // rcdk's defaults pass the non-root control (the container's User).
    assert!(!err.contains("[CT.ECS.PR.3]"), "{err}");
    assert!(err.contains("error(s), 0 warning(s) in 1 template(s)"), "{err}");
}

#[test]
fn check_rules_takes_a_directory_and_refuses_what_the_engine_cannot_take() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::create_dir(d.join("rules")).unwrap();
    write(
        &d.join("rules"),
        "named.guard",
        "let topics = Resources.*[ Type == 'AWS::SNS::Topic' ]\nrule topic_named when %topics not empty {\n  %topics.Properties.TopicName exists\n  <<\n  [ACME.SNS.1]: name every topic\n  [FIX]: set TopicName\n  >>\n}\n",
    );
    // Anchors and aliases: the engine refuses them; rcdk expands them first.
    write(d, "t.yaml", "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: &p\n      DisplayName: a\n  B:\n    Type: AWS::SNS::Topic\n    Properties: *p\n");
    let out = rcdk(d, &["check", "--rules", "rules", "t.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("t.yaml:4:5: error: resource A fails [ACME.SNS.1] topic_named: name every topic (at /Properties) [guard:rule-failed]"), "{err}");
    assert!(err.contains("t.yaml:8:5: error: resource B fails [ACME.SNS.1] topic_named"), "{err}");
    assert!(err.contains("help: set TopicName"), "{err}");

    write(d, "ok.yaml", "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: a}\n");
    let out = rcdk(d, &["check", "--rules", "rules", "ok.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert!(text(&out).1.contains("every rule passes"));

    write(&d.join("rules"), "broken.guard", "rule broken when {\n");
    let out = rcdk(d, &["check", "--rules", "rules", "ok.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("broken.guard: the Guard engine cannot parse it"), "{err}");
    std::fs::remove_file(d.join("rules/broken.guard")).unwrap();

    let deep = format!(
        "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: {}1{}\n",
        "[".repeat(70),
        "]".repeat(70)
    );
    write(d, "deep.yaml", &deep);
    let out = rcdk(d, &["check", "--rules", "rules", "deep.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("deep.yaml:5:"), "located: {err}");
    assert!(err.contains("nested more than 64 deep"), "{err}");

    let out = rcdk(d, &["check", "--rules", "no-such-pack", "ok.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("control-tower"), "the known packs are named");
}

#[test]
fn check_writes_json_and_valid_sarif() {
    let out = rcdk(&root(), &["check", "--rules", "control-tower", "--format", "sarif", "templates/network-prod.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let sarif = String::from_utf8(out.stdout).expect("utf-8");
    assert_valid_sarif(&sarif);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ec2 = rules.iter().find(|r| r["id"] == "CT.EC2.PR.5").expect("the control is a rule");
    assert_eq!(ec2["name"], "nacl_no_unrestricted_ssh_rdp_check");
    assert!(ec2["helpUri"].as_str().unwrap().starts_with("https://docs.aws.amazon.com/controltower/"));
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.iter().filter(|r| r["ruleId"] == "CT.EC2.PR.5").count(),
        4,
        "four ACL entries: TCP and UDP replies, private and public"
    );
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "templates/network-prod.yaml");
        assert!(
            loc["region"]["startLine"].as_u64().unwrap() > 1 && loc["region"]["startColumn"].as_u64().unwrap() >= 1
        );
        assert_eq!(r["level"], "error");
    }

    let out = rcdk(&root(), &["check", "--rules", "control-tower", "--format", "json", "templates/network-prod.yaml"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["errors"], 5, "the ACL entries and the flow logs' 90 days");
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "guard:rule-failed");
    assert!(d["line"].as_u64().is_some() && d["rule"]["control"].as_str().is_some_and(|c| c.starts_with("CT.")), "{d}");
}

#[test]
fn app_files_opt_in_and_findings_are_located_at_the_construct() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write(d, "app.yaml", &network_app(""));
    let out = rcdk(d, &["synth", "app.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!d.join("templates").exists(), "nothing written");
    assert!(
        err.contains("app.yaml:7:7: stacks[0].vpc.flow_logs: stack `net`: resource VpcFlowLogsLogGroup fails [CT.CLOUDWATCH.PR.2] cloudwatch_log_group_retention_period_check"),
        "{err}"
    );
    assert!(err.contains("construct: net/Vpc/FlowLogs/LogGroup [guard:rule-failed]"), "{err}");
    assert!(err.contains("app.yaml:6:7: stacks[0].vpc.network_acls: stack `net`: resource VpcPrivateNetworkAclInbound110 fails [CT.EC2.PR.5]"), "{err}");
    assert!(err.contains("6 problems found; nothing was written"), "{err}");

    // Accepted with reasons: notes, and the templates are written.
    write(d, "app.yaml", &network_app(ALL_SUPPRESSIONS));
    let out = rcdk(d, &["synth", "app.yaml", "--deny-warnings"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("note: ").count(), 6, "{err}");
    assert!(err.contains("(suppressed: flow logs are kept 30 days)"), "{err}");
    assert!(d.join("templates/net.yaml").is_file());
}

#[test]
fn suppressions_need_a_reason_and_stale_ones_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    // Under the construct, by rule name, limited to one construct below it.
    let suppress = format!("{ALL_SUPPRESSIONS}      CT.S3.PR.9: \"nothing here has a bucket\"\n");
    let app = network_app(&suppress).replace(
        "flow_logs: {retention_days: 30, encrypted: false}\n",
        "flow_logs: {retention_days: 30, encrypted: false}\n      suppress:\n        cloudwatch_log_group_encrypted_check:\n          reason: \"   \"\n          constructs: [FlowLogs]\n",
    );
    write(d, "app.yaml", &app);
    let out = rcdk(d, &["synth", "app.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("app.yaml:14:9: stacks[0].vpc.suppress.cloudwatch_log_group_encrypted_check: the suppression of `cloudwatch_log_group_encrypted_check` gives no reason"), "{err}");
    assert!(err.contains("[app:suppression-no-reason]"), "{err}");

    write(d, "app.yaml", &network_app(&suppress));
    let out = rcdk(d, &["synth", "app.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning: app.yaml:9:19: stacks[0].suppress.CT.S3.PR.9: the suppression of `CT.S3.PR.9` matches no finding about net"), "{err}");
    assert!(err.contains("[app:suppression-unused]"), "{err}");
    let out = rcdk(d, &["synth", "app.yaml", "--deny-warnings", "--diagnostics", "sarif"]);
    assert_eq!(out.status.code(), Some(2), "a stale suppression fails --deny-warnings");
    assert_valid_sarif(&String::from_utf8(out.stdout).unwrap());

    // A suppression of a whole-app warning is one too (and not stale).
    let app = "stacks:\n  - name: alarms\n    region: eu-west-1\n    suppress:\n      net:nat-shared-across-azs: \"one NAT gateway is this test's choice\"\n    vpc:\n      nat_gateways: 1\n";
    write(d, "app.yaml", app);
    let out = rcdk(d, &["synth", "app.yaml", "--deny-warnings"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("(suppressed: one NAT gateway is this test's choice)"), "{err}");
    assert!(!err.contains("suppression-unused"), "{err}");
}

#[test]
fn synth_diagnostics_sarif_carries_the_notes_as_suppressed_results() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write(d, "app.yaml", &network_app(ALL_SUPPRESSIONS));
    let out = rcdk(d, &["synth", "app.yaml", "--diagnostics", "sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let sarif = String::from_utf8(out.stdout).unwrap();
    assert_valid_sarif(&sarif);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for r in results {
        assert_eq!(r["level"], "note");
        assert_eq!(r["suppressions"][0]["kind"], "inSource");
        assert!(!r["suppressions"][0]["justification"].as_str().unwrap().is_empty());
        assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "app.yaml");
    }

    write(d, "app.yaml", &network_app(""));
    let out = rcdk(d, &["synth", "app.yaml", "--diagnostics", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON even when synth fails");
    assert_eq!(report["summary"]["errors"], 6);
    assert_eq!(report["diagnostics"][0]["file"], "app.yaml");
    assert!(report["diagnostics"][0]["construct"].as_str().unwrap().starts_with("net/Vpc/"));
}

#[test]
fn assemblies_carry_packs_and_suppressions_to_app_commands_and_deploys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write(d, "app.yaml", &network_app(ALL_SUPPRESSIONS));
    let out = rcdk(d, &["synth", "app.yaml", "--out", "asm"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(d.join("asm/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["version"], 2);
    assert_eq!(manifest["stacks"][0]["compliance"][0], "control-tower");
    assert_eq!(manifest["stacks"][0]["constructs"]["VpcFlowLogsLogGroup"], "net/Vpc/FlowLogs/LogGroup");

    // An app command whose assembly accepts everything: notes, exit 0.
    let app = "cp asm/* \"$RCDK_OUTDIR\"/";
    let out = rcdk(d, &["synth", "--app", app, "--out", "out"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("note: ").count(), 6, "{err}");

    // Without the flow logs' suppressions: errors located in the template, at the construct.
    let mut m = manifest.clone();
    let kept: Vec<Value> = m["stacks"][0]["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["code"].as_str().unwrap().starts_with("CT.CLOUDWATCH"))
        .cloned()
        .collect();
    m["stacks"][0]["suppressions"] = Value::Array(kept);
    std::fs::write(d.join("asm/manifest.json"), serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let out = rcdk(d, &["synth", "--app", app, "--out", "out2"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!d.join("out2").exists(), "nothing written");
    let line = err.lines().find(|l| l.contains("[CT.CLOUDWATCH.PR.2]")).unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.starts_with("out2/net.yaml:")
            && line.contains(": /Resources/VpcFlowLogsLogGroup/Properties/RetentionInDays: "),
        "{line}"
    );
    assert!(err.contains("construct: net/Vpc/FlowLogs/LogGroup [guard:rule-failed]"), "{err}");

    // The assembly itself, as deploy and diff read it.
    let out = rcdk(d, &["diff", "--assembly", "asm", "--against-dir", "asm"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("asm/net.yaml:") && err.contains("[guard:rule-failed]"), "{err}");
}
