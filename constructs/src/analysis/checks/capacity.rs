//! The ECS cluster's EC2 capacity as real AWS treats it: scale-in protection
//! that something must lift, capacity provider names ECS refuses, and tasks
//! the instances can never hold (larger than an instance; more `awsvpc`
//! tasks than the instances have network interfaces for).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::analysis::check::Sink;
use crate::analysis::model::{field, prop, Doc, Res, V};
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
                    let f = sink.report(
                        Code::CapacityProviderNamePrefix,
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
                    let f = sink.report(
                        Code::CapacityProviderNamePrefix,
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
            let f = sink.report(
                Code::ScaleInProtectionMismatch,
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
            let f = sink.report(
                Code::ScaleInProtectionMismatch,
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
            for c in &containers {
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
            for c in &containers {
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
                    let f = sink.report(
                        Code::TaskLargerThanInstance,
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
        let f = sink.report(
            Code::AwsvpcEniCapacity,
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

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        CapacityProviderNamePrefix => error("ecs:capacity-provider-name-prefix") {
            title: "a capacity provider name ECS refuses (aws…, ecs…, fargate…)",
            explanation: "ECS refuses capacity provider names that start with `aws`, `ecs` or `fargate`, in any case \
         (\"The name can't be prefixed with \\\"aws\\\", \\\"ecs\\\", or \\\"fargate\\\"\", \
         <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html>). \
         rcdk's capacity provider has no `Name`, so CloudFormation derives one from the stack name, \
         `<stack>-<logical ID>-<suffix>` \
         (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-capacityprovider.html>): \
         a stack named `ecs-prod`, `AWS-shop` or `Fargate1` cannot create its cluster's capacity \
         provider, and the deploy fails after the VPC and the instances are up \
         (aws/aws-cdk#29151).\n\nRename the stack (`name:`) so that it does not start with aws, ecs or \
         fargate, e.g. `shop-ecs-prod`. rcdk does not write a fixed `Name` instead: a fixed name would \
         block the replacement of the capacity provider that every replacement of its Auto Scaling group \
         needs.",
        },
        ScaleInProtectionMismatch => error("ecs:scale-in-protection-mismatch") {
            title: "an Auto Scaling group's scale-in protection that nothing lifts",
            explanation: "With `NewInstancesProtectedFromScaleIn: true`, every instance the Auto Scaling group launches \
         is protected from scale-in. Only the capacity provider's managed termination protection \
         (`ManagedTerminationProtection: ENABLED`, which needs managed scaling) lifts that protection \
         again, from instances that run no task — and only with managed scaling on (\"When using managed \
         termination protection, managed scaling must also be used otherwise managed termination \
         protection doesn't work\"). A protecting group whose capacity provider does not manage the \
         protection keeps it forever: the group never scales in, and CloudFormation cannot delete the group (it does not \
         force-delete protected instances), so deleting the stack hangs until it fails \
         (aws/containers-roadmap#2862).\n\nECS: \"When managed termination protection is on, Amazon ECS \
         prevents the Amazon EC2 instances in an Auto Scaling group that contain tasks from being \
         terminated during a scale-in action\" \
         (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html>).\n\nrcdk \
         sets both together: `cluster.managed_termination_protection` (default true) turns both on, \
         `false` turns both off (managed draining stays on). This error comes from an override or a \
         template that sets only one, or turns managed scaling off; remove the override or set both.",
        },
        TaskLargerThanInstance => error("ecs:task-larger-than-instance") {
            title: "a task reserves more memory or CPU than an instance of its cluster has",
            explanation: "ECS places a task on a container instance only where the memory and CPU it reserves are free: \
         the task-level `Memory`/`Cpu`, or the containers' sum (a container counts by its \
         `MemoryReservation` when set, else its hard `Memory` limit). A task that reserves more than an \
         instance of the cluster's instance type has at all — e.g. 3072 MiB on `t3.small` (2048 MiB), or \
         4096 CPU units on a 2-vCPU type (2048 units) — can never be placed: the service's deployment \
         waits until the circuit breaker or CloudFormation's timeout fails it \
         (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html>). rcdk \
         compares with the instance type's memory and vCPUs from its table (EC2 `DescribeInstanceTypes`, \
         vendored in `constructs/data/ec2-instance-specs.tsv`); ECS registers a little less for tasks \
         than the instance has, so a task just under it may still not fit.\n\nReserve less \
         (`memory_mib`, `memory_reservation_mib`, `cpu`), or choose a larger `cluster.instance_type`.",
        },
        AwsvpcEniCapacity => warning("ecs:awsvpc-eni-capacity") {
            title: "more awsvpc tasks than the cluster's instances have network interfaces for",
            explanation: "Each task in `awsvpc` network mode gets its own elastic network interface, attached to the \
         instance it runs on, and the instance's own interface counts against the instance type's limit: \
         \"by default a c5.large instance may have up to three ENIs attached to it. The primary network \
         interface for the instance counts as one ... you can typically only run two such tasks on this \
         instance type\" \
         (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html>). \
         rcdk multiplies the instance type's network interfaces less one (its table: EC2 \
         `DescribeInstanceTypes`) by the Auto Scaling group's `MaxSize`, and warns when the awsvpc \
         services' tasks do not fit: their steady count (desired, or the scaling minimum) — those tasks \
         can never all run — or the most at once (the scaling maximum, or a rolling deployment's \
         `MaximumPercent`, default 200 %) — a scale-out waits and a deployment can stall. It is a \
         warning because ENI trunking (the `awsvpcTrunking` account setting, off unless turned on, and \
         only on supported instance types) raises the limit, which the template cannot show.\n\nRaise \
         `cluster.max_capacity`, choose an instance type with more network interfaces, use \
         `network_mode: bridge`, or turn ENI trunking on (`aws ecs put-account-setting-default --name \
         awsvpcTrunking --value enabled`) with an instance type that supports it.",
        },
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
