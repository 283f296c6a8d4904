//! The network graph of the stacks analysed together — security groups and
//! their rules, load balancers (application, network and Classic), their
//! listeners and rules, target groups and what registers in them (ECS
//! services, Auto Scaling groups, instances), the container instances, the
//! subnets and network ACLs — that the checks follow. Resources are named
//! by [`Id`], so a hop may cross from one stack into another.

use std::collections::HashMap;

use ipnet::Ipv4Net;
use serde_json::Value;

use super::ip::{HostPorts, Os, Ports, Proto};
use super::model::{field, mentions, Doc, Res, Tri, V};
use super::nacl::Nacls;
use super::routes::{Endpoints, Routes};
use super::world::{Id, World};

pub(crate) use super::world::{SG, SUBNET};
pub(crate) const TARGET_GROUP: &str = "AWS::ElasticLoadBalancingV2::TargetGroup";
pub(crate) const CLASSIC_LB: &str = "AWS::ElasticLoadBalancing::LoadBalancer";
const LB: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
const LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";
const ASG: &str = "AWS::AutoScaling::AutoScalingGroup";
const INSTANCE: &str = "AWS::EC2::Instance";
const CLUSTER: &str = "AWS::ECS::Cluster";
const TASK_DEF: &str = "AWS::ECS::TaskDefinition";

/// Who a security group rule admits (or lets out to).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RulePeer<'a> {
    Sg(Id<'a>),
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
    /// The `AWS::EC2::SecurityGroupIngress`/`Egress`; `None` inline.
    pub id: Option<Id<'a>>,
    /// It exists only under a condition that cannot be decided.
    pub maybe: bool,
}

/// A security group's rules.
#[derive(Debug, Default)]
pub(crate) struct Sg<'a> {
    pub ingress: Vec<Rule<'a>>,
    pub egress: Vec<Rule<'a>>,
    /// Whether the group lists its egress (otherwise everything may leave).
    pub restricted_egress: bool,
}

/// A load balancer: application, network or Classic.
#[derive(Debug)]
pub(crate) struct Lb<'a> {
    pub classic: bool,
    pub internal: bool,
    /// `IpAddressType` is one of the dual-stack types: IPv6 clients connect too.
    pub dualstack: bool,
    pub sgs: Option<Vec<Id<'a>>>,
    pub subnets: Option<Vec<Id<'a>>>,
    /// A Classic ELB's `HealthCheck.Target` port.
    pub health_port: Option<i64>,
    /// Why its security groups cannot be told, when they cannot.
    pub why: Option<String>,
}

/// A listener and what its default actions do; a Classic ELB's listeners
/// have no resource of their own (`id` is the load balancer).
#[derive(Debug)]
pub(crate) struct Listener<'a> {
    pub id: Id<'a>,
    pub lb: Option<Id<'a>>,
    pub port: Option<i64>,
    pub protocol: Option<String>,
    /// The default action redirects to HTTPS.
    pub redirects_to_https: bool,
    /// A Classic ELB's listener: the instance port it forwards to.
    pub instance_port: Option<Option<i64>>,
}

/// What registers targets: an ECS service's tasks, an Auto Scaling group's
/// instances, or one instance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Via<'a> {
    Service { service: Id<'a>, container: String, container_port: i64, awsvpc: bool },
    Asg(Id<'a>),
    Instance(Id<'a>),
}

impl<'a> Via<'a> {
    /// The resource that registers the targets.
    pub(crate) fn id(&self) -> Id<'a> {
        match self {
            Via::Service { service, .. } => *service,
            Via::Asg(id) | Via::Instance(id) => *id,
        }
    }

    /// `service Svc`, `the instances of Asg`, `instance Web`.
    pub(crate) fn text(&self) -> String {
        match self {
            Via::Service { service, .. } => format!("service {service}"),
            Via::Asg(id) => format!("the instances of {id}"),
            Via::Instance(id) => format!("instance {id}"),
        }
    }
}

/// What the targets are registered with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Front<'a> {
    /// A target group (application or network load balancer).
    Tg(Id<'a>),
    /// A Classic ELB, which forwards to its instances itself.
    Clb(Id<'a>),
}

/// Targets behind a load balancer: where its traffic and health checks go.
#[derive(Debug)]
pub(crate) struct Target<'a> {
    pub via: Via<'a>,
    pub front: Front<'a>,
    /// The ports the targets listen on.
    pub ports: HostPorts,
    /// A fixed health check port (the target group's `HealthCheckPort`, a
    /// Classic ELB's `HealthCheck.Target`).
    pub health_port: Option<i64>,
    pub sgs: Option<Vec<Id<'a>>>,
    pub subnets: Option<Vec<Id<'a>>>,
    /// Why the targets' security groups cannot be told, when they cannot.
    pub why: Option<String>,
}

/// An Auto Scaling group.
#[derive(Debug)]
pub(crate) struct Asg<'a> {
    pub id: Id<'a>,
    pub sgs: Option<Vec<Id<'a>>>,
    pub subnets: Option<Vec<Id<'a>>>,
    pub public_ip: Option<bool>,
    /// The instances' OS, from the AMI.
    pub os: Option<Os>,
    /// Its launch template or configuration.
    pub launch: Option<Id<'a>>,
    /// Whether its instances are ECS container instances (a capacity
    /// provider, `ECS_CLUSTER` in the user data, an ECS-optimized AMI).
    pub ecs: bool,
    /// The user data sets `ECS_DYNAMIC_HOST_PORT_RANGE`: the range, when it can be read.
    pub host_ports: Option<Option<Ports>>,
    /// Why its security groups cannot be told, when they cannot.
    pub why_sgs: Option<String>,
    /// Why its subnets cannot be told, when they cannot.
    pub why_subnets: Option<String>,
}

/// An ECS service and where its tasks run.
#[derive(Debug)]
pub(crate) struct Service<'a> {
    pub id: Id<'a>,
    pub task_def: Option<Id<'a>>,
    pub sgs: Option<Vec<Id<'a>>>,
    pub subnets: Option<Vec<Id<'a>>>,
    /// The Auto Scaling groups of its cluster (indices into [`Net::asgs`]).
    pub asgs: Vec<usize>,
    /// Why its tasks' security groups cannot be told, when they cannot.
    pub why: Option<String>,
}

/// What a launch template or configuration says about its instances.
#[derive(Debug, Default, Clone)]
struct Launch<'a> {
    sgs: Option<Vec<Id<'a>>>,
    public_ip: Option<bool>,
    os: Option<Os>,
    ecs: bool,
    host_ports: Option<Option<Ports>>,
    /// ECS clusters its user data names.
    clusters: Vec<Id<'a>>,
    /// Why its security groups cannot be told, when they cannot.
    why_sgs: Option<String>,
}

