//! Stacks using the database, bastion host and CloudFront constructs pass
//! cfn-lint (pinned in `.venv`, or `$RCDK_TEST_VENV`) with no error and no
//! warning.

mod support;

use std::process::Command;

use rcdk_constructs::cfn::{Format, Parameter, ParameterType};
use rcdk_constructs::cloudfront::{
    Distribution, DistributionLoggingProps, DistributionOrigins, DistributionProps, OriginProtocol,
    OriginRequestPolicy, PriceClass,
};
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{BastionHost, BastionProps, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use rcdk_constructs::rds::{Database, DatabaseProps};
use serde_json::json;

/// Synthesizes `stacks` in both formats, writes them to a fresh temp dir and
/// runs cfn-lint over every file.
fn assert_lint_clean(build: impl Fn() -> Vec<Stack>) {
    let dir =
        std::env::temp_dir().join(format!("rcdk-data-lint-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut files = Vec::new();
    for format in [Format::Yaml, Format::Json] {
        let mut app = App::new();
        for s in build() {
            app.add_stack(s);
        }
        let stacks = app.synth(format).unwrap_or_else(|e| panic!("synth failed: {e}"));
        for s in stacks {
            let file = dir.join(s.file_name());
            std::fs::write(&file, &s.body).expect("write template");
            files.push(file);
        }
    }
    let out = Command::new(support::cfn_lint_binary()).args(&files).output().expect("cfn-lint runs");
    let _ = std::fs::remove_dir_all(&dir);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "cfn-lint found problems:\n{text}");
}

fn stack(name: &str) -> Stack {
    Stack::new(StackProps { name: name.into(), ..Default::default() }, FieldPath::root())
}

fn data_stack(db: DatabaseProps, bastion: BastionProps) -> Stack {
    let mut s = stack("orders");
    let root = s.root().clone();
    let vpc = Vpc::new(&mut s, &root.child("Vpc"), &VpcProps { max_azs: Some(2), ..Default::default() });
    let instances_path = s.root().child("Instances");
    let instances =
        SecurityGroup::new(&mut s, &instances_path, &vpc.vpc_id, &SecurityGroupProps::described("ECS instances"));
    let database = Database::new(&mut s, &root.child("Database"), &vpc, &db);
    database.allow_from(&mut s, "FromInstances", &instances.group_id);
    let bastion = BastionHost::new(&mut s, &root.child("Bastion"), &vpc, &bastion);
    bastion.allow_ssh_into(&mut s, &instances, "SshFromBastion");
    s
}

#[test]
fn postgres_database_and_ssm_only_bastion_pass_cfn_lint() {
    assert_lint_clean(|| vec![data_stack(DatabaseProps::default(), BastionProps::default())]);
}

#[test]
fn mysql_multi_az_database_and_ssh_bastion_pass_cfn_lint() {
    assert_lint_clean(|| {
        vec![data_stack(
            DatabaseProps {
                engine: Some("mysql".into()),
                instance_class: Some("db.m7g.large".into()),
                allocated_storage_gib: Some(100),
                max_allocated_storage_gib: Some(500),
                multi_az: Some(true),
                backup_retention_days: Some(14),
                log_exports: Some(vec!["error".into(), "general".into(), "slowquery".into()]),
                ..Default::default()
            },
            BastionProps {
                instance_type: Some("t4g.nano".into()),
                ssh_cidr: Some("203.0.113.0/24".into()),
                key_name: Some("ops".into()),
                ..Default::default()
            },
        )]
    });
}

fn global_stack(props: DistributionProps) -> Stack {
    let mut s = stack("global");
    let root = s.root().clone();
    let param = |d: &str| Parameter::new(ParameterType::String).description(d);
    let primary =
        s.add_parameter(&root, "PrimaryLoadBalancerDns", param("DNS name of the primary region's load balancer"));
    let secondary =
        s.add_parameter(&root, "SecondaryLoadBalancerDns", param("DNS name of the secondary region's load balancer"));
    Distribution::new(&mut s, &root.child("Cdn"), &DistributionOrigins::new(primary, secondary), &props);
    s
}

#[test]
fn default_cloudfront_distribution_passes_cfn_lint() {
    assert_lint_clean(|| vec![global_stack(DistributionProps::default())]);
}

#[test]
fn fully_configured_cloudfront_distribution_passes_cfn_lint() {
    assert_lint_clean(|| {
        vec![global_stack(DistributionProps {
            certificate_arn: Some(json!(
                "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-123456789012"
            )),
            aliases: vec!["www.example.com".into(), "example.com".into()],
            origin_protocol: Some(OriginProtocol::HttpsOnly),
            origin_request_policy: Some(OriginRequestPolicy::AllViewerExceptHostHeader),
            failover_status_codes: Some(vec![500, 502, 503, 504, 404]),
            origin_connection_timeout_seconds: Some(5),
            origin_connection_attempts: Some(2),
            write_path_patterns: vec!["/api/*".into(), "/login".into()],
            price_class: Some(PriceClass::PriceClass100),
            http3: Some(false),
            ipv6: Some(false),
            web_acl_arn: Some(json!(
                "arn:aws:wafv2:us-east-1:123456789012:global/webacl/app/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
            )),
            logging: Some(DistributionLoggingProps {
                bucket: "example-cdn-logs".into(),
                prefix: Some("cdn/".into()),
                include_cookies: Some(true),
            }),
            comment: Some("Global entry point".into()),
            domain: None,
            origin_lock: None,
            suppress: Default::default(),
        })]
    });
}
