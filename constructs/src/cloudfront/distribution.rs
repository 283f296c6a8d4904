//! The distribution construct: `AWS::CloudFront::Distribution` with two
//! custom origins joined in an origin group.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::acm::{is_domain_name, Certificate, DomainProps};
use crate::cfn::{Intrinsic, Output, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;
use crate::route53::{point_domain, AliasTarget, CLOUDFRONT_HOSTED_ZONE_ID};

/// The only region whose ACM certificates CloudFront uses.
pub const CLOUDFRONT_CERTIFICATE_REGION: &str = "us-east-1";

/// ID of the managed cache policy `CachingDisabled` (TTL 0: every request
/// goes to the origin), right for a dynamic app.
pub const CACHING_DISABLED_POLICY_ID: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
/// ID of the managed origin request policy `AllViewer`: every header
/// (including `Host`), cookie and query string goes to the origin.
pub const ORIGIN_REQUEST_ALL_VIEWER_POLICY_ID: &str = "216adef6-5c7f-47e4-b989-5492eafa07d3";
/// ID of the managed origin request policy `AllViewerExceptHostHeader`: as
/// `AllViewer`, but the origin sees its own domain name as `Host`.
pub const ORIGIN_REQUEST_ALL_VIEWER_EXCEPT_HOST_HEADER_POLICY_ID: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
/// The viewer TLS policy when a certificate is given.
pub const MINIMUM_PROTOCOL_VERSION: &str = "TLSv1.2_2021";
/// Primary-origin status codes that fail a request over when none are given.
pub const DEFAULT_FAILOVER_STATUS_CODES: [u16; 4] = [500, 502, 503, 504];
/// The status codes CloudFront can fail over on.
pub const ALLOWED_FAILOVER_STATUS_CODES: [u16; 8] = [400, 403, 404, 416, 500, 502, 503, 504];
/// Seconds CloudFront waits to connect to an origin: CloudFront's default
/// (1 to 10), kept for the secondary origin, the last resort.
pub const DEFAULT_ORIGIN_CONNECTION_TIMEOUT_SECONDS: u8 = 10;
/// Connection attempts per origin: CloudFront's default (1 to 3), kept for
/// the secondary origin.
pub const DEFAULT_ORIGIN_CONNECTION_ATTEMPTS: u8 = 3;
/// Seconds CloudFront waits to connect to the primary origin when none are
/// given. With [`PRIMARY_ORIGIN_CONNECTION_ATTEMPTS`], a request waits at
/// most 3 s for an unreachable primary before failing over, instead of
/// CloudFront's 30 s (3 attempts of 10 s: Amazon CloudFront Developer Guide,
/// "Optimize high availability with CloudFront origin failover", which
/// suggests lowering both for faster failover). CloudFront keeps no health
/// state between requests, and caching is off: every request pays it.
pub const PRIMARY_ORIGIN_CONNECTION_TIMEOUT_SECONDS: u8 = 3;
/// Connection attempts to the primary origin when none are given.
pub const PRIMARY_ORIGIN_CONNECTION_ATTEMPTS: u8 = 1;

/// Cache behaviors per distribution (CloudFront quota, adjustable).
const MAX_CACHE_BEHAVIORS: usize = 25;
const PRIMARY_ORIGIN_ID: &str = "primary";
const SECONDARY_ORIGIN_ID: &str = "secondary";
const ORIGIN_GROUP_ID: &str = "failover";

/// How CloudFront talks to the load balancers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OriginProtocol {
    /// HTTP on port 80: the load balancers have no certificate. Traffic
    /// between CloudFront and the origin is not encrypted.
    #[default]
    HttpOnly,
    /// HTTPS on port 443: the load balancers' certificates must match the
    /// `Host` CloudFront sends (the viewer's, with `all_viewer`).
    HttpsOnly,
}

/// Which managed origin request policy forwards viewer values to the origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OriginRequestPolicy {
    /// `AllViewer`: headers (with the viewer's `Host`), cookies and query strings.
    #[default]
    AllViewer,
    /// `AllViewerExceptHostHeader`: the same, but `Host` is the origin's domain name.
    AllViewerExceptHostHeader,
}

