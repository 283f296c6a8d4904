//! Why a deploy failed, from where the reason really is (issue 25, point 2).
//! CloudFormation's event for a service that cannot stabilise is generic;
//! the cause is in ECS's service events, the stopped tasks' `stoppedReason`
//! and containers' exit codes, the target group's health descriptions and
//! the failing container's log. After a failed deploy rcdk reads them for
//! each ECS service of the stack and prints them under the failed events;
//! while a deploy runs, it watches the services' deployments and stops
//! waiting as soon as the deployment circuit breaker has failed one, instead
//! of waiting for CloudFormation's rollback.
//!
//! Everything here is best effort: a call that fails (denied, or not
//! implemented by a mock) becomes a note, never the deploy's error.
//!
//! - <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html>
//! - <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html>
//! - <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html>

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::aws::ecs::{ServiceState, StoppedTask};
use crate::aws::elbv2::UnhealthyTarget;
use crate::aws::{Aws, StackEvent};

/// How many of a service's newest events are shown.
pub const EVENTS: usize = 5;
/// How many stopped tasks are shown.
pub const STOPPED_TASKS: usize = 3;
/// How many log lines of the failing container are shown.
pub const LOG_LINES: usize = 20;
/// The resource type of an ECS service.
pub const SERVICE_TYPE: &str = "AWS::ECS::Service";

/// What was found about one service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceReport {
    /// The service's name.
    pub service: String,
    /// Its cluster (name or ARN).
    pub cluster: String,
    /// `(rollout state, reason)` of its newest deployment that did not complete.
    pub rollout: Option<(String, Option<String>)>,
    /// Its newest events' messages, oldest first.
    pub events: Vec<String>,
    /// Its newest stopped tasks.
    pub stopped: Vec<StoppedTask>,
    /// `(target group, target)` of each target that is not healthy.
    pub unhealthy: Vec<(String, UnhealthyTarget)>,
    /// The last lines of the failing container's log: container, group, stream, lines.
    pub log: Option<(String, String, String, Vec<String>)>,
    /// Calls that could not be made, described.
    pub notes: Vec<String>,
}

/// Seconds since the epoch, now.
pub fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or_default()
}

/// The cluster of a service ARN in the long format
/// (`arn:aws:ecs:region:account:service/CLUSTER/NAME`).
pub fn cluster_of(service_arn: &str) -> Option<&str> {
    let path = service_arn.split_once(":service/")?.1;
    path.split_once('/').map(|(cluster, _)| cluster)
}

/// The last path segment of an ARN (a task's ID, a service's name).
fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Reads everything known about one service (see [`ServiceReport`]).
pub async fn service(aws: &Aws, cluster: &str, service: &str) -> ServiceReport {
    let mut r =
        ServiceReport { service: last_segment(service).to_owned(), cluster: cluster.to_owned(), ..Default::default() };
    let state = match aws.service_state(cluster, service).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            r.notes.push("ECS does not know the service any more".into());
            ServiceState::default()
        }
        Err(e) => {
            r.notes.push(format!("cannot read the service: {}", e.describe()));
            ServiceState::default()
        }
    };
    r.rollout = state
        .deployments
        .iter()
        .filter(|d| d.rollout_state != "COMPLETED")
        .max_by(|a, b| a.created_at.total_cmp(&b.created_at))
        .map(|d| (d.rollout_state.clone(), d.rollout_state_reason.clone()));
    r.events = state.events.iter().take(EVENTS).rev().map(|(_, m)| m.clone()).collect();
    match aws.stopped_tasks(cluster, service, STOPPED_TASKS).await {
        Ok(t) => r.stopped = t,
        Err(e) => r.notes.push(format!("cannot list the stopped tasks: {}", e.describe())),
    }
    for tg in &state.target_groups {
        match aws.unhealthy_targets(tg).await {
            Ok(targets) => r.unhealthy.extend(targets.into_iter().map(|t| (last_target_group(tg).to_owned(), t))),
            Err(e) => r.notes.push(format!("cannot read the health of target group {tg}: {}", e.describe())),
        }
    }
    if let Some((task, container)) = failing_container(&r.stopped) {
        match aws.log_targets(&task.task_definition).await {
            Ok(targets) => {
                if let Some(t) = targets.iter().find(|t| t.container == container) {
                    if let Some(prefix) = &t.stream_prefix {
                        let stream = format!("{prefix}/{container}/{}", last_segment(&task.arn));
                        match aws.last_log_lines(&t.group, &stream, LOG_LINES).await {
                            Ok(Some(lines)) => r.log = Some((container.to_owned(), t.group.clone(), stream, lines)),
                            Ok(None) => r.notes.push(format!("no log stream {stream} in log group {}", t.group)),
                            Err(e) => r
                                .notes
                                .push(format!("cannot read the log of container `{container}`: {}", e.describe())),
                        }
                    }
                }
            }
            Err(e) => r.notes.push(format!("cannot read the task definition: {}", e.describe())),
        }
    }
    r
}

