//! The ECS cluster's EC2 capacity as real AWS treats it: scale-in protection
//! that something must lift, and capacity provider names ECS refuses.

use super::codes;
use super::model::{field, prop, Doc, V};
use super::Sink;

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
