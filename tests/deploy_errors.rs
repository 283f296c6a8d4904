//! What rcdk prints when AWS (or something pretending to be it) answers
//! badly (issue 10, item 12): AWS's code and message, or a plain description
//! of what came back, and a `help:` line — never a Rust `Debug` dump.

#![cfg(feature = "aws")]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};

use support::moto::{Moto, FAKE_AWS_ENV};
use support::{root, text};

/// A local HTTP server on 127.0.0.1 that answers every request with
/// `status`, `content_type` and `body`. Returns its URL.
fn fake_endpoint(status: &'static str, content_type: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut request_body = vec![0u8; length];
            let _ = reader.read_exact(&mut request_body);
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

fn deploy(endpoint: &str, env: &[(&str, &str)], remove: &[&str]) -> (Option<i32>, String) {
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rcdk"));
    cmd.args(["deploy", app.to_str().expect("utf-8"), "--yes", "--endpoint-url", endpoint])
        .envs(FAKE_AWS_ENV.iter().copied())
        .envs(env.iter().copied())
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null());
    for var in remove {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("runs");
    (out.status.code(), text(&out).1)
}

/// One `error:` line (the message may continue), a `help:` line, and none of
/// the marks of a `Debug` dump.
fn assert_clear(case: &str, stderr: &str) {
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error: ")).count(), 1, "{case}: one error:\n{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("help: ")), "{case}: a help line:\n{stderr}");
    for debug in ["{ ", "Some(", "None", "ErrorMetadata", "Unhandled", "source:", "kind:", "raw:", "Response {"] {
        assert!(!stderr.contains(debug), "{case}: `{debug}` looks like a Debug dump:\n{stderr}");
    }
}

#[test]
fn an_html_page_is_described_not_dumped() {
    let url = fake_endpoint(
        "200 OK",
        "text/html",
        "<html><head><title>Captive portal</title></head><body><h1>Please log in</h1></body></html>",
    );
    let (code, e) = deploy(&url, &[], &[]);
    assert_eq!(code, Some(1), "{e}");
    assert_clear("HTML 200", &e);
    assert!(
        e.contains(&format!("error: finding the account of the credentials (STS GetCallerIdentity): {url}")),
        "{e}"
    );
    assert!(e.contains("HTTP 200 (text/html)") && e.contains("\"Captive portal Please log in\""), "{e}");
    assert!(e.contains("help: the endpoint is not an AWS API"), "{e}");
}

#[test]
fn a_server_error_page_is_described_not_dumped() {
    let url =
        fake_endpoint("500 Internal Server Error", "text/html", "<html><body>Internal Server Error</body></html>");
    let (code, e) = deploy(&url, &[], &[]);
    assert_eq!(code, Some(1), "{e}");
    assert_clear("HTML 500", &e);
    assert!(e.contains("HTTP 500 (text/html)") && e.contains("\"Internal Server Error\""), "{e}");

    let url = fake_endpoint("502 Bad Gateway", "text/plain", "");
    let (code, e) = deploy(&url, &[], &[]);
    assert_eq!(code, Some(1), "{e}");
    assert_clear("empty 502", &e);
    assert!(e.contains("HTTP 502 (text/plain)") && e.contains("an empty body"), "{e}");
}

#[test]
fn rejected_and_missing_credentials_are_one_clear_message() {
    // moto checks credentials when told to: unknown keys are InvalidClientTokenId.
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    let (code, e) = deploy(&moto.url(), &[], &[]);
    assert_eq!(code, Some(1), "{e}");
    assert_clear("InvalidClientTokenId", &e);
    assert!(e.contains("rejected the credentials:") && e.contains("(InvalidClientTokenId)"), "{e}");
    assert!(e.contains("help: refresh the credentials"), "{e}");

    // No credentials anywhere.
    let (code, e) = deploy(&moto.url(), &[], &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    assert_eq!(code, Some(1), "{e}");
    assert_clear("no credentials", &e);
    assert!(e.contains("error: no usable AWS credentials:"), "{e}");
}
