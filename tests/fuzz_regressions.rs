//! Every input the fuzz harness (`tests/fuzz.rs`) ever found a crash with,
//! kept as a named test: it must stay an ordinary refusal.

use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::Format;

/// Synthesizes the JSON form of an app's props, as the structured fuzz
/// property does; returns the error codes.
fn codes(app: serde_json::Value) -> Vec<&'static str> {
    let props: AppProps = serde_json::from_value(app).expect("the props deserialize");
    match props.synth(Format::Yaml) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.iter().map(|e| e.code.as_str()).collect(),
    }
}

/// Found by `structured_apps_never_panic`: a CDN with a single region
/// indexed the second origin of a one-element list (index out of bounds in
/// `build_cdn`), exit 101.
#[test]
fn cdn_with_one_region() {
    let app = serde_json::json!({"stacks": [{"name": "a", "regions": ["us-east-1"], "cdn": {}}]});
    assert_eq!(codes(app), vec!["app:cdn-regions-invalid", "cfn:template-empty"]);
}

/// The same with three regions: no CDN stack, one error.
#[test]
fn cdn_with_three_regions() {
    let app = serde_json::json!({"stacks": [{"name": "a", "regions": ["us-east-1", "eu-west-1", "us-west-2"], "vpc": {}, "cdn": {}}]});
    assert_eq!(codes(app), vec!["app:cdn-regions-invalid"]);
}
