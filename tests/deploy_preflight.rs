//! Issue 26's pre-deploy checks on a real moto_server: before the change
//! set is created, rcdk asks ECR whether the images a service runs can be
//! pulled and whether the repositories it creates by name are free, and
//! refuses (exit 1, nothing created) with the exact commands that fix it;
//! the first deploy of an app that builds its own images goes through
//! `--stage repositories`; the ECS service-linked role of a fresh account is
//! created before the first cluster.
//!
//! moto 5.2.5 names the created role `AWSServiceRoleForecs` (AWS:
//! `AWSServiceRoleForECS`), so the test finds it by the path every
//! service-linked role has, as rcdk does.

#![cfg(feature = "aws")]

mod support;

use serde_json::json;
use support::moto::Moto;
use support::text;

const REGION: &str = "eu-west-1";

const APP: &str = "\
stacks:
  - name: pf
    region: eu-west-1
    vpc: {cidr: 10.50.0.0/16, max_azs: 2, nat_gateways: 1}
    cluster: {instance_type: t3.small}
    repositories:
      pf-web: {}
    services:
      web:
        image: {repository: pf-web, tag: 1.0.0}
        container_port: 80
        memory_mib: 256
";

fn stack_exists(moto: &Moto) -> bool {
    let (_, body) = moto.query("cloudformation", REGION, "Action=DescribeStacks&Version=2010-05-15&StackName=pf");
    body.contains("<StackName>pf</StackName>") && !body.contains("DELETE_COMPLETE")
}

/// The stack's outputs as DescribeStacks reports them, as a JSON object.
fn stack_outputs(moto: &Moto) -> serde_json::Value {
    let (_, body) = moto.query("cloudformation", REGION, "Action=DescribeStacks&Version=2010-05-15&StackName=pf");
    let mut map = serde_json::Map::new();
    for member in body.split("<member>").filter(|m| m.contains("<OutputKey>")) {
        let field = |name: &str| {
            let start = member.find(&format!("<{name}>")).map(|i| i + name.len() + 2)?;
            let end = member[start..].find(&format!("</{name}>"))? + start;
            Some(member[start..end].to_owned())
        };
        if let (Some(k), Some(v)) = (field("OutputKey"), field("OutputValue")) {
            map.insert(k, serde_json::Value::String(v));
        }
    }
    serde_json::Value::Object(map)
}

fn ecs_service_linked_roles(moto: &Moto) -> usize {
    let (status, body) = moto.query(
        "iam",
        "us-east-1",
        "Action=ListRoles&Version=2010-05-08&PathPrefix=%2Faws-service-role%2Fecs.amazonaws.com%2F",
    );
    assert!(status.contains(" 200 "), "{status}\n{body}");
    body.matches("<RoleName>").count()
}

