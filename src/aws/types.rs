//! The plain types commands see instead of the wire's, and their readers
//! of CloudFormation's documented answer shapes (Query protocol: lists are
//! `<member>` elements; each reader's doc comment names its API page).

use super::xml::Element;

/// A deployed stack, as DescribeStacks reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackInfo {
    /// The stack ID (ARN).
    pub id: String,
    /// The stack name.
    pub name: String,
    /// Its status, e.g. `UPDATE_COMPLETE`.
    pub status: String,
    /// Why it is in that status, when CloudFormation says.
    pub status_reason: Option<String>,
    /// `(key, value)` of each output.
    pub outputs: Vec<(String, String)>,
    /// `(key, value)` of each parameter.
    pub parameters: Vec<(String, String)>,
    /// Whether termination protection is on (DeleteStack is refused).
    pub termination_protection: bool,
}

impl StackInfo {
    /// Reads one `Stack` of a DescribeStacks answer
    /// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html>).
    pub(super) fn read(s: &Element) -> StackInfo {
        let pairs = |list: &str, key: &str, value: &str| -> Vec<(String, String)> {
            s.list(list)
                .into_iter()
                .map(|e| (e.text_of(key).unwrap_or_else(|| "?".to_owned()), e.string_of(value).unwrap_or_default()))
                .collect()
        };
        StackInfo {
            id: s.text_of("StackId").unwrap_or_default(),
            name: s.text_of("StackName").unwrap_or_default(),
            status: s.text_of("StackStatus").unwrap_or_default(),
            status_reason: s.string_of("StackStatusReason"),
            outputs: pairs("Outputs", "OutputKey", "OutputValue"),
            parameters: pairs("Parameters", "ParameterKey", "ParameterValue"),
            termination_protection: s.text_of("EnableTerminationProtection").is_some_and(|v| v == "true"),
        }
    }
}

/// One `Parameter` of a stack: its key and what CloudFormation resolved it
/// to (`ResolvedValue`, set for SSM-typed parameters)
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html>).
pub(super) fn resolved_parameter(p: &Element) -> (String, Option<String>) {
    (p.text_of("ParameterKey").unwrap_or_else(|| "?".to_owned()), p.string_of("ResolvedValue"))
}

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackEvent {
    /// The event ID.
    pub id: String,
    /// The resource's logical ID (the stack's name for stack events).
    pub logical_id: String,
    /// The resource's physical ID, when it has one.
    pub physical_id: Option<String>,
    /// The resource type.
    pub resource_type: String,
    /// The resource status, e.g. `CREATE_FAILED`.
    pub status: String,
    /// Why, when CloudFormation says.
    pub reason: Option<String>,
}

impl StackEvent {
    /// Reads one `StackEvent` of a DescribeStackEvents answer
    /// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html>).
    pub(super) fn read(e: &Element) -> StackEvent {
        StackEvent {
            id: e.text_of("EventId").unwrap_or_default(),
            logical_id: e.text_of("LogicalResourceId").unwrap_or_default(),
            physical_id: e.text_of("PhysicalResourceId"),
            resource_type: e.text_of("ResourceType").unwrap_or_default(),
            status: e.text_of("ResourceStatus").unwrap_or_default(),
            reason: e.text_of("ResourceStatusReason"),
        }
    }
}

/// Where CloudFormation reads the template from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// `TemplateBody`, for bodies up to 51,200 bytes.
    Body(String),
    /// `TemplateURL` of an uploaded object.
    Url(String),
}

/// A change set to create.
#[derive(Debug, Clone)]
pub struct ChangeSetRequest {
    /// The stack name.
    pub stack: String,
    /// The change set name.
    pub name: String,
    /// CREATE (a new stack, or a `REVIEW_IN_PROGRESS` leftover) when true, UPDATE otherwise.
    pub create: bool,
    /// The template.
    pub template: TemplateSource,
    /// Parameter values.
    pub parameters: Vec<(String, String)>,
    /// Capabilities (`CAPABILITY_IAM`, ...).
    pub capabilities: Vec<&'static str>,
    /// Stack tags.
    pub tags: Vec<(String, String)>,
    /// The CloudFormation service role (`RoleARN`), when one.
    pub role_arn: Option<String>,
}

