//! The network graph of one template — security groups and their rules,
//! load balancers, listeners, rules, target groups, ECS services and their
//! instances, subnets, routes and endpoints — and the checks of every path.

use std::collections::{BTreeSet, HashMap, HashSet};

use ipnet::Ipv4Net;
use serde_json::Value;

use super::codes;
use super::model::{field, prop, Doc, Res, V};
use super::nacl::{Nacls, Peer as NaclPeer, Verdict};
use super::{ports_text, Ports, Sink, DYNAMIC_PORTS, EPHEMERAL_PORTS};

/// An IP protocol of a rule or ACL entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Proto {
    All,
    Tcp,
    Other,
    Unknown,
}

impl Proto {
    pub(crate) fn parse(v: &V<'_>) -> Proto {
        match v {
            V::Str(s) if s == "-1" || s.eq_ignore_ascii_case("all") => Proto::All,
            V::Str(s) if s.eq_ignore_ascii_case("tcp") || s == "6" => Proto::Tcp,
            V::Num(n) if *n == -1.0 => Proto::All,
            V::Num(n) if *n == 6.0 => Proto::Tcp,
            V::Str(_) | V::Num(_) => Proto::Other,
            _ => Proto::Unknown,
        }
    }
}

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
struct Binding<'a> {
    service: &'a str,
    tg: &'a str,
    container: String,
    container_port: i64,
    ports: Ports,
    awsvpc: bool,
    sgs: Option<Vec<&'a str>>,
    subnets: Option<Vec<&'a str>>,
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
    tg_listeners: HashMap<&'a str, Vec<usize>>,
    /// Target groups some listener or rule might forward to, unresolved.
    unknown_forwards: bool,
    /// Cluster → its Auto Scaling groups (through capacity providers).
    cluster_asgs: HashMap<&'a str, Vec<&'a str>>,
    pub asgs: Vec<Asg<'a>>,
    pub nacls: Nacls<'a>,
    pub subnet_cidrs: HashMap<&'a str, Option<Ipv4Net>>,
    bindings: Vec<Binding<'a>>,
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

    /// Runs the network checks of this template.
    pub(crate) fn check(&self, sink: &mut Sink<'_>) {
        self.check_listeners(sink);
        self.check_bindings(sink);
        super::egress::check(self, sink);
        super::database::check(self, sink);
    }

    fn check_listeners(&self, sink: &mut Sink<'_>) {
        for l in &self.listeners {
            let (Some(lb_id), Some(port)) = (l.lb, l.port) else { continue };
            let Some(lb) = self.lbs.get(lb_id) else { continue };
            if let Some(sgs) = lb.sgs.as_ref().filter(|s| !s.is_empty()) {
                // Every load balancer has IPv4 clients; dual-stack ones IPv6 clients too.
                let families: &[bool] = if lb.dualstack { &[false, true] } else { &[false] };
                for &v6 in families {
                    let admits = |p: &RulePeer<'a>| match p {
                        RulePeer::Cidr6 if v6 => Tri::Yes,
                        RulePeer::Cidr(_) if !v6 => Tri::Yes,
                        RulePeer::Cidr6 | RulePeer::Cidr(_) => Tri::No,
                        RulePeer::Sg(_) | RulePeer::PrefixList(_) => Tri::Yes,
                        RulePeer::Unknown => Tri::Unknown,
                    };
                    if Self::covers(self.ingress_of(sgs), (port, port), admits) != Tri::No {
                        continue;
                    }
                    let (family, cidrs) = if v6 { ("IPv6", "IPv6 CIDRs") } else { ("IPv4", "IPv4 CIDRs") };
                    sink.error(
                        codes::LISTENER_UNREACHABLE,
                        sgs[0],
                        format!(
                            "client → listener {}: the security groups of load balancer {lb_id} ({}) admit no {family} client on port \
                             {port}, so no {family} request reaches the listener",
                            l.id,
                            sgs.join(", ")
                        ),
                        format!("add an ingress rule on {} for TCP {port} from the clients' {cidrs} (or CloudFront's prefix list)", sgs[0]),
                    );
                }
            }
            if lb.internal {
                continue;
            }
            for subnet in lb.subnets.iter().flatten() {
                let Some(acl) = self.nacls.of(subnet) else { continue };
                self.nacl_hop(
                    sink,
                    acl,
                    false,
                    (port, port),
                    NaclPeer::Internet,
                    &format!("client → listener {} (port {port}) into subnet {subnet}", l.id),
                );
                self.nacl_hop(
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

    pub(crate) fn nacl_hop(
        &self,
        sink: &mut Sink<'_>,
        acl: &'a str,
        egress: bool,
        ports: Ports,
        peer: NaclPeer,
        hop: &str,
    ) -> bool {
        let Verdict::Denied { entry, ports: denied } = self.nacls.eval(acl, egress, ports, peer) else { return true };
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
        let f = sink.error(
            codes::NACL_BLOCKED,
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

    fn check_bindings(&self, sink: &mut Sink<'_>) {
        let mut seen: HashSet<(&str, Vec<&str>, Ports)> = HashSet::new();
        let mut seen_nacl: HashSet<(&str, &str, Ports)> = HashSet::new();
        for b in &self.bindings {
            let listeners = self.tg_listeners.get(b.tg).map(Vec::as_slice).unwrap_or_default();
            if listeners.is_empty() {
                let exported =
                    self.doc.outputs.values().any(|v| matches!(self.doc.resolve(v), V::Ref(id) if id == b.tg));
                if !self.unknown_forwards && !exported {
                    sink.error(
                        codes::TARGET_GROUP_ORPHAN,
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
            let target_cidrs = self.cidrs(b.subnets.as_ref());
            let lbs: BTreeSet<&str> = listeners.iter().filter_map(|&i| self.listeners[i].lb).collect();
            for lb_id in lbs {
                let Some(lb) = self.lbs.get(lb_id) else { continue };
                let Some(lb_sgs) = lb.sgs.as_ref().filter(|s| !s.is_empty()) else { continue };
                let mut key_sgs = target_sgs.clone();
                key_sgs.sort();
                if !seen.insert((lb_id, key_sgs, b.ports)) {
                    continue;
                }
                let lb_cidrs = self.cidrs(lb.subnets.as_ref());
                let from_lb = |p: &RulePeer<'a>| peer_within(p, lb_sgs, lb_cidrs.as_deref());
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
                if Self::covers(self.ingress_of(target_sgs), b.ports, from_lb) == Tri::No {
                    sink.error(
                        codes::LB_TO_TARGET,
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
                let health = self.doc.res(b.tg).and_then(|tg| prop(self.doc, tg, "HealthCheckPort").as_i64());
                if let Some(hp) = health.filter(|p| *p < b.ports.0 || *p > b.ports.1) {
                    if Self::covers(self.ingress_of(target_sgs), (hp, hp), from_lb) == Tri::No {
                        sink.error(
                            codes::LB_TO_TARGET,
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
                let all_restricted = lb_sgs.iter().all(|id| self.sgs.get(id).is_some_and(|sg| sg.restricted_egress));
                if all_restricted {
                    let to_target = |p: &RulePeer<'a>| peer_within(p, target_sgs, target_cidrs.as_deref());
                    let egress = lb_sgs.iter().filter_map(|id| self.sgs.get(id)).flat_map(|sg| sg.egress.iter());
                    if Self::covers(egress, b.ports, to_target) == Tri::No {
                        sink.error(
                            codes::LB_EGRESS,
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
                        let (la, ta) = (self.nacls.of(ls), self.nacls.of(ts));
                        if la.is_none() && ta.is_none() {
                            continue;
                        }
                        if !seen_nacl.insert((la.unwrap_or(ls), ta.unwrap_or(ts), b.ports)) {
                            continue;
                        }
                        let peer_of = |s: &str| match self.subnet_cidrs.get(s).copied().flatten() {
                            Some(n) => NaclPeer::Net(n),
                            None => NaclPeer::Unknown,
                        };
                        let hop = format!("load balancer {lb_id} (subnet {ls}) → service {} (subnet {ts})", b.service);
                        let back = format!(
                            "service {} (subnet {ts}) → load balancer {lb_id} (subnet {ls}), return traffic",
                            b.service
                        );
                        let ok = la.is_none_or(|a| self.nacl_hop(sink, a, true, b.ports, peer_of(ts), &hop))
                            && ta.is_none_or(|a| self.nacl_hop(sink, a, false, b.ports, peer_of(ls), &hop))
                            && ta.is_none_or(|a| self.nacl_hop(sink, a, true, EPHEMERAL_PORTS, peer_of(ls), &back))
                            && la.is_none_or(|a| self.nacl_hop(sink, a, false, EPHEMERAL_PORTS, peer_of(ts), &back));
                        if !ok {
                            break;
                        }
                    }
                }
            }
        }
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
