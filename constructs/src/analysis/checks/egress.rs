//! The ECS instances' way out to ECS, ECR, CloudWatch Logs and S3: a default
//! route (internet gateway with public IPs, or a NAT gateway) or the VPC
//! endpoints; the network ACLs of the instances' and the NAT gateway's
//! subnets, both ways; and the interface endpoints' security groups.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::analysis::check::{Scope, Sink};
use crate::analysis::hops::nacl_hop;
use crate::analysis::ip::{Ports, EPHEMERAL_PORTS};
use crate::analysis::model::{prop, Doc, V};
use crate::analysis::nacl::Peer as NaclPeer;
use crate::analysis::network::{peer_within, sg_ids, Asg, Net, RulePeer, Tri};
use crate::ec2::ECS_INTERFACE_ENDPOINTS;

/// Network ACL hops already evaluated: (ACL, egress, ports, peer network; `None` the internet).
type Evaluated<'a> = HashSet<(&'a str, bool, Ports, Option<ipnet::Ipv4Net>)>;

/// HTTPS: how the ECS agent, ECR, CloudWatch Logs and S3 are reached.
const HTTPS: (i64, i64) = (443, 443);

/// How a route table's default route (`0.0.0.0/0`) leaves the VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way<'a> {
    /// An internet gateway.
    Igw,
    /// A NAT gateway of the template, in its subnet (when known).
    Nat(&'a str, Option<&'a str>),
    /// Anything else (a transit gateway, a peering, an unresolved target).
    Other,
}

/// One interface endpoint with private DNS.
struct Interface<'a> {
    id: &'a str,
    service: String,
    /// Its security groups; `None` when they cannot be told (or it uses the
    /// VPC's default group, whose rules are not in the template).
    sgs: Option<Vec<&'a str>>,
}

struct Endpoints<'a> {
    interface: Vec<Interface<'a>>,
    s3_tables: HashSet<&'a str>,
    unknown: bool,
}

impl<'a> Endpoints<'a> {
    fn build(doc: &Doc<'a>) -> Self {
        let mut e = Endpoints { interface: Vec::new(), s3_tables: HashSet::new(), unknown: false };
        for r in doc.of_type("AWS::EC2::VPCEndpoint") {
            let Some(service) = service_suffix(doc, r.props.get("ServiceName")) else {
                e.unknown = true;
                continue;
            };
            let kind = prop(doc, r, "VpcEndpointType");
            let kind = match (&kind, r.props.get("VpcEndpointType")) {
                (_, None) => "Gateway",
                (V::Str(k), _) => k.as_ref(),
                _ => {
                    e.unknown = true;
                    continue;
                }
            };
            if kind == "Interface" {
                if prop(doc, r, "PrivateDnsEnabled").as_bool() == Some(true) {
                    let sgs = match r.props.get("SecurityGroupIds") {
                        None => None,
                        Some(v) => sg_ids(doc, Some(v)).filter(|s| !s.is_empty()),
                    };
                    e.interface.push(Interface { id: r.id, service, sgs });
                } else if r.props.get("PrivateDnsEnabled").is_some_and(|v| doc.resolve(v).as_bool().is_none()) {
                    e.unknown = true;
                }
            } else if kind == "Gateway" && service == "s3" {
                match doc.list(r.props.get("RouteTableIds")) {
                    Some(list) => {
                        for t in list {
                            match doc.resolve(t) {
                                V::Ref(id) => {
                                    e.s3_tables.insert(id);
                                }
                                _ => e.unknown = true,
                            }
                        }
                    }
                    None => e.unknown = true,
                }
            }
        }
        e
    }

    /// What subnets with route table `table` and no default route lack;
    /// `None` when it cannot be told.
    fn missing(&self, table: &str) -> Option<Vec<String>> {
        if self.unknown {
            return None;
        }
        let mut out: Vec<String> = ECS_INTERFACE_ENDPOINTS
            .iter()
            .filter(|s| !self.interface.iter().any(|i| i.service == **s))
            .map(|s| format!("`{s}` (interface, private DNS)"))
            .collect();
        if !self.s3_tables.contains(table) {
            out.push(format!("`s3` (gateway, on route table {table})"));
        }
        Some(out)
    }
}

/// `com.amazonaws.<region>.ecr.api` → `ecr.api`, also through `Fn::Sub`.
fn service_suffix(doc: &Doc<'_>, v: Option<&Value>) -> Option<String> {
    let v = v?;
    let s = match doc.resolve(v) {
        V::Str(s) => s.into_owned(),
        _ => v.get("Fn::Sub").and_then(Value::as_str)?.to_owned(),
    };
    let rest = s.strip_prefix("com.amazonaws.")?;
    let (_, service) = rest.split_once('.')?;
    Some(service.to_owned())
}

