//! The ECS cluster's EC2 capacity as real AWS treats it: scale-in protection
//! that something must lift, capacity provider names ECS refuses, and tasks
//! the instances can never hold (larger than an instance; more `awsvpc`
//! tasks than the instances have network interfaces for).

use std::collections::BTreeMap;

use serde_json::Value;

use super::codes;
use super::model::{field, prop, Doc, Res, V};
use super::Sink;
use crate::ec2::{instance_type_spec, InstanceTypeSpec};

/// Prefixes ECS refuses at the start of a capacity provider name, compared
/// without regard to case (Amazon ECS API Reference, `CreateCapacityProvider`:
/// "The name can't be prefixed with \"aws\", \"ecs\", or \"fargate\"").
pub const RESERVED_CAPACITY_PROVIDER_PREFIXES: [&str; 3] = ["aws", "ecs", "fargate"];

/// The reserved prefix `name` starts with, in any case.
pub fn reserved_capacity_provider_prefix(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    RESERVED_CAPACITY_PROVIDER_PREFIXES.into_iter().find(|p| lower.starts_with(p))
}

pub(crate) fn check<'a>(doc: &Doc<'a>, stack: &str, sink: &mut Sink<'_>) {
    for cp in doc.of_type("AWS::ECS::CapacityProvider") {
        let provider = cp.props.get("AutoScalingGroupProvider");
        match cp.props.get("Name") {
            // CloudFormation names it `<stack>-<logical ID>-<suffix>`. A
            // "stack name" that is not one (`rcdk check` passes file paths)
            // says nothing about the name it will be deployed under.
            None if stack.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
                if let Some(prefix) = reserved_capacity_provider_prefix(stack) {
                    let f = sink.error(
                        codes::CP_NAME_PREFIX,
                        "",
                        format!(
                            "capacity provider {} gets its name from the stack, `{stack}-{}-…`, which starts with `{prefix}`: \
                             ECS refuses capacity provider names starting with aws, ecs or fargate, in any case",
                            cp.id, cp.id
                        ),
                        format!(
                            "rename the stack so that it does not start with aws, ecs or fargate, e.g. `app-{stack}`"
                        ),
                    );
                    f.field = Some("name");
                }
            }
            None => {}
            Some(v) => {
                if let Some(prefix) = doc.resolve(v).as_str().and_then(reserved_capacity_provider_prefix) {
                    let f = sink.error(
                        codes::CP_NAME_PREFIX,
                        cp.id,
                        format!(
                            "capacity provider {} is named `{}`, which starts with `{prefix}`: ECS refuses capacity provider \
                             names starting with aws, ecs or fargate, in any case",
                            cp.id,
                            doc.resolve(v).as_str().unwrap_or_default()
                        ),
                        "choose a name that does not start with aws, ecs or fargate, or leave `Name` out".into(),
                    );
                    f.field = Some("name");
                }
            }
        }
        let Some(asg_id) = doc.target(field(provider, "AutoScalingGroupArn"), "AWS::AutoScaling::AutoScalingGroup")
        else {
            continue;
        };
        let Some(asg) = doc.res(asg_id) else { continue };
        let setting = |v: Option<&'a serde_json::Value>| v.map(|v| doc.resolve(v));
        // ManagedTerminationProtection defaults to DISABLED (ECS API Reference, AutoScalingGroupProvider).
        let mtp = match setting(field(provider, "ManagedTerminationProtection")) {
            None => Some(false),
            Some(V::Str(s)) => Some(s.eq_ignore_ascii_case("ENABLED")),
            Some(_) => None,
        };
        let protects = match prop(doc, asg, "NewInstancesProtectedFromScaleIn") {
            V::Unknown if asg.props.get("NewInstancesProtectedFromScaleIn").is_none() => Some(false),
            v => v.as_bool(),
        };
        // ManagedScaling is off unless its Status says ENABLED.
        let scaling = match setting(field(field(provider, "ManagedScaling"), "Status")) {
            None => Some(false),
            Some(V::Str(s)) => Some(s.eq_ignore_ascii_case("ENABLED")),
            Some(_) => None,
        };
        if mtp == Some(false) && protects == Some(true) {
            let f = sink.error(
                codes::SCALE_IN_PROTECTION_MISMATCH,
                cp.id,
                format!(
                    "Auto Scaling group {asg_id} protects every new instance from scale-in, and capacity provider {} does not \
                     manage that protection (ManagedTerminationProtection DISABLED): nothing ever lifts it, so the group never \
                     scales in and deleting the stack cannot delete the group",
                    cp.id
                ),
                "set both with `cluster.managed_termination_protection` (true: protection managed by ECS; false: none), \
                 or remove the override that sets only one of them"
                    .into(),
            );
            f.field = Some("managed_termination_protection");
        } else if mtp == Some(true) && scaling == Some(false) {
            let f = sink.error(
                codes::SCALE_IN_PROTECTION_MISMATCH,
                cp.id,
                format!(
                    "capacity provider {} turns on managed termination protection without managed scaling: ECS needs managed \
                     scaling to lift the protection of empty instances, so group {asg_id} never scales in",
                    cp.id
                ),
                "keep `ManagedScaling.Status: ENABLED`, or set `cluster.managed_termination_protection: false`".into(),
            );
            f.field = Some("managed_termination_protection");
        }
    }
}