/// A created change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetId {
    /// The change set's ARN.
    pub arn: String,
    /// The stack's ID (ARN).
    pub stack_id: String,
    /// The change set's name.
    pub name: String,
}

/// A change set as DescribeChangeSet reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetSummary {
    /// Its identity.
    pub id: ChangeSetId,
    /// The stack name.
    pub stack: String,
    /// CREATE or UPDATE, when known.
    pub change_set_type: Option<String>,
    /// The status: `CREATE_PENDING`, `CREATE_IN_PROGRESS`, `CREATE_COMPLETE`, `FAILED`, ...
    pub status: String,
    /// Why it failed, when it did.
    pub status_reason: Option<String>,
    /// `AVAILABLE` when it can be executed.
    pub execution_status: String,
    /// The resource changes, in CloudFormation's order.
    pub changes: Vec<ResourceChangeRow>,
}

/// One resource change, flattened for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChangeRow {
    /// Add, Modify, Remove, Import, Dynamic.
    pub action: String,
    /// The logical ID.
    pub logical_id: String,
    /// The resource type.
    pub resource_type: String,
    /// `True` or `Conditional` when the change replaces the resource.
    pub replacement: Option<String>,
}

/// Reads one `Change` of a DescribeChangeSet answer: its `ResourceChange`
/// (`None` for a change of another type, e.g. a hook invocation count)
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html>).
pub(super) fn row(change: &Element) -> Option<ResourceChangeRow> {
    let rc = change.child("ResourceChange")?;
    let or_unknown = |name: &str| rc.text_of(name).unwrap_or_else(|| "?".to_owned());
    Some(ResourceChangeRow {
        action: or_unknown("Action"),
        logical_id: or_unknown("LogicalResourceId"),
        resource_type: or_unknown("ResourceType"),
        replacement: rc.text_of("Replacement").filter(|r| r != "False"),
    })
}

/// Reads the last page of a DescribeChangeSet answer (`changes`: those of
/// every page); `stack` and `name_or_arn` stand in for IDs it lacks
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html>).
pub(super) fn change_set_summary(
    out: &Element,
    stack: &str,
    name_or_arn: &str,
    changes: Vec<ResourceChangeRow>,
) -> ChangeSetSummary {
    let or = |name: &str, default: &str| out.text_of(name).unwrap_or_else(|| default.to_owned());
    ChangeSetSummary {
        id: ChangeSetId {
            arn: or("ChangeSetId", name_or_arn),
            stack_id: or("StackId", stack),
            name: or("ChangeSetName", name_or_arn),
        },
        stack: stack.to_owned(),
        change_set_type: None,
        status: or("Status", ""),
        status_reason: out.string_of("StatusReason"),
        execution_status: or("ExecutionStatus", ""),
        changes,
    }
}

/// What CloudFormation (and moto) say when a change set has nothing to do.
pub fn is_no_changes_reason(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

/// One resource of a deployed stack (ListStackResources).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackResource {
    /// The logical ID.
    pub logical_id: String,
    /// The physical ID (a name, ID or ARN), when it has one.
    pub physical_id: Option<String>,
    /// The resource type.
    pub resource_type: String,
    /// Its status, e.g. `CREATE_COMPLETE`, `DELETE_FAILED`.
    pub status: String,
    /// Why, when CloudFormation says.
    pub reason: Option<String>,
}

impl StackResource {
    /// Reads one `StackResourceSummary` of a ListStackResources answer
    /// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceSummary.html>).
    pub(super) fn read(r: &Element) -> StackResource {
        StackResource {
            logical_id: r.text_of("LogicalResourceId").unwrap_or_default(),
            physical_id: r.text_of("PhysicalResourceId"),
            resource_type: r.text_of("ResourceType").unwrap_or_default(),
            status: r.text_of("ResourceStatus").unwrap_or_default(),
            reason: r.text_of("ResourceStatusReason"),
        }
    }
}

