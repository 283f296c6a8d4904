//! Who can reach what, and who may do what: the facts a reviewer compares
//! before and after a change (`rcdk diff` runs [`access`] on both sides and
//! reports the facts that appear or disappear, see [`delta`]).
//!
//! Facts are paths and effective permissions, not rule lines:
//!
//! - network: who a security group admits (an address range, the internet,
//!   or the members of another group) to whom — the load balancers,
//!   instances, services and databases behind the group — on which ports,
//!   when the sender's own egress rules let it out too; and where the tasks
//!   of each ECS service (`awsvpc`) may open connections, one fact per
//!   egress rule of their group (the internet on all traffic by default), so
//!   that restricting a service's egress shows as paths that disappear;
//! - CDN bypass: a load balancer that is a CloudFront origin and admits the
//!   whole internet on the origin's port, so anyone can skip the
//!   distribution (the origin lock is off);
//! - permissions: each action the task role of an ECS service is allowed,
//!   on each resource (Allow statements of the role's inline policies and of
//!   the `AWS::IAM::Policy`/`ManagedPolicy` resources attached to it).
//!
//! A value the template leaves to deploy time is said to be one ("cannot
//! tell"), never guessed. Linear in the templates' size.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::ip::Proto;
use super::model::StackTemplate;
use super::model::{field, prop, Doc, Tri, V};
use super::network::{Net, Rule, RulePeer, SG};
use super::world::{Id, World};

/// What a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessKind {
    /// Network reachability through security groups.
    Network,
    /// A CloudFront origin reachable without passing the distribution.
    CdnBypass,
    /// An action a role may take.
    Permission,
}

/// One fact: `subject` `verb` `predicate` ("the internet (0.0.0.0/0)" "can"
/// "reach instances of Asg on tcp/22").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Access {
    /// The stack's name.
    pub stack: String,
    /// What it is about.
    pub kind: AccessKind,
    /// Who.
    pub subject: String,
    /// `can` or `may`.
    pub verb: &'static str,
    /// What.
    pub predicate: String,
}

/// Whether a fact appears or disappears with a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Appears {
    /// True after the change, not before: broadening.
    Appears,
    /// True before the change, not after: narrowing.
    Disappears,
}

/// A fact that appears or disappears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessChange {
    /// The stack's name.
    pub stack: String,
    /// Appears or disappears.
    pub change: Appears,
    /// `broadening` for a fact that appears, `narrowing` for one that
    /// disappears, or that appears as the part of a wider path of the same
    /// subject and target that disappears (the same path on fewer ports).
    pub classification: &'static str,
    /// What it is about.
    pub kind: AccessKind,
    /// The fact in words, e.g. "the internet (0.0.0.0/0) can now reach instances of Asg on tcp/22".
    pub text: String,
}

/// The facts that appear (`new` only) or disappear (`old` only), in a stable order.
pub fn delta(old: &[Access], new: &[Access]) -> Vec<AccessChange> {
    let (o, n): (BTreeSet<&Access>, BTreeSet<&Access>) = (old.iter().collect(), new.iter().collect());
    let mut out = Vec::new();
    for (set, other, change) in [(&n, &o, Appears::Appears), (&o, &n, Appears::Disappears)] {
        for a in set.iter().filter(|a| !other.contains(*a)) {
            let (now, class) = match change {
                // A narrower path in place of a wider one that disappears
                // (egress restricted from all traffic to tcp/443) opens nothing.
                Appears::Appears if narrows(a, set, other) => ("now", "narrowing"),
                Appears::Appears => ("now", "broadening"),
                Appears::Disappears => ("no longer", "narrowing"),
            };
            let text = match a.kind {
                AccessKind::CdnBypass if change == Appears::Appears => {
                    format!("the CloudFront origin lock is off: {} {} {now} {}", a.subject, a.verb, a.predicate)
                }
                AccessKind::CdnBypass => {
                    format!("the CloudFront origin lock is on: {} {} {now} {}", a.subject, a.verb, a.predicate)
                }
                _ => format!("{} {} {now} {}", a.subject, a.verb, a.predicate),
            };
            out.push(AccessChange { stack: a.stack.clone(), change, classification: class, kind: a.kind, text });
        }
    }
    out
}

