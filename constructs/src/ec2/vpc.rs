//! The VPC construct.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::endpoints::{add_endpoints, VpcEndpointsProps};
use super::flow_logs::{add_flow_logs, FlowLogsProps};
use super::nacl::{add_network_acls, NetworkAclsProps};
use crate::cfn::{Intrinsic, Output, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;

/// VPC CIDR when none is given.
pub const DEFAULT_VPC_CIDR: &str = "10.0.0.0/16";
/// Availability zones used when none are given.
pub const DEFAULT_AZ_COUNT: u8 = 3;
/// Most availability zones a VPC may span here.
pub const MAX_AZ_COUNT: u8 = 6;
/// What one NAT gateway costs in us-east-1, before data processing
/// ($0.045 an hour, 730 hours a month, and $0.045 per GB processed): the
/// figure the docs quote for the default of one NAT gateway per zone.
pub const NAT_GATEWAY_MONTHLY_USD: u32 = 33;
/// Prefix length of each public subnet when none is given (256 addresses).
pub const DEFAULT_PUBLIC_SUBNET_PREFIX: u8 = 24;
/// Prefix length of each private subnet when none is given (4096 addresses).
pub const DEFAULT_PRIVATE_SUBNET_PREFIX: u8 = 20;

/// Props of a [`Vpc`].
///
/// Subnets are laid out at synth time: the public subnets first, one per AZ,
/// then the private subnets, each at the lowest free block of its size.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcProps {
    /// The VPC's IPv4 CIDR block, /16 to /28. Default: [`DEFAULT_VPC_CIDR`] (`10.0.0.0/16`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// How many availability zones to span, 1 to 6. Taken from the region at
    /// deploy time with `Fn::GetAZs`. Conflicts with `availability_zones` when
    /// both are given and disagree. Default: [`DEFAULT_AZ_COUNT`] (3), or the
    /// number of `availability_zones`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_azs: Option<u8>,
    /// Explicit availability zone names, e.g. `[eu-west-1a, eu-west-1b]`.
    /// Default: the first `max_azs` zones of the region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zones: Option<Vec<String>>,
    /// NAT gateways, 0 to the number of AZs; each costs money by the hour
    /// (about [`NAT_GATEWAY_MONTHLY_USD`] dollars a month in us-east-1, plus
    /// $0.045 per GB processed) and an Elastic IP. Private subnets route to
    /// the NAT gateway in their AZ, or to the first one when their AZ has none.
    /// With 0, private subnets have no route to the internet (instances then
    /// cannot pull public images; see `endpoints`). Fewer than one per AZ is a
    /// deliberate saving: the VPC acknowledges the whole-app warning
    /// `net:nat-shared-across-azs`, which is then reported as a note.
    /// Default: one per AZ, as the AWS CDK does, so that losing a zone
    /// loses no other zone's way out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat_gateways: Option<u8>,
    /// Prefix length of each public subnet, 16 to 28. Default:
    /// [`DEFAULT_PUBLIC_SUBNET_PREFIX`] (24). Ignored when `public_subnet_cidrs` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_subnet_prefix: Option<u8>,
    /// Prefix length of each private subnet, 16 to 28. Default:
    /// [`DEFAULT_PRIVATE_SUBNET_PREFIX`] (20). Ignored when `private_subnet_cidrs` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_subnet_prefix: Option<u8>,
    /// Explicit public subnet CIDRs, one per AZ, inside the VPC, not
    /// overlapping. Default: computed (see above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_subnet_cidrs: Option<Vec<String>>,
    /// Explicit private subnet CIDRs, one per AZ. Default: computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_subnet_cidrs: Option<Vec<String>>,
    /// Network ACLs on the public and private subnets. Default: none (the
    /// VPC's default ACL, which allows everything; security groups still apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acls: Option<NetworkAclsProps>,
    /// VPC flow logs to CloudWatch Logs. Default: off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_logs: Option<FlowLogsProps>,
    /// VPC endpoints in the private subnets: `endpoints: {}` gives the S3
    /// gateway endpoint (free) and the interface endpoints ECS on EC2 needs
    /// (ECS, ECS agent and telemetry, ECR API and Docker, CloudWatch Logs;
    /// each billed per AZ-hour), so a cluster runs with `nat_gateways: 0`.
    /// Default: none (the instances reach AWS through the NAT gateway).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<VpcEndpointsProps>,
    /// Findings about this construct and those below it accepted
    /// knowingly, by rule name, control id (`CT.S3.PR.9`) or whole-app
    /// warning code, each with its reason (see [`crate::core::Suppressions`]);
    /// reported as notes. Default: none.
    #[serde(default, skip_serializing_if = "crate::core::Suppressions::is_empty")]
    pub suppress: crate::core::Suppressions,
}

