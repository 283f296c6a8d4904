//! Load balancer access logs: the bucket rcdk creates when the stack names
//! its region, with what Elastic Load Balancing requires of it ("Enable
//! access logs for your Application Load Balancer",
//! https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html):
//! SSE-S3 only, a bucket policy for the region's log delivery identity (the
//! regional ELB account before August 2022, the `logdelivery` service
//! after), objects under `[prefix/]AWSLogs/<account>/`, and the load
//! balancer created after the policy (it test-writes when logs turn on).

mod support;

use rcdk_constructs::cfn::{Format, Template};
use rcdk_constructs::core::App;
use rcdk_constructs::elbv2::*;
use serde_json::{json, Value};

fn template(region: Option<&str>, props: &LoadBalancerProps) -> Template {
    let (mut stack, vpc) = support::stack_with_vpc(region);
    let path = stack.root().child("Lb");
    ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), props);
    let mut app = App::new();
    app.add_stack(stack);
    let stacks = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    stacks[0].template.clone()
}

fn errors(region: Option<&str>, props: &LoadBalancerProps) -> Vec<(String, String)> {
    let (mut stack, vpc) = support::stack_with_vpc(region);
    let path = stack.root().child("Lb");
    ApplicationLoadBalancer::new(&mut stack, &path, &vpc, &Action::not_found(), props);
    let mut app = App::new();
    app.add_stack(stack);
    match app.synth(Format::Yaml) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.0.iter().map(|e| (e.code.to_string(), e.field.to_string())).collect(),
    }
}

fn attributes(t: &Template) -> Vec<(String, Value)> {
    let lb = &t.resources["Lb"];
    lb.properties["LoadBalancerAttributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .map(|a| (a["Key"].as_str().unwrap_or_default().to_owned(), a["Value"].clone()))
        .filter(|(k, _)| k.starts_with("access_logs"))
        .collect()
}

fn delivery_statement(t: &Template) -> Value {
    let policy = &t.resources["LbAccessLogsPolicy"].properties["PolicyDocument"]["Statement"];
    policy
        .as_array()
        .expect("statements")
        .iter()
        .find(|s| s["Sid"] == "AllowLoadBalancerLogDelivery")
        .cloned()
        .expect("the log delivery statement")
}

#[test]
fn a_stack_with_a_region_logs_to_a_bucket_of_its_own() {
    let t = template(Some("us-east-1"), &LoadBalancerProps::default());
    let bucket = &t.resources["LbAccessLogs"];
    assert_eq!(bucket.resource_type, "AWS::S3::Bucket");
    let p = &bucket.properties;
    // SSE-S3: the only server-side encryption ELB delivers to.
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"],
        json!({"SSEAlgorithm": "AES256"})
    );
    assert_eq!(p["VersioningConfiguration"], json!({"Status": "Enabled"}));
    assert_eq!(p["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"], json!(true));
    let rules = p["LifecycleConfiguration"]["Rules"].as_array().expect("lifecycle rules");
    assert_eq!(rules[0]["Id"], "ExpireObjects");
    assert_eq!(rules[0]["ExpirationInDays"], json!(DEFAULT_ACCESS_LOGS_RETENTION_DAYS));
    assert_eq!(rules[1]["NoncurrentVersionExpiration"]["NoncurrentDays"], json!(90));
    // An audit record: kept when the stack goes, so `destroy` cannot hang on a full bucket.
    let rendered = serde_json::to_value(bucket).expect("renders");
    assert_eq!(rendered["DeletionPolicy"], "Retain");
    assert_eq!(rendered["UpdateReplacePolicy"], "Retain");

    // us-east-1 opened before August 2022: the regional ELB account writes.
    let s = delivery_statement(&t);
    assert_eq!(s["Principal"], json!({"AWS": "arn:aws:iam::127311923021:root"}));
    assert_eq!(s["Action"], "s3:PutObject");
    assert_eq!(
        s["Resource"],
        json!({"Fn::Join": ["", [{"Fn::GetAtt": ["LbAccessLogs", "Arn"]}, "/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"]]})
    );
    // TLS only, as every bucket rcdk makes.
    let statements = t.resources["LbAccessLogsPolicy"].properties["PolicyDocument"]["Statement"].clone();
    assert_eq!(statements[0]["Sid"], "DenyInsecureTransport");

    assert_eq!(
        attributes(&t),
        vec![
            ("access_logs.s3.enabled".to_owned(), json!("true")),
            ("access_logs.s3.bucket".to_owned(), json!({"Ref": "LbAccessLogs"})),
        ]
    );
    // ELB test-writes into the bucket when logging turns on: the policy must exist first.
    assert!(t.resources["Lb"].depends_on.contains(&"LbAccessLogsPolicy".to_owned()));
}

