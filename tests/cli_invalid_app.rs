//! Invalid app files for the foundation's fields (stacks, VPC, subnets, NAT,
//! network ACLs, flow logs, YAML itself): `rcdk synth` exits 2, prints each
//! problem at `file:line:column: field.path` with its stable code, and writes
//! nothing.

mod support;

use std::fs;

use support::{rcdk, text};

/// (name, the app file, the field path expected, the code expected).
const CASES: &[(&str, &str, &str, &str)] = &[
    ("yaml_syntax", "stacks:\n  - name: a\n   vpc: {}\n", "stacks", "app-file:yaml-syntax"),
    ("unknown_field", "stacks:\n  - name: a\n    vpc:\n      cidrr: 10.0.0.0/16\n", "stacks[0].vpc.cidrr", "app-file:schema"),
    ("wrong_type", "stacks:\n  - name: a\n    vpc:\n      max_azs: three\n", "stacks[0].vpc.max_azs", "app-file:schema"),
    ("unknown_enum", "stacks:\n  - name: a\n    vpc:\n      flow_logs: {traffic_type: SOME}\n", "stacks[0].vpc.flow_logs.traffic_type", "app-file:schema"),
    ("missing_name", "stacks:\n  - vpc: {}\n", "stacks[0]", "app-file:schema"),
    ("no_stacks", "stacks: []\n", "stacks", "app:empty"),
    ("empty_stack", "stacks:\n  - name: a\n", "stacks[0]", "cfn:template-empty"),
    ("stack_name", "stacks:\n  - name: 1-bad_name\n    vpc: {}\n", "stacks[0].name", "stack:name-invalid"),
    ("region", "stacks:\n  - name: a\n    region: Europe\n    vpc: {}\n", "stacks[0].region", "stack:region-invalid"),
    ("account", "stacks:\n  - name: a\n    account: '1234'\n    vpc: {}\n", "stacks[0].account", "stack:account-invalid"),
    (
        "deploy_role_arn",
        "stacks:\n  - name: a\n    deploy_role_arn: role/deploy\n    vpc: {}\n",
        "stacks[0].deploy_role_arn",
        "stack:deploy-role-arn-invalid",
    ),
    (
        "cloudformation_role_arn",
        "stacks:\n  - name: a\n    cloudformation_role_arn: 'arn:aws:iam::123456789012:user/x'\n    vpc: {}\n",
        "stacks[0].cloudformation_role_arn",
        "stack:cloudformation-role-arn-invalid",
    ),
    (
        "role_account",
        "stacks:\n  - name: a\n    account: '111111111111'\n    deploy_role_arn: 'arn:aws:iam::222222222222:role/d'\n    vpc: {}\n",
        "stacks[0].deploy_role_arn",
        "stack:role-account-mismatch",
    ),
    ("duplicate_stack", "stacks:\n  - name: a\n    vpc: {}\n  - name: a\n    vpc: {}\n", "stacks[1].name", "stack:name-duplicate"),
    ("malformed_cidr", "stacks:\n  - name: a\n    vpc:\n      cidr: 10.0.0/16\n", "stacks[0].vpc.cidr", "vpc:cidr-invalid"),
    ("host_bits_cidr", "stacks:\n  - name: a\n    vpc:\n      cidr: 10.0.0.1/16\n", "stacks[0].vpc.cidr", "vpc:cidr-invalid"),
    ("cidr_too_big", "stacks:\n  - name: a\n    vpc:\n      cidr: 10.0.0.0/8\n", "stacks[0].vpc.cidr", "vpc:cidr-size"),
    ("too_many_azs", "stacks:\n  - name: a\n    vpc:\n      max_azs: 7\n", "stacks[0].vpc.max_azs", "vpc:az-count"),
    ("nat_above_azs", "stacks:\n  - name: a\n    vpc:\n      max_azs: 2\n      nat_gateways: 3\n", "stacks[0].vpc.nat_gateways", "vpc:nat-count"),
    (
        "az_count_conflict",
        "stacks:\n  - name: a\n    vpc:\n      max_azs: 3\n      availability_zones: [eu-west-1a, eu-west-1b]\n",
        "stacks[0].vpc.max_azs",
        "vpc:az-conflict",
    ),
    (
        "az_duplicate",
        "stacks:\n  - name: a\n    vpc:\n      availability_zones: [eu-west-1a, eu-west-1a]\n",
        "stacks[0].vpc.availability_zones[1]",
        "vpc:az-duplicate",
    ),
    ("az_name", "stacks:\n  - name: a\n    vpc:\n      availability_zones: [west]\n", "stacks[0].vpc.availability_zones[0]", "vpc:az-invalid"),
    (
        "overlapping_subnets",
        "stacks:\n  - name: a\n    vpc:\n      max_azs: 2\n      public_subnet_cidrs: [10.0.0.0/24, 10.0.0.128/25]\n",
        "stacks[0].vpc.public_subnet_cidrs[1]",
        "vpc:subnet-overlap",
    ),
    (
        "subnet_outside_vpc",
        "stacks:\n  - name: a\n    vpc:\n      max_azs: 1\n      private_subnet_cidrs: [10.1.0.0/20]\n",
        "stacks[0].vpc.private_subnet_cidrs[0]",
        "vpc:subnet-outside-vpc",
    ),
    (
        "subnet_count",
        "stacks:\n  - name: a\n    vpc:\n      max_azs: 2\n      public_subnet_cidrs: [10.0.0.0/24]\n",
        "stacks[0].vpc.public_subnet_cidrs",
        "vpc:subnet-count",
    ),
    (
        "subnets_do_not_fit",
        "stacks:\n  - name: a\n    vpc:\n      cidr: 10.0.0.0/22\n      private_subnet_prefix: 22\n",
        "stacks[0].vpc.private_subnet_prefix",
        "vpc:subnet-no-space",
    ),
    (
        "nacl_duplicate_rule",
        "stacks:\n  - name: a\n    vpc:\n      network_acls:\n        private_outbound:\n          - {rule_number: 100, protocol: all}\n          - {rule_number: 100, protocol: all}\n",
        "stacks[0].vpc.network_acls.private_outbound[1].rule_number",
        "vpc:nacl-rule-duplicate",
    ),
    (
        "nacl_port_missing",
        "stacks:\n  - name: a\n    vpc:\n      network_acls:\n        public_inbound:\n          - {rule_number: 100, protocol: tcp}\n",
        "stacks[0].vpc.network_acls.public_inbound[0].from_port",
        "vpc:nacl-port-missing",
    ),
    (
        "nacl_rule_number",
        "stacks:\n  - name: a\n    vpc:\n      network_acls:\n        public_inbound:\n          - {rule_number: 40000, protocol: all}\n",
        "stacks[0].vpc.network_acls.public_inbound[0].rule_number",
        "vpc:nacl-rule-number",
    ),
    (
        "flow_log_retention",
        "stacks:\n  - name: a\n    vpc:\n      flow_logs: {retention_days: 10}\n",
        "stacks[0].vpc.flow_logs.retention_days",
        "logs:retention-invalid",
    ),
    (
        "access_logs_without_region",
        "stacks:\n  - name: a\n    vpc: {max_azs: 2}\n    load_balancer:\n      access_logs: true\n    services:\n      web: {image: 'nginx:1.27.0'}\n",
        "stacks[0].load_balancer.access_logs",
        "elbv2:access-logs-need-region",
    ),
    (
        "access_logs_prefix_awslogs",
        "stacks:\n  - name: a\n    region: eu-west-1\n    vpc: {max_azs: 2}\n    load_balancer:\n      access_logs_prefix: AWSLogs/web\n    services:\n      web: {image: 'nginx:1.27.0'}\n",
        "stacks[0].load_balancer.access_logs_prefix",
        "elbv2:access-logs-prefix-invalid",
    ),
    (
        "egress_in_bridge_mode",
        "stacks:\n  - name: a\n    vpc: {max_azs: 2}\n    services:\n      web: {image: 'nginx:1.27.0', egress: connected}\n",
        "stacks[0].services.web.egress",
        "ecs:egress-needs-awsvpc",
    ),
    (
        "cluster_key_name",
        "stacks:\n  - name: a\n    vpc: {max_azs: 2}\n    cluster:\n      key_name: ''\n    services:\n      web: {image: 'nginx:1.27.0'}\n",
        "stacks[0].cluster.key_name",
        "ec2:key-name-invalid",
    ),
    (
        "domain_without_zone",
        "stacks:\n  - name: a\n    vpc: {max_azs: 2}\n    load_balancer:\n      domain: {name: api.example.com}\n    services:\n      web: {image: 'nginx:1.27.0'}\n",
        "stacks[0].load_balancer.domain.hosted_zone_id",
        "acm:domain-zone-missing",
    ),
    (
        "domain_zone_and_external_dns",
        "stacks:\n  - name: a\n    vpc: {max_azs: 2}\n    load_balancer:\n      domain: {name: api.example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ, external_dns: true}\n    services:\n      web: {image: 'nginx:1.27.0'}\n",
        "stacks[0].load_balancer.domain.external_dns",
        "acm:domain-zone-conflict",
    ),
    (
        "logical_id_collision",
        "stacks:\n  - name: a\n    vpc: {max_azs: 2}\n    services:\n      web-api: {image: 'nginx:1.27.0'}\n      web_api: {image: 'nginx:1.27.0'}\n",
        "stacks[0].services.web_api",
        "cfn:logical-id-collision",
    ),
];

#[test]
fn each_invalid_app_file_exits_2_located_and_writes_nothing() {
    assert!(CASES.len() >= 15);
    support::assert_invalid_apps(CASES.iter().copied());
}

#[test]
fn positions_point_at_the_offending_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = "stacks:\n  - name: a\n    vpc:\n      max_azs: 2\n      nat_gateways: 3\n      flow_logs:\n        retention_days: 10\n";
    fs::write(dir.path().join("bad.yaml"), yaml).expect("write");
    let out = rcdk(dir.path(), &["synth", "bad.yaml"]);
    let (_, err) = text(&out);
    assert!(
        err.contains("bad.yaml:5:21: stacks[0].vpc.nat_gateways: 3 NAT gateways for 2 availability zones"),
        "{err}"
    );
    assert!(err.contains("bad.yaml:7:25: stacks[0].vpc.flow_logs.retention_days: log retention of 10 days"), "{err}");
    assert!(err.contains("construct: a/Vpc/FlowLogs/LogGroup [logs:retention-invalid]"), "{err}");
}
