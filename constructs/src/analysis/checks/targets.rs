//! Listener → target group → the service's tasks: every service's target
//! group has a listener or rule forwarding to it, the targets' security
//! groups admit the load balancer on the target port (and on a fixed health
//! check port), the load balancer's restricted egress lets it out, and the
//! network ACLs between the load balancer's and the targets' subnets pass
//! the traffic both ways.

use std::collections::{BTreeSet, HashSet};

use crate::analysis::check::{Scope, Sink};
use crate::analysis::hops::nacl_hop;
use crate::analysis::ip::{ports_text, Ports, DYNAMIC_PORTS, EPHEMERAL_PORTS};
use crate::analysis::model::{prop, V};
use crate::analysis::nacl::Peer as NaclPeer;
use crate::analysis::network::{peer_within, Net, RulePeer, Tri};

/// Reports broken hops from the load balancers to the services' tasks.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let net = scope.net();
    let mut seen: HashSet<(&str, Vec<&str>, Ports)> = HashSet::new();
    let mut seen_nacl: HashSet<(&str, &str, Ports)> = HashSet::new();
    for b in &net.bindings {
        let listeners = net.tg_listeners.get(b.tg).map(Vec::as_slice).unwrap_or_default();
        if listeners.is_empty() {
            let exported = net.doc.outputs.values().any(|v| matches!(net.doc.resolve(v), V::Ref(id) if id == b.tg));
            if !net.unknown_forwards && !exported {
                sink.report(
                    Code::TargetGroupOrphan,
                    b.service,
                    format!(
                        "listener → target group {}: no listener or listener rule forwards to it, so ECS cannot register service {}'s tasks \
                         (creating the service fails: the target group has no load balancer)",
                        b.tg, b.service
                    ),
                    format!("add a listener rule (or a listener's default action) that forwards to {}", b.tg),
                );
            }
            continue;
        }
        let Some(target_sgs) = b.sgs.as_ref() else { continue };
        let target_cidrs = net.cidrs(b.subnets.as_ref());
        let lbs: BTreeSet<&str> = listeners.iter().filter_map(|&i| net.listeners[i].lb).collect();
        for lb_id in lbs {
            let Some(lb) = net.lbs.get(lb_id) else { continue };
            let Some(lb_sgs) = lb.sgs.as_ref().filter(|s| !s.is_empty()) else { continue };
            let mut key_sgs = target_sgs.clone();
            key_sgs.sort();
            if !seen.insert((lb_id, key_sgs, b.ports)) {
                continue;
            }
            let lb_cidrs = net.cidrs(lb.subnets.as_ref());
            let from_lb = |p: &RulePeer<'_>| peer_within(p, lb_sgs, lb_cidrs.as_deref());
            let what = if b.awsvpc {
                format!("container port {} of `{}` (awsvpc)", b.container_port, b.container)
            } else if b.ports == DYNAMIC_PORTS {
                format!(
                    "the dynamic host ports {}-{} of `{}` (bridge mode, container port {})",
                    DYNAMIC_PORTS.0, DYNAMIC_PORTS.1, b.container, b.container_port
                )
            } else {
                format!("host {} of `{}`", ports_text(b.ports), b.container)
            };
            if Net::covers(net.ingress_of(target_sgs), b.ports, from_lb) == Tri::No {
                sink.report(
                    Code::LbToTargetBlocked,
                    target_sgs[0],
                    format!(
                        "target group {} → service {}: no rule of the target's security groups ({}) admits load balancer {lb_id} \
                         (security groups {}) on {what}; health checks fail and every request gets 502/503",
                        b.tg,
                        b.service,
                        target_sgs.join(", "),
                        lb_sgs.join(", ")
                    ),
                    format!(
                        "add an AWS::EC2::SecurityGroupIngress on {} for TCP {} with SourceSecurityGroupId {}",
                        target_sgs[0],
                        ports_text(b.ports),
                        lb_sgs[0]
                    ),
                );
            }
            // A fixed health check port outside the traffic port: the load balancer must reach it too.
            let health = net.doc.res(b.tg).and_then(|tg| prop(net.doc, tg, "HealthCheckPort").as_i64());
            if let Some(hp) = health.filter(|p| *p < b.ports.0 || *p > b.ports.1) {
                if Net::covers(net.ingress_of(target_sgs), (hp, hp), from_lb) == Tri::No {
                    sink.report(
                        Code::LbToTargetBlocked,
                        target_sgs[0],
                        format!(
                            "target group {} → service {}: health checks go to port {hp}, and no rule of the target's security \
                             groups ({}) admits load balancer {lb_id} (security groups {}) there; every target stays unhealthy",
                            b.tg,
                            b.service,
                            target_sgs.join(", "),
                            lb_sgs.join(", ")
                        ),
                        format!(
                            "add an AWS::EC2::SecurityGroupIngress on {} for TCP {hp} with SourceSecurityGroupId {}, or check \
                             health on the traffic port",
                            target_sgs[0], lb_sgs[0]
                        ),
                    );
                }
            }
            let all_restricted = lb_sgs.iter().all(|id| net.sgs.get(id).is_some_and(|sg| sg.restricted_egress));
            if all_restricted {
                let to_target = |p: &RulePeer<'_>| peer_within(p, target_sgs, target_cidrs.as_deref());
                let egress = lb_sgs.iter().filter_map(|id| net.sgs.get(id)).flat_map(|sg| sg.egress.iter());
                if Net::covers(egress, b.ports, to_target) == Tri::No {
                    sink.report(
                        Code::LbEgressBlocked,
                        lb_sgs[0],
                        format!(
                            "load balancer {lb_id} → target group {}: the load balancer's security groups ({}) restrict egress and \
                             none lets it out to {what} of service {}",
                            b.tg,
                            lb_sgs.join(", "),
                            b.service
                        ),
                        format!(
                            "add an AWS::EC2::SecurityGroupEgress on {} for TCP {} with DestinationSecurityGroupId {}",
                            lb_sgs[0],
                            ports_text(b.ports),
                            target_sgs[0]
                        ),
                    );
                }
            }
            // The network ACLs between the load balancer's and the targets' subnets, both ways.
            let (Some(lb_subnets), Some(t_subnets)) = (lb.subnets.as_ref(), b.subnets.as_ref()) else { continue };
            for ls in lb_subnets {
                for ts in t_subnets {
                    let (la, ta) = (net.nacls.of(ls), net.nacls.of(ts));
                    if la.is_none() && ta.is_none() {
                        continue;
                    }
                    if !seen_nacl.insert((la.unwrap_or(ls), ta.unwrap_or(ts), b.ports)) {
                        continue;
                    }
                    let peer_of = |s: &str| match net.subnet_cidrs.get(s).copied().flatten() {
                        Some(n) => NaclPeer::Net(n),
                        None => NaclPeer::Unknown,
                    };
                    let hop = format!("load balancer {lb_id} (subnet {ls}) → service {} (subnet {ts})", b.service);
                    let back = format!(
                        "service {} (subnet {ts}) → load balancer {lb_id} (subnet {ls}), return traffic",
                        b.service
                    );
                    let ok = la.is_none_or(|a| nacl_hop(net, sink, a, true, b.ports, peer_of(ts), &hop))
                        && ta.is_none_or(|a| nacl_hop(net, sink, a, false, b.ports, peer_of(ls), &hop))
                        && ta.is_none_or(|a| nacl_hop(net, sink, a, true, EPHEMERAL_PORTS, peer_of(ls), &back))
                        && la.is_none_or(|a| nacl_hop(net, sink, a, false, EPHEMERAL_PORTS, peer_of(ts), &back));
                    if !ok {
                        break;
                    }
                }
            }
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        LbEgressBlocked => error("net:lb-egress-blocked") {
            formerly: ["net-lb-egress-blocked"],
            title: "the load balancer's egress rules do not reach the target port",
            explanation: "The load balancer's security group restricts egress, and no egress rule reaches the targets' \
         security group (or address) on the target port: in bridge mode the dynamic host ports \
         32768-65535, in awsvpc mode the container port. Health checks fail and every request gets \
         502. Add the egress rule, or leave egress open.",
        },
        LbToTargetBlocked => error("net:lb-to-target-blocked") {
            formerly: ["net-lb-to-target-blocked"],
            title: "no rule of the targets' security groups admits the load balancer on the target port (or on a fixed health check port outside it)",
            explanation: "No ingress rule of the targets' security groups admits the load balancer's security group \
         (or an address range containing the load balancer's subnets) on the target port: in bridge \
         mode the dynamic host ports 32768-65535, in awsvpc mode the container port — or on the \
         target group's fixed `HealthCheckPort` when it lies outside those. The targets never pass \
         their health checks and every request gets 502 or 503. Admit the load balancer's security \
         group on the port.",
        },
        TargetGroupOrphan => error("net:target-group-orphan") {
            formerly: ["net-target-group-orphan"],
            title: "a service's target group that no listener or rule forwards to",
            explanation: "The service registers its tasks in a target group, but no listener's default action and no \
         listener rule forwards to that group, so the service never receives a request (and ECS \
         refuses a service whose target group is attached to no load balancer). Add a rule that \
         forwards to it, or remove the binding.",
        },
    }
}
