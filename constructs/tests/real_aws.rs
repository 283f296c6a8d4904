//! What real AWS does to our templates that moto cannot show (issue 26):
//! each behaviour is either a default that is right on AWS (asserted in the
//! template, which must also pass the pinned cfn-lint) or a whole-app check
//! that refuses or warns, located at the construct and app-file field. The
//! AWS documentation each one relies on is cited at the test.

mod support;

use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::Format;
use serde_json::Value;
use support::app_template as template;

/// A stack with a VPC, a cluster and one service; `extra` is appended under
/// the stack, `service` under the service.
fn app(name: &str, extra: &str, service: &str) -> String {
    format!(
        "stacks:\n  - name: {name}\n    region: eu-west-1\n    vpc: {{max_azs: 2, nat_gateways: 2}}\n    alarms: {{email: ops@example.com}}\n{extra}    services:\n      web:\n        image: \"public.ecr.aws/nginx/nginx:1.27\"\n        cpu: 256\n{service}"
    )
}

/// (code, field) of every error, or panics when synthesis succeeds.
fn errors(yaml: &str) -> Vec<(String, String, String)> {
    let props: AppProps = serde_yaml::from_str(yaml).expect("app parses");
    match props.synth(Format::Yaml) {
        Ok(_) => panic!("expected errors:\n{yaml}"),
        Err(e) => e.0.iter().map(|e| (e.code.to_string(), e.field.to_string(), e.message.clone())).collect(),
    }
}

