//! The database: reachable from everything that uses it — security groups
//! and the network ACLs between their subnets, both ways — and from nothing
//! else.
//!
//! What uses a database: an ECS service whose task definition (the
//! containers' environment, secrets, anything) or task or execution role's
//! policies refer to the database or to what carries its address or
//! credentials — a secret attached to it
//! (`AWS::SecretsManager::SecretTargetAttachment`, or the secret its master
//! password resolves from), an RDS proxy in front of it, an SSM parameter or
//! secret whose value names it; and instances (an Auto Scaling group's
//! launch template or configuration, an `AWS::EC2::Instance`) or a Lambda
//! function in a VPC whose properties — user data, environment — or
//! metadata (`AWS::CloudFormation::Init` files) refer to the same.

use std::collections::{HashMap, HashSet};

use ipnet::Ipv4Net;
use serde_json::Value;

use crate::analysis::check::{Scope, Sink};
use crate::analysis::hops::nacl_hop;
use crate::analysis::ip::{Proto, EPHEMERAL_PORTS};
use crate::analysis::model::{mentions, prop, Doc, Res, Tri, V};
use crate::analysis::nacl::Peer as NaclPeer;
use crate::analysis::network::{peer_within, Net, RulePeer, SG, SUBNET};
use crate::analysis::world::{names, Id, World};

/// What uses a database, and where it runs.
struct User<'a> {
    id: Id<'a>,
    /// `service Svc`, `the instances of Asg`, `instance Web`, `function Fn`.
    what: String,
    sgs: Option<Vec<Id<'a>>>,
    subnets: Option<Vec<Id<'a>>>,
}

/// The engine's default port, when the template does not set `Port`.
fn default_port(engine: &str) -> Option<i64> {
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
}

/// The database and every resource of the template that carries its
/// address or credentials.
fn linked<'a>(doc: &Doc<'a>, db: &Res<'a>) -> HashSet<&'a str> {
    let mut ids: HashSet<&'a str> = HashSet::from([db.id]);
    // The secret the master password or user name resolves from.
    for key in ["MasterUserPassword", "MasterUsername"] {
        if let Some(v) = db.props.get(key) {
            for s in doc.of_type("AWS::SecretsManager::Secret") {
                if mentions(v, &HashSet::from([s.id])) {
                    ids.insert(s.id);
                }
            }
        }
    }
    // Two rounds: a secret attached to the database, then what names it.
    for _ in 0..2 {
        let before = ids.len();
        for r in &doc.resources {
            if ids.contains(r.id) {
                continue;
            }
            let names_db = |keys: &[&str]| keys.iter().any(|k| r.props.get(k).is_some_and(|v| mentions(v, &ids)));
            match r.ty {
                "AWS::SecretsManager::SecretTargetAttachment" if names_db(&["TargetId"]) => {
                    if let V::Ref(secret) = prop(doc, r, "SecretId") {
                        ids.insert(secret);
                    }
                }
                "AWS::RDS::DBProxyTargetGroup" if names_db(&["DBInstanceIdentifiers", "DBClusterIdentifiers"]) => {
                    if let V::Ref(proxy) = prop(doc, r, "DBProxyName") {
                        ids.insert(proxy);
                    }
                }
                "AWS::SSM::Parameter" | "AWS::SecretsManager::Secret" | "AWS::RDS::DBProxy"
                    if names_db(&["Value", "SecretString", "Auth"]) =>
                {
                    ids.insert(r.id);
                }
                _ => {}
            }
        }
        if ids.len() == before {
            break;
        }
    }
    ids
}

