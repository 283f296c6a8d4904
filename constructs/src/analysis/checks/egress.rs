//! The ECS container instances' way out to ECS, ECR, CloudWatch Logs and
//! S3: a default route (internet gateway with public IPs, or a NAT gateway)
//! or the VPC endpoints; the network ACLs of the instances' and the NAT
//! gateway's subnets, both ways; and the interface endpoints' security
//! groups.
//!
//! Every Auto Scaling group of ECS container instances is checked — a
//! capacity provider's, one whose user data names a cluster
//! (`ECS_CLUSTER`), one launched from an ECS-optimized AMI — whether or not
//! a service of the same template runs on it: the cluster, its instances
//! and the services are often split across stacks. Subnets, route tables
//! and endpoints may be in another stack. An endpoint whose service name
//! cannot be read counts for one missing service, not for all of them.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::analysis::check::{Scope, Sink};
use crate::analysis::hops::nacl_hop;
use crate::analysis::ip::{Ports, EPHEMERAL_PORTS};
use crate::analysis::model::Tri;
use crate::analysis::nacl::Peer as NaclPeer;
use crate::analysis::network::{peer_within, Asg, Net, RulePeer};
use crate::analysis::routes::{Endpoints, Way};
use crate::analysis::world::{names, Id};
use crate::ec2::ECS_INTERFACE_ENDPOINTS;

/// Network ACL hops already evaluated: (ACL, egress, ports, peer network; `None` the internet).
type Evaluated<'a> = HashSet<(Id<'a>, bool, Ports, Option<ipnet::Ipv4Net>)>;

/// HTTPS: how the ECS agent, ECR, CloudWatch Logs and S3 are reached.
const HTTPS: (i64, i64) = (443, 443);

/// The Auto Scaling groups of ECS container instances of the stack.
fn container_instances<'n, 'a>(scope: &Scope<'_, '_, 'a>, net: &'n Net<'a>) -> Vec<&'n Asg<'a>> {
    net.by_stack[scope.index]
        .asgs
        .iter()
        .filter(|&&i| net.asgs[i].ecs || net.runs_services[i])
        .map(|&i| &net.asgs[i])
        .collect()
}

