//! The database: reachable from every ECS service that uses it — security
//! groups and the network ACLs between their subnets, both ways — and from
//! nothing else.
//!
//! A service uses a database when its task definition (the containers'
//! environment, secrets, anything) or its task or execution role's policies
//! refer to the database or to what carries its address or credentials: a
//! secret attached to it (`AWS::SecretsManager::SecretTargetAttachment`, or
//! the secret its master password resolves from), an RDS proxy in front of
//! it, an SSM parameter or secret whose value names it.

use std::collections::{HashMap, HashSet};

use ipnet::Ipv4Net;
use serde_json::Value;

use crate::analysis::check::{Scope, Sink};
use crate::analysis::hops::nacl_hop;
use crate::analysis::ip::{Proto, EPHEMERAL_PORTS};
use crate::analysis::model::{prop, Doc, Res, V};
use crate::analysis::nacl::Peer as NaclPeer;
use crate::analysis::network::{network_mode, peer_within, sg_ids, subnet_ids, Net, RulePeer, Tri};

/// An ECS service and where its tasks run.
struct Service<'r, 'a> {
    res: &'r Res<'a>,
    task_def: Option<&'r Res<'a>>,
    sgs: Option<Vec<&'a str>>,
    subnets: Option<Vec<&'a str>>,
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

/// Whether `v` refers to one of `ids` anywhere: `Ref`, `Fn::GetAtt`, or
/// `${id}` / `${id.Attribute}` in an `Fn::Sub` string.
pub(crate) fn mentions(v: &Value, ids: &HashSet<&str>) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| {
            (k == "Ref" && x.as_str().is_some_and(|s| ids.contains(s)))
                || (k == "Fn::GetAtt"
                    && (x.get(0).and_then(Value::as_str).is_some_and(|s| ids.contains(s))
                        || x.as_str().is_some_and(|s| s.split('.').next().is_some_and(|id| ids.contains(id)))))
                || (k == "Fn::Sub" && sub_mentions(x, ids))
                || mentions(x, ids)
        }),
        Value::Array(a) => a.iter().any(|x| mentions(x, ids)),
        _ => false,
    }
}