#[test]
fn images_and_repositories_are_checked_before_the_change_set() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("app.yaml"), APP).expect("write app");
    let rcdk = |args: &[&str]| moto.rcdk(dir.path(), args);

    // 1. The image's repository is created by this very deploy: refused,
    //    also under --no-execute, with the three commands; nothing created.
    let out = rcdk(&["deploy", "app.yaml", "--no-execute"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}\n{}", moto.log());
    assert!(
        e.contains(
            "error: stack `pf`: container `web` runs `pf-web:1.0.0`, but repository `pf-web` is created by this deploy"
        ),
        "{e}"
    );
    assert!(e.contains("[ecr:image-in-new-repository]"), "{e}");
    assert!(e.contains("    rcdk deploy app.yaml --stack pf --stage repositories --yes\n"), "{e}");
    assert!(e.contains("    docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/pf-web:1.0.0\n"), "{e}");
    assert!(e.contains("    rcdk deploy app.yaml --stack pf\n"), "{e}");
    assert!(e.contains("help: nothing was created; `rcdk explain ecr:image-in-new-repository` says more"), "{e}");
    assert!(!e.contains("creating change set"), "refused before the change set: {e}");
    assert!(!stack_exists(&moto), "nothing created");

    // 2. A repository of that name left outside the stack: import or rename.
    moto.call(
        "ecr",
        REGION,
        "AmazonEC2ContainerRegistry_V20150921.CreateRepository",
        &json!({"repositoryName": "pf-web"}),
    );
    let out = rcdk(&["deploy", "app.yaml", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}");
    assert!(
        e.contains("error: stack `pf`: ECR repository `pf-web` already exists in account 123456789012 (eu-west-1) but is not part of this stack"),
        "{e}"
    );
    assert!(e.contains("resource: PfWebRepository [ecr:repository-exists]"), "{e}");
    assert!(e.contains("help: import it into the stack or rename it"), "{e}");
    assert!(e.contains("aws ecr delete-repository --repository-name pf-web --region eu-west-1"), "{e}");
    assert!(!stack_exists(&moto), "nothing created");
    moto.call(
        "ecr",
        REGION,
        "AmazonEC2ContainerRegistry_V20150921.DeleteRepository",
        &json!({"repositoryName": "pf-web"}),
    );

    // 3. The repositories first: a stack holding only them.
    let out = rcdk(&["deploy", "app.yaml", "--stack", "pf", "--stage", "repositories", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    assert!(o.contains("pf: CREATE_COMPLETE"), "{o}");
    let (_, resources) =
        moto.query("cloudformation", REGION, "Action=ListStackResources&Version=2010-05-15&StackName=pf");
    assert_eq!(resources.matches("<LogicalResourceId>").count(), 1, "{resources}");
    assert!(resources.contains("<ResourceType>AWS::ECR::Repository</ResourceType>"), "{resources}");

    // 4. Not pushed yet: the image is missing, with the push command.
    let out = rcdk(&["deploy", "app.yaml", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}");
    assert!(
        e.contains("error: stack `pf`: image `pf-web:1.0.0` of container `web` is not in repository `pf-web` (account 123456789012, eu-west-1)"),
        "{e}"
    );
    assert!(e.contains("[ecr:image-missing]"), "{e}");
    assert!(e.contains("docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/pf-web:1.0.0"), "{e}");

    // 5. Pushed: the rest deploys, and the ECS service-linked role of this
    //    fresh account is created first.
    moto.push_image(REGION, "pf-web", "1.0.0");
    assert_eq!(ecs_service_linked_roles(&moto), 0);
    let out = rcdk(&["deploy", "app.yaml", "--yes", "--outputs-file", "out/outputs.json"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    assert!(o.contains("pf: UPDATE_COMPLETE"), "{o}");
    assert!(
        e.contains("pf: the service-linked role for ECS does not exist yet in account 123456789012: creating it (AWSServiceRoleForECS)"),
        "{e}"
    );
    assert_eq!(ecs_service_linked_roles(&moto), 1);

    // --outputs-file: the CDK's shape, the outputs CloudFormation reports.
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/outputs.json")).expect("outputs file"))
            .expect("JSON");
    let reported = stack_outputs(&moto);
    assert_eq!(written, json!({ "pf": reported }), "{e}");
    assert!(e.contains("outputs of 1 stack(s) written to out/outputs.json"), "{e}");
    // No changes: the file is written again with the current outputs.
    std::fs::remove_file(dir.path().join("out/outputs.json")).expect("remove");
    let out = rcdk(&["deploy", "app.yaml", "--yes", "--outputs-file", "out/outputs.json"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("pf: no changes"), "{o}");
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/outputs.json")).expect("rewritten"))
            .expect("JSON");
    assert_eq!(again, written);

    // 6. The stage is for a first deploy only: the stack holds more now.
    let out = rcdk(&["deploy", "app.yaml", "--stage", "repositories", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(e.contains("error: --stage repositories: stack `pf` already holds"), "{e}");
    assert!(e.contains("a repositories-only template would delete them"), "{e}");
}

/// `--stage repositories` on an app whose stacks have no repositories is exit 2 before any call.
#[test]
fn stage_without_repositories_is_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = support::root().join("tests/fixtures/deploy-small.yaml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rcdk"))
        .current_dir(dir.path())
        .args(["deploy", app.to_str().expect("utf-8"), "--stage", "repositories", "--yes"])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .expect("runs");
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(e.contains("error: --stage repositories: no stack has ECR repositories"), "{e}");
}
