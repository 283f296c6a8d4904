//! Network ACLs: entries per ACL, ACL per subnet, and the first-match
//! evaluation AWS applies (lowest rule number first, then the implicit deny).

use std::collections::HashMap;

use ipnet::Ipv4Net;

use super::ip::{Ports, Proto};
use super::model::V;
use super::world::{Id, World};

/// One `AWS::EC2::NetworkAclEntry`.
#[derive(Debug, Clone)]
pub(crate) struct Entry<'a> {
    pub id: Id<'a>,
    pub number: i64,
    pub egress: bool,
    pub allow: bool,
    pub proto: Proto,
    /// `None` when not known before deployment.
    pub ports: Option<Ports>,
    /// `Err(())` when not known; `Ok(None)` for an IPv6 entry.
    pub cidr: Result<Option<Ipv4Net>, ()>,
}

/// Who is on the other side of the traffic being evaluated.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Peer {
    /// Any address on the internet (entries for private ranges do not apply;
    /// an allow for part of the internet counts as allowed).
    Internet,
    /// A known network inside the VPC.
    Net(Ipv4Net),
    /// Not known before deployment.
    Unknown,
}

/// The result of evaluating an ACL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict<'a> {
    Allowed,
    Unknown,
    /// Denied on `ports`, by the entry (`None`: the implicit final deny).
    Denied {
        entry: Option<(Id<'a>, i64)>,
        ports: Ports,
    },
}

/// The ACLs of a template.
#[derive(Debug, Default)]
pub(crate) struct Nacls<'a> {
    pub by_subnet: HashMap<Id<'a>, Id<'a>>,
    entries: HashMap<Id<'a>, Vec<Entry<'a>>>,
}

const PRIVATE: [&str; 4] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

impl<'a> Nacls<'a> {
    pub(crate) fn build(world: &World<'_, 'a>) -> Self {
        let mut n = Nacls::default();
        for s in 0..world.docs.len() {
            let doc = world.doc(s);
            let prop =
                |r: &super::model::Res<'a>, k: &str| r.props.get(k).map_or(V::Unknown, |v| world.resolve(s, v).1);
            for r in doc.of_type("AWS::EC2::SubnetNetworkAclAssociation") {
                let subnet = world.target(s, r.props.get("SubnetId"), "AWS::EC2::Subnet");
                let acl = world.target(s, r.props.get("NetworkAclId"), "AWS::EC2::NetworkAcl");
                if let (Some(subnet), Some(acl)) = (subnet, acl) {
                    n.by_subnet.insert(subnet, acl);
                }
            }
            for r in doc.of_type("AWS::EC2::NetworkAclEntry") {
                let Some(acl) = world.target(s, r.props.get("NetworkAclId"), "AWS::EC2::NetworkAcl") else { continue };
                let Some(number) = prop(r, "RuleNumber").as_i64() else { continue };
                let proto = Proto::parse(&prop(r, "Protocol"));
                let ports = if proto == Proto::All {
                    Some((0, 65535))
                } else {
                    let range = r.props.get("PortRange");
                    let end = |k: &str| range.and_then(|p| p.get(k)).and_then(|v| world.resolve(s, v).1.as_i64());
                    end("From").zip(end("To"))
                };
                let cidr = match (r.props.get("CidrBlock"), r.props.get("Ipv6CidrBlock")) {
                    (Some(_), _) => prop(r, "CidrBlock").as_str().and_then(|s| s.parse().ok()).map(Some).ok_or(()),
                    (None, Some(_)) => Ok(None),
                    (None, None) => Err(()),
                };
                let egress = prop(r, "Egress").as_bool().unwrap_or(false);
                let allow = match prop(r, "RuleAction").as_str() {
                    Some(a) => a.eq_ignore_ascii_case("allow"),
                    None => continue,
                };
                let id = Id { stack: s, name: r.id };
                n.entries.entry(acl).or_default().push(Entry { id, number, egress, allow, proto, ports, cidr });
            }
        }
        for list in n.entries.values_mut() {
            list.sort_by_key(|e| (e.egress, e.number));
        }
        n
    }

