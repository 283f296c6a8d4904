//! A stack that uses every construct of the load-balancing modules (ALB with
//! HTTP and HTTPS variants, target groups, rules, alarms, SNS, Application
//! Auto Scaling) passes cfn-lint with no error and no warning.

mod support;

use std::path::PathBuf;
use std::process::Command;

use rcdk_constructs::applicationautoscaling::{ScalableTarget, StepScalingProps, TargetTrackingOptions};
use rcdk_constructs::cfn::{Format, Parameter, ParameterType};
use rcdk_constructs::cloudwatch::{Alarm, Metric, PresetAlarmProps};
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{Vpc, VpcProps};
use rcdk_constructs::elbv2::*;
use rcdk_constructs::sns::{Topic, TopicProps};
use serde_json::json;

fn build(name: &str, https: bool) -> Stack {
    let mut stack = Stack::new(StackProps { name: name.into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps { max_azs: Some(2), ..Default::default() });
    let main = TargetGroup::new(&mut stack, &root.child("MainTargets"), &vpc.vpc_id, &TargetGroupProps::default());
    let files = TargetGroup::new(
        &mut stack,
        &root.child("FilesTargets"),
        &vpc.vpc_id,
        &TargetGroupProps {
            name: Some(format!("{name}-files")),
            target_type: Some(TargetType::Ip),
            health_check: Some(HealthCheckProps { path: Some("/health".into()), ..Default::default() }),
            stickiness: Some(StickinessProps::default()),
            ..Default::default()
        },
    );
    let lb_props = if https {
        LoadBalancerProps {
            certificate_arns: Some(vec![
                "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555".into(),
                "arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000".into(),
            ]),
            access_logs_bucket: Some("my-alb-logs".into()),
            ..Default::default()
        }
    } else {
        LoadBalancerProps::default()
    };
    let lb_path = root.child("Lb");
    let lb = ApplicationLoadBalancer::new(&mut stack, &lb_path, &vpc, &Action::Forward(main.arn.clone()), &lb_props);
    let weight = stack.add_parameter(&lb_path, "FilesWeight", Parameter::new(ParameterType::Number).default_value(100));
    ListenerRule::new(
        &mut stack,
        &lb_path.child("FilesRule"),
        lb.listener(),
        &Action::WeightedForward(vec![
            WeightedTarget { target_group_arn: files.arn.clone(), weight },
            WeightedTarget { target_group_arn: main.arn.clone(), weight: json!(0) },
        ]),
        &ListenerRuleProps { path_patterns: Some(vec!["/files/*".into()]), ..Default::default() },
    );
    ListenerRule::new(
        &mut stack,
        &lb_path.child("AdminRule"),
        lb.listener(),
        &Action::Forward(main.arn.clone()),
        &ListenerRuleProps {
            priority: Some(5),
            host_headers: Some(vec!["admin.example.com".into()]),
            http_headers: Some(vec![HttpHeaderCondition { name: "X-Admin".into(), values: vec!["yes".into()] }]),
            query_strings: Some(vec![QueryStringCondition { key: None, value: "debug".into() }]),
            ..Default::default()
        },
    );

    let topic = Topic::new(
        &mut stack,
        &root.child("Alerts"),
        &TopicProps { email: Some("ops@example.com".into()), ..Default::default() },
    );
    let notify = [topic.arn.clone()];
    let cpu = Metric::new(
        "AWS/ECS",
        "CPUUtilization",
        vec![("ClusterName".into(), json!("prod")), ("ServiceName".into(), json!("main"))],
    );
    let memory = Metric { metric_name: "MemoryUtilization".into(), ..cpu.clone() };
    let p = PresetAlarmProps::default();
    Alarm::cpu_high(&mut stack, &root.child("MainCpuHigh"), &cpu, &p, &notify);
    Alarm::memory_high(&mut stack, &root.child("MainMemoryHigh"), &memory, &p, &notify);
    Alarm::target_5xx(&mut stack, &root.child("Main5xx"), &main.metric_target_5xx(&lb), &p, &notify);
    Alarm::unhealthy_hosts(&mut stack, &root.child("MainUnhealthy"), &main.metric_unhealthy_hosts(&lb), &p, &notify);
    Alarm::response_time(&mut stack, &root.child("MainSlow"), &main.metric_target_response_time(&lb), &p, &notify);

    let target =
        ScalableTarget::for_ecs_service(&mut stack, &root.child("MainScaling"), &json!("prod"), &json!("main"), 2, 8);
    let opts = TargetTrackingOptions::default();
    target.scale_on_cpu(&mut stack, 60.0, &opts);
    target.scale_on_memory(&mut stack, 70.0, &opts);
    target.scale_on_request_count(&mut stack, 500.0, &lb, &main, &opts);
    let steps: StepScalingProps = serde_yaml::from_str(
        "scale_out: [{at: 70, change: 1}, {at: 90, change: 2}]\nscale_in: [{at: 20, change: -1}]\n",
    )
    .expect("valid steps");
    target.step_scaling(&mut stack, "Cpu", &cpu, &steps);
    stack
}

#[test]
fn every_load_balancing_construct_passes_cfn_lint() {
    let lint = support::cfn_lint_binary();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("elbv2_lint");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut files = Vec::new();
    for format in [Format::Yaml, Format::Json] {
        let mut app = App::new();
        app.add_stack(build("lb-http", false));
        app.add_stack(build("lb-https", true));
        for s in app.synth(format).unwrap_or_else(|e| panic!("synth failed: {e}")) {
            let file = dir.join(s.file_name());
            std::fs::write(&file, &s.body).expect("write template");
            files.push(file);
        }
    }
    let out = Command::new(&lint).args(&files).output().expect("cfn-lint runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "cfn-lint found problems:\n{text}");
}