/// An EC2 instance.
#[derive(Debug)]
pub(crate) struct Instance<'a> {
    pub sgs: Option<Vec<Id<'a>>>,
    pub subnets: Option<Vec<Id<'a>>>,
}

/// The network graph of the stacks.
#[derive(Debug, Default)]
pub(crate) struct Net<'a> {
    pub sgs: HashMap<Id<'a>, Sg<'a>>,
    pub lbs: HashMap<Id<'a>, Lb<'a>>,
    pub listeners: Vec<Listener<'a>>,
    /// Target group → the listeners forwarding to it (by default action or rule).
    pub tg_listeners: HashMap<Id<'a>, Vec<usize>>,
    /// Why a listener or rule might forward to target groups that cannot
    /// be told, when one might.
    pub unknown_forwards: Option<String>,
    /// Cluster → its Auto Scaling groups (indices into `asgs`).
    cluster_asgs: HashMap<Id<'a>, Vec<usize>>,
    pub asgs: Vec<Asg<'a>>,
    pub services: Vec<Service<'a>>,
    pub instances: HashMap<Id<'a>, Instance<'a>>,
    pub nacls: Nacls<'a>,
    pub subnet_cidrs: HashMap<Id<'a>, Option<Ipv4Net>>,
    pub targets: Vec<Target<'a>>,
    /// Hops the graph could not build: (where, the hop, why).
    pub unknown: Vec<(Id<'a>, String, String)>,
    /// Load balancer → its listeners (indices into `listeners`).
    pub lb_listeners: HashMap<Id<'a>, Vec<usize>>,
    /// A listener whose load balancer or port cannot be told.
    pub unknown_listeners: bool,
    /// Whether a service of the stacks runs on each Auto Scaling group.
    pub runs_services: Vec<bool>,
    /// Route tables and their default routes.
    pub routes: Routes<'a>,
    /// The VPC endpoints.
    pub endpoints: Endpoints<'a>,
    /// What belongs to each stack (indices), so each stack's checks read
    /// only their own.
    pub by_stack: Vec<Owned>,
}

/// What belongs to one stack: indices into [`Net`]'s lists.
#[derive(Debug, Default, Clone)]
pub(crate) struct Owned {
    pub targets: Vec<usize>,
    pub listeners: Vec<usize>,
    pub asgs: Vec<usize>,
    pub unknown: Vec<usize>,
}

/// Whether `v` (user data, cfn-init metadata) holds `needle` in a string
/// anywhere, `Fn::Sub` and `Fn::Join` parts included.
pub(crate) fn holds_text(v: &Value, needle: &str) -> bool {
    match v {
        Value::String(s) => s.contains(needle),
        Value::Array(a) => a.iter().any(|x| holds_text(x, needle)),
        Value::Object(m) => m.values().any(|x| holds_text(x, needle)),
        _ => false,
    }
}

/// `ECS_DYNAMIC_HOST_PORT_RANGE=a-b` in `v`: the range, `None` when it is
/// not literal.
fn host_port_range(v: &Value) -> Option<Ports> {
    fn find(v: &Value) -> Option<&str> {
        match v {
            Value::String(s) => s.find("ECS_DYNAMIC_HOST_PORT_RANGE=").map(|i| &s[i + 28..]),
            Value::Array(a) => a.iter().find_map(find),
            Value::Object(m) => m.values().find_map(find),
            _ => None,
        }
    }
    let rest = find(v)?;
    let text: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    let (lo, hi) = text.split_once('-')?;
    Some((lo.parse().ok()?, hi.parse().ok()?))
}

fn rule<'a>(world: &World<'_, 'a>, s: usize, get: impl Fn(&str) -> Option<&'a Value>, ingress: bool) -> Rule<'a> {
    let r = |k: &str| get(k).map(|v| world.resolve(s, v).1).unwrap_or(V::Unknown);
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
    let peer = if get("CidrIp").is_some() {
        match r("CidrIp").as_str().and_then(|s| s.parse().ok()) {
            Some(net) => RulePeer::Cidr(net),
            None => RulePeer::Unknown,
        }
    } else if get("CidrIpv6").is_some() {
        RulePeer::Cidr6
    } else if let Some(v) = get(sg_key) {
        match world.target(s, Some(v), SG) {
            Some(id) => RulePeer::Sg(id),
            None => RulePeer::Unknown,
        }
    } else if let Some(v) = get(prefix_key) {
        RulePeer::PrefixList(world.resolve(s, v).1)
    } else if let (true, Some(v)) = (ingress, get("SourceSecurityGroupName")) {
        // A group by name: `!Ref Sg`, or a Classic ELB's source group
        // (`!GetAtt Elb.SourceSecurityGroup.GroupName`), its first group.
        match world.resolve(s, v) {
            (j, V::Ref(id)) if world.doc(j).ty(id) == Some(SG) => RulePeer::Sg(Id { stack: j, name: id }),
            (j, V::Att(elb, _)) if world.doc(j).ty(elb) == Some(CLASSIC_LB) => {
                let groups = world.doc(j).res(elb).and_then(|r| r.props.get("SecurityGroups"));
                match world.ids(j, groups, SG).and_then(|g| g.first().copied()) {
                    Some(id) => RulePeer::Sg(id),
                    None => RulePeer::Unknown,
                }
            }
            _ => RulePeer::Unknown,
        }
    } else {
        RulePeer::Unknown
    };
    Rule { proto, ports, peer, id: None, maybe: false }
}

