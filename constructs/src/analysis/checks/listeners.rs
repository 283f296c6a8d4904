//! Client → listener: each listener's load balancer (application, network
//! or Classic) admits clients on the listener's port (IPv4, and IPv6 for a
//! dual-stack one), and the network ACLs of an internet-facing load
//! balancer's subnets let the requests in and the answers out.

use crate::analysis::check::{Scope, Sink};
use crate::analysis::hops::nacl_hop;
use crate::analysis::ip::EPHEMERAL_PORTS;
use crate::analysis::model::Tri;
use crate::analysis::nacl::Peer as NaclPeer;
use crate::analysis::network::{Net, RulePeer};
use crate::analysis::world::names;

/// Reports listeners no client can reach.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let net = scope.net();
    let world = scope.world;
    for l in net.by_stack[scope.index].listeners.iter().map(|&i| &net.listeners[i]) {
        let hop = format!("client → listener {}", l.id);
        let prop = |k: &str| world.res(l.id).and_then(|r| r.props.get(k));
        let (Some(lb_id), Some(port)) = (l.lb, l.port) else {
            let why = match l.lb {
                None => format!("its load balancer cannot be told: {}", world.why(l.id.stack, prop("LoadBalancerArn"))),
                Some(_) => format!("its port cannot be told: {}", world.why(l.id.stack, prop("Port"))),
            };
            sink.unknown(l.id, hop, &why);
            continue;
        };
        let Some(lb) = net.lbs.get(&lb_id) else { continue };
        if let Some(why) = lb.why.as_ref().filter(|_| lb.sgs.is_none()) {
            sink.unknown(l.id, hop.clone(), &format!("the security groups of load balancer {lb_id}: {why}"));
        }
        if let Some(sgs) = lb.sgs.as_ref().filter(|s| !s.is_empty()) {
            // Every load balancer has IPv4 clients; dual-stack ones IPv6 clients too.
            let families: &[bool] = if lb.dualstack { &[false, true] } else { &[false] };
            for &v6 in families {
                let admits = |p: &RulePeer<'_>| match p {
                    RulePeer::Cidr6 if v6 => Tri::Yes,
                    RulePeer::Cidr(_) if !v6 => Tri::Yes,
                    RulePeer::Cidr6 | RulePeer::Cidr(_) => Tri::No,
                    RulePeer::Sg(_) | RulePeer::PrefixList(_) => Tri::Yes,
                    RulePeer::Unknown => Tri::Unknown,
                };
                match Net::covers(net.ingress_of(sgs), (port, port), admits) {
                    Tri::Yes => continue,
                    Tri::Unknown => {
                        let why =
                            format!("a rule of {} that may admit clients on port {port} cannot be read", names(sgs));
                        sink.unknown(l.id, hop.clone(), &why);
                        continue;
                    }
                    Tri::No => {}
                }
                let (family, cidrs) = if v6 { ("IPv6", "IPv6 CIDRs") } else { ("IPv4", "IPv4 CIDRs") };
                let what = if lb.classic {
                    format!("Classic ELB {lb_id}'s listener on port {port}")
                } else {
                    format!("listener {}", l.id)
                };
                sink.report_at(
                    Code::ListenerUnreachable,
                    sgs[0],
                    format!(
                        "client → {what}: the security groups of load balancer {lb_id} ({}) admit no {family} client on port \
                         {port}, so no {family} request reaches the listener",
                        names(sgs)
                    ),
                    format!("add an ingress rule on {} for TCP {port} from the clients' {cidrs} (or CloudFront's prefix list)", sgs[0]),
                );
            }
        }
        if lb.internal {
            continue;
        }
        for &subnet in lb.subnets.iter().flatten() {
            let Some(acl) = net.nacls.of(subnet) else { continue };
            nacl_hop(
                net,
                sink,
                acl,
                false,
                (port, port),
                NaclPeer::Internet,
                &format!("client → listener {} (port {port}) into subnet {subnet}", l.id),
            );
            nacl_hop(
                net,
                sink,
                acl,
                true,
                EPHEMERAL_PORTS,
                NaclPeer::Internet,
                &format!("listener {} → client (return traffic) out of subnet {subnet}", l.id),
            );
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        ListenerUnreachable => error("net:listener-unreachable") {
            formerly: ["net-listener-unreachable"],
            title: "the load balancer's security groups admit no IPv4 client (and for a dual-stack one, no IPv6 client) on a listener's port",
            explanation: "A listener (of an application, network or Classic load balancer) listens on a port that no \
         ingress rule of the load balancer's security groups admits, so every client connection times \
         out. Admit the clients on the port (in an app file, `load_balancer.ingress_cidrs`, or \
         CloudFront's prefix list for a CDN origin), or remove the listener.",
            link: "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-vpc-security-groups.html",
        },
    }
}
