//! The network graph of one template — security groups and their rules,
//! load balancers, listeners, rules, target groups, ECS services and their
//! instances, subnets, routes and endpoints — that the checks follow.

use std::collections::HashMap;

use ipnet::Ipv4Net;
use serde_json::Value;

use super::ip::{Ports, Proto, DYNAMIC_PORTS};
use super::model::{field, prop, Doc, Res, V};
use super::nacl::Nacls;

/// Who a security group rule admits (or lets out to).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RulePeer<'a> {
    Sg(&'a str),
    Cidr(Ipv4Net),
    Cidr6,
    PrefixList(V<'a>),
    Unknown,
}

/// One security group rule, inline or a separate resource.
#[derive(Debug, Clone)]
pub(crate) struct Rule<'a> {
    pub proto: Proto,
    pub ports: Option<Ports>,
    pub peer: RulePeer<'a>,
    /// The logical ID of an `AWS::EC2::SecurityGroupIngress`/`Egress`; `None` inline.
    pub id: Option<&'a str>,
}

/// A security group's rules.
#[derive(Debug, Default)]
pub(crate) struct Sg<'a> {
    pub ingress: Vec<Rule<'a>>,
    pub egress: Vec<Rule<'a>>,
    /// Whether the group lists its egress (otherwise everything may leave).
    pub restricted_egress: bool,
}

/// Three-valued answers: "cannot tell" is never an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    Unknown,
}

/// A load balancer.
#[derive(Debug)]
pub(crate) struct Lb<'a> {
    pub internal: bool,
    /// `IpAddressType` is one of the dual-stack types: IPv6 clients connect too.
    pub dualstack: bool,
    pub sgs: Option<Vec<&'a str>>,
    pub subnets: Option<Vec<&'a str>>,
}

/// A listener and what its default actions do.
#[derive(Debug)]
pub(crate) struct Listener<'a> {
    pub id: &'a str,
    pub lb: Option<&'a str>,
    pub port: Option<i64>,
    pub protocol: Option<String>,
    /// The default action redirects to HTTPS.
    pub redirects_to_https: bool,
}

/// Where an ECS service's target group sends traffic: the container, the
/// port on the target, and the target's security groups and subnets.
#[derive(Debug)]
pub(crate) struct Binding<'a> {
    pub service: &'a str,
    pub tg: &'a str,
    pub container: String,
    pub container_port: i64,
    pub ports: Ports,
    pub awsvpc: bool,
    pub sgs: Option<Vec<&'a str>>,
    pub subnets: Option<Vec<&'a str>>,
}

/// An Auto Scaling group of ECS instances.
#[derive(Debug, Default)]
pub(crate) struct Asg<'a> {
    pub id: &'a str,
    pub sgs: Option<Vec<&'a str>>,
    pub subnets: Option<Vec<&'a str>>,
    pub public_ip: Option<bool>,
}

/// The network graph of one template.
pub(crate) struct Net<'d, 'a> {
    pub doc: &'d Doc<'a>,
    pub sgs: HashMap<&'a str, Sg<'a>>,
    pub lbs: HashMap<&'a str, Lb<'a>>,
    pub listeners: Vec<Listener<'a>>,
    /// Target group → the listeners forwarding to it (by default action or rule).
    pub tg_listeners: HashMap<&'a str, Vec<usize>>,
    /// Target groups some listener or rule might forward to, unresolved.
    pub unknown_forwards: bool,
    /// Cluster → its Auto Scaling groups (through capacity providers).
    cluster_asgs: HashMap<&'a str, Vec<&'a str>>,
    pub asgs: Vec<Asg<'a>>,
    pub nacls: Nacls<'a>,
    pub subnet_cidrs: HashMap<&'a str, Option<Ipv4Net>>,
    pub bindings: Vec<Binding<'a>>,
}

