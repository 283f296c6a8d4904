//! Escape hatches in app files: raw `resources:` and `overrides:` are
//! checked against the CloudFormation resource provider schemas — each class
//! of mistake exits 2, located at `file:line:column: field.path`, with its
//! stable code, and writes nothing; valid ones synthesize and pass cfn-lint.

mod support;

use std::fs;

use support::{cfn_lint, rcdk, text};

const HEAD: &str = "stacks:\n  - name: jobs\n    vpc: {max_azs: 2, nat_gateways: 0}\n";

/// (name, body after HEAD, the field path expected, the code expected).
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "unknown_type",
        "    resources:\n      Topic: {Type: 'AWS::SNS::Topik'}\n",
        "stacks[0].resources.Topic.Type",
        "cfn:unknown-type",
    ),
    (
        "unknown_property",
        "    resources:\n      Queue:\n        Type: AWS::SQS::Queue\n        Properties: {VisibilityTimout: 60}\n",
        "stacks[0].resources.Queue.Properties.VisibilityTimout",
        "cfn:unknown-property",
    ),
    (
        "unknown_nested_property",
        "    resources:\n      Queue:\n        Type: AWS::SQS::Queue\n        Properties:\n          Tags:\n            - {Key: team, Valeu: jobs}\n",
        "stacks[0].resources.Queue.Properties.Tags[0].Valeu",
        "cfn:unknown-property",
    ),
    (
        "wrong_type",
        "    resources:\n      Queue:\n        Type: AWS::SQS::Queue\n        Properties: {DelaySeconds: soon}\n",
        "stacks[0].resources.Queue.Properties.DelaySeconds",
        "cfn:wrong-type",
    ),
    (
        "missing_required",
        "    resources:\n      Filter:\n        Type: AWS::Logs::MetricFilter\n        Properties: {LogGroupName: app, FilterPattern: ERROR}\n",
        "stacks[0].resources.Filter.Properties",
        "cfn:missing-required",
    ),
    (
        "bad_enum",
        "    resources:\n      Svc:\n        Type: AWS::ECS::Service\n        Properties: {LaunchType: EC3}\n",
        "stacks[0].resources.Svc.Properties.LaunchType",
        "cfn:bad-enum",
    ),
    (
        "dangling_ref",
        "    resources:\n      Queue:\n        Type: AWS::SQS::Queue\n        Properties: {QueueName: {Ref: Vpcc}}\n",
        "stacks[0].resources.Queue",
        "cfn:template-reference",
    ),
    (
        "raw_id_taken",
        "    resources:\n      Vpc: {Type: 'AWS::SQS::Queue'}\n",
        "stacks[0].resources.Vpc",
        "cfn:logical-id-collision",
    ),
    (
        "raw_attribute_unknown",
        "    resources:\n      Queue: {Type: 'AWS::SQS::Queue', Propertys: {}}\n",
        "stacks[0].resources.Queue.Propertys",
        "app-file:schema",
    ),
    (
        "override_unknown_resource",
        "    overrides:\n      Vpcc: {Properties.EnableDnsHostnames: false}\n",
        "stacks[0].overrides.Vpcc",
        "cfn:override-unknown-resource",
    ),
    (
        "override_unknown_property",
        "    overrides:\n      Vpc: {Properties.EnableDnsHostname: false}\n",
        "stacks[0].overrides.Vpc.Properties.EnableDnsHostname",
        "cfn:unknown-property",
    ),
    (
        "override_wrong_type",
        "    overrides:\n      Vpc:\n        Properties.CidrBlock: [10.0.0.0/16]\n",
        "stacks[0].overrides.Vpc.Properties.CidrBlock",
        "cfn:wrong-type",
    ),
    (
        "override_bad_enum",
        "    overrides:\n      Vpc:\n        Properties.InstanceTenancy: shared\n",
        "stacks[0].overrides.Vpc.Properties.InstanceTenancy",
        "cfn:bad-enum",
    ),
    (
        "override_deletes_required",
        "    resources:\n      Filter:\n        Type: AWS::Logs::MetricFilter\n        Properties:\n          LogGroupName: app\n          FilterPattern: ERROR\n          MetricTransformations: [{MetricName: Errors, MetricNamespace: App, MetricValue: '1'}]\n    overrides:\n      Filter: {Properties.LogGroupName: null}\n",
        "stacks[0].overrides.Filter.Properties.LogGroupName",
        "cfn:missing-required",
    ),
    (
        "override_deletion_policy",
        "    overrides:\n      Vpc: {DeletionPolicy: Keep}\n",
        "stacks[0].overrides.Vpc.DeletionPolicy",
        "cfn:bad-enum",
    ),
    (
        "override_update_replace_policy",
        "    overrides:\n      Vpc: {UpdateReplacePolicy: RetainExceptOnCreate}\n",
        "stacks[0].overrides.Vpc.UpdateReplacePolicy",
        "cfn:bad-enum",
    ),
    (
        "raw_update_replace_policy",
        "    resources:\n      Queue: {Type: 'AWS::SQS::Queue', UpdateReplacePolicy: RetainExceptOnCreate}\n",
        "stacks[0].resources.Queue",
        "cfn:bad-enum",
    ),
    (
        "override_attribute",
        "    overrides:\n      Vpc: {Propertys.CidrBlock: 10.0.0.0/16}\n",
        "stacks[0].overrides.Vpc.Propertys.CidrBlock",
        "cfn:override-path-invalid",
    ),
];

