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

/// Posts an (unsigned: moto does not check signatures) SSM JSON request to moto.
fn ssm(moto: &Moto, target: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let url = moto.url();
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(host).expect("moto");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AmazonSSM.{target}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).expect("write");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    answer
}

/// `--against-stack` reads each SSM-typed parameter's value now through SSM
/// GetParameter: here a real signed request to moto, through the library
/// (`Aws::ssm_parameter`). moto's DescribeStacks has no `ResolvedValue`, so the
/// comparison with the deployed value is tested on recorded shapes in
/// `src/diff/resolved.rs`.
#[test]
fn ssm_get_parameter_reads_the_value_a_deploy_would_resolve() {
    let moto = Moto::start();
    let put = ssm(&moto, "PutParameter", r#"{"Name": "/app/ami", "Value": "ami-0b1c2d3e4f5a6b7c8", "Type": "String"}"#);
    assert!(put.starts_with("HTTP/1.1 200"), "{put}");
    for (k, v) in support::moto::FAKE_AWS_ENV {
        std::env::set_var(k, v);
    }
    let runtime = rcdk::aws::runtime().expect("runtime");
    let args = rcdk::cli::AwsArgs { region: None, profile: None, endpoint_url: Some(moto.url()) };
    let aws = runtime.block_on(rcdk::aws::Aws::connect(&args, Some("us-east-1"))).expect("connect");
    let got = runtime.block_on(aws.ssm_parameter("/app/ami")).expect("GetParameter");
    assert_eq!(got, rcdk::aws::ssm::SsmValue::Value("ami-0b1c2d3e4f5a6b7c8".into()));
    let missing = runtime.block_on(aws.ssm_parameter("/app/nope")).expect("GetParameter");
    assert_eq!(missing, rcdk::aws::ssm::SsmValue::NotFound);
}
