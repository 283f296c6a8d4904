//! Deprecated enum spellings, end to end: every enum value that app files
//! still accept through an alias (`HTTP`, `HTTPS`, `ALL`, `ACCEPT`, `REJECT`,
//! `PriceClass_100`, `PriceClass_200`, `PriceClass_All`) synthesizes the same
//! template as the current spelling, and `rcdk synth` and `rcdk diff` warn
//! about it at `file:line:column` with the field path and the spelling to
//! write; `--deny-warnings` makes it exit 2 with nothing written.

mod support;

use std::path::Path;

use support::{rcdk, root, text};

const CODE: &str = "app-file:deprecated-spelling";

/// An app with no other warning: a flow-log traffic type and a target-group
/// protocol, each in the spelling given.
fn service_app(traffic_type: &str, protocol: &str) -> String {
    format!(
        "stacks:\n  - name: t\n    alarms:\n      email: ops@example.com\n    vpc:\n      nat_gateways: 3\n      \
         flow_logs:\n        traffic_type: {traffic_type}\n    services:\n      web:\n        image: public.ecr.aws/nginx/nginx:1.27\n        \
         container_port: 80\n        cpu: 256\n        memory_mib: 256\n        target_group:\n          protocol: {protocol}\n"
    )
}

/// The multi-region CDN example with `price_class` in the spelling given.
fn cdn_app(price_class: &str) -> String {
    let example = std::fs::read_to_string(root().join("examples/multi-region-canary.yaml")).expect("read example");
    assert!(example.contains("price_class: price_class_100"), "the example sets price_class");
    example.replace("price_class: price_class_100", &format!("price_class: {price_class}"))
}

