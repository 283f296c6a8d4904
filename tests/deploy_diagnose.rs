//! The failure diagnosis (issue 25, point 2) against a real moto_server:
//! the plumbing — from a deployed stack to its ECS service, its stopped
//! tasks and their `stoppedReason`, the task definition's log configuration
//! and the failing container's log stream. moto 5.2.5 keeps no service
//! events and starts no tasks for a service, so the test starts a task of
//! the service's task definition itself (RunTask), stops it with a reason
//! (StopTask) and writes its log stream; the rendering of the documented
//! shapes moto does not produce (events, exit codes, target health, the
//! circuit breaker) is tested with recorded responses in
//! `tests/deploy_recorded.rs`.

#![cfg(feature = "aws")]

mod support;

use serde_json::json;
use support::moto::{Moto, FAKE_AWS_ENV};
use support::text;

const REGION: &str = "eu-west-1";

const APP: &str = "\
stacks:
  - name: diag
    region: eu-west-1
    vpc: {cidr: 10.80.0.0/16, max_azs: 2, nat_gateways: 1}
    cluster: {instance_type: t3.small}
    repositories:
      diag-web: {}
    services:
      web:
        image: {repository: diag-web, tag: 1.0.0}
        container_port: 80
        memory_mib: 256
";

#[test]
fn stopped_tasks_and_the_failing_containers_log_are_found_from_the_stack() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("app.yaml"), APP).expect("write app");
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--stage", "repositories", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    moto.push_image(REGION, "diag-web", "1.0.0");
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}\n{}", text(&out), moto.log());

    let ecs = |target: &str, body: serde_json::Value| {
        moto.call("ecs", REGION, &format!("AmazonEC2ContainerServiceV20141113.{target}"), &body)
    };
    let service = moto.physical_id(REGION, "diag", "AWS::ECS::Service");
    let cluster = moto.physical_id(REGION, "diag", "AWS::ECS::Cluster");
    let described = ecs("DescribeServices", json!({"cluster": cluster, "services": [service]}));
    let task_definition = described["services"][0]["taskDefinition"].as_str().expect("task definition").to_owned();
    let run = ecs(
        "RunTask",
        json!({"cluster": cluster, "taskDefinition": task_definition, "launchType": "FARGATE", "startedBy": "ecs-svc/1"}),
    );
    let task = run["tasks"][0]["taskArn"].as_str().expect("task").to_owned();
    let task_id = task.rsplit('/').next().expect("id").to_owned();
    ecs("StopTask", json!({"cluster": cluster, "task": task, "reason": "Essential container in task exited"}));

    // The container's log stream, where the awslogs driver would write it.
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64;
    let definition = ecs("DescribeTaskDefinition", json!({"taskDefinition": task_definition}));
    let container = &definition["taskDefinition"]["containerDefinitions"][0];
    let name = container["name"].as_str().expect("name");
    let options = &container["logConfiguration"]["options"];
    let group = options["awslogs-group"].as_str().expect("log group");
    let stream = format!("{}/{name}/{task_id}", options["awslogs-stream-prefix"].as_str().expect("prefix"));
    moto.call(
        "logs",
        REGION,
        "Logs_20140328.CreateLogStream",
        &json!({"logGroupName": group, "logStreamName": stream}),
    );
    moto.call(
        "logs",
        REGION,
        "Logs_20140328.PutLogEvents",
        &json!({"logGroupName": group, "logStreamName": stream,
                "logEvents": [{"timestamp": now_ms, "message": "panic: cannot bind :80"}]}),
    );

    for (k, v) in FAKE_AWS_ENV {
        std::env::set_var(k, v);
    }
    let args = rcdk::cli::AwsArgs { region: None, profile: None, endpoint_url: Some(moto.url()) };
    let runtime = rcdk::aws::runtime().expect("runtime");
    let lines = runtime.block_on(async {
        let aws = rcdk::aws::Aws::connect(&args, Some(REGION)).await.expect("session");
        let found = rcdk::deploy::diagnose::services(&aws, "diag", &[]).await;
        assert_eq!(found, vec![(cluster.clone(), service.clone())], "the stack's service and its cluster");
        rcdk::deploy::diagnose::render(&rcdk::deploy::diagnose::service(&aws, &cluster, &service).await)
    });
    let text = lines.join("\n");
    assert!(text.starts_with("service `"), "{text}");
    assert!(text.contains(&format!("  stopped task {task_id} (")), "{text}");
    assert!(text.contains("): Essential container in task exited"), "{text}");
    assert!(
        text.contains(&format!("  last 1 line(s) of container `{name}` (log group {group}, stream {stream}):\n    | panic: cannot bind :80")),
        "{text}"
    );
}