/// A VPC with a public and a private subnet per availability zone.
///
/// The handle's values are intrinsics (`Ref` of the synthesized resources)
/// for other constructs to use.
#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    /// The construct's path.
    pub path: ConstructPath,
    /// The VPC's logical ID.
    pub logical_id: String,
    /// The VPC ID (`Ref`).
    pub vpc_id: Value,
    /// The VPC's CIDR block, as given or defaulted.
    pub cidr: String,
    /// Each AZ, as a literal name or `Fn::Select` of `Fn::GetAZs`.
    pub availability_zones: Vec<Value>,
    /// Public subnet IDs, one per AZ.
    pub public_subnet_ids: Vec<Value>,
    /// Private subnet IDs, one per AZ.
    pub private_subnet_ids: Vec<Value>,
    /// Logical IDs of the private subnets' default routes and of the VPC
    /// endpoints: resources in the private subnets that need the internet
    /// (or AWS services) at creation depend on them.
    pub private_route_ids: Vec<String>,
    /// Logical ID of the internet gateway attachment: internet-facing load
    /// balancers depend on it.
    pub gateway_attachment_id: String,
}

impl Vpc {
    /// Adds a VPC at `path` to the stack. Invalid props are reported to the
    /// stack (fields relative to these props) and a best-effort VPC is still
    /// built, so later constructs can report their own problems too.
    ///
    /// ```
    /// use rcdk_constructs::core::{FieldPath, Stack, StackProps};
    /// use rcdk_constructs::ec2::{Vpc, VpcProps};
    ///
    /// let mut stack = Stack::new(StackProps { name: "net".into(), ..Default::default() }, FieldPath::root());
    /// let path = stack.root().child("Vpc");
    /// let vpc = Vpc::new(&mut stack, &path, &VpcProps { max_azs: Some(2), ..Default::default() });
    /// assert_eq!(vpc.private_subnet_ids.len(), 2);
    /// assert!(stack.errors().is_empty());
    /// ```
    #[track_caller]
    pub fn new(stack: &mut Stack, path: &ConstructPath, props: &VpcProps) -> Vpc {
        let caller = std::panic::Location::caller();
        stack.at_caller(caller, |s| Self::build(s, path, props))
    }