/// Runs the egress checks of the stack's ECS container instances.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let net = scope.net();
    let world = scope.world;
    let asgs = container_instances(scope, net);
    if asgs.is_empty() {
        return;
    }
    let (endpoints, routes) = (&net.endpoints, &net.routes);
    check_endpoint_groups(net, &asgs, endpoints, sink);
    check_instance_groups(net, &asgs, endpoints, sink);
    let mut seen_nacl: HashSet<(Id<'_>, Option<Id<'_>>)> = HashSet::new();
    let mut evaluated: Evaluated<'_> = HashSet::new();
    for asg in asgs {
        let mut noted: HashSet<Id<'_>> = HashSet::new();
        let mut no_public_ip: Vec<Id<'_>> = Vec::new();
        let mut no_way_out: Vec<(Id<'_>, Id<'_>, Vec<String>)> = Vec::new();
        let hop = format!("instances of {} → ECS/ECR/CloudWatch Logs/S3", asg.id);
        if let (None, Some(why)) = (&asg.subnets, &asg.why_subnets) {
            sink.unknown(asg.id, hop.clone(), &format!("their subnets: {why}"));
        }
        for &subnet in asg.subnets.iter().flatten() {
            let Some(&table) = routes.tables.get(&subnet) else { continue };
            let Some(way) = routes.way(table) else {
                if noted.insert(table) {
                    sink.unknown(asg.id, hop.clone(), &format!("a route of route table {table} cannot be read"));
                }
                continue;
            };
            match way {
                Some(Way::Igw) => {
                    let public = world.res(subnet).map(|s| {
                        s.props.get("MapPublicIpOnLaunch").and_then(|v| world.resolve(subnet.stack, v).1.as_bool())
                    });
                    if asg.public_ip == Some(false) || (asg.public_ip.is_none() && public == Some(Some(false))) {
                        no_public_ip.push(subnet);
                    } else if seen_nacl.insert((subnet, None)) {
                        nacls_to_internet(net, sink, &mut evaluated, asg, subnet, None);
                    }
                }
                Some(Way::Nat(nat, nat_subnet)) => {
                    if seen_nacl.insert((subnet, nat_subnet)) {
                        nacls_to_internet(net, sink, &mut evaluated, asg, subnet, Some((nat, nat_subnet)));
                    }
                }
                Some(Way::Other) => {}
                None => match endpoints.missing(table) {
                    Some(missing) if !missing.is_empty() => no_way_out.push((subnet, table, missing)),
                    Some(_) => {}
                    None if !noted.insert(table) => {}
                    None => {
                        let why = format!(
                            "route table {table} has no default route, and {} VPC endpoint(s) cannot be read (they may be the \
                             ones ECS needs)",
                            endpoints.unknown
                        );
                        sink.unknown(asg.id, hop.clone(), &why);
                    }
                },
            }
        }
        if !no_public_ip.is_empty() {
            sink.report_at(
                Code::InstancesNoPublicIp,
                asg.id,
                format!(
                    "instances → ECS/ECR: Auto Scaling group {} launches into subnet(s) {} whose default route is an internet \
                     gateway, but the instances get no public IP: the ECS agent cannot register and images cannot be pulled",
                    asg.id,
                    names(&no_public_ip)
                ),
                "put the instances in private subnets behind a NAT gateway, or give them public IPs".into(),
            );
        }
        if let Some((first, _, missing)) = no_way_out.first() {
            let subnets: Vec<String> = no_way_out.iter().map(|(s, t, _)| format!("{s} (route table {t})")).collect();
            let unread = if endpoints.unknown > 0 {
                format!(" ({} VPC endpoint(s) could not be read and may be some of them)", endpoints.unknown)
            } else {
                String::new()
            };
            let f = sink.report_at(
                Code::InstancesNoEgress,
                *first,
                format!(
                    "instances → ECS/ECR/CloudWatch Logs/S3: Auto Scaling group {} launches into {}, with no default route \
                     (no NAT gateway) and no VPC endpoint for {}{unread}: the ECS agent never registers and images never pull",
                    asg.id,
                    subnets.join(", "),
                    missing.join(", ")
                ),
                "give the subnets' route table a default route to a NAT gateway (AWS::EC2::Route, DestinationCidrBlock \
                 0.0.0.0/0, NatGatewayId), or add the VPC endpoints ECS needs (AWS::EC2::VPCEndpoint)"
                    .into(),
            );
            f.field = Some("nat_gateways");
        }
    }
}