fn last_target_group(arn: &str) -> &str {
    arn.rsplit('/').nth(1).unwrap_or(arn)
}

/// The newest stopped task's container that failed: one with a non-zero
/// exit code or a reason, else the task's first container.
fn failing_container(stopped: &[StoppedTask]) -> Option<(&StoppedTask, &str)> {
    let task = stopped.first()?;
    let failed = task
        .containers
        .iter()
        .find(|c| c.exit_code.is_some_and(|x| x != 0) || c.reason.is_some())
        .or_else(|| task.containers.first())?;
    Some((task, failed.name.as_str()))
}

/// The report as indented lines.
pub fn render(r: &ServiceReport) -> Vec<String> {
    let mut out = vec![format!("service `{}` (cluster `{}`):", r.service, last_segment(&r.cluster))];
    if let Some((state, reason)) = &r.rollout {
        out.push(format!("  deployment {state}{}", reason.as_deref().map(|x| format!(": {x}")).unwrap_or_default()));
    }
    if !r.events.is_empty() {
        out.push("  recent events:".into());
        out.extend(r.events.iter().map(|e| format!("    {e}")));
    }
    for t in &r.stopped {
        out.push(format!(
            "  stopped task {} ({}): {}{}",
            last_segment(&t.arn),
            last_segment(&t.task_definition),
            t.stopped_reason.as_deref().unwrap_or("no reason given"),
            t.stop_code.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default()
        ));
        for c in &t.containers {
            let exit = c.exit_code.map(|x| format!("exit code {x}")).unwrap_or_else(|| "no exit code".into());
            let reason = c.reason.as_deref().map(|x| format!(": {x}")).unwrap_or_default();
            out.push(format!("    container `{}`: {exit}{reason}", c.name));
        }
    }
    for (tg, t) in &r.unhealthy {
        out.push(format!(
            "  target group {tg}: target {} {}{}{}",
            t.target,
            t.state,
            t.reason.as_deref().map(|x| format!(": {x}")).unwrap_or_default(),
            t.description.as_deref().map(|x| format!(" ({x})")).unwrap_or_default()
        ));
    }
    if let Some((container, group, stream, lines)) = &r.log {
        out.push(format!(
            "  last {} line(s) of container `{container}` (log group {group}, stream {stream}):",
            lines.len()
        ));
        out.extend(lines.iter().map(|l| format!("    | {l}")));
    }
    out.extend(r.notes.iter().map(|n| format!("  ({n})")));
    if out.len() == 1 {
        out.push("  ECS reports no events, stopped tasks or unhealthy targets".into());
    }
    out
}

/// The ECS services of a stack (`(cluster, service ARN)`), from its
/// resources, else from the events of the failed operation (a service that
/// rolled back is no longer a resource).
pub async fn services(aws: &Aws, stack_id: &str, events: &[StackEvent]) -> Vec<(String, String)> {
    let mut arns: Vec<String> = events
        .iter()
        .filter(|e| e.resource_type == SERVICE_TYPE)
        .filter_map(|e| e.physical_id.clone())
        .filter(|p| p.starts_with("arn:"))
        .collect();
    let mut cluster_hint = None;
    if let Ok(Some(resources)) = aws.stack_resources(stack_id).await {
        for r in resources {
            match (r.resource_type.as_str(), r.physical_id) {
                (SERVICE_TYPE, Some(p)) if p.starts_with("arn:") => arns.push(p),
                ("AWS::ECS::Cluster", Some(p)) => cluster_hint = Some(p),
                _ => {}
            }
        }
    }
    arns.sort();
    arns.dedup();
    arns.into_iter()
        .filter_map(|arn| {
            let cluster = cluster_of(&arn).map(str::to_owned).or_else(|| cluster_hint.clone())?;
            Some((cluster, arn))
        })
        .collect()
}