    /// [`Self::new`], reporting at the current caller.
    fn build(stack: &mut Stack, path: &ConstructPath, props: &VpcProps) -> Vpc {
        stack.suppress_all(path, &props.suppress);
        let path = path.clone();
        let layout = Layout::plan(stack, &path, props);
        if (1..layout.azs.len()).contains(&layout.nat_gateways) && props.nat_gateways.is_some() {
            stack.acknowledge(
                &path,
                Code::NatSharedAcrossAzs,
                format!(
                    "`nat_gateways: {}` for {} zones is written in the app: fewer NAT gateways than zones \
                     saves about ${NAT_GATEWAY_MONTHLY_USD} a month each, and a zone outage then cuts the \
                     other zones' way out",
                    layout.nat_gateways,
                    layout.azs.len()
                ),
            );
        }
        let name_tag = |p: &ConstructPath| json!([{"Key": "Name", "Value": p.to_string()}]);

        let vpc_id = stack.add_resource(
            &path,
            Resource::new("AWS::EC2::VPC")
                .prop("CidrBlock", layout.cidr.to_string())
                .prop("EnableDnsHostnames", true)
                .prop("EnableDnsSupport", true)
                .prop("InstanceTenancy", "default")
                .prop("Tags", name_tag(&path)),
        );
        let vpc_ref = Intrinsic::ref_(&vpc_id);

        let igw_path = path.child("InternetGateway");
        let igw =
            stack.add_resource(&igw_path, Resource::new("AWS::EC2::InternetGateway").prop("Tags", name_tag(&igw_path)));
        let attachment = stack.add_resource(
            &path.child("InternetGatewayAttachment"),
            Resource::new("AWS::EC2::VPCGatewayAttachment")
                .prop("VpcId", vpc_ref.clone())
                .prop("InternetGatewayId", Intrinsic::ref_(&igw)),
        );

        let mut public_ids = Vec::new();
        let mut nat_ids = Vec::new();
        for (i, (az, cidr)) in layout.azs.iter().zip(&layout.public).enumerate() {
            let sp = path.child(format!("PublicSubnet{}", i + 1));
            let (subnet, rt) = add_subnet(stack, &sp, &vpc_ref, az, cidr);
            stack.add_resource(
                &sp.child("DefaultRoute"),
                Resource::new("AWS::EC2::Route")
                    .prop("RouteTableId", Intrinsic::ref_(&rt))
                    .prop("DestinationCidrBlock", "0.0.0.0/0")
                    .prop("GatewayId", Intrinsic::ref_(&igw))
                    .depends_on(&attachment),
            );
            if i < layout.nat_gateways {
                let eip = stack.add_resource(
                    &sp.child("Eip"),
                    Resource::new("AWS::EC2::EIP")
                        .prop("Domain", "vpc")
                        .prop("Tags", name_tag(&sp))
                        .depends_on(&attachment),
                );
                let nat = stack.add_resource(
                    &sp.child("NatGateway"),
                    Resource::new("AWS::EC2::NatGateway")
                        .prop("SubnetId", Intrinsic::ref_(&subnet))
                        .prop("AllocationId", Intrinsic::get_att(&eip, "AllocationId"))
                        .prop("Tags", name_tag(&sp)),
                );
                nat_ids.push(nat);
            }
            public_ids.push(subnet);
        }

        let mut private_ids = Vec::new();
        let mut private_tables = Vec::new();
        let mut private_route_ids = Vec::new();
        for (i, (az, cidr)) in layout.azs.iter().zip(&layout.private).enumerate() {
            let sp = path.child(format!("PrivateSubnet{}", i + 1));
            let (subnet, rt) = add_subnet(stack, &sp, &vpc_ref, az, cidr);
            private_tables.push(rt.clone());
            if let Some(nat) = nat_ids.get(i).or(nat_ids.first()) {
                let route = stack.add_resource(
                    &sp.child("DefaultRoute"),
                    Resource::new("AWS::EC2::Route")
                        .prop("RouteTableId", Intrinsic::ref_(&rt))
                        .prop("DestinationCidrBlock", "0.0.0.0/0")
                        .prop("NatGatewayId", Intrinsic::ref_(nat)),
                );
                private_route_ids.push(route);
            }
            private_ids.push(subnet);
        }

        if let Some(acls) = &props.network_acls {
            stack.in_field("network_acls", |s| {
                add_network_acls(s, &path, &vpc_ref, &layout.cidr, acls, &public_ids, &private_ids)
            });
        }
        if let Some(endpoints) = &props.endpoints {
            let cidr = layout.cidr.to_string();
            let ids = stack.in_field("endpoints", |s| {
                add_endpoints(s, &path, &vpc_ref, &cidr, &private_ids, &private_tables, endpoints)
            });
            private_route_ids.extend(ids);
        }
        if let Some(flow_logs) = &props.flow_logs {
            stack.in_field("flow_logs", |s| add_flow_logs(s, &path, &vpc_ref, flow_logs));
        }

        let public_subnet_ids: Vec<Value> = public_ids.iter().map(Intrinsic::ref_).collect();
        let private_subnet_ids: Vec<Value> = private_ids.iter().map(Intrinsic::ref_).collect();
        let export = |name: &str| Some(Intrinsic::sub(format!("${{AWS::StackName}}-{name}")));
        let mut out = Output::new(vpc_ref.clone(), "ID of the VPC");
        out.export_name = export(&format!("{vpc_id}Id"));
        stack.add_output(&path.child("Id"), out);
        let mut out =
            Output::new(Intrinsic::join(",", public_subnet_ids.clone()), "IDs of the public subnets, comma-separated");
        out.export_name = export(&format!("{vpc_id}PublicSubnetIds"));
        stack.add_output(&path.child("PublicSubnetIds"), out);
        let mut out = Output::new(
            Intrinsic::join(",", private_subnet_ids.clone()),
            "IDs of the private subnets, comma-separated",
        );
        out.export_name = export(&format!("{vpc_id}PrivateSubnetIds"));
        stack.add_output(&path.child("PrivateSubnetIds"), out);

        Vpc {
            path,
            logical_id: vpc_id,
            vpc_id: vpc_ref,
            cidr: layout.cidr.to_string(),
            availability_zones: layout.azs,
            public_subnet_ids,
            private_subnet_ids,
            private_route_ids,
            gateway_attachment_id: attachment,
        }
    }