/// Which edge locations serve the distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub enum PriceClass {
    /// North America, Europe and Israel only: the cheapest. `PriceClass_100`
    /// is accepted too (deprecated spelling).
    #[serde(rename = "price_class_100", alias = "PriceClass_100")]
    PriceClass100,
    /// Adds Asia, the Middle East and Africa. `PriceClass_200` is accepted
    /// too (deprecated spelling).
    #[serde(rename = "price_class_200", alias = "PriceClass_200")]
    PriceClass200,
    /// Every edge location: the fastest everywhere, the dearest.
    /// `PriceClass_All` is accepted too (deprecated spelling).
    #[default]
    #[serde(rename = "price_class_all", alias = "PriceClass_All")]
    PriceClassAll,
}

impl PriceClass {
    fn as_str(self) -> &'static str {
        match self {
            PriceClass::PriceClass100 => "PriceClass_100",
            PriceClass::PriceClass200 => "PriceClass_200",
            PriceClass::PriceClassAll => "PriceClass_All",
        }
    }
}

/// Standard (legacy) access logs to an S3 bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionLoggingProps {
    /// The bucket's name. It must allow ACLs (object ownership other than
    /// `BucketOwnerEnforced`), since CloudFront writes logs through an ACL grant.
    pub bucket: String,
    /// Key prefix of the log files. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Log cookies too. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_cookies: Option<bool>,
}

/// Props of a [`Distribution`]. The origins' domain names are arguments of
/// [`Distribution::new`], since they usually come from template parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionProps {
    /// ARN of an ACM certificate for `aliases`; CloudFront only takes
    /// certificates from us-east-1, whatever region the stack is in. A literal
    /// ARN is checked; a `{Ref: ...}` is passed through. Default: the
    /// `*.cloudfront.net` certificate (no aliases possible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_arn: Option<Value>,
    /// Alternate domain names (`www.example.com`, `*.example.com`) the
    /// certificate covers. Needs `certificate_arn`. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// How CloudFront connects to the load balancers. Default: `https_only`
    /// when every origin load balancer has a certificate, else `http_only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_protocol: Option<OriginProtocol>,
    /// Lock the origin load balancers to this distribution: they admit only
    /// CloudFront's origin-facing prefix list (instead of `0.0.0.0/0`), and
    /// their listener rules require a secret `X-Origin-Verify` header that
    /// CloudFront adds (anything else gets 403). The secret is generated by
    /// Secrets Manager (about $0.40 a month per region) and read through
    /// dynamic references, never written in a template. `false` leaves the
    /// origins open to the internet, so anyone can bypass CloudFront (and a
    /// WAF on it). Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_lock: Option<bool>,
    /// Which viewer values reach the origin. Caching is always off (managed
    /// `CachingDisabled`). Default: `all_viewer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_request_policy: Option<OriginRequestPolicy>,
    /// Primary-origin status codes that send the request to the secondary
    /// origin, from [`ALLOWED_FAILOVER_STATUS_CODES`]. CloudFront also fails
    /// over when it cannot connect to the primary. Default: 500, 502, 503, 504.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover_status_codes: Option<Vec<u16>>,
    /// Seconds to wait for a connection to the primary origin, 1 to 10;
    /// with `origin_connection_attempts` it bounds how long every request
    /// waits for an unreachable primary before failing over. A short timeout
    /// also fails over on a transient loss (to the secondary; write paths,
    /// which have no failover, get an error). The secondary keeps
    /// CloudFront's defaults (10 s, 3 attempts). Default:
    /// [`PRIMARY_ORIGIN_CONNECTION_TIMEOUT_SECONDS`] (3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_connection_timeout_seconds: Option<u8>,
    /// Connection attempts to the primary origin, 1 to 3. Default:
    /// [`PRIMARY_ORIGIN_CONNECTION_ATTEMPTS`] (1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_connection_attempts: Option<u8>,
    /// Path patterns (`/api/*`) that accept `POST`, `PUT`, `PATCH` and
    /// `DELETE`. CloudFront fails over only GET, HEAD and OPTIONS requests and
    /// rejects write methods on a behavior that targets an origin group, so
    /// these paths go to the primary origin alone, **without failover**.
    /// Default: none (the distribution answers write methods with 403).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub write_path_patterns: Vec<String>,
    /// Edge locations to serve from. Default: `price_class_all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_class: Option<PriceClass>,
    /// Serve HTTP/3 (QUIC) next to HTTP/2. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http3: Option<bool>,
    /// Answer on IPv6 as well. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<bool>,
    /// ARN of a WAFv2 web ACL with scope `CLOUDFRONT` (created in us-east-1).
    /// Web ACLs are billed per rule and per request. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_acl_arn: Option<Value>,
    /// Access logs to S3. Default: off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<DistributionLoggingProps>,
    /// The distribution's comment (at most 128 characters). Default: the construct path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// A domain name for the distribution: an ACM certificate for the names,
    /// validated by DNS in the hosted zone and created in the distribution's
    /// stack (which must be in us-east-1, as the CDN stack of a multi-region
    /// app is), the names as the distribution's aliases, and alias `A` (and,
    /// with `ipv6`, `AAAA`) records pointing them at the distribution. Not
    /// with `certificate_arn` or `aliases`. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainProps>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
}