/// The EC2 capacity behind a cluster's capacity provider: its Auto Scaling
/// group, the launch template's instance type and the group's size.
struct Capacity<'a> {
    asg: &'a str,
    instance_type: String,
    spec: InstanceTypeSpec,
    max: i64,
}

/// Cluster → the capacity of each of its capacity providers that rcdk can
/// read statically (an Auto Scaling group with a launch template naming a
/// known instance type, and a known MaxSize).
fn capacities<'a>(doc: &Doc<'a>) -> BTreeMap<&'a str, Vec<Capacity<'a>>> {
    let mut out: BTreeMap<&'a str, Vec<Capacity<'a>>> = BTreeMap::new();
    for assoc in doc.of_type("AWS::ECS::ClusterCapacityProviderAssociations") {
        let Some(cluster) = doc.target(assoc.props.get("Cluster"), "AWS::ECS::Cluster") else { continue };
        for cp in doc.list(assoc.props.get("CapacityProviders")).unwrap_or_default() {
            let Some(cp) = doc.target(Some(cp), "AWS::ECS::CapacityProvider").and_then(|id| doc.res(id)) else {
                continue;
            };
            let arn = field(cp.props.get("AutoScalingGroupProvider"), "AutoScalingGroupArn");
            let Some(asg) = doc.target(arn, "AWS::AutoScaling::AutoScalingGroup").and_then(|id| doc.res(id)) else {
                continue;
            };
            let Some(max) = prop(doc, asg, "MaxSize").as_i64() else { continue };
            let template = field(asg.props.get("LaunchTemplate"), "LaunchTemplateId");
            let Some(lt) = doc.target(template, "AWS::EC2::LaunchTemplate").and_then(|id| doc.res(id)) else {
                continue;
            };
            let ty = field(lt.props.get("LaunchTemplateData"), "InstanceType").map(|v| doc.resolve(v));
            let Some(V::Str(instance_type)) = ty else { continue };
            let Some(spec) = instance_type_spec(&instance_type) else { continue };
            out.entry(cluster).or_default().push(Capacity {
                asg: asg.id,
                instance_type: instance_type.into_owned(),
                spec,
                max,
            });
        }
    }
    out
}

/// What a task reserves for placement: (memory MiB, CPU units). A task-level
/// value wins; otherwise the containers' sum, each container counted by its
/// memory reservation when set, else its hard limit. `None` when a value is
/// not known before deployment.
fn task_size(doc: &Doc<'_>, td: &Res<'_>) -> Option<(i64, i64)> {
    let number = |v: Option<&Value>| v.map(|v| doc.resolve(v).as_i64());
    let containers = doc.list(td.props.get("ContainerDefinitions"))?;
    let memory = match number(td.props.get("Memory")) {
        Some(m) => m?,
        None => {
            let mut sum = 0;
            for c in containers {
                sum += match (number(c.get("MemoryReservation")), number(c.get("Memory"))) {
                    (Some(r), _) => r?,
                    (None, Some(m)) => m?,
                    (None, None) => 0,
                };
            }
            sum
        }
    };
    let cpu = match number(td.props.get("Cpu")) {
        Some(c) => c?,
        None => {
            let mut sum = 0;
            for c in containers {
                sum += number(c.get("Cpu")).unwrap_or(Some(0))?;
            }
            sum
        }
    };
    Some((memory, cpu))
}

/// A service's task counts: (steady, most at once) — the desired count (or
/// the scaling minimum), and the scaling maximum or the count a rolling
/// deployment reaches (`MaximumPercent`, default 200 %), whichever is larger.
fn task_counts(doc: &Doc<'_>, service: &Res<'_>) -> (i64, i64) {
    let scaling = doc
        .of_type("AWS::ApplicationAutoScaling::ScalableTarget")
        .find(|t| t.props.get("ResourceId").is_some_and(|v| mentions(doc, v, service.id)));
    let bound = |k: &str| scaling.and_then(|t| prop(doc, t, k).as_i64());
    let steady = prop(doc, service, "DesiredCount").as_i64().or(bound("MinCapacity")).unwrap_or(1);
    let max_percent = field(service.props.get("DeploymentConfiguration"), "MaximumPercent")
        .and_then(|v| doc.resolve(v).as_i64())
        .unwrap_or(200);
    let most = bound("MaxCapacity").unwrap_or(steady);
    (steady, most.max((steady * max_percent + 99) / 100))
}

