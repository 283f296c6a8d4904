//! Issue 4 in app files: canary, multi-region with a CDN, database, bastion.
//! Each invalid input exits 2 with a located message and writes nothing; the
//! multi-region app's stacks come out in deployment order.

mod support;

use std::fs;

use support::{rcdk, text};

const SVC: &str = "    vpc: {max_azs: 2}\n    services:\n      web:\n        image: nginx:1.27.0\n";
const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/7d9e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a";

/// (name, app file, the field path and code expected).
fn cases() -> Vec<(&'static str, String, &'static str, &'static str)> {
    vec![
        (
            "canary_percent_above_100",
            format!("stacks:\n  - name: app\n{SVC}        canary: {{image: nginx:1.28.0, percent: 120}}\n"),
            "stacks[0].services.web.canary.percent",
            "service:canary-percent-invalid",
        ),
        (
            "canary_percent_negative",
            format!("stacks:\n  - name: app\n{SVC}        canary: {{image: nginx:1.28.0, percent: -5}}\n"),
            "stacks[0].services.web.canary.percent",
            "app-file:schema",
        ),
        (
            "canary_same_image",
            format!("stacks:\n  - name: app\n{SVC}        canary: {{image: nginx:1.27.0}}\n"),
            "stacks[0].services.web.canary.image",
            "service:canary-image-unchanged",
        ),
        (
            "canary_unpinned_image",
            format!("stacks:\n  - name: app\n{SVC}        canary: {{image: nginx:latest}}\n"),
            "stacks[0].services.web.canary.image",
            "ecs:image-unpinned",
        ),
        (
            "canary_without_tasks",
            format!("stacks:\n  - name: app\n{SVC}        canary: {{image: nginx:1.28.0, desired_count: 0}}\n"),
            "stacks[0].services.web.canary.desired_count",
            "service:canary-desired-count-zero",
        ),
        (
            "same_region_twice",
            format!("stacks:\n  - name: app\n    regions: [us-east-1, eu-west-1, us-east-1]\n{SVC}"),
            "stacks[0].regions[2]",
            "app:region-duplicate",
        ),
        (
            "region_override_unknown_region",
            format!("stacks:\n  - name: app\n    regions: [us-east-1, eu-west-1]\n    region_overrides:\n      eu-west-2: {{desired_counts: {{web: 1}}}}\n{SVC}"),
            "stacks[0].region_overrides.eu-west-2",
            "app:region-override-unknown",
        ),
        (
            "region_override_unknown_service",
            format!("stacks:\n  - name: app\n    regions: [us-east-1, eu-west-1]\n    region_overrides:\n      eu-west-1: {{desired_counts: {{api: 1}}}}\n{SVC}"),
            "stacks[0].region_overrides.eu-west-1.desired_counts.api",
            "app:region-override-service",
        ),
        (
            "region_and_regions",
            format!("stacks:\n  - name: app\n    region: us-east-1\n    regions: [us-east-1, eu-west-1]\n{SVC}"),
            "stacks[0].region",
            "app:region-conflict",
        ),
        (
            "cdn_with_three_regions",
            format!(
                "stacks:\n  - name: app\n    regions: [us-east-1, eu-west-1, ap-southeast-2]\n    cdn: {{}}\n{SVC}"
            ),
            "stacks[0].regions",
            "app:cdn-regions-invalid",
        ),
        (
            "cdn_certificate_outside_us_east_1",
            format!(
                "stacks:\n  - name: app\n    regions: [us-east-1, eu-west-1]\n    cdn:\n      certificate_arn: {}\n{SVC}",
                CERT.replace("us-east-1", "eu-west-1")
            ),
            "stacks[0].cdn.certificate_arn",
            "cloudfront:certificate-region",
        ),
        (
            "cdn_origin_unknown_stack",
            format!(
                "stacks:\n  - name: web\n    region: us-east-1\n{SVC}  - name: cdn\n    cdn: {{}}\n    origin_stacks: [web, web-eu]\n"
            ),
            "stacks[1].origin_stacks[1]",
            "app:cdn-origin-stack-unknown",
        ),
        (
            // a's CDN reads b's load balancer and b's CDN reads a's.
            "cross_stack_cycle",
            format!(
                "stacks:\n  - name: a\n    cdn: {{}}\n    origin_stacks: [b, c]\n{SVC}  - name: b\n    cdn: {{}}\n    origin_stacks: [a, c]\n{SVC}  - name: c\n{SVC}"
            ),
            "stacks[0]",
            "stack:dependency-cycle",
        ),
        (
            "database_unknown_engine",
            "stacks:\n  - name: app\n    vpc: {max_azs: 2}\n    database: {engine: oracle}\n".into(),
            "stacks[0].database.engine",
            "rds:engine-unknown",
        ),
        (
            "database_bad_instance_class",
            "stacks:\n  - name: app\n    vpc: {max_azs: 2}\n    database: {instance_class: t3.micro}\n".into(),
            "stacks[0].database.instance_class",
            "rds:instance-class-invalid",
        ),
        (
            "service_database_without_database",
            format!("stacks:\n  - name: app\n{SVC}        database: true\n"),
            "stacks[0].services.web.database",
            "service:database-missing",
        ),
        (
            "database_variable_given_twice",
            format!(
                "stacks:\n  - name: app\n    database: {{}}\n{SVC}        database: true\n        environment: {{DB_HOST: db.internal}}\n"
            ),
            "stacks[0].services.web.environment.DB_HOST",
            "service:database-variable-conflict",
        ),
        (
            "database_without_vpc",
            "stacks:\n  - name: app\n    database: {}\n".into(),
            "stacks[0].database",
            "app:vpc-missing",
        ),
        (
            "bastion_ssh_from_anywhere",
            "stacks:\n  - name: app\n    vpc: {max_azs: 2}\n    bastion: {ssh_cidr: 0.0.0.0/0, key_name: ops}\n".into(),
            "stacks[0].bastion.ssh_cidr",
            "ec2:bastion-ssh-open-to-world",
        ),
    ]
}