/// Whether network fact `a` (new only) is a part of a fact of the same
/// subject and target that disappears (`old` only, `old` not in `new`):
/// the same path on fewer ports.
fn narrows(a: &Access, new: &BTreeSet<&Access>, old: &BTreeSet<&Access>) -> bool {
    let Some((target, ports)) = a.predicate.rsplit_once(" on ") else { return false };
    a.kind == AccessKind::Network
        && old.iter().filter(|o| !new.contains(*o)).any(|o| {
            o.kind == AccessKind::Network
                && o.stack == a.stack
                && o.subject == a.subject
                && o.predicate.rsplit_once(" on ").is_some_and(|(t, wider)| t == target && covers(wider, ports))
        })
}

/// Whether the ports text `wider` (as [`ports`] writes it) covers `narrower`.
fn covers(wider: &str, narrower: &str) -> bool {
    fn range(text: &str) -> Option<(&str, i64, i64)> {
        if let Some(proto) = text.strip_prefix("every ").and_then(|t| t.strip_suffix(" port")) {
            return Some((proto, 0, 65535));
        }
        let (proto, span) = text.split_once('/')?;
        let (lo, hi) = span.split_once('-').unwrap_or((span, span));
        Some((proto, lo.parse().ok()?, hi.parse().ok()?))
    }
    if wider == "all traffic" {
        return true;
    }
    match (range(wider), range(narrower)) {
        (Some((p, lo, hi)), Some((q, a, b))) => p == q && lo <= a && b <= hi,
        _ => false,
    }
}

/// Every fact of `stacks`.
pub fn access(stacks: &[StackTemplate<'_>]) -> Vec<Access> {
    let world = World::new(stacks);
    let net = Net::build(&world);
    let holders = holders(&world, &net);
    let services = service_groups(&world);
    let mut out = Vec::new();
    for (i, s) in stacks.iter().enumerate() {
        network(i, s.name, &net, &holders, &mut out);
        outbound(i, s.name, &net, &holders, &services, &mut out);
        permissions(s.name, &s.doc, &mut out);
        cdn_bypass(&world, &net, i, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// Security group → who is behind it, in words.
fn holders<'a>(world: &World<'_, 'a>, net: &Net<'a>) -> BTreeMap<Id<'a>, Vec<String>> {
    let mut out: BTreeMap<Id<'a>, Vec<String>> = BTreeMap::new();
    let mut add = |sgs: Option<Vec<Id<'a>>>, who: String| {
        for sg in sgs.unwrap_or_default() {
            let list = out.entry(sg).or_default();
            if !list.contains(&who) {
                list.push(who.clone());
            }
        }
    };
    for (id, lb) in &net.lbs {
        let scheme = if lb.internal { "internal load balancer" } else { "internet-facing load balancer" };
        add(lb.sgs.clone(), format!("{scheme} {id}"));
    }
    for a in &net.asgs {
        add(a.sgs.clone(), format!("instances of {}", a.id));
    }
    for (s, doc) in world.docs.iter().enumerate() {
        let doc: &Doc<'a> = doc;
        for r in &doc.resources {
            let sgs = |key: &str| world.ids(s, r.props.get(key), SG);
            match r.ty {
                "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => {
                    add(sgs("VPCSecurityGroups"), format!("database {}", r.id))
                }
                "AWS::ECS::Service" => {
                    let vpc =
                        field(field(r.props.get("NetworkConfiguration"), "AwsvpcConfiguration"), "SecurityGroups");
                    add(world.ids(s, vpc, SG), format!("service `{}`", service_name(doc, r.id)));
                }
                "AWS::EC2::Instance" => add(sgs("SecurityGroupIds"), format!("instance {}", r.id)),
                "AWS::Lambda::Function" => add(
                    world.ids(s, field(r.props.get("VpcConfig"), "SecurityGroupIds"), SG),
                    format!("function {}", r.id),
                ),
                "AWS::EC2::VPCEndpoint" => add(sgs("SecurityGroupIds"), format!("VPC endpoint {}", r.id)),
                _ => {}
            }
        }
    }
    out
}

fn service_name(doc: &Doc<'_>, id: &str) -> String {
    doc.res(id).and_then(|r| prop(doc, r, "ServiceName").as_str().map(str::to_owned)).unwrap_or_else(|| id.to_owned())
}

