//! What rcdk prints for AWS answers moto_server cannot give, tested against
//! recorded responses of the documented shapes (`support::recorded`): each
//! test cites the API reference page the shape follows.

#![cfg(feature = "aws")]

mod support;

use std::process::{Command, Stdio};

use support::moto::FAKE_AWS_ENV;
use support::recorded::{caller_identity, query_error, query_ok, Answer, Recorded};
use support::{root, text};

const ACCOUNT: &str = "123456789012";
const STACK_ARN: &str = "arn:aws:cloudformation:eu-west-1:123456789012:stack/deploy-small/1";
const CHANGE_SET_ARN: &str = "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/rcdk-1/1";

/// CreateChangeSet's answer: the change set and stack ARNs.
fn created_change_set() -> Answer {
    Answer::ok(format!(
        "<CreateChangeSetResponse><CreateChangeSetResult><Id>{CHANGE_SET_ARN}</Id><StackId>{STACK_ARN}</StackId>\
         </CreateChangeSetResult></CreateChangeSetResponse>"
    ))
}

/// DescribeChangeSet's answer with `fields` (status, reason, changes).
fn described_change_set(fields: &str) -> Answer {
    Answer::ok(format!(
        "<DescribeChangeSetResponse><DescribeChangeSetResult><ChangeSetName>rcdk-1</ChangeSetName>\
         <ChangeSetId>{CHANGE_SET_ARN}</ChangeSetId><StackId>{STACK_ARN}</StackId><StackName>deploy-small</StackName>\
         {fields}</DescribeChangeSetResult></DescribeChangeSetResponse>"
    ))
}

/// `rcdk ARGS` against the recorded endpoint.
fn rcdk(endpoint: &Recorded, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rcdk"))
        .current_dir(root())
        .args(args)
        .args(["--endpoint-url", endpoint.url()])
        .envs(FAKE_AWS_ENV.iter().copied())
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("rcdk runs");
    let (o, e) = text(&out);
    (out.status.code(), o, e)
}

/// CreateChangeSet fails CloudFormation's early validation (since November
/// 2025): the change set's StatusReason only says a validation failed; rcdk
/// reads the details with DescribeEvents (FailedEvents) and prints them,
/// then removes the change set and the stack it created.
///
/// Shapes: DescribeChangeSet
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html),
/// DescribeEvents / OperationEvent
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html,
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_OperationEvent.html);
/// the reason and validation text as aws-cloudformation/rain#744 quotes them.
#[test]
fn early_validation_details_are_printed_when_the_change_set_fails() {
    let reason = "The following hook(s)/validation failed: [AWS::EarlyValidation::ResourceExistenceCheck]. \
                  To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure information.";
    let endpoint = Recorded::start(vec![
        ("GetCallerIdentity", vec![caller_identity(ACCOUNT)]),
        (
            "DescribeStacks",
            vec![query_error("ValidationError", "Stack with id deploy-small does not exist")],
        ),
        (
            "CreateChangeSet",
            vec![created_change_set()],
        ),
        (
            "DescribeChangeSet",
            vec![described_change_set(&format!("<Status>FAILED</Status><StatusReason>{reason}</StatusReason><ExecutionStatus>UNAVAILABLE</ExecutionStatus><Changes/>"))],
        ),
        (
            "DescribeEvents",
            vec![Answer::ok(format!(
                "<DescribeEventsResponse><DescribeEventsResult><OperationEvents><member>\
                 <EventId>e1</EventId><StackId>{STACK_ARN}</StackId><OperationId>op-1</OperationId>\
                 <OperationType>CREATE_CHANGESET</OperationType><EventType>VALIDATION_ERROR</EventType>\
                 <LogicalResourceId>VpcFlowLogsBucket</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType>\
                 <ValidationFailureMode>FAIL</ValidationFailureMode><ValidationName>NAME_CONFLICT_VALIDATION</ValidationName>\
                 <ValidationStatus>FAILED</ValidationStatus>\
                 <ValidationStatusReason>Resource of type 'AWS::S3::Bucket' with identifier 'deploy-small-logs' already exists.</ValidationStatusReason>\
                 <ValidationPath>/Resources/VpcFlowLogsBucket/Properties/BucketName</ValidationPath>\
                 </member></OperationEvents></DescribeEventsResult></DescribeEventsResponse>"
            ))],
        ),
        ("DeleteChangeSet", vec![query_ok("DeleteChangeSet")]),
        ("DeleteStack", vec![query_ok("DeleteStack")]),
    ]);
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let (code, o, e) = rcdk(&endpoint, &["deploy", app.to_str().expect("utf-8"), "--yes"]);
    assert_eq!(code, Some(1), "{o}\n{e}");
    assert!(e.contains(&format!("error: the change set for stack `deploy-small` failed: {reason}\n")), "{e}");
    assert!(
        e.contains(
            "\n  VpcFlowLogsBucket (AWS::S3::Bucket) NAME_CONFLICT_VALIDATION at /Resources/VpcFlowLogsBucket/Properties/BucketName: \
             Resource of type 'AWS::S3::Bucket' with identifier 'deploy-small-logs' already exists.\n"
        ),
        "{e}"
    );
    assert!(e.contains("help: fix what the validation names"), "{e}");
    // The change set request as the Query protocol spells it
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html).
    let create = endpoint.bodies("CreateChangeSet");
    assert_eq!(create.len(), 1, "{:?}", endpoint.actions());
    for field in [
        "Action=CreateChangeSet&Version=2010-05-15",
        "&StackName=deploy-small&",
        "&ChangeSetType=CREATE&",
        "&Description=created%20by%20rcdk%20deploy&",
        "&TemplateBody=",
        "Tags.member.1.Key=team&Tags.member.1.Value=platform",
    ] {
        assert!(create[0].contains(field), "{field} in {}", create[0]);
    }
    let events = endpoint.bodies("DescribeEvents");
    assert_eq!(events.len(), 1, "{:?}", endpoint.actions());
    assert!(events[0].contains("Filters.FailedEvents=true"), "{}", events[0]);
    assert!(endpoint.actions().contains(&"DeleteChangeSet".to_owned()), "the failed change set is removed");
}