/// (code, field, message) of every warning; panics on errors.
fn warnings(yaml: &str) -> Vec<(String, String, String)> {
    let props: AppProps = serde_yaml::from_str(yaml).expect("app parses");
    let s = props.synth_with_diagnostics(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    s.warnings.iter().map(|e| (e.code.to_string(), e.field.to_string(), e.message.clone())).collect()
}

/// The codes of `notes` but the unpinned cluster AMI's (`ecs:ami-unpinned`,
/// a note for every cluster these apps do not pin).
fn besides_unpinned_amis(notes: &[rcdk_constructs::ValidationError]) -> Vec<String> {
    notes.iter().map(|n| n.code.to_string()).filter(|c| c != "ecs:ami-unpinned").collect()
}

fn codes(found: &[(String, String, String)]) -> Vec<&str> {
    found.iter().map(|(c, _, _)| c.as_str()).collect()
}

fn lint(name: &str, yaml: &str) {
    let stacks = support::synth_app(yaml, Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    let dir = tempfile::tempdir().expect("temp dir");
    for s in stacks {
        support::lint_body(dir.path(), &format!("{name}-{}.yaml", s.name()), &s.body);
    }
}

/// Item 1. Managed termination protection stays on by default (instances
/// that run tasks are not scaled in); `managed_termination_protection: false`
/// turns the group's scale-in protection off with it, never one without the
/// other (ECS API Reference, AutoScalingGroupProvider; aws/containers-roadmap#2862).
#[test]
fn scale_in_protection_and_managed_termination_protection_go_together() {
    let on = template(&app("shop", "", ""));
    assert_eq!(on["Resources"]["ClusterAutoScalingGroup"]["Properties"]["NewInstancesProtectedFromScaleIn"], true);
    let cp = &on["Resources"]["ClusterCapacityProvider"]["Properties"]["AutoScalingGroupProvider"];
    assert_eq!(cp["ManagedTerminationProtection"], "ENABLED");
    assert_eq!(cp["ManagedDraining"], "ENABLED");

    let yaml = app("shop", "    cluster: {managed_termination_protection: false}\n", "");
    let off = template(&yaml);
    assert_eq!(off["Resources"]["ClusterAutoScalingGroup"]["Properties"]["NewInstancesProtectedFromScaleIn"], false);
    let cp = &off["Resources"]["ClusterCapacityProvider"]["Properties"]["AutoScalingGroupProvider"];
    assert_eq!(cp["ManagedTerminationProtection"], "DISABLED");
    assert_eq!(cp["ManagedDraining"], "ENABLED", "draining stays on");
    lint("mtp-off", &yaml);

    // An override that turns off one of the two is refused, located at the cluster.
    let mismatch = app(
        "shop",
        "    overrides:\n      ClusterCapacityProvider: {Properties.AutoScalingGroupProvider.ManagedTerminationProtection: DISABLED}\n",
        "",
    );
    let found = errors(&mismatch);
    assert_eq!(codes(&found), ["ecs:scale-in-protection-mismatch"], "{found:?}");
    assert_eq!(found[0].1, "stacks[0].cluster.managed_termination_protection");
    assert!(found[0].2.contains("nothing ever lifts it"), "{}", found[0].2);
    // Managed termination protection without managed scaling does nothing.
    let no_scaling = app(
        "shop",
        "    overrides:\n      ClusterCapacityProvider: {Properties.AutoScalingGroupProvider.ManagedScaling.Status: DISABLED}\n",
        "",
    );
    assert_eq!(codes(&errors(&no_scaling)), ["ecs:scale-in-protection-mismatch"]);
    // Protection off on the group alone is harmless: ECS turns it on for managed termination protection.
    let group_off = app(
        "shop",
        "    overrides:\n      ClusterAutoScalingGroup: {Properties.NewInstancesProtectedFromScaleIn: false}\n",
        "",
    );
    assert!(codes(&warnings(&group_off)).is_empty(), "{:?}", warnings(&group_off));
}

/// Item 6. CloudFormation names the capacity provider after the stack, and
/// ECS refuses names starting with aws, ecs or fargate in any case (ECS API
/// Reference, CreateCapacityProvider; aws/aws-cdk#29151).
#[test]
fn stack_names_that_make_an_invalid_capacity_provider_name_are_refused() {
    for name in ["ecs-prod", "Ecs-prod", "AWS-shop", "FARGATE1"] {
        let found = errors(&app(name, "", ""));
        assert_eq!(codes(&found), ["ecs:capacity-provider-name-prefix"], "{name}: {found:?}");
        assert_eq!(found[0].1, "stacks[0].name", "{name}");
    }
    // The name of each regional copy is `<name>-<region>`: the same prefix.
    let multi = "stacks:\n  - name: ecs\n    regions: [us-east-1, eu-west-1]\n    vpc: {max_azs: 2, nat_gateways: 2}\n    services:\n      web: {image: \"public.ecr.aws/nginx/nginx:1.27\", cpu: 256}\n";
    let found = errors(multi);
    assert!(
        found.iter().all(|(c, f, _)| c == "ecs:capacity-provider-name-prefix" && f == "stacks[0].name"),
        "{found:?}"
    );
    // Not a prefix: fine. A stack without a cluster: fine.
    template(&app("shop-ecs-prod", "", ""));
    template("stacks:\n  - name: ecs-network\n    vpc: {max_azs: 2, nat_gateways: 2}\n");
}

/// A multi-region app behind a locked CDN; `lb` is the regional stacks'
/// `load_balancer` block, `extra` more stack fields.
fn multi_region(lb: &str, extra: &str) -> String {
    format!(
        "stacks:\n  - name: web\n    regions: [us-east-1, eu-west-1]\n    vpc: {{max_azs: 2, nat_gateways: 2}}\n    alarms: {{email: ops@example.com}}\n    load_balancer: {lb}\n{extra}    services:\n      web: {{image: \"public.ecr.aws/nginx/nginx:1.27\", cpu: 256}}\n    cdn: {{price_class: price_class_100}}\n"
    )
}

/// The synthesized stacks of an app, by name, as JSON.
fn stacks(yaml: &str) -> std::collections::BTreeMap<String, Value> {
    support::synth_app(yaml, Format::Json)
        .unwrap_or_else(|e| panic!("synth failed: {e}"))
        .into_iter()
        .map(|s| (s.name().to_owned(), serde_json::from_str(&s.body).expect("JSON")))
        .collect()
}

/// Item 3. A rule referencing CloudFront's origin-facing prefix list counts
/// as 55 rules of the group's 60 (Amazon VPC User Guide, "AWS-managed prefix
/// lists" and "Amazon VPC quotas"): an origin with HTTP and HTTPS listeners
/// gets one rule over 80-443, and anything over the quota is refused.
#[test]
fn a_prefix_list_is_admitted_once_and_the_rule_quota_counts_its_weight() {
    let certs = "\n    region_overrides:\n      us-east-1: {certificate_arns: [\"arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555\"]}\n      eu-west-1: {certificate_arns: [\"arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555\"]}\n";
    let yaml = multi_region("{}", certs);
    let all = stacks(&yaml);
    for stack in ["web-us-east-1", "web-eu-west-1"] {
        let r = &all[stack]["Resources"];
        let lists: Vec<(&String, &Value)> = r
            .as_object()
            .expect("resources")
            .iter()
            .filter(|(_, v)| {
                v["Type"] == "AWS::EC2::SecurityGroupIngress" && v["Properties"]["SourcePrefixListId"].is_object()
            })
            .collect();
        assert_eq!(lists.len(), 1, "{stack}: one rule for the prefix list: {lists:?}");
        let (id, rule) = lists[0];
        assert_eq!(id, "LoadBalancerSecurityGroupHttpHttpsFromPrefixList1");
        assert_eq!(rule["Properties"]["FromPort"], 80);
        assert_eq!(rule["Properties"]["ToPort"], 443);
        assert_eq!(
            rule["Properties"]["SourcePrefixListId"],
            serde_json::json!({"Ref": "CloudFrontOriginFacingPrefixList"})
        );
    }
    lint("https-origins", &yaml);

    // A second reference to the list (here a raw rule) is 110 rules: refused.
    let second = "    resources:\n      ExtraRule:\n        Type: AWS::EC2::SecurityGroupIngress\n        Properties: {GroupId: {\"Fn::GetAtt\": [LoadBalancerSecurityGroup, GroupId]}, IpProtocol: tcp, FromPort: 8443, ToPort: 8443, SourcePrefixListId: {Ref: CloudFrontOriginFacingPrefixList}}\n";
    let found = errors(&multi_region("{}", &format!("{certs}{second}")));
    assert!(found.iter().all(|(c, _, _)| c == "net:security-group-rules-quota"), "{found:?}");
    assert!(found[0].2.contains("110 inbound IPv4 rules"), "{}", found[0].2);
    assert!(found[0].2.contains("counts as 55 rules each"), "{}", found[0].2);

    // 61 CIDRs on port 80 are 61 rules.
    let cidrs: Vec<String> = (0..61).map(|i| format!("10.{i}.0.0/16")).collect();
    let yaml = app("shop", &format!("    load_balancer: {{ingress_cidrs: [{}]}}\n", cidrs.join(", ")), "");
    let found = errors(&yaml);
    assert_eq!(codes(&found), ["net:security-group-rules-quota"], "{found:?}");
    assert!(found[0].2.contains("61 inbound IPv4 rules"), "{}", found[0].2);
    assert_eq!(found[0].1, "stacks[0].load_balancer");
}

/// Item 5. RDS upgrades minor versions itself; a template naming a full
/// version stops matching the database (AWS::RDS::DBInstance EngineVersion;
/// aws/aws-cdk#15475). The default names the major only, as the CDK's VER_17.
#[test]
fn the_engine_version_names_the_major_only_and_a_pinned_minor_warns() {
    let db = |fields: &str| {
        format!(
            "stacks:\n  - name: data\n    region: eu-west-1\n    vpc: {{max_azs: 2, nat_gateways: 2}}\n    database: {{{fields}}}\n"
        )
    };
    let t = template(&db("engine: postgres"));
    let instance = &t["Resources"]["Database"];
    assert_eq!(instance["Properties"]["EngineVersion"], "17");
    assert_eq!(instance["Properties"]["AutoMinorVersionUpgrade"], true);
    // cfn-lint's data misjudges major-only versions (aws-cloudformation/cfn-lint#3849).
    assert_eq!(instance["Metadata"]["cfn-lint"]["config"]["ignore_checks"], serde_json::json!(["E3691", "W3691"]));
    let t = template(&db("engine: mysql"));
    assert_eq!(t["Resources"]["Database"]["Properties"]["EngineVersion"], "8.4");
    lint("db-major-postgres", &db("engine: postgres"));
    lint("db-major-mysql", &db("engine: mysql"));
    assert!(warnings(&db("engine: postgres")).is_empty());

    // A pinned minor with automatic upgrades: a warning at the field.
    for fields in ["engine: postgres, engine_version: '17.6'", "engine: mysql, engine_version: 8.4.6"] {
        let found = warnings(&db(fields));
        assert_eq!(codes(&found), ["rds:engine-version-pinned"], "{fields}: {found:?}");
        assert_eq!(found[0].1, "stacks[0].database.engine_version");
        let t = template(&db(fields));
        assert!(t["Resources"]["Database"].get("Metadata").is_none(), "a full version lints as it is");
    }
    // Pinned with automatic upgrades off: the user patches; no warning.
    let pinned = db("engine: postgres, engine_version: '17.6', auto_minor_version_upgrade: false");
    assert!(warnings(&pinned).is_empty());
    assert_eq!(template(&pinned)["Resources"]["Database"]["Properties"]["AutoMinorVersionUpgrade"], false);
}

/// Every string (and `Fn::Join` part) of `v` that holds `needle`, with
/// whether it is built around a `Ref` to `id`.
fn references(v: &Value, needle: &str, id: &str, out: &mut Vec<bool>) {
    match v {
        Value::String(s) if s.contains(needle) => out.push(false),
        Value::Object(m) => {
            if let Some(Value::Array(join)) = m.get("Fn::Join") {
                let parts = join.get(1).and_then(Value::as_array).cloned().unwrap_or_default();
                if parts.iter().any(|p| p.as_str().is_some_and(|s| s.contains(needle))) {
                    out.push(parts.contains(&serde_json::json!({"Ref": id})));
                    return;
                }
            }
            m.values().for_each(|x| references(x, needle, id, out));
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, needle, id, out)),
        _ => {}
    }
}

/// Item 7. CloudFormation orders resources by `Ref`, `Fn::GetAtt` and
/// `DependsOn` only; a dynamic reference by name is invisible to it, so the
/// listener rules of the stack that creates the origin secret read it by
/// `Ref` (AWS CloudFormation User Guide, "Get a secret or secret value from
/// Secrets Manager"). The other stacks read the replica by name and deploy
/// after the primary.
#[test]
fn the_stack_that_creates_the_origin_secret_reads_it_by_ref() {
    let all = stacks(&multi_region("{}", ""));
    let mut primary = Vec::new();
    for (id, r) in all["web-us-east-1"]["Resources"].as_object().expect("resources") {
        let mut found = Vec::new();
        references(&r["Properties"], "resolve:secretsmanager", "CdnOriginSecret", &mut found);
        if !found.is_empty() {
            assert!(found.iter().all(|by_ref| *by_ref), "{id} reads the secret without a Ref: {r}");
            primary.push(id.clone());
        }
    }
    // The service is the catch-all rule (priority 50000), so no "verified, not found" rule.
    assert_eq!(primary, ["WebListenerRule"]);
    // The secondary region and the CDN stack: the replica, by name.
    for stack in ["web-eu-west-1", "web-cdn"] {
        let mut found = Vec::new();
        references(&all[stack]["Resources"], "resolve:secretsmanager:rcdk/web/cdn-origin-verify", "", &mut found);
        assert!(!found.is_empty() && found.iter().all(|by_ref| !by_ref), "{stack}: {found:?}");
    }
    lint("origin-secret", &multi_region("{}", ""));
}

/// Item 13. AWS SDKs in a bridge-mode container on EC2 find no region: the
/// IMDS hop limit keeps them from instance metadata, and ECS agents before
/// 2026-04 set no AWS_REGION (aws/containers-roadmap#1611,
/// aws/amazon-ecs-agent#4946). Every container gets both variables, unless
/// it sets either itself.
#[test]
fn every_container_gets_the_region_unless_it_sets_it() {
    let t = template(&app("shop", "", "        environment: {LOG_LEVEL: info}\n"));
    let env = &t["Resources"]["WebTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Environment"];
    assert_eq!(
        env,
        &serde_json::json!([
            {"Name": "AWS_DEFAULT_REGION", "Value": {"Ref": "AWS::Region"}},
            {"Name": "AWS_REGION", "Value": {"Ref": "AWS::Region"}},
            {"Name": "LOG_LEVEL", "Value": "info"},
        ])
    );
    let t = template(&app("shop", "", "        environment: {AWS_REGION: us-west-2}\n"));
    let env = &t["Resources"]["WebTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Environment"];
    assert_eq!(env, &serde_json::json!([{"Name": "AWS_REGION", "Value": "us-west-2"}]), "the user's choice wins");
}

/// Item 18. Network ACLs are stateless: replies to connections the subnets
/// open come back on ephemeral ports, UDP ones (DNS resolvers and NTP
/// servers on the internet, QUIC) as well as TCP (Amazon VPC User Guide,
/// "Network ACL rules"). moto skips network ACLs, so this is a template test.
#[test]
fn network_acls_admit_udp_replies_too() {
    let t = template("stacks:\n  - name: net\n    vpc: {max_azs: 2, nat_gateways: 2, network_acls: {}}\n");
    for (id, number) in [("VpcPublicNetworkAclInbound140", 140), ("VpcPrivateNetworkAclInbound120", 120)] {
        let p = &t["Resources"][id]["Properties"];
        assert_eq!(p["Protocol"], 17, "{id}: UDP");
        assert_eq!(p["RuleNumber"], number);
        assert_eq!(p["Egress"], false);
        assert_eq!(p["CidrBlock"], "0.0.0.0/0");
        assert_eq!(p["PortRange"], serde_json::json!({"From": 1024, "To": 65535}));
    }
}

/// Item 19. Log groups are retained on removal and stack deletion, as the
/// AWS CDK's LogGroupProps.removalPolicy (default RETAIN): a failed first
/// deploy's rollback would otherwise delete the container output that
/// explains it. `delete_logs_on_removal` (services) and `delete_on_removal`
/// (flow logs) opt out.
#[test]
fn log_groups_are_retained_unless_asked_otherwise() {
    let t = template(&app("shop", "", ""));
    let group = &t["Resources"]["WebTaskDefinitionLogGroup"];
    assert_eq!(group["DeletionPolicy"], "Retain");
    assert_eq!(group["UpdateReplacePolicy"], "Retain");
    assert_eq!(group["Properties"]["RetentionInDays"], 365, "retention still ages the events out");
    let t = template(&app("shop", "", "        delete_logs_on_removal: true\n"));
    assert!(t["Resources"]["WebTaskDefinitionLogGroup"].get("DeletionPolicy").is_none());
    let t = template("stacks:\n  - name: net\n    vpc: {max_azs: 2, nat_gateways: 2, flow_logs: {}}\n");
    assert_eq!(t["Resources"]["VpcFlowLogsLogGroup"]["DeletionPolicy"], "Retain");
    let t = template(
        "stacks:\n  - name: net\n    vpc: {max_azs: 2, nat_gateways: 2, flow_logs: {delete_on_removal: true}}\n",
    );
    assert!(t["Resources"]["VpcFlowLogsLogGroup"].get("DeletionPolicy").is_none());
}

/// Item 17. CloudFront tries the primary origin of a group on every request
/// and fails over only when its connection attempts run out: 3 × 10 s by
/// default (Amazon CloudFront Developer Guide, "Optimize high availability
/// with CloudFront origin failover"). The primary gets 1 attempt of 3 s; the
/// secondary, the last resort, keeps CloudFront's defaults.
#[test]
fn the_primary_origin_fails_over_fast() {
    let all = stacks(&multi_region("{}", ""));
    let origins = &all["web-cdn"]["Resources"]["Cdn"]["Properties"]["DistributionConfig"]["Origins"];
    assert_eq!(origins[0]["Id"], "primary");
    assert_eq!(
        (origins[0]["ConnectionAttempts"].clone(), origins[0]["ConnectionTimeout"].clone()),
        (1.into(), 3.into())
    );
    assert_eq!(origins[1]["Id"], "secondary");
    assert_eq!(
        (origins[1]["ConnectionAttempts"].clone(), origins[1]["ConnectionTimeout"].clone()),
        (3.into(), 10.into())
    );
    assert!(!codes(&warnings(&multi_region("{}", ""))).contains(&"cdn:slow-failover"));

    // CloudFront's 30 s written in the app: a choice, reported as a note.
    let slow = multi_region("{}", "").replace(
        "cdn: {price_class: price_class_100}",
        "cdn: {price_class: price_class_100, origin_connection_attempts: 3, origin_connection_timeout_seconds: 10}",
    );
    assert!(!codes(&warnings(&slow)).contains(&"cdn:slow-failover"), "{:?}", warnings(&slow));
    let props: AppProps = serde_yaml::from_str(&slow).expect("app parses");
    let notes = props.synth_with_diagnostics(Format::Yaml).expect("synth").notes;
    assert!(notes.iter().any(|n| n.code == "cdn:slow-failover" && n.message.contains("up to 30 s")), "{notes:?}");
    // Any template with CloudFront's defaults (here: no connection settings at all): a warning.
    let t = serde_json::json!({"Resources": {"D": {"Type": "AWS::CloudFront::Distribution", "Properties": {
    "DistributionConfig": {
        "Origins": [{"Id": "a", "DomainName": "a.example.com", "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"}},
                    {"Id": "b", "DomainName": "b.example.com", "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"}}],
        "OriginGroups": {"Quantity": 1, "Items": [{"Id": "g", "Members": {"Quantity": 2, "Items": [{"OriginId": "a"}, {"OriginId": "b"}]}}]}
    }}}}});
    let doc = rcdk_constructs::analysis::Doc::from_json(&t, None).expect("template");
    let found = rcdk_constructs::analysis::analyze(&[rcdk_constructs::analysis::StackTemplate {
        name: "s",
        doc,
        inputs: vec![],
        nested_in: None,
    }]);
    assert_eq!(found.iter().map(|f| f.code).collect::<Vec<_>>(), ["cdn:slow-failover"], "{found:?}");
    assert!(found[0].message.contains("up to 30 s"), "{}", found[0].message);
}

