//! Property tests of the template diff: a template never differs from
//! itself, and neither key order nor JSON-versus-YAML produces a difference.

use proptest::prelude::*;
use rcdk_constructs::diff::{parse_template, TemplateDiff};
use serde_json::{Map, Value};

/// Scalars as they appear in templates.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-zA-Z0-9/.:_-]{0,12}".prop_map(Value::String),
        any::<i32>().prop_map(|n| Value::Number(n.into())),
        any::<bool>().prop_map(Value::Bool),
    ]
}

/// Property values: nested maps and lists, with intrinsic functions.
fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[A-Z][a-zA-Z]{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            "[A-Z][a-zA-Z]{0,6}".prop_map(|id| serde_json::json!({"Ref": id})),
            "[A-Z][a-zA-Z]{0,6}".prop_map(|id| serde_json::json!({"Fn::GetAtt": [id, "Arn"]})),
        ]
    })
}

const TYPES: [&str; 5] =
    ["AWS::EC2::Subnet", "AWS::ECS::Service", "AWS::RDS::DBInstance", "AWS::Logs::LogGroup", "Custom::Thing"];

fn template() -> impl Strategy<Value = Value> {
    let resource = (0..TYPES.len(), prop::collection::btree_map("[A-Z][a-zA-Z]{0,8}", value(), 0..5)).prop_map(
        |(t, props)| serde_json::json!({"Type": TYPES[t], "Properties": Value::Object(props.into_iter().collect())}),
    );
    (
        prop::collection::btree_map("[A-Z][a-zA-Z0-9]{0,10}", resource, 1..6),
        prop::collection::btree_map("[A-Z][a-z]{0,6}", value(), 0..3),
    )
        .prop_map(|(resources, outputs)| {
            let outputs: Map<String, Value> =
                outputs.into_iter().map(|(k, v)| (k, serde_json::json!({"Value": v}))).collect();
            serde_json::json!({
                "AWSTemplateFormatVersion": "2010-09-09",
                "Resources": Value::Object(resources.into_iter().collect()),
                "Outputs": Value::Object(outputs),
            })
        })
}

/// The same value with every map's keys in reverse order.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().rev().map(|(k, v)| (k.clone(), reversed(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

proptest! {
    #[test]
    fn a_template_does_not_differ_from_itself(t in template()) {
        let d = TemplateDiff::new(&t, &t);
        prop_assert!(d.is_empty(), "{d:#?}");
    }

    #[test]
    fn key_order_makes_no_difference(a in template(), b in template()) {
        prop_assert!(TemplateDiff::new(&a, &reversed(&a)).is_empty());
        prop_assert_eq!(TemplateDiff::new(&a, &b), TemplateDiff::new(&reversed(&a), &reversed(&b)));
    }

    #[test]
    fn json_and_yaml_make_no_difference(a in template(), b in template()) {
        let a_yaml = parse_template(&serde_yaml::to_string(&a).unwrap()).unwrap();
        let b_json = parse_template(&serde_json::to_string_pretty(&b).unwrap()).unwrap();
        let b_yaml = parse_template(&serde_yaml::to_string(&b).unwrap()).unwrap();
        prop_assert!(TemplateDiff::new(&a, &a_yaml).is_empty());
        prop_assert_eq!(TemplateDiff::new(&a, &b), TemplateDiff::new(&a_yaml, &b_json));
        prop_assert_eq!(TemplateDiff::new(&a, &b), TemplateDiff::new(&a_yaml, &b_yaml));
    }
}