/// The target groups `actions` forward to; `None` when one is not resolvable.
fn forwards<'a>(world: &World<'_, 'a>, s: usize, actions: Option<&'a Value>) -> Option<Vec<Id<'a>>> {
    let doc = world.doc(s);
    let mut out = Vec::new();
    for a in doc.list(actions)? {
        if let Some(tg) = a.get("TargetGroupArn") {
            out.push(world.target(s, Some(tg), TARGET_GROUP)?);
        }
        if let Some(list) = field(field(Some(a), "ForwardConfig"), "TargetGroups") {
            for t in doc.list(Some(list))? {
                out.push(world.target(s, t.get("TargetGroupArn"), TARGET_GROUP)?);
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

/// The port of a Classic ELB's `HealthCheck.Target` (`HTTP:8080/health`, `TCP:22`).
fn classic_health_port(target: &str) -> Option<i64> {
    let (_, rest) = target.split_once(':')?;
    rest.split('/').next()?.trim().parse().ok()
}

/// The OS an `ImageId` stands for: an SSM parameter's path (a parameter's
/// default, or a `{{resolve:ssm:...}}` reference); an AMI ID cannot tell.
pub(crate) fn image_os(doc: &Doc<'_>, image: Option<&Value>) -> Option<Os> {
    let path = match doc.resolve(image?) {
        V::Param(p) => doc.params.get(p).filter(|p| p.is_ssm())?.default?.as_str()?.to_owned(),
        V::Str(s) => s.into_owned(),
        _ => return None,
    };
    if path.starts_with("ami-") {
        return None;
    }
    Os::of_image(&path)
}

/// Whether an image stands for an ECS-optimized AMI.
fn ecs_image(doc: &Doc<'_>, image: Option<&Value>) -> bool {
    let Some(image) = image else { return false };
    let path = match doc.resolve(image) {
        V::Param(p) => doc.params.get(p).and_then(|p| p.default).and_then(Value::as_str).map(str::to_owned),
        V::Str(s) => Some(s.into_owned()),
        _ => None,
    };
    path.is_some_and(|p| {
        let p = p.to_ascii_lowercase();
        p.contains("/ecs/") || p.contains("ecs_optimized") || p.contains("aws-ecs")
    })
}

impl<'a> Net<'a> {
    pub(crate) fn build(world: &World<'_, 'a>) -> Self {
        let mut net = Net { nacls: Nacls::build(world), ..Net::default() };
        let mut listener_index: HashMap<Id<'a>, usize> = HashMap::new();
        let mut providers: HashMap<Id<'a>, Id<'a>> = HashMap::new();
        let mut launches: HashMap<Id<'a>, Launch<'a>> = HashMap::new();
        let mut rules: Vec<(usize, &Res<'a>)> = Vec::new();
        let mut service_res: Vec<(usize, &Res<'a>)> = Vec::new();
        let mut asg_res: Vec<(usize, &Res<'a>)> = Vec::new();
        let mut tg_res: Vec<(usize, &Res<'a>)> = Vec::new();
        let mut clb_res: Vec<(usize, &Res<'a>)> = Vec::new();
        for s in 0..world.docs.len() {
            let doc = world.doc(s);
            for r in &doc.resources {
                let id = Id { stack: s, name: r.id };
                match r.ty {
                    SG => {
                        let mut sg = Sg::default();
                        if let Some(list) = doc.list(r.props.get("SecurityGroupIngress")) {
                            for item in list {
                                sg.ingress.push(rule(world, s, |k| item.get(k), true));
                            }
                        } else {
                            sg.ingress.push(Rule {
                                proto: Proto::Unknown,
                                ports: None,
                                peer: RulePeer::Unknown,
                                id: None,
                                maybe: false,
                            });
                        }
                        match doc.list(r.props.get("SecurityGroupEgress")) {
                            Some(list) if list.is_empty() => {}
                            Some(list) => {
                                sg.restricted_egress = true;
                                for item in list {
                                    sg.egress.push(rule(world, s, |k| item.get(k), false));
                                }
                            }
                            None => {
                                sg.restricted_egress = true;
                                sg.egress.push(Rule {
                                    proto: Proto::Unknown,
                                    ports: None,
                                    peer: RulePeer::Unknown,
                                    id: None,
                                    maybe: false,
                                });
                            }
                        }
                        let entry = net.sgs.entry(id).or_default();
                        entry.ingress.append(&mut sg.ingress);
                        entry.egress.append(&mut sg.egress);
                        entry.restricted_egress = sg.restricted_egress;
                    }
                    "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
                        let ingress = r.ty.ends_with("Ingress");
                        let group = world.target(s, r.props.get("GroupId"), SG).or_else(|| {
                            // `GroupName` names a group of the default VPC.
                            world.target(s, r.props.get("GroupName"), SG)
                        });
                        if let Some(group) = group {
                            let rule =
                                Rule { id: Some(id), maybe: r.maybe, ..rule(world, s, |k| r.props.get(k), ingress) };
                            let sg = net.sgs.entry(group).or_default();
                            if ingress {
                                sg.ingress.push(rule);
                            } else {
                                sg.egress.push(rule);
                            }
                        }
                    }
                    SUBNET => {
                        let cidr = r.props.get("CidrBlock").and_then(|v| world.resolve(s, v).1.as_str()?.parse().ok());
                        net.subnet_cidrs.insert(id, cidr);
                    }
                    LB => {
                        let internal = world_prop(world, s, r, "Scheme").as_str() == Some("internal");
                        let mut subnets = world.ids(s, r.props.get("Subnets"), SUBNET);
                        if let Some(mappings) = r.props.get("SubnetMappings") {
                            subnets = doc.list(Some(mappings)).and_then(|list| {
                                list.iter().map(|m| world.target(s, m.get("SubnetId"), SUBNET)).collect()
                            });
                        }
                        let sgs = world.ids(s, r.props.get("SecurityGroups"), SG);
                        let is_alb = world_prop(world, s, r, "Type").as_str().is_none_or(|t| t == "application");
                        // A network load balancer without security groups passes traffic through.
                        let passes = !is_alb && r.props.get("SecurityGroups").is_none();
                        let why = match &sgs {
                            None if !passes => Some(world.why(s, r.props.get("SecurityGroups"))),
                            _ => None,
                        };
                        let sgs = if passes { None } else { sgs };
                        let dualstack = world_prop(world, s, r, "IpAddressType")
                            .as_str()
                            .is_some_and(|t| t.starts_with("dualstack"));
                        net.lbs.insert(
                            id,
                            Lb { classic: false, internal, dualstack, sgs, subnets, health_port: None, why },
                        );
                    }
                    CLASSIC_LB => clb_res.push((s, r)),
                    LISTENER => {
                        let lb = world.target(s, r.props.get("LoadBalancerArn"), LB);
                        let actions = r.props.get("DefaultActions");
                        listener_index.insert(id, net.listeners.len());
                        net.listeners.push(Listener {
                            id,
                            lb,
                            port: world_prop(world, s, r, "Port").as_i64(),
                            protocol: world_prop(world, s, r, "Protocol").as_str().map(str::to_ascii_uppercase),
                            redirects_to_https: redirects_to_https(doc, actions),
                            instance_port: None,
                        });
                        match forwards(world, s, actions) {
                            Some(tgs) => {
                                for tg in tgs {
                                    net.tg_listeners.entry(tg).or_default().push(net.listeners.len() - 1);
                                }
                            }
                            None => {
                                let why = format!("listener {id} forwards to a target group that cannot be told");
                                net.unknown_forwards.get_or_insert(why);
                            }
                        }
                    }
                    "AWS::ElasticLoadBalancingV2::ListenerRule" => rules.push((s, r)),
                    TARGET_GROUP => tg_res.push((s, r)),
                    "AWS::ECS::CapacityProvider" => {
                        let asg = field(r.props.get("AutoScalingGroupProvider"), "AutoScalingGroupArn");
                        if let Some(asg) = world.target(s, asg, ASG) {
                            providers.insert(id, asg);
                        }
                    }
                    "AWS::EC2::LaunchTemplate" | "AWS::AutoScaling::LaunchConfiguration" => {
                        launches.insert(id, launch(world, s, r));
                    }
                    INSTANCE => {
                        let mut sgs = world.ids(s, r.props.get("SecurityGroupIds"), SG);
                        if let Some(v) = r.props.get("SecurityGroups") {
                            match (sgs.as_mut(), world.ids(s, Some(v), SG)) {
                                (Some(list), Some(more)) => list.extend(more),
                                _ => sgs = None,
                            }
                        }
                        let mut subnets = match r.props.get("SubnetId") {
                            Some(v) => world.target(s, Some(v), SUBNET).map(|x| vec![x]),
                            None => Some(Vec::new()),
                        };
                        for nic in doc.list(r.props.get("NetworkInterfaces")).unwrap_or_default() {
                            match (sgs.as_mut(), world.ids(s, nic.get("GroupSet"), SG)) {
                                (Some(list), Some(more)) => list.extend(more),
                                _ => sgs = None,
                            }
                            if let Some(v) = nic.get("SubnetId") {
                                match (subnets.as_mut(), world.target(s, Some(v), SUBNET)) {
                                    (Some(list), Some(x)) => list.push(x),
                                    _ => subnets = None,
                                }
                            }
                        }
                        net.instances.insert(id, Instance { sgs, subnets: subnets.filter(|v| !v.is_empty()) });
                    }
                    ASG => asg_res.push((s, r)),
                    "AWS::ECS::Service" => service_res.push((s, r)),
                    _ => {}
                }
            }
        }
        for (s, r) in rules {
            let listener = world.target(s, r.props.get("ListenerArn"), LISTENER);
            match (listener.and_then(|l| listener_index.get(&l)), forwards(world, s, r.props.get("Actions"))) {
                (Some(&l), Some(tgs)) => {
                    for tg in tgs {
                        net.tg_listeners.entry(tg).or_default().push(l);
                    }
                }
                (None, _) => {
                    let why = world.why(s, r.props.get("ListenerArn"));
                    net.unknown_forwards.get_or_insert(format!("the listener of listener rule {}: {why}", r.id));
                }
                (_, None) => {
                    let why = format!("listener rule {} forwards to a target group that cannot be told", r.id);
                    net.unknown_forwards.get_or_insert(why);
                }
            }
        }
        for &(s, r) in &clb_res {
            net.classic(world, s, r);
        }
        let mut asg_index: HashMap<Id<'a>, usize> = HashMap::new();
        for &(s, r) in &asg_res {
            let asg = net.asg(world, s, r, &launches, &providers);
            asg_index.insert(asg.id, net.asgs.len());
            net.asgs.push(asg);
        }
        // Cluster → Auto Scaling groups: capacity providers, and launch
        // templates whose user data names the cluster.
        let mut linked: HashMap<Id<'a>, Vec<usize>> = HashMap::new();
        for s in 0..world.docs.len() {
            let doc = world.doc(s);
            let mut associate = |cluster: Option<Id<'a>>, cps: Option<&'a Value>| {
                let Some(cluster) = cluster else { return };
                for cp in doc.list(cps).unwrap_or_default() {
                    let asg = world
                        .target(s, Some(cp), "AWS::ECS::CapacityProvider")
                        .and_then(|cp| providers.get(&cp))
                        .and_then(|asg| asg_index.get(asg));
                    if let Some(&i) = asg {
                        linked.entry(cluster).or_default().push(i);
                    }
                }
            };
            for r in doc.of_type("AWS::ECS::ClusterCapacityProviderAssociations") {
                associate(world.target(s, r.props.get("Cluster"), CLUSTER), r.props.get("CapacityProviders"));
            }
            for r in doc.of_type(CLUSTER) {
                associate(Some(Id { stack: s, name: r.id }), r.props.get("CapacityProviders"));
            }
        }
        for (i, a) in net.asgs.iter().enumerate() {
            for c in a.launch.and_then(|l| launches.get(&l)).map(|l| l.clusters.as_slice()).unwrap_or_default() {
                linked.entry(*c).or_default().push(i);
            }
        }
        for list in linked.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        net.cluster_asgs = linked;
        for &(s, r) in &service_res {
            net.service(world, s, r);
        }
        for &(s, r) in &asg_res {
            net.asg_targets(world, s, r);
        }
        for &(s, r) in &tg_res {
            net.static_targets(world, s, r);
        }
        for &(s, r) in &clb_res {
            net.classic_instances(world, s, r);
        }
        net.index(world);
        net.routes = Routes::build(world);
        net.endpoints = Endpoints::build(world);
        net
    }

    /// Indexes what belongs to each stack, and what the checks look up by key.
    fn index(&mut self, world: &World<'_, 'a>) {
        let mut by_stack = vec![Owned::default(); world.docs.len()];
        for (i, t) in self.targets.iter().enumerate() {
            by_stack[t.via.id().stack].targets.push(i);
        }
        for (i, l) in self.listeners.iter().enumerate() {
            by_stack[l.id.stack].listeners.push(i);
            match (l.lb, l.port) {
                (Some(lb), Some(_)) => self.lb_listeners.entry(lb).or_default().push(i),
                _ => self.unknown_listeners = true,
            }
        }
        for (i, a) in self.asgs.iter().enumerate() {
            by_stack[a.id.stack].asgs.push(i);
        }
        for (i, (at, _, _)) in self.unknown.iter().enumerate() {
            by_stack[at.stack].unknown.push(i);
        }
        self.runs_services = vec![false; self.asgs.len()];
        for s in &self.services {
            for &i in &s.asgs {
                self.runs_services[i] = true;
            }
        }
        self.by_stack = by_stack;
    }

    /// A Classic ELB and its listeners.
    fn classic(&mut self, world: &World<'_, 'a>, s: usize, r: &Res<'a>) {
        let doc = world.doc(s);
        let id = Id { stack: s, name: r.id };
        let internal = world_prop(world, s, r, "Scheme").as_str() == Some("internal");
        let subnets = world.ids(s, r.props.get("Subnets"), SUBNET);
        // Without security groups (or subnets), a Classic ELB uses the VPC's
        // default group, whose rules are not in the template.
        let (sgs, why) = match (r.props.get("SecurityGroups"), r.props.get("Subnets")) {
            (Some(v), Some(_)) => {
                let sgs = world.ids(s, Some(v), SG);
                let why = sgs.is_none().then(|| world.why(s, Some(v)));
                (sgs, why)
            }
            _ => (None, Some("it has no security groups of its own (it uses the VPC's default group)".to_owned())),
        };
        let health = field(r.props.get("HealthCheck"), "Target").map(|v| world.resolve(s, v).1);
        let health_port = health.as_ref().and_then(V::as_str).and_then(classic_health_port);
        self.lbs.insert(id, Lb { classic: true, internal, dualstack: false, sgs, subnets, health_port, why });
        for l in doc.list(r.props.get("Listeners")).unwrap_or_default() {
            let get = |k: &str| l.get(k).map(|v| world.resolve(s, v).1).unwrap_or(V::Unknown);
            self.listeners.push(Listener {
                id,
                lb: Some(id),
                port: get("LoadBalancerPort").as_i64(),
                protocol: get("Protocol").as_str().map(str::to_ascii_uppercase),
                redirects_to_https: false,
                instance_port: Some(get("InstancePort").as_i64()),
            });
        }
    }

    /// An Auto Scaling group, with what its launch template says.
    fn asg(
        &self,
        world: &World<'_, 'a>,
        s: usize,
        r: &Res<'a>,
        launches: &HashMap<Id<'a>, Launch<'a>>,
        providers: &HashMap<Id<'a>, Id<'a>>,
    ) -> Asg<'a> {
        let id = Id { stack: s, name: r.id };
        let lt = field(r.props.get("LaunchTemplate"), "LaunchTemplateId")
            .or_else(|| field(r.props.get("LaunchTemplate"), "LaunchTemplateName"))
            .or_else(|| field(r.props.get("LaunchTemplateSpecification"), "LaunchTemplateId"))
            .or_else(|| {
                field(
                    field(field(r.props.get("MixedInstancesPolicy"), "LaunchTemplate"), "LaunchTemplateSpecification"),
                    "LaunchTemplateId",
                )
            })
            .or_else(|| r.props.get("LaunchConfigurationName"));
        let launch = lt.and_then(|v| match world.resolve(s, v) {
            (j, V::Ref(name)) => Some(Id { stack: j, name }),
            _ => None,
        });
        let from = launch.and_then(|l| launches.get(&l));
        let subnets = world.ids(s, r.props.get("VPCZoneIdentifier"), SUBNET);
        let why_subnets = subnets.is_none().then(|| world.why(s, r.props.get("VPCZoneIdentifier")));
        let why_sgs = match from {
            Some(l) => l.why_sgs.clone(),
            None => Some(match lt {
                Some(v) => format!("its launch template or configuration cannot be told: {}", world.why(s, Some(v))),
                None => "it has no launch template or configuration".to_owned(),
            }),
        };
        Asg {
            id,
            why_sgs,
            why_subnets,
            sgs: from.and_then(|l| l.sgs.clone()),
            public_ip: from.and_then(|l| l.public_ip),
            os: from.and_then(|l| l.os),
            launch,
            ecs: from.is_some_and(|l| l.ecs) || providers.values().any(|a| *a == id),
            host_ports: from.and_then(|l| l.host_ports),
            subnets,
        }
    }

    /// The Auto Scaling groups whose instances run the tasks of `cluster`:
    /// those linked to it, else every one of the cluster's stack.
    fn asgs_of(&self, cluster: Id<'a>) -> Vec<usize> {
        match self.cluster_asgs.get(&cluster) {
            Some(list) => list.clone(),
            None => (0..self.asgs.len()).filter(|&i| self.asgs[i].id.stack == cluster.stack).collect(),
        }
    }

    /// An ECS service: where its tasks run, and the targets it registers.
    fn service(&mut self, world: &World<'_, 'a>, s: usize, r: &Res<'a>) {
        let id = Id { stack: s, name: r.id };
        let task_def = world.target(s, r.props.get("TaskDefinition"), TASK_DEF);
        let td = task_def.and_then(|t| world.res(t).map(|res| (t.stack, res)));
        let mode = td.and_then(|(ts, td)| network_mode(world, s, r, ts, td));
        let cluster = world.target(s, r.props.get("Cluster"), CLUSTER);
        let awsvpc = mode.as_deref() == Some("awsvpc");
        let asgs = match cluster {
            Some(c) if !awsvpc || world_prop(world, s, r, "LaunchType").as_str() != Some("FARGATE") => self.asgs_of(c),
            _ => Vec::new(),
        };
        let (sgs, subnets, why) = if awsvpc {
            let cfg = field(r.props.get("NetworkConfiguration"), "AwsvpcConfiguration");
            let sgs = world.ids(s, field(cfg, "SecurityGroups"), SG).filter(|v| !v.is_empty());
            let why = match field(cfg, "SecurityGroups") {
                None => {
                    Some("the tasks have no security groups of their own (they use the VPC's default group)".to_owned())
                }
                Some(v) if sgs.is_none() => Some(world.why(s, Some(v))),
                Some(_) => None,
            };
            (sgs, world.ids(s, field(cfg, "Subnets"), SUBNET).filter(|v| !v.is_empty()), why)
        } else if asgs.is_empty() {
            let why = match (cluster, r.props.get("Cluster")) {
                (Some(c), _) => format!("cluster {c} has no Auto Scaling group in the templates given"),
                (None, Some(v)) => format!("its cluster cannot be told: {}", world.why(s, Some(v))),
                (None, None) => {
                    "it runs in the account's default cluster, whose instances are not in the templates".to_owned()
                }
            };
            (None, None, Some(why))
        } else {
            let sgs: Option<Vec<Id<'a>>> =
                asgs.iter().map(|&i| self.asgs[i].sgs.clone()).collect::<Option<Vec<_>>>().map(|v| v.concat());
            let subnets: Option<Vec<Id<'a>>> =
                asgs.iter().map(|&i| self.asgs[i].subnets.clone()).collect::<Option<Vec<_>>>().map(|v| v.concat());
            let why = asgs.iter().find_map(|&i| {
                let a = &self.asgs[i];
                a.why_sgs.as_ref().map(|w| format!("the security groups of {} cannot be told: {w}", a.id))
            });
            (sgs.filter(|v| !v.is_empty()), subnets, why)
        };
        let service = Service { id, task_def, sgs, subnets, asgs, why };
        match (td, mode) {
            (Some((ts, td)), Some(mode)) => self.bindings(world, s, r, &service, ts, td, &mode),
            (None, _) if world.doc(s).list(r.props.get("LoadBalancers")).is_none_or(|l| !l.is_empty()) => {
                let why = world.why(s, r.props.get("TaskDefinition"));
                self.unknown.push((
                    id,
                    format!("load balancer → service {id}"),
                    format!("its task definition cannot be told: {why}"),
                ));
            }
            _ => {}
        }
        self.services.push(service);
    }

    /// The targets an ECS service registers through its `LoadBalancers`.
    #[allow(clippy::too_many_arguments)]
    fn bindings(
        &mut self,
        world: &World<'_, 'a>,
        s: usize,
        r: &Res<'a>,
        service: &Service<'a>,
        ts: usize,
        td: &Res<'a>,
        mode: &str,
    ) {
        let doc = world.doc(s);
        let tdoc = world.doc(ts);
        let Some(containers) = tdoc.list(td.props.get("ContainerDefinitions")) else { return };
        for lb in doc.list(r.props.get("LoadBalancers")).unwrap_or_default() {
            let hop = format!("load balancer → service {}", service.id);
            let front = match world.target(s, lb.get("TargetGroupArn"), TARGET_GROUP) {
                Some(tg) => Front::Tg(tg),
                None => match world.target(s, lb.get("LoadBalancerName"), CLASSIC_LB) {
                    Some(clb) => Front::Clb(clb),
                    None => {
                        let v = lb.get("TargetGroupArn").or_else(|| lb.get("LoadBalancerName"));
                        let why = format!("its target group cannot be told: {}", world.why(s, v));
                        self.unknown.push((service.id, hop, why));
                        continue;
                    }
                },
            };
            let Some(name) = lb.get("ContainerName").map(|v| world.resolve(s, v).1) else { continue };
            let Some(name) = name.as_str() else {
                let why = format!("the container name cannot be told: {}", world.why(s, lb.get("ContainerName")));
                self.unknown.push((service.id, hop, why));
                continue;
            };
            let Some(port) = lb.get("ContainerPort").and_then(|v| world.resolve(s, v).1.as_i64()) else {
                let why = format!("the container port cannot be told: {}", world.why(s, lb.get("ContainerPort")));
                self.unknown.push((service.id, hop, why));
                continue;
            };
            let mapping = containers
                .iter()
                .filter(|c| c.get("Name").map(|n| tdoc.resolve(n)).is_some_and(|n| n.as_str() == Some(name)))
                .flat_map(|c| tdoc.list(c.get("PortMappings")).unwrap_or_default())
                .find(|m| m.get("ContainerPort").and_then(|p| tdoc.resolve(p).as_i64()) == Some(port));
            let host = mapping.and_then(|m| m.get("HostPort")).map(|p| tdoc.resolve(p));
            let ports = match mode {
                "awsvpc" | "host" => HostPorts::Fixed((port, port)),
                // Windows tasks: `nat` (or `default`), bridge-like.
                "bridge" | "nat" | "default" => match host.map(|v| v.as_i64()) {
                    None | Some(Some(0)) => self.dynamic(world, ts, td, service),
                    Some(Some(h)) => HostPorts::Fixed((h, h)),
                    Some(None) => continue,
                },
                _ => continue,
            };
            let health_port = self.health_port(world, front);
            self.targets.push(Target {
                via: Via::Service {
                    service: service.id,
                    container: name.to_owned(),
                    container_port: port,
                    awsvpc: mode == "awsvpc",
                },
                front,
                ports,
                health_port,
                sgs: service.sgs.clone(),
                subnets: service.subnets.clone(),
                why: service.why.clone(),
            });
        }
    }

    /// The dynamic host ports of a bridge-mode service: by its instances'
    /// OS (the task definition's `RuntimePlatform`, else the AMI), or as
    /// the user data sets them.
    fn dynamic(&self, world: &World<'_, 'a>, ts: usize, td: &Res<'a>, service: &Service<'a>) -> HostPorts {
        let asgs: Vec<&Asg<'a>> = service.asgs.iter().map(|&i| &self.asgs[i]).collect();
        let custom: Vec<Option<Ports>> = asgs.iter().filter_map(|a| a.host_ports).collect();
        if !custom.is_empty() {
            return match custom[..] {
                [Some(p)] => HostPorts::Fixed(p),
                _ => HostPorts::Dynamic(None),
            };
        }
        let family = field(td.props.get("RuntimePlatform"), "OperatingSystemFamily").map(|v| world.resolve(ts, v).1);
        let declared = family.as_ref().and_then(V::as_str).map(|f| {
            if f.to_ascii_uppercase().starts_with("WINDOWS") {
                Os::Windows
            } else {
                Os::Linux
            }
        });
        let first = asgs.first().and_then(|a| a.os);
        let agreed = if !asgs.is_empty() && asgs.iter().all(|a| a.os == first) { first } else { None };
        HostPorts::Dynamic(declared.or(agreed))
    }

    /// A fixed health check port of what `front` checks through.
    fn health_port(&self, world: &World<'_, 'a>, front: Front<'a>) -> Option<i64> {
        match front {
            Front::Tg(tg) => {
                let r = world.res(tg)?;
                r.props.get("HealthCheckPort").and_then(|v| world.resolve(tg.stack, v).1.as_i64())
            }
            Front::Clb(clb) => self.lbs.get(&clb)?.health_port,
        }
    }

    /// The target groups (`TargetGroupARNs`) and Classic ELBs
    /// (`LoadBalancerNames`) an Auto Scaling group registers its instances in.
    fn asg_targets(&mut self, world: &World<'_, 'a>, s: usize, r: &Res<'a>) {
        let id = Id { stack: s, name: r.id };
        let Some(asg) = self.asgs.iter().rev().find(|a| a.id == id) else { return };
        let (sgs, subnets) = (asg.sgs.clone().filter(|v| !v.is_empty()), asg.subnets.clone());
        let why = asg.why_sgs.clone();
        let mut found = Vec::new();
        for tg in world.ids(s, r.props.get("TargetGroupARNs"), TARGET_GROUP).unwrap_or_default() {
            let Some(t) = world.res(tg) else { continue };
            // Auto Scaling registers instances: only in `instance` target groups.
            let ty = t.props.get("TargetType").map(|v| world.resolve(tg.stack, v).1);
            if ty.as_ref().is_some_and(|v| v.as_str().is_none_or(|t| !t.eq_ignore_ascii_case("instance"))) {
                continue;
            }
            let Some(port) = t.props.get("Port").and_then(|v| world.resolve(tg.stack, v).1.as_i64()) else { continue };
            found.push((Front::Tg(tg), HostPorts::Fixed((port, port))));
        }
        for clb in world.ids(s, r.props.get("LoadBalancerNames"), CLASSIC_LB).unwrap_or_default() {
            for p in self.classic_ports(clb) {
                found.push((Front::Clb(clb), HostPorts::Fixed((p, p))));
            }
        }
        for (front, ports) in found {
            let health_port = self.health_port(world, front);
            self.targets.push(Target {
                via: Via::Asg(id),
                front,
                ports,
                health_port,
                sgs: sgs.clone(),
                subnets: subnets.clone(),
                why: why.clone(),
            });
        }
    }

    /// The instance ports a Classic ELB's listeners forward to.
    fn classic_ports(&self, clb: Id<'a>) -> Vec<i64> {
        let mut ports: Vec<i64> =
            self.listeners.iter().filter(|l| l.lb == Some(clb)).filter_map(|l| l.instance_port.flatten()).collect();
        ports.sort_unstable();
        ports.dedup();
        ports
    }

    /// A target group's static `Targets` that are instances of the stacks
    /// (a target's `Port` overrides the group's).
    fn static_targets(&mut self, world: &World<'_, 'a>, s: usize, r: &Res<'a>) {
        let doc = world.doc(s);
        let tg = Id { stack: s, name: r.id };
        let group_port = r.props.get("Port").and_then(|v| world.resolve(s, v).1.as_i64());
        for t in doc.list(r.props.get("Targets")).unwrap_or_default() {
            let Some(instance) = world.target(s, t.get("Id"), INSTANCE) else { continue };
            let port = match t.get("Port") {
                Some(v) => world.resolve(s, v).1.as_i64(),
                None => group_port,
            };
            let Some(port) = port else { continue };
            self.instance_target(world, instance, Front::Tg(tg), port);
        }
    }

    /// A Classic ELB's `Instances`.
    fn classic_instances(&mut self, world: &World<'_, 'a>, s: usize, r: &Res<'a>) {
        let clb = Id { stack: s, name: r.id };
        let ports = self.classic_ports(clb);
        for instance in world.ids(s, r.props.get("Instances"), INSTANCE).unwrap_or_default() {
            for &p in &ports {
                self.instance_target(world, instance, Front::Clb(clb), p);
            }
        }
    }

    fn instance_target(&mut self, world: &World<'_, 'a>, instance: Id<'a>, front: Front<'a>, port: i64) {
        let Some(i) = self.instances.get(&instance) else { return };
        let (sgs, subnets) = (i.sgs.clone().filter(|v| !v.is_empty()), i.subnets.clone());
        let why = sgs.is_none().then(|| format!("the security groups of instance {instance} cannot be told"));
        let health_port = self.health_port(world, front);
        self.targets.push(Target {
            via: Via::Instance(instance),
            front,
            ports: HostPorts::Fixed((port, port)),
            health_port,
            sgs,
            subnets,
            why,
        });
    }

    pub(crate) fn cidrs(&self, subnets: Option<&Vec<Id<'a>>>) -> Option<Vec<Ipv4Net>> {
        subnets?.iter().map(|s| self.subnet_cidrs.get(s).copied().flatten()).collect()
    }

    /// Whether the union of `rules` covers `need` for peers `admits`
    /// accepts; see [`Net::uncovered`].
    pub(crate) fn covers<'r>(
        rules: impl Iterator<Item = &'r Rule<'a>>,
        need: Ports,
        admits: impl Fn(&RulePeer<'a>) -> Tri,
    ) -> Tri
    where
        'a: 'r,
    {
        Self::uncovered(rules, need, admits).0
    }

    /// Whether the union of `rules` covers `need` for peers `admits`
    /// accepts, and the first ports left uncovered. Ports come first: a
    /// rule whose known ports miss `need` says nothing, whoever its peer is;
    /// only a rule that may matter and cannot be told makes the answer
    /// `Unknown`.
    pub(crate) fn uncovered<'r>(
        rules: impl Iterator<Item = &'r Rule<'a>>,
        need: Ports,
        admits: impl Fn(&RulePeer<'a>) -> Tri,
    ) -> (Tri, Option<Ports>)
    where
        'a: 'r,
    {
        let mut spans: Vec<Ports> = Vec::new();
        let mut unknown = false;
        for r in rules {
            if r.proto == Proto::Other {
                continue;
            }
            if let Some((lo, hi)) = r.ports.filter(|_| r.proto != Proto::Unknown) {
                if hi < need.0 || lo > need.1 {
                    continue;
                }
            }
            let who = admits(&r.peer);
            if who == Tri::No {
                continue;
            }
            match (r.proto, r.ports) {
                (Proto::Unknown, _) | (_, None) => unknown = true,
                (_, Some(p)) if who == Tri::Yes => spans.push(p),
                _ => unknown = true,
            }
        }
        spans.sort();
        let mut at = need.0;
        for &(lo, hi) in &spans {
            if lo > at {
                break;
            }
            if hi >= at {
                at = hi + 1;
            }
            if at > need.1 {
                return (Tri::Yes, None);
            }
        }
        let next = spans.iter().map(|s| s.0).find(|&lo| lo > at).map_or(need.1, |lo| (lo - 1).min(need.1));
        (if unknown { Tri::Unknown } else { Tri::No }, Some((at, next)))
    }

    pub(crate) fn ingress_of<'s>(&'s self, sgs: &'s [Id<'a>]) -> impl Iterator<Item = &'s Rule<'a>> + 's {
        sgs.iter().filter_map(move |id| self.sgs.get(id)).flat_map(|sg| sg.ingress.iter())
    }

    pub(crate) fn egress_of<'s>(&'s self, sgs: &'s [Id<'a>]) -> impl Iterator<Item = &'s Rule<'a>> + 's {
        sgs.iter().filter_map(move |id| self.sgs.get(id)).flat_map(|sg| sg.egress.iter())
    }

    /// Whether every one of `sgs` restricts its egress (is of the stacks and lists it).
    pub(crate) fn restricts_egress(&self, sgs: &[Id<'a>]) -> bool {
        sgs.iter().all(|id| self.sgs.get(id).is_some_and(|sg| sg.restricted_egress))
    }
}

/// What a launch template or configuration says about its instances.
fn launch<'a>(world: &World<'_, 'a>, s: usize, r: &Res<'a>) -> Launch<'a> {
    let doc = world.doc(s);
    let template = r.ty == "AWS::EC2::LaunchTemplate";
    let data = if template { r.props.get("LaunchTemplateData") } else { None };
    let get = |k: &str| if template { field(data, k) } else { r.props.get(k) };
    let mut out = Launch::default();
    if template {
        let mut sgs = match (get("SecurityGroupIds"), get("SecurityGroups")) {
            (Some(v), _) | (None, Some(v)) => {
                let sgs = world.ids(s, Some(v), SG);
                out.why_sgs = sgs.is_none().then(|| world.why(s, Some(v)));
                sgs
            }
            (None, None) => Some(Vec::new()),
        };
        for nic in doc.list(get("NetworkInterfaces")).unwrap_or_default() {
            if let Some(groups) = nic.get("Groups") {
                match (sgs.as_mut(), world.ids(s, Some(groups), SG)) {
                    (Some(list), Some(more)) => list.extend(more),
                    (_, None) => {
                        out.why_sgs = Some(world.why(s, Some(groups)));
                        sgs = None;
                    }
                    _ => sgs = None,
                }
            }
            if let Some(p) = nic.get("AssociatePublicIpAddress") {
                out.public_ip = world.resolve(s, p).1.as_bool();
            }
        }
        if sgs.as_ref().is_some_and(Vec::is_empty) {
            out.why_sgs = Some(
                "its instances have no security groups of their own (they use the VPC's default group)".to_owned(),
            );
        }
        out.sgs = sgs;
    } else {
        out.sgs = world.ids(s, get("SecurityGroups"), SG);
        out.why_sgs = match (&out.sgs, get("SecurityGroups")) {
            (None, v) => Some(world.why(s, v)),
            (Some(list), _) if list.is_empty() => {
                Some("its instances have no security groups of their own (they use the VPC's default group)".to_owned())
            }
            _ => None,
        };
        out.public_ip = get("AssociatePublicIpAddress").and_then(|v| world.resolve(s, v).1.as_bool());
    }
    let image = get("ImageId");
    out.os = image_os(doc, image);
    let user_data = get("UserData");
    let texts: Vec<&Value> = user_data.into_iter().chain(r.metadata).collect();
    out.ecs = ecs_image(doc, image) || texts.iter().any(|v| holds_text(v, "ECS_CLUSTER"));
    if texts.iter().any(|v| holds_text(v, "ECS_DYNAMIC_HOST_PORT_RANGE")) {
        out.host_ports = Some(texts.iter().find_map(|v| host_port_range(v)));
    }
    // The clusters its user data names (`ECS_CLUSTER=${Cluster}`).
    let clusters: Vec<&str> = doc.of_type(CLUSTER).map(|c| c.id).collect();
    for c in clusters {
        let ids = std::collections::HashSet::from([c]);
        if texts.iter().any(|v| mentions(v, &ids)) {
            out.clusters.push(Id { stack: s, name: c });
            out.ecs = true;
        }
    }
    out
}