/// CloudFormation's endpoint can be set apart from the others'
/// (`AWS_ENDPOINT_URL_CLOUDFORMATION`, the SDKs' service-specific endpoint
/// variable: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html):
/// every CloudFormation call goes there, STS to its own, and messages name it.
#[test]
fn cloudformation_calls_go_to_its_own_endpoint_variable() {
    let cfn = Recorded::start(vec![(
        "DescribeStacks",
        vec![query_error("ValidationError", "Stack with id deploy-small does not exist")],
    )]);
    let sts = Recorded::start(vec![("GetCallerIdentity", vec![caller_identity(ACCOUNT)])]);
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_rcdk"))
        .current_dir(root())
        .args(["destroy", app.to_str().expect("utf-8"), "--stack", "deploy-small", "--yes"])
        .envs(FAKE_AWS_ENV.iter().copied())
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env("AWS_ENDPOINT_URL_CLOUDFORMATION", cfn.url())
        .env("AWS_ENDPOINT_URL_STS", sts.url())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("rcdk runs");
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains(&format!("stack deploy-small does not exist in {}: nothing to delete", cfn.url())), "{o}");
    assert_eq!(cfn.actions(), ["DescribeStacks"]);
    assert!(
        cfn.bodies("DescribeStacks")[0].starts_with("Action=DescribeStacks&Version=2010-05-15&StackName=deploy-small")
    );
    assert!(!sts.actions().contains(&"DescribeStacks".to_owned()), "{:?}", sts.actions());
}

fn describe_stacks(status: &str, termination_protection: bool) -> Answer {
    Answer::ok(format!(
        "<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackId>{STACK_ARN}</StackId>\
         <StackName>deploy-small</StackName><StackStatus>{status}</StackStatus>\
         <CreationTime>2026-01-01T00:00:00Z</CreationTime>\
         <EnableTerminationProtection>{termination_protection}</EnableTerminationProtection>\
         </member></Stacks></DescribeStacksResult></DescribeStacksResponse>"
    ))
}

fn stack_resources(rows: &[(&str, &str, &str, &str, &str)]) -> Answer {
    let members: String = rows
        .iter()
        .map(|(logical, physical, ty, status, reason)| {
            format!(
                "<member><LogicalResourceId>{logical}</LogicalResourceId><PhysicalResourceId>{physical}</PhysicalResourceId>\
                 <ResourceType>{ty}</ResourceType><ResourceStatus>{status}</ResourceStatus>\
                 <ResourceStatusReason>{reason}</ResourceStatusReason>\
                 <LastUpdatedTimestamp>2026-01-01T00:00:00Z</LastUpdatedTimestamp></member>"
            )
        })
        .collect();
    Answer::ok(format!(
        "<ListStackResourcesResponse><ListStackResourcesResult><StackResourceSummaries>{members}\
         </StackResourceSummaries></ListStackResourcesResult></ListStackResourcesResponse>"
    ))
}

