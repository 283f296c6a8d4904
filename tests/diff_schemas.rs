//! Every resource type rcdk can emit has a vendored schema, so `rcdk diff`
//! never answers "no schema, may replace" for rcdk's own templates.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use rcdk_constructs::cfn::schema;

/// `"AWS::Service::Type"` string literals in the construct library's sources
/// (the type of every resource it can create), outside the diff module and
/// the schemas' own module (`cfn/schema.rs`, whose tests name unknown types).
fn emitted_types(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("read constructs/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "diff") {
                continue;
            }
            emitted_types(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("cfn/schema.rs") {
            let text = std::fs::read_to_string(&path).expect("read source");
            for chunk in text.split("\"AWS::").skip(1) {
                let Some(end) = chunk.find('"') else { continue };
                let name = &chunk[..end];
                let parts: Vec<&str> = name.split("::").collect();
                let well_formed = parts.len() == 2
                    && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
                // Parameter types such as AWS::EC2::Image::Id have more parts; pseudo parameters fewer.
                if well_formed {
                    out.insert(format!("AWS::{name}"));
                }
            }
        }
    }
}

#[test]
fn every_type_rcdk_can_emit_has_a_schema() {
    let mut types = BTreeSet::new();
    emitted_types(&support::root().join("constructs/src"), &mut types);
    // Every type in the committed templates too.
    for entry in std::fs::read_dir(support::root().join("templates")).expect("templates") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("template");
        for line in text.lines() {
            if let Some(t) = line.trim().strip_prefix("Type: ") {
                // Resource types have three parts; parameter types such as
                // AWS::SSM::Parameter::Value<...> more.
                if t.starts_with("AWS::") && t.split("::").count() == 3 {
                    types.insert(t.to_owned());
                }
            }
        }
    }
    assert!(types.len() >= 40, "found only {} types: {types:?}", types.len());
    assert!(types.contains("AWS::ElasticLoadBalancingV2::ListenerCertificate"));
    let missing: Vec<&String> = types.iter().filter(|t| schema::type_schema(t).is_none()).collect();
    assert!(missing.is_empty(), "no vendored schema for {missing:?}: run scripts/vendor-schemas");
}

#[test]
fn listener_certificate_changes_are_decided_not_guessed() {
    let t = |cert: &str| {
        serde_json::json!({"Resources": {"C": {"Type": "AWS::ElasticLoadBalancingV2::ListenerCertificate",
            "Properties": {"ListenerArn": "arn:l", "Certificates": [{"CertificateArn": cert}]}}}})
    };
    let d = rcdk_constructs::diff::TemplateDiff::new(&t("arn:a"), &t("arn:b"));
    assert_eq!(d.resources[0].impact, Some(rcdk_constructs::diff::Impact::Update));
}
