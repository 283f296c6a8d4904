//! `rcdk diff` renderings on realistic pull-request changes, derived from a
//! hand-written ECS-on-EC2 template (tests/fixtures/diff/todo-prod.yaml):
//! a service added, an instance type changed, a subnet CIDR changed, a
//! service renamed, a database removed. Each is snapshotted as text (no
//! colour), Markdown and JSON.

mod support;

use rcdk::diff::{render_json, render_markdown, render_text, Report, StackDiff};
use rcdk_constructs::diff::{parse_template, Change, Impact, TemplateDiff};
use serde_json::{json, Value};

macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

fn base_text() -> String {
    std::fs::read_to_string(support::root().join("tests/fixtures/diff/todo-prod.yaml")).expect("fixture")
}

fn base() -> Value {
    parse_template(&base_text()).expect("fixture parses")
}

fn resources(t: &mut Value) -> &mut serde_json::Map<String, Value> {
    t["Resources"].as_object_mut().expect("resources")
}

fn service_added() -> Value {
    let mut t = base();
    let r = resources(&mut t);
    r.insert("WorkerLogGroup".into(), json!({"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}}));
    r.insert(
        "WorkerTaskDefinition".into(),
        json!({"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "Family": "todo-prod-worker", "NetworkMode": "bridge", "RequiresCompatibilities": ["EC2"],
            "ContainerDefinitions": [{"Name": "worker", "Image": "ghcr.io/example/todo-worker:2.0.1", "Memory": 256,
                "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": {"Ref": "WorkerLogGroup"},
                    "awslogs-region": {"Ref": "AWS::Region"}, "awslogs-stream-prefix": "worker"}}}]}}),
    );
    r.insert(
        "WorkerService".into(),
        json!({"Type": "AWS::ECS::Service", "Properties": {"Cluster": {"Ref": "Cluster"},
            "TaskDefinition": {"Ref": "WorkerTaskDefinition"}, "DesiredCount": 1, "LaunchType": "EC2",
            "DeploymentConfiguration": {"DeploymentCircuitBreaker": {"Enable": true, "Rollback": true}}}}),
    );
    t
}

fn instance_type_changed() -> Value {
    let mut t = base();
    t["Resources"]["ClusterLaunchTemplate"]["Properties"]["LaunchTemplateData"]["InstanceType"] = json!("m6i.large");
    t
}

fn subnet_cidr_changed() -> Value {
    let mut t = base();
    t["Resources"]["VpcPrivateSubnet2"]["Properties"]["CidrBlock"] = json!("10.0.48.0/20");
    t
}

fn service_renamed() -> Value {
    let mut text = base_text();
    for id in ["ApiLogGroup", "ApiTargetGroup", "ApiListenerRule", "ApiTaskDefinition", "ApiService"] {
        text = text.replace(id, &format!("Todo{id}"));
    }
    parse_template(&text).expect("renamed fixture parses")
}

fn database_removed() -> Value {
    let mut t = base();
    let r = resources(&mut t);
    for id in ["Database", "DatabaseSubnetGroup", "DatabaseSecret"] {
        r.remove(id);
    }
    t["Outputs"].as_object_mut().expect("outputs").remove("DatabaseEndpoint");
    t
}

fn report(new: &Value) -> Report {
    let old = base();
    Report::new(
        "templates/".into(),
        vec![StackDiff::new("todo-prod", Some(("templates/todo-prod.yaml".into(), &old)), new)],
    )
}

fn snapshot_all(name: &str, new: &Value) -> TemplateDiff {
    let r = report(new);
    snapshot!(format!("diff_{name}_text"), render_text(&r, false));
    snapshot!(format!("diff_{name}_markdown"), render_markdown(&r));
    snapshot!(format!("diff_{name}_json"), render_json(&r).expect("json"));
    r.stacks[0].diff.clone()
}

fn entry<'a>(d: &'a TemplateDiff, id: &str) -> &'a rcdk_constructs::diff::ResourceChange {
    d.resources.iter().find(|r| r.logical_id == id).unwrap_or_else(|| panic!("{id} not in diff: {d:#?}"))
}