    /// How many availability zones the VPC spans.
    pub fn az_count(&self) -> usize {
        self.availability_zones.len()
    }
}

/// Adds a subnet with its route table and association; returns their logical IDs.
fn add_subnet(stack: &mut Stack, path: &ConstructPath, vpc: &Value, az: &Value, cidr: &Ipv4Net) -> (String, String) {
    let tags = json!([{"Key": "Name", "Value": path.to_string()}]);
    let subnet = stack.add_resource(
        path,
        Resource::new("AWS::EC2::Subnet")
            .prop("VpcId", vpc.clone())
            .prop("AvailabilityZone", az.clone())
            .prop("CidrBlock", cidr.to_string())
            .prop("MapPublicIpOnLaunch", false)
            .prop("Tags", tags.clone()),
    );
    let rt = stack.add_resource(
        &path.child("RouteTable"),
        Resource::new("AWS::EC2::RouteTable").prop("VpcId", vpc.clone()).prop("Tags", tags),
    );
    stack.add_resource(
        &path.child("RouteTableAssociation"),
        Resource::new("AWS::EC2::SubnetRouteTableAssociation")
            .prop("SubnetId", Intrinsic::ref_(&subnet))
            .prop("RouteTableId", Intrinsic::ref_(&rt)),
    );
    (subnet, rt)
}

/// The validated address plan of a VPC.
struct Layout {
    cidr: Ipv4Net,
    azs: Vec<Value>,
    public: Vec<Ipv4Net>,
    private: Vec<Ipv4Net>,
    nat_gateways: usize,
}