/// `${Name}` / `${Name.Attribute}` placeholders of an `Fn::Sub` naming one of `ids`.
fn sub_mentions(x: &Value, ids: &HashSet<&str>) -> bool {
    let text = match x {
        Value::String(s) => s.as_str(),
        Value::Array(a) => match a.first().and_then(Value::as_str) {
            Some(s) => s,
            None => return false,
        },
        _ => return false,
    };
    text.split("${").skip(1).any(|rest| {
        let name = rest.split('}').next().unwrap_or_default();
        let name = name.split('.').next().unwrap_or_default();
        ids.contains(name)
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

/// Whether service `s` uses what `ids` names.
fn uses(doc: &Doc<'_>, s: &Service<'_, '_>, ids: &HashSet<&str>, policies: &HashMap<&str, Vec<&Value>>) -> bool {
    let Some(td) = s.task_def else { return false };
    if td.props.get("ContainerDefinitions").is_some_and(|c| mentions(c, ids)) {
        return true;
    }
    ["ExecutionRoleArn", "TaskRoleArn"].iter().any(|k| match prop(doc, td, k) {
        V::Ref(role) | V::Att(role, _) => policies.get(role).is_some_and(|list| list.iter().any(|p| mentions(p, ids))),
        _ => false,
    })
}

/// Runs the database checks of the stack's template.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let net = scope.net();
    let doc = net.doc;
    let dbs: Vec<&Res<'_>> = doc
        .resources
        .iter()
        .filter(|r| r.ty == "AWS::RDS::DBCluster" || r.ty == "AWS::RDS::DBInstance")
        .filter(|r| r.ty == "AWS::RDS::DBCluster" || r.props.get("DBClusterIdentifier").is_none())
        .collect();
    if dbs.is_empty() {
        return;
    }
    let services: Vec<Service<'_, '_>> = doc
        .of_type("AWS::ECS::Service")
        .map(|s| {
            // `Ref` or `Fn::GetAtt ... TaskDefinitionArn`, as the other hops read it.
            let task_def =
                doc.target(s.props.get("TaskDefinition"), "AWS::ECS::TaskDefinition").and_then(|td| doc.res(td));
            let (sgs, subnets) = match task_def.and_then(|td| network_mode(doc, s, td)) {
                Some(mode) => net.placement(s, &mode),
                None => (None, None),
            };
            Service { res: s, task_def, sgs, subnets }
        })
        .collect();
    let policies = role_policies(doc);
    // Security groups of admin hosts (EC2 instances, such as the bastion):
    // reaching the database from one is deliberate.
    let admin: HashSet<&str> = doc
        .of_type("AWS::EC2::Instance")
        .flat_map(|i| {
            let mut sgs = sg_ids(doc, i.props.get("SecurityGroupIds")).unwrap_or_default();
            for nic in doc.list(i.props.get("NetworkInterfaces")).unwrap_or_default() {
                sgs.extend(sg_ids(doc, nic.get("GroupSet")).unwrap_or_default());
            }
            sgs
        })
        .collect();
    for db in dbs {
        check_one(net, db, &services, &policies, &admin, sink);
    }
}

fn check_one(
    net: &Net<'_, '_>,
    db: &Res<'_>,
    services: &[Service<'_, '_>],
    policies: &HashMap<&str, Vec<&Value>>,
    admin: &HashSet<&str>,
    sink: &mut Sink<'_>,
) {
    let doc = net.doc;
    let Some(sgs) = sg_ids(doc, db.props.get("VPCSecurityGroups")).filter(|s| !s.is_empty()) else { return };
    let port = prop(doc, db, "Port").as_i64().or_else(|| prop(doc, db, "Engine").as_str().and_then(default_port));
    let ids = linked(doc, db);
    let users: Vec<&Service<'_, '_>> = services.iter().filter(|s| uses(doc, s, &ids, policies)).collect();
    let admits_port = |ports: Option<(i64, i64)>, proto: Proto| match (proto, port, ports) {
        (Proto::Other, _, _) => false,
        (_, Some(p), Some((lo, hi))) => lo <= p && p <= hi,
        _ => true,
    };
    // Who the database admits, against who uses it.
    let user_sgs: HashSet<&str> = users.iter().flat_map(|s| s.sgs.iter().flatten().copied()).collect();
    let users_known = users.iter().all(|s| s.sgs.is_some());
    let user_cidrs: Vec<Ipv4Net> = users.iter().filter_map(|s| net.cidrs(s.subnets.as_ref())).flatten().collect();
    let mut open = false;
    let mut others: Vec<String> = Vec::new();
    // Where the first rule admitting others is: its own resource, or the database's group.
    let mut at: Option<&str> = None;
    for r in net.ingress_of(&sgs) {
        if !admits_port(r.ports, r.proto) {
            continue;
        }
        match &r.peer {
            RulePeer::Cidr(n) if n.prefix_len() == 0 => open = true,
            RulePeer::Cidr6 => open = true,
            RulePeer::Sg(id) if sgs.contains(id) || user_sgs.contains(id) || admin.contains(id) => {}
            RulePeer::Sg(id) if users_known => {
                if let Some(what) = holder(net, services, id) {
                    others.push(format!("security group {id} ({what})"));
                    at = at.or(r.id);
                }
            }
            RulePeer::Cidr(n) => {
                // A network holding subnets of the template where no user of the database runs.
                let extra: Vec<&str> = net
                    .subnet_cidrs
                    .iter()
                    .filter_map(|(id, c)| c.map(|c| (*id, c)))
                    .filter(|(_, c)| n.contains(c) && !user_cidrs.iter().any(|u| u.contains(c)))
                    .map(|(id, _)| id)
                    .collect();
                if users_known && !extra.is_empty() {
                    let mut extra = extra;
                    extra.sort_unstable();
                    others.push(format!(
                        "{n} (which holds subnet(s) {}, where no service using it runs)",
                        extra.join(", ")
                    ));
                    at = at.or(r.id);
                }
            }
            _ => {}
        }
    }
    if open {
        sink.report(
            Code::DatabaseOpen,
            sgs[0],
            format!("database {}: its security group {} admits 0.0.0.0/0", db.id, sgs[0]),
            "admit only the security groups of the services that use it".into(),
        );
    }
    if !others.is_empty() {
        let users_text = if users.is_empty() {
            "no service uses it".to_owned()
        } else {
            let names: Vec<&str> = users.iter().map(|s| s.res.id).collect();
            format!("only {} use it", names.join(", "))
        };
        sink.report(
            Code::DatabaseAdmitsOthers,
            at.unwrap_or(sgs[0]),
            format!(
                "database {}: its security groups ({}) admit {}, and {users_text}: the database must be reachable from the \
                 services that use it and nothing else",
                db.id,
                sgs.join(", "),
                others.join(", ")
            ),
            "remove those ingress rules (a service that needs the database: link it with `database: true`, which admits it)"
                .into(),
        );
    }
    let Some(port) = port else { return };
    let db_subnets = match prop(doc, db, "DBSubnetGroupName") {
        V::Ref(group) => doc.res(group).and_then(|g| subnet_ids(doc, g.props.get("SubnetIds"))),
        _ => None,
    };
    let db_cidrs = net.cidrs(db_subnets.as_ref());
    let mut seen_nacl: HashSet<(&str, &str)> = HashSet::new();
    for s in users {
        let Some(task_sgs) = s.sgs.as_ref() else { continue };
        let task_cidrs = net.cidrs(s.subnets.as_ref());
        let from = |p: &RulePeer<'_>| peer_within(p, task_sgs, task_cidrs.as_deref());
        if Net::covers(net.ingress_of(&sgs), (port, port), from) == Tri::No {
            sink.report(
                Code::DatabaseUnreachable,
                sgs[0],
                format!(
                    "service {} → database {}: the service reads the database's address or credentials, and the database's \
                     security groups ({}) do not admit the service's security groups ({}) on port {port}",
                    s.res.id,
                    db.id,
                    sgs.join(", "),
                    task_sgs.join(", ")
                ),
                format!("add an AWS::EC2::SecurityGroupIngress on {} for TCP {port} from {}", sgs[0], task_sgs[0]),
            );
            continue;
        }
        let all_restricted = task_sgs.iter().all(|id| net.sgs.get(id).is_some_and(|sg| sg.restricted_egress));
        if all_restricted {
            let egress = task_sgs.iter().filter_map(|id| net.sgs.get(id)).flat_map(|sg| sg.egress.iter());
            if Net::covers(egress, (port, port), |p| peer_within(p, &sgs, db_cidrs.as_deref())) == Tri::No {
                sink.report(
                    Code::DatabaseUnreachable,
                    task_sgs[0],
                    format!(
                        "service {} → database {}: the service's security groups ({}) restrict egress and none lets it out \
                         to the database on port {port}",
                        s.res.id,
                        db.id,
                        task_sgs.join(", ")
                    ),
                    format!(
                        "add an AWS::EC2::SecurityGroupEgress on {} for TCP {port} with DestinationSecurityGroupId {}",
                        task_sgs[0], sgs[0]
                    ),
                );
                continue;
            }
        }
        // The network ACLs between the service's and the database's subnets, both ways.
        let (Some(from_subnets), Some(to_subnets)) = (s.subnets.as_ref(), db_subnets.as_ref()) else { continue };
        let peer_of = |x: &str| match net.subnet_cidrs.get(x).copied().flatten() {
            Some(n) => NaclPeer::Net(n),
            None => NaclPeer::Unknown,
        };
        'pairs: for fs in from_subnets {
            for ds in to_subnets {
                let (fa, da) = (net.nacls.of(fs), net.nacls.of(ds));
                if (fa.is_none() && da.is_none()) || (fa == da && fs == ds) {
                    continue;
                }
                if !seen_nacl.insert((fa.unwrap_or(fs), da.unwrap_or(ds))) {
                    continue;
                }
                let hop = format!("service {} (subnet {fs}) → database {} (subnet {ds}, port {port})", s.res.id, db.id);
                let back =
                    format!("database {} (subnet {ds}) → service {} (subnet {fs}), return traffic", db.id, s.res.id);
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

/// What in the template holds security group `id` (a load balancer, a
/// service that does not use the database, instances), when anything does.
fn holder(net: &Net<'_, '_>, services: &[Service<'_, '_>], id: &str) -> Option<String> {
    let lb = net.lbs.iter().filter(|(_, lb)| lb.sgs.as_ref().is_some_and(|s| s.contains(&id))).map(|(lb, _)| *lb).min();
    if let Some(lb) = lb {
        return Some(format!("load balancer {lb}"));
    }
    if let Some(s) = services.iter().find(|s| s.sgs.as_ref().is_some_and(|g| g.contains(&id))) {
        return Some(format!("service {}, which does not use the database", s.res.id));
    }
    if let Some(a) = net.asgs.iter().find(|a| a.sgs.as_ref().is_some_and(|g| g.contains(&id))) {
        return Some(format!("the instances of {}, running no service that uses the database", a.id));
    }
    None
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        DatabaseAdmitsOthers => error("net:database-admits-others") {
            title: "the database admits a security group only something else holds, or a network holding subnets where none of its users runs",
            explanation: "An ingress rule of the database's security groups admits, on the database port, a security \
         group that only something else holds (the load balancer, a service that does not use the \
         database, instances running none that does), or a network holding subnets where no service \
         using the database runs (such as the VPC's whole CIDR, public subnets included). A service \
         uses the database when its task definition or its roles refer to the database, a secret \
         attached to it, an RDS proxy in front of it, or a parameter or secret naming it. Remove the \
         rule; link each service that needs the database with `database: true`, which admits it. \
         Admin hosts (EC2 instances, such as the bastion) may be admitted.",
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
            title: "a service that uses the database is not admitted by it (or its restricted egress does not reach it)",
            explanation: "A service linked to the database (it gets its endpoint and credentials) runs in a security \
         group that no ingress rule of the database's security groups admits on the database port, so \
         its connections time out. Admit the service's security group on the port, or link it with \
         `database:` so rcdk adds the rule.",
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
        analyze(&[StackTemplate { name: "t", doc, inputs: vec![] }]).into_iter().map(|f| f.code.as_str()).collect()
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