/// Stack termination protection (moto 5.2.5 reports none): refused before
/// anything is deleted, with the command and the flag.
/// Shape: DescribeStacks `EnableTerminationProtection`
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html).
#[test]
fn termination_protection_is_refused_with_the_command() {
    let endpoint = Recorded::start(vec![
        ("GetCallerIdentity", vec![caller_identity(ACCOUNT)]),
        ("DescribeStacks", vec![describe_stacks("CREATE_COMPLETE", true)]),
        ("ListStackResources", vec![stack_resources(&[("Vpc", "vpc-1", "AWS::EC2::VPC", "CREATE_COMPLETE", "")])]),
        ("GetTemplate", vec![Answer::ok("<GetTemplateResponse><GetTemplateResult><TemplateBody>Resources: {}</TemplateBody></GetTemplateResult></GetTemplateResponse>")]),
    ]);
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let (code, o, e) = rcdk(&endpoint, &["destroy", app.to_str().expect("utf-8"), "--stack", "deploy-small", "--yes"]);
    assert_eq!(code, Some(1), "{o}\n{e}");
    assert!(
        e.contains("error: stack `deploy-small`: the stack has termination protection: CloudFormation refuses to delete it [stack:termination-protection]"),
        "{e}"
    );
    assert!(
        e.contains("help: `aws cloudformation update-termination-protection --stack-name deploy-small --no-enable-termination-protection --region eu-west-1`"),
        "{e}"
    );
    assert!(!endpoint.actions().contains(&"DeleteStack".to_owned()), "nothing deleted: {:?}", endpoint.actions());
}

/// A deletion that ends DELETE_FAILED (moto 5.2.5 fails DeleteStack itself
/// instead): each failed resource with its reason and the command that
/// unblocks it, and what the DeletionPolicy keeps; exit 1.
/// Shapes: ListStackResources / StackResourceSummary
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceSummary.html),
/// DescribeStackEvents; the reason is EC2's DependencyViolation text.
#[test]
fn a_failed_deletion_names_what_blocks_it() {
    let reason = "The subnet 'subnet-0a1' has dependencies and cannot be deleted.";
    let endpoint = Recorded::start(vec![
        ("GetCallerIdentity", vec![caller_identity(ACCOUNT)]),
        ("DescribeStacks", vec![describe_stacks("CREATE_COMPLETE", false), describe_stacks("DELETE_FAILED", false)]),
        (
            "ListStackResources",
            vec![
                stack_resources(&[
                    ("VpcPrivateSubnet1Subnet", "subnet-0a1", "AWS::EC2::Subnet", "CREATE_COMPLETE", ""),
                    ("Logs", "deploy-small-logs", "AWS::S3::Bucket", "CREATE_COMPLETE", ""),
                ]),
                stack_resources(&[
                    ("VpcPrivateSubnet1Subnet", "subnet-0a1", "AWS::EC2::Subnet", "DELETE_FAILED", reason),
                    ("Logs", "deploy-small-logs", "AWS::S3::Bucket", "DELETE_SKIPPED", ""),
                ]),
            ],
        ),
        (
            "GetTemplate",
            vec![Answer::ok(
                "<GetTemplateResponse><GetTemplateResult><TemplateBody>Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n  VpcPrivateSubnet1Subnet:\n    Type: AWS::EC2::Subnet\n</TemplateBody></GetTemplateResult></GetTemplateResponse>",
            )],
        ),
        (
            "DescribeStackEvents",
            vec![Answer::ok(format!(
                "<DescribeStackEventsResponse><DescribeStackEventsResult><StackEvents><member><EventId>e2</EventId>\
                 <StackId>{STACK_ARN}</StackId><StackName>deploy-small</StackName><LogicalResourceId>VpcPrivateSubnet1Subnet</LogicalResourceId>\
                 <PhysicalResourceId>subnet-0a1</PhysicalResourceId><ResourceType>AWS::EC2::Subnet</ResourceType>\
                 <Timestamp>2026-01-01T00:01:00Z</Timestamp><ResourceStatus>DELETE_FAILED</ResourceStatus>\
                 <ResourceStatusReason>{reason}</ResourceStatusReason></member></StackEvents></DescribeStackEventsResult></DescribeStackEventsResponse>"
            ))],
        ),
        ("DeleteStack", vec![query_ok("DeleteStack")]),
    ]);
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let (code, o, e) = rcdk(&endpoint, &["destroy", app.to_str().expect("utf-8"), "--stack", "deploy-small", "--yes"]);
    assert_eq!(code, Some(1), "{o}\n{e}");
    assert!(o.contains("except 1 kept by its DeletionPolicy"), "{o}");
    assert!(e.contains("error: deleting stack `deploy-small` ended in DELETE_FAILED:"), "{e}");
    assert!(
        e.contains(&format!(
            "what blocks it:\n  VpcPrivateSubnet1Subnet (AWS::EC2::Subnet subnet-0a1): {reason}\n    unblock: something outside the stack \
             still uses it: list what with `aws ec2 describe-network-interfaces --filters Name=subnet-id,Values=subnet-0a1 --region eu-west-1`"
        )),
        "{e}"
    );
    assert!(
        e.contains(
            "kept by their DeletionPolicy whatever happens:\n  Logs (AWS::S3::Bucket deploy-small-logs, Retain)"
        ),
        "{e}"
    );
    assert!(e.contains("help: the stack is left in DELETE_FAILED; `rcdk destroy "), "{e}");
}