/// Runs `rcdk ARGS` in a fresh directory holding `app.yaml`: (exit code,
/// stdout, stderr, the templates written to `out/` by name and content).
fn run(body: &str, args: &[&str]) -> (i32, String, String, Vec<(String, String)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("app.yaml"), body).expect("write app");
    let out = rcdk(dir.path(), args);
    let (stdout, stderr) = text(&out);
    let mut written: Vec<(String, String)> = std::fs::read_dir(dir.path().join("out"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(e.path()).unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default();
    written.sort();
    (out.status.code().unwrap_or(-1), stdout, stderr, written)
}

fn synth(body: &str, extra: &[&str]) -> (i32, String, Vec<(String, String)>) {
    let mut args = vec!["synth", "app.yaml", "--out", "out"];
    args.extend_from_slice(extra);
    let (status, _, stderr, written) = run(body, &args);
    (status, stderr, written)
}

/// The line and 1-based column of the first `needle` in `body`, at its value.
fn position(body: &str, needle: &str) -> (usize, usize) {
    let (i, line) = body.lines().enumerate().find(|(_, l)| l.contains(needle)).expect("needle in body");
    let key_end = line.find(needle).expect("needle") + needle.len();
    (i + 1, key_end + 1)
}

/// Asserts the warning for `written` → `current` at `field`, located at the
/// value after `needle`.
fn assert_warned(stderr: &str, body: &str, needle: &str, field: &str, written: &str, current: &str) {
    let (line, column) = position(body, needle);
    let expected = format!(
        "warning: app.yaml:{line}:{column}: {field}: `{written}` is a deprecated spelling of `{current}` [{CODE}]"
    );
    assert!(stderr.contains(&expected), "expected\n{expected}\nin:\n{stderr}");
    assert!(stderr.contains(&format!("help: write `{current}`")), "help missing:\n{stderr}");
}

#[test]
fn target_group_protocols_in_upper_case_warn_and_synthesize_as_lower_case() {
    for (old, new) in [("HTTP", "http"), ("HTTPS", "https")] {
        let body = service_app("all", old);
        let (status, stderr, written) = synth(&body, &[]);
        assert_eq!(status, 0, "{old}: {stderr}");
        assert_warned(&stderr, &body, "protocol: ", "stacks[0].services.web.target_group.protocol", old, new);
        assert_eq!(stderr.matches(CODE).count(), 1, "one warning only:\n{stderr}");
        let (status, stderr, current) = synth(&service_app("all", new), &[]);
        assert_eq!(status, 0, "{new}: {stderr}");
        assert!(!stderr.contains(CODE), "the current spelling is not deprecated:\n{stderr}");
        assert_eq!(written, current, "`{old}` and `{new}` synthesize the same files");
    }
}

#[test]
fn flow_log_traffic_types_in_upper_case_warn_and_synthesize_as_lower_case() {
    for (old, new) in [("ALL", "all"), ("ACCEPT", "accept"), ("REJECT", "reject")] {
        let body = service_app(old, "http");
        let (status, stderr, written) = synth(&body, &[]);
        assert_eq!(status, 0, "{old}: {stderr}");
        assert_warned(&stderr, &body, "traffic_type: ", "stacks[0].vpc.flow_logs.traffic_type", old, new);
        let (_, _, current) = synth(&service_app(new, "http"), &[]);
        assert_eq!(written, current, "`{old}` and `{new}` synthesize the same files");
    }
}

#[test]
fn price_classes_in_their_cloudformation_spelling_warn_and_synthesize_as_lower_case() {
    for (old, new) in [
        ("PriceClass_100", "price_class_100"),
        ("PriceClass_200", "price_class_200"),
        ("PriceClass_All", "price_class_all"),
    ] {
        let body = cdn_app(old);
        let (status, stderr, written) = synth(&body, &[]);
        assert_eq!(status, 0, "{old}: {stderr}");
        let field = "stacks[0].cdn.price_class";
        assert_warned(&stderr, &body, "price_class: ", field, old, new);
        let (_, _, current) = synth(&cdn_app(new), &[]);
        assert_eq!(written, current, "`{old}` and `{new}` synthesize the same files");
    }
}

#[test]
fn every_deprecated_spelling_in_a_file_is_reported_in_document_order() {
    let body = service_app("REJECT", "HTTPS");
    let (status, stderr, _) = synth(&body, &[]);
    assert_eq!(status, 0, "{stderr}");
    let traffic = stderr.find("`REJECT`").expect("traffic_type reported");
    let protocol = stderr.find("`HTTPS`").expect("protocol reported");
    assert!(traffic < protocol, "document order:\n{stderr}");
}

#[test]
fn deny_warnings_refuses_a_deprecated_spelling_and_writes_nothing() {
    let (status, stderr, written) = synth(&service_app("all", "HTTPS"), &["--deny-warnings"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(written.is_empty(), "nothing written: {written:?}");
    assert!(stderr.contains(&format!("`HTTPS` is a deprecated spelling of `https` [{CODE}]")), "{stderr}");
    assert!(stderr.contains("--deny-warnings"), "says why it is an error:\n{stderr}");
    // The same app in the current spelling passes, so the exit 2 is the deprecation's.
    let (status, stderr, written) = synth(&service_app("all", "https"), &["--deny-warnings"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(!written.is_empty());
}

#[test]
fn diff_warns_too_and_refuses_with_deny_warnings() {
    let old = service_app("all", "https");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("app.yaml"), &old).expect("write app");
    let out = rcdk(dir.path(), &["synth", "app.yaml"]);
    assert!(out.status.success(), "{}", text(&out).1);
    std::fs::write(dir.path().join("app.yaml"), service_app("all", "HTTPS")).expect("rewrite app");

    let out = rcdk(dir.path(), &["diff", "app.yaml", "--exit-code"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "same template, no difference:\n{stdout}\n{stderr}");
    assert!(stderr.contains(&format!("`HTTPS` is a deprecated spelling of `https` [{CODE}]")), "{stderr}");

    let out = rcdk(dir.path(), &["diff", "app.yaml", "--deny-warnings"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(CODE), "{stderr}");
}

#[test]
fn explain_knows_the_code() {
    let out = rcdk(Path::new("."), &["explain", CODE]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("deprecated spelling"), "{stdout}");
}