    /// The ACL of `subnet`, when it has one of this template (otherwise the
    /// VPC's default ACL, which allows everything).
    pub(crate) fn of(&self, subnet: Id<'a>) -> Option<Id<'a>> {
        self.by_subnet.get(&subnet).copied()
    }

    /// Evaluates TCP traffic on `ports` in one direction through `acl`.
    pub(crate) fn eval(&self, acl: Id<'a>, egress: bool, ports: Ports, peer: Peer) -> Verdict<'a> {
        let empty = Vec::new();
        let entries = self.entries.get(&acl).unwrap_or(&empty);
        let mut pending: Vec<Ports> = vec![ports];
        for e in entries.iter().filter(|e| e.egress == egress) {
            if pending.is_empty() {
                return Verdict::Allowed;
            }
            match e.proto {
                Proto::All | Proto::Tcp => {}
                Proto::Other => continue,
                Proto::Unknown => return Verdict::Unknown,
            }
            let Some(range) = e.ports else { return Verdict::Unknown };
            let overlaps = pending.iter().any(|p| p.0 <= range.1 && range.0 <= p.1);
            if !overlaps {
                continue;
            }
            let cidr = match e.cidr {
                Ok(Some(c)) => c,
                Ok(None) => continue,
                Err(()) => return Verdict::Unknown,
            };
            let applies = match peer {
                Peer::Unknown => return Verdict::Unknown,
                Peer::Net(net) => {
                    if cidr.contains(&net) {
                        true
                    } else if net.contains(&cidr) || cidr.contains(&net.network()) {
                        return Verdict::Unknown;
                    } else {
                        false
                    }
                }
                Peer::Internet => {
                    if cidr.prefix_len() == 0 {
                        true
                    } else if PRIVATE.iter().filter_map(|p| p.parse::<Ipv4Net>().ok()).any(|p| p.contains(&cidr)) {
                        false
                    } else if e.allow {
                        // Part of the internet is let in: a deliberate restriction.
                        true
                    } else {
                        false
                    }
                }
            };
            if !applies {
                continue;
            }
            let mut rest = Vec::new();
            for p in pending {
                let (lo, hi) = (p.0.max(range.0), p.1.min(range.1));
                if lo > hi {
                    rest.push(p);
                    continue;
                }
                if !e.allow {
                    return Verdict::Denied { entry: Some((e.id, e.number)), ports: (lo, hi) };
                }
                if p.0 < lo {
                    rest.push((p.0, lo - 1));
                }
                if hi < p.1 {
                    rest.push((hi + 1, p.1));
                }
            }
            pending = rest;
        }
        match pending.first() {
            None => Verdict::Allowed,
            Some(&p) => Verdict::Denied { entry: None, ports: p },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(n: i64, egress: bool, action: &str, cidr: &str, ports: Option<(i64, i64)>) -> serde_json::Value {
        let mut p = json!({"NetworkAclId": {"Ref": "Acl"}, "RuleNumber": n, "Protocol": 6, "RuleAction": action,
            "Egress": egress, "CidrBlock": cidr});
        match ports {
            Some((a, b)) => p["PortRange"] = json!({"From": a, "To": b}),
            None => p["Protocol"] = json!(-1),
        }
        json!({"Type": "AWS::EC2::NetworkAclEntry", "Properties": p})
    }

    #[test]
    fn first_match_wins_and_the_rest_is_denied() {
        let t = json!({"Resources": {
            "Acl": {"Type": "AWS::EC2::NetworkAcl"},
            "E100": entry(100, false, "allow", "10.0.0.0/16", None),
            "E110": entry(110, false, "allow", "0.0.0.0/0", Some((80, 80))),
            "E120": entry(120, false, "deny", "0.0.0.0/0", Some((443, 443))),
            "E130": entry(130, false, "allow", "0.0.0.0/0", Some((400, 500))),
        }});
        let doc = super::super::model::Doc::from_json(&t, None).expect("template");
        let stacks = [super::super::model::StackTemplate { name: "t", doc, inputs: vec![], nested_in: None }];
        let world = World::new(&stacks);
        let n = Nacls::build(&world);
        let acl = Id { stack: 0, name: "Acl" };
        assert_eq!(n.eval(acl, false, (80, 80), Peer::Internet), Verdict::Allowed);
        assert_eq!(n.eval(acl, false, (5000, 5000), Peer::Net("10.0.1.0/24".parse().expect("net"))), Verdict::Allowed);
        assert_eq!(
            n.eval(acl, false, (443, 443), Peer::Internet),
            Verdict::Denied { entry: Some((Id { stack: 0, name: "E120" }, 120)), ports: (443, 443) }
        );
        assert_eq!(n.eval(acl, false, (440, 442), Peer::Internet), Verdict::Allowed);
        assert_eq!(
            n.eval(acl, false, (1024, 65535), Peer::Internet),
            Verdict::Denied { entry: None, ports: (1024, 65535) }
        );
        assert_eq!(n.eval(acl, true, (80, 80), Peer::Internet), Verdict::Denied { entry: None, ports: (80, 80) });
    }
}
