//! The stack's log key (`LogsKey`) lets CloudWatch Logs of the stack's region
//! use it in every partition: the service principal carries the partition's
//! domain suffix (`logs.cn-north-1.amazonaws.com.cn` in China) and the
//! encryption-context condition the partition's ARNs ("Encrypt log data in
//! CloudWatch Logs using AWS KMS",
//! https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html;
//! `AWS::URLSuffix` and `AWS::Partition` in "Pseudo parameters reference",
//! https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

/// An app file with one service in `region` (none when `None`).
fn app(region: Option<&str>) -> String {
    let region = region.map(|r| format!("    region: {r}\n")).unwrap_or_default();
    format!(
        "stacks:\n  - name: web\n{region}    vpc: {{max_azs: 2}}\n    services:\n      web:\n        \
         image: public.ecr.aws/nginx/nginx-unprivileged:1.27\n        container_port: 8080\n"
    )
}

/// The `CloudWatchLogsEncrypt` statement of the template's `LogsKey`.
fn logs_statement(template: &Value) -> Value {
    let statements = template["Resources"]["LogsKey"]["Properties"]["KeyPolicy"]["Statement"]
        .as_array()
        .expect("LogsKey has a key policy");
    statements.iter().find(|s| s["Sid"] == "CloudWatchLogsEncrypt").expect("the CloudWatch Logs statement").clone()
}

#[test]
fn the_logs_key_names_the_china_principal_in_cn_north_1() {
    let t = support::app_template(&app(Some("cn-north-1")));
    let s = logs_statement(&t);
    assert_eq!(s["Principal"], json!({"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com.cn"}}));
    // In cn-north-1 this ARN resolves to arn:aws-cn:logs:cn-north-1:...
    assert_eq!(
        s["Condition"],
        json!({"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
            {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"}}})
    );
    // The service's log group is encrypted with that key.
    assert_eq!(
        t["Resources"]["WebTaskDefinitionLogGroup"]["Properties"]["KmsKeyId"],
        json!({"Fn::GetAtt": ["LogsKey", "Arn"]})
    );
}

#[test]
fn other_partitions_keep_the_amazonaws_com_principal() {
    for region in ["eu-west-1", "us-gov-west-1"] {
        let s = logs_statement(&support::app_template(&app(Some(region))));
        assert_eq!(s["Principal"], json!({"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}), "{region}");
    }
}

#[test]
fn a_stack_without_a_region_leaves_the_suffix_to_cloudformation() {
    let s = logs_statement(&support::app_template(&app(None)));
    assert_eq!(s["Principal"], json!({"Service": {"Fn::Sub": "logs.${AWS::Region}.${AWS::URLSuffix}"}}));
}

/// The China template passes cfn-lint checked against cn-north-1 (its
/// resource specs and ARN partitions).
#[test]
fn the_china_template_is_cfn_lint_clean_for_cn_north_1() {
    let stacks = support::synth_app(&app(Some("cn-north-1")), rcdk_constructs::cfn::Format::Yaml)
        .unwrap_or_else(|e| panic!("synth failed: {e}"));
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("logs_partitions_cn.yaml");
    std::fs::write(&file, &stacks[0].body).expect("write template");
    let out = Command::new(support::cfn_lint_binary())
        .args(["--regions", "cn-north-1", "--"])
        .arg(&file)
        .output()
        .expect("cfn-lint runs");
    assert!(
        out.status.success(),
        "cfn-lint (cn-north-1) found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
