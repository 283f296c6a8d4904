//! The Application Load Balancer, its security group and its listeners.

use std::collections::BTreeSet;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::listener::{Action, Listener};
use super::listener_rule::{header_condition, PRIORITY_NAMESPACE};
use crate::acm::{Certificate, DomainProps};
use crate::cfn::{Intrinsic, Output, Resource, Template, MAX_RESOURCES};
use crate::core::{ConstructPath, FieldPath, Stack, StackView};
use crate::ec2::{Connectable, Connections, Peer, SecurityGroup, SecurityGroupProps, Vpc};
use crate::error::ValidationError;
use crate::route53::{point_domain, AliasTarget};

/// Idle connection timeout when none is given (seconds; AWS's default too).
pub const DEFAULT_IDLE_TIMEOUT_SECONDS: u32 = 60;
/// TLS policy of HTTPS listeners when none is given: TLS 1.3 and 1.2 with
/// forward-secret ciphers only, AWS's recommended policy.
pub const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/// Where clients may connect from when nothing else is given: anywhere. IPv4
/// only, as the load balancer is (`IpAddressType: ipv4`): an IPv6 rule would
/// admit no client.
pub const DEFAULT_INGRESS_CIDRS: [&str; 1] = ["0.0.0.0/0"];
/// Listener rules per Application Load Balancer, default rules not counted
/// (an ALB quota; its default can be raised on request).
pub const MAX_RULES_PER_LOAD_BALANCER: usize = 100;
/// Target groups per Application Load Balancer (an ALB quota that cannot be raised).
pub const MAX_TARGET_GROUPS_PER_LOAD_BALANCER: usize = 100;

/// TLS policies that still admit TLS 1.0 or 1.1 (refused: rcdk requires TLS 1.2+).
const LEGACY_SSL_POLICIES: [&str; 8] = [
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-2015-05",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-FS-2018-06",
    "ELBSecurityPolicy-FS-1-1-2019-08",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "ELBSecurityPolicy-TLS13-1-1-2021-06",
];

/// Which subnets of the VPC the load balancer lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubnetSelection {
    /// The public subnets (routed to the internet gateway).
    Public,
    /// The private subnets (internal load balancers only).
    Private,
}

/// Props of an [`ApplicationLoadBalancer`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerProps {
    /// An internal load balancer, reachable only inside the VPC. Default:
    /// false (internet-facing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
    /// Subnets it is placed in; an internet-facing load balancer must be in
    /// the public subnets. Default: public when internet-facing, private when internal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<SubnetSelection>,
    /// CIDRs allowed to connect to the listener ports. The load balancer
    /// is IPv4-only, so IPv6 CIDRs admit no client. Default:
    /// [`DEFAULT_INGRESS_CIDRS`] (`0.0.0.0/0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_cidrs: Option<Vec<String>>,
    /// Managed prefix list IDs (`pl-...`) allowed to connect to the listener
    /// ports, in addition to `ingress_cidrs`. Default: none; for the origin
    /// of a locked CDN, CloudFront's origin-facing list of the stack's region
    /// (and then no `ingress_cidrs` unless given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_prefix_lists: Option<Vec<String>>,
    /// ACM (or IAM) certificate ARNs for the HTTPS listener: the first is the
    /// default certificate, the others are served by SNI. Giving one turns
    /// HTTPS on and makes port 80 redirect to HTTPS. Default: none (HTTP only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_arns: Option<Vec<String>>,
    /// Certificates for the HTTPS listener given from Rust, after
    /// `certificate_arns`: a handle's ARN (`&certificate`,
    /// `certificate.arn`) or a literal one; see
    /// [`LoadBalancerProps::certificate`]. Not in app files. Default: none.
    #[serde(skip)]
    #[schemars(skip)]
    pub certificates: Vec<crate::core::Arn>,
    /// Require an HTTPS listener; an error when `certificate_arns` is empty.
    /// Default: true exactly when `certificate_arns` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https: Option<bool>,
    /// TLS policy of the HTTPS listener; policies that admit TLS 1.0 or 1.1
    /// are refused. Only with HTTPS. Default: [`DEFAULT_SSL_POLICY`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_policy: Option<String>,
    /// Listen on port 80 (serving, or redirecting to HTTPS when HTTPS is on).
    /// Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<bool>,
    /// Seconds an idle connection stays open, 1 to 4000. Default: [`DEFAULT_IDLE_TIMEOUT_SECONDS`] (60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_seconds: Option<u32>,
    /// Refuse deletion of the load balancer (`deletion_protection.enabled`),
    /// so a mistaken stack update or delete cannot take the service's entry
    /// point and its DNS name away; the Control Tower control
    /// CT.ELASTICLOADBALANCING.PR.5 requires it. `rcdk destroy` asks before
    /// turning it off (`--disable-deletion-protection`). See "Deletion
    /// protection" in
    /// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection.
    /// Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// Write access logs: one gzip file per load balancer node every 5
    /// minutes, each request with its client, path, status and latencies
    /// (the Control Tower control CT.ELASTICLOADBALANCING.PR.6 requires
    /// them). Without `access_logs_bucket`, into a bucket the stack creates
    /// at `<path>/AccessLogs`: SSE-S3 encrypted (the only encryption
    /// Elastic Load Balancing delivers to), versioned, public access
    /// blocked, TLS only, retained when the stack is deleted, log files
    /// deleted after `access_logs_retention_days`, and a bucket policy that
    /// lets only the region's log delivery identity put objects under
    /// `[prefix/]AWSLogs/<account>/` (see
    /// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
    /// S3 storage is billed; the delivery is free. Default: true when the
    /// stack names its `region` (the identity depends on it) or
    /// `access_logs_bucket` is given, else false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<bool>,
    /// Name of an existing S3 bucket for the access logs, e.g. the logging
    /// account's, instead of one the stack creates: in the load balancer's
    /// region, SSE-S3 encrypted, with a bucket policy that lets Elastic Load
    /// Balancing write. Default: none (a bucket of the stack's own, see
    /// `access_logs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs_bucket: Option<String>,
    /// Key prefix of the access logs in the bucket, without `AWSLogs` and
    /// without leading or trailing `/`. Default: none (the bucket's root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs_prefix: Option<String>,
    /// Days the bucket the stack creates keeps each access log file, 1 to
    /// 3650; deleted files stay recoverable for 90 more days (versioning).
    /// Only without `access_logs_bucket`. Default:
    /// [`super::DEFAULT_ACCESS_LOGS_RETENTION_DAYS`] (365).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs_retention_days: Option<u32>,
    /// Managed prefix lists allowed to connect, named by a template value
    /// (such as a parameter's `Ref`) rather than by ID, after
    /// `ingress_prefix_lists` (their rules are numbered on from those). Rust
    /// only: an app file names prefix lists by ID. Default: none.
    #[serde(skip)]
    pub ingress_prefix_list_values: Vec<PrefixListValue>,
    /// A domain name for the load balancer: an ACM certificate validated by
    /// DNS in the hosted zone (the default certificate of the HTTPS listener,
    /// ahead of any `certificate_arns`, which turns HTTPS on) and alias `A`
    /// records pointing the names at the load balancer; the `Url` output
    /// uses the name. With `external_dns: true`, no record: the first deploy
    /// waits for the validation record you create, and the `DnsRecords`
    /// output lists the `CNAME` records to point the names here (see
    /// [`DomainProps`]). Default: none (the load balancer's own DNS name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainProps>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
}