/// The default routes of the template's route tables; `None` when a route
/// cannot be read (then nothing about egress can be told).
fn default_routes<'a>(doc: &Doc<'a>) -> Option<HashMap<&'a str, Way<'a>>> {
    let mut out = HashMap::new();
    for r in doc.of_type("AWS::EC2::Route") {
        let dest = prop(doc, r, "DestinationCidrBlock");
        if r.props.get("DestinationCidrBlock").is_some() && dest.as_str().is_none() {
            return None;
        }
        if dest.as_str() != Some("0.0.0.0/0") {
            continue;
        }
        let V::Ref(table) = prop(doc, r, "RouteTableId") else { return None };
        let way = match (prop(doc, r, "GatewayId"), prop(doc, r, "NatGatewayId")) {
            (V::Ref(g), _) if doc.ty(g) == Some("AWS::EC2::InternetGateway") => Way::Igw,
            (_, V::Ref(n)) if doc.ty(n) == Some("AWS::EC2::NatGateway") => {
                let subnet = doc.res(n).and_then(|nat| match prop(doc, nat, "SubnetId") {
                    V::Ref(s) if doc.ty(s) == Some("AWS::EC2::Subnet") => Some(s),
                    _ => None,
                });
                Way::Nat(n, subnet)
            }
            _ => Way::Other,
        };
        out.insert(table, way);
    }
    Some(out)
}

/// Runs the egress checks of the stack's ECS instances.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let net = scope.net();
    let doc = net.doc;
    if doc.of_type("AWS::ECS::Service").next().is_none() {
        return;
    }
    let endpoints = Endpoints::build(doc);
    check_endpoint_groups(net, &endpoints, sink);
    check_instance_groups(net, &endpoints, sink);
    let mut tables: HashMap<&str, &str> = HashMap::new();
    for r in doc.of_type("AWS::EC2::SubnetRouteTableAssociation") {
        if let (V::Ref(s), V::Ref(t)) = (prop(doc, r, "SubnetId"), prop(doc, r, "RouteTableId")) {
            tables.insert(s, t);
        }
    }
    let Some(default_route) = default_routes(doc) else { return };
    let mut seen_nacl: HashSet<(&str, Option<&str>)> = HashSet::new();
    let mut evaluated: Evaluated<'_> = HashSet::new();
    for asg in &net.asgs {
        let mut no_public_ip: Vec<&str> = Vec::new();
        let mut no_way_out: Vec<(&str, &str, Vec<String>)> = Vec::new();
        for subnet in asg.subnets.iter().flatten() {
            let Some(table) = tables.get(subnet) else { continue };
            match default_route.get(table) {
                Some(Way::Igw) => {
                    let public = doc.res(subnet).map(|s| prop(doc, s, "MapPublicIpOnLaunch").as_bool());
                    if asg.public_ip == Some(false) || (asg.public_ip.is_none() && public == Some(Some(false))) {
                        no_public_ip.push(subnet);
                    } else if seen_nacl.insert((subnet, None)) {
                        nacls_to_internet(net, sink, &mut evaluated, asg, subnet, None);
                    }
                }
                Some(&Way::Nat(nat, nat_subnet)) => {
                    if seen_nacl.insert((subnet, nat_subnet)) {
                        nacls_to_internet(net, sink, &mut evaluated, asg, subnet, Some((nat, nat_subnet)));
                    }
                }
                Some(Way::Other) => {}
                None => {
                    if let Some(missing) = endpoints.missing(table).filter(|m| !m.is_empty()) {
                        no_way_out.push((subnet, table, missing));
                    }
                }
            }
        }
        if !no_public_ip.is_empty() {
            sink.report(
                Code::InstancesNoPublicIp,
                asg.id,
                format!(
                    "instances → ECS/ECR: Auto Scaling group {} launches into subnet(s) {} whose default route is an internet \
                     gateway, but the instances get no public IP: the ECS agent cannot register and images cannot be pulled",
                    asg.id,
                    no_public_ip.join(", ")
                ),
                "put the instances in private subnets behind a NAT gateway, or give them public IPs".into(),
            );
        }
        if let Some((first, _, missing)) = no_way_out.first() {
            let subnets: Vec<String> = no_way_out.iter().map(|(s, t, _)| format!("{s} (route table {t})")).collect();
            let f = sink.report(
                Code::InstancesNoEgress,
                first,
                format!(
                    "instances → ECS/ECR/CloudWatch Logs/S3: Auto Scaling group {} launches into {}, with no default route \
                     (no NAT gateway) and no VPC endpoint for {}: the ECS agent never registers and images never pull",
                    asg.id,
                    subnets.join(", "),
                    missing.join(", ")
                ),
                "give the VPC a NAT gateway (`vpc.nat_gateways: 1`), or the VPC endpoints ECS needs (`vpc.endpoints: {}`)".into(),
            );
            f.field = Some("nat_gateways");
        }
    }
}