/// What a [`Distribution`] serves: the two load balancers it fails over
/// between, and the secret header of the origin lock.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributionOrigins {
    /// The primary load balancer's DNS name.
    pub primary: Value,
    /// The secondary load balancer's DNS name, used on a configured 5xx or
    /// when the primary cannot be reached.
    pub secondary: Value,
    /// A header `(name, value)` CloudFront adds to every request to the
    /// origins: the secret the locked origins' listener rules require.
    /// Default: none.
    pub custom_header: Option<(String, Value)>,
}

impl DistributionOrigins {
    /// Origins `primary` and `secondary` (DNS names), with no custom header.
    pub fn new(primary: Value, secondary: Value) -> Self {
        DistributionOrigins { primary, secondary, custom_header: None }
    }
}

/// A CloudFront distribution whose default behavior targets an origin group:
/// requests go to the primary load balancer and, on a configured 5xx or when
/// the primary cannot be reached, to the secondary. Viewers are redirected
/// to HTTPS; caching is off; HTTP/2 and HTTP/3, IPv6 on.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// The construct's path.
    pub path: ConstructPath,
    /// The distribution's logical ID.
    pub logical_id: String,
    /// The distribution ID (`Ref`).
    pub distribution_id: Value,
    /// The `*.cloudfront.net` domain name (`Fn::GetAtt DomainName`), the
    /// target of the aliases' DNS records.
    pub domain_name: Value,
}

