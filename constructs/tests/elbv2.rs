//! The load balancer, target groups and listener rules: snapshots of the main
//! variants, stable automatic priorities, and validation of AWS's limits.

#[macro_use]
mod support;

use rcdk_constructs::cfn::{Format, Parameter, ParameterType};
use rcdk_constructs::core::{App, Stack};
use rcdk_constructs::ec2::Vpc;
use rcdk_constructs::elbv2::*;
use serde_json::json;

fn stack_with_vpc() -> (Stack, Vpc) {
    support::stack_with_vpc(None)
}

/// The synthesized template without the VPC's resources, as YAML.
fn synth(stack: Stack) -> String {
    let mut app = App::new();
    app.add_stack(stack);
    let stacks = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    let mut template = stacks[0].template.clone();
    template.resources.retain(|id, _| !id.starts_with("Vpc"));
    template.outputs.retain(|id, _| !id.starts_with("Vpc"));
    template.to_yaml().expect("renders")
}

fn errors(stack: Stack) -> Vec<(String, String)> {
    let mut app = App::new();
    app.add_stack(stack);
    match app.synth(Format::Yaml) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.0.iter().map(|e| (e.code.to_string(), e.field.to_string())).collect(),
    }
}

fn rule(paths: &[&str], priority: Option<u32>) -> ListenerRuleProps {
    ListenerRuleProps {
        priority,
        path_patterns: Some(paths.iter().map(|p| (*p).to_owned()).collect()),
        ..Default::default()
    }
}

#[test]
fn http_load_balancer_with_path_rule() {
    let (mut stack, vpc) = stack_with_vpc();
    let root = stack.root().clone();
    let tg = TargetGroup::new(&mut stack, &root.child("Api"), &vpc.vpc_id, &TargetGroupProps::default());
    let path = root.child("Lb");
    let lb = ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &LoadBalancerProps::default());
    assert!(lb.https_listener.is_none());
    assert_eq!(lb.listener().port, 80);
    let r = ListenerRule::new(
        &mut stack,
        &path.child("ApiRule"),
        lb.listener(),
        &Action::Forward(tg.arn.clone()),
        &rule(&["/api/*"], None),
    );
    assert_eq!(r.priority, auto_priority("web/Lb/ApiRule"));
    let body = synth(stack);
    assert!(body.contains("- VpcInternetGatewayAttachment"), "internet-facing LB waits for the gateway");
    assert!(body.contains("LbSecurityGroupHttpFromAnyIpv4:"));
    assert!(!body.contains("FromAnyIpv6"), "an IPv4-only load balancer gets no IPv6 rule");
    assert!(!body.contains("FromPort: 443"), "no HTTPS listener, so 443 stays closed");
    assert!(body.contains("Key: routing.http.drop_invalid_header_fields.enabled\n        Value: 'true'"));
    assert!(body.contains("Key: deregistration_delay.timeout_seconds\n        Value: '30'"));
    assert!(body.contains("Fn::Sub: http://${Lb.DNSName}"));
    assert!(!body.contains("Name: "), "no explicit target group name");
    snapshot!("elbv2_http", body);
}

#[test]
fn https_load_balancer_redirects_http() {
    let (mut stack, vpc) = stack_with_vpc();
    let root = stack.root().clone();
    let props = LoadBalancerProps {
        certificate_arns: Some(vec![
            "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555".into(),
            "arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000".into(),
        ]),
        ingress_cidrs: Some(vec!["203.0.113.0/24".into()]),
        deletion_protection: Some(true),
        access_logs_bucket: Some("my-alb-logs".into()),
        access_logs_prefix: Some("web".into()),
        ..Default::default()
    };
    let path = root.child("Lb");
    let lb = ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &props);
    assert!(lb.listener().https);
    assert_eq!(lb.listener_ids(), vec!["LbHttpsListener".to_owned(), "LbHttpListener".to_owned()]);
    let body = synth(stack);
    assert!(body.contains(&format!("SslPolicy: {DEFAULT_SSL_POLICY}")));
    assert!(body.contains("StatusCode: HTTP_301"));
    assert!(body.contains("Type: AWS::ElasticLoadBalancingV2::ListenerCertificate"));
    assert!(body.contains("LbSecurityGroupHttpsFromCidr203x0x113x024:"));
    assert!(body.contains("LbSecurityGroupHttpFromCidr203x0x113x024:"));
    assert!(!body.contains("AnyIpv4"), "only the given CIDR");
    assert!(body.contains("Fn::Sub: https://${Lb.DNSName}"));
    snapshot!("elbv2_https", body);
}

