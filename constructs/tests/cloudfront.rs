//! The CloudFront failover distribution: snapshots, the origin group and
//! behaviors it makes, and validation of its props.

#[macro_use]
mod support;

use rcdk_constructs::cfn::{Format, Parameter, ParameterType, Template};
use rcdk_constructs::cloudfront::{
    Distribution, DistributionOrigins, DistributionProps, OriginProtocol, PriceClass, CACHING_DISABLED_POLICY_ID,
    ORIGIN_REQUEST_ALL_VIEWER_POLICY_ID,
};
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use serde_json::{json, Value};

type Problems = Vec<(String, String, String)>;

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-123456789012";

fn build(props: &DistributionProps) -> Result<(Distribution, Template), Problems> {
    build_with(props, &[])
}

/// As [`build`], with extra String parameters for props that refer to them.
fn build_with(props: &DistributionProps, parameters: &[&str]) -> Result<(Distribution, Template), Problems> {
    let mut stack = Stack::new(StackProps { name: "global".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    for name in parameters {
        stack.add_parameter(&root, name, Parameter::new(ParameterType::String));
    }
    let primary = stack.add_parameter(&root, "PrimaryLoadBalancerDns", Parameter::new(ParameterType::String));
    let secondary = stack.add_parameter(&root, "SecondaryLoadBalancerDns", Parameter::new(ParameterType::String));
    let cdn = stack.in_field("cdn", |s| {
        Distribution::new(s, &root.child("Cdn"), &DistributionOrigins::new(primary, secondary), props)
    });
    let mut app = App::new();
    app.add_stack(stack);
    match app.synth(Format::Yaml) {
        Ok(mut stacks) => Ok((cdn, stacks.remove(0).template)),
        Err(e) => Err(e.0.iter().map(|e| (e.code.to_string(), e.field.to_string(), e.to_string())).collect()),
    }
}

fn ok(props: &DistributionProps) -> (Distribution, Template, Value) {
    let (cdn, template) = build(props).unwrap_or_else(|e| panic!("unexpected problems: {e:?}"));
    let config = template.resources["Cdn"].properties["DistributionConfig"].clone();
    (cdn, template, config)
}

fn problems(props: &DistributionProps) -> Vec<(String, String)> {
    build(props).map(|_| ()).expect_err("expected problems").into_iter().map(|(c, f, _)| (c, f)).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

#[test]
fn default_distribution_fails_over_and_snapshot() {
    let (cdn, template, config) = ok(&DistributionProps::default());
    assert_eq!(
        config["Origins"][0],
        json!({
            "Id": "primary",
            "DomainName": {"Ref": "PrimaryLoadBalancerDns"},
            // The primary gives up after one attempt of 3 s, so requests fail over fast.
            "ConnectionAttempts": 1,
            "ConnectionTimeout": 3,
            "CustomOriginConfig": {"OriginProtocolPolicy": "http-only", "HTTPPort": 80, "HTTPSPort": 443, "OriginSSLProtocols": ["TLSv1.2"]},
        })
    );
    assert_eq!(config["Origins"][1]["DomainName"], json!({"Ref": "SecondaryLoadBalancerDns"}));
    assert_eq!(
        (config["Origins"][1]["ConnectionAttempts"].clone(), config["Origins"][1]["ConnectionTimeout"].clone()),
        (json!(3), json!(10))
    );
    let group = &config["OriginGroups"]["Items"][0];
    assert_eq!(group["FailoverCriteria"]["StatusCodes"], json!({"Quantity": 4, "Items": [500, 502, 503, 504]}));
    assert_eq!(group["Members"]["Items"], json!([{"OriginId": "primary"}, {"OriginId": "secondary"}]));
    let behavior = &config["DefaultCacheBehavior"];
    assert_eq!(behavior["TargetOriginId"], group["Id"]);
    assert_eq!(behavior["ViewerProtocolPolicy"], json!("redirect-to-https"));
    // CloudFront only fails over (and only accepts on an origin-group behavior) GET, HEAD and OPTIONS.
    assert_eq!(behavior["AllowedMethods"], json!(["GET", "HEAD", "OPTIONS"]));
    assert_eq!(behavior["CachePolicyId"], json!(CACHING_DISABLED_POLICY_ID));
    assert_eq!(behavior["OriginRequestPolicyId"], json!(ORIGIN_REQUEST_ALL_VIEWER_POLICY_ID));
    assert_eq!(config["ViewerCertificate"], json!({"CloudFrontDefaultCertificate": true}));
    assert_eq!(config["HttpVersion"], json!("http2and3"));
    assert_eq!(config["IPV6Enabled"], json!(true));
    assert!(config.get("Aliases").is_none() && config.get("CacheBehaviors").is_none());
    assert_eq!(cdn.domain_name, json!({"Fn::GetAtt": ["Cdn", "DomainName"]}));
    assert_eq!(template.outputs["CdnDomainName"].value, cdn.domain_name);
    assert_eq!(template.outputs["CdnDistributionId"].value, json!({"Ref": "Cdn"}));
    snapshot!("cloudfront_default", template.to_yaml().expect("renders"));
}

#[test]
fn certificate_aliases_and_write_paths_snapshot() {
    let (_, template, config) = ok(&DistributionProps {
        certificate_arn: Some(json!(CERT)),
        aliases: vec!["www.example.com".into()],
        origin_protocol: Some(OriginProtocol::HttpsOnly),
        write_path_patterns: vec!["/api/*".into()],
        price_class: Some(PriceClass::PriceClass100),
        web_acl_arn: Some(json!("arn:aws:wafv2:us-east-1:123456789012:global/webacl/app/1234")),
        ..Default::default()
    });
    assert_eq!(
        config["ViewerCertificate"],
        json!({"AcmCertificateArn": CERT, "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"})
    );
    assert_eq!(config["Aliases"], json!(["www.example.com"]));
    assert_eq!(config["Origins"][1]["CustomOriginConfig"]["OriginProtocolPolicy"], json!("https-only"));
    // Write methods go to the primary origin only: no failover for them.
    let write = &config["CacheBehaviors"][0];
    assert_eq!(write["PathPattern"], json!("/api/*"));
    assert_eq!(write["TargetOriginId"], json!("primary"));
    assert_eq!(write["AllowedMethods"].as_array().map(Vec::len), Some(7));
    assert_eq!(config["PriceClass"], json!("PriceClass_100"));
    snapshot!("cloudfront_certificate_write_paths", template.to_yaml().expect("renders"));
}

#[test]
fn certificate_and_web_acl_may_be_references() {
    let props = DistributionProps {
        certificate_arn: Some(json!({"Ref": "CertificateArn"})),
        aliases: vec!["app.example.com".into()],
        web_acl_arn: Some(json!({"Ref": "WebAclArn"})),
        ..Default::default()
    };
    let (_, template) = build_with(&props, &["CertificateArn", "WebAclArn"]).expect("references are not checked");
    let config = &template.resources["Cdn"].properties["DistributionConfig"];
    assert_eq!(config["ViewerCertificate"]["AcmCertificateArn"], json!({"Ref": "CertificateArn"}));
    assert_eq!(config["WebACLId"], json!({"Ref": "WebAclArn"}));
}

#[test]
fn certificate_outside_us_east_1_is_refused() {
    let errs = build(&DistributionProps {
        certificate_arn: Some(json!("arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d")),
        aliases: vec!["www.example.com".into()],
        ..Default::default()
    })
    .map(|_| ())
    .expect_err("wrong region");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].0.as_str(), errs[0].1.as_str()), ("cloudfront:certificate-region", "cdn.certificate_arn"));
    assert!(errs[0].2.contains("eu-west-1") && errs[0].2.contains("us-east-1"), "{}", errs[0].2);
}

