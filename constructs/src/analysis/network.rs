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
    subnet_cidrs: HashMap<&'a str, Option<Ipv4Net>>,
    bindings: Vec<Binding<'a>>,
}

fn sg_ids<'a>(doc: &Doc<'a>, v: Option<&'a Value>) -> Option<Vec<&'a str>> {
    let list = doc.list(v)?;
    list.iter()
        .map(|item| match doc.resolve(item) {
            V::Ref(id) | V::Att(id, _) if doc.ty(id) == Some("AWS::EC2::SecurityGroup") => Some(id),
            _ => None,
        })
        .collect()
}

fn subnet_ids<'a>(doc: &Doc<'a>, v: Option<&'a Value>) -> Option<Vec<&'a str>> {
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
    Rule { proto, ports, peer }
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
                        sg.ingress.push(Rule { proto: Proto::Unknown, ports: None, peer: RulePeer::Unknown });
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
                            sg.egress.push(Rule { proto: Proto::Unknown, ports: None, peer: RulePeer::Unknown });
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
                        let rule = rule(doc, |k| r.props.get(k), ingress);
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
                    net.lbs.insert(r.id, Lb { internal, sgs, subnets });
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
    fn asgs_of(&self, cluster: &V<'a>) -> Vec<&Asg<'a>> {
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
        let V::Ref(td) = prop(doc, s, "TaskDefinition") else { return };
        let Some(td) = task_defs.get(td) else { return };
        let mode = prop(doc, td, "NetworkMode");
        let fargate = prop(doc, s, "LaunchType").as_str() == Some("FARGATE");
        let mode = match mode.as_str() {
            Some(m) => m.to_owned(),
            None if td.props.get("NetworkMode").is_none() && !fargate => "bridge".to_owned(),
            None if fargate => "awsvpc".to_owned(),
            None => return,
        };
        let Some(containers) = doc.list(td.props.get("ContainerDefinitions")) else { return };
        let awsvpc_cfg = field(s.props.get("NetworkConfiguration"), "AwsvpcConfiguration");
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
            let (sgs, subnets) = if mode == "awsvpc" {
                (
                    sg_ids(doc, field(awsvpc_cfg, "SecurityGroups")).filter(|v| !v.is_empty()),
                    subnet_ids(doc, field(awsvpc_cfg, "Subnets")).filter(|v| !v.is_empty()),
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
            };
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

    fn cidrs(&self, subnets: Option<&Vec<&'a str>>) -> Option<Vec<Ipv4Net>> {
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

    fn ingress_of<'s>(&'s self, sgs: &'s [&'a str]) -> impl Iterator<Item = &'s Rule<'a>> + 's {
        sgs.iter().filter_map(move |id| self.sgs.get(id)).flat_map(|sg| sg.ingress.iter())
    }

    /// Runs the network checks of this template.
    pub(crate) fn check(&self, sink: &mut Sink<'_>) {
        self.check_listeners(sink);
        self.check_bindings(sink);
        self.check_instance_egress(sink);
        self.check_database(sink);
    }

    fn check_listeners(&self, sink: &mut Sink<'_>) {
        for l in &self.listeners {
            let (Some(lb_id), Some(port)) = (l.lb, l.port) else { continue };
            let Some(lb) = self.lbs.get(lb_id) else { continue };
            if let Some(sgs) = lb.sgs.as_ref().filter(|s| !s.is_empty()) {
                let ok = Self::covers(self.ingress_of(sgs), (port, port), |_| Tri::Yes);
                if ok == Tri::No {
                    sink.error(
                        codes::LISTENER_UNREACHABLE,
                        sgs[0],
                        format!(
                            "client → listener {}: the security groups of load balancer {lb_id} ({}) admit nothing on port {port}, \
                             so no request reaches the listener",
                            l.id,
                            sgs.join(", ")
                        ),
                        format!("add an ingress rule on {} for TCP {port} from the clients' CIDRs (or CloudFront's prefix list)", sgs[0]),
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

    fn nacl_hop(
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

    fn check_instance_egress(&self, sink: &mut Sink<'_>) {
        let doc = self.doc;
        if self.bindings.is_empty() && doc.of_type("AWS::ECS::Service").next().is_none() {
            return;
        }
        let mut tables: HashMap<&str, &str> = HashMap::new();
        for r in doc.of_type("AWS::EC2::SubnetRouteTableAssociation") {
            if let (V::Ref(s), V::Ref(t)) = (prop(doc, r, "SubnetId"), prop(doc, r, "RouteTableId")) {
                tables.insert(s, t);
            }
        }
        // Route table → how its default route leaves: Some(true) through an internet gateway.
        let mut default_route: HashMap<&str, Option<bool>> = HashMap::new();
        let mut unknown_routes = false;
        for r in doc.of_type("AWS::EC2::Route") {
            let dest = prop(doc, r, "DestinationCidrBlock");
            if r.props.get("DestinationCidrBlock").is_some() && dest.as_str().is_none() {
                unknown_routes = true;
                continue;
            }
            if dest.as_str() != Some("0.0.0.0/0") {
                continue;
            }
            let V::Ref(table) = prop(doc, r, "RouteTableId") else {
                unknown_routes = true;
                continue;
            };
            let igw = match prop(doc, r, "GatewayId") {
                V::Ref(g) => Some(doc.ty(g) == Some("AWS::EC2::InternetGateway")),
                _ => Some(false),
            };
            let igw = if r.props.get("GatewayId").is_some() { igw } else { Some(false) };
            default_route.insert(table, igw);
        }
        if unknown_routes {
            return;
        }
        let endpoints = Endpoints::build(doc);
        for asg in &self.asgs {
            let mut no_public_ip: Vec<&str> = Vec::new();
            let mut no_way_out: Vec<(&str, &str, Vec<String>)> = Vec::new();
            for subnet in asg.subnets.iter().flatten() {
                let Some(table) = tables.get(subnet) else { continue };
                match default_route.get(table) {
                    Some(Some(true)) => {
                        let public = doc.res(subnet).map(|s| prop(doc, s, "MapPublicIpOnLaunch").as_bool());
                        if asg.public_ip == Some(false) || (asg.public_ip.is_none() && public == Some(Some(false))) {
                            no_public_ip.push(subnet);
                        }
                    }
                    Some(_) => {}
                    None => {
                        if let Some(missing) = endpoints.missing(table).filter(|m| !m.is_empty()) {
                            no_way_out.push((subnet, table, missing));
                        }
                    }
                }
            }
            if !no_public_ip.is_empty() {
                sink.error(
                    codes::NO_PUBLIC_IP,
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
                let subnets: Vec<String> =
                    no_way_out.iter().map(|(s, t, _)| format!("{s} (route table {t})")).collect();
                let f = sink.error(
                    codes::NO_EGRESS,
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

    fn check_database(&self, sink: &mut Sink<'_>) {
        let doc = self.doc;
        for db in doc.resources.iter().filter(|r| r.ty == "AWS::RDS::DBInstance" || r.ty == "AWS::RDS::DBCluster") {
            if db.ty == "AWS::RDS::DBInstance" && db.props.get("DBClusterIdentifier").is_some() {
                continue;
            }
            let Some(sgs) = sg_ids(doc, db.props.get("VPCSecurityGroups")).filter(|s| !s.is_empty()) else { continue };
            let port = prop(doc, db, "Port").as_i64().or_else(|| {
                let engine = prop(doc, db, "Engine");
                let engine = engine.as_str()?;
                Some(if engine.contains("postgres") {
                    5432
                } else if engine.contains("mysql") || engine.contains("mariadb") || engine.contains("aurora") {
                    3306
                } else if engine.contains("sqlserver") {
                    1433
                } else if engine.contains("oracle") {
                    1521
                } else {
                    return None;
                })
            });
            for r in self.ingress_of(&sgs) {
                if let RulePeer::Cidr(net) = r.peer {
                    if net.prefix_len() == 0 {
                        sink.error(
                            codes::DB_OPEN,
                            sgs[0],
                            format!("database {}: its security group {} admits 0.0.0.0/0", db.id, sgs[0]),
                            "admit only the security groups of the services that use it".into(),
                        );
                    }
                }
            }
            let Some(port) = port else { continue };
            for b in &self.bindings {
                let Some(task_sgs) = b.sgs.as_ref() else { continue };
                let Some(svc) = doc.res(b.service) else { continue };
                let V::Ref(td) = prop(doc, svc, "TaskDefinition") else { continue };
                let Some(td) = doc.res(td) else { continue };
                let uses = td.props.get("ContainerDefinitions").is_some_and(|c| mentions(c, db.id));
                if !uses {
                    continue;
                }
                let from = |p: &RulePeer<'a>| match p {
                    RulePeer::Sg(id) => {
                        if task_sgs.contains(id) {
                            Tri::Yes
                        } else {
                            Tri::No
                        }
                    }
                    RulePeer::Unknown => Tri::Unknown,
                    _ => Tri::No,
                };
                if Self::covers(self.ingress_of(&sgs), (port, port), from) == Tri::No {
                    sink.error(
                        codes::DB_UNREACHABLE,
                        sgs[0],
                        format!(
                            "service {} → database {}: the service reads the database's address, and the database's security group {} \
                             does not admit the service's security groups ({}) on port {port}",
                            b.service,
                            db.id,
                            sgs[0],
                            task_sgs.join(", ")
                        ),
                        format!("add an AWS::EC2::SecurityGroupIngress on {} for TCP {port} from {}", sgs[0], task_sgs[0]),
                    );
                }
            }
        }
    }
}

/// Whether `v` refers to resource `id` anywhere (`Ref`, `Fn::GetAtt`, `${id...}` in `Fn::Sub`).
fn mentions(v: &Value, id: &str) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| {
            (k == "Ref" && x.as_str() == Some(id))
                || (k == "Fn::GetAtt"
                    && (x.get(0).and_then(Value::as_str) == Some(id)
                        || x.as_str().is_some_and(|s| s.split('.').next() == Some(id))))
                || (k == "Fn::Sub" && x.as_str().is_some_and(|s| s.contains(&format!("${{{id}."))))
                || mentions(x, id)
        }),
        Value::Array(a) => a.iter().any(|x| mentions(x, id)),
        _ => false,
    }
}

/// The VPC endpoints ECS instances need when they have no NAT: interface
/// endpoints with private DNS for these services, and the S3 gateway
/// endpoint (ECR keeps image layers in S3) on the subnet's route table.
pub const ECS_INTERFACE_ENDPOINTS: &[&str] = &["ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs"];

struct Endpoints<'a> {
    interface: HashSet<String>,
    s3_tables: HashSet<&'a str>,
    unknown: bool,
}

impl<'a> Endpoints<'a> {
    fn build(doc: &Doc<'a>) -> Self {
        let mut e = Endpoints { interface: HashSet::new(), s3_tables: HashSet::new(), unknown: false };
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
                    e.interface.insert(service);
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
            .filter(|s| !self.interface.contains(**s))
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

/// Whether a rule's peer is exactly the given side of a hop: one of its
/// security groups, or a CIDR containing every one of its subnets. An
/// unresolved peer, or a side whose subnets are unknown, is `Unknown`.
fn peer_within(peer: &RulePeer<'_>, sgs: &[&str], cidrs: Option<&[Ipv4Net]>) -> Tri {
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