#[test]
fn invalid_issue4_fields_exit_2_located_and_write_nothing() {
    let cases = cases();
    support::assert_invalid_apps(cases.iter().map(|(n, b, f, c)| (*n, b.as_str(), *f, *c)));
}

#[test]
fn a_problem_of_a_multi_region_stack_is_reported_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = format!(
        "stacks:\n  - name: app\n    regions: [us-east-1, eu-west-1]\n{SVC}        canary: {{image: nginx:latest}}\n"
    );
    fs::write(dir.path().join("twice.yaml"), body).expect("write");
    let out = rcdk(dir.path(), &["synth", "twice.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = text(&out);
    assert_eq!(err.matches("[ecs:image-unpinned]").count(), 1, "{err}");
}

#[test]
fn a_bastion_with_a_narrow_cidr_or_the_override_synthesizes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = "stacks:\n  - name: app\n    vpc: {max_azs: 2}\n    bastion: {ssh_cidr: 0.0.0.0/0, allow_ssh_from_anywhere: true, key_name: ops}\n";
    fs::write(dir.path().join("open.yaml"), body).expect("write");
    let out = rcdk(dir.path(), &["synth", "open.yaml", "--stdout"]);
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(stdout.contains("BastionSecurityGroupSshIngress"), "{stdout}");
    assert!(stdout.contains("CidrIp: 0.0.0.0/0"), "{stdout}");
}

#[test]
fn multi_region_example_synthesizes_regional_stacks_before_the_cdn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = support::root().join("examples/multi-region-canary.yaml");
    let out = rcdk(dir.path(), &["synth", app.to_str().expect("utf-8 path"), "--out", "t"]);
    let (stdout, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let all = format!("{stdout}{err}");
    let written: Vec<&str> =
        all.lines().filter_map(|l| l.strip_prefix("wrote ")).map(|p| p.trim_start_matches("t/")).collect();
    // Deployment order, then the cloud assembly's manifest (renamed into place last).
    assert_eq!(written, ["web-us-east-1.yaml", "web-eu-west-1.yaml", "web-cdn.yaml", "manifest.json"]);
}
