//! CloudFormation calls (Query protocol, API version 2010-05-15, through
//! [`super::api`]): stacks, their templates, events and resources, and change
//! sets. Every call is signed with the session's credentials — the deploy
//! role's when the stack has one — and goes to the session's region, or to
//! `--endpoint-url` / `AWS_ENDPOINT_URL_CLOUDFORMATION` / `AWS_ENDPOINT_URL`.
//! Answers are read with [`super::types`]' readers of the documented shapes
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/Welcome.html>);
//! failures go through the one formatter.

use super::api::{Params, CLOUDFORMATION};
use super::error::is_stack_missing;
use super::types::{change_set_summary, resolved_parameter, row};
use super::xml::Element;
use super::{
    is_no_changes_reason, ApiError, Aws, ChangeSetId, ChangeSetRequest, ChangeSetSummary, OperationFailure, StackEvent,
    StackInfo, StackResource, TemplateSource,
};
use crate::failure::Failure;

/// Pages of stack events read at most when looking for an earlier event.
const MAX_EVENT_PAGES: usize = 10;

impl Aws {
    /// One CloudFormation call.
    async fn cfn(&self, action: &str, params: Params) -> Result<Element, ApiError> {
        self.api().query(&CLOUDFORMATION, action, params).await
    }

    /// The one formatter, for a failed CloudFormation call.
    fn cfn_fail(&self, action: &str, err: &ApiError) -> Failure {
        self.api_fail(&CLOUDFORMATION, action, err)
    }

    /// The first stack DescribeStacks reports for `name`, or `None` when
    /// there is no such stack.
    async fn describe_stack_element(&self, name: &str) -> Result<Option<Element>, Failure> {
        match self.cfn("DescribeStacks", Params::new().set("StackName", name)).await {
            Ok(mut out) => Ok(out
                .children
                .iter()
                .position(|c| c.name == "Stacks")
                .and_then(|i| out.children.swap_remove(i).children.into_iter().next())),
            Err(e) if is_stack_missing(&e) => Ok(None),
            Err(e) => Err(self.cfn_fail(&format!("reading stack `{name}`"), &e)),
        }
    }

    /// The deployed stack named `name` (or its ID), or `None` when there is none.
    pub async fn describe_stack(&self, name: &str) -> Result<Option<StackInfo>, Failure> {
        Ok(self.describe_stack_element(name).await?.as_ref().map(StackInfo::read))
    }

    /// The parameters of the deployed stack `name` with what CloudFormation
    /// resolved each to (`ResolvedValue`, set for SSM-typed parameters), or
    /// `None` when there is no such stack.
    pub async fn resolved_parameters(&self, name: &str) -> Result<Option<Vec<(String, Option<String>)>>, Failure> {
        Ok(self
            .describe_stack_element(name)
            .await?
            .map(|s| s.list("Parameters").into_iter().map(resolved_parameter).collect()))
    }

    /// The template body of the deployed stack `name` as it was submitted
    /// (GetTemplate, `Original` stage), or `None` when there is no such stack.
    pub async fn deployed_template(&self, name: &str) -> Result<Option<String>, Failure> {
        let params = Params::new().set("StackName", name).set("TemplateStage", "Original");
        match self.cfn("GetTemplate", params).await {
            Ok(out) => Ok(out.string_of("TemplateBody")),
            Err(e) if is_stack_missing(&e) => Ok(None),
            Err(e) => Err(self.cfn_fail(&format!("reading the template of stack `{name}`"), &e)),
        }
    }

    /// Starts deleting a stack (by name or ID); `name` is for messages;
    /// `role_arn`: the CloudFormation service role that deletes the resources.
    pub async fn delete_stack(&self, name: &str, stack_id: &str, role_arn: Option<&str>) -> Result<(), Failure> {
        let params = Params::new().set("StackName", stack_id).maybe("RoleARN", role_arn);
        self.cfn("DeleteStack", params)
            .await
            .map(|_| ())
            .map_err(|e| self.cfn_fail(&format!("deleting stack `{name}`"), &e))
    }

    /// Turns the stack's termination protection off (UpdateTerminationProtection).
    pub async fn disable_termination_protection(&self, name: &str) -> Result<(), Failure> {
        let params = Params::new().set("StackName", name).set("EnableTerminationProtection", "false");
        self.cfn("UpdateTerminationProtection", params)
            .await
            .map(|_| ())
            .map_err(|e| self.cfn_fail(&format!("turning off the termination protection of stack `{name}`"), &e))
    }