/// The property `name` of `r` (of stack `s`), resolved across the stacks.
pub(crate) fn world_prop<'a>(world: &World<'_, 'a>, s: usize, r: &Res<'a>, name: &str) -> V<'a> {
    r.props.get(name).map(|v| world.resolve(s, v).1).unwrap_or(V::Unknown)
}

/// The network mode of service `svc` (of stack `s`) running task definition
/// `td` (of stack `ts`); `None` when it cannot be told.
pub(crate) fn network_mode<'a>(
    world: &World<'_, 'a>,
    s: usize,
    svc: &Res<'a>,
    ts: usize,
    td: &Res<'a>,
) -> Option<String> {
    let fargate = world_prop(world, s, svc, "LaunchType").as_str() == Some("FARGATE")
        || world
            .doc(ts)
            .list(td.props.get("RequiresCompatibilities"))
            .is_some_and(|l| !l.is_empty() && l.iter().all(|c| world.resolve(ts, c).1.as_str() == Some("FARGATE")));
    match world_prop(world, ts, td, "NetworkMode").as_str() {
        Some(m) => Some(m.to_owned()),
        None if td.props.get("NetworkMode").is_none() && !fargate => Some("bridge".to_owned()),
        None if fargate => Some("awsvpc".to_owned()),
        None => None,
    }
}

