//! The analysis over the committed templates: each passes, and each
//! deliberately broken copy (one rule the traffic needs removed at a time)
//! is refused with the code of the broken hop.

use std::path::PathBuf;

use rcdk_constructs::analysis::{analyze, codes, Doc, Finding, Severity, StackTemplate};
use rcdk_constructs::diff::parse_template;
use serde_json::Value;

fn templates() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../templates");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("templates/")
        .filter_map(|e| e.ok())
        // The templates, not the cloud assembly's manifest.json.
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().trim_end_matches(".yaml").to_owned();
            let text = std::fs::read_to_string(e.path()).expect("readable");
            (name, parse_template(&text).expect("a template"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn errors(template: &Value) -> Vec<Finding> {
    let doc = Doc::from_json(template, None).expect("a template");
    analyze(&[StackTemplate { name: "t", doc, inputs: vec![] }])
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

fn resources(t: &Value) -> &serde_json::Map<String, Value> {
    t["Resources"].as_object().expect("resources")
}

fn without(t: &Value, ids: &[&str]) -> Value {
    let mut t = t.clone();
    let r = t["Resources"].as_object_mut().expect("resources");
    for id in ids {
        r.remove(*id);
    }
    t
}

fn of_type<'a>(t: &'a Value, ty: &'a str) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
    resources(t).iter().filter(move |(_, r)| r["Type"] == ty)
}

#[test]
fn every_committed_template_passes() {
    for (name, t) in templates() {
        assert_eq!(errors(&t), vec![], "{name}");
    }
}

#[test]
fn removing_a_load_balancer_to_instance_rule_is_found() {
    let mut cases = 0;
    for (name, t) in templates() {
        let lb_sgs: Vec<&str> = of_type(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
            .flat_map(|(_, r)| r["Properties"]["SecurityGroups"].as_array().into_iter().flatten())
            .filter_map(|g| g["Fn::GetAtt"][0].as_str())
            .collect();
        for (id, rule) in of_type(&t, "AWS::EC2::SecurityGroupIngress") {
            let from = rule["Properties"]["SourceSecurityGroupId"]["Fn::GetAtt"][0].as_str();
            if !from.is_some_and(|f| lb_sgs.contains(&f)) {
                continue;
            }
            cases += 1;
            let group = rule["Properties"]["GroupId"]["Fn::GetAtt"][0].as_str().expect("group");
            let found = errors(&without(&t, &[id]));
            assert!(
                found.iter().any(|f| f.code == codes::LB_TO_TARGET && f.resource == group),
                "{name} without {id}: {found:#?}"
            );
        }
    }
    assert!(cases >= 5, "the examples have load-balanced services ({cases})");
}

#[test]
fn removing_the_listener_ports_ingress_is_found() {
    for (name, t) in templates() {
        let open: Vec<&str> = of_type(&t, "AWS::EC2::SecurityGroupIngress")
            .filter(|(_, r)| r["Properties"]["GroupId"]["Fn::GetAtt"][0] == "LoadBalancerSecurityGroup")
            .filter(|(_, r)| r["Properties"]["FromPort"] == 80)
            .map(|(id, _)| id.as_str())
            .collect();
        if open.is_empty() || !resources(&t).contains_key("LoadBalancerHttpListener") {
            continue;
        }
        let found = errors(&without(&t, &open));
        assert!(found.iter().any(|f| f.code == codes::LISTENER_UNREACHABLE), "{name}: {found:#?}");
    }
}

#[test]
fn removing_a_listener_rule_orphans_its_target_group() {
    let mut cases = 0;
    for (name, t) in templates() {
        for (id, _) in of_type(&t, "AWS::ElasticLoadBalancingV2::ListenerRule") {
            cases += 1;
            let found = errors(&without(&t, &[id]));
            assert!(found.iter().any(|f| f.code == codes::TARGET_GROUP_ORPHAN), "{name} without {id}: {found:#?}");
        }
    }
    assert!(cases >= 5);
}

#[test]
fn removing_a_network_acl_entry_the_traffic_needs_is_found() {
    let t = templates().into_iter().find(|(n, _)| n == "todo-prod").expect("todo-prod").1;
    // Port 80 from the clients, the answers to them, the targets' ports
    // (allowed by two entries: all from the VPC, and 1024-65535 from
    // anywhere), and the targets' answers to the load balancer.
    for entries in [
        &["VpcPublicNetworkAclInbound100"][..],
        &["VpcPublicNetworkAclOutbound100"],
        &["VpcPrivateNetworkAclInbound100", "VpcPrivateNetworkAclInbound110"],
        &["VpcPrivateNetworkAclOutbound100"],
    ] {
        for entry in entries {
            assert!(resources(&t).contains_key(*entry), "{entry}");
        }
        let found = errors(&without(&t, entries));
        assert!(found.iter().any(|f| f.code == codes::NACL_BLOCKED), "without {entries:?}: {found:#?}");
    }
    // One of the two alone is not needed: the analysis says nothing.
    assert_eq!(errors(&without(&t, &["VpcPrivateNetworkAclInbound100"])), vec![]);
}

#[test]
fn removing_the_nat_routes_cuts_the_instances_off() {
    let mut cases = 0;
    for (name, t) in templates() {
        if of_type(&t, "AWS::ECS::Service").next().is_none() {
            continue;
        }
        let routes: Vec<&str> = of_type(&t, "AWS::EC2::Route")
            .filter(|(_, r)| r["Properties"].get("NatGatewayId").is_some())
            .map(|(id, _)| id.as_str())
            .collect();
        cases += 1;
        let found = errors(&without(&t, &routes));
        assert!(found.iter().any(|f| f.code == codes::NO_EGRESS), "{name}: {found:#?}");
    }
    assert!(cases >= 4);
}

#[test]
fn the_cdn_and_its_origins_are_checked_across_templates() {
    let all = templates();
    let get = |n: &str| all.iter().find(|(name, _)| name == n).expect("template").1.clone();
    let (cdn, primary, secondary) = (get("web-cdn"), get("web-us-east-1"), get("web-eu-west-1"));
    let run = |primary: &Value| {
        let stacks = vec![
            StackTemplate {
                name: "web-us-east-1",
                doc: Doc::from_json(primary, Some("us-east-1")).expect("t"),
                inputs: vec![],
            },
            StackTemplate {
                name: "web-eu-west-1",
                doc: Doc::from_json(&secondary, Some("eu-west-1")).expect("t"),
                inputs: vec![],
            },
            StackTemplate {
                name: "web-cdn",
                doc: Doc::from_json(&cdn, Some("us-east-1")).expect("t"),
                inputs: vec![
                    ("PrimaryOriginDomainName", "web-us-east-1", "LoadBalancerDnsName"),
                    ("SecondaryOriginDomainName", "web-eu-west-1", "LoadBalancerDnsName"),
                ],
            },
        ];
        analyze(&stacks).into_iter().filter(|f| f.severity == Severity::Error).collect::<Vec<_>>()
    };
    assert!(run(&primary).is_empty(), "{:#?}", run(&primary));
    let mut internal = primary.clone();
    internal["Resources"]["LoadBalancer"]["Properties"]["Scheme"] = "internal".into();
    let found = run(&internal);
    assert!(found.iter().any(|f| f.code == codes::CDN_INTERNAL && f.stack == 0), "{found:#?}");
    let mut no_http = primary.clone();
    no_http["Resources"]["LoadBalancerHttpListener"]["Properties"]["Port"] = 8080.into();
    let found = run(&no_http);
    assert!(found.iter().any(|f| f.code == codes::CDN_NO_HTTP && f.stack == 2), "{found:#?}");
}
