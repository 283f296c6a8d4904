//! Where traffic leaves the VPC: each subnet's route table and each
//! table's default route (internet gateway, NAT gateway, something else),
//! and the VPC endpoints (interface endpoints with private DNS, the S3
//! gateway endpoint's route tables), over every stack, built once.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::model::V;
use super::world::{Id, World, SG, SUBNET};
use crate::ec2::ECS_INTERFACE_ENDPOINTS;

/// How a route table's default route (`0.0.0.0/0`) leaves the VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Way<'a> {
    /// An internet gateway.
    Igw,
    /// A NAT gateway of the stacks, in its subnet (when known).
    Nat(Id<'a>, Option<Id<'a>>),
    /// Anything else (a transit gateway, a peering, an unresolved target).
    Other,
}

/// One interface endpoint with private DNS.
#[derive(Debug)]
pub(crate) struct Interface<'a> {
    pub id: Id<'a>,
    pub service: String,
    /// Its security groups; `None` when they cannot be told (or it uses the
    /// VPC's default group, whose rules are not in the template).
    pub sgs: Option<Vec<Id<'a>>>,
}

/// The VPC endpoints of the stacks.
#[derive(Debug, Default)]
pub(crate) struct Endpoints<'a> {
    pub interface: Vec<Interface<'a>>,
    pub s3_tables: HashSet<Id<'a>>,
    /// Endpoints that may be any service (or serve any route table): how many.
    pub unknown: usize,
    /// Whether a task definition of the stacks reads secrets (then Secrets
    /// Manager and SSM endpoints are needed too).
    pub secrets: bool,
}

impl<'a> Endpoints<'a> {
    pub(crate) fn build(world: &World<'_, 'a>) -> Self {
        let mut e = Endpoints::default();
        for s in 0..world.docs.len() {
            let doc = world.doc(s);
            e.secrets |= doc.of_type("AWS::ECS::TaskDefinition").any(|td| {
                doc.list(td.props.get("ContainerDefinitions"))
                    .unwrap_or_default()
                    .iter()
                    .any(|c| c.get("Secrets").and_then(Value::as_array).is_some_and(|a| !a.is_empty()))
            });
            for r in world.doc(s).of_type("AWS::EC2::VPCEndpoint") {
                let id = Id { stack: s, name: r.id };
                let prop = |k: &str| r.props.get(k).map_or(V::Unknown, |v| world.resolve(s, v).1);
                let Some(service) = service_suffix(world, s, r.props.get("ServiceName")) else {
                    e.unknown += 1;
                    continue;
                };
                let kind = match (prop("VpcEndpointType"), r.props.get("VpcEndpointType")) {
                    (_, None) => "Gateway".to_owned(),
                    (V::Str(k), _) => k.into_owned(),
                    _ => {
                        e.unknown += 1;
                        continue;
                    }
                };
                if kind == "Interface" {
                    match prop("PrivateDnsEnabled").as_bool() {
                        Some(true) => {
                            let sgs = match r.props.get("SecurityGroupIds") {
                                None => None,
                                Some(v) => world.ids(s, Some(v), SG).filter(|s| !s.is_empty()),
                            };
                            e.interface.push(Interface { id, service, sgs });
                        }
                        Some(false) => {}
                        None if r.props.get("PrivateDnsEnabled").is_some() => e.unknown += 1,
                        None => {}
                    }
                } else if kind == "Gateway" && service == "s3" {
                    match world.doc(s).list(r.props.get("RouteTableIds")) {
                        Some(list) => {
                            for t in list {
                                match world.target(s, Some(t), "AWS::EC2::RouteTable") {
                                    Some(table) => {
                                        e.s3_tables.insert(table);
                                    }
                                    None => e.unknown += 1,
                                }
                            }
                        }
                        None => e.unknown += 1,
                    }
                }
            }
        }
        e
    }

    /// What subnets with route table `table` and no default route lack;
    /// `None` when it cannot be told (as many endpoints cannot be read as
    /// services are missing).
    pub(crate) fn missing(&self, table: Id<'_>) -> Option<Vec<String>> {
        let mut out: Vec<String> = ECS_INTERFACE_ENDPOINTS
            .iter()
            .filter(|s| !self.interface.iter().any(|i| i.service == **s))
            .map(|s| format!("`{s}` (interface, private DNS)"))
            .collect();
        if !self.s3_tables.contains(&table) {
            out.push(format!("`s3` (gateway, on route table {table})"));
        }
        if !out.is_empty() && self.unknown >= out.len() {
            return None;
        }
        Some(out)
    }
}