/// Item 11. ECS measures a service's CPUUtilization against the CPU its
/// tasks reserve (Amazon ECS Developer Guide, "Service utilization"); with
/// no reservation a CPU target or alarm threshold means nothing.
#[test]
fn cpu_scaling_and_alarms_need_a_cpu_reservation() {
    let no_cpu = app("shop", "", "        scaling: {min_capacity: 2, max_capacity: 4, cpu_target_percent: 60}\n")
        .replace("        cpu: 256\n", "");
    let found = warnings(&no_cpu);
    assert_eq!(codes(&found), ["service:cpu-metric-without-reservation"], "{found:?}");
    assert_eq!(found[0].1, "stacks[0].services.web.scaling.cpu_target_percent");
    assert!(found[0].2.contains("WebScalingCpuScaling, WebCpuAlarm"), "{}", found[0].2);
    // The preset CPU alarm alone warns too, at the alarm.
    let alarm_only = app("shop", "", "").replace("        cpu: 256\n", "");
    let found = warnings(&alarm_only);
    assert_eq!(
        found.iter().map(|w| (w.0.as_str(), w.1.as_str())).collect::<Vec<_>>(),
        [("service:cpu-metric-without-reservation", "stacks[0].services.web.alarms.cpu")]
    );
    // A container reservation gives the metric its base.
    assert!(warnings(&app(
        "shop",
        "",
        "        scaling: {min_capacity: 2, max_capacity: 4, cpu_target_percent: 60}\n"
    ))
    .is_empty());
}

