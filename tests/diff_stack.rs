//! `rcdk diff --against-stack` against moto_server: the example deployed with
//! `rcdk deploy`, then diffed with the real binary (GetTemplate).

#![cfg(feature = "aws")]

mod support;

use std::fs;

use support::moto::Moto;
use support::{root, text};

#[test]
fn against_stack_compares_with_the_deployed_template() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join("examples")).expect("mkdir");
    let app = dir.path().join("examples/network.yaml");
    fs::copy(root().join("examples/network.yaml"), &app).expect("copy");

    let out = moto.rcdk(dir.path(), &["deploy", "examples/network.yaml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "deploy: {:?}\n{}", text(&out), moto.log());

    let out = moto.rcdk(dir.path(), &["diff", "examples/network.yaml", "--against-stack", "--exit-code"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let (stdout, _) = text(&out);
    assert!(stdout.contains("Stack network-prod (against stack network-prod (http://127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("No differences against deployed stacks"), "{stdout}");

    let changed = fs::read_to_string(&app).expect("read").replace("nat_gateways: 3", "nat_gateways: 2");
    fs::write(&app, changed).expect("write");
    let args = ["diff", "examples/network.yaml", "--against-stack", "--exit-code", "--format", "json"];
    let out = moto.rcdk(dir.path(), &args);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["against"], "deployed stacks");
    let removed: Vec<&str> = report["stacks"][0]["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["change"] == "removed")
        .filter_map(|r| r["logicalId"].as_str())
        .collect();
    assert_eq!(removed, vec!["VpcPublicSubnet3Eip", "VpcPublicSubnet3NatGateway"]);

    // A stack that is not deployed is a new stack, not an error.
    let renamed = fs::read_to_string(&app).expect("read").replace("name: network-prod", "name: network-other");
    fs::write(&app, renamed).expect("write");
    let out = moto.rcdk(dir.path(), &["diff", "examples/network.yaml", "--against-stack", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["stacks"][0]["status"], "added");
    assert_eq!(report["stacks"][0]["oldTemplate"], serde_json::Value::Null);
}