/// A managed prefix list named by a template value (see
/// [`LoadBalancerProps::ingress_prefix_list_values`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixListValue {
    /// The prefix list: a `Ref` to a parameter holding its ID, or any value that resolves to one.
    pub id: Value,
    /// What the ingress rules' descriptions call it, e.g. `the CloudFront origin-facing prefix list`.
    pub description: String,
}

/// An Application Load Balancer with its security group and listeners.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationLoadBalancer {
    /// The construct's path.
    pub path: ConstructPath,
    /// The load balancer's logical ID.
    pub logical_id: String,
    /// Its ARN (`Ref`).
    pub arn: Value,
    /// Its DNS name (`Fn::GetAtt DNSName`).
    pub dns_name: Value,
    /// `Fn::GetAtt LoadBalancerFullName` (`app/<name>/<id>`), the CloudWatch dimension.
    pub full_name: Value,
    /// Its Route 53 hosted zone (`Fn::GetAtt CanonicalHostedZoneID`), for alias records.
    pub canonical_hosted_zone_id: Value,
    /// `http://<dns>` or `https://<dns>`.
    pub url: Value,
    /// Its security group: targets admit traffic from this group.
    pub security_group: SecurityGroup,
    /// The port 80 listener, when there is one.
    pub http_listener: Option<Listener>,
    /// The port 443 listener, when HTTPS is on.
    pub https_listener: Option<Listener>,
    /// The listener that serves requests, where listener rules go: the HTTPS
    /// listener when there is one, else the HTTP listener.
    pub listener: Listener,
    /// What the serving listener does with a request no rule matches (the
    /// `default_action` given to [`ApplicationLoadBalancer::new`]).
    pub default_action: Action,
}

impl LoadBalancerProps {
    /// Adds a certificate for the HTTPS listener (turning HTTPS on): a
    /// handle (`&certificate`, `certificate.arn`) or a literal ARN, to
    /// [`LoadBalancerProps::certificates`] — no `.to_string()` of a `Value`.
    pub fn certificate(mut self, arn: impl Into<crate::core::Arn>) -> Self {
        self.certificates.push(arn.into());
        self
    }
}