/// Item 14. Docker Hub allows 10 anonymous pulls an hour per IP address
/// (Docker Docs, "Docker Hub usage and limits"), and every task start pulls
/// through the NAT gateway's one address.
#[test]
fn anonymous_docker_hub_images_warn_at_the_image() {
    let yaml = app("shop", "", "").replace("public.ecr.aws/nginx/nginx:1.27", "nginx:1.27");
    let props: AppProps = serde_yaml::from_str(&yaml).expect("app parses");
    let s = props.synth_with_diagnostics(Format::Yaml).expect("synth");
    let hub: Vec<_> = s.warnings.iter().filter(|w| w.code == "ecs:image-docker-hub-anonymous").collect();
    assert_eq!(hub.len(), 1, "{:?}", s.warnings);
    assert_eq!(hub[0].field.to_string(), "stacks[0].services.web.image");
    assert!(hub[0].message.contains("`nginx:1.27` from Docker Hub"), "{}", hub[0].message);
    // ECR Public, another registry or the app's own repository: no warning.
    for image in ["public.ecr.aws/nginx/nginx:1.27", "ghcr.io/acme/web:1.4.2", "docker.io.example.com/web:1"] {
        let found = warnings(&yaml.replace("nginx:1.27", image));
        assert!(!codes(&found).contains(&"ecs:image-docker-hub-anonymous"), "{image}: {found:?}");
    }
}

