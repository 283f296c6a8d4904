//! CloudFront and its origins: each load-balancer origin must be able to
//! serve the distribution, and only the distribution.

use serde_json::Value;

use crate::analysis::check::{Scope, Sink};
use crate::analysis::model::{field, Tri, V};
use crate::analysis::network::{Net, RulePeer};
use crate::analysis::world::{names, Id, World};

const ALB: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";

/// The load balancer an origin's domain name designates, in whichever stack.
pub(crate) fn origin_lb<'a>(world: &World<'_, 'a>, i: usize, domain: &'a Value) -> Option<Id<'a>> {
    match world.resolve(i, domain) {
        (j, V::Att(lb, "DNSName")) if world.doc(j).ty(lb) == Some(ALB) => Some(Id { stack: j, name: lb }),
        _ => None,
    }
}

/// Longest a request may wait for an unreachable primary origin (connection
/// attempts × timeout) before failing over without a warning, in seconds.
pub const MAX_FAILOVER_WAIT_SECONDS: i64 = 10;

/// Warns when a failover group's primary origin makes every request wait
/// long before failing over (CloudFront's defaults: 3 attempts × 10 s).
fn slow_failover(doc: &crate::analysis::model::Doc<'_>, d: &crate::analysis::model::Res<'_>, sink: &mut Sink<'_>) {
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
            let f = sink.report(
                crate::cloudfront::distribution::Code::SlowFailover,
                d.id,
                format!(
                    "distribution {}: while its primary origin `{name}` is unreachable, every request waits up to {} s ({attempts} connection attempts of {timeout} s) before failing over — CloudFront keeps no health state between requests",
                    d.id,
                    attempts * timeout
                ),
                "lower the primary's `origin_connection_attempts` / `origin_connection_timeout_seconds` (rcdk's default: 1 attempt of 3 s)"
                    .into(),
            );
            f.field = Some("origin_connection_timeout_seconds");
        }
    }
}