/// The network ACLs on the way from the instances in `subnet` to the
/// internet (HTTPS out, the answers back): the subnet's own ACL and, through
/// a NAT gateway, the ACL of the NAT gateway's subnet both ways.
fn nacls_to_internet<'a>(
    net: &Net<'_, 'a>,
    sink: &mut Sink<'_>,
    evaluated: &mut Evaluated<'a>,
    asg: &Asg<'_>,
    subnet: &str,
    nat: Option<(&str, Option<&str>)>,
) {
    let own = net.nacls.of(subnet);
    // One finding per ACL, direction, ports and peer, however many subnets share them.
    let mut hop = |acl: &'a str, egress: bool, ports: Ports, peer: NaclPeer, text: &str| {
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
    let inside = match net.subnet_cidrs.get(subnet).copied().flatten() {
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
fn check_endpoint_groups(net: &Net<'_, '_>, endpoints: &Endpoints<'_>, sink: &mut Sink<'_>) {
    let doc = net.doc;
    let secrets = doc.of_type("AWS::ECS::TaskDefinition").any(|td| {
        doc.list(td.props.get("ContainerDefinitions"))
            .unwrap_or_default()
            .iter()
            .any(|c| c.get("Secrets").and_then(Value::as_array).is_some_and(|a| !a.is_empty()))
    });
    let needed = |s: &str| ECS_INTERFACE_ENDPOINTS.contains(&s) || (secrets && (s == "secretsmanager" || s == "ssm"));
    for asg in &net.asgs {
        let Some(asg_sgs) = asg.sgs.as_ref().filter(|s| !s.is_empty()) else { continue };
        let cidrs = net.cidrs(asg.subnets.as_ref());
        // Endpoint security groups → the services behind them the instances cannot reach.
        let mut blocked: BTreeMap<Vec<&str>, Vec<(&str, &str)>> = BTreeMap::new();
        let mut verdicts: HashMap<Vec<&str>, Tri> = HashMap::new();
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
            let f = sink.report(
                Code::EndpointBlocked,
                sgs[0],
                format!(
                    "instances → VPC endpoints: private DNS sends the instances of {} (security groups {}) to the interface \
                     endpoints {}, and their security groups ({}) do not admit them on TCP 443: the ECS agent, image pulls \
                     and logs time out",
                    asg.id,
                    asg_sgs.join(", "),
                    services.join(", "),
                    sgs.join(", ")
                ),
                format!(
                    "add an ingress rule on {} for TCP 443 from {} (or from the VPC's CIDR, as `vpc.endpoints` does)",
                    sgs[0], asg_sgs[0]
                ),
            );
            f.field = Some("endpoints");
        }
    }
}

/// Instances whose security groups restrict egress must still be let out
/// on HTTPS: to anywhere (through a NAT or internet gateway; S3 gateway
/// endpoints and interface endpoints are reached the same way).
fn check_instance_groups(net: &Net<'_, '_>, endpoints: &Endpoints<'_>, sink: &mut Sink<'_>) {
    let endpoint_sgs: HashSet<&str> =
        endpoints.interface.iter().flat_map(|e| e.sgs.iter().flatten().copied()).collect();
    for asg in &net.asgs {
        let Some(sgs) = asg.sgs.as_ref().filter(|s| !s.is_empty()) else { continue };
        if !sgs.iter().all(|id| net.sgs.get(id).is_some_and(|sg| sg.restricted_egress)) {
            continue;
        }
        let out = |p: &RulePeer<'_>| match p {
            RulePeer::Cidr(n) if n.prefix_len() == 0 => Tri::Yes,
            // A narrower network or a prefix list may be the endpoints' or S3's: cannot tell.
            RulePeer::Cidr(_) | RulePeer::PrefixList(_) | RulePeer::Unknown => Tri::Unknown,
            RulePeer::Sg(id) if endpoint_sgs.contains(id) => Tri::Unknown,
            RulePeer::Sg(_) | RulePeer::Cidr6 => Tri::No,
        };
        let egress = sgs.iter().filter_map(|id| net.sgs.get(id)).flat_map(|sg| sg.egress.iter());
        if Net::covers(egress, HTTPS, out) == Tri::No {
            sink.report(
                Code::InstancesNoEgress,
                sgs[0],
                format!(
                    "instances → ECS/ECR/CloudWatch Logs/S3: the security groups of {} ({}) restrict egress and none lets the \
                     instances out on TCP 443: the ECS agent never registers and images never pull",
                    asg.id,
                    sgs.join(", ")
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
            explanation: "The cluster's instances are in subnets whose route table has no default route (no NAT \
         gateway, no internet gateway) and the VPC lacks the endpoints the ECS agent needs (`ecs`, \
         `ecs-agent`, `ecs-telemetry`, `ecr.api`, `ecr.dkr`, `logs` interface endpoints with private \
         DNS, and the `s3` gateway endpoint for image layers). The agents never register, images \
         never pull, and the deploy waits until it times out. Give the VPC a NAT gateway \
         (`vpc.nat_gateways: 1`), or the endpoints (`vpc.endpoints: {}`).",
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
