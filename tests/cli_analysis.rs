//! The whole-app analysis, end to end: for each class of architecture that
//! cannot work, a broken app makes `rcdk synth` exit 2 with the exact error
//! (located in the app file, nothing written), and the corrected app
//! synthesizes with templates cfn-lint accepts. `rcdk check` runs the same
//! analysis on templates rcdk did not write.

mod support;

use std::path::Path;

use support::{cfn_lint, rcdk, text};

/// The services every case shares: one web service behind the load balancer.
const SERVICE: &str = "    services:\n      web:\n        image: public.ecr.aws/nginx/nginx:1.27\n        container_port: 80\n        cpu: 256\n        memory_mib: 256\n";

fn app(stack: &str) -> String {
    format!("stacks:\n  - name: t\n{stack}{SERVICE}")
}

/// Synthesizes `body` in a fresh directory: (exit code, stderr, templates written).
fn synth(body: &str, extra: &[&str]) -> (i32, String, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("app.yaml"), body).expect("write app");
    let mut args = vec!["synth", "app.yaml", "--out", "out"];
    args.extend_from_slice(extra);
    let out = rcdk(dir.path(), &args);
    let (_, err) = text(&out);
    let written: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    // The templates; the cloud assembly's manifest.json is not one.
    let templates: Vec<_> = written.iter().filter(|p| !p.ends_with("manifest.json")).cloned().collect();
    let lint = if templates.is_empty() { 0 } else { cfn_lint(&templates).0 };
    assert_eq!(lint, 0, "cfn-lint rejects what was written for:\n{body}");
    std::mem::forget(dir);
    (out.status.code().unwrap_or(-1), err, templates)
}

/// Asserts that `body` is refused with `code` at `location` (`app.yaml:L:C: field`)
/// and a message containing every one of `words`.
fn refused(body: &str, location: &str, code: &str, words: &[&str]) {
    let (status, err, written) = synth(body, &[]);
    assert_eq!(status, 2, "expected exit 2 for:\n{body}\nstderr:\n{err}");
    assert!(written.is_empty(), "nothing may be written");
    let line = err
        .lines()
        .find(|l| {
            l.contains(&format!("[{code}]")) || l.starts_with(&format!("error: {location}")) || l.starts_with(location)
        })
        .unwrap_or_else(|| panic!("no `{code}` problem in:\n{err}"));
    assert!(err.contains(&format!("[{code}]")), "code {code} missing:\n{err}");
    assert!(line.contains(location) || err.contains(&format!("{location}:")), "expected `{location}` in:\n{err}");
    for w in words {
        assert!(err.contains(w), "`{w}` missing from:\n{err}");
    }
}

fn passes(body: &str) -> String {
    let (status, err, written) = synth(body, &[]);
    assert_eq!(status, 0, "expected success for:\n{body}\nstderr:\n{err}");
    assert!(!written.is_empty());
    err
}

#[test]
fn no_nat_and_no_endpoints_is_refused_and_endpoints_fix_it() {
    let broken = app("    region: us-east-1\n    vpc: {max_azs: 2, nat_gateways: 0}\n");
    refused(
        &broken,
        "app.yaml:4:37: stacks[0].vpc.nat_gateways",
        "net:instances-no-egress",
        &["no default route (no NAT gateway)", "`ecr.dkr` (interface, private DNS)", "`s3` (gateway", "vpc.endpoints"],
    );
    let partial = app("    region: us-east-1\n    vpc: {max_azs: 2, nat_gateways: 0, endpoints: {interface: [ecs, ecr.api, ecr.dkr]}}\n");
    refused(&partial, "stacks[0].vpc.nat_gateways", "net:instances-no-egress", &["`ecs-agent`", "`logs`"]);
    passes(&app("    region: us-east-1\n    vpc: {max_azs: 2, nat_gateways: 0, endpoints: {}}\n"));
}