/// Warns when CloudFront sends a secret origin header (a value read from
/// Secrets Manager or SSM SecureString) to an origin over plain HTTP.
fn secret_header_in_cleartext(
    doc: &crate::analysis::model::Doc<'_>,
    d: &crate::analysis::model::Res<'_>,
    sink: &mut Sink<'_>,
) {
    let config = d.props.get("DistributionConfig");
    let viewer = field(field(config, "DefaultCacheBehavior"), "ViewerProtocolPolicy").map(|v| doc.resolve(v));
    let viewers_https = viewer.as_ref().and_then(V::as_str).is_some_and(|v| v != "allow-all");
    let mut exposed: Vec<(&str, &str)> = Vec::new();
    for o in doc.list(field(config, "Origins")).unwrap_or_default() {
        let headers = doc.list(o.get("OriginCustomHeaders")).unwrap_or_default();
        let secret = headers.iter().find(|h| {
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
        let f = sink.report(
            crate::patterns::platform::cdn::Code::OriginSecretCleartext,
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

/// An origin's `Id` as the template gives it: the value, a parameter's
/// default, or the intrinsic as written (`!Ref OriginAlb`).
fn origin_name<'a>(world: &World<'_, 'a>, i: usize, id: Option<&'a Value>) -> String {
    let Some(v) = id else { return String::new() };
    match world.resolve(i, v).1 {
        V::Str(s) => s.into_owned(),
        V::Num(n) => n.to_string(),
        V::Param(p) => match world.doc(i).params.get(p).and_then(|p| p.default).and_then(Value::as_str) {
            Some(d) => format!("{d} (the default of parameter {p})"),
            None => format!("!Ref {p}"),
        },
        _ => short(v),
    }
}

/// An intrinsic in short form: `!Ref X`, `!GetAtt X.Y`, `!Sub ...`.
fn short(v: &Value) -> String {
    match v.as_object().and_then(|m| m.iter().next()) {
        Some((k, Value::String(s))) => format!("!{} {s}", k.trim_start_matches("Fn::")),
        Some((k, Value::Array(a))) if k == "Fn::GetAtt" => {
            format!("!GetAtt {}", a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("."))
        }
        Some((k, _)) => format!("!{} ...", k.trim_start_matches("Fn::")),
        None => v.to_string(),
    }
}

/// Anyone can skip the distribution when the load balancer admits the whole
/// internet on one of its listeners' ports, whichever port CloudFront uses.
fn bypass(net: &Net<'_>, sink: &mut Sink<'_>, lb_id: Id<'_>, hop: &str) {
    let Some(sgs) = net.lbs.get(&lb_id).and_then(|lb| lb.sgs.as_ref()).filter(|s| !s.is_empty()) else { return };
    let listeners = net.lb_listeners.get(&lb_id).map(Vec::as_slice).unwrap_or_default();
    let mut ports: Vec<i64> = listeners.iter().filter_map(|&i| net.listeners[i].port).collect();
    ports.sort_unstable();
    ports.dedup();
    // Only rules that exist whatever the parameters are open the origin for sure.
    let open = |p: &RulePeer<'_>| match p {
        RulePeer::Cidr(n) if n.prefix_len() == 0 => Tri::Yes,
        RulePeer::Cidr6 => Tri::Yes,
        _ => Tri::No,
    };
    let open_ports: Vec<String> = ports
        .into_iter()
        .filter(|&port| Net::covers(net.ingress_of(sgs).filter(|r| !r.maybe), (port, port), open) == Tri::Yes)
        .map(|p| p.to_string())
        .collect();
    if open_ports.is_empty() {
        return;
    }
    let f = sink.report_at(
        Code::OriginBypass,
        sgs[0],
        format!(
            "{hop}: the load balancer admits the whole internet on port(s) {}, so anyone can bypass CloudFront (and any WAF \
             on it)",
            open_ports.join(", ")
        ),
        format!(
            "admit only CloudFront's origin-facing prefix list on {} and have the listener require a secret header the \
             distribution sends (an origin custom header)",
            sgs[0]
        ),
    );
    f.field = Some("ingress_cidrs");
}

pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let (world, net, i) = (scope.world, scope.net(), scope.index);
    let doc = scope.doc();
    for d in doc.of_type("AWS::CloudFront::Distribution") {
        slow_failover(doc, d, sink);
        secret_header_in_cleartext(doc, d, sink);
        let config = d.props.get("DistributionConfig");
        let viewer =
            field(field(config, "DefaultCacheBehavior"), "ViewerProtocolPolicy").map(|v| world.resolve(i, v).1);
        let viewers_https = viewer.as_ref().and_then(V::as_str).is_some_and(|v| v != "allow-all");
        for o in doc.list(field(config, "Origins")).unwrap_or_default() {
            let Some(custom) = o.get("CustomOriginConfig") else { continue };
            let Some(lb_id) = o.get("DomainName").and_then(|v| origin_lb(world, i, v)) else {
                let domain = o.get("DomainName").map(|v| world.resolve(i, v).1);
                if matches!(&domain, Some(V::Param(_) | V::Import(_)))
                    || matches!(&domain, Some(V::Att(_, a)) if a.starts_with("Outputs."))
                {
                    let origin = origin_name(world, i, o.get("Id"));
                    let why = format!("its domain name cannot be told: {}", world.why(i, o.get("DomainName")));
                    sink.unknown(
                        Id { stack: i, name: d.id },
                        format!("CloudFront {} (origin `{origin}`) → origin", d.id),
                        &why,
                    );
                }
                continue;
            };
            let Some(lb) = net.lbs.get(&lb_id) else { continue };
            let origin = origin_name(world, i, o.get("Id"));
            let hop = format!(
                "CloudFront {} (origin `{origin}`) → load balancer {lb_id} of stack {}",
                d.id, world.names[lb_id.stack]
            );
            if lb.internal {
                let f = sink.report_at(
                    Code::OriginInternal,
                    lb_id,
                    format!("{hop}: the load balancer is internal; CloudFront reaches origins over the internet"),
                    "make the origin load balancer internet-facing (`Scheme: internet-facing`)".into(),
                );
                f.field = None;
                continue;
            }
            bypass(net, sink, lb_id, &hop);
            let get = |k: &str, default: &str| -> Option<String> {
                match custom.get(k).map(|v| world.resolve(i, v).1) {
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
            let of_lb = net.lb_listeners.get(&lb_id).map(Vec::as_slice).unwrap_or_default();
            let listener = |port: i64| of_lb.iter().map(|&i| &net.listeners[i]).find(|l| l.port == Some(port));
            let unknown_listeners = net.unknown_listeners;
            let mut ports = Vec::new();
            let needs_https = policy == "https-only" || (policy == "match-viewer" && viewers_https);
            // The security groups matter on the ports a listener serves.
            if needs_https {
                match listener(https_port) {
                    Some(l) if l.protocol.as_deref() == Some("HTTPS") => ports.push(https_port),
                    _ if unknown_listeners => ports.push(https_port),
                    _ => {
                        let f = sink.report(
                            Code::OriginNoHttpsListener,
                            d.id,
                            format!("{hop}: CloudFront connects with HTTPS on port {https_port}, and the load balancer has no HTTPS listener there"),
                            format!("give the load balancer an HTTPS listener on port {https_port} (with a certificate), or set the origin's `OriginProtocolPolicy: http-only`"),
                        );
                        f.field = Some("origin_protocol");
                    }
                }
            }
            if policy == "http-only" || (policy == "match-viewer" && !viewers_https) {
                match listener(http_port) {
                    Some(l) if l.redirects_to_https => {
                        let f = sink.report(
                            Code::OriginRedirectLoop,
                            d.id,
                            format!(
                                "{hop}: CloudFront connects with HTTP on port {http_port}, and listener {} redirects HTTP to HTTPS: \
                                 every request redirects to itself",
                                l.id
                            ),
                            "set the origin's `OriginProtocolPolicy: https-only` (the load balancer redirects to HTTPS)".into(),
                        );
                        f.field = Some("origin_protocol");
                    }
                    Some(l) if l.protocol.as_deref() == Some("HTTP") => ports.push(http_port),
                    _ if unknown_listeners => ports.push(http_port),
                    _ => {
                        let f = sink.report(
                            Code::OriginNoHttpListener,
                            d.id,
                            format!("{hop}: CloudFront connects with HTTP on port {http_port}, and the load balancer has no HTTP listener there"),
                            format!("set the origin's `OriginProtocolPolicy: https-only`, or give the load balancer an HTTP listener on port {http_port}"),
                        );
                        f.field = Some("origin_protocol");
                    }
                }
            }
            let Some(sgs) = lb.sgs.as_ref().filter(|s| !s.is_empty()) else { continue };
            for &port in &ports {
                let from_cloudfront = |p: &RulePeer<'_>| match p {
                    RulePeer::Cidr(n) if n.prefix_len() == 0 => Tri::Yes,
                    RulePeer::PrefixList(_) | RulePeer::Unknown => Tri::Unknown,
                    _ => Tri::No,
                };
                if Net::covers(net.ingress_of(sgs), (port, port), from_cloudfront) == Tri::No {
                    let f = sink.report_at(
                        Code::OriginBlocked,
                        sgs[0],
                        format!(
                            "{hop}: the load balancer's security groups ({}) do not admit CloudFront on port {port}",
                            names(sgs)
                        ),
                        format!(
                            "admit CloudFront's origin-facing managed prefix list (`com.amazonaws.global.cloudfront.origin-facing`) \
                             on {} for TCP {port}",
                            sgs[0]
                        ),
                    );
                    f.field = Some("ingress_cidrs");
                    continue;
                }
            }
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        OriginBlocked => error("cdn:origin-blocked") {
            formerly: ["cdn-origin-blocked"],
            title: "the origin's security groups do not admit CloudFront",
            explanation: "CloudFront connects to a load balancer origin from the addresses of its origin-facing \
         managed prefix list (`com.amazonaws.global.cloudfront.origin-facing`). No ingress rule of \
         the load balancer's security groups admits that list, or an address range that contains \
         CloudFront's, on the origin port, so every request through the CDN times out. Leave \
         `ingress_cidrs` unset on a CDN-fronted load balancer (rcdk then admits the prefix list), or \
         add the prefix list to `load_balancer.ingress_prefix_lists`.",
        },
        OriginBypass => warning("cdn:origin-bypass") {
            formerly: ["cdn-origin-bypass"],
            title: "a CDN origin is open to the internet, bypassing CloudFront",
            explanation: "The load balancer behind the CDN admits `0.0.0.0/0` (or `::/0`) and forwards requests \
         without checking that they came through CloudFront. Anyone who finds its DNS name skips the \
         CDN, its cache and any WAF on it. rcdk locks CDN origins by default (CloudFront's \
         origin-facing prefix list plus a secret `X-Origin-Verify` header the listener rules \
         require); this warning means the lock was turned off with `cdn.origin_lock: false`, or a \
         template was written without one. Remove the opt-out, or restrict the origin yourself.",
        },
        OriginInternal => error("cdn:origin-internal") {
            formerly: ["cdn-origin-internal"],
            title: "an internal load balancer is a CloudFront origin",
            explanation: "An internal load balancer has only private addresses; CloudFront reaches custom origins over \
         the internet, so every request fails. Make the load balancer internet-facing (and lock it to \
         the CDN), or put the CDN in front of another origin.",
        },
        OriginNoHttpListener => error("cdn:origin-no-http-listener") {
            formerly: ["cdn-origin-no-http-listener"],
            title: "an HTTP origin's load balancer has no HTTP listener on the origin port",
            explanation: "The distribution connects to the origin over HTTP (`origin_protocol: http_only`, or \
         `match_viewer` for HTTP viewers) on a port where the load balancer has no HTTP listener, so \
         CloudFront's connections are refused and viewers get 502. Add the HTTP listener, or send \
         HTTPS to the origin (`origin_protocol: https_only`) when the load balancer has a \
         certificate.",
        },
        OriginNoHttpsListener => error("cdn:origin-no-https-listener") {
            formerly: ["cdn-origin-no-https-listener"],
            title: "an HTTPS origin's load balancer has no HTTPS listener on the origin port",
            explanation: "The distribution connects to the origin over HTTPS on a port where the load balancer has no \
         HTTPS listener, so the TLS handshake fails and viewers get 502. Give the load balancer a \
         certificate and an HTTPS listener (`load_balancer.https`), or use `origin_protocol: \
         http_only`.",
        },
        OriginRedirectLoop => error("cdn:origin-redirect-loop") {
            formerly: ["cdn-origin-redirect-loop"],
            title: "HTTP to an origin whose port 80 redirects to HTTPS: a redirect loop",
            explanation: "The distribution fetches from the origin over HTTP, and the load balancer's HTTP listener \
         answers with a redirect to HTTPS. CloudFront passes the redirect to the viewer, who comes \
         back through CloudFront, which fetches over HTTP again: every request loops until the \
         browser gives up. Send HTTPS to the origin (`origin_protocol: https_only`), or stop \
         redirecting port 80.",
        },
    }
}