/// Who is behind security group `sg`, one entry each ("database Db (security
/// group DbSg)"), so that a member leaving the group is a path that
/// disappears, never a new one.
fn who(sg: &Id<'_>, holders: &BTreeMap<Id<'_>, Vec<String>>) -> Vec<String> {
    match holders.get(sg) {
        Some(list) if !list.is_empty() => list.iter().map(|h| format!("{h} (security group {sg})")).collect(),
        _ => vec![format!("members of security group {sg}")],
    }
}

/// `tcp/22`, `tcp/1024-65535`, `all traffic`; "ports rcdk cannot tell" when unresolved.
fn ports(r: &Rule<'_>) -> String {
    let proto = match r.proto {
        Proto::All => return "all traffic".to_owned(),
        Proto::Tcp => "tcp",
        Proto::Other => "a protocol other than tcp",
        Proto::Unknown => return "a protocol rcdk cannot tell (set at deploy time)".to_owned(),
    };
    match r.ports {
        Some((a, b)) if a == b => format!("{proto}/{a}"),
        Some((-1, _)) | Some((0, 65535)) => format!("every {proto} port"),
        Some((a, b)) => format!("{proto}/{a}-{b}"),
        None => format!("{proto} ports rcdk cannot tell (set at deploy time)"),
    }
}

/// Who a rule's peer is, in words (one entry per member of a group).
fn peer_text(peer: &RulePeer<'_>, holders: &BTreeMap<Id<'_>, Vec<String>>) -> Vec<String> {
    match peer {
        RulePeer::Cidr(c) if c.prefix_len() == 0 => vec!["the internet (0.0.0.0/0)".to_owned()],
        RulePeer::Cidr(c) => vec![format!("addresses in {c}")],
        RulePeer::Cidr6 => vec!["IPv6 addresses (a CIDRv6 rule)".to_owned()],
        RulePeer::Sg(peer) => who(peer, holders),
        RulePeer::PrefixList(V::Str(p)) => vec![format!("prefix list {p}")],
        RulePeer::PrefixList(V::Param(p)) => vec![format!("the prefix list of parameter {p}")],
        RulePeer::PrefixList(_) => vec!["a prefix list rcdk cannot tell (set at deploy time)".to_owned()],
        RulePeer::Unknown => vec!["a peer rcdk cannot tell (set at deploy time)".to_owned()],
    }
}

/// Whether members of `from` may send to members of `to` on `ports`: when
/// `from` lists its egress, one of its egress rules must let them out (the
/// ingress rule alone opens no path). "Cannot tell" counts as may.
fn may_send(net: &Net<'_>, from: &Id<'_>, to: &Id<'_>, ports: Option<(i64, i64)>) -> bool {
    let Some(group) = net.sgs.get(from).filter(|g| g.restricted_egress) else { return true };
    let Some(ports) = ports else { return true };
    let to_peer = |p: &RulePeer<'_>| match p {
        RulePeer::Sg(id) if id == to => Tri::Yes,
        RulePeer::Cidr(n) if n.prefix_len() == 0 => Tri::Yes,
        RulePeer::Sg(_) | RulePeer::Cidr6 => Tri::No,
        RulePeer::Cidr(_) | RulePeer::PrefixList(_) | RulePeer::Unknown => Tri::Unknown,
    };
    Net::covers(group.egress.iter(), ports, to_peer) != Tri::No
}

/// The security groups of the stacks' ECS services (`awsvpc` tasks).
fn service_groups<'a>(world: &World<'_, 'a>) -> BTreeSet<Id<'a>> {
    let mut out = BTreeSet::new();
    for (s, doc) in world.docs.iter().enumerate() {
        for r in doc.of_type("AWS::ECS::Service") {
            let vpc = field(field(r.props.get("NetworkConfiguration"), "AwsvpcConfiguration"), "SecurityGroups");
            out.extend(world.ids(s, vpc, SG).unwrap_or_default());
        }
    }
    out
}

