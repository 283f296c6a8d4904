//! Application Auto Scaling of an ECS service: target tracking and
//! alarm-driven step scaling.

#[macro_use]
mod support;

use rcdk_constructs::applicationautoscaling::*;
use rcdk_constructs::cfn::{Format, Template};
use rcdk_constructs::cloudwatch::Metric;
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use serde_json::json;

fn synth(stack: Stack) -> Result<Template, Vec<(String, String)>> {
    let mut app = App::new();
    app.add_stack(stack);
    app.synth(Format::Yaml)
        .map(|mut s| s.remove(0).template)
        .map_err(|e| e.0.iter().map(|e| (e.code.to_string(), e.field.to_string())).collect())
}

fn setup() -> (Stack, ScalableTarget, Metric) {
    let mut stack = Stack::new(StackProps { name: "app".into(), ..Default::default() }, FieldPath::root());
    let path = stack.root().child("MainScaling");
    let target = ScalableTarget::for_ecs_service(&mut stack, &path, &json!("prod"), &json!("main"), 2, 10);
    let cpu = Metric::new(
        "AWS/ECS",
        "CPUUtilization",
        vec![("ClusterName".into(), json!("prod")), ("ServiceName".into(), json!("main"))],
    );
    (stack, target, cpu)
}

#[test]
fn target_tracking_and_step_scaling() {
    let (mut stack, target, cpu) = setup();
    target.scale_on_cpu(&mut stack, 60.0, &TargetTrackingOptions::default());
    target.scale_on_memory(
        &mut stack,
        75.0,
        &TargetTrackingOptions { disable_scale_in: Some(true), ..Default::default() },
    );
    let steps: StepScalingProps = serde_yaml::from_str(
        "scale_out: [{at: 70, change: 1}, {at: 90, change: 3}]\nscale_in: [{at: 30, change: -1}, {at: 10, change: -2}]\n",
    )
    .expect("valid");
    let s = target.step_scaling(&mut stack, "Cpu", &cpu, &steps);
    let (out_policy, _) = s.scale_out.expect("scale-out");
    let t = synth(stack).expect("valid");
    let st = &t.resources["MainScaling"].properties;
    assert_eq!(st["ResourceId"], json!({"Fn::Join": ["/", ["service", "prod", "main"]]}));
    assert!(!st.contains_key("RoleARN"), "the service-linked role is used");
    let out = &t.resources["MainScalingCpuScaleOut"].properties["StepScalingPolicyConfiguration"];
    assert_eq!(
        out["StepAdjustments"],
        json!([
            {"MetricIntervalLowerBound": 0.0, "MetricIntervalUpperBound": 20.0, "ScalingAdjustment": 1},
            {"MetricIntervalLowerBound": 20.0, "ScalingAdjustment": 3}
        ])
    );
    let inn = &t.resources["MainScalingCpuScaleIn"].properties["StepScalingPolicyConfiguration"];
    assert_eq!(
        inn["StepAdjustments"],
        json!([
            {"MetricIntervalLowerBound": -20.0, "MetricIntervalUpperBound": 0.0, "ScalingAdjustment": -1},
            {"MetricIntervalUpperBound": -20.0, "ScalingAdjustment": -2}
        ])
    );
    let alarm = &t.resources["MainScalingCpuScaleOutAlarm"].properties;
    assert_eq!(alarm["Threshold"], json!(70.0));
    assert_eq!(alarm["AlarmActions"], json!([out_policy.arn]));
    assert_eq!(
        t.resources["MainScalingCpuScaleInAlarm"].properties["ComparisonOperator"],
        json!("LessThanOrEqualToThreshold")
    );
    snapshot!("scaling_ecs_service", t.to_yaml().expect("renders"));
}

#[test]
fn scaling_props_are_validated() {
    let mut stack = Stack::new(StackProps { name: "app".into(), ..Default::default() }, FieldPath::root());
    let path = stack.root().child("S");
    let target = ScalableTarget::for_ecs_service(&mut stack, &path, &json!("c"), &json!("s"), 5, 2);
    target.scale_on_cpu(&mut stack, 150.0, &TargetTrackingOptions::default());
    let cpu = Metric::new("AWS/ECS", "CPUUtilization", vec![]);
    let bad = StepScalingProps {
        scale_out: vec![Step { at: 80.0, change: 1 }, Step { at: 70.0, change: 0 }],
        scale_in: vec![Step { at: 85.0, change: 1 }],
        ..Default::default()
    };
    target.step_scaling(&mut stack, "Cpu", &cpu, &bad);
    target.step_scaling(&mut stack, "Empty", &cpu, &StepScalingProps::default());
    let errs = synth(stack).expect_err("invalid");
    let expected: Vec<(String, String)> = [
        ("autoscaling:min-above-max", "min_capacity"),
        // An argument, not a prop: reported at the caller's field (the
        // service pattern's `scaling.cpu_target_percent`), here the root.
        ("autoscaling:target-invalid", ""),
        ("autoscaling:step-scaling-invalid", "scale_out[1].change"),
        ("autoscaling:step-scaling-invalid", "scale_out[1].at"),
        ("autoscaling:step-scaling-invalid", "scale_in[0].change"),
        ("autoscaling:step-scaling-invalid", "scale_in[0].at"),
        ("autoscaling:step-scaling-invalid", ""),
    ]
    .iter()
    .map(|(c, f)| ((*c).to_owned(), (*f).to_owned()))
    .collect();
    assert_eq!(errs, expected);
}
