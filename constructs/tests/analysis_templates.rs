//! The analysis over the committed templates: each passes, and each
//! deliberately broken copy (one rule the traffic needs removed at a time)
//! is refused with the code of the broken hop.

use std::path::PathBuf;

use rcdk_constructs::analysis::{analyze, Doc, Finding, Severity, StackTemplate};
use rcdk_constructs::cfn::parse_template;
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
    analyze(&[StackTemplate { name: "t", doc, inputs: vec![], nested_in: None }])
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
                found.iter().any(|f| f.code == "net:lb-to-target-blocked" && f.resource == group),
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
        assert!(found.iter().any(|f| f.code == "net:listener-unreachable"), "{name}: {found:#?}");
    }
}

#[test]
fn removing_a_listener_rule_orphans_its_target_group() {
    let mut cases = 0;
    for (name, t) in templates() {
        for (id, _) in of_type(&t, "AWS::ElasticLoadBalancingV2::ListenerRule") {
            cases += 1;
            let found = errors(&without(&t, &[id]));
            assert!(found.iter().any(|f| f.code == "net:target-group-orphan"), "{name} without {id}: {found:#?}");
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
        assert!(found.iter().any(|f| f.code == "net:nacl-blocked"), "without {entries:?}: {found:#?}");
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
        assert!(found.iter().any(|f| f.code == "net:instances-no-egress"), "{name}: {found:#?}");
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
                nested_in: None,
            },
            StackTemplate {
                name: "web-eu-west-1",
                doc: Doc::from_json(&secondary, Some("eu-west-1")).expect("t"),
                inputs: vec![],
                nested_in: None,
            },
            StackTemplate {
                name: "web-cdn",
                doc: Doc::from_json(&cdn, Some("us-east-1")).expect("t"),
                inputs: vec![
                    ("PrimaryOriginDomainName", "web-us-east-1", "LoadBalancerDnsName"),
                    ("SecondaryOriginDomainName", "web-eu-west-1", "LoadBalancerDnsName"),
                ],
                nested_in: None,
            },
        ];
        analyze(&stacks).into_iter().filter(|f| f.severity == Severity::Error).collect::<Vec<_>>()
    };
    assert!(run(&primary).is_empty(), "{:#?}", run(&primary));
    let mut internal = primary.clone();
    internal["Resources"]["LoadBalancer"]["Properties"]["Scheme"] = "internal".into();
    let found = run(&internal);
    assert!(found.iter().any(|f| f.code == "cdn:origin-internal" && f.stack == 0), "{found:#?}");
    let mut no_http = primary.clone();
    no_http["Resources"]["LoadBalancerHttpListener"]["Properties"]["Port"] = 8080.into();
    let found = run(&no_http);
    assert!(found.iter().any(|f| f.code == "cdn:origin-no-http-listener" && f.stack == 2), "{found:#?}");
}

/// Why removing `rule` from template `name` breaks no path the analysis
/// follows (`None`: it breaks one, so the analysis must find it).
fn not_needed(name: &str, t: &Value, rule: &str) -> Option<&'static str> {
    let services = of_type(t, "AWS::ECS::Service").count();
    let https =
        of_type(t, "AWS::ElasticLoadBalancingV2::Listener").any(|(_, l)| l["Properties"]["Protocol"] == "HTTPS");
    if services == 0 {
        return Some("the stack runs no service: no traffic of its own");
    }
    match rule {
        "ClusterInstanceSecurityGroupFromBastion" => Some("SSH from the bastion is for operators, on no request's path"),
        "BastionSecurityGroup.SecurityGroupEgress[0]" | "DatabaseSecurityGroup.SecurityGroupEgress[0]" => {
            Some("answers on a connection need no egress rule (security groups are stateful)")
        }
        "VpcPublicNetworkAclInbound110" if !https => {
            Some("TCP 443 from anywhere: no HTTPS listener, and the NAT gateway's HTTPS from the private subnets is entry 120")
        }
        "VpcPublicNetworkAclInbound120" => {
            Some("all from the VPC: entries 110 (HTTPS to the NAT gateway) and 130 (answers from the targets) cover it")
        }
        "VpcPrivateNetworkAclInbound100" => Some("all from the VPC: entry 110 (TCP 1024-65535) covers the dynamic host ports"),
        "VpcPublicNetworkAclInbound140" | "VpcPrivateNetworkAclInbound120" => {
            Some("UDP replies from the internet (DNS, NTP, QUIC): no path the analysis follows uses UDP")
        }
        _ => {
            let _ = name;
            None
        }
    }
}