#[test]
fn internal_load_balancer_in_private_subnets() {
    let (mut stack, vpc) = stack_with_vpc();
    let root = stack.root().clone();
    let path = root.child("Lb");
    let props = LoadBalancerProps { internal: Some(true), ..Default::default() };
    ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &props);
    let mut app = App::new();
    app.add_stack(stack);
    let t = app.synth(Format::Yaml).expect("valid").remove(0).template;
    let lb = &t.resources["Lb"];
    assert_eq!(lb.properties["Scheme"], json!("internal"));
    assert_eq!(lb.properties["Subnets"], json!([{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}]));
    assert!(lb.depends_on.is_empty(), "an internal load balancer does not need the internet gateway");
}

#[test]
fn ip_target_group_with_stickiness_and_weighted_forward() {
    let (mut stack, vpc) = stack_with_vpc();
    let root = stack.root().clone();
    let blue = TargetGroup::new(
        &mut stack,
        &root.child("Blue"),
        &vpc.vpc_id,
        &TargetGroupProps {
            name: Some("web-blue".into()),
            target_type: Some(TargetType::Ip),
            port: Some(8080),
            health_check: Some(HealthCheckProps {
                path: Some("/health".into()),
                matcher: Some("200".into()),
                interval_seconds: Some(10),
                timeout_seconds: Some(5),
                healthy_threshold: Some(2),
                unhealthy_threshold: Some(2),
            }),
            deregistration_delay_seconds: Some(10),
            stickiness: Some(StickinessProps { duration_seconds: Some(3600) }),
            ..Default::default()
        },
    );
    let green = TargetGroup::new(&mut stack, &root.child("Green"), &vpc.vpc_id, &TargetGroupProps::default());
    let path = root.child("Lb");
    let lb = ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &LoadBalancerProps::default());
    let green_weight = stack.add_parameter(
        &path,
        "GreenWeight",
        Parameter::new(ParameterType::Number).default_value(10).description("Weight of the green target group"),
    );
    ListenerRule::new(
        &mut stack,
        &path.child("Canary"),
        lb.listener(),
        &Action::WeightedForward(vec![
            WeightedTarget { target_group_arn: blue.arn.clone(), weight: json!(90) },
            WeightedTarget { target_group_arn: green.arn.clone(), weight: green_weight },
        ]),
        &ListenerRuleProps {
            priority: Some(10),
            host_headers: Some(vec!["api.example.com".into()]),
            http_headers: Some(vec![HttpHeaderCondition { name: "X-Canary".into(), values: vec!["on".into()] }]),
            query_strings: Some(vec![QueryStringCondition { key: Some("v".into()), value: "2".into() }]),
            ..Default::default()
        },
    );
    let metric = blue.metric_target_5xx(&lb);
    assert_eq!(metric.namespace, "AWS/ApplicationELB");
    assert_eq!(metric.dimensions[1].1, json!({"Fn::GetAtt": ["Blue", "TargetGroupFullName"]}));
    let body = synth(stack);
    assert!(body.contains("TargetType: ip"));
    assert!(body.contains("Name: web-blue"));
    assert!(body.contains("Key: stickiness.lb_cookie.duration_seconds\n        Value: '3600'"));
    assert!(body.contains("Weight:\n              Ref: GreenWeight"));
    snapshot!("elbv2_weighted_ip", body);
}

#[test]
fn automatic_priorities_do_not_shift_when_a_rule_is_added() {
    let build = |names: &[&str]| {
        let (mut stack, vpc) = stack_with_vpc();
        let root = stack.root().clone();
        let path = root.child("Lb");
        let lb =
            ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &LoadBalancerProps::default());
        names
            .iter()
            .map(|n| {
                let props = rule(&[&format!("/{n}/*")], None);
                let r = ListenerRule::new(&mut stack, &path.child(*n), lb.listener(), &Action::not_found(), &props);
                (n.to_string(), r.priority)
            })
            .collect::<Vec<_>>()
    };
    let two = build(&["main", "files"]);
    let three = build(&["admin", "main", "files"]);
    for (name, priority) in &two {
        assert!(three.contains(&(name.clone(), *priority)), "{name} kept priority {priority}");
    }
}