/// A failed event of an operation (DescribeEvents): an early-validation
/// failure of a change set, a hook failure, or a provisioning error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperationFailure {
    /// `VALIDATION_ERROR`, `PROVISIONING_ERROR`, `HOOK_INVOCATION_ERROR`, ...
    pub event_type: String,
    /// The validation's name, e.g. `NAME_CONFLICT_VALIDATION`.
    pub validation: Option<String>,
    /// The resource's logical ID, when the event is about one.
    pub logical_id: Option<String>,
    /// The resource type.
    pub resource_type: Option<String>,
    /// Where in the template, e.g. `/Resources/Repo/Properties/RepositoryName`.
    pub path: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

impl OperationFailure {
    /// Reads one `OperationEvent` of a DescribeEvents answer
    /// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_OperationEvent.html>).
    pub(super) fn read(e: &Element) -> OperationFailure {
        OperationFailure {
            event_type: e.text_of("EventType").unwrap_or_default(),
            validation: e.text_of("ValidationName"),
            logical_id: e.text_of("LogicalResourceId"),
            resource_type: e.text_of("ResourceType"),
            path: e.text_of("ValidationPath"),
            reason: e
                .text_of("ValidationStatusReason")
                .or_else(|| e.text_of("HookStatusReason"))
                .or_else(|| e.text_of("ResourceStatusReason")),
        }
    }
}

impl std::fmt::Display for OperationFailure {
    /// `Repo (AWS::ECR::Repository) NAME_CONFLICT_VALIDATION at /Resources/Repo/...: reason`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(l) = &self.logical_id {
            parts.push(match &self.resource_type {
                Some(t) => format!("{l} ({t})"),
                None => l.clone(),
            });
        }
        parts.push(self.validation.clone().unwrap_or_else(|| self.event_type.clone()));
        if let Some(p) = &self.path {
            parts.push(format!("at {p}"));
        }
        write!(f, "{}", parts.join(" "))?;
        if let Some(r) = &self.reason {
            write!(f, ": {r}")?;
        }
        Ok(())
    }
}

/// The readers against answers of the documented shapes (the API Reference
/// pages named on each reader; Query protocol: lists of `<member>`), as
/// CloudFormation sends them: namespaced, indented, entities escaped.
#[cfg(test)]
mod tests {
    use super::*;

    fn result(body: &str) -> Element {
        let root = Element::parse(body).expect("xml");
        let name = root.name.trim_end_matches("Response").to_owned() + "Result";
        root.child(&name).cloned().expect("result element")
    }

    const STACK: &str =
        "arn:aws:cloudformation:eu-west-1:123456789012:stack/web-prod/5f1c2a40-0000-11f0-9e1b-0a1b2c3d4e5f";