/// Every rule the templates' traffic could use — each security group
/// ingress rule (inline or separate), each restricted egress (replaced by
/// one that lets nothing out), each network ACL entry — removed in turn:
/// where a path needs it, the analysis names the broken hop; where none
/// does (the reason is spelled out above), it says nothing.
#[test]
fn each_rule_removed_in_turn_is_found_where_a_path_needs_it() {
    let deny_all =
        serde_json::json!([{"IpProtocol": "icmp", "FromPort": 252, "ToPort": 86, "CidrIp": "255.255.255.255/32"}]);
    let (mut found_cases, mut quiet_cases) = (0, 0);
    for (name, t) in templates() {
        let mut cases: Vec<(String, Value, Option<&str>)> = Vec::new();
        for (id, r) in resources(&t) {
            match r["Type"].as_str() {
                Some("AWS::EC2::SecurityGroupIngress") => {
                    let group = r["Properties"]["GroupId"]["Fn::GetAtt"][0].as_str();
                    cases.push((id.clone(), without(&t, &[id]), group));
                }
                Some("AWS::EC2::NetworkAclEntry") => {
                    cases.push((id.clone(), without(&t, &[id]), r["Properties"]["NetworkAclId"]["Ref"].as_str()));
                }
                Some("AWS::EC2::SecurityGroup") => {
                    for key in ["SecurityGroupIngress", "SecurityGroupEgress"] {
                        let n = r["Properties"][key].as_array().map_or(0, Vec::len);
                        for i in 0..n {
                            let mut copy = t.clone();
                            let list = &mut copy["Resources"][id]["Properties"][key];
                            if key == "SecurityGroupEgress" && n == 1 {
                                // An empty list would be CloudFormation's default: everything out.
                                *list = deny_all.clone();
                            } else {
                                list.as_array_mut().expect("list").remove(i);
                            }
                            cases.push((format!("{id}.{key}[{i}]"), copy, Some(id.as_str())));
                        }
                    }
                }
                _ => {}
            }
        }
        for (rule, broken, holder) in cases {
            let found = errors(&broken);
            match not_needed(&name, &t, &rule) {
                Some(why) => {
                    quiet_cases += 1;
                    assert_eq!(found, vec![], "{name} without {rule} ({why})");
                }
                None => {
                    found_cases += 1;
                    let holder = holder.expect("the rule's group or ACL");
                    assert!(
                        found.iter().any(|f| f.resource == holder || f.resource == rule || f.message.contains(holder)),
                        "{name} without {rule}: nothing names {holder}: {found:#?}"
                    );
                }
            }
        }
    }
    assert!(found_cases >= 35 && quiet_cases >= 15, "{found_cases} found, {quiet_cases} quiet");
}

