//! The app-file JSON Schema: `rcdk schema` equals the committed
//! `schema/app.schema.json`, every example declares it for editors, and an
//! independent validator (Python `jsonschema`, pinned in
//! `scripts/requirements-test.txt`) accepts every example and rejects broken
//! app files.

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::{rcdk, root, text, venv_tool};

const SCHEMA_LINE: &str = "# yaml-language-server: $schema=../schema/app.schema.json";

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "examples missing: {files:?}");
    files
}

#[test]
fn committed_schema_is_what_rcdk_schema_prints() {
    let out = rcdk(&root(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    let committed = std::fs::read_to_string(root().join("schema/app.schema.json")).expect("schema/app.schema.json");
    assert!(
        printed == committed,
        "schema/app.schema.json is stale: run `cargo run -q -- schema > schema/app.schema.json` and commit it"
    );
    let schema: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    // Fields carry their docs, defaults included.
    let vpc = &schema["$defs"]["VpcProps"]["properties"]["nat_gateways"]["description"];
    assert!(vpc.as_str().is_some_and(|d| d.contains("Default")), "{vpc}");
}

#[test]
fn every_example_declares_the_schema_for_editors() {
    for file in examples() {
        let body = std::fs::read_to_string(&file).expect("read");
        assert_eq!(body.lines().next(), Some(SCHEMA_LINE), "{} must start with the schema line", file.display());
    }
}

/// Validates each `(name, yaml)` with Python's jsonschema (Draft 2020-12)
/// and returns the names it accepted.
fn accepted_by_validator(cases: &[(String, String)]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, body) in cases {
        std::fs::write(dir.path().join(format!("{name}.yaml")), body).expect("write");
    }
    let script = r#"
import json, pathlib, sys, yaml, jsonschema
schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for path in sorted(pathlib.Path(sys.argv[2]).glob("*.yaml")):
    errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
    print(("ok " if not errors else "bad ") + path.stem + ("" if not errors else ": " + errors[0].message))
"#;
    let out = Command::new(venv_tool("python"))
        .arg("-c")
        .arg(script)
        .arg(root().join("schema/app.schema.json"))
        .arg(dir.path())
        .output()
        .expect("python runs");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "validator failed:\n{stdout}\n{stderr}");
    eprintln!("{stdout}");
    stdout.lines().filter_map(|l| l.strip_prefix("ok ")).map(str::to_owned).collect()
}

#[test]
fn independent_validator_accepts_every_example() {
    let cases: Vec<(String, String)> = examples()
        .iter()
        .map(|p| {
            let stem = p.file_stem().expect("stem").to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(p).expect("read"))
        })
        .collect();
    let accepted = accepted_by_validator(&cases);
    let names: Vec<String> = cases.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(accepted, names);
}

#[test]
fn independent_validator_rejects_broken_app_files() {
    let base = "stacks:\n  - name: demo\n    vpc: {cidr: 10.0.0.0/16}\n";
    let cases = [
        ("valid", base.to_owned()),
        ("unknown-field", format!("{base}    vpcc: {{}}\n")),
        ("wrong-type", "stacks:\n  - name: demo\n    vpc: {max_azs: three}\n".to_owned()),
        ("bad-enum", "stacks:\n  - name: demo\n    vpc: {flow_logs: {traffic_type: some}}\n".to_owned()),
        ("missing-name", "stacks:\n  - vpc: {}\n".to_owned()),
        ("null-field", "stacks:\n  - name: demo\n    region: ~\n".to_owned()),
        ("not-a-list", "stacks: {name: demo}\n".to_owned()),
        (
            "service-unknown-field",
            format!("{base}    services:\n      web: {{image: nginx:1.27, container_prot: 80}}\n"),
        ),
    ];
    let cases: Vec<(String, String)> = cases.into_iter().map(|(n, b)| (n.to_owned(), b)).collect();
    assert_eq!(accepted_by_validator(&cases), vec!["valid".to_owned()]);
}

/// Every word written in code in the README: inside `code spans` and fenced
/// blocks, split at anything but letters, digits and `_`.
fn readme_code_words() -> std::collections::BTreeSet<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let mut code = String::new();
    for (i, block) in readme.split("```").enumerate() {
        if i % 2 == 1 {
            code.push_str(block);
        } else {
            code.extend(block.split('`').skip(1).step_by(2).flat_map(|span| [span, " "]));
        }
    }
    // Words, and hyphenated words too (`control-tower`).
    let words = code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map(str::to_owned);
    let hyphenated = code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).map(str::to_owned);
    words.chain(hyphenated).collect()
}

#[test]
fn readme_documents_every_app_file_field() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schema/app.schema.json")).expect("schema"))
            .expect("JSON");
    let words = readme_code_words();
    let mut missing = Vec::new();
    let defs = schema["$defs"].as_object().expect("$defs");
    for (name, def) in std::iter::once(("AppProps", &schema)).chain(defs.iter().map(|(k, v)| (k.as_str(), v))) {
        for field in def["properties"].as_object().into_iter().flat_map(|p| p.keys()) {
            if !words.contains(field) {
                missing.push(format!("{name}.{field}"));
            }
        }
    }
    assert!(missing.is_empty(), "README.md does not document these app-file fields: {missing:?}");
}

#[test]
fn readme_documents_every_enum_value() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schema/app.schema.json")).expect("schema"))
            .expect("JSON");
    let words = readme_code_words();
    let mut missing = Vec::new();
    for (name, def) in schema["$defs"].as_object().expect("$defs") {
        let branches = def["oneOf"].as_array().into_iter().flatten();
        for value in branches.filter_map(|b| b["const"].as_str()) {
            if !words.contains(value) {
                missing.push(format!("{name}: {value}"));
            }
        }
    }
    assert!(missing.is_empty(), "README.md does not document these enum values: {missing:?}");
}

#[test]
fn enum_values_are_lower_case_except_cloudformation_attributes() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schema/app.schema.json")).expect("schema"))
            .expect("JSON");
    let mut upper = Vec::new();
    for (name, def) in schema["$defs"].as_object().expect("$defs") {
        // Resource attributes of raw resources are template text, spelt as CloudFormation spells them.
        if name == "DeletionPolicy" {
            continue;
        }
        let branches = def["oneOf"].as_array().into_iter().flatten();
        for value in branches.filter_map(|b| b["const"].as_str()) {
            if value != value.to_lowercase() {
                upper.push(format!("{name}: {value}"));
            }
        }
    }
    assert!(upper.is_empty(), "enum values must be lower case (keep an old spelling as a serde alias): {upper:?}");
}
