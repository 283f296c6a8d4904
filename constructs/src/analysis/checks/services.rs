//! ECS services as they run: what their CPU metric is measured against.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::analysis::check::Sink;
use crate::analysis::model::{field, prop, Doc, V};

/// The ECS service a value designates by `Fn::GetAtt <Service>.Name` (or
/// `Ref`), anywhere inside it (a `Fn::Join` of a scalable target's
/// `ResourceId`, an alarm dimension).
fn service_in<'a>(doc: &Doc<'a>, v: &'a Value) -> Option<&'a str> {
    match doc.resolve(v) {
        V::Att(id, _) | V::Ref(id) if doc.ty(id) == Some("AWS::ECS::Service") => return Some(id),
        _ => {}
    }
    match v {
        Value::Array(items) => items.iter().find_map(|x| service_in(doc, x)),
        Value::Object(m) => m.values().find_map(|x| service_in(doc, x)),
        _ => None,
    }
}

/// Whether the task definition reserves CPU: a task-level `Cpu`, or a
/// container `Cpu` above 0. `None` when that is not known before deployment.
fn reserves_cpu(doc: &Doc<'_>, task: &str) -> Option<bool> {
    let t = doc.res(task)?;
    if let Some(v) = t.props.get("Cpu") {
        return doc.resolve(v).as_i64().map(|n| n > 0).or(Some(true));
    }
    let containers = doc.list(t.props.get("ContainerDefinitions"))?;
    let mut any_unknown = false;
    for c in containers {
        match c.get("Cpu").map(|v| doc.resolve(v)) {
            None => {}
            Some(v) => match v.as_i64() {
                Some(n) if n > 0 => return Some(true),
                Some(_) => {}
                None => any_unknown = true,
            },
        }
    }
    if any_unknown {
        None
    } else {
        Some(false)
    }
}

pub(crate) fn check<'a>(doc: &Doc<'a>, sink: &mut Sink<'_>) {
    // Service → the resources that act on its CPU utilization, in template order.
    let mut users: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
    let targets: BTreeMap<&'a str, &'a str> = doc
        .of_type("AWS::ApplicationAutoScaling::ScalableTarget")
        .filter_map(|t| Some((t.id, service_in(doc, t.props.get("ResourceId")?)?)))
        .collect();
    for p in doc.of_type("AWS::ApplicationAutoScaling::ScalingPolicy") {
        let config = p.props.get("TargetTrackingScalingPolicyConfiguration");
        let metric = field(field(config, "PredefinedMetricSpecification"), "PredefinedMetricType");
        if metric.map(|m| doc.resolve(m)).as_ref().and_then(V::as_str) != Some("ECSServiceAverageCPUUtilization") {
            continue;
        }
        let service = match p.props.get("ScalingTargetId").map(|v| doc.resolve(v)) {
            Some(V::Ref(t)) => targets.get(t).copied(),
            _ => p.props.get("ResourceId").and_then(|v| service_in(doc, v)),
        };
        if let Some(s) = service {
            users.entry(s).or_default().push(p.id);
        }
    }
    for a in doc.of_type("AWS::CloudWatch::Alarm") {
        let cpu = prop(doc, a, "Namespace").as_str() == Some("AWS/ECS")
            && prop(doc, a, "MetricName").as_str() == Some("CPUUtilization");
        if !cpu {
            continue;
        }
        let dimensions = doc.list(a.props.get("Dimensions")).unwrap_or_default();
        let service = dimensions
            .iter()
            .filter(|d| d.get("Name").map(|n| doc.resolve(n)).as_ref().and_then(V::as_str) == Some("ServiceName"))
            .find_map(|d| d.get("Value").and_then(|v| service_in(doc, v)));
        if let Some(s) = service {
            users.entry(s).or_default().push(a.id);
        }
    }
    for (service, on_cpu) in users {
        let Some(svc) = doc.res(service) else { continue };
        let Some(task) = doc.target(svc.props.get("TaskDefinition"), "AWS::ECS::TaskDefinition") else { continue };
        if reserves_cpu(doc, task) != Some(false) {
            continue;
        }
        // Located at the first user: the scaling policy or alarm that has no base.
        sink.report(
            Code::CpuMetricWithoutReservation,
            on_cpu[0],
            format!(
                "service {service} scales or alarms on its CPU utilization ({}), which ECS measures as a percentage of \
                 the CPU its tasks reserve, and task definition {task} reserves none: the target and thresholds have \
                 no fixed meaning",
                on_cpu.join(", ")
            ),
            "reserve CPU for the container (`cpu:` in CPU units, 1024 = 1 vCPU, e.g. `cpu: 256`), or scale on \
             `requests_per_target` instead"
                .into(),
        );
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        CpuMetricWithoutReservation => warning("service:cpu-metric-without-reservation") {
            title: "CPU scaling or a CPU alarm on a service that reserves no CPU",
            explanation: "ECS reports a service's CPUUtilization as a percentage of the CPU its tasks reserve: \"Service \
         CPU utilization = (Total CPU units used by tasks in service) x 100 / (Total CPU units specified \
         in task definition) x (number of tasks in service)\" \
         (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html>). A \
         task definition with neither a task `Cpu` nor a container `Cpu` reserves nothing, and AWS \
         documents no denominator for that case: a 60 % scaling target or an 85 % alarm then has no \
         fixed meaning (values above 100 % are reported), so the service scales and alarms at arbitrary \
         loads.\n\nReserve CPU for the container: `cpu:` in CPU units, 1024 = 1 vCPU (e.g. `cpu: 256` — \
         a reservation also makes ECS place tasks only where that much CPU is free, so size it to what \
         the service needs), or scale on `requests_per_target`. The warning is located at the scaling \
         policy or alarm that reads the metric.",
        },
    }
}