#[test]
fn duplicate_priority_is_reported() {
    let (mut stack, vpc) = stack_with_vpc();
    let root = stack.root().clone();
    let path = root.child("Lb");
    let lb = ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &LoadBalancerProps::default());
    for (name, p) in [("A", "/a/*"), ("B", "/b/*")] {
        ListenerRule::new(&mut stack, &path.child(name), lb.listener(), &Action::not_found(), &rule(&[p], Some(100)));
    }
    let errs = errors(stack);
    assert_eq!(errs, vec![("elbv2:rule-priority-duplicate".into(), "priority".into())]);
}

#[test]
fn rule_limits_are_enforced() {
    let (mut stack, vpc) = stack_with_vpc();
    let root = stack.root().clone();
    let path = root.child("Lb");
    let lb = ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &LoadBalancerProps::default());
    let l = lb.listener().clone();
    let na = Action::not_found();
    // 4 path patterns: more than 3 per condition.
    ListenerRule::new(&mut stack, &path.child("R1"), &l, &na, &rule(&["/a", "/b", "/c", "/d"], Some(1)));
    // 3 paths + 3 hosts: 6 values in the rule.
    let mut six = rule(&["/a", "/b", "/c"], Some(2));
    six.host_headers = Some(vec!["a.example.com".into(), "b.example.com".into(), "c.example.com".into()]);
    ListenerRule::new(&mut stack, &path.child("R2"), &l, &na, &six);
    // 6 wildcards.
    ListenerRule::new(&mut stack, &path.child("R3"), &l, &na, &rule(&["/*/*/*", "/?/?/?"], Some(3)));
    // Too long, bad character, priority out of range.
    ListenerRule::new(&mut stack, &path.child("R4"), &l, &na, &rule(&[&format!("/{}", "a".repeat(128))], Some(0)));
    ListenerRule::new(&mut stack, &path.child("R5"), &l, &na, &rule(&["/a b"], Some(50_001)));
    // No condition; catch-all without priority.
    ListenerRule::new(&mut stack, &path.child("R6"), &l, &na, &ListenerRuleProps::default());
    ListenerRule::new(&mut stack, &path.child("R7"), &l, &na, &rule(&["/*"], None));
    let errs = errors(stack);
    let expected: Vec<(String, String)> = [
        ("elbv2:rule-condition-too-many-values", "path_patterns"),
        ("elbv2:rule-too-many-values", ""),
        ("elbv2:rule-too-many-wildcards", ""),
        ("elbv2:rule-condition-value-invalid", "path_patterns[0]"),
        ("elbv2:rule-priority-invalid", "priority"),
        ("elbv2:rule-path-pattern-invalid", "path_patterns[0]"),
        ("elbv2:rule-priority-invalid", "priority"),
        ("elbv2:rule-condition-missing", ""),
        ("elbv2:rule-catch-all-needs-priority", "path_patterns[0]"),
    ]
    .iter()
    .map(|(c, f)| ((*c).to_owned(), (*f).to_owned()))
    .collect();
    assert_eq!(errs, expected);
}