/// Whether `v` refers to resource `id` anywhere inside it.
fn mentions(doc: &Doc<'_>, v: &Value, id: &str) -> bool {
    match doc.resolve(v) {
        V::Ref(r) | V::Att(r, _) if r == id => return true,
        _ => {}
    }
    match v {
        Value::Array(items) => items.iter().any(|x| mentions(doc, x, id)),
        Value::Object(m) => m.values().any(|x| mentions(doc, x, id)),
        _ => false,
    }
}

/// Tasks larger than every instance of their cluster (an error: ECS can
/// never place them), and `awsvpc` tasks beyond the network interfaces of
/// the cluster at its largest (a warning: ENI trunking, an account setting,
/// raises the limit on the instance types that support it).
pub(crate) fn check_placement<'a>(doc: &Doc<'a>, sink: &mut Sink<'_>) {
    let capacities = capacities(doc);
    // Cluster → (steady awsvpc tasks, most at once, the services).
    let mut awsvpc: BTreeMap<&'a str, (i64, i64, Vec<&'a str>)> = BTreeMap::new();
    for service in doc.of_type("AWS::ECS::Service") {
        let Some(cluster) = doc.target(service.props.get("Cluster"), "AWS::ECS::Cluster") else { continue };
        let Some([capacity]) = capacities.get(cluster).map(Vec::as_slice) else { continue };
        let Some(td) =
            doc.target(service.props.get("TaskDefinition"), "AWS::ECS::TaskDefinition").and_then(|t| doc.res(t))
        else {
            continue;
        };
        if let Some((memory, cpu)) = task_size(doc, td) {
            let ty = &capacity.instance_type;
            let spec = capacity.spec;
            for (what, needed, has, unit, field) in [
                ("memory", memory, i64::from(spec.memory_mib), "MiB", "memory_mib"),
                ("CPU", cpu, i64::from(spec.cpu_units()), "CPU units", "cpu"),
            ] {
                if needed > has {
                    let f = sink.error(
                        codes::TASK_LARGER_THAN_INSTANCE,
                        td.id,
                        format!(
                            "the tasks of {} reserve {needed} {unit} of {what}, and the cluster's instances ({ty}) have \
                             {has}: ECS can never place them, and the service's deployment waits until it fails",
                            td.id
                        ),
                        format!("reserve less {what}, or give the cluster a larger instance type (`cluster.instance_type`)"),
                    );
                    f.field = Some(field);
                }
            }
        }
        if prop(doc, td, "NetworkMode").as_str() == Some("awsvpc") {
            let (steady, most) = task_counts(doc, service);
            let entry = awsvpc.entry(cluster).or_default();
            entry.0 += steady;
            entry.1 += most;
            entry.2.push(service.id);
        }
    }
    for (cluster, (steady, most, services)) in awsvpc {
        let Some([capacity]) = capacities.get(cluster).map(Vec::as_slice) else { continue };
        let per_instance = i64::from(capacity.spec.awsvpc_tasks());
        let room = per_instance * capacity.max;
        let ty = &capacity.instance_type;
        let limit = format!(
            "{ty} has {} network interfaces, one of them the instance's own, so {per_instance} awsvpc task(s) per \
             instance, {room} on the group's {} instance(s) at most",
            capacity.spec.max_network_interfaces, capacity.max
        );
        let message = if steady > room {
            format!(
                "the awsvpc services of cluster {cluster} ({}) run {steady} tasks, and {limit}: without ENI trunking \
                 the other tasks can never be placed, and the deployment waits until it fails",
                services.join(", ")
            )
        } else if most > room {
            format!(
                "the awsvpc services of cluster {cluster} ({}) run up to {most} tasks at once (scaling out, or a rolling \
                 deployment starting new tasks before stopping old ones), and {limit}: without ENI trunking the extra \
                 tasks wait for a network interface, and a deployment can stall",
                services.join(", ")
            )
        } else {
            continue;
        };
        let f = sink.warning(
            codes::AWSVPC_ENI_CAPACITY,
            capacity.asg,
            message,
            "raise `cluster.max_capacity`, choose an instance type with more network interfaces, use `network_mode: \
             bridge`, or turn ENI trunking on for the account (`aws ecs put-account-setting-default --name \
             awsvpcTrunking --value enabled`) with an instance type that supports it"
                .into(),
        );
        f.field = Some("max_capacity");
    }
}

#[cfg(test)]
mod tests {
    use super::reserved_capacity_provider_prefix;

    #[test]
    fn reserved_prefixes_in_any_case() {
        for name in ["aws-prod", "AWSProd", "ecs1", "Ecs-prod", "FARGATE1", "fargateish"] {
            assert!(reserved_capacity_provider_prefix(name).is_some(), "{name}");
        }
        for name in ["shop-ecs-prod", "awe", "ec2-prod", "prod-aws"] {
            assert!(reserved_capacity_provider_prefix(name).is_none(), "{name}");
        }
    }
}