/// Whether a rule's peer is exactly the given side of a hop: one of its
/// security groups, or a CIDR containing every one of its subnets (any
/// side, for `0.0.0.0/0`). An unresolved peer, or a side whose subnets are
/// unknown, is `Unknown`.
pub(crate) fn peer_within(peer: &RulePeer<'_>, sgs: &[Id<'_>], cidrs: Option<&[Ipv4Net]>) -> Tri {
    match peer {
        RulePeer::Sg(id) => {
            if sgs.contains(id) {
                Tri::Yes
            } else {
                Tri::No
            }
        }
        RulePeer::Cidr(net) if net.prefix_len() == 0 => Tri::Yes,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(ports: Option<Ports>, peer: RulePeer<'static>) -> Rule<'static> {
        Rule { proto: Proto::Tcp, ports, peer, id: None, maybe: false }
    }

    #[test]
    fn ports_are_compared_before_peers() {
        let lb = Id { stack: 0, name: "LbSg" };
        let admits = |p: &RulePeer<'_>| peer_within(p, &[lb], None);
        // An SSH rule from a CIDR that cannot be placed says nothing about 32768-60999.
        let ssh = rule(Some((22, 22)), RulePeer::Cidr("10.0.0.0/16".parse().expect("net")));
        let http = rule(Some((80, 80)), RulePeer::Sg(lb));
        assert_eq!(Net::uncovered([&ssh, &http].into_iter(), (32768, 60999), admits), (Tri::No, Some((32768, 60999))));
        // A rule on the ports whose peer cannot be told: cannot tell.
        let unknown = rule(Some((32768, 65535)), RulePeer::Unknown);
        assert_eq!(Net::uncovered([&ssh, &unknown].into_iter(), (32768, 60999), admits).0, Tri::Unknown);
        // The first gap is named.
        let high = rule(Some((49153, 65535)), RulePeer::Sg(lb));
        assert_eq!(Net::uncovered([&high].into_iter(), (32768, 60999), admits), (Tri::No, Some((32768, 49152))));
        let low = rule(Some((31000, 61000)), RulePeer::Sg(lb));
        assert_eq!(Net::uncovered([&low].into_iter(), (32768, 60999), admits), (Tri::Yes, None));
        // 0.0.0.0/0 holds any subnet, known or not.
        assert_eq!(peer_within(&RulePeer::Cidr("0.0.0.0/0".parse().expect("net")), &[], None), Tri::Yes);
    }
}