/// IAM policy documents by the role they apply to: the role's inline
/// policies and every `AWS::IAM::Policy` / `ManagedPolicy` of the template
/// naming it (or listed in its `ManagedPolicyArns`).
fn role_policies<'a>(doc: &Doc<'a>) -> HashMap<&'a str, Vec<&'a Value>> {
    let mut out: HashMap<&'a str, Vec<&'a Value>> = HashMap::new();
    for r in &doc.resources {
        match r.ty {
            "AWS::IAM::Role" => {
                if let Some(p) = r.props.get("Policies") {
                    out.entry(r.id).or_default().push(p);
                }
                for arn in doc.list(r.props.get("ManagedPolicyArns")).unwrap_or_default() {
                    if let V::Ref(p) = doc.resolve(arn) {
                        if let Some(doc_v) = doc.res(p).and_then(|p| p.props.get("PolicyDocument")) {
                            out.entry(r.id).or_default().push(doc_v);
                        }
                    }
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let Some(policy) = r.props.get("PolicyDocument") else { continue };
                for role in doc.list(r.props.get("Roles")).unwrap_or_default() {
                    if let V::Ref(role) = doc.resolve(role) {
                        out.entry(role).or_default().push(policy);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether task definition `td` uses what `ids` names.
fn uses(doc: &Doc<'_>, td: &Res<'_>, ids: &HashSet<&str>, policies: &HashMap<&str, Vec<&Value>>) -> bool {
    if td.props.get("ContainerDefinitions").is_some_and(|c| mentions(c, ids)) {
        return true;
    }
    ["ExecutionRoleArn", "TaskRoleArn"].iter().any(|k| match prop(doc, td, k) {
        V::Ref(role) | V::Att(role, _) => policies.get(role).is_some_and(|list| list.iter().any(|p| mentions(p, ids))),
        _ => false,
    })
}

/// Whether resource `r` — instances, a launch template, a function —
/// names what `ids` names in its properties or metadata.
fn reads(r: &Res<'_>, ids: &HashSet<&str>) -> bool {
    r.props.values().any(|v| mentions(v, ids)) || r.metadata.is_some_and(|m| mentions(m, ids))
}

/// The database and what carries its address or credentials, in each stack:
/// its own stack's resources, and the parameters other stacks are given
/// from them (a nested stack's, an input).
fn linked_everywhere<'a>(world: &World<'_, 'a>, db: Id<'a>) -> HashMap<usize, HashSet<&'a str>> {
    let mut out: HashMap<usize, HashSet<&'a str>> = HashMap::new();
    if let Some(r) = world.res(db) {
        out.insert(db.stack, linked(world.doc(db.stack), r));
    }
    for _ in 0..world.docs.len().min(4) {
        let mut more: Vec<(usize, &'a str)> = Vec::new();
        for (&(c, param), &(p, v)) in world.given() {
            if out.get(&p).is_some_and(|ids| mentions(v, ids)) && !out.get(&c).is_some_and(|ids| ids.contains(param)) {
                more.push((c, param));
            }
        }
        if more.is_empty() {
            break;
        }
        for (c, param) in more {
            out.entry(c).or_default().insert(param);
        }
    }
    out
}

/// What uses the database whose linked resources (per stack) are `linked`.
fn users<'a>(scope: &Scope<'_, '_, 'a>, linked: &HashMap<usize, HashSet<&'a str>>) -> Vec<User<'a>> {
    let (world, net) = (scope.world, scope.net());
    let mut out = Vec::new();
    let mut policies: HashMap<usize, HashMap<&'a str, Vec<&'a Value>>> = HashMap::new();
    for s in &net.services {
        let Some(td) = s.task_def else { continue };
        let (Some(ids), Some(r)) = (linked.get(&td.stack), world.res(td)) else { continue };
        let doc = world.doc(td.stack);
        let policies = policies.entry(td.stack).or_insert_with(|| role_policies(doc));
        if uses(doc, r, ids, policies) {
            out.push(User {
                id: s.id,
                what: format!("service {}", s.id),
                sgs: s.sgs.clone(),
                subnets: s.subnets.clone(),
            });
        }
    }
    for a in &net.asgs {
        let Some(launch) = a.launch else { continue };
        let (Some(ids), Some(r)) = (linked.get(&launch.stack), world.res(launch)) else { continue };
        if reads(r, ids) {
            let sgs = a.sgs.clone().filter(|s| !s.is_empty());
            out.push(User { id: a.id, what: format!("the instances of {}", a.id), sgs, subnets: a.subnets.clone() });
        }
    }
    for (&id, i) in &net.instances {
        let (Some(ids), Some(r)) = (linked.get(&id.stack), world.res(id)) else { continue };
        if reads(r, ids) {
            let sgs = i.sgs.clone().filter(|s| !s.is_empty());
            out.push(User { id, what: format!("instance {id}"), sgs, subnets: i.subnets.clone() });
        }
    }
    for (s, ids) in linked {
        let doc = world.doc(*s);
        for r in doc.resources.iter().filter(|r| r.ty == "AWS::Lambda::Function" || r.ty == "AWS::Serverless::Function")
        {
            let Some(vpc) = r.props.get("VpcConfig") else { continue };
            if reads(r, ids) {
                let id = Id { stack: *s, name: r.id };
                let sgs = world.ids(*s, vpc.get("SecurityGroupIds"), SG).filter(|v| !v.is_empty());
                let subnets = world.ids(*s, vpc.get("SubnetIds"), SUBNET);
                out.push(User { id, what: format!("function {id}"), sgs, subnets });
            }
        }
    }
    out.sort_by_key(|u| u.id);
    out
}

/// Runs the database checks of the stack's template.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let doc = scope.doc();
    let dbs: Vec<&Res<'_>> = doc
        .resources
        .iter()
        .filter(|r| r.ty == "AWS::RDS::DBCluster" || r.ty == "AWS::RDS::DBInstance")
        .filter(|r| r.ty == "AWS::RDS::DBCluster" || r.props.get("DBClusterIdentifier").is_none())
        .collect();
    if dbs.is_empty() {
        return;
    }
    let net = scope.net();
    // Security groups of admin hosts (EC2 instances, such as the bastion):
    // reaching the database from one is deliberate.
    let admin: HashSet<Id<'_>> = net.instances.values().flat_map(|i| i.sgs.iter().flatten().copied()).collect();
    for db in dbs {
        let id = Id { stack: scope.index, name: db.id };
        let linked = linked_everywhere(scope.world, id);
        let users = users(scope, &linked);
        check_one(scope, db, &users, &admin, sink);
    }
}

fn check_one<'a>(
    scope: &Scope<'_, '_, 'a>,
    db: &Res<'a>,
    users: &[User<'a>],
    admin: &HashSet<Id<'a>>,
    sink: &mut Sink<'_>,
) {
    let (world, net, s) = (scope.world, scope.net(), scope.index);
    let doc = world.doc(s);
    // An instance's `VPCSecurityGroups`, a cluster's `VpcSecurityGroupIds`.
    let groups = db.props.get("VPCSecurityGroups").or_else(|| db.props.get("VpcSecurityGroupIds"));
    let Some(sgs) = world.ids(s, groups, SG).filter(|v| !v.is_empty()) else {
        let at = Id { stack: s, name: db.id };
        let why = match groups {
            None => "it has no VPC security groups of its own (it uses the VPC's default group)".to_owned(),
            v => world.why(s, v),
        };
        sink.unknown(at, format!("→ database {}", db.id), &format!("its security groups: {why}"));
        return;
    };
    let port = prop(doc, db, "Port").as_i64().or_else(|| prop(doc, db, "Engine").as_str().and_then(default_port));
    let admits_port = |ports: Option<(i64, i64)>, proto: Proto| match (proto, port, ports) {
        (Proto::Other, _, _) => false,
        (_, Some(p), Some((lo, hi))) => lo <= p && p <= hi,
        _ => true,
    };
    // Who the database admits, against who uses it.
    let user_sgs: HashSet<Id<'_>> = users.iter().flat_map(|u| u.sgs.iter().flatten().copied()).collect();
    let users_known = users.iter().all(|u| u.sgs.is_some());
    let user_cidrs: Vec<Ipv4Net> = users.iter().filter_map(|u| net.cidrs(u.subnets.as_ref())).flatten().collect();
    let mut open = false;
    let mut others: Vec<String> = Vec::new();
    // Where the first rule admitting others is: its own resource, or the database's group.
    let mut at: Option<Id<'_>> = None;
    for r in net.ingress_of(&sgs) {
        if !admits_port(r.ports, r.proto) || r.maybe {
            continue;
        }
        match &r.peer {
            RulePeer::Cidr(n) if n.prefix_len() == 0 => open = true,
            RulePeer::Cidr6 => open = true,
            RulePeer::Sg(id) if sgs.contains(id) || user_sgs.contains(id) || admin.contains(id) => {}
            RulePeer::Sg(id) if users_known => {
                if let Some(what) = holder(net, *id) {
                    others.push(format!("security group {id} ({what})"));
                    at = at.or(r.id);
                }
            }
            RulePeer::Cidr(n) => {
                // A network holding subnets of the stacks where nothing using the database runs.
                let mut extra: Vec<Id<'_>> = net
                    .subnet_cidrs
                    .iter()
                    .filter_map(|(id, c)| c.map(|c| (*id, c)))
                    .filter(|(_, c)| n.contains(c) && !user_cidrs.iter().any(|u| u.contains(c)))
                    .map(|(id, _)| id)
                    .collect();
                // With no user in the stacks, what uses it is elsewhere: cannot tell.
                if users_known && !users.is_empty() && !extra.is_empty() {
                    extra.sort_unstable();
                    others.push(format!("{n} (which holds subnet(s) {}, where nothing using it runs)", names(&extra)));
                    at = at.or(r.id);
                }
            }
            _ => {}
        }
    }
    if open {
        sink.report_at(
            Code::DatabaseOpen,
            sgs[0],
            format!("database {}: its security group {} admits 0.0.0.0/0", db.id, sgs[0]),
            "admit only the security groups of what uses it".into(),
        );
    }
    if !others.is_empty() {
        let users_text = if users.is_empty() {
            "nothing in the templates uses it".to_owned()
        } else {
            let what: Vec<&str> = users.iter().map(|u| u.what.as_str()).collect();
            format!("only {} use it", what.join(", "))
        };
        sink.report_at(
            Code::DatabaseAdmitsOthers,
            at.unwrap_or(sgs[0]),
            format!(
                "database {}: its security groups ({}) admit {}, and {users_text}: the database must be reachable from what \
                 uses it and nothing else",
                db.id,
                names(&sgs),
                others.join(", ")
            ),
            "remove those ingress rules, and admit the security groups of what uses the database".into(),
        );
    }
    let Some(port) = port else { return };
    let db_subnets = match prop(doc, db, "DBSubnetGroupName") {
        V::Ref(group) => doc.res(group).and_then(|g| world.ids(s, g.props.get("SubnetIds"), SUBNET)),
        _ => None,
    };
    let db_cidrs = net.cidrs(db_subnets.as_ref());
    let mut seen_nacl: HashSet<(Id<'_>, Id<'_>)> = HashSet::new();
    for u in users {
        let Some(task_sgs) = u.sgs.as_ref() else {
            sink.unknown(u.id, format!("{} → database {}", u.what, db.id), "its security groups cannot be told");
            continue;
        };
        let task_cidrs = net.cidrs(u.subnets.as_ref());
        let from = |p: &RulePeer<'_>| peer_within(p, task_sgs, task_cidrs.as_deref());
        if Net::covers(net.ingress_of(&sgs), (port, port), from) == Tri::No {
            sink.report_at(
                Code::DatabaseUnreachable,
                sgs[0],
                format!(
                    "{} → database {}: it reads the database's address or credentials, and the database's security groups \
                     ({}) do not admit its security groups ({}) on port {port}",
                    u.what,
                    db.id,
                    names(&sgs),
                    names(task_sgs)
                ),
                format!("add an AWS::EC2::SecurityGroupIngress on {} for TCP {port} from {}", sgs[0], task_sgs[0]),
            );
            continue;
        }
        let to_db = |p: &RulePeer<'_>| peer_within(p, &sgs, db_cidrs.as_deref());
        if net.restricts_egress(task_sgs) && Net::covers(net.egress_of(task_sgs), (port, port), to_db) == Tri::No {
            sink.report_at(
                Code::DatabaseUnreachable,
                task_sgs[0],
                format!(
                    "{} → database {}: its security groups ({}) restrict egress and none lets it out to the database on \
                     port {port}",
                    u.what,
                    db.id,
                    names(task_sgs)
                ),
                format!(
                    "add an AWS::EC2::SecurityGroupEgress on {} for TCP {port} with DestinationSecurityGroupId {}",
                    task_sgs[0], sgs[0]
                ),
            );
            continue;
        }
        // The network ACLs between the user's and the database's subnets, both ways.
        let (Some(from_subnets), Some(to_subnets)) = (u.subnets.as_ref(), db_subnets.as_ref()) else { continue };
        let peer_of = |x: Id<'_>| match net.subnet_cidrs.get(&x).copied().flatten() {
            Some(n) => NaclPeer::Net(n),
            None => NaclPeer::Unknown,
        };
        'pairs: for &fs in from_subnets {
            for &ds in to_subnets {
                let (fa, da) = (net.nacls.of(fs), net.nacls.of(ds));
                if (fa.is_none() && da.is_none()) || (fa == da && fs == ds) {
                    continue;
                }
                if !seen_nacl.insert((fa.unwrap_or(fs), da.unwrap_or(ds))) {
                    continue;
                }
                let hop = format!("{} (subnet {fs}) → database {} (subnet {ds}, port {port})", u.what, db.id);
                let back = format!("database {} (subnet {ds}) → {} (subnet {fs}), return traffic", db.id, u.what);
                let ok = fa.is_none_or(|a| nacl_hop(net, sink, a, true, (port, port), peer_of(ds), &hop))
                    && da.is_none_or(|a| nacl_hop(net, sink, a, false, (port, port), peer_of(fs), &hop))
                    && da.is_none_or(|a| nacl_hop(net, sink, a, true, EPHEMERAL_PORTS, peer_of(fs), &back))
                    && fa.is_none_or(|a| nacl_hop(net, sink, a, false, EPHEMERAL_PORTS, peer_of(ds), &back));
                if !ok {
                    break 'pairs;
                }
            }
        }
    }
}

/// What in the stacks holds security group `id` (a load balancer, a
/// service, instances, a function), when anything does — and when it can be
/// told that it does not use the database: ECS container instances on
/// which no service of the stacks runs may run another stack's services.
fn holder(net: &Net<'_>, id: Id<'_>) -> Option<String> {
    let lb = net.lbs.iter().filter(|(_, lb)| lb.sgs.as_ref().is_some_and(|s| s.contains(&id))).map(|(lb, _)| *lb).min();
    if let Some(lb) = lb {
        return Some(format!("load balancer {lb}"));
    }
    if let Some(s) = net.services.iter().find(|s| s.sgs.as_ref().is_some_and(|g| g.contains(&id))) {
        return Some(format!("service {}, which does not use the database", s.id));
    }
    let (i, a) = net.asgs.iter().enumerate().find(|(_, a)| a.sgs.as_ref().is_some_and(|g| g.contains(&id)))?;
    let runs_services = net.runs_services[i];
    if runs_services {
        Some(format!("the instances of {}, running no service that uses the database", a.id))
    } else if a.ecs {
        // Its services are in another stack, or not given: cannot tell.
        None
    } else {
        Some(format!("the instances of {}, which do not use the database", a.id))
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        DatabaseAdmitsOthers => error("net:database-admits-others") {
            title: "the database admits a security group only something else holds, or a network holding subnets where none of its users runs",
            explanation: "An ingress rule of the database's security groups admits, on the database port, a security \
         group that only something else holds (the load balancer, a service that does not use the \
         database, instances that do not), or a network holding subnets where nothing using the \
         database runs (such as the VPC's whole CIDR, public subnets included). What uses the database: \
         an ECS service whose task definition or roles refer to the database, a secret attached to it, \
         an RDS proxy in front of it, or a parameter or secret naming it; and instances (an Auto \
         Scaling group's launch template or configuration, an EC2 instance) or a Lambda function in the \
         VPC whose properties (user data, environment) or metadata (`AWS::CloudFormation::Init`) refer \
         to the same. ECS container instances whose services are in another stack cannot be told, and \
         are not reported. Remove the rule; in an app file, link each service that needs the database \
         with `database: true`, which admits it. Admin hosts (EC2 instances, such as the bastion) may \
         be admitted.",
        },
        DatabaseOpen => error("net:database-open") {
            formerly: ["net-database-open"],
            title: "the database admits `0.0.0.0/0`",
            explanation: "A security group of the database admits `0.0.0.0/0` (or `::/0`) on the database port. The \
         database should admit only the services that use it: remove the open rule; rcdk already \
         admits each service linked with `database:`.",
        },
        DatabaseUnreachable => error("net:database-unreachable") {
            formerly: ["net-database-unreachable"],
            title: "what uses the database (a service, instances, a function) is not admitted by it (or its restricted egress does not reach it)",
            explanation: "A service, instances or a function that use the database (they get its endpoint or \
         credentials) run in a security group that no ingress rule of the database's security groups \
         admits on the database port (or their own restricted egress does not let them out to it), so \
         their connections time out. Admit their security group on the port; in an app file, link the \
         service with `database:` so rcdk adds the rule.",
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::analysis::{analyze, Doc, StackTemplate};

    /// A database, a service in its own security group, and `extra` resources.
    fn template(container: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
        let mut t = json!({"Resources": {
            "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres",
                "VPCSecurityGroups": [{"Fn::GetAtt": ["DbSg", "GroupId"]}]}},
            "DbSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "db"}},
            "TaskSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "tasks"}},
            "Td": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"NetworkMode": "awsvpc",
                "ContainerDefinitions": [container], "ExecutionRoleArn": {"Fn::GetAtt": ["Exec", "Arn"]}}},
            "Exec": {"Type": "AWS::IAM::Role", "Properties": {}},
            "Svc": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "Td"},
                "NetworkConfiguration": {"AwsvpcConfiguration": {"SecurityGroups": [{"Ref": "TaskSg"}]}}}}
        }});
        for (k, v) in extra.as_object().expect("map") {
            t["Resources"][k] = v.clone();
        }
        t
    }

    fn codes_of(t: &serde_json::Value) -> Vec<&'static str> {
        let doc = Doc::from_json(t, None).expect("template");
        analyze(&[StackTemplate { name: "t", doc, inputs: vec![], nested_in: None }])
            .into_iter()
            .map(|f| f.code.as_str())
            .collect()
    }

    #[test]
    fn a_service_uses_the_database_through_what_carries_its_credentials() {
        let secret = json!({"Type": "AWS::SecretsManager::Secret", "Properties": {}});
        let attach = json!({"Type": "AWS::SecretsManager::SecretTargetAttachment", "Properties": {
            "SecretId": {"Ref": "Creds"}, "TargetId": {"Ref": "Db"}, "TargetType": "AWS::RDS::DBInstance"}});
        let reads_secret = json!({"Name": "app", "Secrets": [{"Name": "DB", "ValueFrom": {"Ref": "Creds"}}]});
        // Through an attached secret.
        let t = template(reads_secret.clone(), json!({"Creds": secret, "Attach": attach}));
        assert_eq!(codes_of(&t), vec!["net:database-unreachable"]);
        // The same service naming its task definition by `Fn::GetAtt`.
        let mut by_arn = t.clone();
        by_arn["Resources"]["Svc"]["Properties"]["TaskDefinition"] = json!({"Fn::GetAtt": ["Td", "TaskDefinitionArn"]});
        assert_eq!(codes_of(&by_arn), vec!["net:database-unreachable"]);
        // Through a proxy in front of the database.
        let proxied = json!({"Name": "app", "Environment": [{"Name": "DB_HOST", "Value": {"Fn::GetAtt": ["Proxy", "Endpoint"]}}]});
        let t = template(
            proxied,
            json!({"Proxy": {"Type": "AWS::RDS::DBProxy", "Properties": {}},
                "Targets": {"Type": "AWS::RDS::DBProxyTargetGroup", "Properties": {
                    "DBProxyName": {"Ref": "Proxy"}, "TargetGroupName": "default", "DBInstanceIdentifiers": [{"Ref": "Db"}]}}}),
        );
        assert_eq!(codes_of(&t), vec!["net:database-unreachable"]);
        // Through the execution role's permission to read the master secret.
        let policy = json!({"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "Roles": [{"Ref": "Exec"}],
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                "Resource": {"Fn::GetAtt": ["Db", "MasterUserSecret.SecretArn"]}}]}}});
        let t = template(json!({"Name": "app"}), json!({"Policy": policy}));
        assert_eq!(codes_of(&t), vec!["net:database-unreachable"]);
        // A service that reads nothing of the database is not its user.
        assert_eq!(codes_of(&template(json!({"Name": "app"}), json!({}))), Vec::<&str>::new());
        // Admitted: no finding.
        let admit = json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["DbSg", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
            "SourceSecurityGroupId": {"Fn::GetAtt": ["TaskSg", "GroupId"]}}});
        let t = template(reads_secret, json!({"Creds": secret, "Attach": attach, "Admit": admit}));
        assert_eq!(codes_of(&t), Vec::<&str>::new());
    }
}
