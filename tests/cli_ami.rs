//! The AMI a cluster runs is pinned in `rcdk.context.json` and moved by
//! `rcdk ami update`: synthesis reads the pin (offline) into the template,
//! the diff names the launch template and the instance refresh a new
//! release causes, and the update looks the recommended release up with
//! SSM GetParameter — on moto_server, whose SSM serves the ECS-optimized
//! AMI parameters of every region from data recorded from AWS (moto
//! 5.2.5, `moto/ssm/resources/ecs/optimized_amis/<region>.json.gz`),
//! including each release's own parameter.
//!
//! Parameter names: Amazon ECS Developer Guide, "Retrieving Amazon
//! ECS-optimized Linux AMI metadata"
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html>).

mod support;

use std::path::Path;

use rcdk_constructs::core::Context;
use serde_json::{json, Value};
use support::moto::Moto;
use support::{cfn_lint, rcdk, root, text};

const AL2023: &str = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
/// A release AWS published (aws/amazon-ecs-ami CHANGELOG, "20260918: al2, al2023 ami version: 20260918"),
/// the one the examples pin, older than what moto 5.2.5 recommends.
const SEPTEMBER_18: &str = "al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64";
/// The release before it (CHANGELOG "20260916").
const SEPTEMBER_16: &str = "al2023-ami-ecs-hvm-2023.0.20260916-kernel-6.1-x86_64";

const APP: &str = "stacks:
  - name: fleet
    region: eu-west-1
    vpc: {cidr: 10.40.0.0/16, max_azs: 2}
    cluster: {instance_type: t3.small, min_capacity: 1, max_capacity: 2}
";

fn write_context(dir: &Path, pins: &[(&str, &str)]) {
    let mut context = Context::default();
    for (region, release) in pins {
        context.pin_ami(region, AL2023, release);
    }
    std::fs::write(dir.join("rcdk.context.json"), context.to_json()).expect("write context");
}

fn read_context(dir: &Path) -> Context {
    Context::parse(&std::fs::read_to_string(dir.join("rcdk.context.json")).expect("read context")).expect("valid")
}

fn template(path: &Path) -> Value {
    rcdk_constructs::diff::parse_template(&std::fs::read_to_string(path).expect("read template")).expect("parses")
}

/// An SSM parameter's value as moto's SSM serves it.
fn ssm(moto: &Moto, region: &str, name: &str) -> String {
    let answer = moto.call("ssm", region, "AmazonSSM.GetParameter", &json!({"Name": name}));
    answer["Parameter"]["Value"].as_str().unwrap_or_else(|| panic!("{name} in {region}: {answer}")).to_owned()
}

fn release_parameter(release: &str) -> String {
    format!("/aws/service/ecs/optimized-ami/amazon-linux-2023/{release}/image_id")
}

