//! The to-do app written in Rust (`examples/todo-app-rs`): a real program on
//! the construct library that creates its own data stores and image
//! repositories and grants each service exactly what it uses. Its templates
//! pass cfn-lint, are the YAML app's (no differences), and deploy.

mod support;

use std::collections::BTreeSet;

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::Context;
use serde_json::{json, Value};
use support::moto::Moto;
use support::{cfn_lint, rcdk, root, text};

fn app_command() -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    format!("'{cargo}' run -q -p todo-app-rs")
}

fn resource<'a>(template: &'a Value, id: &str) -> &'a Value {
    &template["Resources"][id]
}

#[test]
fn synthesizes_least_privilege_data_stores_that_pass_cfn_lint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("out");
    let out = rcdk(&root(), &["synth", "--app", &app_command(), "--out", out_dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{:?}", text(&out));
    let file = out_dir.join("todo-prod.yaml");
    let (code, lint) = cfn_lint(std::slice::from_ref(&file));
    assert_eq!(code, 0, "cfn-lint found problems:\n{lint}");

    let t = rcdk_constructs::cfn::parse_template(&std::fs::read_to_string(&file).expect("read")).expect("parses");
    for table in ["TodosTable", "FilesTable"] {
        let r = resource(&t, table);
        assert_eq!(r["Type"], "AWS::DynamoDB::Table");
        assert_eq!(r["DeletionPolicy"], "Retain");
        assert_eq!(r["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true);
        assert_eq!(r["Properties"]["SSESpecification"]["SSEEnabled"], true);
    }
    let bucket = resource(&t, "FilesBucket");
    assert_eq!(bucket["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"], true);

    // Each task role reaches only its own stores: every statement's
    // resources name them, and nothing else.
    let reached = |role: &str| -> BTreeSet<String> {
        let statements = &resource(&t, role)["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
        let mut ids = BTreeSet::new();
        for st in statements.as_array().unwrap_or_else(|| panic!("{role} has statements")) {
            assert_eq!(st["Effect"], "Allow");
            let text = st["Resource"].to_string();
            assert!(!text.contains('*') || text.contains("/*") || text.contains("/index/*"), "{role}: {text}");
            for id in ["TodosTable", "FilesTable", "FilesBucket"] {
                if text.contains(&format!("\"{id}\"")) {
                    ids.insert(id.to_owned());
                }
            }
        }
        ids
    };
    let set = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<String>>();
    assert_eq!(reached("MainTaskDefinitionTaskRole"), set(&["TodosTable"]));
    assert_eq!(reached("FilesTaskDefinitionTaskRole"), set(&["FilesBucket", "FilesTable"]));
    // Each execution role pulls from its own repository only.
    for (role, repo) in [
        ("MainTaskDefinitionExecutionRole", "TodoMainRepository"),
        ("FilesTaskDefinitionExecutionRole", "TodoFilesRepository"),
    ] {
        let statements = resource(&t, role)["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].to_string();
        assert!(statements.contains(&format!("\"{repo}\"")), "{role}: {statements}");
        let other = if repo == "TodoMainRepository" { "TodoFilesRepository" } else { "TodoMainRepository" };
        assert!(!statements.contains(other), "{role}: {statements}");
    }
    let env = |td: &str| resource(&t, td)["Properties"]["ContainerDefinitions"][0]["Environment"].clone();
    // Every container also gets the region (issue 26, item 13).
    let region = || {
        [
            json!({"Name": "AWS_DEFAULT_REGION", "Value": {"Ref": "AWS::Region"}}),
            json!({"Name": "AWS_REGION", "Value": {"Ref": "AWS::Region"}}),
        ]
    };
    let [default_region, aws_region] = region();
    assert_eq!(
        env("MainTaskDefinition"),
        json!([default_region, aws_region, {"Name": "TODOS_TABLE", "Value": {"Ref": "TodosTable"}}])
    );
    let [default_region, aws_region] = region();
    assert_eq!(
        env("FilesTaskDefinition"),
        json!([default_region, aws_region, {"Name": "FILES_BUCKET", "Value": {"Ref": "FilesBucket"}}, {"Name": "FILES_TABLE", "Value": {"Ref": "FilesTable"}}])
    );
}

/// The context the YAML examples share (`examples/rcdk.context.json`: the
/// pinned AMI releases), which rcdk hands an app command run in `examples/`.
fn examples_context() -> Context {
    Context::parse(&std::fs::read_to_string(root().join("examples/rcdk.context.json")).expect("read")).expect("valid")
}

/// Both apps create the same tables, bucket and repositories and wire them
/// the same way, and run the same pinned AMI release: `rcdk diff --app`, run
/// in `examples/` (so the program gets the YAML apps' `rcdk.context.json`
/// through `RCDK_CONTEXT`), against the YAML app's committed template finds
/// nothing at all.
#[test]
fn is_the_same_app_as_the_yaml_one() {
    let examples = root().join("examples");
    let out = rcdk(&examples, &["diff", "--app", &app_command(), "--format", "json", "--exit-code"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    let report: Value = serde_json::from_str(&o).expect("JSON report");
    let stack = &report["stacks"][0];
    assert!(stack["oldTemplate"].as_str().is_some_and(|t| t.ends_with("templates/todo-prod.yaml")), "{stack}");
    assert_eq!(stack["resources"], json!([]), "{stack}");
    let text_out = rcdk(&examples, &["diff", "--app", &app_command()]);
    let (o, _) = text(&text_out);
    assert!(o.contains("no differences"), "{o}");
}

/// Deploys through the cloud assembly, as CI would: `rcdk_app::emit_to`
/// writes it, `rcdk deploy --assembly` ships it — its repositories first
/// (`--stage repositories`), then the images are pushed, then the rest
/// (the services pull from the stack's own repositories). The stack tags are left out
/// for the moto 5.2.5 KMS tag gap described at
/// `tests/deploy.rs::todo_app_deploys_on_moto_without_stack_tags`.
#[test]
fn deploys_on_moto() {
    let dir = tempfile::tempdir().expect("temp dir");
    let assembly = dir.path().join("assembly");
    let mut app = todo_app_rs::app_with_tags(Default::default());
    app.set_context(examples_context());
    rcdk_app::emit_to(app, &assembly, Format::Yaml).expect("emits");
    let moto = Moto::start();
    let dir_arg = assembly.to_str().expect("utf-8");
    let out = moto.rcdk(dir.path(), &["deploy", "--assembly", dir_arg, "--stage", "repositories", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    assert!(o.contains("todo-prod: CREATE_COMPLETE"), "{o}");
    for repository in ["todo-main", "todo-files"] {
        moto.push_image("us-east-1", repository, "1.0.3");
    }
    let out = moto.rcdk(dir.path(), &["deploy", "--assembly", dir_arg, "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    assert!(o.contains("TodosTable") && o.contains("FilesBucket"), "{o}");
    assert!(o.contains("todo-prod: UPDATE_COMPLETE"), "{o}");
    let out = moto.rcdk(dir.path(), &["deploy", "--assembly", dir_arg, "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("todo-prod: no changes"), "{o}");
}