/// A service whose tasks keep failing: the deployment circuit breaker fails
/// the deployment while CloudFormation still shows UPDATE_IN_PROGRESS. rcdk
/// stops waiting at once (exit 1) and prints the root cause: the rollout
/// reason, the service's events, the stopped task's reason and container
/// exit code, the unhealthy target, and the failing container's last log
/// lines (its stream from the task definition's `awslogs` options). moto
/// 5.2.5 keeps no service events and sets no `stoppedReason` on its own, so
/// this is recorded responses of the documented shapes:
/// DescribeServices (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html,
/// `Deployment.rolloutState`/`rolloutStateReason`), ListTasks, DescribeTasks
/// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html, `stoppedReason`,
/// `stopCode`, `containers[].exitCode`), DescribeTaskDefinition, DescribeTargetHealth
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html),
/// GetLogEvents (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
#[test]
fn a_tripped_circuit_breaker_stops_the_wait_and_shows_the_root_cause() {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs_f64();
    let service = "arn:aws:ecs:eu-west-1:123456789012:service/prod-Cluster/web";
    let task = "arn:aws:ecs:eu-west-1:123456789012:task/prod-Cluster/0f3e7a";
    let tg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-tg/73e2d6bc24d8a067";
    let services = serde_json::json!({"services": [{
        "serviceArn": service, "serviceName": "web", "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-Cluster",
        "status": "ACTIVE", "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4",
        "loadBalancers": [{"targetGroupArn": tg, "containerName": "web", "containerPort": 8080}],
        "deployments": [
            {"id": "ecs-svc/2", "status": "PRIMARY", "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4",
             "createdAt": now, "rolloutState": "FAILED", "failedTasks": 3,
             "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start."},
            {"id": "ecs-svc/1", "status": "ACTIVE", "createdAt": now - 86400.0, "rolloutState": "COMPLETED"}
        ],
        "events": [
            {"id": "e2", "createdAt": now, "message": "(service web) deployment ecs-svc/2 deployment failed: tasks failed to start."},
            {"id": "e1", "createdAt": now - 60.0, "message": "(service web) has started 1 tasks: (task 0f3e7a)."}
        ]
    }], "failures": []});
    let endpoint = Recorded::start(vec![
        ("GetCallerIdentity", vec![caller_identity(ACCOUNT)]),
        ("DescribeStacks", vec![describe_stacks("UPDATE_COMPLETE", false), describe_stacks("UPDATE_IN_PROGRESS", false)]),
        (
            "CreateChangeSet",
            vec![created_change_set()],
        ),
        (
            "DescribeChangeSet",
            vec![described_change_set(
                "<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus><Changes><member>\
                 <Type>Resource</Type><ResourceChange><Action>Modify</Action><LogicalResourceId>WebService</LogicalResourceId>\
                 <ResourceType>AWS::ECS::Service</ResourceType><Replacement>False</Replacement></ResourceChange></member></Changes>",
            )],
        ),
        ("GetTemplate", vec![Answer::ok("<GetTemplateResponse><GetTemplateResult><TemplateBody>Resources: {}</TemplateBody></GetTemplateResult></GetTemplateResponse>")]),
        ("DescribeStackEvents", vec![Answer::ok("<DescribeStackEventsResponse><DescribeStackEventsResult><StackEvents/></DescribeStackEventsResult></DescribeStackEventsResponse>")]),
        ("ExecuteChangeSet", vec![query_ok("ExecuteChangeSet")]),
        ("ListStackResources", vec![stack_resources(&[("WebService", service, "AWS::ECS::Service", "UPDATE_IN_PROGRESS", "")])]),
        ("DescribeServices", vec![Answer::ok(services.to_string())]),
        ("ListTasks", vec![Answer::ok(serde_json::json!({"taskArns": [task]}).to_string())]),
        (
            "DescribeTasks",
            vec![Answer::ok(
                serde_json::json!({"tasks": [{
                    "taskArn": task, "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4",
                    "lastStatus": "STOPPED", "stopCode": "EssentialContainerExited", "stoppedAt": now,
                    "stoppedReason": "Essential container in task exited",
                    "containers": [{"name": "web", "exitCode": 1, "lastStatus": "STOPPED"}]
                }], "failures": []})
                .to_string(),
            )],
        ),
        (
            "DescribeTaskDefinition",
            vec![Answer::ok(
                serde_json::json!({"taskDefinition": {"containerDefinitions": [{"name": "web",
                    "logConfiguration": {"logDriver": "awslogs", "options": {
                        "awslogs-group": "/ecs/prod/web", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web"}}}]}})
                .to_string(),
            )],
        ),
        (
            "DescribeTargetHealth",
            vec![Answer::ok(
                "<DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions><member>\
                 <Target><Id>i-0abc</Id><Port>32768</Port></Target><HealthCheckPort>32768</HealthCheckPort>\
                 <TargetHealth><State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason>\
                 <Description>Health checks failed with these codes: [502]</Description></TargetHealth>\
                 </member></TargetHealthDescriptions></DescribeTargetHealthResult></DescribeTargetHealthResponse>",
            )],
        ),
        (
            "GetLogEvents",
            vec![Answer::ok(
                serde_json::json!({"events": [
                    {"timestamp": 1, "message": "starting on port 8080"},
                    {"timestamp": 2, "message": "Error: DATABASE_URL is not set\n"}
                ], "nextForwardToken": "f", "nextBackwardToken": "b"})
                .to_string(),
            )],
        ),
    ]);
    let app = root().join("tests/fixtures/deploy-small.yaml");
    let started = std::time::Instant::now();
    let (code, o, e) = rcdk(&endpoint, &["deploy", app.to_str().expect("utf-8"), "--yes"]);
    assert_eq!(code, Some(1), "{o}\n{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "it stops waiting");
    for expected in [
        "error: stack `deploy-small`: the deployment circuit breaker failed the deployment of service `web` \
         (ECS deployment circuit breaker: tasks failed to start.); CloudFormation rolls the stack back on its own, so rcdk stopped waiting\n",
        "service `web` (cluster `prod-Cluster`):\n  deployment FAILED: ECS deployment circuit breaker: tasks failed to start.\n",
        "  recent events:\n    (service web) has started 1 tasks: (task 0f3e7a).\n    (service web) deployment ecs-svc/2 deployment failed: tasks failed to start.\n",
        "  stopped task 0f3e7a (web:4): Essential container in task exited [EssentialContainerExited]\n    container `web`: exit code 1\n",
        "  target group web-tg: target i-0abc:32768 unhealthy: Target.ResponseCodeMismatch (Health checks failed with these codes: [502])\n",
        "  last 2 line(s) of container `web` (log group /ecs/prod/web, stream web/web/0f3e7a):\n    | starting on port 8080\n    | Error: DATABASE_URL is not set\n",
        "help: follow it with `aws cloudformation describe-stacks --stack-name deploy-small`",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in:\n{e}");
    }
    let logs = endpoint.bodies("GetLogEvents");
    assert!(logs[0].contains("\"logStreamName\":\"web/web/0f3e7a\""), "{logs:?}");
    assert!(endpoint.bodies("ListTasks")[0].contains("\"desiredStatus\":\"STOPPED\""));
}