impl Distribution {
    /// Adds a distribution at `path` in front of `origins`. Invalid props
    /// are reported to the stack (fields relative to these props).
    pub fn new(
        stack: &mut Stack,
        path: &ConstructPath,
        origins: &DistributionOrigins,
        props: &DistributionProps,
    ) -> Distribution {
        stack.suppress_all(path, &props.suppress);
        let path = path.clone();
        let (primary_domain, secondary_domain) = (&origins.primary, &origins.secondary);
        let origin_header = origins.custom_header.as_ref().map(|(name, value)| (name.as_str(), value));
        validate(stack, &path, props);

        let protocol = match props.origin_protocol.unwrap_or_default() {
            OriginProtocol::HttpOnly => "http-only",
            OriginProtocol::HttpsOnly => "https-only",
        };
        // The primary gives up fast, so requests fail over fast; the
        // secondary, the last resort, keeps CloudFront's patience.
        let primary_connection = (
            props.origin_connection_attempts.unwrap_or(PRIMARY_ORIGIN_CONNECTION_ATTEMPTS),
            props.origin_connection_timeout_seconds.unwrap_or(PRIMARY_ORIGIN_CONNECTION_TIMEOUT_SECONDS),
        );
        if props.origin_connection_attempts.is_some() || props.origin_connection_timeout_seconds.is_some() {
            stack.acknowledge(
                &path,
                Code::SlowFailover,
                "the primary origin's connection timeout and attempts are written in the app",
            );
        }
        let secondary_connection = (DEFAULT_ORIGIN_CONNECTION_ATTEMPTS, DEFAULT_ORIGIN_CONNECTION_TIMEOUT_SECONDS);
        let origin = |origin_id: &str, domain: &Value| {
            let (attempts, timeout) =
                if origin_id == PRIMARY_ORIGIN_ID { primary_connection } else { secondary_connection };
            let mut o = json!({
                "Id": origin_id,
                "DomainName": domain,
                "ConnectionAttempts": attempts,
                "ConnectionTimeout": timeout,
                "CustomOriginConfig": {
                    "OriginProtocolPolicy": protocol,
                    "HTTPPort": 80,
                    "HTTPSPort": 443,
                    "OriginSSLProtocols": ["TLSv1.2"],
                },
            });
            if let Some((name, value)) = origin_header {
                o["OriginCustomHeaders"] = json!([{"HeaderName": name, "HeaderValue": value}]);
            }
            o
        };
        let codes: Vec<u16> =
            props.failover_status_codes.clone().unwrap_or_else(|| DEFAULT_FAILOVER_STATUS_CODES.to_vec());
        let origin_group = json!({
            "Id": ORIGIN_GROUP_ID,
            "FailoverCriteria": {"StatusCodes": {"Quantity": codes.len(), "Items": codes}},
            "Members": {
                "Quantity": 2,
                "Items": [{"OriginId": PRIMARY_ORIGIN_ID}, {"OriginId": SECONDARY_ORIGIN_ID}],
            },
        });
        let request_policy = match props.origin_request_policy.unwrap_or_default() {
            OriginRequestPolicy::AllViewer => ORIGIN_REQUEST_ALL_VIEWER_POLICY_ID,
            OriginRequestPolicy::AllViewerExceptHostHeader => ORIGIN_REQUEST_ALL_VIEWER_EXCEPT_HOST_HEADER_POLICY_ID,
        };
        let default_behavior = json!({
            "TargetOriginId": ORIGIN_GROUP_ID,
            "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": ["GET", "HEAD", "OPTIONS"],
            "CachedMethods": ["GET", "HEAD"],
            "CachePolicyId": CACHING_DISABLED_POLICY_ID,
            "OriginRequestPolicyId": request_policy,
        });
        let write_behaviors: Vec<Value> = props
            .write_path_patterns
            .iter()
            .map(|pattern| {
                json!({
                    "PathPattern": pattern,
                    "TargetOriginId": PRIMARY_ORIGIN_ID,
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                    "CachedMethods": ["GET", "HEAD"],
                    "CachePolicyId": CACHING_DISABLED_POLICY_ID,
                    "OriginRequestPolicyId": request_policy,
                })
            })
            .collect();
        let domain_certificate = props
            .domain
            .as_ref()
            .map(|d| stack.in_field("domain", |s| Certificate::new(s, &path.child("Certificate"), d)));
        let certificate_arn = domain_certificate.as_ref().map(|c| &c.arn).or(props.certificate_arn.as_ref());
        let aliases: Vec<&str> = match &props.domain {
            Some(domain) => domain.names().collect(),
            None => props.aliases.iter().map(String::as_str).collect(),
        };
        let viewer_certificate = match certificate_arn {
            Some(arn) => json!({
                "AcmCertificateArn": arn,
                "SslSupportMethod": "sni-only",
                "MinimumProtocolVersion": MINIMUM_PROTOCOL_VERSION,
            }),
            None => json!({"CloudFrontDefaultCertificate": true}),
        };
        let comment = props.comment.clone().unwrap_or_else(|| truncate(&path.to_string(), 128));

        let mut config = serde_json::Map::new();
        config.insert("Enabled".into(), json!(true));
        config.insert("Comment".into(), json!(comment));
        if !aliases.is_empty() {
            config.insert("Aliases".into(), json!(aliases));
        }
        config.insert(
            "Origins".into(),
            json!([origin(PRIMARY_ORIGIN_ID, primary_domain), origin(SECONDARY_ORIGIN_ID, secondary_domain)]),
        );
        config.insert("OriginGroups".into(), json!({"Quantity": 1, "Items": [origin_group]}));
        config.insert("DefaultCacheBehavior".into(), default_behavior);
        if !write_behaviors.is_empty() {
            config.insert("CacheBehaviors".into(), Value::Array(write_behaviors));
        }
        config.insert("ViewerCertificate".into(), viewer_certificate);
        config.insert("HttpVersion".into(), json!(if props.http3.unwrap_or(true) { "http2and3" } else { "http2" }));
        config.insert("IPV6Enabled".into(), json!(props.ipv6.unwrap_or(true)));
        config.insert("PriceClass".into(), json!(props.price_class.unwrap_or_default().as_str()));
        if let Some(acl) = &props.web_acl_arn {
            config.insert("WebACLId".into(), acl.clone());
        }
        if let Some(logging) = &props.logging {
            let mut l = serde_json::Map::new();
            l.insert("Bucket".into(), json!(format!("{}.s3.amazonaws.com", logging.bucket)));
            if let Some(prefix) = &logging.prefix {
                l.insert("Prefix".into(), json!(prefix));
            }
            l.insert("IncludeCookies".into(), json!(logging.include_cookies.unwrap_or(false)));
            config.insert("Logging".into(), Value::Object(l));
        }

        let resource = Resource::new("AWS::CloudFront::Distribution")
            .prop("DistributionConfig", Value::Object(config))
            .prop("Tags", json!([{"Key": "Name", "Value": path.to_string()}]));
        let logical_id = stack.add_resource(&path, resource);
        let distribution_id = Intrinsic::ref_(&logical_id);
        let domain_name = Intrinsic::get_att(&logical_id, "DomainName");
        if let Some(domain) = &props.domain {
            let target = AliasTarget {
                dns_name: domain_name.clone(),
                hosted_zone_id: json!(CLOUDFRONT_HOSTED_ZONE_ID),
                evaluate_target_health: false,
                ipv6: props.ipv6.unwrap_or(true),
            };
            point_domain(stack, &path, domain, &target, (&logical_id, "DomainName"));
        }
        stack.add_output(
            &path.child("DomainName"),
            Output::new(domain_name.clone(), format!("Domain name of the CloudFront distribution {path}")),
        );
        stack.add_output(
            &path.child("DistributionId"),
            Output::new(distribution_id.clone(), format!("ID of the CloudFront distribution {path}")),
        );
        Distribution { path, logical_id, distribution_id, domain_name }
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn validate(stack: &mut Stack, path: &ConstructPath, props: &DistributionProps) {
    let stack_region = stack.props().region.clone();
    let mut report = |code: Code, field: String, message: String, help: &str| {
        stack.report(ValidationError::new(code, path, message).field(field.as_str()).help(help));
    };
    if let Some(Value::String(arn)) = &props.certificate_arn {
        match arn_parts(arn, "acm", "certificate/") {
            None => report(
                Code::CertificateArnInvalid,
                "certificate_arn".into(),
                format!("`{arn}` is not an ACM certificate ARN"),
                "use `arn:aws:acm:us-east-1:<account>:certificate/<id>`",
            ),
            Some(region) if region != CLOUDFRONT_CERTIFICATE_REGION => report(
                Code::CertificateRegion,
                "certificate_arn".into(),
                format!("the certificate is in {region}, but CloudFront only uses ACM certificates from us-east-1"),
                "request or import the certificate in us-east-1 (N. Virginia) and use that ARN",
            ),
            Some(_) => {}
        }
    }
    if props.domain.is_some() && (props.certificate_arn.is_some() || !props.aliases.is_empty()) {
        let field = if props.certificate_arn.is_some() { "certificate_arn" } else { "aliases" };
        report(
            Code::DomainConflict,
            field.into(),
            format!("`domain` creates the certificate and the aliases, so `{field}` cannot be set with it"),
            "remove `certificate_arn` and `aliases`, or remove `domain`",
        );
    }
    if let (Some(_), Some(region)) = (&props.domain, stack_region) {
        if region != CLOUDFRONT_CERTIFICATE_REGION {
            report(
                Code::DomainRegion,
                "domain".into(),
                format!("the distribution's certificate would be created in {region}, but CloudFront only uses ACM certificates from us-east-1"),
                "put the distribution in a stack in us-east-1 (a multi-region app's CDN stack is), or use `certificate_arn` with a certificate made there",
            );
        }
    }
    if !props.aliases.is_empty() && props.certificate_arn.is_none() {
        report(
            Code::AliasesNeedCertificate,
            "aliases".into(),
            "aliases need a certificate that covers them; the default *.cloudfront.net certificate does not".into(),
            "set `certificate_arn` to an ACM certificate in us-east-1 for these names",
        );
    }
    let mut seen = BTreeSet::new();
    for (i, alias) in props.aliases.iter().enumerate() {
        if !is_domain_name(alias) {
            report(
                Code::AliasInvalid,
                format!("aliases[{i}]"),
                format!("alias `{alias}` is not a domain name"),
                "use a lowercase name such as `www.example.com` or `*.example.com`",
            );
        } else if !seen.insert(alias.as_str()) {
            report(
                Code::AliasDuplicate,
                format!("aliases[{i}]"),
                format!("alias `{alias}` is listed twice"),
                "remove the duplicate",
            );
        }
    }
    if let Some(Value::String(arn)) = &props.web_acl_arn {
        let ok = arn_parts(arn, "wafv2", "global/webacl/").is_some_and(|r| r == "us-east-1");
        if !ok {
            report(
                Code::WebAclInvalid,
                "web_acl_arn".into(),
                format!("`{arn}` is not the ARN of a WAFv2 web ACL with CLOUDFRONT scope"),
                "use `arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>`",
            );
        }
    }
    if let Some(codes) = &props.failover_status_codes {
        if codes.is_empty() {
            report(
                Code::FailoverCodesInvalid,
                "failover_status_codes".into(),
                "no failover status code is given".into(),
                "leave `failover_status_codes` out for 500, 502, 503 and 504",
            );
        }
        let mut seen = BTreeSet::new();
        for (i, code) in codes.iter().enumerate() {
            if !ALLOWED_FAILOVER_STATUS_CODES.contains(code) || !seen.insert(*code) {
                report(
                    Code::FailoverCodesInvalid,
                    format!("failover_status_codes[{i}]"),
                    format!("CloudFront cannot fail over on status {code} here (unknown or listed twice)"),
                    &format!("use each of {ALLOWED_FAILOVER_STATUS_CODES:?} at most once"),
                );
            }
        }
    }
    if let Some(t) = props.origin_connection_timeout_seconds {
        if !(1..=10).contains(&t) {
            report(
                Code::ConnectionTimeoutInvalid,
                "origin_connection_timeout_seconds".into(),
                format!("a connection timeout of {t} s is outside CloudFront's 1 to 10 s"),
                "use 1 to 10 seconds",
            );
        }
    }
    if let Some(a) = props.origin_connection_attempts {
        if !(1..=3).contains(&a) {
            report(
                Code::ConnectionAttemptsInvalid,
                "origin_connection_attempts".into(),
                format!("{a} connection attempts is outside CloudFront's 1 to 3"),
                "use 1 to 3 attempts",
            );
        }
    }
    if props.write_path_patterns.len() > MAX_CACHE_BEHAVIORS {
        report(
            Code::TooManyBehaviors,
            "write_path_patterns".into(),
            format!(
                "{} write path patterns, CloudFront allows {MAX_CACHE_BEHAVIORS} cache behaviors per distribution",
                props.write_path_patterns.len()
            ),
            "merge patterns with wildcards, e.g. `/api/*`",
        );
    }
    let mut seen = BTreeSet::new();
    for (i, pattern) in props.write_path_patterns.iter().enumerate() {
        let valid = !pattern.is_empty()
            && pattern.len() <= 255
            && pattern.chars().all(|c| c.is_ascii_graphic())
            && pattern != "*"
            && pattern != "/*";
        if !valid || !seen.insert(pattern.as_str()) {
            report(
                Code::PathPatternInvalid,
                format!("write_path_patterns[{i}]"),
                format!("`{pattern}` is not a usable path pattern (empty, too long, a catch-all, or listed twice)"),
                "use a specific pattern such as `/api/*`; a catch-all would turn failover off for every request",
            );
        }
    }
    if let Some(logging) = &props.logging {
        let b = &logging.bucket;
        let valid = (3..=63).contains(&b.len())
            && b.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && b.starts_with(|c: char| c.is_ascii_alphanumeric())
            && b.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid {
            report(
                Code::LogBucketInvalid,
                "logging.bucket".into(),
                format!("`{b}` is not an S3 bucket name"),
                "give the bucket's name only (3 to 63 lowercase letters, digits, dots and hyphens), not its URL",
            );
        }
    }
    if let Some(c) = &props.comment {
        if c.chars().count() > 128 {
            report(
                Code::CommentTooLong,
                "comment".into(),
                format!("the comment has {} characters, CloudFront allows 128", c.chars().count()),
                "shorten `comment`",
            );
        }
    }
}

/// The region of an ARN `arn:<partition>:<service>:<region>:<account>:<resource_prefix>...`.
fn arn_parts<'a>(arn: &'a str, service: &str, resource_prefix: &str) -> Option<&'a str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_kw, partition, svc, region, account, resource] = parts.as_slice() else { return None };
    let ok = *arn_kw == "arn"
        && partition.starts_with("aws")
        && *svc == service
        && crate::region::is_plausible_region(region)
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && resource.len() > resource_prefix.len()
        && resource.starts_with(resource_prefix);
    ok.then_some(*region)
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        AliasDuplicate => error("cloudfront:alias-duplicate") {
            formerly: ["cloudfront-alias-duplicate"],
            title: "an alias is listed twice",
            explanation: "Each alternate domain name (CNAME) of a distribution is listed once. Remove the duplicate.",
        },
        AliasInvalid => error("cloudfront:alias-invalid") {
            formerly: ["cloudfront-alias-invalid"],
            title: "an alias is not a domain name",
            explanation: "CloudFront aliases are lowercase domain names, optionally with one leading wildcard label: \
         `www.example.com`, `*.example.com`. URLs, ports and paths are not aliases.",
        },
        AliasesNeedCertificate => error("cloudfront:aliases-need-certificate") {
            formerly: ["cloudfront-aliases-need-certificate"],
            title: "aliases are set without a certificate",
            explanation: "CloudFront serves an alternate domain name only with a certificate that covers it; the default \
         `*.cloudfront.net` certificate does not. Set `certificate_arn` to an ACM certificate in us-east-1 \
         for those names.\n\n\
         ```yaml\ncdn:\n  aliases: [www.example.com]\n  certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/abcd\n```",
        },
        CertificateArnInvalid => error("cloudfront:certificate-arn-invalid") {
            formerly: ["cloudfront-certificate-arn-invalid"],
            title: "the CDN certificate is not an ACM certificate ARN",
            explanation: "CloudFront takes an ACM certificate by its ARN: \
         `arn:aws:acm:us-east-1:<account>:certificate/<id>`.",
        },
        CertificateRegion => error("cloudfront:certificate-region") {
            formerly: ["cloudfront-certificate-region"],
            title: "the CDN certificate is not in us-east-1",
            explanation: "CloudFront only uses ACM certificates requested or imported in US East (N. Virginia), us-east-1, \
         whatever region the rest of the app is in. Request or import the certificate there and use that \
         ARN.",
        },
        CommentTooLong => error("cloudfront:comment-too-long") {
            formerly: ["cloudfront-comment-too-long"],
            title: "the distribution comment is longer than 128 characters",
            explanation: "CloudFront limits a distribution's comment to 128 characters. Shorten `comment`.",
        },
        ConnectionAttemptsInvalid => error("cloudfront:connection-attempts-invalid") {
            formerly: ["cloudfront-connection-attempts-invalid"],
            title: "origin connection attempts are outside 1 to 3",
            explanation: "CloudFront tries to connect to an origin 1 to 3 times before failing over (a fixed quota). Use \
         1 to 3 in `origin_connection_attempts`, or leave it out for 3.",
        },
        ConnectionTimeoutInvalid => error("cloudfront:connection-timeout-invalid") {
            formerly: ["cloudfront-connection-timeout-invalid"],
            title: "the origin connection timeout is outside 1 to 10 seconds",
            explanation: "CloudFront waits 1 to 10 seconds for a connection to an origin (a fixed quota). Use 1 to 10 in \
         `origin_connection_timeout_seconds`, or leave it out for 10.",
        },
        DomainConflict => error("cloudfront:domain-conflict") {
            formerly: ["cloudfront-domain-conflict"],
            title: "`domain` is set together with `certificate_arn` or `aliases`",
            explanation: "`domain` makes rcdk create the certificate (in us-east-1), set the names as aliases and add the \
         DNS records; `certificate_arn` and `aliases` are the manual way of doing the same. Keep one: \
         remove `certificate_arn` and `aliases`, or remove `domain`.",
        },
        DomainRegion => error("cloudfront:domain-region") {
            formerly: ["cloudfront-domain-region"],
            title: "`domain` on a distribution in a stack outside us-east-1",
            explanation: "With `domain`, the distribution's certificate is created in the distribution's stack, and \
         CloudFront only uses ACM certificates from us-east-1. Put the distribution in a stack in \
         us-east-1 (a multi-region app's CDN stack is), or use `certificate_arn` with a certificate \
         created there.",
        },
        FailoverCodesInvalid => error("cloudfront:failover-codes-invalid") {
            formerly: ["cloudfront-failover-codes-invalid"],
            title: "failover status codes are empty, unknown or repeated",
            explanation: "An origin group fails over on a list of HTTP status codes; CloudFront accepts 400, 403, 404, \
         416, 500, 502, 503 and 504, each once. Leave `failover_status_codes` out for 500, 502, 503 and \
         504.",
        },
        LogBucketInvalid => error("cloudfront:log-bucket-invalid") {
            formerly: ["cloudfront-log-bucket-invalid"],
            title: "the access log bucket is not an S3 bucket name",
            explanation: "Give the bucket's name only (3 to 63 lowercase letters, digits, dots and hyphens), not its ARN \
         or URL; rcdk builds the `<bucket>.s3.amazonaws.com` domain CloudFront needs.",
        },
        PathPatternInvalid => error("cloudfront:path-pattern-invalid") {
            formerly: ["cloudfront-path-pattern-invalid"],
            title: "a write path pattern is empty, too long, a catch-all or listed twice",
            explanation: "Write path patterns become cache behaviors that send writes to the primary origin only (origin \
         groups fail over GET and HEAD only). A catch-all (`*`, `/*`) would route every request there and \
         turn failover off. Use specific patterns such as `/api/*`, each once.",
        },
        TooManyBehaviors => error("cloudfront:too-many-behaviors") {
            formerly: ["cloudfront-too-many-behaviors"],
            title: "more write path patterns than cache behaviors rcdk allows",
            explanation: "Each write path pattern is one cache behavior; rcdk keeps a distribution to 25 of them (the \
         long-standing CloudFront default quota). Merge patterns with wildcards, e.g. `/api/*`.",
        },
        WebAclInvalid => error("cloudfront:web-acl-invalid") {
            formerly: ["cloudfront-web-acl-invalid"],
            title: "the web ACL is not a WAFv2 web ACL with CLOUDFRONT scope",
            explanation: "A distribution takes a WAFv2 web ACL created with `CLOUDFRONT` scope (in us-east-1), by ARN: \
         `arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>`. Regional web ACLs (for load \
         balancers) cannot be attached to CloudFront.",
        },
        SlowFailover => warning("cdn:slow-failover") {
            title: "requests wait long for an unreachable primary origin before failing over",
            explanation: "CloudFront tries the primary origin of an origin group on every request — it keeps no health \
         state between requests — and fails over only after the connection attempts run out: \"By \
         default, CloudFront tries to connect to the primary origin in an origin group for as long as 30 \
         seconds (3 connection attempts of 10 seconds each) before failing over to the secondary \
         origin\" \
         (<https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html>). \
         With caching off, during a regional outage every request waits that long. rcdk's primary origin \
         gets 1 attempt of 3 s (`origin_connection_attempts`, `origin_connection_timeout_seconds`); the \
         secondary keeps CloudFront's 3 × 10 s. The warning fires when the primary's attempts × timeout \
         exceed 10 s; values written in the app are a choice, reported as a note. The trade-off of a \
         short timeout: a transient connection failure also fails over (to the secondary; write paths \
         without failover get an error).",
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn arns_and_domains() {
        let cert = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-123456789012";
        assert_eq!(super::arn_parts(cert, "acm", "certificate/"), Some("us-east-1"));
        assert_eq!(
            super::arn_parts("arn:aws:acm:eu-west-1:123456789012:certificate/x", "acm", "certificate/"),
            Some("eu-west-1")
        );
        assert_eq!(super::arn_parts("arn:aws:acm:us-east-1:1234:certificate/x", "acm", "certificate/"), None);
        assert_eq!(super::arn_parts("not-an-arn", "acm", "certificate/"), None);
        assert!(crate::acm::is_domain_name("www.example.com"));
        assert!(crate::acm::is_domain_name("*.example.com"));
        for bad in ["example", "Example.com", "a..b", "-a.com", "*.*.a.com", "a b.com"] {
            assert!(!crate::acm::is_domain_name(bad), "{bad}");
        }
    }
}