/// The pin moves the launch template's AMI: a new release changes the
/// template's AMI parameter, which the diff follows to the launch template
/// (a new version) and to the Auto Scaling group, whose instance refresh
/// policy replaces the running instances (CloudFormation `UpdatePolicy`
/// attribute, `AutoScalingInstanceRefresh`; ECS managed draining on the
/// capacity provider moves the tasks first). Offline: no AWS call.
#[test]
fn a_new_release_changes_the_launch_template_and_the_diff_names_the_instance_refresh() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("app.yaml"), APP).expect("write app");
    write_context(d, &[("eu-west-1", SEPTEMBER_16)]);
    let out = rcdk(d, &["synth", "app.yaml", "--out", "old"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("ami-unpinned"), "a pinned cluster is not reported:\n{err}");
    write_context(d, &[("eu-west-1", SEPTEMBER_18)]);
    let out = rcdk(d, &["synth", "app.yaml", "--out", "new"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);

    let (old, new) = (template(&d.join("old/fleet.yaml")), template(&d.join("new/fleet.yaml")));
    assert_eq!(old["Parameters"]["ClusterAmiId"]["Default"], release_parameter(SEPTEMBER_16));
    assert_eq!(new["Parameters"]["ClusterAmiId"]["Default"], release_parameter(SEPTEMBER_18));
    assert_eq!(new["Parameters"]["ClusterAmiId"]["Type"], "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>");
    let lt = &new["Resources"]["ClusterLaunchTemplate"]["Properties"]["LaunchTemplateData"];
    assert_eq!(lt["ImageId"], json!({"Ref": "ClusterAmiId"}));
    let group = &new["Resources"]["ClusterAutoScalingGroup"];
    assert_eq!(
        group["Properties"]["LaunchTemplate"]["Version"],
        json!({"Fn::GetAtt": ["ClusterLaunchTemplate", "LatestVersionNumber"]})
    );
    assert_eq!(
        group["UpdatePolicy"],
        json!({"AutoScalingInstanceRefresh": {"Strategy": "Rolling", "Preferences": {
            "MinHealthyPercentage": 100, "MaxHealthyPercentage": 200, "InstanceWarmup": 300,
            "ScaleInProtectedInstances": "Refresh", "SkipMatching": true}}})
    );
    assert_eq!(
        new["Resources"]["ClusterCapacityProvider"]["Properties"]["AutoScalingGroupProvider"]["ManagedDraining"],
        "ENABLED"
    );
    let (code, lint) = cfn_lint(&[d.join("new/fleet.yaml")]);
    assert_eq!(code, 0, "cfn-lint:\n{lint}");

    let out = rcdk(d, &["diff", "old/fleet.yaml", "new/fleet.yaml"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{e}");
    assert!(
        o.contains(&format!(
            "~ parameter ClusterAmiId: default \"{}\" → \"{}\"",
            release_parameter(SEPTEMBER_16),
            release_parameter(SEPTEMBER_18)
        )),
        "{o}"
    );
    let line = |id: &str| o.lines().find(|l| l.contains(id)).unwrap_or_else(|| panic!("no {id} in:\n{o}")).to_owned();
    assert!(
        line("ClusterLaunchTemplate AWS::EC2::LaunchTemplate")
            .contains("because the default of parameter ClusterAmiId changes: Properties.LaunchTemplateData.ImageId"),
        "{o}"
    );
    assert!(
        line("ClusterAutoScalingGroup AWS::AutoScaling::AutoScalingGroup").contains(
            "CloudFormation starts an instance refresh that replaces its running instances, keeping 100 % to 200 % of the desired capacity in service"
        ),
        "{o}"
    );
    let json_out = rcdk(d, &["diff", "old/fleet.yaml", "new/fleet.yaml", "--format", "json"]);
    let report: Value = serde_json::from_slice(&json_out.stdout).expect("JSON");
    let ids: Vec<&str> = report["stacks"][0]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["logicalId"].as_str())
        .collect();
    assert_eq!(ids, ["ClusterAutoScalingGroup", "ClusterLaunchTemplate"], "{report}");
}

/// Without a pin the cluster reads the recommended AMI at every deploy, as
/// before: reported as a note at the launch template (rcdk's default, so no
/// warning), which says how to pin it.
#[test]
fn an_unpinned_cluster_is_a_note_never_silent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("app.yaml"), APP).expect("write app");
    let out = rcdk(d, &["synth", "app.yaml", "--deny-warnings"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("warning"), "{err}");
    let note = err.lines().find(|l| l.starts_with("note: ")).unwrap_or_else(|| panic!("no note:\n{err}"));
    assert!(
        note.starts_with("note: app.yaml:5:5: stacks[0].cluster: ClusterLaunchTemplate: instances launch from"),
        "{note}"
    );
    assert!(note.contains(&format!("`{AL2023}` recommends when a deploy runs")), "{note}");
    assert!(note.contains("`rcdk ami update` pins the recommended release"), "{note}");
    assert!(err.contains("[ecs:ami-unpinned]"), "{err}");
    assert_eq!(template(&d.join("templates/fleet.yaml"))["Parameters"]["ClusterAmiId"]["Default"], AL2023);
}

/// A context file rcdk cannot use is bad input: exit 2, located at its
/// line and column, nothing written and nothing called.
#[test]
fn a_bad_context_file_is_located_and_stops_everything() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("app.yaml"), APP).expect("write app");
    std::fs::write(
        d.join("rcdk.context.json"),
        format!("{{\n  \"amis\": {{\n    \"europe\": {{\"{AL2023}\": \"{SEPTEMBER_18}\"}}\n  }}\n}}\n"),
    )
    .expect("write context");
    for args in [&["synth", "app.yaml"][..], &["ami", "update", "app.yaml", "--endpoint-url", "http://127.0.0.1:9"][..]]
    {
        let out = rcdk(d, args);
        let (o, e) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains("rcdk.context.json:3:5: amis.europe: `europe` is not an AWS region name"), "{e}");
        assert!(e.contains("[app-file:context-invalid]"), "{e}");
        assert!(o.is_empty() && !d.join("templates").exists(), "{o}");
    }
    std::fs::write(d.join("rcdk.context.json"), "{\"amis\": {\"eu-west-1\": 3}}").expect("write context");
    let out = rcdk(d, &["synth", "app.yaml"]);
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("rcdk.context.json:1:") && e.contains("invalid type: integer `3`"), "{e}");
}

