//! The five seeds as Rust programs (`app/examples/*.rs`, run with
//! `cargo run -p rcdk-app --example NAME` through `rcdk synth --app` in
//! `examples/`): each writes, through `rcdk_app::emit_to` with the examples'
//! context as under `rcdk synth --app`, templates
//! byte-identical to what its YAML twin in `examples/` synthesizes through
//! the app-file front door, and to the committed `templates/`, with no
//! warning in the manifest.

use std::path::PathBuf;

use rcdk_constructs::assembly::{self, Manifest, MANIFEST_FILE};
use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::{App, Context, Severity};

#[path = "../app/examples/multi_region_canary.rs"]
mod multi_region_canary;
#[path = "../app/examples/ordermanagement.rs"]
mod ordermanagement;
#[path = "../app/examples/todo_app.rs"]
mod todo_app;
#[path = "../app/examples/weather_api.rs"]
mod weather_api;
#[path = "../app/examples/website.rs"]
mod website;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Rust app's templates (name → text, manifest aside) and its manifest.
fn rust_templates(app: App) -> (Vec<(String, String)>, Manifest) {
    let dir = tempfile::tempdir().expect("temp dir");
    rcdk_app::emit_to(app, dir.path(), Format::Yaml).expect("the Rust seed is valid");
    let manifest = Manifest::parse(&std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap()).unwrap();
    let templates = manifest
        .stacks
        .iter()
        .map(|s| (s.template.clone(), std::fs::read_to_string(dir.path().join(&s.template)).unwrap()))
        .collect();
    (templates, manifest)
}

/// The YAML twin's templates, synthesized as `rcdk synth` does.
fn yaml_templates(file: &str) -> Vec<(String, String)> {
    let stacks = rcdk::app_file::synthesize(&[root().join("examples").join(file)], Format::Yaml)
        .unwrap_or_else(|p| panic!("{file}: {p}"));
    assembly::files(&stacks).unwrap().into_iter().filter(|(name, _)| name != MANIFEST_FILE).collect()
}

/// The context the examples commit beside them (`examples/rcdk.context.json`:
/// the AMI releases their clusters run), which `rcdk synth --app` run in
/// `examples/` hands the program and `rcdk_app::emit` applies.
fn examples_context() -> Context {
    Context::parse(&std::fs::read_to_string(root().join("examples/rcdk.context.json")).expect("read")).expect("valid")
}

fn assert_twins(mut app: App, yaml: &str) {
    app.set_context(examples_context());
    let (rust, manifest) = rust_templates(app);
    let twin = yaml_templates(yaml);
    let names = |t: &[(String, String)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&rust), names(&twin), "{yaml}: the same stacks");
    for ((name, rust), (_, twin)) in rust.iter().zip(&twin) {
        assert!(rust == twin, "{name}: the Rust seed differs from {yaml}'s template");
        let committed = std::fs::read_to_string(root().join("templates").join(name)).unwrap();
        assert!(rust == &committed, "{name}: differs from templates/{name}");
    }
    let warnings: Vec<_> = manifest.diagnostics.iter().filter(|d| d.severity != Severity::Note).collect();
    assert!(warnings.is_empty(), "{yaml}: the Rust seed synthesizes with no warning: {warnings:?}");
}

#[test]
fn weather_api_seed_000() {
    assert_twins(weather_api::app(), "weather-api.yaml");
}

#[test]
fn website_seed_001() {
    assert_twins(website::app(), "website.yaml");
}

#[test]
fn multi_region_canary_seed_002() {
    assert_twins(multi_region_canary::app(), "multi-region-canary.yaml");
}

#[test]
fn todo_app_seed_003() {
    assert_twins(todo_app::app(), "todo-app.yaml");
}

#[test]
fn ordermanagement_seed_004() {
    assert_twins(ordermanagement::app(), "ordermanagement.yaml");
}
