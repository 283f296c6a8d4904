//! `regions` and `cdn` in the app schema: one stack per region plus the CDN
//! stack, fed by the regional stacks' outputs.

#[macro_use]
mod support;

use rcdk_constructs::app::{AppProps, StackSpec, LOAD_BALANCER_DNS_OUTPUT};
use rcdk_constructs::cfn::Format;
use rcdk_constructs::cloudfront::DistributionProps;
use rcdk_constructs::ec2::VpcProps;
use rcdk_constructs::patterns::LoadBalancedServiceProps;
use serde_json::json;

fn app() -> AppProps {
    AppProps {
        stacks: vec![StackSpec {
            name: "shop".into(),
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            vpc: Some(VpcProps { max_azs: Some(2), ..Default::default() }),
            services: [(
                "web".to_owned(),
                LoadBalancedServiceProps { image: "shop/web:1.4.2".into(), ..Default::default() },
            )]
            .into(),
            cdn: Some(DistributionProps {
                certificate_arn: Some(json!(
                    "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-123456789012"
                )),
                aliases: vec!["shop.example.com".into()],
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// A regional template without the origin secret, its stack name and its
/// region's CloudFront prefix list ID replaced.
fn comparable(stack: &rcdk_constructs::core::SynthesizedStack, name: &str) -> String {
    let mut t = stack.template.clone();
    t.resources.remove("CdnOriginSecret");
    // The primary reads the secret it creates by `Ref`, the secondary its replica by name.
    fn by_name(v: &mut serde_json::Value) {
        if *v == rcdk_constructs::cloudfront::origin_secret_reference_to("CdnOriginSecret") {
            *v = json!(rcdk_constructs::cloudfront::origin_secret_reference("shop"));
        }
        match v {
            serde_json::Value::Object(m) => m.values_mut().for_each(by_name),
            serde_json::Value::Array(a) => a.iter_mut().for_each(by_name),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(&t).expect("serializes");
    by_name(&mut v);
    let mut text = serde_json::to_string_pretty(&v).expect("renders").replace(name, "X");
    for region in ["us-east-1", "eu-west-1"] {
        if let Some(list) = rcdk_constructs::cloudfront::cloudfront_origin_facing_prefix_list(region) {
            text = text.replace(list, "PL");
        }
        if let Some(account) = rcdk_constructs::region::elb_log_delivery_account(region) {
            text = text.replace(account, "ELB");
        }
    }
    text
}

#[test]
fn one_stack_per_region_then_the_cdn() {
    let stacks = app().synth(Format::Yaml).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<(&str, Option<&str>)> = stacks.iter().map(|s| (s.name(), s.props.region.as_deref())).collect();
    assert_eq!(
        names,
        [("shop-us-east-1", Some("us-east-1")), ("shop-eu-west-1", Some("eu-west-1")), ("shop-cdn", Some("us-east-1"))]
    );
    for regional in &stacks[..2] {
        assert!(regional.template.outputs.contains_key(LOAD_BALANCER_DNS_OUTPUT));
        assert!(!regional.template.resources.values().any(|r| r.resource_type == "AWS::CloudFront::Distribution"));
    }
    // The primary creates the CDN lock's secret (replicated to the
    // secondary's region), so the secondary deploys after it.
    assert!(stacks[0].depends_on.is_empty());
    assert_eq!(stacks[1].depends_on, ["shop-us-east-1"]);
    let secret = &stacks[0].template.resources["CdnOriginSecret"];
    assert_eq!(secret.properties["ReplicaRegions"], json!([{"Region": "eu-west-1"}]));
    assert!(!stacks[1].template.resources.contains_key("CdnOriginSecret"));
    // Otherwise the regional templates differ only in their stack name, the
    // region's CloudFront prefix list and the account ELB writes access logs as.
    assert_eq!(comparable(&stacks[0], "shop-us-east-1"), comparable(&stacks[1], "shop-eu-west-1"));
    let cdn = &stacks[2];
    assert_eq!(cdn.depends_on, ["shop-eu-west-1", "shop-us-east-1"]);
    assert_eq!(cdn.template.resources.len(), 1);
    snapshot!("multi_region_cdn_stack", cdn.body.clone());
}

#[test]
fn region_problems_are_reported_once_at_their_fields() {
    let mut a = app();
    a.stacks[0].regions = vec!["us-east-1".into(), "us-east-1".into()];
    a.stacks[0].region = Some("us-east-1".into());
    let errors = a.synth(Format::Yaml).expect_err("invalid");
    let got: Vec<(&str, String)> = errors.0.iter().map(|e| (e.code.as_str(), e.field.to_string())).collect();
    assert!(got.contains(&("app:region-duplicate", "stacks[0].regions[1]".into())), "{got:?}");
    assert!(got.contains(&("app:region-conflict", "stacks[0].region".into())), "{got:?}");
    assert_eq!(got.iter().filter(|(c, _)| *c == "app:region-duplicate").count(), 1, "{got:?}");
}

#[test]
fn region_overrides_change_only_their_region() {
    let mut a = app();
    a.stacks[0].services.get_mut("web").expect("web").desired_count = Some(4);
    a.stacks[0].region_overrides = [(
        "eu-west-1".to_owned(),
        rcdk_constructs::app::RegionOverrides { desired_counts: [("web".to_owned(), 1)].into(), ..Default::default() },
    )]
    .into();
    let stacks = a.synth(Format::Yaml).unwrap_or_else(|e| panic!("{e}"));
    let count = |i: usize| stacks[i].template.resources["WebService"].properties["DesiredCount"].clone();
    assert_eq!(count(0), json!(4), "the primary keeps the service's own count");
    assert_eq!(count(1), json!(1), "the failover region runs one task");
    // Nothing else differs between the two regions.
    let strip = |i: usize, name: &str| {
        comparable(&stacks[i], name)
            .replace("\"DesiredCount\": 4", "\"DesiredCount\": N")
            .replace("\"DesiredCount\": 1", "\"DesiredCount\": N")
    };
    assert_eq!(strip(0, "shop-us-east-1"), strip(1, "shop-eu-west-1"));
}

#[test]
fn locked_origins_require_the_header_on_every_rule_and_refuse_a_full_rule() {
    // Every service rule carries the lock's header condition, the catch-all
    // answers 403, and a header-bearing request no rule matches gets 404.
    let routed = |paths: Vec<String>| {
        let mut a = app();
        a.stacks[0].services.get_mut("web").expect("web").routing = Some(rcdk_constructs::elbv2::ListenerRuleProps {
            path_patterns: Some(paths),
            priority: Some(10),
            ..Default::default()
        });
        a
    };
    let stacks = routed(vec!["/api/*".into()]).synth(Format::Yaml).unwrap_or_else(|e| panic!("{e}"));
    let t = &stacks[0].template;
    let rules: Vec<_> =
        t.resources.values().filter(|r| r.resource_type == "AWS::ElasticLoadBalancingV2::ListenerRule").collect();
    assert!(rules.len() >= 2, "service rule and the verified 404");
    for r in &rules {
        let conditions = r.properties["Conditions"].as_array().expect("conditions");
        assert_eq!(conditions.last().expect("one")["HttpHeaderConfig"]["HttpHeaderName"], "X-Origin-Verify");
    }
    let not_found = &t.resources["LoadBalancerVerifiedNotFound"];
    assert_eq!(not_found.properties["Priority"], 50000);
    assert_eq!(not_found.properties["Actions"][0]["FixedResponseConfig"]["StatusCode"], "404");
    let listener = t
        .resources
        .values()
        .find(|r| {
            r.resource_type == "AWS::ElasticLoadBalancingV2::Listener" && r.properties.get("Port") == Some(&json!(80))
        })
        .expect("listener");
    assert_eq!(listener.properties["DefaultActions"][0]["FixedResponseConfig"]["StatusCode"], "403");

    // Two hosts and three path patterns fill a rule: the header makes six,
    // one too many, reported at the service's routing.
    let mut a = routed((1..=3).map(|i| format!("/p{i}/*")).collect());
    if let Some(rule) = a.stacks[0].services.get_mut("web").and_then(|w| w.routing.as_mut()) {
        rule.host_headers = Some(vec!["a.example.com".into(), "b.example.com".into()]);
    }
    let errors = a.synth(Format::Yaml).expect_err("full rule");
    let got: Vec<(&str, String)> = errors.0.iter().map(|e| (e.code.as_str(), e.field.to_string())).collect();
    assert!(got.contains(&("cdn:lock-rule-full", "stacks[0].services.web.routing".into())), "{got:?}");

    // Unlocked, the same conditions are fine.
    a.stacks[0].cdn.as_mut().expect("cdn").origin_lock = Some(false);
    a.synth(Format::Yaml).unwrap_or_else(|e| panic!("{e}"));
}