    /// A stack's events, newest first, down to (not including) the event
    /// `since`. Only the first pages are read: enough for one operation.
    pub async fn stack_events(&self, stack_id: &str, since: Option<&str>) -> Result<Vec<StackEvent>, Failure> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_EVENT_PAGES {
            let params = Params::new().set("StackName", stack_id).maybe("NextToken", token.take());
            let page =
                self.cfn("DescribeStackEvents", params).await.map_err(|e| self.cfn_fail("reading stack events", &e))?;
            for event in page.list("StackEvents") {
                let event = StackEvent::read(event);
                if since == Some(event.id.as_str()) {
                    return Ok(out);
                }
                out.push(event);
            }
            token = page.text_of("NextToken");
            if token.is_none() || since.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// Every resource of the deployed stack `name` (ListStackResources, all
    /// pages), or `None` when there is no such stack.
    pub async fn stack_resources(&self, name: &str) -> Result<Option<Vec<StackResource>>, Failure> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let params = Params::new().set("StackName", name).maybe("NextToken", token.take());
            let page = match self.cfn("ListStackResources", params).await {
                Ok(page) => page,
                Err(e) if is_stack_missing(&e) => return Ok(None),
                Err(e) => return Err(self.cfn_fail(&format!("listing the resources of stack `{name}`"), &e)),
            };
            out.extend(page.list("StackResourceSummaries").into_iter().map(StackResource::read));
            token = page.text_of("NextToken");
            if token.is_none() {
                return Ok(Some(out));
            }
        }
    }

    /// The failed events of a change set's creation (DescribeEvents with
    /// `FailedEvents`): since November 2025 CloudFormation validates a
    /// change set early (resource names that already exist, ...) and puts the
    /// details there, not in the change set's `StatusReason`.
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html>
    pub async fn change_set_failures(&self, change_set_arn: &str) -> Result<Vec<OperationFailure>, ApiError> {
        let params = Params::new().set("ChangeSetName", change_set_arn).set("Filters.FailedEvents", "true");
        let out = self.cfn("DescribeEvents", params).await?;
        Ok(out.list("OperationEvents").into_iter().map(OperationFailure::read).collect())
    }

    /// The newest event's ID: the mark to read new events from.
    pub async fn latest_event_id(&self, stack_id: &str) -> Result<Option<String>, Failure> {
        let page = self
            .cfn("DescribeStackEvents", Params::new().set("StackName", stack_id))
            .await
            .map_err(|e| self.cfn_fail("reading stack events", &e))?;
        Ok(page.list("StackEvents").first().and_then(|e| e.text_of("EventId")))
    }

    // -- change sets ------------------------------------------------------------

    /// Creates a change set. `Ok(None)` when CloudFormation refuses it because
    /// nothing changed (moto answers this way when parameters are passed).
    pub async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<Option<ChangeSetId>, Failure> {
        let mut params = Params::new()
            .set("StackName", &request.stack)
            .set("ChangeSetName", &request.name)
            .set("ChangeSetType", if request.create { "CREATE" } else { "UPDATE" })
            .set("Description", "created by rcdk deploy")
            .maybe("RoleARN", request.role_arn.clone());
        params = match &request.template {
            TemplateSource::Body(body) => params.set("TemplateBody", body),
            TemplateSource::Url(url) => params.set("TemplateURL", url),
        };
        let params = params
            .structs("Parameters.member", "ParameterKey", "ParameterValue", &request.parameters)
            .list("Capabilities.member", request.capabilities.iter().copied())
            .structs("Tags.member", "Key", "Value", &request.tags);
        match self.cfn("CreateChangeSet", params).await {
            Ok(out) => match (out.text_of("Id"), out.text_of("StackId")) {
                (Some(arn), Some(stack_id)) => Ok(Some(ChangeSetId { arn, stack_id, name: request.name.clone() })),
                _ => Err(Failure::no(format!(
                    "creating change set for stack `{}`: the response has no change set or stack ID",
                    request.stack
                ))),
            },
            Err(e) if e.aws_message().is_some_and(is_no_changes_reason) => Ok(None),
            Err(e) => Err(self.cfn_fail(&format!("creating change set for stack `{}`", request.stack), &e)),
        }
    }

    /// Reads a change set (every page of changes). `name_or_arn` may be a
    /// name since `stack` is given.
    pub async fn describe_change_set(&self, stack: &str, name_or_arn: &str) -> Result<ChangeSetSummary, Failure> {
        let mut changes = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let params = Params::new()
                .set("ChangeSetName", name_or_arn)
                .set("StackName", stack)
                .maybe("NextToken", token.take());
            let out = self
                .cfn("DescribeChangeSet", params)
                .await
                .map_err(|e| self.cfn_fail(&format!("reading change set `{name_or_arn}` of `{stack}`"), &e))?;
            changes.extend(out.list("Changes").into_iter().filter_map(row));
            token = out.text_of("NextToken");
            if token.is_none() {
                return Ok(change_set_summary(&out, stack, name_or_arn, changes));
            }
        }
    }

    /// The status of a change set (by ARN, or by name with its stack), or
    /// `None` when it (or its stack) does not exist.
    pub async fn change_set_status(&self, stack: &str, name_or_arn: &str) -> Result<Option<String>, Failure> {
        let params = Params::new().set("ChangeSetName", name_or_arn).set("StackName", stack);
        match self.cfn("DescribeChangeSet", params).await {
            Ok(out) => Ok(Some(out.text_of("Status").unwrap_or_default())),
            Err(e) if e.code() == Some("ChangeSetNotFound") || is_stack_missing(&e) => Ok(None),
            Err(e) => Err(self.cfn_fail(&format!("reading change set `{name_or_arn}` of `{stack}`"), &e)),
        }
    }

    /// Deletes a change set, by ARN (or by name when `stack` names its stack).
    /// A change set that no longer exists is not an error.
    pub async fn delete_change_set(&self, stack: &str, name_or_arn: &str) -> Result<(), Failure> {
        let params = Params::new().set("ChangeSetName", name_or_arn).set("StackName", stack);
        match self.cfn("DeleteChangeSet", params).await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ChangeSetNotFound") || is_stack_missing(&e) => Ok(()),
            Err(e) => Err(self.cfn_fail(&format!("deleting change set `{name_or_arn}` of stack `{stack}`"), &e)),
        }
    }

    /// Executes a change set (by ARN); `name` and `stack` are for messages.
    pub async fn execute_change_set(&self, stack: &str, name: &str, arn: &str) -> Result<(), Failure> {
        self.cfn("ExecuteChangeSet", Params::new().set("ChangeSetName", arn))
            .await
            .map(|_| ())
            .map_err(|e| self.cfn_fail(&format!("executing change set {name} on stack `{stack}`"), &e))
    }
}