/// `com.amazonaws.<region>.ecr.api` → `ecr.api`, through `Fn::Sub` and
/// `Fn::Join` too (the region need not be known).
fn service_suffix<'a>(world: &World<'_, 'a>, s: usize, v: Option<&'a Value>) -> Option<String> {
    let v = v?;
    let text = match world.resolve(s, v).1 {
        V::Str(text) => text.into_owned(),
        _ => {
            let doc = world.doc(s);
            let part = |p: &'a Value| -> Option<String> {
                if p.get("Ref").and_then(Value::as_str) == Some("AWS::Region") {
                    return Some("region".to_owned());
                }
                doc.values(p, 0).filter(|set| set.len() == 1).map(|set| set[0].to_string())
            };
            if let Some(text) = v.get("Fn::Sub").and_then(Value::as_str) {
                text.replace("${AWS::Region}", "region")
            } else if let Some([sep, list]) = v.get("Fn::Join").and_then(Value::as_array).map(Vec::as_slice) {
                let parts: Vec<String> = list.as_array()?.iter().map(part).collect::<Option<_>>()?;
                parts.join(sep.as_str()?)
            } else {
                return None;
            }
        }
    };
    let rest = text.strip_prefix("com.amazonaws.")?;
    let (_, service) = rest.split_once('.')?;
    (!service.contains("${")).then(|| service.to_owned())
}

/// Where the instances of subnets go: each subnet's route table, and each
/// table's default route; `None` for a stack where a route cannot be read.
#[derive(Debug, Default)]
pub(crate) struct Routes<'a> {
    pub tables: HashMap<Id<'a>, Id<'a>>,
    default: HashMap<usize, Option<HashMap<Id<'a>, Way<'a>>>>,
}

impl<'a> Routes<'a> {
    pub(crate) fn build(world: &World<'_, 'a>) -> Self {
        let mut tables = HashMap::new();
        let mut default = HashMap::new();
        for s in 0..world.docs.len() {
            let doc = world.doc(s);
            for r in doc.of_type("AWS::EC2::SubnetRouteTableAssociation") {
                let subnet = world.target(s, r.props.get("SubnetId"), SUBNET);
                let table = world.target(s, r.props.get("RouteTableId"), "AWS::EC2::RouteTable");
                if let (Some(subnet), Some(table)) = (subnet, table) {
                    tables.insert(subnet, table);
                }
            }
            default.insert(s, default_routes(world, s));
        }
        Routes { tables, default }
    }

    /// The default route of `table`: `None` when its stack's routes cannot be read.
    pub(crate) fn way(&self, table: Id<'a>) -> Option<Option<Way<'a>>> {
        let routes = self.default.get(&table.stack)?.as_ref()?;
        Some(routes.get(&table).copied())
    }
}

/// The default routes of stack `s`'s route tables; `None` when a route
/// cannot be read (then nothing about egress can be told).
fn default_routes<'a>(world: &World<'_, 'a>, s: usize) -> Option<HashMap<Id<'a>, Way<'a>>> {
    let doc = world.doc(s);
    let mut out = HashMap::new();
    for r in doc.of_type("AWS::EC2::Route") {
        let prop = |k: &str| r.props.get(k).map_or(V::Unknown, |v| world.resolve(s, v).1);
        let dest = prop("DestinationCidrBlock");
        if r.props.get("DestinationCidrBlock").is_some() && dest.as_str().is_none() {
            return None;
        }
        if dest.as_str() != Some("0.0.0.0/0") {
            continue;
        }
        let table = world.target(s, r.props.get("RouteTableId"), "AWS::EC2::RouteTable")?;
        let igw = world.target(s, r.props.get("GatewayId"), "AWS::EC2::InternetGateway");
        let nat = world.target(s, r.props.get("NatGatewayId"), "AWS::EC2::NatGateway");
        let way = match (igw, nat) {
            (Some(_), _) => Way::Igw,
            (_, Some(n)) => {
                let subnet = world.res(n).and_then(|nat| world.target(n.stack, nat.props.get("SubnetId"), SUBNET));
                Way::Nat(n, subnet)
            }
            _ => Way::Other,
        };
        out.insert(table, way);
    }
    Some(out)
}