/// Item 16. A count-based rule over every tag expires the image a service
/// still runs after N pushes (Amazon ECR User Guide, "Lifecycle policies"):
/// below 10 kept images, a warning at `keep_images`.
#[test]
fn a_small_keep_count_warns() {
    let repo = |keep: &str| format!("stacks:\n  - name: images\n    repositories:\n      web: {{{keep}}}\n");
    let found = warnings(&repo("keep_images: 5"));
    assert_eq!(codes(&found), ["ecr:lifecycle-count-any"], "{found:?}");
    assert_eq!(found[0].1, "stacks[0].repositories.web.keep_images");
    assert!(found[0].2.contains("keeps the 5 most recently pushed images"), "{}", found[0].2);
    assert!(warnings(&repo("keep_images: 10")).is_empty());
    assert!(warnings(&repo("")).is_empty(), "the default keeps 30");
}

/// Item 9. RDS rotates the managed master secret every 7 days (Amazon RDS
/// User Guide, "Password management with Amazon RDS and AWS Secrets
/// Manager"); ECS injects secrets only at task start (Amazon ECS Developer
/// Guide, "Pass Secrets Manager secrets through Amazon ECS environment
/// variables"), so tasks started before a rotation cannot open new connections.
#[test]
fn master_credentials_injected_at_task_start_warn_and_secret_arn_reads_them_at_connect() {
    let db_app = |service: &str| {
        app("shop", "    database: {engine: postgres}\n", &format!("        database: true\n{service}"))
    };
    // Default: injected (env), warned about at the service's `database`.
    let found = warnings(&db_app(""));
    assert_eq!(codes(&found), ["rds:master-credentials-in-service"], "{found:?}");
    assert_eq!(found[0].1, "stacks[0].services.web.database");
    assert!(found[0].2.contains("DB_PASSWORD, DB_USERNAME"), "{}", found[0].2);
    // Written `env`: a choice, reported as a note.
    let written = db_app("        database_credentials: env\n");
    assert!(warnings(&written).is_empty());
    let props: AppProps = serde_yaml::from_str(&written).expect("app parses");
    let notes = props.synth_with_diagnostics(Format::Yaml).expect("synth").notes;
    assert_eq!(besides_unpinned_amis(&notes), ["rds:master-credentials-in-service"]);

    // `secret_arn`: the ARN in the environment, nothing injected, the task role reads it.
    let yaml = db_app("        database_credentials: secret_arn\n");
    assert!(warnings(&yaml).is_empty(), "{:?}", warnings(&yaml));
    let t = template(&yaml);
    let r = &t["Resources"];
    let c = &r["WebTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    let secret = serde_json::json!({"Fn::GetAtt": ["Database", "MasterUserSecret.SecretArn"]});
    assert!(c["Environment"]
        .as_array()
        .expect("env")
        .contains(&serde_json::json!({"Name": "DB_SECRET_ARN", "Value": secret})));
    assert!(c.get("Secrets").is_none(), "no password injected: {c}");
    let task_role =
        r["WebTaskDefinitionTaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].to_string();
    assert!(
        task_role.contains("secretsmanager:GetSecretValue") && task_role.contains("MasterUserSecret.SecretArn"),
        "{task_role}"
    );
    let exec_role = r["WebTaskDefinitionExecutionRole"]["Properties"].to_string();
    assert!(!exec_role.contains("secretsmanager"), "the execution role reads no secret: {exec_role}");
    lint("db-secret-arn", &yaml);

    // Without `database: true`, the field would do nothing: refused.
    let found =
        errors(&app("shop", "    database: {engine: postgres}\n", "        database_credentials: secret_arn\n"));
    assert_eq!(codes(&found), ["service:database-credentials-without-database"], "{found:?}");
    assert_eq!(found[0].1, "stacks[0].services.web.database_credentials");
}

/// Item 10. With http-only origins, CloudFront sends the secret origin
/// header across the internet in plain HTTP (Amazon CloudFront Developer
/// Guide, "Add custom headers to origin requests").
#[test]
fn the_secret_origin_header_in_plain_http_warns() {
    let found = warnings(&multi_region("{}", ""));
    assert_eq!(codes(&found), ["cdn:origin-secret-cleartext"], "{found:?}");
    assert_eq!(found[0].1, "stacks[0].cdn.origin_protocol");
    assert!(
        found[0].2.contains("`X-Origin-Verify` header to origin(s) `primary`, `secondary` over plain HTTP"),
        "{}",
        found[0].2
    );
    // Certificates on both origins: HTTPS, no warning.
    let certs = "\n    region_overrides:\n      us-east-1: {certificate_arns: [\"arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555\"]}\n      eu-west-1: {certificate_arns: [\"arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555\"]}\n";
    assert!(warnings(&multi_region("{}", certs)).is_empty());
    // `http_only` written in the app: a note.
    let written = multi_region("{}", "").replace(
        "cdn: {price_class: price_class_100}",
        "cdn: {price_class: price_class_100, origin_protocol: http_only}",
    );
    assert!(warnings(&written).is_empty());
    let props: AppProps = serde_yaml::from_str(&written).expect("app parses");
    let notes = props.synth_with_diagnostics(Format::Yaml).expect("synth").notes;
    assert_eq!(besides_unpinned_amis(&notes), ["cdn:origin-secret-cleartext"]);
}

/// Item 15. Each awsvpc task takes one of the instance's network
/// interfaces, and the instance's own counts too (Amazon ECS Developer Guide,
/// "Increasing Amazon ECS Linux container instance network interfaces"):
/// t3.small has 3, so 2 awsvpc tasks per instance without ENI trunking. And
/// a task larger than an instance can never be placed.
#[test]
fn awsvpc_tasks_beyond_the_network_interfaces_and_tasks_larger_than_an_instance() {
    let awsvpc = |desired: u32| {
        app(
            "shop",
            "    cluster: {instance_type: t3.small, min_capacity: 1, max_capacity: 2}\n",
            &format!("        network_mode: awsvpc\n        desired_count: {desired}\n"),
        )
    };
    // 2 tasks, 4 during a rolling deployment: 2 instances × 2 interfaces hold them.
    assert!(warnings(&awsvpc(2)).is_empty(), "{:?}", warnings(&awsvpc(2)));
    // 3 tasks fit, the 6 of a rolling deployment do not.
    let found = warnings(&awsvpc(3));
    assert_eq!(codes(&found), ["ecs:awsvpc-eni-capacity"], "{found:?}");
    assert_eq!(found[0].1, "stacks[0].cluster.max_capacity");
    assert!(
        found[0].2.contains("up to 6 tasks at once") && found[0].2.contains("4 on the group's 2 instance(s)"),
        "{}",
        found[0].2
    );
    // 6 tasks can never all run.
    let found = warnings(&awsvpc(6));
    assert!(found[0].2.contains("run 6 tasks") && found[0].2.contains("can never be placed"), "{}", found[0].2);
    // A larger instance type has room.
    assert!(warnings(&awsvpc(3).replace("t3.small", "m5.2xlarge")).is_empty());

    // 3072 MiB on t3.small (2048 MiB), 4096 CPU units on its 2 vCPUs: refused.
    let big = app("shop", "    cluster: {instance_type: t3.small}\n", "        memory_mib: 3072\n")
        .replace("cpu: 256", "cpu: 4096");
    let found = errors(&big);
    let got: Vec<(&str, &str)> = found.iter().map(|(c, f, _)| (c.as_str(), f.as_str())).collect();
    assert_eq!(
        got,
        [
            ("ecs:task-larger-than-instance", "stacks[0].services.web.memory_mib"),
            ("ecs:task-larger-than-instance", "stacks[0].services.web.cpu")
        ],
        "{found:?}"
    );
    assert!(
        found[0].2.contains("reserve 3072 MiB of memory, and the cluster's instances (t3.small) have 2048"),
        "{}",
        found[0].2
    );
}