    #[test]
    fn describe_stacks_reads_outputs_parameters_and_resolved_values() {
        let body = format!(
            r#"<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult>
    <Stacks>
      <member>
        <StackName>web-prod</StackName>
        <StackId>{STACK}</StackId>
        <CreationTime>2026-11-02T10:00:00.000Z</CreationTime>
        <StackStatus>UPDATE_ROLLBACK_COMPLETE</StackStatus>
        <StackStatusReason>The following resource(s) failed to update: [Service]. &quot;x&quot; &lt; y</StackStatusReason>
        <EnableTerminationProtection>true</EnableTerminationProtection>
        <Capabilities><member>CAPABILITY_IAM</member></Capabilities>
        <Parameters>
          <member>
            <ParameterKey>AmiId</ParameterKey>
            <ParameterValue>/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id</ParameterValue>
            <ResolvedValue>ami-0abc1234def567890</ResolvedValue>
          </member>
          <member>
            <ParameterKey>Subnets</ParameterKey>
            <ParameterValue> a, b</ParameterValue>
          </member>
        </Parameters>
        <Outputs>
          <member>
            <OutputKey>Url</OutputKey>
            <OutputValue>https://web.example.com/?a=1&amp;b=2</OutputValue>
            <ExportName>web-url</ExportName>
          </member>
          <member>
            <OutputKey>Empty</OutputKey>
            <OutputValue></OutputValue>
          </member>
        </Outputs>
        <Tags><member><Key>team</Key><Value>web</Value></member></Tags>
      </member>
    </Stacks>
  </DescribeStacksResult>
  <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>
</DescribeStacksResponse>"#
        );
        let out = result(&body);
        let stack = out.list("Stacks")[0];
        let info = StackInfo::read(stack);
        assert_eq!(
            info,
            StackInfo {
                id: STACK.to_owned(),
                name: "web-prod".to_owned(),
                status: "UPDATE_ROLLBACK_COMPLETE".to_owned(),
                status_reason: Some("The following resource(s) failed to update: [Service]. \"x\" < y".to_owned()),
                outputs: vec![
                    ("Url".to_owned(), "https://web.example.com/?a=1&b=2".to_owned()),
                    ("Empty".to_owned(), String::new())
                ],
                parameters: vec![
                    (
                        "AmiId".to_owned(),
                        "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id".to_owned()
                    ),
                    ("Subnets".to_owned(), " a, b".to_owned())
                ],
                termination_protection: true,
            }
        );
        let resolved: Vec<_> = stack.list("Parameters").into_iter().map(resolved_parameter).collect();
        assert_eq!(
            resolved,
            [("AmiId".to_owned(), Some("ami-0abc1234def567890".to_owned())), ("Subnets".to_owned(), None)]
        );
        // No termination protection element: off.
        let bare =
            Element::parse("<member><StackName>a</StackName><StackStatus>CREATE_COMPLETE</StackStatus></member>")
                .expect("xml");
        let bare = StackInfo::read(&bare);
        assert!(!bare.termination_protection && bare.outputs.is_empty() && bare.status_reason.is_none());
    }

    #[test]
    fn describe_change_set_reads_changes_replacement_and_next_token() {
        let body = format!(
            r#"<DescribeChangeSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeChangeSetResult>
    <ChangeSetName>rcdk-1765100000</ChangeSetName>
    <ChangeSetId>arn:aws:cloudformation:eu-west-1:123456789012:changeSet/rcdk-1765100000/9d2e</ChangeSetId>
    <StackId>{STACK}</StackId>
    <StackName>web-prod</StackName>
    <Status>CREATE_COMPLETE</Status>
    <ExecutionStatus>AVAILABLE</ExecutionStatus>
    <Changes>
      <member>
        <Type>Resource</Type>
        <ResourceChange>
          <Action>Modify</Action>
          <LogicalResourceId>LaunchTemplate</LogicalResourceId>
          <PhysicalResourceId>lt-0123456789abcdef0</PhysicalResourceId>
          <ResourceType>AWS::EC2::LaunchTemplate</ResourceType>
          <Replacement>Conditional</Replacement>
          <Scope><member>Properties</member></Scope>
          <Details>
            <member>
              <Target><Attribute>Properties</Attribute><Name>LaunchTemplateData</Name><RequiresRecreation>Conditionally</RequiresRecreation></Target>
              <Evaluation>Dynamic</Evaluation>
              <ChangeSource>DirectModification</ChangeSource>
            </member>
          </Details>
        </ResourceChange>
      </member>
      <member>
        <Type>Resource</Type>
        <ResourceChange>
          <Action>Modify</Action>
          <LogicalResourceId>Service</LogicalResourceId>
          <ResourceType>AWS::ECS::Service</ResourceType>
          <Replacement>False</Replacement>
          <Scope><member>Tags</member></Scope>
        </ResourceChange>
      </member>
      <member>
        <Type>Resource</Type>
        <ResourceChange>
          <Action>Add</Action>
          <LogicalResourceId>Alarm</LogicalResourceId>
          <ResourceType>AWS::CloudWatch::Alarm</ResourceType>
        </ResourceChange>
      </member>
      <member><Type>Hook</Type><HookInvocationCount>2</HookInvocationCount></member>
    </Changes>
    <NextToken>page-2-token</NextToken>
  </DescribeChangeSetResult>
</DescribeChangeSetResponse>"#
        );
        let out = result(&body);
        let rows: Vec<ResourceChangeRow> = out.list("Changes").into_iter().filter_map(row).collect();
        let flat: Vec<(&str, &str, &str, Option<&str>)> = rows
            .iter()
            .map(|r| (r.action.as_str(), r.logical_id.as_str(), r.resource_type.as_str(), r.replacement.as_deref()))
            .collect();
        assert_eq!(
            flat,
            [
                ("Modify", "LaunchTemplate", "AWS::EC2::LaunchTemplate", Some("Conditional")),
                ("Modify", "Service", "AWS::ECS::Service", None),
                ("Add", "Alarm", "AWS::CloudWatch::Alarm", None),
            ]
        );
        assert_eq!(out.text_of("NextToken").as_deref(), Some("page-2-token"));
        let summary = change_set_summary(&out, "web-prod", "rcdk-1765100000", rows);
        assert_eq!(summary.id.arn, "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/rcdk-1765100000/9d2e");
        assert_eq!(summary.id.stack_id, STACK);
        assert_eq!((summary.status.as_str(), summary.execution_status.as_str()), ("CREATE_COMPLETE", "AVAILABLE"));
        assert_eq!(summary.status_reason, None);
        assert_eq!(summary.changes.len(), 3);
    }