pub(crate) fn sg_ids<'a>(doc: &Doc<'a>, v: Option<&'a Value>) -> Option<Vec<&'a str>> {
    let list = doc.list(v)?;
    list.iter()
        .map(|item| match doc.resolve(item) {
            V::Ref(id) | V::Att(id, _) if doc.ty(id) == Some("AWS::EC2::SecurityGroup") => Some(id),
            _ => None,
        })
        .collect()
}

pub(crate) fn subnet_ids<'a>(doc: &Doc<'a>, v: Option<&'a Value>) -> Option<Vec<&'a str>> {
    let list = doc.list(v)?;
    list.iter()
        .map(|item| match doc.resolve(item) {
            V::Ref(id) if doc.ty(id) == Some("AWS::EC2::Subnet") => Some(id),
            _ => None,
        })
        .collect()
}

fn rule<'a>(doc: &Doc<'a>, get: impl Fn(&str) -> Option<&'a Value>, ingress: bool) -> Rule<'a> {
    let r = |k: &str| get(k).map(|v| doc.resolve(v)).unwrap_or(V::Unknown);
    let proto = Proto::parse(&r("IpProtocol"));
    let ports = match proto {
        Proto::All => Some((0, 65535)),
        _ => r("FromPort").as_i64().zip(r("ToPort").as_i64()),
    };
    let (sg_key, prefix_key) = if ingress {
        ("SourceSecurityGroupId", "SourcePrefixListId")
    } else {
        ("DestinationSecurityGroupId", "DestinationPrefixListId")
    };
    let peer = if let Some(v) = get("CidrIp") {
        match doc.resolve(v).as_str().and_then(|s| s.parse().ok()) {
            Some(net) => RulePeer::Cidr(net),
            None => RulePeer::Unknown,
        }
    } else if get("CidrIpv6").is_some() {
        RulePeer::Cidr6
    } else if let Some(v) = get(sg_key) {
        match doc.resolve(v) {
            V::Ref(id) | V::Att(id, _) if doc.ty(id) == Some("AWS::EC2::SecurityGroup") => RulePeer::Sg(id),
            _ => RulePeer::Unknown,
        }
    } else if let Some(v) = get(prefix_key) {
        RulePeer::PrefixList(doc.resolve(v))
    } else {
        RulePeer::Unknown
    };
    Rule { proto, ports, peer, id: None }
}

/// The target groups `actions` forward to; `None` when one is not resolvable.
fn forwards<'a>(doc: &Doc<'a>, actions: Option<&'a Value>) -> Option<Vec<&'a str>> {
    let mut out = Vec::new();
    for a in doc.list(actions)? {
        if let Some(tg) = a.get("TargetGroupArn") {
            out.push(doc.target(Some(tg), "AWS::ElasticLoadBalancingV2::TargetGroup")?);
        }
        if let Some(list) = field(field(Some(a), "ForwardConfig"), "TargetGroups") {
            for t in doc.list(Some(list))? {
                out.push(doc.target(t.get("TargetGroupArn"), "AWS::ElasticLoadBalancingV2::TargetGroup")?);
            }
        }
    }
    Some(out)
}

fn redirects_to_https(doc: &Doc<'_>, actions: Option<&Value>) -> bool {
    let Some(list) = actions.and_then(Value::as_array) else { return false };
    list.iter().any(|a| {
        a.get("Type").and_then(Value::as_str) == Some("redirect")
            && field(field(Some(a), "RedirectConfig"), "Protocol")
                .map(|p| doc.resolve(p).as_str().is_some_and(|s| s.eq_ignore_ascii_case("HTTPS")))
                .unwrap_or(false)
    })
}