/// Where the tasks of each ECS service of the stack may open connections:
/// one fact per egress rule of their security group (the internet on all
/// traffic for a group that keeps the default rule), so restricting a
/// service's egress is a path that disappears. The AWS CDK's placeholder
/// rule of a group that allows nothing out (ICMP to 255.255.255.255/32)
/// opens nothing and says nothing.
fn outbound(
    index: usize,
    stack: &str,
    net: &Net<'_>,
    holders: &BTreeMap<Id<'_>, Vec<String>>,
    services: &BTreeSet<Id<'_>>,
    out: &mut Vec<Access>,
) {
    for sg in services.iter().filter(|sg| sg.stack == index) {
        let Some(group) = net.sgs.get(sg) else { continue };
        let rules: Vec<&Rule<'_>> = group.egress.iter().filter(|r| !is_placeholder(r)).collect();
        let anywhere;
        let rules = if group.restricted_egress {
            rules
        } else {
            anywhere =
                Rule { proto: Proto::All, ports: Some((0, 65535)), peer: RulePeer::Cidr(ANY), id: None, maybe: false };
            vec![&anywhere]
        };
        for r in rules {
            reaches(stack, &who(sg, holders), &peer_text(&r.peer, holders), r, out);
        }
    }
}

/// "`subject` can reach `target` on `r`'s ports", for each pair.
fn reaches(stack: &str, subjects: &[String], targets: &[String], r: &Rule<'_>, out: &mut Vec<Access>) {
    for subject in subjects {
        for target in targets {
            out.push(Access {
                stack: stack.to_owned(),
                kind: AccessKind::Network,
                subject: subject.clone(),
                verb: "can",
                predicate: format!("reach {target} on {}", ports(r)),
            });
        }
    }
}

/// Every IPv4 address.
const ANY: ipnet::Ipv4Net = ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::UNSPECIFIED, 0);

/// The egress rule that matches nothing, written to groups that allow nothing out.
fn is_placeholder(r: &Rule<'_>) -> bool {
    r.proto == Proto::Other
        && matches!(r.peer, RulePeer::Cidr(n) if n.prefix_len() == 32 && n.addr() == std::net::Ipv4Addr::BROADCAST)
}

fn network(index: usize, stack: &str, net: &Net<'_>, holders: &BTreeMap<Id<'_>, Vec<String>>, out: &mut Vec<Access>) {
    for (sg, group) in net.sgs.iter().filter(|(sg, _)| sg.stack == index) {
        for r in &group.ingress {
            if let RulePeer::Sg(from) = &r.peer {
                if r.proto != Proto::Unknown && !may_send(net, from, sg, r.ports) {
                    continue;
                }
            }
            reaches(stack, &peer_text(&r.peer, holders), &who(sg, holders), r, out);
        }
    }
}

/// A load balancer that is a CloudFront origin and admits the whole internet on the origin's ports.
fn cdn_bypass(world: &World<'_, '_>, net: &Net<'_>, i: usize, out: &mut Vec<Access>) {
    let doc = world.doc(i);
    for d in doc.of_type("AWS::CloudFront::Distribution") {
        let config = d.props.get("DistributionConfig");
        for o in doc.list(field(config, "Origins")).unwrap_or_default() {
            if o.get("CustomOriginConfig").is_none() {
                continue;
            }
            let Some(lb_id) = o.get("DomainName").and_then(|v| super::checks::cdn::origin_lb(world, i, v)) else {
                continue;
            };
            let Some(sgs) = net.lbs.get(&lb_id).and_then(|lb| lb.sgs.as_ref()) else { continue };
            let open = |p: &RulePeer<'_>| match p {
                RulePeer::Cidr(n) if n.prefix_len() == 0 => Tri::Yes,
                RulePeer::Cidr6 => Tri::Yes,
                _ => Tri::No,
            };
            for port in [80, 443] {
                let has_listener = net.listeners.iter().any(|l| l.lb == Some(lb_id) && l.port == Some(port));
                let rules = sgs.iter().filter_map(|id| net.sgs.get(id)).flat_map(|sg| sg.ingress.iter());
                if has_listener && Net::covers(rules, (port, port), open) == Tri::Yes {
                    out.push(Access {
                        stack: world.names[lb_id.stack].to_owned(),
                        kind: AccessKind::CdnBypass,
                        subject: format!("load balancer {lb_id}"),
                        verb: "is",
                        predicate: format!("reachable from 0.0.0.0/0 on tcp/{port} without passing {}", d.id),
                    });
                }
            }
        }
    }
}