#[test]
fn newer_regions_grant_the_log_delivery_service_and_other_partitions_their_own_arns() {
    let t = template(Some("eu-central-2"), &LoadBalancerProps::default());
    assert_eq!(
        delivery_statement(&t)["Principal"],
        json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"})
    );
    let t = template(Some("cn-north-1"), &LoadBalancerProps::default());
    assert_eq!(delivery_statement(&t)["Principal"], json!({"AWS": "arn:aws-cn:iam::638102146993:root"}));
    let t = template(Some("us-gov-west-1"), &LoadBalancerProps::default());
    assert_eq!(delivery_statement(&t)["Principal"], json!({"AWS": "arn:aws-us-gov:iam::048591011584:root"}));
}

#[test]
fn prefix_and_retention_shape_the_bucket() {
    let props = LoadBalancerProps {
        access_logs_prefix: Some("prod/web".into()),
        access_logs_retention_days: Some(30),
        ..Default::default()
    };
    let t = template(Some("eu-west-1"), &props);
    assert_eq!(delivery_statement(&t)["Resource"]["Fn::Join"][1][1], json!("/prod/web/AWSLogs/"));
    assert_eq!(t.resources["LbAccessLogs"].properties["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"], 30);
    assert!(attributes(&t).contains(&("access_logs.s3.prefix".to_owned(), json!("prod/web"))));
}

#[test]
fn a_named_bucket_or_access_logs_off_creates_no_bucket() {
    let named = LoadBalancerProps { access_logs_bucket: Some("org-alb-logs".into()), ..Default::default() };
    let t = template(Some("us-east-1"), &named);
    assert!(!t.resources.contains_key("LbAccessLogs"));
    assert!(attributes(&t).contains(&("access_logs.s3.bucket".to_owned(), json!("org-alb-logs"))));
    assert!(!t.resources["Lb"].depends_on.iter().any(|d| d.contains("AccessLogs")));

    let off = LoadBalancerProps { access_logs: Some(false), ..Default::default() };
    let t = template(Some("us-east-1"), &off);
    assert!(!t.resources.contains_key("LbAccessLogs"));
    assert!(attributes(&t).is_empty());

    // Without a region rcdk cannot name the delivery identity: no logs by default.
    let t = template(None, &LoadBalancerProps::default());
    assert!(!t.resources.contains_key("LbAccessLogs"));
    assert!(attributes(&t).is_empty());
}

#[test]
fn contradictory_or_invalid_access_log_settings_are_refused_at_their_field() {
    let cases: Vec<(Option<&str>, LoadBalancerProps, &str, &str)> = vec![
        (
            Some("us-east-1"),
            LoadBalancerProps {
                access_logs: Some(false),
                access_logs_bucket: Some("logs".into()),
                ..Default::default()
            },
            "elbv2:access-logs-off-with-bucket",
            "access_logs",
        ),
        (
            None,
            LoadBalancerProps { access_logs: Some(true), ..Default::default() },
            "elbv2:access-logs-need-region",
            "access_logs",
        ),
        (
            Some("us-east-1"),
            LoadBalancerProps { access_logs_prefix: Some("AWSLogs".into()), ..Default::default() },
            "elbv2:access-logs-prefix-invalid",
            "access_logs_prefix",
        ),
        (
            Some("us-east-1"),
            LoadBalancerProps { access_logs_prefix: Some("/web".into()), ..Default::default() },
            "elbv2:access-logs-prefix-invalid",
            "access_logs_prefix",
        ),
        (
            None,
            LoadBalancerProps { access_logs_prefix: Some("web".into()), ..Default::default() },
            "elbv2:access-logs-prefix-without-bucket",
            "access_logs_prefix",
        ),
        (
            Some("us-east-1"),
            LoadBalancerProps {
                access_logs_bucket: Some("logs".into()),
                access_logs_retention_days: Some(30),
                ..Default::default()
            },
            "elbv2:access-logs-retention-unused",
            "access_logs_retention_days",
        ),
        (
            Some("us-east-1"),
            LoadBalancerProps { access_logs_retention_days: Some(0), ..Default::default() },
            "elbv2:access-logs-retention-invalid",
            "access_logs_retention_days",
        ),
    ];
    for (region, props, code, field) in cases {
        assert_eq!(errors(region, &props), vec![(code.to_owned(), field.to_owned())], "{props:?}");
    }
}
