//! Service images from the stack's own ECR repositories (issue 15):
//! `image: {repository, tag}` in app files and
//! `ContainerImage::from_repository` in Rust run the repository's URI with
//! the tag, and the execution role may pull from exactly that repository.

mod support;

use support::{app_template as template, synth_app as synth};

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::ecr::Repository;
use rcdk_constructs::ecs::{ContainerImage, ContainerProps, RepositoryImage, TaskDefinition, TaskDefinitionProps};
use serde_json::{json, Value};

const APP: &str = r#"
stacks:
  - name: shop
    region: eu-west-1
    vpc: {max_azs: 2}
    repositories:
      shop-web: {}
      team/shop-api: {mutable_tags: true}
    services:
      web:
        image: {repository: shop-web, tag: 2.1.0}
        canary: {image: {repository: shop-web, tag: 2.2.0-rc.1}}
      api:
        image: {repository: team/shop-api, tag: "2024.06.01"}
        routing: {path_patterns: [/api/*]}
      proxy:
        image: nginx:1.27
        routing: {path_patterns: [/static/*]}
"#;

/// (code, field, message and help) of each problem.
fn errors(yaml: &str) -> Vec<(String, String, String)> {
    match synth(yaml, Format::Yaml) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e
            .0
            .iter()
            .map(|e| {
                (e.code.to_string(), e.field.to_string(), format!("{e} help: {}", e.help.clone().unwrap_or_default()))
            })
            .collect(),
    }
}

fn statements(t: &Value, role: &str) -> Vec<Value> {
    t["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap_or_else(|| panic!("{role} has statements"))
        .clone()
}

/// The statements of an execution role that mention ECR.
fn ecr_statements(t: &Value, role: &str) -> Vec<Value> {
    statements(t, role).into_iter().filter(|s| s["Action"].to_string().contains("ecr:")).collect()
}

fn pulls_from(repository: &str) -> Vec<Value> {
    vec![
        json!({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}),
        json!({
            "Effect": "Allow",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            "Resource": {"Fn::GetAtt": [repository, "Arn"]}
        }),
    ]
}

#[test]
fn a_repository_image_runs_the_repository_uri_and_pulls_from_exactly_that_repository() {
    let t = template(APP);
    let image = |td: &str| t["Resources"][td]["Properties"]["ContainerDefinitions"][0]["Image"].clone();
    assert_eq!(image("WebTaskDefinition"), json!({"Fn::Sub": "${ShopWebRepository.RepositoryUri}:2.1.0"}));
    assert_eq!(image("WebCanaryTaskDefinition"), json!({"Fn::Sub": "${ShopWebRepository.RepositoryUri}:2.2.0-rc.1"}));
    assert_eq!(image("ApiTaskDefinition"), json!({"Fn::Sub": "${TeamShopApiRepository.RepositoryUri}:2024.06.01"}));
    assert_eq!(image("ProxyTaskDefinition"), json!("nginx:1.27"));

    // Each execution role: the registry login, and pulls from its own repository only.
    assert_eq!(ecr_statements(&t, "WebTaskDefinitionExecutionRole"), pulls_from("ShopWebRepository"));
    assert_eq!(ecr_statements(&t, "WebCanaryTaskDefinitionExecutionRole"), pulls_from("ShopWebRepository"));
    assert_eq!(ecr_statements(&t, "ApiTaskDefinitionExecutionRole"), pulls_from("TeamShopApiRepository"));
    assert_eq!(ecr_statements(&t, "ProxyTaskDefinitionExecutionRole"), Vec::<Value>::new());
    // The only `*` resource is the login, which has no resource-level permissions.
    for role in ["WebTaskDefinitionExecutionRole", "ApiTaskDefinitionExecutionRole"] {
        for s in statements(&t, role) {
            if s["Resource"] == "*" {
                assert_eq!(s["Action"], "ecr:GetAuthorizationToken", "{role}: {s}");
            }
        }
    }
    // The application's own role gets nothing from the image.
    for role in ["WebTaskDefinitionTaskRole", "ApiTaskDefinitionTaskRole"] {
        assert!(t["Resources"][role]["Properties"].get("Policies").is_none(), "{role}");
    }
    // No account ID or region written by hand anywhere.
    let text = t.to_string();
    assert!(!text.contains(".dkr.ecr."), "hand-written registry in the template");
}

#[test]
fn the_template_passes_cfn_lint() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in [Format::Yaml, Format::Json] {
        for stack in synth(APP, format).unwrap_or_else(|e| panic!("synth failed: {e}")) {
            support::lint_body(dir.path(), &stack.file_name(), &stack.body);
        }
    }
}

#[test]
fn an_unknown_repository_is_located_with_the_closest_name() {
    let got = errors(
        r#"
stacks:
  - name: shop
    vpc: {max_azs: 2}
    repositories: {shop-web: {}}
    services:
      web:
        image: {repository: shop-wbe, tag: 2.1.0}
        canary: {image: {repository: nope, tag: "-bad"}}
"#,
    );
    let web = got
        .iter()
        .find(|(c, f, _)| c == "app:image-repository-unknown" && f == "stacks[0].services.web.image.repository")
        .unwrap_or_else(|| panic!("no error at image.repository: {got:#?}"));
    assert!(web.2.contains("did you mean `shop-web`?"), "{}", web.2);
    assert!(web.2.contains("shop/web"), "names the service: {}", web.2);
    assert!(
        got.iter()
            .any(|(c, f, _)| c == "app:image-repository-unknown"
                && f == "stacks[0].services.web.canary.image.repository"),
        "{got:#?}"
    );
    assert!(
        got.iter().any(|(c, f, _)| c == "ecs:image-tag-invalid" && f == "stacks[0].services.web.canary.image.tag"),
        "{got:#?}"
    );
    assert_eq!(got.len(), 3, "nothing else is reported about these images: {got:#?}");

    // A stack without repositories: the help says how to add one.
    let got = errors(
        r#"
stacks:
  - name: shop
    vpc: {max_azs: 2}
    services:
      web: {image: {repository: shop-web, tag: 2.1.0}}
"#,
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].2.contains("repositories: {shop-web: {}}"), "{}", got[0].2);
}

#[test]
fn tags_follow_the_image_tag_rules_and_latest_needs_an_immutable_repository() {
    let app = |tag: &str, mutable: bool, allow: bool| {
        format!(
            r#"
stacks:
  - name: shop
    vpc: {{max_azs: 2}}
    repositories: {{shop-web: {{mutable_tags: {mutable}}}}}
    services:
      web: {{image: {{repository: shop-web, tag: "{tag}"}}, allow_unpinned_image: {allow}}}
"#
        )
    };
    for bad in ["", ".hidden", "-x", "1.0 3", "a:b", &"a".repeat(129)] {
        let got = errors(&app(bad, false, false));
        assert_eq!(
            got.iter().map(|(c, f, _)| (c.as_str(), f.as_str())).collect::<Vec<_>>(),
            vec![("ecs:image-tag-invalid", "stacks[0].services.web.image.tag")],
            "{bad:?}"
        );
    }
    // Immutable (the default): `latest` is pushed once, so it names one image.
    assert!(synth(&app("latest", false, false), Format::Yaml).is_ok());
    // Mutable: `latest` moves, like any `:latest` image.
    let got = errors(&app("latest", true, false));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("ecs:image-unpinned", "stacks[0].services.web.image"));
    assert!(synth(&app("latest", true, true), Format::Yaml).is_ok());
    assert!(synth(&app("1.0.3", true, false), Format::Yaml).is_ok());
}

#[test]
fn a_repository_image_without_a_tag_does_not_parse() {
    let e = serde_yaml::from_str::<rcdk_constructs::app::AppProps>(
        "stacks:\n  - name: s\n    services:\n      web:\n        image: {repository: shop-web}\n",
    )
    .expect_err("tag is required");
    assert!(e.to_string().contains("missing field `tag`"), "{e}");
}

/// The Rust path: a repository handle, `ContainerImage::from_repository`,
/// and `Repository::grant_pull` on the task definition's execution role.
#[test]
fn rust_apps_use_the_repository_handle() {
    let mut stack = Stack::new(StackProps { name: "jobs".into(), ..Default::default() }, FieldPath::root());
    let path = stack.root().child("WorkerRepository");
    let repo = Repository::new(&mut stack, &path, "worker", &Default::default());
    let other_path = stack.root().child("OtherRepository");
    let other = Repository::new(&mut stack, &other_path, "other", &Default::default());
    let td_path = stack.root().child("Worker").child("TaskDefinition");
    let container = |name: &str, image: ContainerImage| ContainerProps {
        name: name.into(),
        image,
        essential: Some(name == "worker"),
        ..Default::default()
    };
    let td = TaskDefinition::new(
        &mut stack,
        &td_path,
        &TaskDefinitionProps {
            containers: vec![
                container("worker", ContainerImage::from_repository(&repo, "3.0.0")),
                container("sidecar", ContainerImage::from_repository(&repo, "sidecar-3.0.0")),
            ],
            ..Default::default()
        },
    );
    // Granting again (e.g. by hand) adds nothing.
    repo.grant_pull(&mut stack, &td.execution_role);
    let mut app = App::new();
    app.add_stack(stack);
    let out = app.synth(Format::Json).unwrap_or_else(|e| panic!("synth failed: {e}"));
    let t: Value = serde_json::from_str(&out[0].body).expect("JSON");
    assert_eq!(ecr_statements(&t, "WorkerTaskDefinitionExecutionRole"), pulls_from("WorkerRepository"));
    let images: Vec<Value> = t["Resources"]["WorkerTaskDefinition"]["Properties"]["ContainerDefinitions"]
        .as_array()
        .expect("containers")
        .iter()
        .map(|c| c["Image"].clone())
        .collect();
    assert_eq!(
        images,
        vec![
            json!({"Fn::Sub": "${WorkerRepository.RepositoryUri}:3.0.0"}),
            json!({"Fn::Sub": "${WorkerRepository.RepositoryUri}:sidecar-3.0.0"})
        ]
    );
    // The other repository of the stack is not reachable.
    assert!(!t["Resources"]["WorkerTaskDefinitionExecutionRole"].to_string().contains(&other.logical_id));

    // A repository by name means nothing outside an app file: refused, with the fix.
    let mut stack = Stack::new(StackProps { name: "jobs".into(), ..Default::default() }, FieldPath::root());
    let td_path = stack.root().child("Worker").child("TaskDefinition");
    TaskDefinition::new(
        &mut stack,
        &td_path,
        &TaskDefinitionProps {
            containers: vec![container(
                "worker",
                ContainerImage::Repository(RepositoryImage { repository: "worker".into(), tag: "3.0.0".into() }),
            )],
            ..Default::default()
        },
    );
    let mut app = App::new();
    app.add_stack(stack);
    let e = app.synth(Format::Json).expect_err("unresolved");
    assert_eq!(e.0.len(), 1, "{e}");
    assert_eq!(e.0[0].code, "ecs:image-repository-unresolved");
    assert_eq!(e.0[0].field.to_string(), "containers[0].image.repository");
    let help = e.0[0].help.clone().unwrap_or_default();
    assert!(help.contains("ContainerImage::from_repository"), "{help}");
}