impl ApplicationLoadBalancer {
    /// Adds a load balancer at `path` in `vpc`, with its security group at
    /// `path/SecurityGroup`, its listeners at `path/HttpListener` and
    /// `path/HttpsListener`, and outputs `<Path>DnsName` and `<Path>Url`.
    /// `default_action` answers requests no rule matches (usually
    /// [`Action::not_found`]). Problems are reported at the props' fields.
    ///
    /// ```
    /// use rcdk_constructs::core::{FieldPath, Stack, StackProps};
    /// use rcdk_constructs::ec2::Vpc;
    /// use rcdk_constructs::elbv2::{Action, ApplicationLoadBalancer, LoadBalancerProps};
    ///
    /// let mut stack = Stack::new(StackProps { name: "edge".into(), ..Default::default() }, FieldPath::root());
    /// let root = stack.root().clone();
    /// let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &Default::default());
    /// let props = LoadBalancerProps::default().certificate("arn:aws:acm:eu-west-1:123456789012:certificate/abc");
    /// let alb = ApplicationLoadBalancer::new(&mut stack, &root.child("Lb"), &vpc, &Action::not_found(), &props);
    /// assert!(alb.https_listener.is_some());
    /// assert!(stack.errors().is_empty());
    /// ```
    #[track_caller]
    pub fn new(
        stack: &mut Stack,
        path: &ConstructPath,
        vpc: &Vpc,
        default_action: &Action,
        props: &LoadBalancerProps,
    ) -> ApplicationLoadBalancer {
        let caller = std::panic::Location::caller();
        stack.at_caller(caller, |s| Self::build(s, path, vpc, default_action, props))
    }

