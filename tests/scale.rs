//! Scale (not timed): the generated 1000-service app splits into stacks that
//! each stay within CloudFormation's per-stack limits and the load balancer
//! quotas, and the same services crammed into one stack are rejected before
//! anything is written, with located errors that say how to fix it.

mod support;

use std::fs;

use rcdk_constructs::cfn::{MAX_OUTPUTS, MAX_PARAMETERS, MAX_RESOURCES, MAX_TEMPLATE_BYTES};
use rcdk_constructs::elbv2::{MAX_RULES_PER_LOAD_BALANCER, MAX_TARGET_GROUPS_PER_LOAD_BALANCER};
use support::{cfn_lint, rcdk, text};

#[path = "../benches/support/generate.rs"]
mod generate;

const SERVICES: usize = 1000;

fn count_type(template: &rcdk_constructs::cfn::Template, ty: &str) -> usize {
    template.resources.values().filter(|r| r.resource_type == ty).count()
}

#[test]
fn the_1000_service_app_splits_into_stacks_within_every_limit() {
    let cost = generate::stack_cost();
    let per_stack = generate::services_per_stack(&cost);
    // Resources are what binds today: 46 per stack + 14 per service gives 32.
    assert!(per_stack > 1 && per_stack <= MAX_RULES_PER_LOAD_BALANCER, "{cost:?} -> {per_stack}");
    assert_eq!(per_stack, (MAX_RESOURCES - cost.base_resources) / cost.resources_per_service, "{cost:?}");

    let yaml = generate::app_yaml(SERVICES, per_stack);
    let app = rcdk::app_file::AppFile::parse(std::path::Path::new("scale.yaml"), &yaml).expect("parses");
    let stacks = app.synth(rcdk_constructs::cfn::Format::Yaml).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(stacks.len(), SERVICES.div_ceil(per_stack));

    let mut services = 0;
    for s in &stacks {
        let t = &s.template;
        let name = s.name();
        assert!(t.resources.len() <= MAX_RESOURCES, "{name}: {} resources", t.resources.len());
        assert!(t.outputs.len() <= MAX_OUTPUTS, "{name}: {} outputs", t.outputs.len());
        assert!(t.parameters.len() <= MAX_PARAMETERS, "{name}: {} parameters", t.parameters.len());
        assert!(s.body.len() <= MAX_TEMPLATE_BYTES, "{name}: {} bytes", s.body.len());
        let rules = count_type(t, "AWS::ElasticLoadBalancingV2::ListenerRule");
        let target_groups = count_type(t, "AWS::ElasticLoadBalancingV2::TargetGroup");
        assert_eq!(count_type(t, "AWS::ElasticLoadBalancingV2::LoadBalancer"), 1, "{name}");
        assert!(rules <= MAX_RULES_PER_LOAD_BALANCER, "{name}: {rules} rules");
        assert!(target_groups <= MAX_TARGET_GROUPS_PER_LOAD_BALANCER, "{name}: {target_groups} target groups");
        let via_value = rcdk_constructs::cfn::yaml::to_yaml_string(&serde_json::to_value(t).expect("serializes"));
        assert!(s.body == via_value, "{name}: the direct YAML emitter differs from rendering the template's Value");
        let here = count_type(t, "AWS::ECS::Service");
        assert_eq!(rules, here, "{name}: one rule per service");
        // Every stack but the last is full: as many resources as the count predicts.
        assert_eq!(t.resources.len(), cost.base_resources + here * cost.resources_per_service, "{name}");
        services += here;
    }
    assert_eq!(services, SERVICES);
    let full = &stacks[0];
    assert_eq!(full.template.resources.len(), cost.base_resources + per_stack * cost.resources_per_service);
    assert!(full.template.resources.len() > MAX_RESOURCES - cost.resources_per_service, "the split wastes no room");
}

#[test]
fn a_full_generated_stack_passes_cfn_lint() {
    let per_stack = generate::services_per_stack(&generate::stack_cost());
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("scale.yaml"), generate::app_yaml(per_stack, per_stack)).expect("write app");
    let out = rcdk(dir.path(), &["synth", "scale.yaml", "--out", "t"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let (code, report) = cfn_lint(&[dir.path().join("t/scale-001.yaml")]);
    assert_eq!(code, 0, "cfn-lint found problems in a full generated stack:\n{report}");
}

#[test]
fn the_1000_services_in_one_stack_are_rejected_with_located_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("scale.yaml"), generate::app_yaml(SERVICES, SERVICES)).expect("write app");
    let out = rcdk(dir.path(), &["synth", "scale.yaml", "--out", "t"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!dir.path().join("t").exists(), "nothing is written");

    // The load balancer quotas, at the stack's `services:` key (line 11 of the generated file).
    for (code, what, max) in [
        ("elbv2:too-many-rules", "1000 listener rules", MAX_RULES_PER_LOAD_BALANCER),
        ("elbv2:too-many-target-groups", "1000 target groups", MAX_TARGET_GROUPS_PER_LOAD_BALANCER),
    ] {
        let line = format!(
            "scale.yaml:11:5: stacks[0].services: the 1000 services of this stack need {what} on one load balancer; \
             an Application Load Balancer allows at most {max}\n  construct: scale-001/LoadBalancer [{code}]"
        );
        assert!(err.contains(&line), "missing\n{line}\nin\n{err}");
    }
    // CloudFormation's own limits, at the stack.
    // 52 of the stack (VPC with a NAT gateway per zone, cluster, load balancer with one IPv4 rule
    // per port and its access log bucket and bucket policy, the log groups' key, ...) and 14 per
    // service.
    let resources = 52 + 14 * SERVICES;
    for problem in [
        format!("{resources} resources, CloudFormation allows at most {MAX_RESOURCES} per stack"),
        format!("{} outputs, CloudFormation allows at most {MAX_OUTPUTS} per stack", 6 + SERVICES),
        "CloudFormation allows at most 1048576".to_owned(),
    ] {
        assert!(err.contains(&problem), "missing `{problem}` in\n{err}");
    }
    assert!(err.contains("scale.yaml:3:9: stacks[0]: stack `scale-001`: "), "{err}");
    assert!(err.contains("help: split the app into more stacks"), "{err}");
    assert!(err.contains("help: split the services over more stacks"), "{err}");
    assert_eq!(err.matches("[cfn:template-limit]").count(), 3, "resources, outputs, body size:\n{err}");
}

#[test]
fn one_stack_at_the_limit_synthesizes_and_one_more_service_is_rejected() {
    let cost = generate::stack_cost();
    let per_stack = generate::services_per_stack(&cost);
    generate::synth_counts(&generate::app_yaml(per_stack, per_stack)).expect("a full stack synthesizes");
    let err = generate::synth_counts(&generate::app_yaml(per_stack + 1, per_stack + 1))
        .expect_err("one service more than fits is rejected");
    let resources = cost.base_resources + (per_stack + 1) * cost.resources_per_service;
    assert!(
        err.contains(&format!("{resources} resources, CloudFormation allows at most {MAX_RESOURCES} per stack")),
        "{err}"
    );
}
