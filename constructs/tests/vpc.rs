//! Snapshot tests of the VPC construct's variants. Snapshots live in the
//! workspace's `snapshots/` folder.

#[macro_use]
mod support;

use rcdk_constructs::app::{AppProps, StackSpec};
use rcdk_constructs::cfn::Format;
use rcdk_constructs::ec2::{FlowLogsProps, NetworkAclsProps, TrafficType, VpcProps};

fn synth(vpc: VpcProps) -> String {
    let app = AppProps {
        stacks: vec![StackSpec { name: "net".into(), vpc: Some(vpc), ..Default::default() }],
        ..Default::default()
    };
    let stacks = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    stacks[0].body.clone()
}

fn errors(vpc: VpcProps) -> Vec<(String, String)> {
    let app = AppProps {
        stacks: vec![StackSpec { name: "net".into(), vpc: Some(vpc), ..Default::default() }],
        ..Default::default()
    };
    match app.synth(Format::Yaml) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.0.iter().map(|e| (e.code.to_string(), e.field.to_string())).collect(),
    }
}

fn count(body: &str, resource_type: &str) -> usize {
    body.matches(&format!("Type: {resource_type}\n")).count()
}

#[test]
fn one_az_without_nat() {
    let body = synth(VpcProps { max_azs: Some(1), nat_gateways: Some(0), ..Default::default() });
    assert_eq!(count(&body, "AWS::EC2::Subnet"), 2);
    assert_eq!(count(&body, "AWS::EC2::NatGateway"), 0);
    assert!(!body.contains("VpcPrivateSubnet1DefaultRoute"), "no NAT, so no private default route");
    snapshot!("vpc_1az_no_nat", body);
}

#[test]
fn three_azs_one_nat() {
    let body = synth(VpcProps { nat_gateways: Some(1), ..Default::default() });
    assert_eq!(count(&body, "AWS::EC2::Subnet"), 6);
    assert_eq!(count(&body, "AWS::EC2::NatGateway"), 1);
    // Every private subnet routes to the single NAT gateway.
    assert_eq!(body.matches("Ref: VpcPublicSubnet1NatGateway").count(), 3);
    snapshot!("vpc_3az_1nat", body);
}

#[test]
fn three_azs_three_nats() {
    let body = synth(VpcProps { nat_gateways: Some(3), ..Default::default() });
    // One NAT gateway per zone is also the default, as in the AWS CDK.
    assert_eq!(synth(VpcProps::default()), body);
    assert_eq!(count(&body, "AWS::EC2::NatGateway"), 3);
    for i in 1..=3 {
        assert_eq!(
            body.matches(&format!("Ref: VpcPublicSubnet{i}NatGateway")).count(),
            1,
            "AZ {i} routes to its own NAT"
        );
    }
    snapshot!("vpc_3az_3nat", body);
}

#[test]
fn network_acls_on() {
    let body =
        synth(VpcProps { max_azs: Some(2), network_acls: Some(NetworkAclsProps::default()), ..Default::default() });
    assert_eq!(count(&body, "AWS::EC2::NetworkAcl"), 2);
    assert_eq!(count(&body, "AWS::EC2::SubnetNetworkAclAssociation"), 4);
    snapshot!("vpc_nacls", body);
}

#[test]
fn flow_logs_on() {
    let body = synth(VpcProps {
        max_azs: Some(2),
        flow_logs: Some(FlowLogsProps {
            retention_days: Some(90),
            traffic_type: Some(TrafficType::Reject),
            delete_on_removal: None,
            encrypted: None,
        }),
        ..Default::default()
    });
    assert!(body.contains("RetentionInDays: 90"));
    assert!(body.contains("TrafficType: REJECT"));
    snapshot!("vpc_flow_logs", body);
}

#[test]
fn explicit_az_names() {
    let body = synth(VpcProps {
        availability_zones: Some(vec!["eu-west-1a".into(), "eu-west-1b".into()]),
        ..Default::default()
    });
    assert!(body.contains("AvailabilityZone: eu-west-1a"));
    assert!(!body.contains("Fn::GetAZs"));
    snapshot!("vpc_explicit_azs", body);
}

#[test]
fn adding_an_az_changes_no_existing_logical_id_or_cidr() {
    let two = synth(VpcProps { max_azs: Some(2), ..Default::default() });
    let three = synth(VpcProps { max_azs: Some(3), ..Default::default() });
    for line in two.lines().filter(|l| l.starts_with("  ") && !l.starts_with("   ")) {
        assert!(three.contains(line), "logical ID line `{line}` disappeared");
    }
    for cidr in ["10.0.0.0/24", "10.0.1.0/24", "10.0.16.0/20", "10.0.32.0/20"] {
        assert!(three.contains(cidr) && two.contains(cidr), "{cidr}");
    }
}

#[test]
fn invalid_props_are_all_reported_with_fields() {
    let errs = errors(VpcProps {
        cidr: Some("10.0.0.1/16".into()),
        max_azs: Some(7),
        nat_gateways: Some(9),
        private_subnet_prefix: Some(14),
        ..Default::default()
    });
    let codes: Vec<&str> = errs.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["vpc:cidr-invalid", "vpc:az-count", "vpc:nat-count", "vpc:subnet-prefix-invalid"]);
    assert_eq!(errs[0].1, "stacks[0].vpc.cidr");
    assert_eq!(errs[3].1, "stacks[0].vpc.private_subnet_prefix");
}

#[test]
fn overlapping_and_outside_subnets_are_rejected() {
    let errs = errors(VpcProps {
        cidr: Some("10.1.0.0/16".into()),
        max_azs: Some(2),
        public_subnet_cidrs: Some(vec!["10.1.0.0/24".into(), "10.1.0.128/25".into()]),
        private_subnet_cidrs: Some(vec!["10.2.0.0/20".into(), "10.1.16.0/20".into()]),
        ..Default::default()
    });
    assert!(errs.contains(&("vpc:subnet-overlap".into(), "stacks[0].vpc.public_subnet_cidrs[1]".into())), "{errs:?}");
    assert!(
        errs.contains(&("vpc:subnet-outside-vpc".into(), "stacks[0].vpc.private_subnet_cidrs[0]".into())),
        "{errs:?}"
    );
}

#[test]
fn subnets_that_do_not_fit_are_rejected() {
    let errs = errors(VpcProps {
        cidr: Some("10.0.0.0/24".into()),
        public_subnet_prefix: Some(26),
        private_subnet_prefix: Some(24),
        ..Default::default()
    });
    assert_eq!(errs, [("vpc:subnet-no-space".to_owned(), "stacks[0].vpc.private_subnet_prefix".to_owned())]);
}

#[test]
fn synthesis_is_deterministic() {
    let props = VpcProps {
        nat_gateways: Some(2),
        network_acls: Some(NetworkAclsProps::default()),
        flow_logs: Some(FlowLogsProps::default()),
        ..Default::default()
    };
    assert_eq!(synth(props.clone()), synth(props));
}
