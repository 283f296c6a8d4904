//! Issue 26's `rcdk destroy` (design B) on a real moto_server: it never
//! hangs on an ECS cluster's Auto Scaling group (it lifts the instances'
//! scale-in protection — without that, moto deletes the group and leaves the
//! protected instances running, the orphaned-instance symptom of
//! aws/containers-roadmap#2862), refuses a stack that a database's or load
//! balancer's deletion protection would leave half-deleted, with the
//! commands, lifts those protections with `--disable-deletion-protection`,
//! and lists what the DeletionPolicy keeps with its monthly cost class.
//!
//! moto 5.2.5 ignores the templates' `DeletionProtection` and
//! `LoadBalancerAttributes`, so the tests turn the protections on through
//! moto's RDS and ELBv2 APIs after the deploy; and it cannot delete route
//! tables or VPC gateway attachments, so the deletion itself may end with
//! AWS's `DependencyViolation` (exit 1), as in `Moto::destroy`.

#![cfg(feature = "aws")]

mod support;

use std::path::Path;

use support::moto::Moto;
use support::text;

const DB_APP: &str = "\
stacks:
  - name: dbs
    region: eu-west-1
    vpc: {cidr: 10.60.0.0/16, max_azs: 2, nat_gateways: 0}
    database: {engine: postgres}
";

const ECS_APP: &str = "\
stacks:
  - name: shop-del
    region: eu-west-1
    vpc: {cidr: 10.70.0.0/16, max_azs: 2, nat_gateways: 1}
    cluster: {instance_type: t3.small}
    repositories:
      del-web: {}
    services:
      web:
        image: {repository: del-web, tag: 1.0.0}
        container_port: 80
        memory_mib: 256
";

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn running_instances(moto: &Moto) -> usize {
    let (status, body) = moto.query(
        "ec2",
        "eu-west-1",
        "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&Filter.1.Value.1=running",
    );
    assert!(status.contains(" 200 "), "{status}\n{body}");
    body.matches("<instanceId>").count()
}

/// `destroy` exits 0, or 1 with moto's known VPC `DependencyViolation` only.
fn assert_deleted_or_moto_vpc_gap(code: Option<i32>, o: &str, e: &str, stack: &str) {
    match code {
        Some(0) => assert!(o.contains(&format!("{stack}: DELETE_COMPLETE")), "{o}"),
        Some(1) => assert!(e.contains("has dependencies and cannot be deleted. (DependencyViolation)"), "{o}\n{e}"),
        other => panic!("destroy exited {other:?}:\n{o}\n{e}"),
    }
}

fn write(dir: &Path, body: &str) {
    std::fs::write(dir.join("app.yaml"), body).expect("write app");
}