impl Layout {
    fn plan(stack: &mut Stack, path: &ConstructPath, props: &VpcProps) -> Layout {
        let mut err = |code: Code, field: &str, message: String, help: Option<&str>| {
            let mut e = ValidationError::new(code, path, message).field(field);
            if let Some(h) = help {
                e = e.help(h);
            }
            stack.report(e);
        };
        let fallback: Ipv4Net = DEFAULT_VPC_CIDR.parse().expect("default CIDR parses");
        let cidr_text = props.cidr.as_deref().unwrap_or(DEFAULT_VPC_CIDR);
        let cidr = match parse_cidr(cidr_text) {
            Ok(c) if (16..=28).contains(&c.prefix_len()) => c,
            Ok(c) => {
                err(
                    Code::CidrSize,
                    "cidr",
                    format!("VPC CIDR `{c}` has prefix /{}; AWS allows /16 to /28", c.prefix_len()),
                    None,
                );
                fallback
            }
            Err(why) => {
                err(
                    Code::CidrInvalid,
                    "cidr",
                    format!("VPC CIDR `{cidr_text}` is invalid: {why}"),
                    Some("write an IPv4 network such as 10.0.0.0/16"),
                );
                fallback
            }
        };

        let azs: Vec<Value> = match (&props.availability_zones, props.max_azs) {
            (Some(names), max) => {
                if names.is_empty() || names.len() > MAX_AZ_COUNT as usize {
                    err(
                        Code::AzCount,
                        "availability_zones",
                        format!("{} availability zones given; use 1 to {MAX_AZ_COUNT}", names.len()),
                        None,
                    );
                }
                if let Some(m) = max {
                    if m as usize != names.len() {
                        err(
                            Code::AzConflict,
                            "max_azs",
                            format!("max_azs is {m} but {} availability_zones are given", names.len()),
                            Some("drop max_azs or make it match"),
                        );
                    }
                }
                for (i, n) in names.iter().enumerate() {
                    if names[..i].contains(n) {
                        err(
                            Code::AzDuplicate,
                            &format!("availability_zones[{i}]"),
                            format!("availability zone `{n}` is listed twice"),
                            None,
                        );
                    }
                    let plausible = n.len() > 1
                        && n.ends_with(|c: char| c.is_ascii_lowercase())
                        && crate::region::is_plausible_region(&n[..n.len() - 1]);
                    if !plausible {
                        err(
                            Code::AzInvalid,
                            &format!("availability_zones[{i}]"),
                            format!("`{n}` is not an availability zone name"),
                            Some("use names such as eu-west-1a"),
                        );
                    }
                }
                names.iter().take(MAX_AZ_COUNT as usize).map(|n| Value::String(n.clone())).collect()
            }
            (None, max) => {
                let n = max.unwrap_or(DEFAULT_AZ_COUNT);
                if !(1..=MAX_AZ_COUNT).contains(&n) {
                    err(Code::AzCount, "max_azs", format!("max_azs is {n}; use 1 to {MAX_AZ_COUNT}"), None);
                }
                (0..n.clamp(1, MAX_AZ_COUNT)).map(|i| Intrinsic::az(i as u32)).collect()
            }
        };

        let nat = props.nat_gateways.map_or(azs.len(), usize::from);
        if nat > azs.len() {
            err(
                Code::NatCount,
                "nat_gateways",
                format!("{nat} NAT gateways for {} availability zones; at most one per AZ", azs.len()),
                None,
            );
        }

        let mut taken: Vec<(Ipv4Net, String)> = Vec::new();
        let public = subnets(
            &mut err,
            &cidr,
            &azs,
            props.public_subnet_cidrs.as_deref(),
            props.public_subnet_prefix,
            DEFAULT_PUBLIC_SUBNET_PREFIX,
            "public_subnet",
            &mut taken,
        );
        let private = subnets(
            &mut err,
            &cidr,
            &azs,
            props.private_subnet_cidrs.as_deref(),
            props.private_subnet_prefix,
            DEFAULT_PRIVATE_SUBNET_PREFIX,
            "private_subnet",
            &mut taken,
        );
        Layout { cidr, azs, public, private, nat_gateways: nat.min(MAX_AZ_COUNT as usize) }
    }
}

/// Parses an IPv4 CIDR that must be written as its network address.
fn parse_cidr(s: &str) -> Result<Ipv4Net, String> {
    let net: Ipv4Net = s.parse().map_err(|_| "expected an IPv4 address, a slash and a prefix length".to_owned())?;
    if net.network() != net.addr() {
        return Err(format!("host bits are set; the network address is {}", net.trunc()));
    }
    Ok(net)
}

