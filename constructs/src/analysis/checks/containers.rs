//! The last hop of the load-balanced path: target group → the container.
//!
//! An ECS service's `LoadBalancers[]` binding names a container and a
//! container port; ECS refuses the service (mid-deploy) unless the task
//! definition has a container of that name mapping that port. The target
//! group's `TargetType` must also fit the task definition's network mode:
//! `awsvpc` tasks register their own network interface (`ip` targets),
//! `bridge` and `host` tasks register their instance (`instance` targets).
//!
//! Values only known at deployment (a parameter, a condition) are "cannot
//! tell", never an error.

use serde_json::Value;

use crate::analysis::check::{Scope, Sink};
use crate::analysis::model::{Doc, Res, V};
use crate::analysis::network::{network_mode, TARGET_GROUP};
use crate::analysis::world::{Id, World};

/// Checks every load-balancer binding of every ECS service of the stack.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let (world, i) = (scope.world, scope.index);
    let doc = scope.doc();
    for s in doc.of_type("AWS::ECS::Service") {
        // `Ref` or `Fn::GetAtt ... TaskDefinitionArn`, to a task definition of the stacks.
        let Some(td_id) = world.target(i, s.props.get("TaskDefinition"), "AWS::ECS::TaskDefinition") else { continue };
        let Some(td) = world.res(td_id) else { continue };
        let Some(bindings) = doc.list(s.props.get("LoadBalancers")) else { continue };
        let mode = network_mode(world, i, s, td_id.stack, td);
        for b in bindings {
            let tg = world.target(i, b.get("TargetGroupArn"), TARGET_GROUP);
            check_container(doc, world.doc(td_id.stack), s, td, b, tg.map(|t| t.name), sink);
            if let (Some(tg), Some(mode)) = (tg, mode.as_deref()) {
                check_target_type(world, s, td, tg, mode, sink);
            }
        }
    }
}

/// What a task definition's container maps, as far as it can be told.
enum Mapped {
    /// A mapping covers the port.
    Yes,
    /// No mapping covers it; the ports it maps.
    No(Vec<String>),
    /// A mapping (or the list) is not known before deployment.
    Unknown,
}

/// Whether `container`'s `PortMappings` cover `port`.
fn maps(doc: &Doc<'_>, container: &Value, port: i64) -> Mapped {
    let Some(mappings) = doc.list(container.get("PortMappings")) else { return Mapped::Unknown };
    let mut seen = Vec::new();
    let mut unknown = false;
    for m in mappings {
        if let Some(p) = m.get("ContainerPort") {
            match doc.resolve(p).as_i64() {
                Some(p) if p == port => return Mapped::Yes,
                Some(p) => seen.push(p.to_string()),
                None => unknown = true,
            }
        } else if let Some(range) = m.get("ContainerPortRange") {
            let r = doc.resolve(range);
            let bounds = r
                .as_str()
                .and_then(|s| s.split_once('-'))
                .and_then(|(lo, hi)| lo.trim().parse::<i64>().ok().zip(hi.trim().parse::<i64>().ok()));
            match bounds {
                Some((lo, hi)) if lo <= port && port <= hi => return Mapped::Yes,
                Some((lo, hi)) => seen.push(format!("{lo}-{hi}")),
                None => unknown = true,
            }
        } else {
            // Neither key: an intrinsic (`Fn::If`) in place of the mapping.
            unknown = true;
        }
    }
    if unknown {
        Mapped::Unknown
    } else {
        Mapped::No(seen)
    }
}

