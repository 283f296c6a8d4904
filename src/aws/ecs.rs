//! ECS and CloudWatch Logs calls of the failure diagnosis (JSON 1.1 through
//! [`super::api`]): a service's events and deployments, its stopped tasks
//! and their containers' exit codes, the log configuration of a task
//! definition, and the last lines of a log stream.

use serde_json::{json, Value};

use super::api::{ECS, LOGS};
use super::{ApiError, Aws};

/// A service as DescribeServices reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceState {
    /// The service's ARN.
    pub arn: String,
    /// The service's name.
    pub name: String,
    /// Its cluster's ARN.
    pub cluster: String,
    /// `ACTIVE`, `DRAINING`, `INACTIVE`.
    pub status: String,
    /// Its current task definition's ARN.
    pub task_definition: String,
    /// `(createdAt, message)` of its newest events, newest first.
    pub events: Vec<(f64, String)>,
    /// Its deployments.
    pub deployments: Vec<Deployment>,
    /// The target groups it registers tasks with.
    pub target_groups: Vec<String>,
}

/// One deployment of a service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deployment {
    /// `PRIMARY`, `ACTIVE`, `INACTIVE`.
    pub status: String,
    /// `COMPLETED`, `FAILED`, `IN_PROGRESS`.
    pub rollout_state: String,
    /// Why, e.g. "ECS deployment circuit breaker: tasks failed to start.".
    pub rollout_state_reason: Option<String>,
    /// When it was created (seconds since the epoch).
    pub created_at: f64,
    /// Its task definition's ARN.
    pub task_definition: String,
    /// How many of its tasks failed to start.
    pub failed_tasks: i64,
}

/// A stopped task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoppedTask {
    /// The task's ARN.
    pub arn: String,
    /// Its task definition's ARN.
    pub task_definition: String,
    /// ECS's reason, e.g. "Essential container in task exited".
    pub stopped_reason: Option<String>,
    /// `TaskFailedToStart`, `EssentialContainerExited`, ...
    pub stop_code: Option<String>,
    /// Its containers.
    pub containers: Vec<ContainerExit>,
}

/// How a container of a stopped task ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerExit {
    /// The container's name.
    pub name: String,
    /// Its exit code, when it ran.
    pub exit_code: Option<i64>,
    /// Why it stopped, e.g. `CannotPullContainerError: ...`.
    pub reason: Option<String>,
}

/// Where a container's logs go (the `awslogs` driver).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTarget {
    /// The container's name.
    pub container: String,
    /// `awslogs-group`.
    pub group: String,
    /// `awslogs-stream-prefix`, when set (the stream is then `prefix/container/task-id`).
    pub stream_prefix: Option<String>,
}

fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