#[test]
fn network_acls_that_drop_the_stacks_own_traffic_are_refused() {
    // The dynamic host ports from the load balancer's subnets.
    let targets = app(
        "    vpc:\n      max_azs: 2\n      network_acls:\n        private_inbound:\n          - {rule_number: 100, protocol: tcp, from_port: 80, to_port: 80, cidr: 10.0.0.0/16}\n",
    );
    refused(
        &targets,
        "stacks[0].vpc.network_acls",
        "net:nacl-blocked",
        // The ECS-optimized AMI is Linux: ECS takes the dynamic host ports from 32768-60999.
        &["VpcPrivateNetworkAcl", "inbound TCP ports 32768-60999"],
    );
    // The listener port from the internet.
    let listener = app(
        "    vpc:\n      max_azs: 2\n      network_acls:\n        public_inbound:\n          - {rule_number: 100, protocol: tcp, from_port: 443, to_port: 443, cidr: 0.0.0.0/0}\n          - {rule_number: 110, protocol: all, cidr: 10.0.0.0/16}\n",
    );
    refused(&listener, "stacks[0].vpc.network_acls", "net:nacl-blocked", &["client → listener", "inbound TCP port 80"]);
    // The return traffic to the clients.
    let back = app(
        "    vpc:\n      max_azs: 2\n      network_acls:\n        public_outbound:\n          - {rule_number: 100, protocol: all, cidr: 10.0.0.0/16}\n",
    );
    refused(
        &back,
        "stacks[0].vpc.network_acls",
        "net:nacl-blocked",
        &["return traffic", "outbound TCP ports 1024-65535"],
    );
    passes(&app("    vpc:\n      max_azs: 2\n      network_acls: {}\n"));
}

/// A two-origin CDN in front of two single-region stacks.
fn cdn_app(lb: &str, cdn: &str) -> String {
    let stack = |name: &str, region: &str| {
        format!("  - name: {name}\n    region: {region}\n    vpc: {{max_azs: 2}}\n    load_balancer: {lb}\n{SERVICE}")
    };
    format!(
        "stacks:\n{}{}  - name: edge\n    region: us-east-1\n    origin_stacks: [a, b]\n    cdn: {cdn}\n",
        stack("a", "us-east-1"),
        stack("b", "eu-west-1")
    )
}

#[test]
fn cdn_origins_that_cannot_serve_are_refused() {
    let cert = "arn:aws:acm:REGION:123456789012:certificate/0a1b2c3d";
    refused(
        &cdn_app("{}", "{origin_protocol: https_only}"),
        "stacks[2].cdn.origin_protocol",
        "cdn:origin-no-https-listener",
        &["no HTTPS listener"],
    );
    // Both regions need their own certificate: one for each (see the region test).
    let with_cert = |extra: &str| {
        let body = cdn_app(&format!("{{certificate_arns: [{cert}]{extra}}}"), "{origin_protocol: http_only}");
        body.replacen("REGION", "us-east-1", 1).replacen("REGION", "eu-west-1", 1)
    };
    refused(&with_cert(""), "stacks[2].cdn.origin_protocol", "cdn:origin-redirect-loop", &["redirects HTTP to HTTPS"]);
    refused(
        &with_cert(", http: false"),
        "stacks[2].cdn.origin_protocol",
        "cdn:origin-no-http-listener",
        &["no HTTP listener"],
    );
    refused(
        &cdn_app("{internal: true}", "{}"),
        "stacks[0].load_balancer",
        "cdn:origin-internal",
        &["load balancer is internal"],
    );
    refused(
        &cdn_app("{ingress_cidrs: [203.0.113.0/24]}", "{origin_lock: false}"),
        "stacks[0].load_balancer.ingress_cidrs",
        "cdn:origin-blocked",
        &["do not admit CloudFront on port 80"],
    );
    // The defaults: locked to CloudFront, HTTPS to origins that have certificates.
    let err = passes(&with_cert("").replace("{origin_protocol: http_only}", "{}"));
    assert!(!err.contains("cdn:origin-bypass"), "{err}");
    // Opting out of the lock is allowed, and warned about.
    let err = passes(&cdn_app("{}", "{origin_lock: false}"));
    assert!(err.contains("[cdn:origin-bypass]"), "{err}");
}

