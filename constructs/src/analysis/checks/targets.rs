//! Listener → target group (or Classic ELB) → the targets, whatever
//! registers them: an ECS service's tasks, an Auto Scaling group's
//! instances (`TargetGroupARNs`, `LoadBalancerNames`), a target group's
//! static `Targets` or a Classic ELB's `Instances`. Every service's target
//! group has a listener or rule forwarding to it; the targets' security
//! groups admit the load balancer on the target port (and on a fixed health
//! check port); the load balancer's restricted egress lets it out (the
//! CDK's deny-all placeholder rule lets nothing out); and the network ACLs
//! between the load balancer's and the targets' subnets pass the traffic
//! both ways.
//!
//! Bridge-mode tasks without a host port listen on ECS's dynamic host
//! ports, which depend on the instances' OS: 32768-60999 on Linux (the
//! kernel's `ip_local_port_range`, also the ECS-optimized AMIs'),
//! 49152-65535 on Windows (ECS `PortMapping.hostPort`). An instance whose OS
//! cannot be told must be reachable on both; a rule that covers one range
//! and not the other is "cannot tell".

use std::collections::{BTreeSet, HashSet};

use crate::analysis::check::{Scope, Sink};
use crate::analysis::hops::nacl_hop;
use crate::analysis::ip::{ports_text, HostPorts, Ports, EPHEMERAL_PORTS};
use crate::analysis::model::{Tri, V};
use crate::analysis::nacl::Peer as NaclPeer;
use crate::analysis::network::{peer_within, Front, Lb, Net, Rule, RulePeer, Target, Via};
use crate::analysis::world::{names, Id};