#[test]
fn load_balancer_and_target_group_props_are_validated() {
    let (mut stack, vpc) = stack_with_vpc();
    let root = stack.root().clone();
    let lb_props = LoadBalancerProps {
        https: Some(true),
        ssl_policy: Some("ELBSecurityPolicy-2016-08".into()),
        ingress_cidrs: Some(vec!["10.0.0.0/33".into()]),
        idle_timeout_seconds: Some(0),
        access_logs_bucket: Some("arn:aws:s3:::logs".into()),
        ..Default::default()
    };
    let path = root.child("Lb");
    ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &lb_props);
    let tg_props = TargetGroupProps {
        name: Some("a-target-group-name-that-is-far-too-long".into()),
        health_check: Some(HealthCheckProps {
            matcher: Some("2xx".into()),
            interval_seconds: Some(5),
            timeout_seconds: Some(5),
            healthy_threshold: Some(11),
            ..Default::default()
        }),
        ..Default::default()
    };
    TargetGroup::new(&mut stack, &root.child("Tg"), &vpc.vpc_id, &tg_props);
    let tg2 = TargetGroupProps { name: Some("-main".into()), ..Default::default() };
    let tg2 = TargetGroup::new(&mut stack, &root.child("Tg2"), &vpc.vpc_id, &tg2);
    let weights = Action::WeightedForward(vec![
        WeightedTarget { target_group_arn: tg2.arn.clone(), weight: json!(1000) },
        WeightedTarget { target_group_arn: tg2.arn.clone(), weight: json!(-1) },
    ]);
    let l = rcdk_constructs::elbv2::Listener {
        path: path.child("HttpListener"),
        logical_id: "LbHttpListener".into(),
        arn: json!({"Ref": "LbHttpListener"}),
        port: 80,
        https: false,
        required_header: None,
    };
    ListenerRule::new(&mut stack, &path.child("W"), &l, &weights, &rule(&["/w"], Some(5)));
    let errs = errors(stack);
    let expected: Vec<(String, String)> = [
        ("elbv2:https-certificate-missing", "https"),
        ("elbv2:ssl-policy-insecure", "ssl_policy"),
        ("elbv2:idle-timeout-invalid", "idle_timeout_seconds"),
        ("elbv2:ingress-cidr-invalid", "ingress_cidrs[0]"),
        ("elbv2:access-logs-bucket-invalid", "access_logs_bucket"),
        ("elbv2:target-group-name-invalid", "name"),
        ("elbv2:health-check-matcher-invalid", "health_check.matcher"),
        ("elbv2:health-check-timeout-invalid", "health_check.timeout_seconds"),
        ("elbv2:health-check-threshold-invalid", "health_check.healthy_threshold"),
        ("elbv2:target-group-name-invalid", "name"),
        ("elbv2:action-weight-invalid", ""),
        ("elbv2:action-weight-invalid", ""),
    ]
    .iter()
    .map(|(c, f)| ((*c).to_owned(), (*f).to_owned()))
    .collect();
    assert_eq!(errs, expected);
}

#[test]
fn props_deserialize_from_app_file_yaml() {
    let lb: LoadBalancerProps = serde_yaml::from_str(
        "internal: false\ncertificate_arns: [arn:aws:acm:eu-west-1:123456789012:certificate/x]\nidle_timeout_seconds: 120\n",
    )
    .expect("valid");
    assert_eq!(lb.idle_timeout_seconds, Some(120));
    let tg: TargetGroupProps =
        serde_yaml::from_str("target_type: ip\nprotocol: HTTP\nhealth_check: {path: /health}\n").expect("valid");
    assert_eq!(tg.target_type, Some(TargetType::Ip));
    let r: ListenerRuleProps = serde_yaml::from_str("priority: 10\npath_patterns: [/files/*]\n").expect("valid");
    assert_eq!(r.priority, Some(10));
    assert!(serde_yaml::from_str::<ListenerRuleProps>("paths: [/x]\n").is_err(), "unknown fields are refused");
}

#[test]
fn usage_counts_rules_and_distinct_target_groups_and_priorities_are_per_listener() {
    let (mut stack, vpc) = stack_with_vpc();
    let root = stack.root().clone();
    let a = TargetGroup::new(&mut stack, &root.child("A"), &vpc.vpc_id, &TargetGroupProps::default());
    let b = TargetGroup::new(&mut stack, &root.child("B"), &vpc.vpc_id, &TargetGroupProps::default());
    let path = root.child("Lb");
    let props = LoadBalancerProps {
        certificate_arns: Some(vec!["arn:aws:acm:us-east-1:123456789012:certificate/abc".into()]),
        ..Default::default()
    };
    let lb = ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), &props);
    let https = lb.https_listener.clone().expect("https");
    let http = lb.http_listener.clone().expect("http redirect");
    let weighted = Action::WeightedForward(vec![
        WeightedTarget { target_group_arn: a.arn.clone(), weight: json!(90) },
        WeightedTarget { target_group_arn: b.arn.clone(), weight: json!(10) },
    ]);
    ListenerRule::new(
        &mut stack,
        &path.child("One"),
        &https,
        &Action::Forward(a.arn.clone()),
        &rule(&["/1/*"], Some(10)),
    );
    ListenerRule::new(&mut stack, &path.child("Two"), &https, &weighted, &rule(&["/2/*"], Some(20)));
    // The same priority on another listener is no conflict.
    ListenerRule::new(&mut stack, &path.child("Three"), &http, &Action::not_found(), &rule(&["/3/*"], Some(10)));
    let usage = lb.usage(&stack.template);
    assert_eq!(usage, LoadBalancerUsage { rules: 3, target_groups: 2 });
    assert!(stack.errors().is_empty(), "{:?}", stack.errors());
}