    #[test]
    fn a_failed_change_set_keeps_its_reason_and_falls_back_to_the_names_given() {
        let out = result(
            "<DescribeChangeSetResponse><DescribeChangeSetResult><Status>FAILED</Status>\
             <StatusReason>The submitted information didn't contain changes. Submit different information to create a change set.</StatusReason>\
             <ExecutionStatus>UNAVAILABLE</ExecutionStatus><Changes/></DescribeChangeSetResult></DescribeChangeSetResponse>",
        );
        let summary = change_set_summary(&out, "web-prod", "rcdk-1", Vec::new());
        assert_eq!((summary.id.arn.as_str(), summary.id.stack_id.as_str()), ("rcdk-1", "web-prod"));
        assert_eq!(summary.status, "FAILED");
        assert!(summary.status_reason.as_deref().is_some_and(is_no_changes_reason));
    }

    #[test]
    fn stack_events_and_resources_read_ids_statuses_and_reasons() {
        let events = result(&format!(
            r#"<DescribeStackEventsResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStackEventsResult>
    <StackEvents>
      <member>
        <EventId>Service-CREATE_FAILED-2026-11-02T10:05:00.000Z</EventId>
        <StackId>{STACK}</StackId>
        <StackName>web-prod</StackName>
        <LogicalResourceId>Service</LogicalResourceId>
        <PhysicalResourceId></PhysicalResourceId>
        <ResourceType>AWS::ECS::Service</ResourceType>
        <Timestamp>2026-11-02T10:05:00.000Z</Timestamp>
        <ResourceStatus>CREATE_FAILED</ResourceStatus>
        <ResourceStatusReason>Resource handler returned message: &quot;Invalid request&quot;</ResourceStatusReason>
      </member>
      <member>
        <EventId>7a1c</EventId>
        <LogicalResourceId>web-prod</LogicalResourceId>
        <PhysicalResourceId>{STACK}</PhysicalResourceId>
        <ResourceType>AWS::CloudFormation::Stack</ResourceType>
        <ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus>
        <ResourceStatusReason>User Initiated</ResourceStatusReason>
      </member>
    </StackEvents>
    <NextToken>more</NextToken>
  </DescribeStackEventsResult>
</DescribeStackEventsResponse>"#
        ));
        let read: Vec<StackEvent> = events.list("StackEvents").into_iter().map(StackEvent::read).collect();
        assert_eq!(
            read[0],
            StackEvent {
                id: "Service-CREATE_FAILED-2026-11-02T10:05:00.000Z".to_owned(),
                logical_id: "Service".to_owned(),
                physical_id: None,
                resource_type: "AWS::ECS::Service".to_owned(),
                status: "CREATE_FAILED".to_owned(),
                reason: Some("Resource handler returned message: \"Invalid request\"".to_owned()),
            }
        );
        assert_eq!(read[1].physical_id.as_deref(), Some(STACK));
        assert_eq!(events.text_of("NextToken").as_deref(), Some("more"));

        let resources = result(
            r#"<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <ListStackResourcesResult>
    <StackResourceSummaries>
      <member>
        <LogicalResourceId>Bucket</LogicalResourceId>
        <PhysicalResourceId>web-prod-bucket-1x2y3z</PhysicalResourceId>
        <ResourceType>AWS::S3::Bucket</ResourceType>
        <LastUpdatedTimestamp>2026-11-02T10:01:00.000Z</LastUpdatedTimestamp>
        <ResourceStatus>DELETE_FAILED</ResourceStatus>
        <ResourceStatusReason>The bucket you tried to delete is not empty</ResourceStatusReason>
        <DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>
      </member>
      <member>
        <LogicalResourceId>Queue</LogicalResourceId>
        <ResourceType>AWS::SQS::Queue</ResourceType>
        <ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus>
      </member>
    </StackResourceSummaries>
  </ListStackResourcesResult>
</ListStackResourcesResponse>"#,
        );
        let read: Vec<StackResource> =
            resources.list("StackResourceSummaries").into_iter().map(StackResource::read).collect();
        assert_eq!(
            read,
            [
                StackResource {
                    logical_id: "Bucket".to_owned(),
                    physical_id: Some("web-prod-bucket-1x2y3z".to_owned()),
                    resource_type: "AWS::S3::Bucket".to_owned(),
                    status: "DELETE_FAILED".to_owned(),
                    reason: Some("The bucket you tried to delete is not empty".to_owned()),
                },
                StackResource {
                    logical_id: "Queue".to_owned(),
                    physical_id: None,
                    resource_type: "AWS::SQS::Queue".to_owned(),
                    status: "CREATE_IN_PROGRESS".to_owned(),
                    reason: None,
                }
            ]
        );
        assert_eq!(resources.text_of("NextToken"), None);
    }

