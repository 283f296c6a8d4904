//! Many accounts in one run (issue 25, point 3) against a real moto_server:
//! stacks pinned to different accounts deploy in one `rcdk deploy`, each
//! through a role assumed in its account — the stack's own
//! `deploy_role_arn`, or the `{account}` pattern of `rcdk.toml`; a stack
//! input crosses accounts (read from the producer's outputs with the
//! producer's role); a secret read by name across accounts is refused before
//! any call; `--role-arn` must be a role of the stacks' account.
//!
//! moto accepts any AssumeRole and answers with credentials in the role's
//! account (as `tests/deploy_trust.rs` uses through a profile), so each
//! account's stacks live apart in moto, as they would on AWS.

#![cfg(feature = "aws")]

mod support;

use std::path::Path;

use support::moto::{Moto, FAKE_AWS_ENV};
use support::text;

const A: &str = "111111111111";
const B: &str = "222222222222";

const APP: &str = "\
stacks:
  - name: net-a
    region: eu-west-1
    account: \"111111111111\"
    deploy_role_arn: arn:aws:iam::111111111111:role/deployer
    vpc: {cidr: 10.41.0.0/16, max_azs: 2, nat_gateways: 0}
  - name: net-b
    region: eu-west-1
    account: \"222222222222\"
    vpc: {cidr: 10.42.0.0/16, max_azs: 2, nat_gateways: 0}
";

/// Whether `stack` exists in the account of `role` (`None`: moto's default account).
fn exists(moto: &Moto, role: Option<&str>, stack: &str) -> Option<Vec<(String, String)>> {
    for (k, v) in FAKE_AWS_ENV {
        std::env::set_var(k, v);
    }
    let args = rcdk::cli::AwsArgs { region: None, profile: None, endpoint_url: Some(moto.url()) };
    let runtime = rcdk::aws::runtime().expect("runtime");
    runtime.block_on(async {
        let aws = rcdk::aws::Aws::connect_as(&args, Some("eu-west-1"), role).await.expect("session");
        aws.describe_stack(stack)
            .await
            .expect("describe")
            .filter(|s| s.status != "DELETE_COMPLETE")
            .map(|s| s.parameters)
    })
}

fn role(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{name}")
}

#[test]
fn two_accounts_deploy_in_one_run() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("app.yaml"), APP).expect("write app");
    std::fs::write(dir.path().join("rcdk.toml"), "deploy_role_arn = \"arn:aws:iam::{account}:role/rcdk-deploy\"\n")
        .expect("write rcdk.toml");

    let out = moto.rcdk(dir.path(), &["list"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    assert!(e.contains(&format!("Deploying to account {A} in eu-west-1 via http://127.0.0.1:")), "{e}");
    assert!(e.contains(": net-a\n") && e.contains(&format!("Deploying to account {B} in eu-west-1")), "{e}");
    assert!(o.contains("net-a: CREATE_COMPLETE") && o.contains("net-b: CREATE_COMPLETE"), "{o}");

    // Each stack is in its own account, and neither in the caller's.
    assert!(exists(&moto, Some(&role(A, "deployer")), "net-a").is_some());
    assert!(exists(&moto, Some(&role(A, "deployer")), "net-b").is_none());
    assert!(exists(&moto, Some(&role(B, "rcdk-deploy")), "net-b").is_some());
    assert!(exists(&moto, None, "net-a").is_none() && exists(&moto, None, "net-b").is_none());

    // destroy goes through the same role: the stack is found in its account.
    let out = moto.rcdk(dir.path(), &["destroy", "app.yaml", "--stack", "net-b", "--yes"]);
    let (o, e) = text(&out);
    assert!(!o.contains("does not exist"), "found in account {B}: {o}\n{e}");
    assert!(
        o.contains(&format!("stack net-b (CREATE_COMPLETE) in account {B} (eu-west-1) will be deleted")),
        "{o}\n{e}"
    );

    // A --role-arn (CloudFormation service role) of another account: exit 2 before any call.
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes", "--role-arn", &role(B, "cfn")]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(
        e.contains(&format!(
            "error: --role-arn is a role of account {B}, but stack(s) `net-a` ({A}) deploy to another account"
        )),
        "{e}"
    );
}