    /// [`Self::new`], reporting at the current caller.
    fn build(
        stack: &mut Stack,
        path: &ConstructPath,
        vpc: &Vpc,
        default_action: &Action,
        props: &LoadBalancerProps,
    ) -> ApplicationLoadBalancer {
        stack.suppress_all(path, &props.suppress);
        let internal = props.internal.unwrap_or(false);
        let domain_certificate = props
            .domain
            .as_ref()
            .map(|d| stack.in_field("domain", |s| Certificate::new(s, &path.child("Certificate"), d)));
        let certificates: Vec<Value> = domain_certificate
            .iter()
            .map(|c| c.arn.clone())
            .chain(props.certificate_arns.iter().flatten().map(|arn| json!(arn)))
            .chain(props.certificates.iter().map(crate::core::Arn::to_value))
            .collect();
        let https = props.https.unwrap_or(!certificates.is_empty());
        let http = props.http.unwrap_or(true) || !https;
        validate(stack, path, vpc, props, internal, https);
        default_action.validate(stack, path);

        let sg = SecurityGroup::new(
            stack,
            &path.child("SecurityGroup"),
            &vpc.vpc_id,
            &SecurityGroupProps::described(format!("Load balancer {path}: HTTP(S) from the allowed CIDRs")),
        );
        let cidrs: Vec<String> = props
            .ingress_cidrs
            .clone()
            .unwrap_or_else(|| DEFAULT_INGRESS_CIDRS.iter().map(|c| (*c).to_owned()).collect());
        // By ID, then by template value, numbered on.
        let prefix_lists: Vec<(Value, String)> = props
            .ingress_prefix_lists
            .iter()
            .flatten()
            .map(|id| (json!(id), format!("prefix list {id}")))
            .chain(props.ingress_prefix_list_values.iter().map(|v| (v.id.clone(), v.description.clone())))
            .collect();
        let mut ports = Vec::new();
        if http {
            ports.push(("Http", 80u16));
        }
        if https {
            ports.push(("Https", 443u16));
        }
        for (proto, port) in &ports {
            for cidr in &cidrs {
                let (peer, label) = match IpNet::from_str(cidr) {
                    Ok(IpNet::V6(_)) => (Peer::Ipv6(cidr.clone()), cidr_label(cidr, "AnyIpv6", "::/0")),
                    _ => (Peer::Ipv4(cidr.clone()), cidr_label(cidr, "AnyIpv4", "0.0.0.0/0")),
                };
                sg.allow_tcp(
                    stack,
                    &format!("{proto}From{label}"),
                    &peer,
                    *port,
                    *port,
                    &format!("{} from {cidr}", proto.to_ascii_uppercase()),
                );
            }
        }
        // A rule referencing a prefix list counts as the list's maximum
        // entries against the group's 60 inbound rules (CloudFront's
        // origin-facing list: 55), so each list gets one rule covering the
        // listener ports, not one per port. An Application Load Balancer
        // answers only on its listener ports, so the range opens nothing else.
        if let (Some((first, from)), Some((last, to))) = (ports.first(), ports.last()) {
            let (name, what) = if first == last {
                (first.to_string(), first.to_ascii_uppercase())
            } else {
                (format!("{first}{last}"), format!("{} and {}", first.to_ascii_uppercase(), last.to_ascii_uppercase()))
            };
            for (i, (list, label)) in prefix_lists.iter().enumerate() {
                sg.allow_tcp(
                    stack,
                    &format!("{name}FromPrefixList{}", i + 1),
                    &Peer::PrefixList(list.clone()),
                    *from,
                    *to,
                    &format!("{what} from {label}"),
                );
            }
        }

        let subnets =
            match props.subnets.unwrap_or(if internal { SubnetSelection::Private } else { SubnetSelection::Public }) {
                SubnetSelection::Public => vpc.public_subnet_ids.clone(),
                SubnetSelection::Private => vpc.private_subnet_ids.clone(),
            };
        let mut attributes = vec![
            attr("deletion_protection.enabled", props.deletion_protection.unwrap_or(true).to_string()),
            attr(
                "idle_timeout.timeout_seconds",
                props.idle_timeout_seconds.unwrap_or(DEFAULT_IDLE_TIMEOUT_SECONDS).to_string(),
            ),
            attr("routing.http.drop_invalid_header_fields.enabled", "true".into()),
            attr("routing.http2.enabled", "true".into()),
        ];
        let settings = super::access_logs::AccessLogSettings {
            access_logs: props.access_logs,
            access_logs_bucket: props.access_logs_bucket.as_deref(),
            access_logs_prefix: props.access_logs_prefix.as_deref(),
            access_logs_retention_days: props.access_logs_retention_days,
        };
        let logs = super::access_logs::access_logs(stack, path, settings);
        attributes.extend(logs.attributes);
        let mut lb = Resource::new("AWS::ElasticLoadBalancingV2::LoadBalancer")
            .prop("Type", "application")
            .prop("Scheme", if internal { "internal" } else { "internet-facing" })
            .prop("IpAddressType", "ipv4")
            .prop("Subnets", Value::Array(subnets))
            .prop("SecurityGroups", json!([sg.group_id]))
            .prop("LoadBalancerAttributes", Value::Array(attributes));
        if !internal {
            lb = lb.depends_on(vpc.gateway_attachment_id.clone());
        }
        if let Some(policy) = logs.depends_on {
            lb = lb.depends_on(policy);
        }
        let logical_id = stack.add_resource(path, lb);
        let arn = Intrinsic::ref_(&logical_id);

        let mut https_listener = None;
        if https {
            let lpath = path.child("HttpsListener");
            let mut listener = Resource::new("AWS::ElasticLoadBalancingV2::Listener")
                .prop("LoadBalancerArn", arn.clone())
                .prop("Protocol", "HTTPS")
                .prop("Port", 443)
                .prop("SslPolicy", props.ssl_policy.clone().unwrap_or_else(|| DEFAULT_SSL_POLICY.into()))
                .prop("DefaultActions", default_action.to_cfn());
            if let Some(first) = certificates.first() {
                listener = listener.prop("Certificates", json!([{"CertificateArn": first}]));
            }
            let id = stack.add_resource(&lpath, listener);
            if certificates.len() > 1 {
                let extra: Vec<Value> = certificates[1..].iter().map(|c| json!({"CertificateArn": c})).collect();
                stack.add_resource(
                    &path.child("HttpsListenerCertificates"),
                    Resource::new("AWS::ElasticLoadBalancingV2::ListenerCertificate")
                        .prop("ListenerArn", Intrinsic::ref_(&id))
                        .prop("Certificates", Value::Array(extra)),
                );
            }
            https_listener = Some(listener_handle(lpath, id, 443));
        }
        let mut http_listener = None;
        if http || https_listener.is_none() {
            let lpath = path.child("HttpListener");
            let action = if https { Action::RedirectToHttps } else { default_action.clone() };
            let id = stack.add_resource(
                &lpath,
                Resource::new("AWS::ElasticLoadBalancingV2::Listener")
                    .prop("LoadBalancerArn", arn.clone())
                    .prop("Protocol", "HTTP")
                    .prop("Port", 80)
                    .prop("DefaultActions", action.to_cfn()),
            );
            http_listener = Some(listener_handle(lpath, id, 80));
        }

        let dns_name = Intrinsic::get_att(&logical_id, "DNSName");
        let canonical_hosted_zone_id = Intrinsic::get_att(&logical_id, "CanonicalHostedZoneID");
        let scheme = if https { "https" } else { "http" };
        let url = match &props.domain {
            Some(domain) => {
                let target = AliasTarget {
                    dns_name: dns_name.clone(),
                    hosted_zone_id: canonical_hosted_zone_id.clone(),
                    evaluate_target_health: true,
                    ipv6: false,
                };
                point_domain(stack, path, domain, &target, (&logical_id, "DNSName"));
                json!(format!("{scheme}://{}", domain.name.trim_start_matches("*.")))
            }
            None => Intrinsic::sub(format!("{scheme}://${{{logical_id}.DNSName}}")),
        };
        stack.add_output(
            &path.child("DnsName"),
            Output::new(dns_name.clone(), format!("DNS name of the load balancer {path}")),
        );
        stack.add_output(&path.child("Url"), Output::new(url.clone(), format!("URL of the load balancer {path}")));
        let listener = match (&https_listener, &http_listener) {
            (Some(l), _) | (None, Some(l)) => l.clone(),
            (None, None) => Listener {
                path: path.child("HttpListener"),
                logical_id: String::new(),
                arn: Value::Null,
                port: 80,
                https: false,
                required_header: None,
            },
        };
        let quotas = QuotaCheck {
            path: path.clone(),
            field: stack.field_base().clone(),
            listener_arns: https_listener.iter().chain(&http_listener).map(|l| l.arn.clone()).collect(),
            listener_ids: https_listener.iter().chain(&http_listener).map(|l| l.logical_id.clone()).collect(),
        };
        stack.add_validation_at(None, move |view| quotas.check(view));
        ApplicationLoadBalancer {
            listener,
            path: path.clone(),
            full_name: Intrinsic::get_att(&logical_id, "LoadBalancerFullName"),
            canonical_hosted_zone_id,
            logical_id,
            arn,
            dns_name,
            url,
            security_group: sg,
            http_listener,
            https_listener,
            default_action: default_action.clone(),
        }
    }