fn names(list: &[String]) -> String {
    list.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The binding's container must exist and map the binding's port (the
/// binding is read in `doc`, the task definition in `tdoc`).
fn check_container<'a>(
    doc: &Doc<'a>,
    tdoc: &Doc<'a>,
    s: &Res<'a>,
    td: &Res<'a>,
    b: &'a Value,
    tg: Option<&str>,
    sink: &mut Sink<'_>,
) {
    let Some(name) = b.get("ContainerName").map(|v| doc.resolve(v)) else { return };
    let Some(name) = name.as_str() else { return };
    let Some(port) = b.get("ContainerPort").and_then(|v| doc.resolve(v).as_i64()) else { return };
    let doc = tdoc;
    let Some(containers) = doc.list(td.props.get("ContainerDefinitions")) else { return };
    let via = match tg {
        Some(tg) => format!("the load-balancer binding to target group {tg}"),
        None => "the load-balancer binding".to_owned(),
    };
    let mut known = Vec::new();
    let mut container = None;
    for c in containers {
        match c.get("Name").map(|n| doc.resolve(n)) {
            Some(V::Str(n)) if n == name => {
                container = Some(c);
                break;
            }
            Some(V::Str(n)) => known.push(n.into_owned()),
            // A container whose name is not known: it may be the one.
            _ => return,
        }
    }
    let Some(container) = container else {
        sink.report(
            Code::ServiceContainerMismatch,
            s.id,
            format!(
                "target group → service {}: {via} names container `{name}` (port {port}), and task definition {} has no \
                 container of that name (it has {}); ECS refuses to create the service",
                s.id,
                td.id,
                if known.is_empty() { "none".to_owned() } else { names(&known) },
            ),
            format!(
                "set the binding's ContainerName to a container of {} or add a container named `{name}` to it",
                td.id
            ),
        );
        return;
    };
    let Mapped::No(ports) = maps(doc, container, port) else { return };
    let has = if ports.is_empty() {
        "it maps no port".to_owned()
    } else {
        format!("it maps container port(s) {}", ports.join(", "))
    };
    sink.report(
        Code::ServiceContainerMismatch,
        s.id,
        format!(
            "target group → service {}: {via} sends traffic to container port {port} of `{name}`, and that container of task \
             definition {} has no port mapping for {port} ({has}); ECS refuses to create the service",
            s.id, td.id
        ),
        format!(
            "add a PortMappings entry with ContainerPort {port} to container `{name}` of {}, or set the binding's \
             ContainerPort to a port the container maps",
            td.id
        ),
    );
}

/// The target group's `TargetType` must fit the task's network mode.
fn check_target_type<'a>(
    world: &World<'_, 'a>,
    s: &Res<'a>,
    td: &Res<'a>,
    tg: Id<'a>,
    mode: &str,
    sink: &mut Sink<'_>,
) {
    let Some(group) = world.res(tg) else { return };
    let target_type = match group.props.get("TargetType") {
        // CloudFormation's default.
        None => "instance".to_owned(),
        Some(v) => match world.doc(tg.stack).resolve(v).as_str() {
            Some(t) => t.to_owned(),
            None => return,
        },
    };
    let need = match mode {
        "awsvpc" => "ip",
        "bridge" | "host" => "instance",
        _ => return,
    };
    if target_type.eq_ignore_ascii_case(need) {
        return;
    }
    let why = if need == "ip" {
        "awsvpc tasks have their own network interface, which ECS registers by IP address"
    } else {
        "its tasks share their instance's network, which ECS registers by instance ID"
    };
    sink.report_at(
        Code::TargetTypeMismatch,
        tg,
        format!(
            "target group {tg} → service {}: the target group's TargetType is `{target_type}`, and task definition {} uses the \
             `{mode}` network mode, which needs `{need}` targets ({why}); ECS refuses to create the service",
            s.id, td.id
        ),
        format!("set TargetType: {need} on {tg}, or change the task definition's NetworkMode to fit `{target_type}` targets"),
    );
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        ServiceContainerMismatch => error("net:service-container-mismatch") {
            title: "a service's `LoadBalancers` entry names a container its task definition lacks, or a `ContainerPort` that container's `PortMappings` do not map",
            explanation: "An ECS service's `LoadBalancers` entry sends the target group's traffic to `ContainerName` on \
         `ContainerPort`. The service's task definition must have a container of that name whose \
         `PortMappings` include that `ContainerPort`; otherwise ECS refuses to create (or update) the \
         service, half-way through the deploy. Make the binding and the container agree: add the port \
         mapping, or bind a port the container maps (in an rcdk app, a service's `container_port` sets \
         both).",
        },
        TargetTypeMismatch => error("net:target-type-mismatch") {
            title: "a target group's `TargetType` does not fit the tasks' network mode: awsvpc needs `ip`, bridge and host need `instance`",
            explanation: "ECS registers an `awsvpc` task by the IP address of its own network interface, so its target \
         group needs `TargetType: ip`; a `bridge` or `host` task shares its instance's network and is \
         registered by instance ID, so its target group needs `TargetType: instance` (the default). A \
         target group of the other type makes ECS refuse the service mid-deploy. Set the target type \
         that fits, or change the task definition's `NetworkMode`.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Severity, StackTemplate};
    use serde_json::json;

    /// A bridge-mode service bound to container `web` port 80 of `TaskDef`.
    fn template(containers: Value, binding: Value, target_type: Option<Value>, mode: Option<&str>) -> Value {
        let mut tg =
            json!({"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {"Port": 80, "Protocol": "HTTP"}});
        if let Some(t) = target_type {
            tg["Properties"]["TargetType"] = t;
        }
        let mut td = json!({"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": containers}});
        if let Some(m) = mode {
            td["Properties"]["NetworkMode"] = json!(m);
        }
        json!({
            "Parameters": {"Port": {"Type": "Number", "Default": 80}, "Name": {"Type": "String"}},
            "Resources": {
                "Tg": tg,
                "TaskDef": td,
                "Service": {"Type": "AWS::ECS::Service", "Properties": {
                    "TaskDefinition": {"Ref": "TaskDef"},
                    "LoadBalancers": [binding]
                }}
            }
        })
    }

    /// The errors of the two codes of this module.
    fn codes_of(t: &Value) -> Vec<(String, &'static str, String)> {
        findings(t)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| (f.resource, f.code.as_str(), f.message))
            .collect()
    }

    fn findings(t: &Value) -> Vec<crate::analysis::Finding> {
        let doc = Doc::from_json(t, Some("us-east-1")).expect("a template");
        analyze(&[StackTemplate { name: "s", doc, inputs: vec![], nested_in: None }])
            .into_iter()
            .filter(|f| f.code == "net:service-container-mismatch" || f.code == "net:target-type-mismatch")
            .collect()
    }

    fn web(port: Value) -> Value {
        json!([{"Name": "web", "Image": "nginx", "PortMappings": [{"ContainerPort": port, "HostPort": 0}]}])
    }

    fn bind(name: Value, port: Value) -> Value {
        json!({"ContainerName": name, "ContainerPort": port, "TargetGroupArn": {"Ref": "Tg"}})
    }

    #[test]
    fn a_matching_binding_passes() {
        assert!(codes_of(&template(web(json!(80)), bind(json!("web"), json!(80)), None, None)).is_empty());
        // Numbers as strings, as YAML templates often write them.
        assert!(codes_of(&template(web(json!("80")), bind(json!("web"), json!("80")), None, None)).is_empty());
        // A port range covering the port.
        let ranged = json!([{"Name": "web", "PortMappings": [{"ContainerPortRange": "79-81"}]}]);
        assert!(codes_of(&template(ranged, bind(json!("web"), json!(80)), None, None)).is_empty());
        // The port mapped by the named container among others.
        let sidecar = json!([
            {"Name": "proxy", "PortMappings": [{"ContainerPort": 443}]},
            {"Name": "web", "PortMappings": [{"ContainerPort": 9000}, {"ContainerPort": 80}]}
        ]);
        assert!(codes_of(&template(sidecar, bind(json!("web"), json!(80)), None, None)).is_empty());
        // awsvpc with ip targets.
        let t = template(web(json!(80)), bind(json!("web"), json!(80)), Some(json!("ip")), Some("awsvpc"));
        assert!(codes_of(&t).is_empty());
    }

    #[test]
    fn an_unmapped_port_is_refused_at_the_service() {
        let found = codes_of(&template(web(json!(8080)), bind(json!("web"), json!(80)), None, None));
        assert_eq!(found.len(), 1, "{found:?}");
        let (resource, code, message) = &found[0];
        assert_eq!((resource.as_str(), *code), ("Service", "net:service-container-mismatch"));
        assert_eq!(
            message,
            "target group → service Service: the load-balancer binding to target group Tg sends traffic to container port 80 \
             of `web`, and that container of task definition TaskDef has no port mapping for 80 (it maps container port(s) \
             8080); ECS refuses to create the service"
        );
        let none = json!([{"Name": "web", "Image": "nginx"}]);
        let found = codes_of(&template(none, bind(json!("web"), json!(80)), None, None));
        assert!(found[0].2.contains("(it maps no port)"), "{found:?}");
    }

    #[test]
    fn the_port_must_be_mapped_by_the_named_container_not_another() {
        let sidecar = json!([
            {"Name": "proxy", "PortMappings": [{"ContainerPort": 80}]},
            {"Name": "web", "PortMappings": [{"ContainerPort": 9000}]}
        ]);
        let mut t = template(sidecar, bind(json!("web"), json!(80)), None, None);
        // The task definition by `Fn::GetAtt`, as the CDK sometimes writes it.
        t["Resources"]["Service"]["Properties"]["TaskDefinition"] =
            json!({"Fn::GetAtt": ["TaskDef", "TaskDefinitionArn"]});
        let found = codes_of(&t);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("no port mapping for 80 (it maps container port(s) 9000)"), "{found:?}");
    }

    #[test]
    fn a_missing_container_is_refused_naming_the_ones_there_are() {
        let found = codes_of(&template(web(json!(80)), bind(json!("api"), json!(80)), None, None));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].2.contains("names container `api` (port 80), and task definition TaskDef has no container of that name (it has `web`)"),
            "{found:?}"
        );
    }

    #[test]
    fn what_cannot_be_told_before_deployment_is_not_an_error() {
        // The binding's port or name from a parameter: broken with its
        // default (80 against a mapping of 8080), a warning naming it.
        let t = template(web(json!(8080)), bind(json!("web"), json!({"Ref": "Port"})), None, None);
        assert!(codes_of(&t).is_empty());
        let warned = findings(&t);
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert_eq!(warned[0].severity, Severity::Warning);
        assert!(warned[0].message.starts_with("with the default parameter values (Port=80): "), "{warned:?}");
        assert!(codes_of(&template(web(json!(8080)), bind(json!({"Ref": "Name"}), json!(80)), None, None)).is_empty());
        // The container's port, or a container's name, from a parameter.
        assert!(codes_of(&template(web(json!({"Ref": "Port"})), bind(json!("web"), json!(80)), None, None)).is_empty());
        let unnamed = json!([{"Name": {"Ref": "Name"}, "PortMappings": [{"ContainerPort": 8080}]}]);
        assert!(codes_of(&template(unnamed, bind(json!("api"), json!(80)), None, None)).is_empty());
        // A mapping or the whole list behind a condition.
        let cond = json!([{"Name": "web", "PortMappings": [{"Fn::If": ["C", {"ContainerPort": 80}, {"Ref": "AWS::NoValue"}]}]}]);
        assert!(codes_of(&template(cond, bind(json!("web"), json!(80)), None, None)).is_empty());
        let cond = json!({"Fn::If": ["C", [], []]});
        assert!(codes_of(&template(cond, bind(json!("web"), json!(80)), None, None)).is_empty());
        // The target type from a parameter.
        let t = template(web(json!(80)), bind(json!("web"), json!(80)), Some(json!({"Ref": "Name"})), Some("awsvpc"));
        assert!(codes_of(&t).is_empty());
    }

    #[test]
    fn the_target_type_must_fit_the_network_mode() {
        // awsvpc with the default (instance) targets.
        let found = codes_of(&template(web(json!(80)), bind(json!("web"), json!(80)), None, Some("awsvpc")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0.as_str(), found[0].1), ("Tg", "net:target-type-mismatch"));
        assert!(found[0].2.starts_with(
            "target group Tg → service Service: the target group's TargetType is `instance`, and task definition TaskDef uses \
             the `awsvpc` network mode, which needs `ip` targets"
        ));
        // bridge (the default mode) and host with ip targets.
        for mode in [None, Some("host")] {
            let found = codes_of(&template(web(json!(80)), bind(json!("web"), json!(80)), Some(json!("ip")), mode));
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(found[0].2.contains("which needs `instance` targets"), "{found:?}");
        }
    }
}