#[test]
fn the_database_admits_its_users_and_nothing_else() {
    let t = templates().into_iter().find(|(n, _)| n == "ordermanagement-prod").expect("ordermanagement-prod").1;
    let with_rule = |peer: Value| {
        let mut t = t.clone();
        let mut props = serde_json::json!({
            "GroupId": {"Fn::GetAtt": ["DatabaseSecurityGroup", "GroupId"]},
            "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432
        });
        for (k, v) in peer.as_object().expect("peer") {
            props[k] = v.clone();
        }
        t["Resources"]["DatabaseFromElsewhere"] =
            serde_json::json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": props});
        errors(&t)
    };
    let found = with_rule(
        serde_json::json!({"SourceSecurityGroupId": {"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]}}),
    );
    assert!(
        found.iter().any(|f| f.code == "net:database-admits-others"
            && f.resource == "DatabaseFromElsewhere"
            && f.message.contains("load balancer LoadBalancer")),
        "{found:#?}"
    );
    let found = with_rule(serde_json::json!({"CidrIp": "10.0.0.0/16"}));
    assert!(
        found.iter().any(|f| f.code == "net:database-admits-others" && f.message.contains("VpcPublicSubnet1")),
        "{found:#?}"
    );
    let found = with_rule(serde_json::json!({"CidrIp": "0.0.0.0/0"}));
    assert!(found.iter().any(|f| f.code == "net:database-open"), "{found:#?}");
    // The private subnets the instances run in: only users there.
    assert_eq!(
        with_rule(
            serde_json::json!({"SourceSecurityGroupId": {"Fn::GetAtt": ["ClusterInstanceSecurityGroup", "GroupId"]}})
        ),
        vec![]
    );
    // A service that reads the credentials through a parameter naming the
    // database uses it as much as one reading them directly.
    let mut indirect = without(&t, &["DatabaseSecurityGroupFromEcsInstances"]);
    let defs = &mut indirect["Resources"]["AppTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    defs["Environment"] = serde_json::json!([]);
    defs["Secrets"] = serde_json::json!([{"Name": "DB", "ValueFrom": {"Ref": "DbParam"}}]);
    indirect["Resources"]["DbParam"] = serde_json::json!({"Type": "AWS::SSM::Parameter",
        "Properties": {"Type": "String", "Value": {"Fn::Sub": "${Database.Endpoint.Address}"}}});
    let found = errors(&indirect);
    assert!(
        found.iter().any(|f| f.code == "net:database-unreachable" && f.message.contains("service AppService")),
        "{found:#?}"
    );
}

#[test]
fn a_health_check_port_the_targets_do_not_admit_is_found() {
    let t = templates().into_iter().find(|(n, _)| n == "todo-prod").expect("todo-prod").1;
    let (tg, _) = of_type(&t, "AWS::ElasticLoadBalancingV2::TargetGroup").next().expect("a target group");
    let mut broken = t.clone();
    broken["Resources"][tg]["Properties"]["HealthCheckPort"] = "8081".into();
    let found = errors(&broken);
    assert!(
        found
            .iter()
            .any(|f| f.code == "net:lb-to-target-blocked" && f.message.contains("health checks go to port 8081")),
        "{found:#?}"
    );
    // In the dynamic range the instances admit from the load balancer: fine.
    let mut fine = t.clone();
    fine["Resources"][tg]["Properties"]["HealthCheckPort"] = "40000".into();
    assert_eq!(errors(&fine), vec![]);
}

#[test]
fn a_binding_to_a_port_or_target_type_the_tasks_do_not_have_is_found() {
    let mut checked = 0;
    for (name, t) in templates() {
        for (id, s) in of_type(&t, "AWS::ECS::Service") {
            let Some(bindings) = s["Properties"]["LoadBalancers"].as_array() else { continue };
            for (i, b) in bindings.iter().enumerate() {
                let Some(port) = b["ContainerPort"].as_i64() else { continue };
                // The binding's port moved off the container's mapping.
                let mut broken = t.clone();
                broken["Resources"][id]["Properties"]["LoadBalancers"][i]["ContainerPort"] = (port + 1).into();
                let found = errors(&broken);
                assert!(
                    found.iter().any(|f| f.code == "net:service-container-mismatch" && f.resource == *id),
                    "{name}/{id}: {found:?}"
                );
                // The binding's container renamed away.
                let mut broken = t.clone();
                broken["Resources"][id]["Properties"]["LoadBalancers"][i]["ContainerName"] = "nope".into();
                assert!(errors(&broken).iter().any(|f| f.code == "net:service-container-mismatch"), "{name}/{id}");
                // The target group of the other type.
                let Some(tg) = b["TargetGroupArn"]["Ref"].as_str() else { continue };
                let mut broken = t.clone();
                let current =
                    broken["Resources"][tg]["Properties"]["TargetType"].as_str().unwrap_or("instance").to_owned();
                let other = if current == "ip" { "instance" } else { "ip" };
                broken["Resources"][tg]["Properties"]["TargetType"] = other.into();
                let found = errors(&broken);
                assert!(
                    found.iter().any(|f| f.code == "net:target-type-mismatch" && f.resource == tg),
                    "{name}/{tg}: {found:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "only {checked} bindings in the committed templates");
}