    /// Requires the header `name: value` on every request the serving
    /// listener routes: the listener's default action answers 403, and every
    /// [`super::ListenerRule`] created on it afterwards gains an
    /// `http-header` condition (so call it before the rules are added, and
    /// [`ApplicationLoadBalancer::add_required_header_not_found`] after).
    pub fn require_header(&mut self, stack: &mut Stack, name: &str, value: &Value) {
        if self.listener.logical_id.is_empty() {
            return;
        }
        self.listener.required_header = Some((name.to_owned(), value.clone()));
        let forbidden = Action::FixedResponse {
            status_code: 403,
            content_type: "text/plain".into(),
            body: Some("Forbidden".into()),
        };
        if let Some(r) = stack.template.resources.get_mut(&self.listener.logical_id) {
            r.properties.insert("DefaultActions".into(), forbidden.to_cfn());
        }
    }

    /// With a [required header](ApplicationLoadBalancer::require_header),
    /// a last rule (priority 50000, when no rule took it) answers 404 to
    /// requests that carry the header and match no other rule, as the
    /// listener did before it answered 403 to everything else. Call it after
    /// the rules are added.
    pub fn add_required_header_not_found(&self, stack: &mut Stack) {
        let listener = &self.listener;
        let Some((name, value)) = &listener.required_header else { return };
        let owner = self.path.child("VerifiedNotFound").logical_id();
        let key = format!("{} {}", listener.arn, super::MAX_PRIORITY);
        if stack.claim_unique(PRIORITY_NAMESPACE, key, &owner).is_none() {
            stack.add_resource(
                &self.path.child("VerifiedNotFound"),
                Resource::new("AWS::ElasticLoadBalancingV2::ListenerRule")
                    .prop("ListenerArn", listener.arn.clone())
                    .prop("Priority", super::MAX_PRIORITY)
                    .prop("Conditions", json!([header_condition(name, value)]))
                    .prop("Actions", self.default_action.to_cfn()),
            );
        }
    }

    /// The listener that serves requests (see the `listener` field).
    pub fn listener(&self) -> &Listener {
        &self.listener
    }

    /// Logical IDs of every listener, for resources that must wait for them.
    pub fn listener_ids(&self) -> Vec<String> {
        self.https_listener.iter().chain(&self.http_listener).map(|l| l.logical_id.clone()).collect()
    }

    /// What this load balancer uses of its quotas in `template`: the listener
    /// rules on its listeners, and the distinct target groups those rules and
    /// the listeners' default actions forward to. One pass over the template.
    /// (The load balancer checks its quotas itself, on the finished stack.)
    pub fn usage(&self, template: &Template) -> LoadBalancerUsage {
        let listeners: Vec<Value> =
            self.https_listener.iter().chain(&self.http_listener).map(|l| l.arn.clone()).collect();
        usage(template, &listeners, &self.listener_ids()).0
    }
}

impl Connectable for ApplicationLoadBalancer {
    /// The load balancer's security group, named `LoadBalancer` in its
    /// peers' rules; it receives no traffic from other groups by default
    /// (its listeners are opened to CIDRs).
    fn connections(&self) -> Connections {
        Connections::new("LoadBalancer", &self.security_group, None)
    }
}

/// The handle of the listener `logical_id` at `path` on `port` (443: HTTPS).
fn listener_handle(path: ConstructPath, logical_id: String, port: u16) -> Listener {
    Listener { path, arn: Intrinsic::ref_(&logical_id), logical_id, port, https: port == 443, required_header: None }
}

/// The rules on `listener_arns` and the distinct target groups they and the
/// listeners `listener_ids` forward to (as their rendered `TargetGroupArn`s).
fn usage(
    template: &Template,
    listener_arns: &[Value],
    listener_ids: &[String],
) -> (LoadBalancerUsage, BTreeSet<String>) {
    let mut rules = 0;
    let mut target_groups = BTreeSet::new();
    for (id, resource) in &template.resources {
        let actions = match resource.resource_type.as_str() {
            "AWS::ElasticLoadBalancingV2::ListenerRule"
                if resource.properties.get("ListenerArn").is_some_and(|arn| listener_arns.contains(arn)) =>
            {
                rules += 1;
                resource.properties.get("Actions")
            }
            "AWS::ElasticLoadBalancingV2::Listener" if listener_ids.contains(id) => {
                resource.properties.get("DefaultActions")
            }
            _ => None,
        };
        if let Some(actions) = actions {
            collect_target_groups(actions, &mut target_groups);
        }
    }
    (LoadBalancerUsage { rules, target_groups: target_groups.len() }, target_groups)
}

/// The load balancer's quota check, registered on its stack by
/// [`ApplicationLoadBalancer::new`] and run on the finished stack, so
/// whatever added rules and target groups (services, a Rust app by hand,
/// escape hatches) is counted.
struct QuotaCheck {
    path: ConstructPath,
    /// The field scope the load balancer was built in.
    field: FieldPath,
    listener_arns: Vec<Value>,
    listener_ids: Vec<String>,
}

