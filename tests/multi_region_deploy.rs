//! The multi-region app's deploy order and how the CDN stack's inputs are
//! fed, with `rcdk::deploy::plan::targets` and against moto_server.
//!
//! moto 5.2.5 returns no outputs after executing a CREATE change set
//! (DESIGN.md), so a full `rcdk deploy` on moto stops at the CDN stack with
//! the message a user would see when a producer stack lacks an output; the
//! CDN stack is then deployed with its inputs given as `--parameter`. moto
//! also skips `AWS::CloudFront::Distribution` (it logs "not supported"), so
//! the distribution itself is checked by cfn-lint and snapshots, not here.

#![cfg(feature = "aws")]

mod support;

use std::fs;

use std::path::Path;

use rcdk::deploy::plan;
use rcdk::deploy::plan::Target;
use rcdk::failure::Failure;
use rcdk::stacks::stack_source;
use support::moto::Moto;
use support::{root, text};

fn targets(app: &Path, selected: &[String], flags: &[String]) -> Result<Vec<Target>, Failure> {
    let source = stack_source(app);
    plan::targets(source.stacks()?, &source.label(), selected, flags)
}

#[test]
fn regional_stacks_deploy_before_the_cdn_whatever_the_file_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = dir.path().join("app.yaml");
    let svc = "    vpc: {max_azs: 2}\n    services:\n      web:\n        image: nginx:1.27.0\n";
    fs::write(
        &app,
        format!(
            "stacks:\n  - name: cdn\n    cdn: {{}}\n    origin_stacks: [web-eu, web-us]\n  - name: web-us\n    region: us-east-1\n{svc}  - name: web-eu\n    region: eu-west-1\n{svc}"
        ),
    )
    .expect("write");
    let t = targets(&app, &[], &[]).expect("valid app");
    let names: Vec<&str> = t.iter().map(|t| t.stack.name.as_str()).collect();
    // The primary origin (web-eu) creates the CDN lock's secret, replicated
    // to the other regions: it deploys first, then the secondary, then the CDN.
    assert_eq!(names, ["web-eu", "web-us", "cdn"]);
    let cdn = &t[2];
    assert_eq!(cdn.stack.depends_on, ["web-eu", "web-us"]);
    assert_eq!(cdn.producers.get("web-eu"), Some(&Some("eu-west-1".to_owned())));
    assert_eq!(cdn.producers.get("web-us"), Some(&Some("us-east-1".to_owned())));
    let fed: Vec<(&str, &str, &str)> =
        cdn.stack.inputs.iter().map(|i| (i.parameter.as_str(), i.stack.as_str(), i.output.as_str())).collect();
    assert_eq!(
        fed,
        [
            ("PrimaryOriginDomainName", "web-eu", "LoadBalancerDnsName"),
            ("SecondaryOriginDomainName", "web-us", "LoadBalancerDnsName")
        ]
    );
    assert!(cdn.parameters.is_empty(), "inputs are fed at deploy time, not from the app file");
}

#[test]
fn example_targets_carry_regions_and_the_canary_override() {
    let app = root().join("examples/multi-region-canary.yaml");
    let t = targets(&app, &[], &["WebCanaryPercent=20".into()]).expect("valid app");
    let names: Vec<(&str, Option<&str>)> =
        t.iter().map(|t| (t.stack.name.as_str(), t.stack.region.as_deref())).collect();
    assert_eq!(
        names,
        [("web-us-east-1", Some("us-east-1")), ("web-eu-west-1", Some("eu-west-1")), ("web-cdn", Some("us-east-1"))]
    );
    for regional in &t[..2] {
        assert_eq!(regional.parameters.get("WebCanaryPercent").map(String::as_str), Some("20"));
    }
    assert!(!t[2].parameters.contains_key("WebCanaryPercent"));

    let err = targets(&app, &[], &["WebCanaryPercent=150".into()]).expect_err("out of range");
    assert_eq!(err.exit, 2);
    assert!(err.message.contains("parameter `WebCanaryPercent` = `150`: outside 0 to 100"), "{}", err.message);
}

