//! CloudWatch alarms, their presets, and the SNS topic they notify.

#[macro_use]
mod support;

use rcdk_constructs::cfn::{Format, Template};
use rcdk_constructs::cloudwatch::*;
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::sns::{Topic, TopicEncryption, TopicProps};
use serde_json::json;

fn new_stack() -> Stack {
    Stack::new(StackProps { name: "ops".into(), ..Default::default() }, FieldPath::root())
}

fn synth(stack: Stack) -> Result<Template, Vec<(String, String)>> {
    let mut app = App::new();
    app.add_stack(stack);
    app.synth(Format::Yaml)
        .map(|mut s| s.remove(0).template)
        .map_err(|e| e.0.iter().map(|e| (e.code.to_string(), e.field.to_string())).collect())
}

fn service_cpu() -> Metric {
    Metric::new(
        "AWS/ECS",
        "CPUUtilization",
        vec![("ClusterName".into(), json!("prod")), ("ServiceName".into(), json!("main"))],
    )
}

#[test]
fn presets_notify_the_topic() {
    let mut stack = new_stack();
    let root = stack.root().clone();
    let topic = Topic::new(
        &mut stack,
        &root.child("Alerts"),
        &TopicProps { email: Some("ops@example.com".into()), ..Default::default() },
    );
    let notify = [topic.arn.clone()];
    let cpu =
        Alarm::cpu_high(&mut stack, &root.child("CpuHigh"), &service_cpu(), &PresetAlarmProps::default(), &notify);
    let five_xx = Metric::new("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", vec![]).with_statistic(Statistic::Sum);
    Alarm::target_5xx(
        &mut stack,
        &root.child("Target5xx"),
        &five_xx,
        &PresetAlarmProps { threshold: Some(10.0), evaluation_periods: Some(5), datapoints_to_alarm: Some(2) },
        &notify,
    );
    assert_eq!(cpu.arn, json!({"Fn::GetAtt": ["CpuHigh", "Arn"]}));
    let t = synth(stack).expect("valid");
    let a = &t.resources["CpuHigh"].properties;
    assert_eq!(a["Threshold"], json!(DEFAULT_CPU_THRESHOLD_PERCENT));
    assert_eq!(a["TreatMissingData"], json!("missing"));
    assert_eq!(a["AlarmActions"], json!([{"Ref": "Alerts"}]));
    assert_eq!(a["OKActions"], json!([{"Ref": "Alerts"}]));
    let f = &t.resources["Target5xx"].properties;
    assert_eq!(f["TreatMissingData"], json!("notBreaching"));
    assert_eq!(f["DatapointsToAlarm"], json!(2));
    assert_eq!(f["Statistic"], json!("Sum"));
    // The topic is encrypted with its own key, which admits CloudWatch.
    assert_eq!(t.resources["Alerts"].properties["KmsMasterKeyId"], json!({"Fn::GetAtt": ["AlertsKey", "Arn"]}));
    let policy = t.resources["AlertsKey"].properties["KeyPolicy"].to_string();
    assert!(policy.contains("cloudwatch.amazonaws.com"));
    assert_eq!(t.resources["AlertsEmailSubscription"].properties["Protocol"], json!("email"));
    snapshot!("alarm_presets", t.to_yaml().expect("renders"));
}

#[test]
fn topic_encryption_choices() {
    let mut stack = new_stack();
    let root = stack.root().clone();
    Topic::new(
        &mut stack,
        &root.child("Managed"),
        &TopicProps { encryption: Some(TopicEncryption::AwsManagedKey), ..Default::default() },
    );
    Topic::new(
        &mut stack,
        &root.child("Plain"),
        &TopicProps { encryption: Some(TopicEncryption::None), ..Default::default() },
    );
    let t = synth(stack).expect("valid");
    assert_eq!(t.resources["Managed"].properties["KmsMasterKeyId"], json!("alias/aws/sns"));
    assert!(!t.resources["Plain"].properties.contains_key("KmsMasterKeyId"));
    assert_eq!(t.resources.len(), 2, "no key, no subscription");
}

#[test]
fn alarm_and_topic_props_are_validated() {
    let mut stack = new_stack();
    let root = stack.root().clone();
    let props = |evaluation_periods, datapoints| AlarmProps {
        threshold: 1.0,
        comparison: ComparisonOperator::GreaterThanThreshold,
        evaluation_periods,
        datapoints_to_alarm: datapoints,
        treat_missing_data: None,
        alarm_actions: vec![],
        ok_actions: vec![],
    };
    Alarm::new(&mut stack, &root.child("A"), &service_cpu(), &props(2, Some(3)));
    Alarm::new(&mut stack, &root.child("B"), &service_cpu(), &props(0, None));
    Alarm::new(&mut stack, &root.child("C"), &service_cpu().with_period(45), &props(1, None));
    Alarm::new(&mut stack, &root.child("D"), &service_cpu(), &props(1441, None));
    Topic::new(
        &mut stack,
        &root.child("T"),
        &TopicProps { email: Some("ops at example.com".into()), ..Default::default() },
    );
    let errs = synth(stack).expect_err("invalid");
    let expected: Vec<(String, String)> = [
        ("cloudwatch:alarm-datapoints-invalid", "datapoints_to_alarm"),
        ("cloudwatch:alarm-evaluation-periods-invalid", "evaluation_periods"),
        ("cloudwatch:alarm-period-invalid", ""),
        ("cloudwatch:alarm-evaluation-periods-invalid", "evaluation_periods"),
        ("sns:email-invalid", "email"),
    ]
    .iter()
    .map(|(c, f)| ((*c).to_owned(), (*f).to_owned()))
    .collect();
    assert_eq!(errs, expected);
}

#[test]
fn preset_props_deserialize() {
    let p: PresetAlarmProps = serde_yaml::from_str("threshold: 90\nevaluation_periods: 5\n").expect("valid");
    assert_eq!(p.threshold, Some(90.0));
    let t: TopicProps = serde_yaml::from_str("email: ops@example.com\nencryption: aws_managed_key\n").expect("valid");
    assert_eq!(t.encryption, Some(TopicEncryption::AwsManagedKey));
    assert!(serde_yaml::from_str::<TopicProps>("mail: x\n").is_err());
}
