//! `rcdk list` (issue 25, point 4): the app's stacks in deploy order with
//! account, region and dependencies, as text and JSON, without AWS.

mod support;

use support::{rcdk, root, text};

#[test]
fn the_multi_region_app_is_listed_in_deploy_order() {
    let out = rcdk(&root(), &["list", "examples/multi-region-canary.yaml"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{e}");
    assert_eq!(
        o,
        "NAME           ACCOUNT  REGION     DEPENDS ON\n\
         web-us-east-1  -        us-east-1  -\n\
         web-eu-west-1  -        eu-west-1  web-us-east-1\n\
         web-cdn        -        us-east-1  web-eu-west-1, web-us-east-1\n"
    );
    let out = rcdk(&root(), &["list", "examples/multi-region-canary.yaml", "--format", "json"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{e}");
    let json: serde_json::Value = serde_json::from_str(&o).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!([
            {"name": "web-us-east-1", "account": null, "region": "us-east-1", "dependsOn": []},
            {"name": "web-eu-west-1", "account": null, "region": "eu-west-1", "dependsOn": ["web-us-east-1"]},
            {"name": "web-cdn", "account": null, "region": "us-east-1", "dependsOn": ["web-eu-west-1", "web-us-east-1"]}
        ])
    );
}

#[test]
fn a_pinned_account_is_shown_and_a_bad_app_is_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("app.yaml"),
        "stacks:\n  - name: net\n    account: \"111111111111\"\n    region: eu-west-1\n    vpc: {cidr: 10.0.0.0/16}\n",
    )
    .expect("write");
    let out = rcdk(dir.path(), &["list"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{e}");
    assert_eq!(o, "NAME  ACCOUNT       REGION     DEPENDS ON\nnet   111111111111  eu-west-1  -\n");
    std::fs::write(dir.path().join("bad.yaml"), "stacks:\n  - name: net\n    vpc: {cidr: nope}\n").expect("write");
    let out = rcdk(dir.path(), &["list", "bad.yaml"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(e.contains("bad.yaml:3:17: stacks[0].vpc.cidr"), "{e}");
    assert!(o.is_empty(), "{o}");
}
