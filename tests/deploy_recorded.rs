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
            vec![Answer::ok(format!(
                "<CreateChangeSetResponse><CreateChangeSetResult><Id>{CHANGE_SET_ARN}</Id><StackId>{STACK_ARN}</StackId>\
                 </CreateChangeSetResult></CreateChangeSetResponse>"
            ))],
        ),
        (
            "DescribeChangeSet",
            vec![Answer::ok(format!(
                "<DescribeChangeSetResponse><DescribeChangeSetResult><ChangeSetName>rcdk-1</ChangeSetName>\
                 <ChangeSetId>{CHANGE_SET_ARN}</ChangeSetId><StackId>{STACK_ARN}</StackId><StackName>deploy-small</StackName>\
                 <Status>FAILED</Status><StatusReason>{reason}</StatusReason><ExecutionStatus>UNAVAILABLE</ExecutionStatus>\
                 <Changes/></DescribeChangeSetResult></DescribeChangeSetResponse>"
            ))],
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
    let events = endpoint.bodies("DescribeEvents");
    assert_eq!(events.len(), 1, "{:?}", endpoint.actions());
    assert!(events[0].contains("Filters.FailedEvents=true"), "{}", events[0]);
    assert!(endpoint.actions().contains(&"DeleteChangeSet".to_owned()), "the failed change set is removed");
}