/// The text of a policy value: a resource of the template by its logical ID,
/// other intrinsic functions as written.
fn resource_text(doc: &Doc<'_>, v: &Value) -> String {
    match doc.resolve(v) {
        V::Str(s) if s == "*" => "every resource (*)".to_owned(),
        V::Str(s) => s.into_owned(),
        V::Ref(id) | V::Att(id, _) => id.to_owned(),
        _ => match crate::diff::security::render(v) {
            Value::String(s) => {
                // `${Table.Arn}/index/*` → `Table (…/index/*)`.
                match s.strip_prefix("${").and_then(|r| r.split_once('}')) {
                    Some((inner, rest)) if !inner.contains("${") => {
                        let id = inner.split('.').next().unwrap_or(inner);
                        if rest.is_empty() {
                            id.to_owned()
                        } else {
                            format!("{id} (…{rest})")
                        }
                    }
                    _ => format!("{s} (cannot tell which resource before deploy)"),
                }
            }
            other => format!("{other} (cannot tell which resource before deploy)"),
        },
    }
}

fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    }
}

/// The task role of each ECS service, and each action it may take on each resource.
fn permissions(stack: &str, doc: &Doc<'_>, out: &mut Vec<Access>) {
    // Role → the policy documents that apply to it.
    let mut docs: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for r in &doc.resources {
        match r.ty {
            "AWS::IAM::Role" => {
                for p in as_list(r.props.get("Policies")) {
                    if let Some(d) = p.get("PolicyDocument") {
                        docs.entry(r.id).or_default().push(d);
                    }
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::IAM::RolePolicy" => {
                let Some(d) = r.props.get("PolicyDocument") else { continue };
                for role in as_list(r.props.get("Roles")).into_iter().chain(as_list(r.props.get("RoleName"))) {
                    if let V::Ref(id) = doc.resolve(role) {
                        docs.entry(id).or_default().push(d);
                    }
                }
            }
            _ => {}
        }
    }
    for s in doc.of_type("AWS::ECS::Service") {
        let Some(td) = doc.target(s.props.get("TaskDefinition"), "AWS::ECS::TaskDefinition") else { continue };
        let Some(td) = doc.res(td) else { continue };
        let subject = format!("task role of service `{}`", service_name(doc, s.id));
        let role = match td.props.get("TaskRoleArn").map(|v| doc.resolve(v)) {
            None => continue,
            Some(V::Ref(id) | V::Att(id, _)) if doc.ty(id) == Some("AWS::IAM::Role") => id,
            Some(_) => {
                out.push(Access {
                    stack: stack.to_owned(),
                    kind: AccessKind::Permission,
                    subject,
                    verb: "may",
                    predicate: "take actions rcdk cannot tell (its role is not in this template)".to_owned(),
                });
                continue;
            }
        };
        for d in docs.get(role).into_iter().flatten() {
            for st in as_list(d.get("Statement")) {
                let Some(st) = st.as_object() else {
                    out.push(Access {
                        stack: stack.to_owned(),
                        kind: AccessKind::Permission,
                        subject: subject.clone(),
                        verb: "may",
                        predicate: "take actions an intrinsic function decides (cannot tell)".to_owned(),
                    });
                    continue;
                };
                if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
                    continue;
                }
                let when = st.get("Condition").map(|c| format!(" (when {c})")).unwrap_or_default();
                let actions: Vec<String> = match st.get("NotAction") {
                    Some(not) => vec![format!(
                        "every action except {}",
                        as_list(Some(not)).iter().map(|a| resource_text(doc, a)).collect::<Vec<_>>().join(", ")
                    )],
                    None => as_list(st.get("Action")).iter().map(|a| resource_text(doc, a)).collect(),
                };
                let resources: Vec<String> = match st.get("NotResource") {
                    Some(not) => vec![format!(
                        "every resource except {}",
                        as_list(Some(not)).iter().map(|a| resource_text(doc, a)).collect::<Vec<_>>().join(", ")
                    )],
                    None => as_list(st.get("Resource")).iter().map(|a| resource_text(doc, a)).collect(),
                };
                for a in &actions {
                    for r in &resources {
                        out.push(Access {
                            stack: stack.to_owned(),
                            kind: AccessKind::Permission,
                            subject: subject.clone(),
                            verb: "may",
                            predicate: format!("`{a}` on {r}{when}"),
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn facts(t: &Value) -> Vec<Access> {
        let doc = Doc::from_json(t, Some("eu-west-1")).expect("template");
        access(&[StackTemplate { name: "s", doc, inputs: vec![], nested_in: None }])
    }

    #[test]
    fn ssh_opened_to_the_world_appears_and_closing_it_disappears() {
        let t = |cidr: &str| {
            json!({"Resources": {
                "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "d", "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": cidr}]}},
                "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"VPCSecurityGroups": [{"Fn::GetAtt": ["Sg", "GroupId"]}]}}}})
        };
        let d = delta(&facts(&t("10.0.0.0/16")), &facts(&t("0.0.0.0/0")));
        let texts: Vec<&str> = d.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "the internet (0.0.0.0/0) can now reach database Db (security group Sg) on tcp/22",
                "addresses in 10.0.0.0/16 can no longer reach database Db (security group Sg) on tcp/22",
            ]
        );
        assert_eq!(d[0].classification, "broadening");
        assert_eq!(d[1].classification, "narrowing");
    }

    #[test]
    fn restricting_egress_narrows_the_path_it_keeps() {
        let t = |egress: Value| {
            json!({"Resources": {
                "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "d", "SecurityGroupEgress": egress}},
                "Svc": {"Type": "AWS::ECS::Service", "Properties": {"ServiceName": "api", "NetworkConfiguration":
                    {"AwsvpcConfiguration": {"SecurityGroups": [{"Fn::GetAtt": ["Sg", "GroupId"]}]}}}}}})
        };
        let open = t(json!([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]));
        let https = t(json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]));
        let d = delta(&facts(&open), &facts(&https));
        let found: Vec<(&str, &str)> = d.iter().map(|c| (c.classification, c.text.as_str())).collect();
        assert_eq!(
            found,
            vec![
                ("narrowing", "service `api` (security group Sg) can now reach the internet (0.0.0.0/0) on tcp/443"),
                (
                    "narrowing",
                    "service `api` (security group Sg) can no longer reach the internet (0.0.0.0/0) on all traffic"
                ),
            ]
        );
        let back = delta(&facts(&https), &facts(&open));
        assert_eq!(back[0].classification, "broadening", "opening egress again is a wider path: {back:?}");
        assert!(covers("tcp/1024-65535", "tcp/5432") && covers("every tcp port", "tcp/443"));
        assert!(!covers("tcp/443", "tcp/80") && !covers("tcp/443", "all traffic"));
    }

    #[test]
    fn a_member_leaving_a_group_is_no_new_path() {
        let t = |with_instance: bool| {
            let mut r = json!({
                "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "d", "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": "10.0.0.0/16"}]}},
                "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"VPCSecurityGroups": [{"Fn::GetAtt": ["Sg", "GroupId"]}]}}});
            if with_instance {
                r["Vm"] = json!({"Type": "AWS::EC2::Instance", "Properties": {"SecurityGroupIds": [{"Ref": "Sg"}]}});
            }
            json!({"Resources": r})
        };
        let d = delta(&facts(&t(true)), &facts(&t(false)));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].change, Appears::Disappears);
        assert_eq!(
            d[0].text,
            "addresses in 10.0.0.0/16 can no longer reach instance Vm (security group Sg) on tcp/5432"
        );
    }

    #[test]
    fn a_task_role_grant_is_a_permission_per_action_and_resource() {
        let t = |actions: Value| {
            json!({"Resources": {
                "Table": {"Type": "AWS::DynamoDB::Table"},
                "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": actions, "Resource": [{"Fn::GetAtt": ["Table", "Arn"]}]}]}}]}},
                "Td": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"TaskRoleArn": {"Fn::GetAtt": ["Role", "Arn"]}}},
                "Svc": {"Type": "AWS::ECS::Service", "Properties": {"ServiceName": "main", "TaskDefinition": {"Ref": "Td"}}}}})
        };
        let d = delta(
            &facts(&t(json!(["dynamodb:GetItem"]))),
            &facts(&t(json!(["dynamodb:GetItem", "dynamodb:DeleteItem"]))),
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].text, "task role of service `main` may now `dynamodb:DeleteItem` on Table");
    }
}
