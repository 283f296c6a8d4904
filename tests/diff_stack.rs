//! `rcdk diff --against-stack` against moto_server: a stack created with the
//! SDK from the committed template, then diffed with the real binary.
//!
//! Starts its own moto_server (from the pinned .venv); switch to
//! `tests/support/moto.rs` once that harness is on main.

mod support;

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{root, text, venv_tool};

struct Moto(Child, String);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn moto() -> Moto {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let child = Command::new(venv_tool("moto_server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "moto_server did not listen on {port} within 30s");
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto(child, format!("http://127.0.0.1:{port}"))
}

fn rcdk(dir: &std::path::Path, endpoint: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rcdk"))
        .current_dir(dir)
        .args(args)
        .args(["--against-stack", "--endpoint-url", endpoint])
        .env("NO_COLOR", "1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("rcdk runs")
}

#[test]
fn against_stack_compares_with_the_deployed_template() {
    let server = moto();
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join("examples")).expect("mkdir");
    let app = dir.path().join("examples/network.yaml");
    fs::copy(root().join("examples/network.yaml"), &app).expect("copy");
    let body = fs::read_to_string(root().join("templates/network-prod.yaml")).expect("template");

    // Deploy the committed template with the SDK directly.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let creds = aws_sdk_cloudformation::config::Credentials::new("testing", "testing", None, None, "test");
        let config = aws_sdk_cloudformation::Config::builder()
            .behavior_version(aws_sdk_cloudformation::config::BehaviorVersion::latest())
            .region(aws_sdk_cloudformation::config::Region::new("eu-west-1"))
            .endpoint_url(&server.1)
            .credentials_provider(creds)
            .build();
        let cfn = aws_sdk_cloudformation::Client::from_conf(config);
        cfn.create_stack()
            .stack_name("network-prod")
            .template_body(body)
            .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityIam)
            .send()
            .await
            .expect("moto creates the stack");
    });

    let out = rcdk(dir.path(), &server.1, &["diff", "examples/network.yaml", "--exit-code"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.contains("No differences against deployed stacks"), "{:?}", text(&out));

    let changed = fs::read_to_string(&app).expect("read").replace("nat_gateways: 3", "nat_gateways: 2");
    fs::write(&app, changed).expect("write");
    let out = rcdk(dir.path(), &server.1, &["diff", "examples/network.yaml", "--exit-code", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
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
    let out = rcdk(dir.path(), &server.1, &["diff", "examples/network.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["stacks"][0]["status"], "added");
}