/// The diagnosis of a failed deploy: one block per ECS service of the stack.
pub async fn explain(aws: &Aws, stack_id: &str, events: &[StackEvent]) -> Vec<String> {
    let mut out = Vec::new();
    for (cluster, arn) in services(aws, stack_id, events).await {
        out.extend(render(&service(aws, &cluster, &arn).await));
    }
    out
}

/// A deployment the circuit breaker failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tripped {
    /// The service's cluster.
    pub cluster: String,
    /// The service's ARN.
    pub service: String,
    /// ECS's reason.
    pub reason: String,
}

/// Polls the stack's ECS services until one has a deployment, created since
/// `since` (seconds since the epoch, minus a minute of clock skew), whose
/// rollout state is `FAILED` — the deployment circuit breaker tripped — and
/// returns it. Runs until cancelled otherwise; errors are ignored.
pub async fn watch(aws: &Aws, stack_id: &str) -> Tripped {
    let since = now() - 60.0;
    let mut delay = Duration::from_secs(2);
    loop {
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(30));
        for (cluster, arn) in services(aws, stack_id, &[]).await {
            let Ok(Some(state)) = aws.service_state(&cluster, &arn).await else { continue };
            if let Some(d) = state.deployments.iter().find(|d| d.rollout_state == "FAILED" && d.created_at >= since) {
                return Tripped {
                    cluster,
                    service: arn,
                    reason: d.rollout_state_reason.clone().unwrap_or_else(|| "rollout state FAILED".into()),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ecs::ContainerExit;

    #[test]
    fn service_arns_name_their_cluster() {
        assert_eq!(cluster_of("arn:aws:ecs:eu-west-1:1:service/prod-Cluster-AbC/web"), Some("prod-Cluster-AbC"));
        assert_eq!(cluster_of("arn:aws:ecs:eu-west-1:1:service/web"), None);
    }

    #[test]
    fn a_report_reads_top_down() {
        let r = ServiceReport {
            service: "web".into(),
            cluster: "arn:aws:ecs:eu-west-1:1:cluster/prod".into(),
            rollout: Some(("FAILED".into(), Some("ECS deployment circuit breaker: tasks failed to start.".into()))),
            events: vec!["(service web) has started 1 tasks: (task abc).".into()],
            stopped: vec![StoppedTask {
                arn: "arn:aws:ecs:eu-west-1:1:task/prod/abc".into(),
                task_definition: "arn:aws:ecs:eu-west-1:1:task-definition/web:3".into(),
                stopped_reason: Some("Essential container in task exited".into()),
                stop_code: Some("EssentialContainerExited".into()),
                containers: vec![ContainerExit { name: "web".into(), exit_code: Some(1), reason: None }],
            }],
            unhealthy: vec![],
            log: Some(("web".into(), "/ecs/web".into(), "web/web/abc".into(), vec!["Error: no DATABASE_URL".into()])),
            notes: vec![],
        };
        assert_eq!(
            render(&r),
            vec![
                "service `web` (cluster `prod`):",
                "  deployment FAILED: ECS deployment circuit breaker: tasks failed to start.",
                "  recent events:",
                "    (service web) has started 1 tasks: (task abc).",
                "  stopped task abc (web:3): Essential container in task exited [EssentialContainerExited]",
                "    container `web`: exit code 1",
                "  last 1 line(s) of container `web` (log group /ecs/web, stream web/web/abc):",
                "    | Error: no DATABASE_URL",
            ]
        );
        assert_eq!(failing_container(&r.stopped).map(|(_, c)| c), Some("web"));
    }
}