impl<'d, 'a> Net<'d, 'a> {
    pub(crate) fn build(doc: &'d Doc<'a>) -> Self {
        let mut net = Net {
            doc,
            sgs: HashMap::new(),
            lbs: HashMap::new(),
            listeners: Vec::new(),
            tg_listeners: HashMap::new(),
            unknown_forwards: false,
            cluster_asgs: HashMap::new(),
            asgs: Vec::new(),
            nacls: Nacls::build(doc),
            subnet_cidrs: HashMap::new(),
            bindings: Vec::new(),
        };
        let mut listener_index: HashMap<&'a str, usize> = HashMap::new();
        let mut providers: HashMap<&'a str, &'a str> = HashMap::new();
        let mut templates: HashMap<&'a str, (Option<Vec<&'a str>>, Option<bool>)> = HashMap::new();
        let mut task_defs: HashMap<&'a str, &Res<'a>> = HashMap::new();
        let mut rules: Vec<&Res<'a>> = Vec::new();
        let mut services: Vec<&Res<'a>> = Vec::new();
        let mut asg_res: Vec<&Res<'a>> = Vec::new();
        for r in &doc.resources {
            match r.ty {
                "AWS::EC2::SecurityGroup" => {
                    let mut sg = Sg::default();
                    if let Some(list) = doc.list(r.props.get("SecurityGroupIngress")) {
                        for item in list {
                            sg.ingress.push(rule(doc, |k| item.get(k), true));
                        }
                    } else {
                        sg.ingress.push(Rule { proto: Proto::Unknown, ports: None, peer: RulePeer::Unknown, id: None });
                    }
                    match doc.list(r.props.get("SecurityGroupEgress")) {
                        Some([]) => {}
                        Some(list) => {
                            sg.restricted_egress = true;
                            for item in list {
                                sg.egress.push(rule(doc, |k| item.get(k), false));
                            }
                        }
                        None => {
                            sg.restricted_egress = true;
                            sg.egress.push(Rule {
                                proto: Proto::Unknown,
                                ports: None,
                                peer: RulePeer::Unknown,
                                id: None,
                            });
                        }
                    }
                    let entry = net.sgs.entry(r.id).or_default();
                    entry.ingress.append(&mut sg.ingress);
                    entry.egress.append(&mut sg.egress);
                    entry.restricted_egress = sg.restricted_egress;
                }
                "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
                    let ingress = r.ty.ends_with("Ingress");
                    let group = doc.target(r.props.get("GroupId"), "AWS::EC2::SecurityGroup");
                    if let Some(group) = group {
                        let rule = Rule { id: Some(r.id), ..rule(doc, |k| r.props.get(k), ingress) };
                        let sg = net.sgs.entry(group).or_default();
                        if ingress {
                            sg.ingress.push(rule);
                        } else {
                            sg.egress.push(rule);
                        }
                    }
                }
                "AWS::EC2::Subnet" => {
                    let cidr = prop(doc, r, "CidrBlock").as_str().and_then(|s| s.parse().ok());
                    net.subnet_cidrs.insert(r.id, cidr);
                }
                "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                    let internal = prop(doc, r, "Scheme").as_str() == Some("internal");
                    let mut subnets = subnet_ids(doc, r.props.get("Subnets"));
                    if let Some(mappings) = r.props.get("SubnetMappings") {
                        subnets = doc.list(Some(mappings)).and_then(|list| {
                            list.iter()
                                .map(|m| doc.target(m.get("SubnetId"), "AWS::EC2::Subnet"))
                                .collect::<Option<Vec<_>>>()
                        });
                    }
                    let sgs = sg_ids(doc, r.props.get("SecurityGroups"));
                    let is_alb = prop(doc, r, "Type").as_str().is_none_or(|t| t == "application");
                    // A network load balancer without security groups passes traffic through.
                    let sgs = if !is_alb && r.props.get("SecurityGroups").is_none() { None } else { sgs };
                    let dualstack = prop(doc, r, "IpAddressType").as_str().is_some_and(|t| t.starts_with("dualstack"));
                    net.lbs.insert(r.id, Lb { internal, dualstack, sgs, subnets });
                }
                "AWS::ElasticLoadBalancingV2::Listener" => {
                    let lb = doc.target(r.props.get("LoadBalancerArn"), "AWS::ElasticLoadBalancingV2::LoadBalancer");
                    let actions = r.props.get("DefaultActions");
                    listener_index.insert(r.id, net.listeners.len());
                    net.listeners.push(Listener {
                        id: r.id,
                        lb,
                        port: prop(doc, r, "Port").as_i64(),
                        protocol: prop(doc, r, "Protocol").as_str().map(str::to_ascii_uppercase),
                        redirects_to_https: redirects_to_https(doc, actions),
                    });
                    match forwards(doc, actions) {
                        Some(tgs) => {
                            for tg in tgs {
                                net.tg_listeners.entry(tg).or_default().push(net.listeners.len() - 1);
                            }
                        }
                        None => net.unknown_forwards = true,
                    }
                }
                "AWS::ElasticLoadBalancingV2::ListenerRule" => rules.push(r),
                "AWS::ECS::CapacityProvider" => {
                    let asg = field(r.props.get("AutoScalingGroupProvider"), "AutoScalingGroupArn");
                    if let Some(asg) = doc.target(asg, "AWS::AutoScaling::AutoScalingGroup") {
                        providers.insert(r.id, asg);
                    }
                }
                "AWS::EC2::LaunchTemplate" => {
                    let data = r.props.get("LaunchTemplateData");
                    let mut sgs = match (field(data, "SecurityGroupIds"), field(data, "SecurityGroups")) {
                        (Some(v), _) | (None, Some(v)) => sg_ids(doc, Some(v)),
                        (None, None) => Some(Vec::new()),
                    };
                    let mut public_ip = None;
                    if let Some(nics) = field(data, "NetworkInterfaces") {
                        for nic in doc.list(Some(nics)).unwrap_or_default() {
                            if let Some(groups) = nic.get("Groups") {
                                match (sgs.as_mut(), sg_ids(doc, Some(groups))) {
                                    (Some(list), Some(more)) => list.extend(more),
                                    _ => sgs = None,
                                }
                            }
                            if let Some(p) = nic.get("AssociatePublicIpAddress") {
                                public_ip = doc.resolve(p).as_bool();
                            }
                        }
                    }
                    templates.insert(r.id, (sgs, public_ip));
                }
                "AWS::AutoScaling::LaunchConfiguration" => {
                    let sgs = sg_ids(doc, r.props.get("SecurityGroups"));
                    let public_ip = prop(doc, r, "AssociatePublicIpAddress").as_bool();
                    templates.insert(r.id, (sgs, public_ip));
                }
                "AWS::AutoScaling::AutoScalingGroup" => asg_res.push(r),
                "AWS::ECS::TaskDefinition" => {
                    task_defs.insert(r.id, r);
                }
                "AWS::ECS::Service" => services.push(r),
                _ => {}
            }
        }
        for r in rules {
            let listener = doc.target(r.props.get("ListenerArn"), "AWS::ElasticLoadBalancingV2::Listener");
            match (listener.and_then(|l| listener_index.get(l)), forwards(doc, r.props.get("Actions"))) {
                (Some(&l), Some(tgs)) => {
                    for tg in tgs {
                        net.tg_listeners.entry(tg).or_default().push(l);
                    }
                }
                _ => net.unknown_forwards = true,
            }
        }
        for r in asg_res {
            let lt = field(r.props.get("LaunchTemplate"), "LaunchTemplateId")
                .or_else(|| field(r.props.get("LaunchTemplateSpecification"), "LaunchTemplateId"))
                .or_else(|| {
                    field(
                        field(
                            field(r.props.get("MixedInstancesPolicy"), "LaunchTemplate"),
                            "LaunchTemplateSpecification",
                        ),
                        "LaunchTemplateId",
                    )
                })
                .or_else(|| r.props.get("LaunchConfigurationName"));
            let from = lt.and_then(|v| match doc.resolve(v) {
                V::Ref(id) => templates.get(id),
                _ => None,
            });
            net.asgs.push(Asg {
                id: r.id,
                sgs: from.and_then(|(sgs, _)| sgs.clone()),
                public_ip: from.and_then(|(_, p)| *p),
                subnets: subnet_ids(doc, r.props.get("VPCZoneIdentifier")),
            });
        }
        for r in doc.of_type("AWS::ECS::ClusterCapacityProviderAssociations") {
            let V::Ref(cluster) = prop(doc, r, "Cluster") else { continue };
            for cp in doc.list(r.props.get("CapacityProviders")).unwrap_or_default() {
                if let V::Ref(cp) = doc.resolve(cp) {
                    if let Some(asg) = providers.get(cp) {
                        net.cluster_asgs.entry(cluster).or_default().push(asg);
                    }
                }
            }
        }
        for s in services {
            net.bind_service(s, &task_defs);
        }
        net
    }

    /// The Auto Scaling groups whose instances run the tasks of `cluster`.
    pub(crate) fn asgs_of(&self, cluster: &V<'a>) -> Vec<&Asg<'a>> {
        match cluster {
            V::Ref(c) => match self.cluster_asgs.get(c) {
                Some(ids) => self.asgs.iter().filter(|a| ids.contains(&a.id)).collect(),
                None => self.asgs.iter().collect(),
            },
            _ => Vec::new(),
        }
    }

    fn bind_service(&mut self, s: &Res<'a>, task_defs: &HashMap<&'a str, &Res<'a>>) {
        let doc = self.doc;
        let Some(td) = doc.target(s.props.get("TaskDefinition"), "AWS::ECS::TaskDefinition") else { return };
        let Some(td) = task_defs.get(td) else { return };
        let Some(mode) = network_mode(doc, s, td) else { return };
        let Some(containers) = doc.list(td.props.get("ContainerDefinitions")) else { return };
        for lb in doc.list(s.props.get("LoadBalancers")).unwrap_or_default() {
            let Some(tg) = doc.target(lb.get("TargetGroupArn"), "AWS::ElasticLoadBalancingV2::TargetGroup") else {
                continue;
            };
            let Some(name) = lb.get("ContainerName").map(|v| doc.resolve(v)) else { continue };
            let Some(name) = name.as_str() else { continue };
            let Some(port) = lb.get("ContainerPort").and_then(|v| doc.resolve(v).as_i64()) else { continue };
            let mapping = containers
                .iter()
                .filter(|c| c.get("Name").map(|n| doc.resolve(n)).is_some_and(|n| n.as_str() == Some(name)))
                .flat_map(|c| doc.list(c.get("PortMappings")).unwrap_or_default())
                .find(|m| m.get("ContainerPort").and_then(|p| doc.resolve(p).as_i64()) == Some(port));
            let host = mapping.and_then(|m| m.get("HostPort")).map(|p| doc.resolve(p));
            let ports = match mode.as_str() {
                "awsvpc" | "host" => (port, port),
                "bridge" => match host {
                    None => DYNAMIC_PORTS,
                    Some(v) => match v.as_i64() {
                        Some(0) => DYNAMIC_PORTS,
                        Some(h) => (h, h),
                        None => continue,
                    },
                },
                _ => continue,
            };
            let (sgs, subnets) = self.placement(s, &mode);
            self.bindings.push(Binding {
                service: s.id,
                tg,
                container: name.to_owned(),
                container_port: port,
                ports,
                awsvpc: mode == "awsvpc",
                sgs,
                subnets,
            });
        }
    }

    /// Where the tasks of service `s` (network mode `mode`) run: their
    /// security groups and subnets (the task's own in awsvpc mode, else the
    /// cluster's instances'), each `None` when it cannot be told.
    pub(crate) fn placement(&self, s: &Res<'a>, mode: &str) -> (Option<Vec<&'a str>>, Option<Vec<&'a str>>) {
        let doc = self.doc;
        if mode == "awsvpc" {
            let cfg = field(s.props.get("NetworkConfiguration"), "AwsvpcConfiguration");
            (
                sg_ids(doc, field(cfg, "SecurityGroups")).filter(|v| !v.is_empty()),
                subnet_ids(doc, field(cfg, "Subnets")).filter(|v| !v.is_empty()),
            )
        } else {
            let asgs = self.asgs_of(&prop(doc, s, "Cluster"));
            if asgs.is_empty() {
                (None, None)
            } else {
                let sgs: Option<Vec<&str>> =
                    asgs.iter().map(|a| a.sgs.clone()).collect::<Option<Vec<_>>>().map(|v| v.concat());
                let subnets: Option<Vec<&str>> =
                    asgs.iter().map(|a| a.subnets.clone()).collect::<Option<Vec<_>>>().map(|v| v.concat());
                (sgs.filter(|v| !v.is_empty()), subnets)
            }
        }
    }

    pub(crate) fn cidrs(&self, subnets: Option<&Vec<&'a str>>) -> Option<Vec<Ipv4Net>> {
        subnets?.iter().map(|s| self.subnet_cidrs.get(s).copied().flatten()).collect()
    }

    /// Whether the union of `rules` covers `need` for peers `admits` accepts.
    pub(crate) fn covers<'r>(
        rules: impl Iterator<Item = &'r Rule<'a>>,
        need: Ports,
        admits: impl Fn(&RulePeer<'a>) -> Tri,
    ) -> Tri
    where
        'a: 'r,
    {
        let mut spans: Vec<Ports> = Vec::new();
        let mut unknown = false;
        for r in rules {
            let who = admits(&r.peer);
            if who == Tri::No {
                continue;
            }
            match (r.proto, r.ports) {
                (Proto::Other, _) => continue,
                (Proto::Unknown, _) | (_, None) => unknown = true,
                (_, Some(p)) if who == Tri::Yes => spans.push(p),
                _ => unknown = true,
            }
        }
        spans.sort();
        let mut at = need.0;
        for (lo, hi) in spans {
            if lo <= at && hi >= at {
                at = hi + 1;
            }
            if at > need.1 {
                return Tri::Yes;
            }
        }
        if unknown {
            Tri::Unknown
        } else {
            Tri::No
        }
    }

    pub(crate) fn ingress_of<'s>(&'s self, sgs: &'s [&'a str]) -> impl Iterator<Item = &'s Rule<'a>> + 's {
        sgs.iter().filter_map(move |id| self.sgs.get(id)).flat_map(|sg| sg.ingress.iter())
    }
}