#[test]
fn cdn_lock_admits_only_cloudfront_and_requires_the_secret_header() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("app.yaml"), cdn_app("{}", "{}")).expect("write");
    let out = rcdk(dir.path(), &["synth", "app.yaml", "--stdout", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let a = &all["a"]["Resources"];
    // CloudFront's origin-facing list, through a parameter defaulting to the region's ID.
    let list = serde_json::json!({"Ref": "CloudFrontOriginFacingPrefixList"});
    assert_eq!(a["LoadBalancerSecurityGroupHttpFromPrefixList1"]["Properties"]["SourcePrefixListId"], list);
    assert_eq!(all["a"]["Parameters"]["CloudFrontOriginFacingPrefixList"]["Default"], "pl-3b927c52");
    assert!(a.get("LoadBalancerSecurityGroupHttpFromAnyIpv4").is_none(), "no ingress from anywhere");
    assert_eq!(
        all["b"]["Resources"]["LoadBalancerSecurityGroupHttpFromPrefixList1"]["Properties"]["SourcePrefixListId"],
        list
    );
    assert_eq!(all["b"]["Parameters"]["CloudFrontOriginFacingPrefixList"]["Default"], "pl-4fa04526");
    let secret = "{{resolve:secretsmanager:rcdk/edge/cdn-origin-verify:SecretString}}";
    assert_eq!(a["CdnOriginSecret"]["Properties"]["ReplicaRegions"], serde_json::json!([{"Region": "eu-west-1"}]));
    assert_eq!(
        a["LoadBalancerHttpListener"]["Properties"]["DefaultActions"][0]["FixedResponseConfig"]["StatusCode"],
        "403"
    );
    // The primary creates the secret and reads it by Ref (an implicit dependency); the secondary reads
    // the replica by name.
    let by_ref = serde_json::json!({"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "CdnOriginSecret"}, ":SecretString}}"]]});
    let rule = &a["WebListenerRule"]["Properties"]["Conditions"];
    assert!(
        rule.as_array().expect("conditions").iter().any(|c| c["HttpHeaderConfig"]["Values"][0] == by_ref),
        "{rule}"
    );
    let rule = &all["b"]["Resources"]["WebListenerRule"]["Properties"]["Conditions"];
    assert!(
        rule.as_array().expect("conditions").iter().any(|c| c["HttpHeaderConfig"]["Values"][0] == secret),
        "{rule}"
    );
    let origins = &all["edge"]["Resources"]["Cdn"]["Properties"]["DistributionConfig"]["Origins"];
    assert_eq!(origins[0]["OriginCustomHeaders"][0]["HeaderValue"], secret);
}

#[test]
fn region_mismatches_are_refused_at_their_fields() {
    let cert = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d";
    refused(
        &app(&format!(
            "    region: us-east-1\n    vpc: {{max_azs: 2}}\n    load_balancer: {{certificate_arns: [{cert}]}}\n"
        )),
        "app.yaml:5:21: stacks[0].load_balancer.certificate_arns",
        "region:certificate-mismatch",
        &["is in eu-west-1, and this stack deploys to us-east-1"],
    );
    // With `regions:`, one ARN copied into both regions is wrong in one of them...
    let us = cert.replace("eu-west-1", "us-east-1");
    let head = format!(
        "stacks:\n  - name: t\n    regions: [us-east-1, eu-west-1]\n    vpc: {{max_azs: 2}}\n    load_balancer: {{certificate_arns: [{us}]}}\n"
    );
    refused(
        &format!("{head}{SERVICE}"),
        "stacks[0].load_balancer.certificate_arns",
        "region:certificate-mismatch",
        &["this stack deploys to eu-west-1"],
    );
    // ...and a per-region certificate fixes it.
    passes(&format!("{head}    region_overrides:\n      eu-west-1: {{certificate_arns: [{cert}]}}\n{SERVICE}"));
    refused(
        &app("    region: us-east-1\n    vpc: {availability_zones: [eu-west-1a, eu-west-1b]}\n"),
        "stacks[0].vpc.availability_zones",
        "region:az-mismatch",
        &["eu-west-1a, eu-west-1b", "are not zones of us-east-1"],
    );
    refused(
        &app("    region: us-west-1\n    vpc: {max_azs: 4}\n"),
        "stacks[0].vpc.max_azs",
        "region:az-mismatch",
        &["availability zone number 4 of us-west-1, which has 3"],
    );
    passes(&app("    region: us-west-1\n    vpc: {max_azs: 2}\n"));
}

#[test]
fn ami_architecture_follows_the_instance_type() {
    let x86 = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
    refused(
        &app(&format!("    vpc: {{max_azs: 2}}\n    cluster: {{instance_type: m7g.large, ami_parameter: {x86}}}\n")),
        "stacks[0].cluster.ami_parameter",
        "ec2:ami-architecture-mismatch",
        &["instance type m7g.large is arm64", "names an x86_64 image"],
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("app.yaml"),
        app("    vpc: {max_azs: 2}\n    cluster: {instance_type: m7g.large}\n"),
    )
    .expect("write");
    let out = rcdk(dir.path(), &["synth", "app.yaml", "--stdout"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).0.contains("/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"));
}

#[test]
fn warnings_are_shown_and_deny_warnings_makes_them_errors() {
    // The default VPC has a NAT gateway per zone: only the alarms warn.
    let body = app("    vpc: {max_azs: 2}\n");
    let (status, err, _) = synth(&body, &[]);
    assert_eq!(status, 0);
    assert!(err.contains("warning: app.yaml:2:9: stacks[0].alarms:"), "{err}");
    assert!(err.contains("[cloudwatch:alarm-no-action]") && !err.contains("nat-shared-across-azs"), "{err}");
    let (status, err, written) = synth(&body, &["--deny-warnings"]);
    assert_eq!(status, 2, "{err}");
    assert!(written.is_empty());
    assert!(err.contains("--deny-warnings"), "{err}");
}

#[test]
fn a_written_choice_is_a_note_not_a_warning() {
    // One NAT gateway for two zones, written in the app: a deliberate saving,
    // reported as a note with its reason, which --deny-warnings lets pass.
    let body = app("    alarms: {email: ops@example.com}\n    vpc: {max_azs: 2, nat_gateways: 1}\n");
    let (status, err, written) = synth(&body, &["--deny-warnings"]);
    assert_eq!(status, 0, "{err}");
    assert!(!written.is_empty());
    assert!(!err.contains("warning:"), "{err}");
    let note = err
        .lines()
        .find(|l| l.starts_with("note: ") && l.contains("nat_gateways"))
        .unwrap_or_else(|| panic!("no NAT note in:\n{err}"));
    assert!(note.starts_with("note: app.yaml:4:37: stacks[0].vpc.nat_gateways:"), "{note}");
    assert!(note.contains("(acknowledged: `nat_gateways: 1` for 2 zones is written in the app"), "{note}");
    assert!(err.contains("[net:nat-shared-across-azs]"), "{err}");

    // The same VPC in a template rcdk did not write is a warning: nobody chose.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("app.yaml"), &body).expect("write");
    let out = rcdk(dir.path(), &["synth", "app.yaml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let out = rcdk(dir.path(), &["check", "out/t.yaml"]);
    let (_, err) = text(&out);
    assert!(err.contains("warning") && err.contains("[net:nat-shared-across-azs]"), "{err}");
}

/// A CloudFormation template in the style of the CDK's output (short-form
/// tags, inline rules): an internet-facing ALB in front of an ECS service in
/// bridge mode on an Auto Scaling group, optionally with the rule that lets
/// the ALB reach the instances' dynamic ports.
fn cdk_style_template(with_rule: bool) -> String {
    let rule = if with_rule {
        "  InstanceSgFromAlb:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt InstanceSg.GroupId\n      IpProtocol: tcp\n      FromPort: 32768\n      ToPort: 65535\n      SourceSecurityGroupId: !GetAtt AlbSg.GroupId\n"
    } else {
        ""
    };
    format!(
        r#"Parameters:
  VpcId: {{Type: AWS::EC2::VPC::Id}}
  Subnets: {{Type: List<AWS::EC2::Subnet::Id>}}
  Ami: {{Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id}}
Resources:
  AlbSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: alb
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}}
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref Subnets
      SecurityGroups: [!GetAtt AlbSg.GroupId]
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 80
      Protocol: HTTP
      DefaultActions: [{{Type: forward, TargetGroupArn: !Ref Tg}}]
  Tg:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {{Port: 80, Protocol: HTTP, VpcId: !Ref VpcId}}
  InstanceSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: instances
      VpcId: !Ref VpcId
{rule}  LaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: !Ref Ami
        InstanceType: t3.small
        SecurityGroupIds: [!GetAtt InstanceSg.GroupId]
  Asg:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      VPCZoneIdentifier: !Ref Subnets
      LaunchTemplate: {{LaunchTemplateId: !Ref LaunchTemplate, Version: !GetAtt LaunchTemplate.LatestVersionNumber}}
  Cluster: {{Type: AWS::ECS::Cluster}}
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {{Name: web, Image: nginx, Memory: 256, PortMappings: [{{ContainerPort: 80, HostPort: 0}}]}}
  Service:
    Type: AWS::ECS::Service
    DependsOn: Listener
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref TaskDef
      DesiredCount: 1
      LoadBalancers: [{{ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref Tg}}]
"#
    )
}

#[test]
fn check_finds_the_missing_alb_to_instance_rule_in_a_cdk_style_template() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("broken.yaml"), cdk_style_template(false)).expect("write");
    std::fs::write(dir.path().join("fixed.yaml"), cdk_style_template(true)).expect("write");
    let out = rcdk(dir.path(), &["check", "broken.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = cdk_style_template(false).lines().position(|l| l == "  InstanceSg:").expect("declared") + 1;
    assert!(
        err.contains(&format!("broken.yaml:{line}:3: error: target group Tg → service Service: no rule of the targets' security groups (InstanceSg) \
                      admits load balancer Alb (security groups AlbSg) on the dynamic host ports 32768-60999 of `web` (bridge mode, \
                      container port 80, Linux instances)")),
        "{err}"
    );
    assert!(err.contains("[net:lb-to-target-blocked]"));
    // The ECS-optimized AMI is Linux: its dynamic host ports are 32768-60999.
    assert!(err.contains("help: add an AWS::EC2::SecurityGroupIngress on InstanceSg for TCP ports 32768-60999 with SourceSecurityGroupId AlbSg"));
    let out = rcdk(dir.path(), &["check", "fixed.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    // The same template as JSON (the CDK's own output format).
    let value = rcdk_constructs::cfn::parse_template(&cdk_style_template(false)).expect("parses");
    std::fs::write(dir.path().join("broken.json"), serde_json::to_string_pretty(&value).expect("json")).expect("write");
    let out = rcdk(dir.path(), &["check", "broken.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("[net:lb-to-target-blocked]"));
    // Not a template: exit 2.
    std::fs::write(dir.path().join("nothing.yaml"), "a: 1\n").expect("write");
    assert_eq!(rcdk(dir.path(), &["check", "nothing.yaml"]).status.code(), Some(2));
    assert_eq!(rcdk(dir.path(), &["check", "missing.yaml"]).status.code(), Some(2));
}

#[test]
fn check_passes_every_committed_template() {
    let root = support::root();
    let mut files: Vec<String> = std::fs::read_dir(root.join("templates"))
        .expect("templates/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        // The templates, not the cloud assembly's manifest.json.
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = rcdk(Path::new(&root), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
}

#[test]
fn network_acls_that_drop_the_instances_egress_through_the_nat_gateway_are_refused() {
    // The public subnets (where the NAT gateway is) without the answers from the internet.
    let acls = |extra: &str| {
        app(&format!(
            "    vpc:\n      max_azs: 2\n      network_acls:\n        public_inbound:\n          - {{rule_number: 100, protocol: tcp, from_port: 80, to_port: 80, cidr: 0.0.0.0/0}}\n          - {{rule_number: 120, protocol: all, cidr: 10.0.0.0/16}}\n{extra}"
        ))
    };
    refused(
        &acls(""),
        "app.yaml:5:7: stacks[0].vpc.network_acls",
        "net:nacl-blocked",
        &[
            "return traffic through NAT gateway VpcPublicSubnet1NatGateway (subnet VpcPublicSubnet1)",
            "network ACL VpcPublicNetworkAcl drops inbound TCP ports 1024-65535 from 0.0.0.0/0",
        ],
    );
    // The private subnets without HTTPS out.
    let private_out = app(
        "    vpc:\n      max_azs: 2\n      network_acls:\n        private_outbound:\n          - {rule_number: 100, protocol: all, cidr: 10.0.0.0/16}\n",
    );
    refused(
        &private_out,
        "stacks[0].vpc.network_acls",
        "net:nacl-blocked",
        &["→ ECS/ECR/CloudWatch Logs/S3 (HTTPS) through NAT gateway", "outbound TCP port 443 to 0.0.0.0/0"],
    );
    passes(&acls("          - {rule_number: 130, protocol: tcp, from_port: 1024, to_port: 65535, cidr: 0.0.0.0/0}\n"));
}

#[test]
fn interface_endpoints_that_do_not_admit_the_instances_are_refused() {
    let endpoints = |cidr: &str| {
        app(&format!(
            "    region: us-east-1\n    vpc: {{max_azs: 2, nat_gateways: 0, endpoints: {{}}}}\n    overrides:\n      VpcEndpointSecurityGroup:\n        Properties.SecurityGroupIngress.0.CidrIp: {cidr}\n"
        ))
    };
    // Only the first public subnet: the instances are in the private ones.
    refused(
        &endpoints("10.0.0.0/24"),
        "app.yaml:4:40: stacks[0].vpc.endpoints",
        "net:endpoint-blocked",
        &[
            "private DNS sends the instances of ClusterAutoScalingGroup (security groups ClusterInstanceSecurityGroup)",
            "`ecr.dkr` (VpcEndpointEcrDkr)",
            "their security groups (VpcEndpointSecurityGroup) do not admit them on TCP 443",
        ],
    );
    passes(&endpoints("10.0.0.0/16"));
}

#[test]
fn instances_whose_security_group_lets_nothing_out_are_refused() {
    let egress = |rule: &str| {
        app(&format!(
            "    vpc: {{max_azs: 2}}\n    overrides:\n      ClusterInstanceSecurityGroup:\n        Properties.SecurityGroupEgress: [{rule}]\n"
        ))
    };
    refused(
        &egress("{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}"),
        "stacks[0].cluster",
        "net:instances-no-egress",
        &["the security groups of ClusterAutoScalingGroup (ClusterInstanceSecurityGroup) restrict egress", "TCP 443"],
    );
    passes(&egress("{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}"));
}

/// Two awsvpc services and the stack's database; `api` reads the database's
/// address through an SSM parameter (no `database: true`), `extra` is more
/// raw resources.
fn database_app(extra: &str) -> String {
    format!(
        "stacks:
  - name: t
    region: us-east-1
    vpc: {{max_azs: 2}}
    database: {{engine: postgres}}
    resources:
      DbHost:
        Type: AWS::SSM::Parameter
        Properties:
          Type: String
          Value: {{\"Fn::GetAtt\": [Database, Endpoint.Address]}}
{extra}    overrides:
      ApiTaskDefinition:
        Properties.ContainerDefinitions.0.Secrets:
          - {{Name: DB_HOST, ValueFrom: {{Ref: DbHost}}}}
    services:
      web:
        image: nginx:1.27
        network_mode: awsvpc
        database: true
      api:
        image: nginx:1.27
        network_mode: awsvpc
        routing: {{path_patterns: [/api/*]}}
"
    )
}

fn db_rule(id: &str, source: &str) -> String {
    format!(
        "      {id}:
        Type: AWS::EC2::SecurityGroupIngress
        Properties:
          GroupId: {{\"Fn::GetAtt\": [DatabaseSecurityGroup, GroupId]}}
          IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          {source}
"
    )
}

#[test]
fn the_database_is_reachable_from_the_services_that_use_it_and_nothing_else() {
    // `api` gets the database's address without `database: true`: not admitted.
    refused(
        &database_app(""),
        "app.yaml:5:5: stacks[0].database",
        "net:database-unreachable",
        &[
            "service ApiService → database Database: it reads the database's address or credentials",
            "(ApiServiceSecurityGroup) on port 5432",
        ],
    );
    // Admitting the load balancer, or the whole VPC, admits more than the users.
    let api = db_rule("DbFromApi", "SourceSecurityGroupId: {\"Fn::GetAtt\": [ApiServiceSecurityGroup, GroupId]}");
    let lb = db_rule("DbFromLb", "SourceSecurityGroupId: {\"Fn::GetAtt\": [LoadBalancerSecurityGroup, GroupId]}");
    refused(
        &database_app(&format!("{api}{lb}")),
        "app.yaml:20:7: stacks[0].resources.DbFromLb",
        "net:database-admits-others",
        &["admit security group LoadBalancerSecurityGroup (load balancer LoadBalancer), and only service ApiService, service WebService use it"],
    );
    let vpc = db_rule("DbFromVpc", "CidrIp: 10.0.0.0/16");
    refused(
        &database_app(&format!("{api}{vpc}")),
        "stacks[0].resources.DbFromVpc",
        "net:database-admits-others",
        &["10.0.0.0/16 (which holds subnet(s) VpcPublicSubnet1, VpcPublicSubnet2, where nothing using it runs)"],
    );
    passes(&database_app(&api));
}

#[test]
fn a_multi_region_origin_takes_its_prefix_list_per_region() {
    let body = |overrides: &str| {
        format!(
            "stacks:\n  - name: w\n    regions: [us-east-1, ap-east-1]\n    vpc: {{max_azs: 2}}\n{overrides}    cdn: {{}}\n{SERVICE}"
        )
    };
    // ap-east-1 is not in rcdk's table: the stack says so, at its load balancer.
    refused(&body(""), "stacks[0].load_balancer", "cdn:prefix-list-unknown", &["region ap-east-1"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let fixed = body("    region_overrides:\n      ap-east-1: {ingress_prefix_lists: [pl-14b2577d]}\n");
    std::fs::write(dir.path().join("app.yaml"), &fixed).expect("write");
    let out = rcdk(dir.path(), &["synth", "app.yaml", "--stdout", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rule = |stack: &str| {
        all[stack]["Resources"]["LoadBalancerSecurityGroupHttpFromPrefixList1"]["Properties"]["SourcePrefixListId"]
            .clone()
    };
    // The given ID is used as given; the known one stays a parameter.
    assert_eq!(rule("w-ap-east-1"), "pl-14b2577d");
    assert!(all["w-ap-east-1"]["Parameters"].get("CloudFrontOriginFacingPrefixList").is_none());
    assert_eq!(rule("w-us-east-1"), serde_json::json!({"Ref": "CloudFrontOriginFacingPrefixList"}));
    passes(&fixed);
}

/// The web service with `overrides` (lines of YAML under `overrides:`).
fn overridden(overrides: &str) -> String {
    app(&format!("    vpc: {{max_azs: 2}}\n    overrides:\n{overrides}"))
}

#[test]
fn a_service_bound_to_a_container_or_port_its_task_definition_lacks_is_refused() {
    // The task definition maps another port than the binding's.
    refused(
        &overridden("      WebTaskDefinition:\n        Properties.ContainerDefinitions.0.PortMappings.0.ContainerPort: 8080\n"),
        "app.yaml:8:7: stacks[0].services.web",
        "net:service-container-mismatch",
        &[
            "target group → service WebService: the load-balancer binding to target group WebTargetGroup sends traffic to \
             container port 80 of `web`, and that container of task definition WebTaskDefinition has no port mapping for 80 \
             (it maps container port(s) 8080); ECS refuses to create the service",
            "help: add a PortMappings entry with ContainerPort 80 to container `web` of WebTaskDefinition",
        ],
    );
    // The binding names another port.
    refused(
        &overridden("      WebService:\n        Properties.LoadBalancers.0.ContainerPort: 8080\n"),
        "app.yaml:8:7: stacks[0].services.web",
        "net:service-container-mismatch",
        &["sends traffic to container port 8080 of `web`", "no port mapping for 8080 (it maps container port(s) 80)"],
    );
    // The binding names a container the task definition does not have.
    refused(
        &overridden("      WebService:\n        Properties.LoadBalancers.0.ContainerName: api\n"),
        "app.yaml:8:7: stacks[0].services.web",
        "net:service-container-mismatch",
        &["names container `api` (port 80), and task definition WebTaskDefinition has no container of that name (it has `web`)"],
    );
    // A port only known at deployment (imported from another stack) cannot be told: not an error.
    passes(&overridden(
        "      WebService:\n        Properties.LoadBalancers.0.ContainerPort: {\"Fn::ImportValue\": web-port}\n",
    ));
    passes(&overridden("      WebService:\n        Properties.DesiredCount: 2\n"));
}

#[test]
fn a_target_group_whose_type_does_not_fit_the_network_mode_is_refused() {
    // bridge mode (the default) registers instances.
    refused(
        &overridden("      WebTargetGroup:\n        Properties.TargetType: ip\n"),
        "app.yaml:8:7: stacks[0].services.web.target_group",
        "net:target-type-mismatch",
        &[
            "target group WebTargetGroup → service WebService: the target group's TargetType is `ip`, and task definition \
             WebTaskDefinition uses the `bridge` network mode, which needs `instance` targets",
            "help: set TargetType: instance on WebTargetGroup",
        ],
    );
    // awsvpc tasks register their own network interface.
    let awsvpc = |overrides: &str| {
        format!(
            "stacks:\n  - name: t\n    vpc: {{max_azs: 2}}\n{overrides}    services:\n      web:\n        image: nginx:1.27\n        network_mode: awsvpc\n"
        )
    };
    refused(
        &awsvpc("    overrides:\n      WebTargetGroup:\n        Properties.TargetType: instance\n"),
        "stacks[0].services.web.target_group",
        "net:target-type-mismatch",
        &["uses the `awsvpc` network mode, which needs `ip` targets"],
    );
    passes(&awsvpc(""));
}

#[test]
fn check_finds_a_binding_to_a_port_the_container_does_not_map() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixed = cdk_style_template(true);
    let port = fixed.replace("ContainerName: web, ContainerPort: 80,", "ContainerName: web, ContainerPort: 8080,");
    assert_ne!(port, fixed);
    std::fs::write(dir.path().join("port.yaml"), &port).expect("write");
    let out = rcdk(dir.path(), &["check", "port.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = port.lines().position(|l| l == "  Service:").expect("declared") + 1;
    assert!(
        err.contains(&format!(
            "port.yaml:{line}:3: error: target group → service Service: the load-balancer binding to target group Tg sends \
             traffic to container port 8080 of `web`, and that container of task definition TaskDef has no port mapping for \
             8080 (it maps container port(s) 80); ECS refuses to create the service [net:service-container-mismatch]"
        )),
        "{err}"
    );
    // A target group of IP targets in front of bridge-mode tasks.
    let ip = fixed
        .replace("Properties: {Port: 80, Protocol: HTTP,", "Properties: {TargetType: ip, Port: 80, Protocol: HTTP,");
    assert_ne!(ip, fixed);
    std::fs::write(dir.path().join("ip.yaml"), &ip).expect("write");
    let out = rcdk(dir.path(), &["check", "ip.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = ip.lines().position(|l| l == "  Tg:").expect("declared") + 1;
    assert!(
        err.contains(&format!(
            "ip.yaml:{line}:3: error: target group Tg → service Service: the target group's TargetType is `ip`"
        )),
        "{err}"
    );
    assert!(err.contains("[net:target-type-mismatch]"), "{err}");
}
