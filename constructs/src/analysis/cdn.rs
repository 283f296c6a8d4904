//! CloudFront and its origins: each load-balancer origin must be able to
//! serve the distribution, and only the distribution.

use serde_json::Value;

use super::codes;
use super::model::{field, V};
use super::network::{Net, RulePeer, Tri};
use super::{Sink, StackTemplate};

/// The load balancer an origin's domain name designates: (stack index, logical ID).
pub(crate) fn origin_lb<'a>(stacks: &[StackTemplate<'a>], i: usize, domain: &'a Value) -> Option<(usize, &'a str)> {
    let doc = &stacks[i].doc;
    match doc.resolve(domain) {
        V::Att(lb, "DNSName") if doc.ty(lb) == Some("AWS::ElasticLoadBalancingV2::LoadBalancer") => Some((i, lb)),
        V::Param(p) => {
            let (_, stack, output) = stacks[i].inputs.iter().find(|(param, _, _)| *param == p)?;
            let j = stacks.iter().position(|s| s.name == *stack)?;
            let other = &stacks[j].doc;
            match other.resolve(other.outputs.get(output)?) {
                V::Att(lb, "DNSName") if other.ty(lb) == Some("AWS::ElasticLoadBalancingV2::LoadBalancer") => {
                    Some((j, lb))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Longest a request may wait for an unreachable primary origin (connection
/// attempts × timeout) before failing over without a warning, in seconds.
pub const MAX_FAILOVER_WAIT_SECONDS: i64 = 10;

/// Warns when a failover group's primary origin makes every request wait
/// long before failing over (CloudFront's defaults: 3 attempts × 10 s).
fn slow_failover(doc: &super::model::Doc<'_>, d: &super::model::Res<'_>, sink: &mut Sink<'_>) {
    let config = d.props.get("DistributionConfig");
    let groups = doc.list(field(field(config, "OriginGroups"), "Items")).unwrap_or_default();
    let origins = doc.list(field(config, "Origins")).unwrap_or_default();
    for g in groups {
        let members = doc.list(field(g.get("Members"), "Items")).unwrap_or_default();
        let Some(primary) = members.first().and_then(|m| m.get("OriginId")).map(|v| doc.resolve(v)) else { continue };
        let Some(o) = origins.iter().find(|o| o.get("Id").map(|v| doc.resolve(v)) == Some(primary.clone())) else {
            continue;
        };
        let number = |k: &str, default: i64| match o.get(k) {
            None => Some(default),
            Some(v) => doc.resolve(v).as_i64(),
        };
        let (Some(attempts), Some(timeout)) = (number("ConnectionAttempts", 3), number("ConnectionTimeout", 10)) else {
            continue;
        };
        if attempts * timeout > MAX_FAILOVER_WAIT_SECONDS {
            let name = primary.as_str().unwrap_or_default().to_owned();
            let f = sink.warning(
                codes::CDN_SLOW_FAILOVER,
                d.id,
                format!(
                    "distribution {}: while its primary origin `{name}` is unreachable, every request waits up to {} s                      ({attempts} connection attempts of {timeout} s) before failing over — CloudFront keeps no health                      state between requests",
                    d.id,
                    attempts * timeout
                ),
                "lower the primary's `origin_connection_attempts` / `origin_connection_timeout_seconds` (rcdk's default:                  1 attempt of 3 s)"
                    .into(),
            );
            f.field = Some("origin_connection_timeout_seconds");
        }
    }
}

/// Warns when CloudFront sends a secret origin header (a value read from
/// Secrets Manager or SSM SecureString) to an origin over plain HTTP.
fn secret_header_in_cleartext(doc: &super::model::Doc<'_>, d: &super::model::Res<'_>, sink: &mut Sink<'_>) {
    let config = d.props.get("DistributionConfig");
    let viewer = field(field(config, "DefaultCacheBehavior"), "ViewerProtocolPolicy").map(|v| doc.resolve(v));
    let viewers_https = viewer.as_ref().and_then(V::as_str).is_some_and(|v| v != "allow-all");
    let mut exposed: Vec<(&str, &str)> = Vec::new();
    for o in doc.list(field(config, "Origins")).unwrap_or_default() {
        let secret = doc.list(o.get("OriginCustomHeaders")).unwrap_or_default().iter().find(|h| {
            let value = h.get("HeaderValue").map(Value::to_string).unwrap_or_default();
            value.contains("resolve:secretsmanager:") || value.contains("resolve:ssm-secure:")
        });
        let Some(header) = secret else { continue };
        let policy = field(o.get("CustomOriginConfig"), "OriginProtocolPolicy").map(|v| doc.resolve(v));
        let plain = match policy.as_ref().and_then(V::as_str) {
            Some("http-only") => true,
            Some("match-viewer") | None => !viewers_https,
            _ => false,
        };
        if plain {
            let name = header.get("HeaderName").and_then(Value::as_str).unwrap_or("?");
            exposed.push((name, o.get("Id").and_then(Value::as_str).unwrap_or("?")));
        }
    }
    if let Some((name, _)) = exposed.first() {
        let origins: Vec<String> = exposed.iter().map(|(_, o)| format!("`{o}`")).collect();
        let f = sink.warning(
            codes::CDN_SECRET_CLEARTEXT,
            d.id,
            format!(
                "distribution {}: CloudFront sends the secret `{name}` header to origin(s) {} over plain HTTP, \
                     across the internet: whoever reads it on the way can call the origin with it and bypass the \
                     distribution (and any WAF on it)",
                d.id,
                origins.join(", ")
            ),
            "give the origin load balancers certificates (`load_balancer.domain`, or \
                 `region_overrides.<region>.certificate_arns`): the CDN then connects with HTTPS (`origin_protocol: \
                 https_only`)"
                .into(),
        );
        f.field = Some("origin_protocol");
    }
}

pub(crate) fn check(stacks: &[StackTemplate<'_>], nets: &[Net<'_, '_>], i: usize, sink: &mut Sink<'_>) {
    let doc = &stacks[i].doc;
    for d in doc.of_type("AWS::CloudFront::Distribution") {
        slow_failover(doc, d, sink);
        secret_header_in_cleartext(doc, d, sink);
        let config = d.props.get("DistributionConfig");
        let viewer = field(field(config, "DefaultCacheBehavior"), "ViewerProtocolPolicy").map(|v| doc.resolve(v));
        let viewers_https = viewer.as_ref().and_then(V::as_str).is_some_and(|v| v != "allow-all");
        for o in doc.list(field(config, "Origins")).unwrap_or_default() {
            let Some(custom) = o.get("CustomOriginConfig") else { continue };
            let Some((j, lb_id)) = o.get("DomainName").and_then(|v| origin_lb(stacks, i, v)) else { continue };
            let net = &nets[j];
            let Some(lb) = net.lbs.get(lb_id) else { continue };
            let origin =
                o.get("Id").map(|v| doc.resolve(v)).and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            let hop =
                format!("CloudFront {} (origin `{origin}`) → load balancer {lb_id} of stack {}", d.id, stacks[j].name);
            if lb.internal {
                sink.error_in(
                    j,
                    codes::CDN_INTERNAL,
                    lb_id,
                    format!("{hop}: the load balancer is internal; CloudFront reaches origins over the internet"),
                    "make the origin load balancer internet-facing (`load_balancer.internal: false`)".into(),
                );
                continue;
            }
            let get = |k: &str, default: &str| -> Option<String> {
                match custom.get(k).map(|v| doc.resolve(v)) {
                    None => Some(default.to_owned()),
                    Some(V::Str(s)) => Some(s.into_owned()),
                    Some(V::Num(n)) => Some(format!("{n}")),
                    Some(_) => None,
                }
            };
            let (Some(policy), Some(http_port), Some(https_port)) =
                (get("OriginProtocolPolicy", "match-viewer"), get("HTTPPort", "80"), get("HTTPSPort", "443"))
            else {
                continue;
            };
            let (Ok(http_port), Ok(https_port)) = (http_port.parse::<i64>(), https_port.parse::<i64>()) else {
                continue;
            };
            let listener = |port: i64| net.listeners.iter().find(|l| l.lb == Some(lb_id) && l.port == Some(port));
            let unknown_listeners = net.listeners.iter().any(|l| l.lb.is_none() || l.port.is_none());
            let mut ports = Vec::new();
            let needs_https = policy == "https-only" || (policy == "match-viewer" && viewers_https);
            if needs_https {
                ports.push(https_port);
                match listener(https_port) {
                    Some(l) if l.protocol.as_deref() == Some("HTTPS") => {}
                    _ if unknown_listeners => {}
                    _ => {
                        let f = sink.error(
                            codes::CDN_NO_HTTPS,
                            d.id,
                            format!("{hop}: CloudFront connects with HTTPS on port {https_port}, and the load balancer has no HTTPS listener there"),
                            "give the load balancer a certificate (`load_balancer.certificate_arns`), or set `cdn.origin_protocol: http-only`".into(),
                        );
                        f.field = Some("origin_protocol");
                    }
                }
            }
            if policy == "http-only" || (policy == "match-viewer" && !viewers_https) {
                ports.push(http_port);
                match listener(http_port) {
                    Some(l) if l.redirects_to_https => {
                        let f = sink.error(
                            codes::CDN_REDIRECT_LOOP,
                            d.id,
                            format!(
                                "{hop}: CloudFront connects with HTTP on port {http_port}, and listener {} redirects HTTP to HTTPS: \
                                 every request redirects to itself",
                                l.id
                            ),
                            "set `cdn.origin_protocol: https-only` (the load balancer has a certificate)".into(),
                        );
                        f.field = Some("origin_protocol");
                    }
                    Some(l) if l.protocol.as_deref() == Some("HTTP") => {}
                    _ if unknown_listeners => {}
                    _ => {
                        let f = sink.error(
                            codes::CDN_NO_HTTP,
                            d.id,
                            format!("{hop}: CloudFront connects with HTTP on port {http_port}, and the load balancer has no HTTP listener there"),
                            "set `cdn.origin_protocol: https-only`, or keep HTTP on the load balancer (`load_balancer.http: true`)".into(),
                        );
                        f.field = Some("origin_protocol");
                    }
                }
            }
            let Some(sgs) = lb.sgs.as_ref().filter(|s| !s.is_empty()) else { continue };
            let rules = || sgs.iter().filter_map(|id| net.sgs.get(id)).flat_map(|sg| sg.ingress.iter());
            for &port in &ports {
                let from_cloudfront = |p: &RulePeer<'_>| match p {
                    RulePeer::Cidr(n) if n.prefix_len() == 0 => Tri::Yes,
                    RulePeer::PrefixList(_) | RulePeer::Unknown => Tri::Unknown,
                    _ => Tri::No,
                };
                if Net::covers(rules(), (port, port), from_cloudfront) == Tri::No {
                    let f = sink.error_in(
                        j,
                        codes::CDN_BLOCKED,
                        sgs[0],
                        format!(
                            "{hop}: the load balancer's security groups ({}) do not admit CloudFront on port {port}",
                            sgs.join(", ")
                        ),
                        "admit CloudFront's origin-facing prefix list (the default for a CDN origin), not a fixed `ingress_cidrs` list".into(),
                    );
                    f.field = Some("ingress_cidrs");
                    continue;
                }
                let open = |p: &RulePeer<'_>| match p {
                    RulePeer::Cidr(n) if n.prefix_len() == 0 => Tri::Yes,
                    RulePeer::Cidr6 => Tri::Yes,
                    _ => Tri::No,
                };
                if Net::covers(rules(), (port, port), open) == Tri::Yes {
                    let f = sink.warning(
                        codes::CDN_BYPASS,
                        sgs[0],
                        format!(
                            "{hop}: the load balancer admits the whole internet on port {port}, so anyone can bypass CloudFront (and any \
                             WAF on it)",
                        ),
                        "lock the origin to the CDN: ingress from CloudFront's origin-facing prefix list and a secret origin header".into(),
                    );
                    f.stack = j;
                    f.field = Some("ingress_cidrs");
                }
            }
        }
    }
}
