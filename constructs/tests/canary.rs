//! The canary of a load-balanced service: resources, the weighted forward
//! driven by a parameter, switching it off, and what it leaves untouched.

#[macro_use]
mod support;

use std::collections::BTreeMap;

use rcdk_constructs::app::{AppProps, StackSpec};
use rcdk_constructs::cfn::{Format, Resource};
use rcdk_constructs::ec2::VpcProps;
use rcdk_constructs::patterns::{CanaryProps, LoadBalancedServiceProps};
use serde_json::json;

fn app(canary: Option<CanaryProps>) -> AppProps {
    AppProps {
        stacks: vec![StackSpec {
            name: "web".into(),
            vpc: Some(VpcProps { max_azs: Some(2), ..Default::default() }),
            services: [(
                "api".to_owned(),
                LoadBalancedServiceProps { image: "example/api:1.0.0".into(), canary, ..Default::default() },
            )]
            .into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn v2(percent: Option<u32>) -> CanaryProps {
    CanaryProps { image: "example/api:2.0.0".into(), percent, ..Default::default() }
}

fn resources(app: &AppProps) -> BTreeMap<String, Resource> {
    let stacks = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    stacks[0].template.resources.clone().into_iter().collect()
}

#[test]
fn canary_resources_and_weighted_rule() {
    let stacks = app(Some(v2(Some(20)))).synth(Format::Yaml).unwrap_or_else(|e| panic!("{e}"));
    let t = &stacks[0].template;
    for id in ["ApiCanaryTaskDefinition", "ApiCanaryTargetGroup", "ApiCanaryService", "ApiCanaryTarget5xxAlarm"] {
        assert!(t.resources.contains_key(id), "{id} missing");
    }
    let td = &t.resources["ApiCanaryTaskDefinition"].properties["ContainerDefinitions"][0];
    assert_eq!(td["Image"], json!("example/api:2.0.0"));
    assert_eq!(t.resources["ApiCanaryService"].properties["DesiredCount"], json!(1));
    assert_eq!(t.resources["ApiService"].properties["DesiredCount"], json!(2));
    let p = &t.parameters["ApiCanaryPercent"];
    assert_eq!(p.default, Some(json!(20)));
    assert_eq!((p.min_value, p.max_value), (Some(0.0), Some(100.0)));
    let weights = &t.mappings["CanaryWeights"];
    assert_eq!(weights.as_object().map(|m| m.len()), Some(101));
    for pct in [0u32, 1, 20, 99, 100] {
        assert_eq!(weights[pct.to_string()]["Stable"], json!((100 - pct).to_string()), "stable weight at {pct}%");
    }
    let rule = serde_yaml::to_string(&json!({
        "ApiCanaryPercent": t.parameters["ApiCanaryPercent"],
        "ApiListenerRule": t.resources["ApiListenerRule"],
        "ApiCanaryService": t.resources["ApiCanaryService"],
    }))
    .expect("yaml");
    snapshot!("canary_rule_and_service", rule);
}

#[test]
fn disabled_canary_leaves_the_stable_service_as_without_one() {
    let without = resources(&app(None));
    let disabled = resources(&app(Some(CanaryProps { enabled: Some(false), ..v2(None) })));
    assert_eq!(without, disabled, "enabled: false removes every canary resource");
    let stacks = app(Some(CanaryProps { enabled: Some(false), ..v2(None) })).synth(Format::Yaml).expect("valid");
    assert!(stacks[0].template.parameters.keys().all(|k| !k.contains("Canary")));
    assert!(stacks[0].template.mappings.is_empty());
}

#[test]
fn adding_a_canary_changes_only_the_listener_rule() {
    let before = resources(&app(None));
    let after = resources(&app(Some(v2(None))));
    for (id, r) in &before {
        if id == "ApiListenerRule" {
            assert_ne!(after.get(id), Some(r), "the rule now splits traffic");
        } else {
            assert_eq!(after.get(id), Some(r), "{id} changed when the canary was added");
        }
    }
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(added.iter().all(|id| id.starts_with("ApiCanary")), "{added:?}");
}

#[test]
fn invalid_canaries_are_reported_at_their_fields() {
    let mut a = app(Some(CanaryProps { image: "example/api:1.0.0".into(), percent: Some(101), ..Default::default() }));
    let errors = a.synth(Format::Yaml).expect_err("invalid");
    let got: Vec<(&str, String)> = errors.0.iter().map(|e| (e.code.as_str(), e.field.to_string())).collect();
    assert!(
        got.contains(&("service:canary-percent-invalid", "stacks[0].services.api.canary.percent".into())),
        "{got:?}"
    );
    assert!(got.contains(&("service:canary-image-unchanged", "stacks[0].services.api.canary.image".into())), "{got:?}");
    a.stacks[0].services.get_mut("api").expect("api").canary =
        Some(CanaryProps { image: "example/api".into(), allow_unpinned_image: Some(true), ..Default::default() });
    assert!(a.synth(Format::Yaml).is_ok(), "allow_unpinned_image accepts an untagged canary");
}
