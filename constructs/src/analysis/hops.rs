//! One hop through a network ACL: allowed, or a `net:nacl-blocked` error
//! naming the entry that drops it. Shared by the checks that follow traffic
//! across subnets.

use super::check::Sink;
use super::ip::{ports_text, Ports};
use super::nacl::{Peer as NaclPeer, Verdict};
use super::network::Net;
use super::world::Id;

/// Evaluates `acl` for TCP `ports` to or from `peer` (outbound when
/// `egress`); on a drop, reports it as the hop `hop` and returns false.
pub(crate) fn nacl_hop<'a>(
    net: &Net<'a>,
    sink: &mut Sink<'_>,
    acl: Id<'a>,
    egress: bool,
    ports: Ports,
    peer: NaclPeer,
    hop: &str,
) -> bool {
    let Verdict::Denied { entry, ports: denied } = net.nacls.eval(acl, egress, ports, peer) else { return true };
    let dir = if egress { "outbound" } else { "inbound" };
    let peer_text = match peer {
        NaclPeer::Internet => "0.0.0.0/0".to_owned(),
        NaclPeer::Net(n) => n.to_string(),
        NaclPeer::Unknown => "?".into(),
    };
    let by = match entry {
        Some((id, n)) => format!("entry {id} (rule {n}) denies it"),
        None => "no entry allows it (the final implicit deny)".to_owned(),
    };
    let f = sink.report_at(
        Code::NaclBlocked,
        entry.map(|(id, _)| id).unwrap_or(acl),
        format!(
            "{hop}: network ACL {acl} drops {dir} TCP {} {} {peer_text}: {by}",
            ports_text(denied),
            if egress { "to" } else { "from" }
        ),
        format!(
            "add an `allow` entry to {acl} ({dir}, TCP {}, {peer_text}) numbered below any deny that matches",
            ports_text(ports)
        ),
    );
    f.field = Some("network_acls");
    false
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        NaclBlocked => error("net:nacl-blocked") {
            formerly: ["net-nacl-blocked"],
            title: "a network ACL drops listener, target, database or return traffic, or the instances' HTTPS through the NAT gateway's subnet",
            explanation: "Network ACLs are stateless: each direction needs its own allow rule, and return traffic goes \
         to the client's ephemeral port (1024-65535). A custom ACL on the subnets drops one of the \
         stack's paths: the listener port into the public subnets, the target ports into the private \
         subnets (in bridge mode ECS's dynamic host ports, 32768-60999 on Linux and 49152-65535 on \
         Windows; in awsvpc mode the container port), or the return traffic in either direction. The first matching rule by number decides. Add \
         allow rules with lower numbers than the deny, or remove the custom ACL.",
        },
    }
}