#[test]
fn fixture_passes_cfn_lint() {
    let (code, out) = support::cfn_lint(&[support::root().join("tests/fixtures/diff/todo-prod.yaml")]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_service_added() {
    let d = snapshot_all("service_added", &service_added());
    assert_eq!(d.resources.len(), 3);
    assert!(d.resources.iter().all(|r| r.change == Change::Added && !r.dangerous));
}

#[test]
fn an_instance_type_changed_is_an_update_in_place() {
    let d = snapshot_all("instance_type", &instance_type_changed());
    assert_eq!(d.resources.len(), 2, "{d:#?}");
    // A new launch template version: the Auto Scaling group reading LatestVersionNumber is updated.
    let asg = entry(&d, "ClusterAutoScalingGroup");
    assert_eq!(asg.impact, Some(Impact::Update));
    assert_eq!(asg.consequence_of, vec!["ClusterLaunchTemplate".to_owned()]);
    assert_eq!(asg.changes[0].path, "Properties.LaunchTemplate.Version");
    let lt = entry(&d, "ClusterLaunchTemplate");
    assert_eq!(lt.impact, Some(Impact::Update));
    assert_eq!(lt.changes[0].path, "Properties.LaunchTemplateData.InstanceType");
    assert_eq!(lt.changes[0].old, Some(json!("t3.medium")));
    assert_eq!(lt.changes[0].new, Some(json!("m6i.large")));
}

#[test]
fn a_subnet_cidr_changed_replaces_the_subnet_and_what_is_pinned_to_it() {
    let d = snapshot_all("subnet_cidr", &subnet_cidr_changed());
    let subnet = entry(&d, "VpcPrivateSubnet2");
    assert_eq!(subnet.impact, Some(Impact::Replace));
    assert_eq!(subnet.changes[0].reason, "`CidrBlock` is create-only");
    // The association cannot be updated: a new subnet ID replaces it.
    let assoc = entry(&d, "VpcPrivateSubnet2RouteTableAssociation");
    assert_eq!(assoc.impact, Some(Impact::Replace));
    assert_eq!(assoc.changes[0].caused_by.as_deref(), Some("VpcPrivateSubnet2"));
    // The load balancer's subnet list is updated in place; the ASG is kept ("Some interruptions":
    // its instances move to the new subnet).
    assert_eq!(entry(&d, "LoadBalancer").impact, Some(Impact::Update));
    assert_eq!(entry(&d, "ClusterAutoScalingGroup").impact, Some(Impact::Update));
    // Root cause first, its consequences under it.
    let groups = d.groups();
    assert_eq!(groups.len(), 1);
    assert!(
        matches!(groups[0].root, rcdk_constructs::diff::GroupRoot::Resource(r) if r.logical_id == "VpcPrivateSubnet2")
    );
    assert_eq!(groups[0].consequences.len(), 4);
    // The DB subnet group is updated in place, so the database is untouched.
    assert!(d.resources.iter().all(|r| r.logical_id != "Database"));
}

#[test]
fn a_service_renamed_is_a_replacement_caused_by_a_rename() {
    let d = snapshot_all("service_renamed", &service_renamed());
    assert!(d.resources.iter().all(|r| r.change != Change::Added && r.change != Change::Removed), "{d:#?}");
    let svc = entry(&d, "TodoApiService");
    assert_eq!(svc.change, Change::Renamed);
    assert_eq!(svc.renamed_from.as_deref(), Some("ApiService"));
    assert_eq!(svc.impact, Some(Impact::Replace));
    assert!(svc.notes[0].contains("replacement caused by a rename"));
    // Renaming moves the log group and target group too: both are dangerous.
    assert!(entry(&d, "TodoApiLogGroup").dangerous);
    assert!(entry(&d, "TodoApiTargetGroup").dangerous);
    assert!(!svc.dangerous);
}

#[test]
fn a_database_removed_is_dangerous() {
    let d = snapshot_all("database_removed", &database_removed());
    let db = entry(&d, "Database");
    assert_eq!(db.change, Change::Removed);
    assert!(db.dangerous);
    assert!(db.notes[0].contains("DeletionPolicy Snapshot"), "{:?}", db.notes);
    assert!(entry(&d, "DatabaseSecret").dangerous);
    assert!(!entry(&d, "DatabaseSubnetGroup").dangerous);
    assert_eq!(d.outputs[0].name, "DatabaseEndpoint");
    assert_eq!(d.outputs[0].change, Change::Removed);
}

#[test]
fn text_is_coloured_only_when_asked() {
    let r = report(&subnet_cidr_changed());
    assert!(!render_text(&r, false).contains('\u{1b}'));
    assert!(render_text(&r, true).contains('\u{1b}'));
}