/// The network ACLs on the way from the instances in `subnet` to the
/// internet (HTTPS out, the answers back): the subnet's own ACL and, through
/// a NAT gateway, the ACL of the NAT gateway's subnet both ways.
fn nacls_to_internet<'a>(
    net: &Net<'a>,
    sink: &mut Sink<'_>,
    evaluated: &mut Evaluated<'a>,
    asg: &Asg<'a>,
    subnet: Id<'a>,
    nat: Option<(Id<'a>, Option<Id<'a>>)>,
) {
    let own = net.nacls.of(subnet);
    // One finding per ACL, direction, ports and peer, however many subnets share them.
    let mut hop = |acl: Id<'a>, egress: bool, ports: Ports, peer: NaclPeer, text: &str| {
        let key = match peer {
            NaclPeer::Net(n) => Some(n),
            _ => None,
        };
        !evaluated.insert((acl, egress, ports, key)) || nacl_hop(net, sink, acl, egress, ports, peer, text)
    };
    let via = match nat {
        Some((id, s)) => {
            format!(" through NAT gateway {id}{}", s.map(|s| format!(" (subnet {s})")).unwrap_or_default())
        }
        None => " through the internet gateway".to_owned(),
    };
    let out = format!("instances of {} (subnet {subnet}) → ECS/ECR/CloudWatch Logs/S3 (HTTPS){via}", asg.id);
    let back = format!("ECS/ECR/CloudWatch Logs/S3 → instances of {} (subnet {subnet}), return traffic{via}", asg.id);
    if let Some(acl) = own {
        let ok = hop(acl, true, HTTPS, NaclPeer::Internet, &out)
            && hop(acl, false, EPHEMERAL_PORTS, NaclPeer::Internet, &back);
        if !ok {
            return;
        }
    }
    let Some((_, Some(nat_subnet))) = nat else { return };
    let Some(acl) = net.nacls.of(nat_subnet) else { return };
    let inside = match net.subnet_cidrs.get(&subnet).copied().flatten() {
        Some(n) => NaclPeer::Net(n),
        None => NaclPeer::Unknown,
    };
    let _ = hop(acl, false, HTTPS, inside, &out)
        && hop(acl, true, HTTPS, NaclPeer::Internet, &out)
        && hop(acl, false, EPHEMERAL_PORTS, NaclPeer::Internet, &back)
        && hop(acl, true, EPHEMERAL_PORTS, inside, &back);
}

/// The interface endpoints with private DNS answer for their service in
/// the whole VPC, NAT or not: their security groups must admit HTTPS from
/// the instances, or the ECS agent, image pulls and logs time out.
fn check_endpoint_groups(net: &Net<'_>, asgs: &[&Asg<'_>], endpoints: &Endpoints<'_>, sink: &mut Sink<'_>) {
    let secrets = net.endpoints.secrets;
    let needed = |s: &str| ECS_INTERFACE_ENDPOINTS.contains(&s) || (secrets && (s == "secretsmanager" || s == "ssm"));
    for asg in asgs {
        let Some(asg_sgs) = asg.sgs.as_ref().filter(|s| !s.is_empty()) else { continue };
        let cidrs = net.cidrs(asg.subnets.as_ref());
        // Endpoint security groups → the services behind them the instances cannot reach.
        let mut blocked: BTreeMap<Vec<Id<'_>>, Vec<(Id<'_>, &str)>> = BTreeMap::new();
        let mut verdicts: HashMap<Vec<Id<'_>>, Tri> = HashMap::new();
        for e in endpoints.interface.iter().filter(|e| needed(&e.service)) {
            let Some(sgs) = e.sgs.as_ref() else { continue };
            let verdict = *verdicts.entry(sgs.clone()).or_insert_with(|| {
                Net::covers(net.ingress_of(sgs), HTTPS, |p| peer_within(p, asg_sgs, cidrs.as_deref()))
            });
            if verdict == Tri::No {
                blocked.entry(sgs.clone()).or_default().push((e.id, e.service.as_str()));
            }
        }
        for (sgs, eps) in blocked {
            let services: Vec<String> = eps.iter().map(|(id, s)| format!("`{s}` ({id})")).collect();
            let f = sink.report_at(
                Code::EndpointBlocked,
                sgs[0],
                format!(
                    "instances → VPC endpoints: private DNS sends the instances of {} (security groups {}) to the interface \
                     endpoints {}, and their security groups ({}) do not admit them on TCP 443: the ECS agent, image pulls \
                     and logs time out",
                    asg.id,
                    names(asg_sgs),
                    services.join(", "),
                    names(&sgs)
                ),
                format!("add an ingress rule on {} for TCP 443 from {} (or from the VPC's CIDR)", sgs[0], asg_sgs[0]),
            );
            f.field = Some("endpoints");
        }
    }
}