/// The network mode of service `s` running task definition `td`; `None`
/// when it cannot be told.
pub(crate) fn network_mode(doc: &Doc<'_>, s: &Res<'_>, td: &Res<'_>) -> Option<String> {
    let fargate = prop(doc, s, "LaunchType").as_str() == Some("FARGATE");
    match prop(doc, td, "NetworkMode").as_str() {
        Some(m) => Some(m.to_owned()),
        None if td.props.get("NetworkMode").is_none() && !fargate => Some("bridge".to_owned()),
        None if fargate => Some("awsvpc".to_owned()),
        None => None,
    }
}

/// Whether a rule's peer is exactly the given side of a hop: one of its
/// security groups, or a CIDR containing every one of its subnets. An
/// unresolved peer, or a side whose subnets are unknown, is `Unknown`.
pub(crate) fn peer_within(peer: &RulePeer<'_>, sgs: &[&str], cidrs: Option<&[Ipv4Net]>) -> Tri {
    match peer {
        RulePeer::Sg(id) => {
            if sgs.contains(id) {
                Tri::Yes
            } else {
                Tri::No
            }
        }
        RulePeer::Cidr(net) => match cidrs {
            Some(c) if !c.is_empty() => {
                if c.iter().all(|s| net.contains(s)) {
                    Tri::Yes
                } else {
                    Tri::No
                }
            }
            _ => Tri::Unknown,
        },
        RulePeer::Cidr6 | RulePeer::PrefixList(_) => Tri::No,
        RulePeer::Unknown => Tri::Unknown,
    }
}