#[test]
fn each_invalid_escape_hatch_exits_2_located_and_writes_nothing() {
    let cases: Vec<(String, String, &str, &str)> = CASES
        .iter()
        .map(|(name, body, field, code)| (name.to_string(), format!("{HEAD}{body}"), *field, *code))
        .collect();
    support::assert_invalid_apps(cases.iter().map(|(n, b, f, c)| (n.as_str(), b.as_str(), *f, *c)));
}

#[test]
fn messages_name_the_problem_and_suggest_the_fix_at_the_offending_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = format!(
        "{HEAD}    resources:\n      Queue:\n        Type: AWS::SQS::Queue\n        Properties:\n          VisibilityTimout: 60\n      Topic:\n        Type: AWS::SNS::Topik\n    overrides:\n      Vpc:\n        Properties.EnableDnsHostname: false\n"
    );
    fs::write(dir.path().join("bad.yaml"), yaml).expect("write");
    let out = rcdk(dir.path(), &["synth", "bad.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let expect = [
        "bad.yaml:8:29: stacks[0].resources.Queue.Properties.VisibilityTimout: unknown property `VisibilityTimout` (did you mean `VisibilityTimeout`?)\n  construct: jobs/Queue [cfn:unknown-property]",
        "bad.yaml:10:15: stacks[0].resources.Topic.Type: `AWS::SNS::Topik` is not a CloudFormation resource type (did you mean `AWS::SNS::Topic`?)\n  construct: jobs/Topic [cfn:unknown-type]",
        "bad.yaml:13:39: stacks[0].overrides.Vpc.Properties.EnableDnsHostname: `AWS::EC2::VPC` has no property `EnableDnsHostname` (did you mean `EnableDnsHostnames`?)\n  construct: jobs/Vpc [cfn:unknown-property]",
    ];
    for line in expect {
        assert!(err.contains(line), "missing\n{line}\nin\n{err}");
    }
    assert!(!dir.path().join("templates").exists());
}

#[test]
fn a_raw_resource_and_overrides_synthesize_and_pass_cfn_lint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = format!(
        "{HEAD}    tables:\n      todos: {{partition_key: {{name: id}}}}\n    resources:\n      DeadLetters:\n        Type: AWS::SQS::Queue\n        DeletionPolicy: Retain\n        UpdateReplacePolicy: Retain\n        Properties:\n          MessageRetentionPeriod: 1209600\n      Queue:\n        Type: AWS::SQS::Queue\n        DependsOn: TodosTable\n        Properties:\n          VisibilityTimeout: 60\n          RedrivePolicy:\n            deadLetterTargetArn: {{'Fn::GetAtt': [DeadLetters, Arn]}}\n            maxReceiveCount: 5\n          Tags:\n            - {{Key: vpc, Value: {{Ref: Vpc}}}}\n            - {{Key: name, Value: {{'Fn::Sub': '${{AWS::StackName}}-jobs'}}}}\n    overrides:\n      Vpc:\n        Properties.EnableDnsHostnames: false\n        Metadata.Purpose: jobs\n      Queue:\n        Properties.ReceiveMessageWaitTimeSeconds: 20\n      DeadLetters:\n        Properties.MessageRetentionPeriod: null\n"
    );
    fs::write(dir.path().join("app.yaml"), yaml).expect("write");
    let out = rcdk(dir.path(), &["synth", "app.yaml"]);
    let (_, err) = text(&out);
    assert!(out.status.success(), "{err}");
    let file = dir.path().join("templates/jobs.yaml");
    let body = fs::read_to_string(&file).expect("template");
    let template: serde_yaml::Value = serde_yaml::from_str(&body).expect("yaml");
    let resources = &template["Resources"];
    let queue = &resources["Queue"];
    assert_eq!(queue["Type"].as_str(), Some("AWS::SQS::Queue"));
    assert_eq!(queue["DependsOn"][0].as_str(), Some("TodosTable"));
    assert_eq!(queue["Properties"]["VisibilityTimeout"].as_i64(), Some(60));
    assert_eq!(queue["Properties"]["ReceiveMessageWaitTimeSeconds"].as_i64(), Some(20));
    assert_eq!(
        queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0].as_str(),
        Some("DeadLetters")
    );
    let dead = &resources["DeadLetters"];
    assert_eq!(dead["DeletionPolicy"].as_str(), Some("Retain"));
    assert!(dead.get("Properties").is_none(), "the deletion override removed the only property: {body}");
    let vpc = &resources["Vpc"];
    assert_eq!(vpc["Properties"]["EnableDnsHostnames"].as_bool(), Some(false));
    assert_eq!(vpc["Properties"]["EnableDnsSupport"].as_bool(), Some(true), "other properties stay");
    assert_eq!(vpc["Metadata"]["Purpose"].as_str(), Some("jobs"));
    let (code, output) = cfn_lint(&[file]);
    assert_eq!(code, 0, "cfn-lint:\n{output}");
}