/// Instances whose security groups restrict egress must still be let out
/// on HTTPS: to anywhere (through a NAT or internet gateway; S3 gateway
/// endpoints and interface endpoints are reached the same way).
fn check_instance_groups(net: &Net<'_>, asgs: &[&Asg<'_>], endpoints: &Endpoints<'_>, sink: &mut Sink<'_>) {
    let endpoint_sgs: HashSet<Id<'_>> =
        endpoints.interface.iter().flat_map(|e| e.sgs.iter().flatten().copied()).collect();
    for asg in asgs {
        let Some(sgs) = asg.sgs.as_ref().filter(|s| !s.is_empty()) else { continue };
        if !net.restricts_egress(sgs) {
            continue;
        }
        let out = |p: &RulePeer<'_>| match p {
            RulePeer::Cidr(n) if n.prefix_len() == 0 => Tri::Yes,
            // A narrower network or a prefix list may be the endpoints' or S3's: cannot tell.
            RulePeer::Cidr(_) | RulePeer::PrefixList(_) | RulePeer::Unknown => Tri::Unknown,
            RulePeer::Sg(id) if endpoint_sgs.contains(id) => Tri::Unknown,
            RulePeer::Sg(_) | RulePeer::Cidr6 => Tri::No,
        };
        if Net::covers(net.egress_of(sgs), HTTPS, out) == Tri::No {
            sink.report_at(
                Code::InstancesNoEgress,
                sgs[0],
                format!(
                    "instances → ECS/ECR/CloudWatch Logs/S3: the security groups of {} ({}) restrict egress and none lets the \
                     instances out on TCP 443: the ECS agent never registers and images never pull",
                    asg.id,
                    names(sgs)
                ),
                format!("add an egress rule on {} for TCP 443 to 0.0.0.0/0 (or to the VPC endpoints' security group)", sgs[0]),
            );
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        EndpointBlocked => error("net:endpoint-blocked") {
            title: "an interface endpoint (private DNS) whose security groups do not admit the instances on TCP 443",
            explanation: "An interface endpoint with private DNS answers for its service (ECS, ECR, CloudWatch Logs, \
         and Secrets Manager or SSM when tasks read secrets) in the whole VPC, NAT gateway or not. \
         When its security groups admit no HTTPS (TCP 443) from the ECS instances, the agent never \
         registers, images never pull and logs are lost. Admit TCP 443 from the instances' security \
         group or from the VPC's CIDR (as `vpc.endpoints` does).",
        },
        InstancesNoEgress => error("net:instances-no-egress") {
            formerly: ["net-instances-no-egress"],
            title: "private instances with neither a NAT route nor the VPC endpoints ECS needs, or whose security groups let nothing out on TCP 443",
            explanation: "The ECS container instances (of any Auto Scaling group that is ECS capacity, whether or not \
         its services are in the same template) are in subnets whose route table has no default route \
         (no NAT gateway, no internet gateway) and the VPC lacks the endpoints the ECS agent needs \
         (`ecs`, `ecs-agent`, `ecs-telemetry`, `ecr.api`, `ecr.dkr`, `logs` interface endpoints with \
         private DNS, and the `s3` gateway endpoint for image layers); or their security groups \
         restrict egress and let nothing out on HTTPS. The agents never register, images never pull, \
         and the deploy waits until it times out. Give the subnets a NAT gateway route, or add the \
         endpoints (in an app file: `vpc.nat_gateways: 1`, or `vpc.endpoints: {}`).",
            link: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
        },
        InstancesNoPublicIp => error("net:instances-no-public-ip") {
            formerly: ["net-instances-no-public-ip"],
            title: "instances route to an internet gateway without a public IP",
            explanation: "The instances are in subnets whose default route is an internet gateway, but they get no \
         public IPv4 address, so they cannot reach anything outside the VPC (an internet gateway only \
         translates for instances with a public address). Put them in private subnets with a NAT \
         gateway, or give them public addresses (`MapPublicIpOnLaunch`, or `AssociatePublicIpAddress` \
         in the launch template).",
        },
    }
}