impl QuotaCheck {
    /// Too many listener rules or target groups, located at the services
    /// behind the load balancer: the field their props sit under (an app
    /// file's `services:`), else the load balancer's own.
    fn check(&self, view: &StackView<'_>) -> Vec<ValidationError> {
        let (usage, target_groups) = usage(view.template, &self.listener_arns, &self.listener_ids);
        let over = [
            (Code::TooManyRules, "listener rules", usage.rules, MAX_RULES_PER_LOAD_BALANCER),
            (Code::TooManyTargetGroups, "target groups", usage.target_groups, MAX_TARGET_GROUPS_PER_LOAD_BALANCER),
        ];
        if over.iter().all(|(_, _, count, max)| count <= max) {
            return Vec::new();
        }
        // The ECS services registered in those target groups.
        let services: Vec<&String> = view
            .template
            .resources
            .iter()
            .filter(|(_, r)| r.resource_type == "AWS::ECS::Service")
            .filter(|(_, r)| {
                let mut bound = BTreeSet::new();
                if let Some(lbs) = r.properties.get("LoadBalancers") {
                    collect_target_groups(lbs, &mut bound);
                }
                !bound.is_disjoint(&target_groups)
            })
            .map(|(id, _)| id)
            .collect();
        let field = services
            .iter()
            .filter_map(|id| view.origins.get(*id).map(|(_, field)| field.parent()))
            .reduce(|a, b| common_prefix(&a, &b))
            .unwrap_or_else(|| self.field.clone());
        let help = format!(
            "split the services over more stacks, each with its own load balancer; each service needs at least one rule and one \
             target group, so at most {MAX_RULES_PER_LOAD_BALANCER} services fit behind one load balancer \
             (and CloudFormation's {MAX_RESOURCES} resources per stack usually allow fewer)"
        );
        over.into_iter()
            .filter(|(_, _, count, max)| count > max)
            .map(|(code, what, count, max)| {
                let message = if services.is_empty() {
                    format!(
                        "load balancer {} has {count} {what}; an Application Load Balancer allows at most {max}",
                        self.path
                    )
                } else {
                    format!(
                        "the {} services of this stack need {count} {what} on one load balancer; \
                         an Application Load Balancer allows at most {max}",
                        services.len()
                    )
                };
                ValidationError::new(code, &self.path, message).field(field.clone()).help(help.clone())
            })
            .collect()
    }
}

/// The longest path both `a` and `b` start with.
fn common_prefix(a: &FieldPath, b: &FieldPath) -> FieldPath {
    let n = a.segments().iter().zip(b.segments()).take_while(|(x, y)| x == y).count();
    let mut out = a.clone();
    for _ in n..a.segments().len() {
        out = out.parent();
    }
    out
}

/// How much of its quotas a load balancer uses (see [`ApplicationLoadBalancer::usage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadBalancerUsage {
    /// Listener rules, default rules not counted (at most [`MAX_RULES_PER_LOAD_BALANCER`]).
    pub rules: usize,
    /// Distinct target groups forwarded to (at most [`MAX_TARGET_GROUPS_PER_LOAD_BALANCER`]).
    pub target_groups: usize,
}

/// Adds the `TargetGroupArn` values found in `value` (actions, forward configs) to `out`.
fn collect_target_groups(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_target_groups(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                if key == "TargetGroupArn" {
                    out.insert(v.to_string());
                } else {
                    collect_target_groups(v, out);
                }
            }
        }
        _ => {}
    }
}

fn attr(key: &str, value: String) -> Value {
    json!({"Key": key, "Value": value})
}

fn cidr_label(cidr: &str, any_label: &str, any: &str) -> String {
    if cidr == any {
        any_label.to_owned()
    } else {
        format!("Cidr-{}", cidr.replace(['.', ':'], "x"))
    }
}