/// The monthly update on moto: `--dry-run --exit-code` prints each pin's
/// move with both releases' AMIs (as SSM resolves them in that region)
/// and exits 1 without writing; the update writes every pin to the release
/// SSM recommends; the templates then read it; a second update changes
/// nothing (exit 0 even with --exit-code).
#[test]
fn update_moves_every_pin_to_the_recommended_release_on_moto() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    for app in ["website.yaml", "multi-region-canary.yaml"] {
        std::fs::copy(root().join("examples").join(app), d.join(app)).expect("copy app");
    }
    std::fs::copy(root().join("examples/rcdk.context.json"), d.join("rcdk.context.json")).expect("copy context");
    let before = std::fs::read_to_string(d.join("rcdk.context.json")).expect("read");
    let apps = ["website.yaml", "multi-region-canary.yaml"];

    let regions = [("eu-west-1", "web-eu-west-1"), ("eu-west-2", "website-prod"), ("us-east-1", "web-us-east-1")];
    let recommended =
        |region: &str| ssm(&moto, region, "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_name");
    let mut args = vec!["ami", "update"];
    args.extend(apps);
    args.extend(["--dry-run", "--exit-code"]);
    let out = moto.rcdk(d, &args);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}\n{}", moto.log());
    assert!(e.contains("3 pin(s) would move (--exit-code)"), "{e}");
    for (region, stack) in regions {
        let new = recommended(region);
        assert_ne!(new, SEPTEMBER_18, "moto recommends a newer release than the examples pin");
        let line = format!(
            "  {region} amazon-linux-2023 ({stack}): {SEPTEMBER_18} ({}) → {new} ({})",
            ssm(&moto, region, &release_parameter(SEPTEMBER_18)),
            ssm(&moto, region, AL2023)
        );
        assert!(o.lines().any(|l| l == line), "no line `{line}` in:\n{o}");
    }
    assert_eq!(std::fs::read_to_string(d.join("rcdk.context.json")).expect("read"), before, "--dry-run writes nothing");

    let out = moto.rcdk(d, &args[..args.len() - 2]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(e.contains("wrote rcdk.context.json (3 pin(s) moved)"), "{e}");
    assert!(!e.contains("warning"), "{e}");
    let context = read_context(d);
    for (region, _) in regions {
        assert_eq!(context.ami_release(region, AL2023), Some(recommended(region).as_str()));
    }
    // Entries no app here reads stay as they were.
    assert_eq!(context.ami_release("eu-central-1", AL2023), Some(SEPTEMBER_18));

    let out = rcdk(d, &["synth", "website.yaml", "--out", "templates"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let t = template(&d.join("templates/website-prod.yaml"));
    assert_eq!(t["Parameters"]["ClusterAmiId"]["Default"], release_parameter(&recommended("eu-west-2")));

    let mut again = vec!["ami", "update"];
    again.extend(apps);
    again.push("--exit-code");
    let out = moto.rcdk(d, &again);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("unchanged") && e.contains("every pin is current"), "{o}\n{e}");
}

/// A stack without a region cannot be pinned, and says so; an app command
/// that does not hand its stacks the context it gets (`RCDK_CONTEXT`) is
/// named after the update, which wrote the pins all the same. On moto.
#[test]
fn unpinnable_stacks_and_apps_that_ignore_the_context_are_named_on_moto() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("app.yaml"), format!("{APP}  - name: roaming\n    vpc: {{max_azs: 2}}\n    cluster: {{}}\n"))
        .expect("write app");
    let out = moto.rcdk(d, &["ami", "update", "app.yaml"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(e.contains("note: stack `roaming` names no region, so its cluster's AMI cannot be pinned"), "{e}");
    assert!(o.contains("eu-west-1 amazon-linux-2023 (fleet): not pinned → al2023-ami-ecs-hvm-"), "{o}");
    assert!(read_context(d).ami_release("eu-west-1", AL2023).is_some());

    // A program that writes a fixed assembly, ignoring the context.
    std::fs::remove_file(d.join("rcdk.context.json")).expect("remove context");
    std::fs::write(d.join("app.yaml"), APP).expect("write app");
    let out = rcdk(d, &["synth", "app.yaml", "--out", "asm"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    std::fs::remove_file(d.join("app.yaml")).expect("remove app");
    let out = moto.rcdk(d, &["ami", "update", "--app", "cp asm/* \"$RCDK_OUTDIR\"/"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(e.contains("wrote rcdk.context.json (1 pin(s) moved)"), "{e}");
    assert!(
        e.contains("warning: stack `fleet` does not read the release pinned for eu-west-1 in rcdk.context.json: the app does not apply its context"),
        "{e}"
    );
}

/// A pinned cluster launches the pinned release: on moto, the deployed
/// launch template's AMI is the one the release's own SSM parameter names
/// in that region (CloudFormation resolves the SSM-typed parameter; moto
/// does so from its recorded data). moto 5.2.5 does not re-resolve a
/// parameter whose default changed when the resources' text did not, and
/// runs no instance refresh, so the move itself is shown by the template
/// and diff test above, not by a second deploy here.
#[test]
fn a_pinned_cluster_launches_the_pinned_release_on_moto() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("app.yaml"), APP).expect("write app");
    write_context(d, &[("eu-west-1", SEPTEMBER_18)]);
    let out = moto.rcdk(d, &["deploy", "app.yaml", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    assert!(o.contains("fleet: CREATE_COMPLETE"), "{o}");
    let lt = moto.physical_id("eu-west-1", "fleet", "AWS::EC2::LaunchTemplate");
    let (_, xml) = moto.query(
        "ec2",
        "eu-west-1",
        &format!("Action=DescribeLaunchTemplateVersions&Version=2016-11-15&LaunchTemplateId={lt}"),
    );
    let pinned = ssm(&moto, "eu-west-1", &release_parameter(SEPTEMBER_18));
    assert!(
        xml.contains(&format!("<imageId>{pinned}</imageId>")),
        "launch template {lt} does not run {pinned}:\n{xml}"
    );
    assert_ne!(pinned, ssm(&moto, "eu-west-1", AL2023), "the pinned release is not the recommended one");
}