impl ServiceState {
    fn from_json(s: &Value) -> ServiceState {
        ServiceState {
            arn: text(&s["serviceArn"]).unwrap_or_default(),
            name: text(&s["serviceName"]).unwrap_or_default(),
            cluster: text(&s["clusterArn"]).unwrap_or_default(),
            status: text(&s["status"]).unwrap_or_default(),
            task_definition: text(&s["taskDefinition"]).unwrap_or_default(),
            events: s["events"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .filter_map(|e| Some((e["createdAt"].as_f64().unwrap_or_default(), text(&e["message"])?)))
                        .collect()
                })
                .unwrap_or_default(),
            deployments: s["deployments"]
                .as_array()
                .map(|d| {
                    d.iter()
                        .map(|d| Deployment {
                            status: text(&d["status"]).unwrap_or_default(),
                            rollout_state: text(&d["rolloutState"]).unwrap_or_default(),
                            rollout_state_reason: text(&d["rolloutStateReason"]),
                            created_at: d["createdAt"].as_f64().unwrap_or_default(),
                            task_definition: text(&d["taskDefinition"]).unwrap_or_default(),
                            failed_tasks: d["failedTasks"].as_i64().unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            target_groups: s["loadBalancers"]
                .as_array()
                .map(|l| l.iter().filter_map(|l| text(&l["targetGroupArn"])).collect())
                .unwrap_or_default(),
        }
    }
}

impl StoppedTask {
    fn from_json(t: &Value) -> StoppedTask {
        StoppedTask {
            arn: text(&t["taskArn"]).unwrap_or_default(),
            task_definition: text(&t["taskDefinitionArn"]).unwrap_or_default(),
            stopped_reason: text(&t["stoppedReason"]),
            stop_code: text(&t["stopCode"]),
            containers: t["containers"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .map(|c| ContainerExit {
                            name: text(&c["name"]).unwrap_or_default(),
                            exit_code: c["exitCode"].as_i64(),
                            reason: text(&c["reason"]),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

impl Aws {
    /// A service (ECS DescribeServices); `None` when ECS does not know it.
    pub async fn service_state(&self, cluster: &str, service: &str) -> Result<Option<ServiceState>, ApiError> {
        let out =
            self.api().json(&ECS, "DescribeServices", json!({ "cluster": cluster, "services": [service] })).await?;
        Ok(out["services"].as_array().and_then(|s| s.first()).map(ServiceState::from_json))
    }

    /// Up to `limit` stopped tasks of a service, newest first (ListTasks
    /// `desiredStatus=STOPPED`, then DescribeTasks). ECS keeps stopped tasks
    /// for about an hour.
    pub async fn stopped_tasks(
        &self,
        cluster: &str,
        service: &str,
        limit: usize,
    ) -> Result<Vec<StoppedTask>, ApiError> {
        let input =
            json!({ "cluster": cluster, "serviceName": service, "desiredStatus": "STOPPED", "maxResults": 100 });
        let listed = self.api().json(&ECS, "ListTasks", input).await?;
        let arns: Vec<Value> = listed["taskArns"].as_array().cloned().unwrap_or_default();
        if arns.is_empty() {
            return Ok(Vec::new());
        }
        let arns: Vec<Value> = arns.into_iter().take(100).collect();
        let described = self.api().json(&ECS, "DescribeTasks", json!({ "cluster": cluster, "tasks": arns })).await?;
        let mut tasks: Vec<(f64, StoppedTask)> = described["tasks"]
            .as_array()
            .map(|t| {
                t.iter().map(|t| (t["stoppedAt"].as_f64().unwrap_or_default(), StoppedTask::from_json(t))).collect()
            })
            .unwrap_or_default();
        tasks.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(tasks.into_iter().map(|(_, t)| t).take(limit).collect())
    }

    /// Where each container of a task definition logs (DescribeTaskDefinition).
    pub async fn log_targets(&self, task_definition: &str) -> Result<Vec<LogTarget>, ApiError> {
        let out = self.api().json(&ECS, "DescribeTaskDefinition", json!({ "taskDefinition": task_definition })).await?;
        Ok(out["taskDefinition"]["containerDefinitions"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter(|c| c["logConfiguration"]["logDriver"] == "awslogs")
                    .filter_map(|c| {
                        let options = &c["logConfiguration"]["options"];
                        Some(LogTarget {
                            container: text(&c["name"])?,
                            group: text(&options["awslogs-group"])?,
                            stream_prefix: text(&options["awslogs-stream-prefix"]),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The last `lines` messages of a log stream (CloudWatch Logs
    /// GetLogEvents from the end), oldest first; `None` when the stream does
    /// not exist.
    pub async fn last_log_lines(
        &self,
        group: &str,
        stream: &str,
        lines: usize,
    ) -> Result<Option<Vec<String>>, ApiError> {
        let input = json!({ "logGroupName": group, "logStreamName": stream, "limit": lines, "startFromHead": false });
        match self.api().json(&LOGS, "GetLogEvents", input).await {
            Ok(out) => Ok(Some(
                out["events"]
                    .as_array()
                    .map(|e| e.iter().filter_map(|e| e["message"].as_str().map(|m| m.trim_end().to_owned())).collect())
                    .unwrap_or_default(),
            )),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(None),
            Err(e) => Err(e),
        }
    }
}