fn validate(
    stack: &mut Stack,
    path: &ConstructPath,
    vpc: &Vpc,
    props: &LoadBalancerProps,
    internal: bool,
    https: bool,
) {
    // `certificate_arns` by field, then the Rust-given ARNs that are literal
    // (a handle's reference is a certificate of the stack, valid by construction).
    let mut certificates: Vec<(String, String)> = props
        .certificate_arns
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, arn)| (arn.clone(), format!("certificate_arns[{i}]")))
        .collect();
    for (i, arn) in props.certificates.iter().enumerate() {
        if let Some(literal) = arn.as_literal() {
            certificates.push((literal.to_owned(), format!("certificates[{i}]")));
        }
    }
    let references = props.certificates.len() + props.certificate_arns.iter().flatten().count() - certificates.len();
    for (i, list) in props.ingress_prefix_lists.iter().flatten().enumerate() {
        let valid = list.strip_prefix("pl-").is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()));
        if !valid {
            stack.report(
                ValidationError::new(
                    Code::PrefixListInvalid,
                    path,
                    format!("`{list}` is not a managed prefix list ID"),
                )
                .field(crate::core::FieldPath::root().key("ingress_prefix_lists").index(i))
                .help("write the ID, e.g. `pl-3b927c52` (CloudFront's origin-facing list in us-east-1)"),
            );
        }
    }
    if https && certificates.is_empty() && references == 0 && props.domain.is_none() {
        stack.report(
            ValidationError::new(Code::HttpsCertificateMissing, path, "an HTTPS listener needs a certificate")
                .field("https")
                .help("set `domain` (rcdk creates the certificate) or `certificate_arns` to the ARN of an ACM certificate, or set `https: false`"),
        );
    }
    if props.https == Some(false) && props.domain.is_some() {
        stack.report(
            ValidationError::new(Code::HttpsCertificateUnused, path, "`domain` is set but `https` is false")
                .field("https")
                .help("remove `https: false`: a domain is served over HTTPS with the certificate rcdk creates"),
        );
    }
    if props.https == Some(false) && (!certificates.is_empty() || references > 0) {
        stack.report(
            ValidationError::new(Code::HttpsCertificateUnused, path, "certificates are given but `https` is false")
                .field("certificate_arns")
                .help("remove `certificate_arns`, or remove `https: false`"),
        );
    }
    if props.http == Some(false) && !https {
        stack.report(
            ValidationError::new(Code::LoadBalancerNoListener, path, "the load balancer would have no listener")
                .field("http")
                .help("keep the HTTP listener or turn HTTPS on with `certificate_arns`"),
        );
    }
    for (c, field) in &certificates {
        let ok = c.starts_with("arn:") && (c.contains(":acm:") || c.contains(":iam::"));
        if !ok {
            stack.report(
                ValidationError::new(
                    Code::CertificateArnInvalid,
                    path,
                    format!("`{c}` is not an ACM or IAM certificate ARN"),
                )
                .field(field.as_str())
                .help("use an ARN such as arn:aws:acm:eu-west-1:123456789012:certificate/<id>"),
            );
        }
    }
    if let Some(policy) = &props.ssl_policy {
        if !https {
            stack.report(
                ValidationError::new(
                    Code::SslPolicyWithoutHttps,
                    path,
                    "`ssl_policy` is set but there is no HTTPS listener",
                )
                .field("ssl_policy")
                .help("remove `ssl_policy`, or add `certificate_arns`"),
            );
        } else if LEGACY_SSL_POLICIES.contains(&policy.as_str()) || !policy.starts_with("ELBSecurityPolicy-") {
            stack.report(
                ValidationError::new(
                    Code::SslPolicyInsecure,
                    path,
                    format!("TLS policy `{policy}` is unknown or admits TLS versions below 1.2"),
                )
                .field("ssl_policy")
                .help(format!("use a TLS 1.2+ policy such as {DEFAULT_SSL_POLICY}")),
            );
        }
    }
    if let Some(t) = props.idle_timeout_seconds {
        if !(1..=4000).contains(&t) {
            stack.report(
                ValidationError::new(
                    Code::IdleTimeoutInvalid,
                    path,
                    format!("idle timeout of {t} s is not between 1 and 4000 s"),
                )
                .field("idle_timeout_seconds"),
            );
        }
    }
    for (i, cidr) in props.ingress_cidrs.iter().flatten().enumerate() {
        if IpNet::from_str(cidr).is_err() {
            stack.report(
                ValidationError::new(Code::IngressCidrInvalid, path, format!("`{cidr}` is not an IPv4 or IPv6 CIDR"))
                    .field(format!("ingress_cidrs[{i}]").as_str())
                    .help("use a CIDR such as 203.0.113.0/24 or 2001:db8::/32"),
            );
        }
    }
    if props.ingress_cidrs.as_ref().is_some_and(Vec::is_empty)
        && props.ingress_prefix_lists.as_ref().is_none_or(Vec::is_empty)
        && props.ingress_prefix_list_values.is_empty()
    {
        stack.report(
            ValidationError::new(Code::IngressCidrsEmpty, path, "`ingress_cidrs` is empty, so no client could connect")
                .field("ingress_cidrs")
                .help("list at least one CIDR (or `ingress_prefix_lists`), or leave `ingress_cidrs` out for anywhere"),
        );
    }
    if !internal && props.subnets == Some(SubnetSelection::Private) {
        stack.report(
            ValidationError::new(
                Code::LoadBalancerSubnetsInvalid,
                path,
                "an internet-facing load balancer cannot be placed in private subnets",
            )
            .field("subnets")
            .help("use `subnets: public`, or set `internal: true`"),
        );
    }
    if vpc.public_subnet_ids.len() < 2 {
        stack.report(
            ValidationError::new(
                Code::LoadBalancerNeedsTwoAzs,
                path,
                format!(
                    "an Application Load Balancer needs subnets in at least 2 AZs; the VPC has {}",
                    vpc.public_subnet_ids.len()
                ),
            )
            .help("give the VPC `max_azs: 2` or more"),
        );
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        TooManyTargetGroups => error("elbv2:too-many-target-groups") {
            formerly: ["alb-too-many-target-groups"],
            title: "the stack's services need more target groups than one load balancer allows",
            explanation: "An Application Load Balancer can use at most 100 target groups (a fixed quota), and each service \
         (and each canary) needs one. Split the services over more stacks, each with its own load \
         balancer.",
        },
        TooManyRules => error("elbv2:too-many-rules") {
            formerly: ["alb-too-many-rules"],
            title: "the stack's services need more listener rules than one load balancer allows",
            explanation: "An Application Load Balancer allows at most 100 listener rules (not counting default rules), and \
         each service needs at least one rule on each listener. Split the services over more stacks, \
         each with its own load balancer.",
        },
        CertificateArnInvalid => error("elbv2:certificate-arn-invalid") {
            formerly: ["certificate-arn-invalid"],
            title: "a listener certificate is not an ACM or IAM certificate ARN",
            explanation: "An HTTPS listener takes certificates by ARN, from ACM (`arn:aws:acm:REGION:ACCOUNT:certificate/ID`, \
         in the load balancer's region) or IAM (`arn:aws:iam::ACCOUNT:server-certificate/NAME`).",
        },
        HttpsCertificateMissing => error("elbv2:https-certificate-missing") {
            formerly: ["https-certificate-missing"],
            title: "an HTTPS listener has no certificate",
            explanation: "An HTTPS listener needs at least one server certificate. Set `certificate_arns` to an ACM \
         certificate in the load balancer's region (HTTP then redirects to HTTPS), or set \
         `https: false`.\n\n\
         ```yaml\nload_balancer:\n  certificate_arns: [arn:aws:acm:eu-west-1:123456789012:certificate/abcd]\n```",
        },
        HttpsCertificateUnused => error("elbv2:https-certificate-unused") {
            formerly: ["https-certificate-unused"],
            title: "certificates are given but `https` is false",
            explanation: "Certificates are only used by an HTTPS listener, which `https: false` turns off. Remove \
         `certificate_arns`, or remove `https: false`.",
        },
        IdleTimeoutInvalid => error("elbv2:idle-timeout-invalid") {
            formerly: ["idle-timeout-invalid"],
            title: "the load balancer idle timeout is outside 1 to 4000 seconds",
            explanation: "An Application Load Balancer closes idle connections after 1 to 4000 seconds (default 60).",
        },
        IngressCidrInvalid => error("elbv2:ingress-cidr-invalid") {
            formerly: ["ingress-cidr-invalid"],
            title: "an ingress CIDR is not an IPv4 or IPv6 CIDR",
            explanation: "`ingress_cidrs` lists the networks allowed to reach the load balancer, each as an address and a \
         prefix length: `203.0.113.0/24`, `2001:db8::/32`.",
        },
        IngressCidrsEmpty => error("elbv2:ingress-cidrs-empty") {
            formerly: ["ingress-cidrs-empty"],
            title: "`ingress_cidrs` is empty, so no client could connect",
            explanation: "An empty list would leave the load balancer's security group without an inbound rule. List at \
         least one CIDR, or leave `ingress_cidrs` out to allow anywhere.",
        },
        LoadBalancerNeedsTwoAzs => error("elbv2:load-balancer-needs-two-azs") {
            formerly: ["load-balancer-needs-two-azs"],
            title: "an Application Load Balancer needs subnets in at least two AZs",
            explanation: "Elastic Load Balancing requires an Application Load Balancer to have subnets in at least two \
         Availability Zones. Give the VPC `max_azs: 2` or more.",
        },
        LoadBalancerNoListener => error("elbv2:load-balancer-no-listener") {
            formerly: ["load-balancer-no-listener"],
            title: "the load balancer would have no listener",
            explanation: "With `http: false` and no HTTPS listener, the load balancer would accept no traffic. Keep the \
         HTTP listener, or turn HTTPS on with `certificate_arns`.",
        },
        LoadBalancerSubnetsInvalid => error("elbv2:load-balancer-subnets-invalid") {
            formerly: ["load-balancer-subnets-invalid"],
            title: "an internet-facing load balancer is placed in private subnets",
            explanation: "An internet-facing load balancer needs subnets with a route to an internet gateway (public \
         subnets); in private subnets it could not be reached. Use `subnets: public`, or set \
         `internal: true`.",
        },
        PrefixListInvalid => error("elbv2:prefix-list-invalid") {
            formerly: ["alb-prefix-list-invalid"],
            title: "an ingress prefix list is not a managed prefix list ID",
            explanation: "`load_balancer.ingress_prefix_lists` takes the IDs of managed prefix lists, `pl-` followed \
         by hexadecimal digits, e.g. `pl-3b927c52`, as `aws ec2 describe-managed-prefix-lists` prints \
         them. The security group rule's `SourcePrefixListId` accepts nothing else.",
        },
        SslPolicyInsecure => error("elbv2:ssl-policy-insecure") {
            formerly: ["ssl-policy-insecure"],
            title: "the TLS policy is unknown or admits TLS versions below 1.2",
            explanation: "rcdk requires a modern TLS policy on HTTPS listeners: TLS 1.0 and 1.1 are deprecated and fail \
         most compliance checks. Use a TLS 1.2+ policy such as `ELBSecurityPolicy-TLS13-1-2-2021-06` (the \
         default), or leave `ssl_policy` out.",
        },
        SslPolicyWithoutHttps => error("elbv2:ssl-policy-without-https") {
            formerly: ["ssl-policy-without-https"],
            title: "`ssl_policy` is set but there is no HTTPS listener",
            explanation: "A TLS policy applies to HTTPS listeners only. Remove `ssl_policy`, or add `certificate_arns` to \
         get an HTTPS listener.",
        },
    }
}
