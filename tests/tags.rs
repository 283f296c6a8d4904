//! Every resource whose type the vendored provider schemas mark taggable
//! carries the stack's tags, in the shape its schema gives (see
//! `rcdk_constructs::cfn::schema::tagging`): in every committed template,
//! and in the templates of random apps.

mod support;

#[path = "support/app_gen.rs"]
mod app_gen;

use std::collections::{BTreeMap, BTreeSet};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::schema::{tagging, TagShape};
use rcdk_constructs::cfn::{parse_template, Format};
use serde_json::Value;
use support::root;

/// The taggable resources of `template` missing one of `tags` (as
/// `LogicalId (Type): key`), and the taggable types seen.
fn untagged(template: &Value, tags: &BTreeMap<String, String>) -> (Vec<String>, BTreeSet<String>) {
    let mut missing = Vec::new();
    let mut types = BTreeSet::new();
    for (id, r) in template["Resources"].as_object().into_iter().flatten() {
        let ty = r["Type"].as_str().unwrap_or_default();
        let Some(t) = tagging(ty) else { continue };
        types.insert(ty.to_owned());
        let property = &r["Properties"][t.property];
        for (key, value) in tags {
            let found = match t.shape {
                TagShape::List | TagShape::ListPropagateAtLaunch => property
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|tag| tag["Key"] == key.as_str())
                    .map(|tag| &tag["Value"]),
                TagShape::Map => property.get(key),
            };
            let propagates = t.shape != TagShape::ListPropagateAtLaunch
                || property.as_array().into_iter().flatten().all(|tag| tag["PropagateAtLaunch"] == true);
            if found != Some(&Value::String(value.clone())) || !propagates {
                missing.push(format!("{id} ({ty}): {key}"));
            }
        }
    }
    (missing, types)
}

#[test]
fn every_taggable_resource_of_the_committed_templates_carries_the_stack_tags() {
    let dir = root().join("templates");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("manifest")).expect("json");
    let mut missing = Vec::new();
    let mut types = BTreeSet::new();
    let mut tagged_stacks = 0;
    for stack in manifest["stacks"].as_array().expect("stacks") {
        let tags: BTreeMap<String, String> = serde_json::from_value(stack["tags"].clone()).expect("tags");
        if tags.is_empty() {
            continue;
        }
        tagged_stacks += 1;
        let file = stack["template"].as_str().expect("template file");
        let template = parse_template(&std::fs::read_to_string(dir.join(file)).expect("template")).expect("parses");
        let (m, t) = untagged(&template, &tags);
        missing.extend(m.into_iter().map(|m| format!("{file}: {m}")));
        types.extend(t);
    }
    assert!(tagged_stacks >= 5, "only {tagged_stacks} committed stacks have tags");
    for ty in [
        "AWS::DynamoDB::Table",
        "AWS::ECR::Repository",
        "AWS::CloudWatch::Alarm",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::AutoScaling::AutoScalingGroup",
    ] {
        assert!(types.contains(ty), "no taggable {ty} in the templates: {types:?}");
    }
    assert!(missing.is_empty(), "taggable resources without the stack's tags:\n{}", missing.join("\n"));
}

#[test]
fn every_taggable_resource_of_random_apps_carries_the_stack_tags() {
    let strategy = app_gen::plausible_app();
    let mut runner = TestRunner::deterministic();
    let tags: BTreeMap<String, String> =
        [("team", "platform"), ("cost-center", "cc 42")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    let (mut apps, mut tried) = (0, 0);
    let mut types = BTreeSet::new();
    while apps < 20 && tried < 500 {
        tried += 1;
        let mut value = strategy.new_tree(&mut runner).expect("an app").current();
        for stack in value["stacks"].as_array_mut().into_iter().flatten() {
            stack["tags"] = serde_json::to_value(&tags).expect("tags");
        }
        let Ok(props) = serde_json::from_value::<AppProps>(value.clone()) else { continue };
        let Ok(stacks) = props.synth(Format::Json) else { continue };
        apps += 1;
        for s in &stacks {
            let template = serde_json::to_value(&s.template).expect("template");
            let (missing, t) = untagged(&template, &s.props.tags);
            assert!(missing.is_empty(), "{}: untagged {missing:?}\napp: {value}", s.name());
            types.extend(t);
        }
    }
    assert!(apps >= 10, "only {apps} of {tried} random apps synthesized");
    assert!(types.len() >= 20, "the random apps reach only {} taggable types: {types:?}", types.len());
}