#[test]
fn multi_region_example_on_moto() {
    let moto = Moto::start();
    // Without the stack tags: moto cannot create a tagged KMS key (the alarm
    // topic's), see `Moto::without_stack_tags`.
    let copy = tempfile::tempdir().expect("temp dir");
    let app = Moto::without_stack_tags(&root().join("examples/multi-region-canary.yaml"), copy.path());
    let app = app.to_str().expect("utf-8 path");

    // The regional stacks, the canary at 20 %.
    let out = moto.rcdk(
        &root(),
        &[
            "deploy",
            app,
            "--stack",
            "web-us-east-1",
            "--stack",
            "web-eu-west-1",
            "--yes",
            "--parameter",
            "WebCanaryPercent=20",
        ],
    );
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    // Independent of each other, the two regional stacks deploy concurrently.
    assert!(o.contains("web-us-east-1: CREATE_COMPLETE"), "{o}");
    assert!(o.contains("web-eu-west-1: CREATE_COMPLETE"), "{o}");
    assert!(o.contains("WebCanaryService") && o.contains("WebCanaryTargetGroup"), "{o}");

    // The same percent again is no change; another percent is a change set without re-synthesizing.
    let out = moto.rcdk(
        &root(),
        &["deploy", app, "--stack", "web-us-east-1", "--no-execute", "--parameter", "WebCanaryPercent=20"],
    );
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("web-us-east-1: no changes"), "{o}");
    let out = moto.rcdk(
        &root(),
        &["deploy", app, "--stack", "web-us-east-1", "--no-execute", "--parameter", "WebCanaryPercent=50"],
    );
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("kept for review"), "a parameter change is a change set:\n{o}");

    // moto reports no outputs after CREATE: the CDN stack's inputs cannot be fed.
    let out = moto.rcdk(&root(), &["deploy", app, "--yes"]);
    let (o, e) = text(&out);
    assert_ne!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(
        e.contains("stack `web-cdn` needs output `LoadBalancerDnsName` of stack `web-us-east-1` for its parameter `PrimaryOriginDomainName`"),
        "{o}\n{e}"
    );
    assert!(!o.contains("web-cdn: CREATE_COMPLETE"), "{o}");

    // Given as parameters, the CDN stack deploys, without its `domain:`:
    // moto 5.2.5 skips CloudFront distributions and has no ACM certificates
    // in CloudFormation, so the alias records' `Fn::GetAtt Cdn.DomainName`
    // would fail the execution (README, "Deploying"). Real CloudFormation
    // takes the example as it is.
    let original = std::fs::read_to_string(root().join("examples/multi-region-canary.yaml")).expect("read example");
    let domain = "      domain:                    # certificate (us-east-1, in the CDN stack), alias and A/AAAA records\n        name: www.example.com\n        hosted_zone_id: Z1R8UBAEXAMPLE   # the public Route 53 zone example.com\n";
    let without_domain = original.replace(domain, "");
    assert_ne!(without_domain, original, "the example's cdn.domain block moved; update this test");
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("multi-region-canary.yaml");
    std::fs::write(&copy, without_domain).expect("write copy");
    let copy = Moto::without_stack_tags(&copy, &dir.path().join("untagged"));
    let out = moto.rcdk(
        &root(),
        &[
            "deploy",
            copy.to_str().expect("utf-8 path"),
            "--stack",
            "web-cdn",
            "--yes",
            "--parameter",
            "PrimaryOriginDomainName=primary-123.us-east-1.elb.amazonaws.com",
            "--parameter",
            "SecondaryOriginDomainName=secondary-456.eu-west-1.elb.amazonaws.com",
        ],
    );
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("+ Add  Cdn  AWS::CloudFront::Distribution"), "{o}");
    assert!(o.contains("web-cdn: CREATE_COMPLETE"), "{o}");
}