/// Whether `rules` admit what `admits` accepts on every range the targets
/// may listen on: `No` (with the first range and gap not covered) only
/// when none of the alternatives is covered.
fn covered<'a>(
    rules: &[&Rule<'a>],
    ports: HostPorts,
    admits: impl Fn(&RulePeer<'a>) -> Tri + Copy,
) -> (Tri, Option<(Ports, &'static str, Ports)>) {
    let mut first_gap = None;
    let mut any_unknown = false;
    let mut any_yes = false;
    for (range, os) in ports.alternatives() {
        match Net::uncovered(rules.iter().copied(), range, admits) {
            (Tri::Yes, _) => any_yes = true,
            (Tri::Unknown, _) => any_unknown = true,
            (Tri::No, gap) => {
                first_gap = first_gap.or(gap.map(|g| (range, os, g)));
            }
        }
    }
    match first_gap {
        Some(gap) if !any_yes && !any_unknown => (Tri::No, Some(gap)),
        Some(_) => (Tri::Unknown, None),
        None if any_unknown => (Tri::Unknown, None),
        None => (Tri::Yes, None),
    }
}

/// How the target side listens, in words: `container port 80 of `web`
/// (awsvpc)`, `the dynamic host ports 32768-60999 of `web` (bridge mode,
/// Linux instances)`, `port 8080`.
fn describe(t: &Target<'_>, range: Ports, os: &str) -> String {
    match (&t.via, t.ports) {
        (Via::Service { container, container_port, awsvpc: true, .. }, _) => {
            format!("container port {container_port} of `{container}` (awsvpc)")
        }
        (Via::Service { container, container_port, .. }, HostPorts::Dynamic(known)) => {
            let on = match known {
                Some(_) => format!("{os} instances"),
                None => {
                    format!("on {os} instances; the instances' OS cannot be told, so both OS's ranges must be admitted")
                }
            };
            format!(
                "the dynamic host ports {}-{} of `{container}` (bridge mode, container port {container_port}, {on})",
                range.0, range.1
            )
        }
        (Via::Service { container, .. }, HostPorts::Fixed(p)) => format!("host {} of `{container}`", ports_text(p)),
        (_, _) => ports_text(range),
    }
}

/// `target group Tg → service Svc` or `Classic ELB Elb → the instances of Asg`.
fn hop(t: &Target<'_>) -> String {
    match t.front {
        Front::Tg(tg) => format!("target group {tg} → {}", t.via.text()),
        Front::Clb(clb) => format!("Classic ELB {clb} → {}", t.via.text()),
    }
}

/// Reports broken hops from the load balancers to their targets.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let net = scope.net();
    for &i in &net.by_stack[scope.index].unknown {
        let (at, hop, why) = &net.unknown[i];
        sink.unknown(*at, hop.clone(), why);
    }
    let mut seen: HashSet<(Id<'_>, Vec<Id<'_>>, HostPorts, Option<i64>)> = HashSet::new();
    let mut seen_nacl: HashSet<(Id<'_>, Id<'_>, Ports)> = HashSet::new();
    for t in net.by_stack[scope.index].targets.iter().map(|&i| &net.targets[i]) {
        let lbs: BTreeSet<Id<'_>> = match t.front {
            Front::Tg(tg) => {
                let listeners = net.tg_listeners.get(&tg).map(Vec::as_slice).unwrap_or_default();
                if listeners.is_empty() {
                    if let Via::Service { service, .. } = t.via {
                        if let Some(why) = &net.unknown_forwards {
                            sink.unknown(service, format!("listener → target group {tg}"), why);
                        }
                        orphan(scope, sink, tg, service);
                    }
                    continue;
                }
                listeners.iter().filter_map(|&i| net.listeners[i].lb).collect()
            }
            Front::Clb(clb) => BTreeSet::from([clb]),
        };
        let Some(target_sgs) = t.sgs.as_ref() else {
            let why = t.why.as_deref().unwrap_or("they cannot be told");
            sink.unknown(t.via.id(), hop(t), &format!("the targets' security groups: {why}"));
            continue;
        };
        let target_cidrs = net.cidrs(t.subnets.as_ref());
        for lb_id in lbs {
            let Some(lb) = net.lbs.get(&lb_id) else { continue };
            let Some(lb_sgs) = lb.sgs.as_ref().filter(|s| !s.is_empty()) else {
                if let Some(why) = &lb.why {
                    sink.unknown(t.via.id(), hop(t), &format!("the security groups of load balancer {lb_id}: {why}"));
                }
                continue;
            };
            let mut key_sgs = target_sgs.clone();
            key_sgs.sort();
            if !seen.insert((lb_id, key_sgs, t.ports, t.health_port)) {
                continue;
            }
            let lb_cidrs = net.cidrs(lb.subnets.as_ref());
            let from_lb = |p: &RulePeer<'_>| peer_within(p, lb_sgs, lb_cidrs.as_deref());
            let verdict = covered(&net.ingress_of(target_sgs).collect::<Vec<_>>(), t.ports, from_lb);
            if verdict.0 == Tri::Unknown {
                let why = format!(
                    "a rule of the targets' security groups ({}) that may admit load balancer {lb_id} cannot be read, or the \
                     targets' OS (which sets the dynamic host ports) cannot be told",
                    names(target_sgs)
                );
                sink.unknown(t.via.id(), hop(t), &why);
            }
            if let (Tri::No, Some((range, os, gap))) = verdict {
                let what = describe(t, range, os);
                let missing =
                    if gap == range { String::new() } else { format!(" ({} are not admitted)", ports_text(gap)) };
                sink.report_at(
                    Code::LbToTargetBlocked,
                    target_sgs[0],
                    format!(
                        "{}: no rule of the targets' security groups ({}) admits load balancer {lb_id} (security groups {}) on \
                         {what}{missing}; health checks fail and every request gets 502/503",
                        hop(t),
                        names(target_sgs),
                        names(lb_sgs)
                    ),
                    format!(
                        "add an AWS::EC2::SecurityGroupIngress on {} for TCP {} with SourceSecurityGroupId {}",
                        target_sgs[0],
                        ports_text(range),
                        lb_sgs[0]
                    ),
                );
            }
            health(net, sink, t, lb_id, lb_sgs, target_sgs, &from_lb);
            egress(net, sink, t, lb_id, lb_sgs, target_sgs, target_cidrs.as_deref());
            nacls(net, sink, &mut seen_nacl, t, lb_id, lb);
        }
    }
}