#[test]
fn aliases_without_certificate_are_refused() {
    assert_eq!(
        problems(&DistributionProps { aliases: vec!["www.example.com".into()], ..Default::default() }),
        pairs(&[("cloudfront:aliases-need-certificate", "cdn.aliases")])
    );
}

#[test]
fn invalid_props_are_all_reported_with_fields() {
    let errs = problems(&DistributionProps {
        certificate_arn: Some(json!("arn:aws:iam::123456789012:server-certificate/x")),
        aliases: vec!["WWW.example.com".into(), "a.example.com".into(), "a.example.com".into()],
        failover_status_codes: Some(vec![500, 429, 500]),
        origin_connection_timeout_seconds: Some(0),
        origin_connection_attempts: Some(4),
        write_path_patterns: vec!["/*".into(), "/api/*".into(), "/api/*".into()],
        web_acl_arn: Some(json!("arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/app/1234")),
        logging: Some(rcdk_constructs::cloudfront::DistributionLoggingProps {
            bucket: "https://logs.s3.amazonaws.com".into(),
            ..Default::default()
        }),
        comment: Some("x".repeat(129)),
        ..Default::default()
    });
    assert_eq!(
        errs,
        pairs(&[
            ("cloudfront:certificate-arn-invalid", "cdn.certificate_arn"),
            ("cloudfront:alias-invalid", "cdn.aliases[0]"),
            ("cloudfront:alias-duplicate", "cdn.aliases[2]"),
            ("cloudfront:web-acl-invalid", "cdn.web_acl_arn"),
            ("cloudfront:failover-codes-invalid", "cdn.failover_status_codes[1]"),
            ("cloudfront:failover-codes-invalid", "cdn.failover_status_codes[2]"),
            ("cloudfront:connection-timeout-invalid", "cdn.origin_connection_timeout_seconds"),
            ("cloudfront:connection-attempts-invalid", "cdn.origin_connection_attempts"),
            ("cloudfront:path-pattern-invalid", "cdn.write_path_patterns[0]"),
            ("cloudfront:path-pattern-invalid", "cdn.write_path_patterns[2]"),
            ("cloudfront:log-bucket-invalid", "cdn.logging.bucket"),
            ("cloudfront:comment-too-long", "cdn.comment"),
        ])
    );
}

#[test]
fn props_deserialize_from_yaml_and_reject_unknown_fields() {
    let yaml = "certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/abc\naliases: [www.example.com]\n\
                origin_protocol: https_only\nprice_class: PriceClass_200\n";
    let props: DistributionProps = serde_yaml::from_str(yaml).expect("valid");
    assert_eq!(props.origin_protocol, Some(OriginProtocol::HttpsOnly));
    assert_eq!(props.price_class, Some(PriceClass::PriceClass200));
    let err = serde_yaml::from_str::<DistributionProps>("allowed_methods: [POST]\n").expect_err("unknown field");
    assert!(err.to_string().contains("unknown field `allowed_methods`"), "{err}");
}