/// A hand-written cloud assembly: `producer` in account A with an output,
/// `consumer` in account B whose parameter is fed by it. Deploying the
/// consumer alone reads the value in A (with A's deploy role) and passes it
/// to B as a parameter value: stack inputs cross accounts.
#[test]
fn a_stack_input_crosses_accounts() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let assembly = dir.path().join("assembly");
    std::fs::create_dir_all(&assembly).expect("mkdir");
    write(
        &assembly,
        "producer.yaml",
        "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 7\n\
         Outputs:\n  Greeting:\n    Value: hello-from-a\n",
    );
    write(
        &assembly,
        "consumer.yaml",
        "Parameters:\n  Greeting:\n    Type: String\nResources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName:\n        Ref: Greeting\n",
    );
    let manifest = serde_json::json!({"version": 1, "stacks": [
        {"name": "producer", "template": "producer.yaml", "region": "eu-west-1", "account": A, "parameters": {}, "tags": {},
         "dependencies": [], "inputs": [], "deploy_role_arn": role(A, "deployer")},
        {"name": "consumer", "template": "consumer.yaml", "region": "eu-west-1", "account": B, "parameters": {}, "tags": {},
         "dependencies": ["producer"], "inputs": [{"parameter": "Greeting", "stack": "producer", "output": "Greeting"}],
         "deploy_role_arn": role(B, "deployer")}
    ]});
    write(&assembly, "manifest.json", &serde_json::to_string_pretty(&manifest).expect("json"));
    // moto 5.2.5 reports no outputs for a stack made through change sets,
    // only through CreateStack: the producer is created that way, in
    // account A (through rcdk's signed client, as A's deploy role).
    for (k, v) in FAKE_AWS_ENV {
        std::env::set_var(k, v);
    }
    let args = rcdk::cli::AwsArgs { region: None, profile: None, endpoint_url: Some(moto.url()) };
    let runtime = rcdk::aws::runtime().expect("runtime");
    runtime.block_on(async {
        let aws =
            rcdk::aws::Aws::connect_as(&args, Some("eu-west-1"), Some(&role(A, "deployer"))).await.expect("session");
        let body = std::fs::read_to_string(assembly.join("producer.yaml")).expect("read");
        let params = rcdk::aws::api::Params::new().set("StackName", "producer").set("TemplateBody", body);
        aws.api().query(&rcdk::aws::api::CLOUDFORMATION, "CreateStack", params).await.expect("CreateStack");
    });
    assert_eq!(exists(&moto, Some(&role(A, "deployer")), "producer"), Some(Vec::new()), "in account A");

    // The consumer alone: its input is read from the producer in account A
    // (with the producer's role), and passed to account B.
    let out = moto.rcdk(dir.path(), &["deploy", "--assembly", "assembly", "--stack", "consumer", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    assert!(o.contains("consumer: CREATE_COMPLETE"), "{o}");
    let parameters = exists(&moto, Some(&role(B, "deployer")), "consumer").expect("consumer in account B");
    assert_eq!(parameters, vec![("Greeting".to_owned(), "hello-from-a".to_owned())]);
}

/// The CDN lock's secret is read by name: a stack in another account than
/// the secret's cannot resolve it. Refused before any call (exit 2).
#[test]
fn a_secret_read_by_name_across_accounts_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let assembly = dir.path().join("assembly");
    std::fs::create_dir_all(&assembly).expect("mkdir");
    write(
        &assembly,
        "origin.yaml",
        "Resources:\n  Secret:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      Name: rcdk/web/cdn-origin-verify\n",
    );
    write(
        &assembly,
        "cdn.yaml",
        "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: '{{resolve:secretsmanager:rcdk/web/cdn-origin-verify:SecretString}}'\n",
    );
    let manifest = serde_json::json!({"version": 1, "stacks": [
        {"name": "origin", "template": "origin.yaml", "region": "us-east-1", "account": A, "parameters": {}, "tags": {}, "dependencies": [], "inputs": []},
        {"name": "cdn", "template": "cdn.yaml", "region": "us-east-1", "account": B, "parameters": {}, "tags": {}, "dependencies": ["origin"], "inputs": []}
    ]});
    write(&assembly, "manifest.json", &serde_json::to_string_pretty(&manifest).expect("json"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rcdk"))
        .current_dir(dir.path())
        .args(["deploy", "--assembly", "assembly", "--yes"])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .expect("runs");
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(
        e.contains(&format!(
            "error: stack `cdn`: it reads secret `rcdk/web/cdn-origin-verify` by name, but the secret is created by stack `origin` in account {A} and this stack deploys to account {B}"
        )),
        "{e}"
    );
    assert!(e.contains("[stack:cross-account-secret-reference]"), "{e}");
    assert!(!e.contains("Deploying to account"), "nothing called: {e}");
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}