#[test]
fn a_protected_database_is_refused_then_unprotected_on_request() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), DB_APP);
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let db = moto.physical_id("eu-west-1", "dbs", "AWS::RDS::DBInstance");
    let (status, body) = moto.query(
        "rds",
        "eu-west-1",
        &format!("Action=ModifyDBInstance&Version=2014-10-31&DBInstanceIdentifier={db}&DeletionProtection=true&ApplyImmediately=true"),
    );
    assert!(status.contains(" 200 "), "{status}\n{body}");

    // Refused before anything is deleted, with the command and the flag.
    let out = moto.rcdk(dir.path(), &["destroy", "app.yaml", "--stack", "dbs", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}");
    assert!(
        e.contains(&format!(
            "error: stack `dbs`: database `{db}` has deletion protection: the deletion would fail on it"
        )),
        "{e}"
    );
    assert!(e.contains("resource: Database [rds:deletion-protection-blocks-destroy]"), "{e}");
    assert!(
        e.contains(&format!(
            "help: `aws rds modify-db-instance --db-instance-identifier {db} --no-deletion-protection --apply-immediately --region eu-west-1`, \
             or let rcdk do it: `rcdk destroy app.yaml --stack dbs --disable-deletion-protection`"
        )),
        "{e}"
    );
    assert!(
        e.contains("help: nothing was deleted; `rcdk explain rds:deletion-protection-blocks-destroy` says more"),
        "{e}"
    );
    let (_, stacks) =
        moto.query("cloudformation", "eu-west-1", "Action=DescribeStacks&Version=2010-05-15&StackName=dbs");
    assert!(stacks.contains("<StackStatus>CREATE_COMPLETE</StackStatus>"), "untouched: {stacks}");

    // With the flag: the protection is lifted (after the list of what is
    // kept), then the stack is deleted.
    let out =
        moto.rcdk(dir.path(), &["destroy", "app.yaml", "--stack", "dbs", "--yes", "--disable-deletion-protection"]);
    let (o, e) = text(&out);
    assert!(
        o.contains(&format!(
            "except 1 kept by its DeletionPolicy, which go on costing until you delete them:\n  Database (AWS::RDS::DBInstance {db}, Snapshot): a final snapshot: backup storage, per GB-month"
        )),
        "{o}"
    );
    assert!(e.contains(&format!("dbs: turning off the deletion protection of database `{db}`")), "{e}");
    assert_deleted_or_moto_vpc_gap(out.status.code(), &o, &e, "dbs");
    let (_, dbs) = moto.query("rds", "eu-west-1", "Action=DescribeDBInstances&Version=2014-10-31");
    assert!(!dbs.contains("<DeletionProtection>true</DeletionProtection>"), "{dbs}");
}

#[test]
fn an_ecs_stack_is_deleted_without_leaving_protected_instances() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), ECS_APP);
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--stage", "repositories", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    moto.push_image("eu-west-1", "del-web", "1.0.0");
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}\n{}", text(&out), moto.log());
    let instances = running_instances(&moto);
    assert!(instances > 0, "the cluster's instances run");

    // A load balancer with deletion protection: refused.
    let alb = moto.physical_id("eu-west-1", "shop-del", "AWS::ElasticLoadBalancingV2::LoadBalancer");
    let (status, body) = moto.query(
        "elasticloadbalancing",
        "eu-west-1",
        &format!(
            "Action=ModifyLoadBalancerAttributes&Version=2015-12-01&LoadBalancerArn={}&Attributes.member.1.Key=deletion_protection.enabled&Attributes.member.1.Value=true",
            encode(&alb)
        ),
    );
    assert!(status.contains(" 200 "), "{status}\n{body}");
    let out = moto.rcdk(dir.path(), &["destroy", "app.yaml", "--stack", "shop-del", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}");
    assert!(e.contains("has deletion protection: the deletion would fail on it (DELETE_FAILED)"), "{e}");
    assert!(e.contains("[elbv2:deletion-protection-blocks-destroy]"), "{e}");
    assert!(e.contains(&format!("aws elbv2 modify-load-balancer-attributes --load-balancer-arn {alb}")), "{e}");
    assert_eq!(running_instances(&moto), instances, "nothing deleted");

    // Lifted on request; the instances' scale-in protection is lifted too,
    // so deleting the Auto Scaling group terminates them.
    moto.delete_pushed_images();
    let out = moto
        .rcdk(dir.path(), &["destroy", "app.yaml", "--stack", "shop-del", "--yes", "--disable-deletion-protection"]);
    let (o, e) = text(&out);
    assert!(
        o.contains(
            "DelWebRepository (AWS::ECR::Repository del-web, RetainExceptOnCreate): image storage, per GB-month"
        ),
        "{o}"
    );
    assert!(
        o.contains("delete: aws ecr delete-repository --repository-name del-web --force --region eu-west-1"),
        "{o}"
    );
    assert!(e.contains("shop-del: turning off the deletion protection of load balancer"), "{e}");
    assert!(
        e.contains(&format!(
            "shop-del: removed scale-in protection from {instances} instance(s) of `shop-del/ClusterAutoScalingGroup`"
        )),
        "{e}"
    );
    assert_deleted_or_moto_vpc_gap(out.status.code(), &o, &e, "shop-del");
    assert_eq!(running_instances(&moto), 0, "no instance is left running:\n{e}");
}