/// A service's target group that no listener forwards to.
fn orphan(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>, tg: Id<'_>, service: Id<'_>) {
    let net = scope.net();
    let doc = scope.world.doc(tg.stack);
    let exported = doc.outputs.values().any(|v| matches!(doc.resolve(v), V::Ref(id) if id == tg.name));
    if net.unknown_forwards.is_some() || exported {
        return;
    }
    sink.report_at(
        Code::TargetGroupOrphan,
        service,
        format!(
            "listener → target group {tg}: no listener or listener rule forwards to it, so ECS cannot register service {service}'s \
             tasks (creating the service fails: the target group has no load balancer)"
        ),
        format!("add a listener rule (or a listener's default action) that forwards to {tg}"),
    );
}

/// A fixed health check port outside the traffic ports: the load balancer must reach it too.
fn health<'a>(
    net: &Net<'a>,
    sink: &mut Sink<'_>,
    t: &Target<'a>,
    lb_id: Id<'a>,
    lb_sgs: &[Id<'a>],
    target_sgs: &[Id<'a>],
    from_lb: &dyn Fn(&RulePeer<'a>) -> Tri,
) {
    let span = t.ports.span();
    let Some(hp) = t.health_port.filter(|p| *p < span.0 || *p > span.1) else { return };
    if Net::covers(net.ingress_of(target_sgs), (hp, hp), from_lb) != Tri::No {
        return;
    }
    sink.report_at(
        Code::LbToTargetBlocked,
        target_sgs[0],
        format!(
            "{}: health checks go to port {hp}, and no rule of the targets' security groups ({}) admits load balancer {lb_id} \
             (security groups {}) there; every target stays unhealthy",
            hop(t),
            names(target_sgs),
            names(lb_sgs)
        ),
        format!(
            "add an AWS::EC2::SecurityGroupIngress on {} for TCP {hp} with SourceSecurityGroupId {}, or check health on the \
             traffic port",
            target_sgs[0], lb_sgs[0]
        ),
    );
}

/// The load balancer's restricted egress must let it out to the targets.
fn egress<'a>(
    net: &Net<'a>,
    sink: &mut Sink<'_>,
    t: &Target<'a>,
    lb_id: Id<'a>,
    lb_sgs: &[Id<'a>],
    target_sgs: &[Id<'a>],
    target_cidrs: Option<&[ipnet::Ipv4Net]>,
) {
    if !net.restricts_egress(lb_sgs) {
        return;
    }
    let to_target = |p: &RulePeer<'a>| peer_within(p, target_sgs, target_cidrs);
    let (Tri::No, Some((range, os, _))) = covered(&net.egress_of(lb_sgs).collect::<Vec<_>>(), t.ports, to_target)
    else {
        return;
    };
    let what = describe(t, range, os);
    sink.report_at(
        Code::LbEgressBlocked,
        lb_sgs[0],
        format!(
            "load balancer {lb_id} → {}: the load balancer's security groups ({}) restrict egress and none lets it out to {what}",
            hop(t),
            names(lb_sgs),
        ),
        format!(
            "add an AWS::EC2::SecurityGroupEgress on {} for TCP {} with DestinationSecurityGroupId {}",
            lb_sgs[0],
            ports_text(range),
            target_sgs[0]
        ),
    );
}

/// The network ACLs between the load balancer's and the targets' subnets, both ways.
fn nacls<'a>(
    net: &Net<'a>,
    sink: &mut Sink<'_>,
    seen: &mut HashSet<(Id<'a>, Id<'a>, Ports)>,
    t: &Target<'a>,
    lb_id: Id<'a>,
    lb: &Lb<'a>,
) {
    let (Some(lb_subnets), Some(t_subnets)) = (lb.subnets.as_ref(), t.subnets.as_ref()) else { return };
    let ports = t.ports.span();
    let who = t.via.text();
    for &ls in lb_subnets {
        for &ts in t_subnets {
            let (la, ta) = (net.nacls.of(ls), net.nacls.of(ts));
            if la.is_none() && ta.is_none() {
                continue;
            }
            if !seen.insert((la.unwrap_or(ls), ta.unwrap_or(ts), ports)) {
                continue;
            }
            let peer_of = |s: Id<'a>| match net.subnet_cidrs.get(&s).copied().flatten() {
                Some(n) => NaclPeer::Net(n),
                None => NaclPeer::Unknown,
            };
            let there = format!("load balancer {lb_id} (subnet {ls}) → {who} (subnet {ts})");
            let back = format!("{who} (subnet {ts}) → load balancer {lb_id} (subnet {ls}), return traffic");
            let ok = la.is_none_or(|a| nacl_hop(net, sink, a, true, ports, peer_of(ts), &there))
                && ta.is_none_or(|a| nacl_hop(net, sink, a, false, ports, peer_of(ls), &there))
                && ta.is_none_or(|a| nacl_hop(net, sink, a, true, EPHEMERAL_PORTS, peer_of(ls), &back))
                && la.is_none_or(|a| nacl_hop(net, sink, a, false, EPHEMERAL_PORTS, peer_of(ts), &back));
            if !ok {
                return;
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
            explanation: "The load balancer's security groups restrict egress, and no egress rule reaches the targets' \
         security group (or address) on the target port — ECS tasks, an Auto Scaling group's instances, \
         static targets or a Classic ELB's instances alike. The AWS CDK's placeholder egress rule \
         (ICMP to 255.255.255.255/32, \"Disallow all traffic\") lets nothing out. Health checks fail and \
         every request gets 502. Add the egress rule, or leave egress open. For bridge-mode tasks the \
         target ports are ECS's dynamic host ports, which depend on the instances' OS: 32768-60999 on \
         Linux, 49152-65535 on Windows (rcdk admits 32768-65535, which covers both).",
            link: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html",
        },
        LbToTargetBlocked => error("net:lb-to-target-blocked") {
            formerly: ["net-lb-to-target-blocked"],
            title: "no rule of the targets' security groups admits the load balancer on the target port (or on a fixed health check port outside it)",
            explanation: "No ingress rule of the targets' security groups admits the load balancer's security group \
         (or an address range containing the load balancer's subnets) on the target port, or on the \
         target group's fixed `HealthCheckPort` (a Classic ELB's `HealthCheck.Target` port) when it lies \
         outside it. The targets are whatever registers with the load balancer: an ECS service's tasks, \
         an Auto Scaling group's instances (`TargetGroupARNs`, `LoadBalancerNames`), a target group's \
         static `Targets` (a target's `Port` overrides the group's), a Classic ELB's `Instances`. The \
         targets never pass their health checks and every request gets 502 or 503. Admit the load \
         balancer's security group on the port.\n\n\
         The target port of an `awsvpc` task is its container port; of a bridge-mode task without a host \
         port, ECS's dynamic host ports, which ECS takes from the instance's \
         `/proc/sys/net/ipv4/ip_local_port_range`: 32768-60999 on Linux (the kernel's default, and the \
         ECS-optimized AMIs'), 49152-65535 on Windows. The OS comes from the AMI (an SSM parameter path \
         such as `/aws/service/ecs/optimized-ami/...`) or the task definition's `RuntimePlatform`; when it \
         cannot be told, a rule must cover both ranges, and one that covers only one is \"cannot tell\". \
         rcdk's own rules admit 32768-65535, which covers both.",
            link: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html",
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