/// Plans one subnet per AZ: explicit CIDRs checked for fit and overlap, or the
/// lowest free aligned blocks of the given prefix length.
#[allow(clippy::too_many_arguments)]
fn subnets(
    err: &mut impl FnMut(Code, &str, String, Option<&str>),
    vpc: &Ipv4Net,
    azs: &[Value],
    explicit: Option<&[String]>,
    prefix: Option<u8>,
    default_prefix: u8,
    kind: &str,
    taken: &mut Vec<(Ipv4Net, String)>,
) -> Vec<Ipv4Net> {
    let placeholder = Ipv4Net::new(Ipv4Addr::UNSPECIFIED, 32).expect("valid");
    if let Some(list) = explicit {
        let field = format!("{kind}_cidrs");
        if list.len() != azs.len() {
            err(
                Code::SubnetCount,
                &field,
                format!("{} {kind} CIDRs given for {} availability zones; give one per AZ", list.len(), azs.len()),
                None,
            );
        }
        return (0..azs.len())
            .map(|i| {
                let Some(text) = list.get(i) else { return placeholder };
                let f = format!("{field}[{i}]");
                match parse_cidr(text) {
                    Err(why) => {
                        err(Code::SubnetCidrInvalid, &f, format!("subnet CIDR `{text}` is invalid: {why}"), None);
                        placeholder
                    }
                    Ok(net) => {
                        if !vpc.contains(&net) {
                            err(
                                Code::SubnetOutsideVpc,
                                &f,
                                format!("subnet {net} is not inside the VPC's {vpc}"),
                                None,
                            );
                        } else if !(16..=28).contains(&net.prefix_len()) {
                            err(
                                Code::SubnetCidrSize,
                                &f,
                                format!("subnet {net} has prefix /{}; AWS allows /16 to /28", net.prefix_len()),
                                None,
                            );
                        } else if let Some((other, owner)) =
                            taken.iter().find(|(t, _)| t.contains(&net.network()) || net.contains(&t.network()))
                        {
                            err(Code::SubnetOverlap, &f, format!("subnet {net} overlaps {other} ({owner})"), None);
                        }
                        taken.push((net, f));
                        net
                    }
                }
            })
            .collect();
    }
    let field = format!("{kind}_prefix");
    let len = prefix.unwrap_or(default_prefix);
    if !(16..=28).contains(&len) || len < vpc.prefix_len() {
        err(
            Code::SubnetPrefixInvalid,
            &field,
            format!(
                "{kind} prefix /{len} does not fit: use /16 to /28, no larger than the VPC's /{}",
                vpc.prefix_len()
            ),
            None,
        );
        return vec![placeholder; azs.len()];
    }
    let mut out = Vec::with_capacity(azs.len());
    let Ok(candidates) = vpc.subnets(len) else { return vec![placeholder; azs.len()] };
    let mut candidates = candidates;
    for i in 0..azs.len() {
        let free =
            candidates.find(|c| !taken.iter().any(|(t, _)| t.contains(&c.network()) || c.contains(&t.network())));
        match free {
            Some(net) => {
                taken.push((net, format!("{kind} {}", i + 1)));
                out.push(net);
            }
            None => {
                err(
                    Code::SubnetNoSpace,
                    &field,
                    format!("no room in {vpc} for {} /{len} {kind}s after the others", azs.len()),
                    Some("use a larger VPC CIDR, fewer AZs or smaller subnets"),
                );
                return vec![placeholder; azs.len()];
            }
        }
    }
    out
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        NatSharedAcrossAzs => warning("net:nat-shared-across-azs") {
            formerly: ["net-nat-shared-across-azs"],
            title: "private subnets of several zones share one NAT gateway",
            explanation: "One NAT gateway carries the outbound traffic of private subnets in several availability \
         zones. If its zone fails, every zone loses its way out, and traffic from the other zones is \
         billed as cross-zone data transfer. Use one NAT gateway per zone (rcdk's default, and the \
         AWS CDK's), or VPC endpoints (`vpc.endpoints`) for the AWS services the instances use.\n\n\
         When an app writes fewer NAT gateways than zones itself (`vpc.nat_gateways: 1`), the VPC \
         acknowledges the choice and synth reports it as a note with the saving and the risk, not a \
         warning; `--deny-warnings` passes. `rcdk check` on templates rcdk did not write warns.",
        },
        AzConflict => error("vpc:az-conflict") {
            formerly: ["vpc-az-conflict"],
            title: "`max_azs` does not match the number of `availability_zones`",
            explanation: "With explicit `availability_zones`, the VPC spans exactly those. Drop `max_azs`, or make it \
         match.",
        },
        AzCount => error("vpc:az-count") {
            formerly: ["vpc-az-count"],
            title: "the number of availability zones is outside 1 to 6",
            explanation: "rcdk's VPC spans 1 to 6 Availability Zones (one public and one private subnet in each). Two or \
         more are needed for a load balancer or a database.",
        },
        AzDuplicate => error("vpc:az-duplicate") {
            formerly: ["vpc-az-duplicate"],
            title: "an availability zone is listed twice",
            explanation: "Each Availability Zone gets one public and one private subnet; list each zone once.",
        },
        AzInvalid => error("vpc:az-invalid") {
            formerly: ["vpc-az-invalid"],
            title: "an availability zone name is invalid",
            explanation: "Availability Zone names are the region code followed by a letter: `eu-west-1a`.",
        },
        CidrInvalid => error("vpc:cidr-invalid") {
            formerly: ["vpc-cidr-invalid"],
            title: "the VPC CIDR is not an IPv4 network",
            explanation: "The VPC CIDR is an IPv4 network address and prefix length, with no host bits set: \
         `10.0.0.0/16`, not `10.0.0.1/16` (the message names the network address).",
        },
        CidrSize => error("vpc:cidr-size") {
            formerly: ["vpc-cidr-size"],
            title: "the VPC CIDR prefix is outside /16 to /28",
            explanation: "Amazon VPC allows IPv4 CIDR blocks from /16 (65,536 addresses) to /28 (16 addresses).",
        },
        NatCount => error("vpc:nat-count") {
            formerly: ["vpc-nat-count"],
            title: "more NAT gateways than availability zones",
            explanation: "A NAT gateway lives in one AZ's public subnet; more than one per AZ adds cost and no \
         availability. Use at most one per AZ (one per AZ, the default, survives an AZ failure; \
         `nat_gateways: 1` is cheapest, at about $33 a month for each gateway saved).",
        },
        SubnetCidrInvalid => error("vpc:subnet-cidr-invalid") {
            formerly: ["subnet-cidr-invalid"],
            title: "a subnet CIDR is not an IPv4 network",
            explanation: "Subnet CIDRs are IPv4 network addresses with a prefix length and no host bits set, inside the \
         VPC's CIDR: `10.0.0.0/24`.",
        },
        SubnetCidrSize => error("vpc:subnet-cidr-size") {
            formerly: ["subnet-cidr-size"],
            title: "a subnet CIDR prefix is outside /16 to /28",
            explanation: "Amazon VPC allows subnet CIDR blocks from /16 to /28.",
        },
        SubnetCount => error("vpc:subnet-count") {
            formerly: ["vpc-subnet-count"],
            title: "the number of subnet CIDRs does not match the availability zones",
            explanation: "Explicit `public_subnet_cidrs` and `private_subnet_cidrs` give one CIDR per Availability Zone, \
         in zone order.\n\n\
         ```yaml\nvpc:\n  max_azs: 2\n  public_subnet_cidrs: [10.0.0.0/24, 10.0.1.0/24]\n```",
        },
        SubnetNoSpace => error("vpc:subnet-no-space") {
            formerly: ["subnet-no-space"],
            title: "the VPC CIDR has no room for the subnets",
            explanation: "rcdk places one public and one private subnet of the given prefix per AZ in the VPC's CIDR, and \
         they do not fit. Use a larger VPC CIDR, fewer AZs or smaller subnets (a longer prefix).",
        },
        SubnetOutsideVpc => error("vpc:subnet-outside-vpc") {
            formerly: ["subnet-outside-vpc"],
            title: "a subnet is not inside the VPC's CIDR",
            explanation: "A subnet's CIDR must be within the VPC's CIDR block.",
        },
        SubnetOverlap => error("vpc:subnet-overlap") {
            formerly: ["subnet-overlap"],
            title: "two subnets overlap",
            explanation: "Subnets of a VPC cannot share addresses. Give each subnet its own block; the message names the \
         other subnet.",
        },
        SubnetPrefixInvalid => error("vpc:subnet-prefix-invalid") {
            formerly: ["subnet-prefix-invalid"],
            title: "the subnet prefix length does not fit the VPC",
            explanation: "`public_subnet_prefix` and `private_subnet_prefix` are /16 to /28 and no larger than the VPC \
         itself (a /24 VPC cannot hold /20 subnets).",
        },
    }
}