    #[test]
    fn describe_events_reads_validation_and_hook_failures() {
        let out = result(
            r#"<DescribeEventsResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeEventsResult>
    <OperationEvents>
      <member>
        <EventId>e1</EventId>
        <EventType>VALIDATION_ERROR</EventType>
        <LogicalResourceId>Repo</LogicalResourceId>
        <ResourceType>AWS::ECR::Repository</ResourceType>
        <ValidationFailureMode>FAIL</ValidationFailureMode>
        <ValidationName>NAME_CONFLICT_VALIDATION</ValidationName>
        <ValidationStatus>FAILED</ValidationStatus>
        <ValidationStatusReason>Resource of type 'AWS::ECR::Repository' with identifier 'web' already exists.</ValidationStatusReason>
        <ValidationPath>/Resources/Repo/Properties/RepositoryName</ValidationPath>
      </member>
      <member>
        <EventId>e2</EventId>
        <EventType>HOOK_INVOCATION_ERROR</EventType>
        <HookType>Org::Guard::Hook</HookType>
        <HookStatus>HOOK_COMPLETE_FAILED</HookStatus>
        <HookStatusReason>tags are required</HookStatusReason>
        <ResourceStatusReason>ignored: the hook's reason comes first</ResourceStatusReason>
      </member>
    </OperationEvents>
  </DescribeEventsResult>
</DescribeEventsResponse>"#,
        );
        let read: Vec<OperationFailure> = out.list("OperationEvents").into_iter().map(OperationFailure::read).collect();
        assert_eq!(
            read[0].to_string(),
            "Repo (AWS::ECR::Repository) NAME_CONFLICT_VALIDATION at /Resources/Repo/Properties/RepositoryName: \
             Resource of type 'AWS::ECR::Repository' with identifier 'web' already exists."
        );
        assert_eq!(read[1].to_string(), "HOOK_INVOCATION_ERROR: tags are required");
    }
}
