//! The plain types commands see instead of the SDK's.

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

impl From<aws_sdk_cloudformation::types::Stack> for StackInfo {
    fn from(s: aws_sdk_cloudformation::types::Stack) -> Self {
        StackInfo {
            id: s.stack_id().unwrap_or_default().to_owned(),
            name: s.stack_name().unwrap_or_default().to_owned(),
            status: s.stack_status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            status_reason: s.stack_status_reason().map(str::to_owned),
            outputs: s
                .outputs()
                .iter()
                .map(|o| (o.output_key().unwrap_or("?").to_owned(), o.output_value().unwrap_or_default().to_owned()))
                .collect(),
            parameters: s
                .parameters()
                .iter()
                .map(|p| {
                    (p.parameter_key().unwrap_or("?").to_owned(), p.parameter_value().unwrap_or_default().to_owned())
                })
                .collect(),
            termination_protection: s.enable_termination_protection().unwrap_or(false),
        }
    }
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

impl From<&aws_sdk_cloudformation::types::StackEvent> for StackEvent {
    fn from(e: &aws_sdk_cloudformation::types::StackEvent) -> Self {
        StackEvent {
            id: e.event_id().unwrap_or_default().to_owned(),
            logical_id: e.logical_resource_id().unwrap_or_default().to_owned(),
            physical_id: e.physical_resource_id().filter(|p| !p.is_empty()).map(str::to_owned),
            resource_type: e.resource_type().unwrap_or_default().to_owned(),
            status: e.resource_status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            reason: e.resource_status_reason().filter(|r| !r.is_empty()).map(str::to_owned),
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

pub(super) fn row(change: &aws_sdk_cloudformation::types::Change) -> Option<ResourceChangeRow> {
    use aws_sdk_cloudformation::types::Replacement;
    let rc = change.resource_change()?;
    Some(ResourceChangeRow {
        action: rc.action().map(|a| a.as_str()).unwrap_or("?").to_owned(),
        logical_id: rc.logical_resource_id().unwrap_or("?").to_owned(),
        resource_type: rc.resource_type().unwrap_or("?").to_owned(),
        replacement: rc.replacement().filter(|r| **r != Replacement::False).map(|r| r.as_str().to_owned()),
    })
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

impl From<&aws_sdk_cloudformation::types::StackResourceSummary> for StackResource {
    fn from(r: &aws_sdk_cloudformation::types::StackResourceSummary) -> Self {
        StackResource {
            logical_id: r.logical_resource_id().unwrap_or_default().to_owned(),
            physical_id: r.physical_resource_id().filter(|p| !p.is_empty()).map(str::to_owned),
            resource_type: r.resource_type().unwrap_or_default().to_owned(),
            status: r.resource_status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            reason: r.resource_status_reason().filter(|s| !s.is_empty()).map(str::to_owned),
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

impl From<&aws_sdk_cloudformation::types::OperationEvent> for OperationFailure {
    fn from(e: &aws_sdk_cloudformation::types::OperationEvent) -> Self {
        let some = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
        OperationFailure {
            event_type: e.event_type().map(|t| t.as_str().to_owned()).unwrap_or_default(),
            validation: some(e.validation_name()),
            logical_id: some(e.logical_resource_id()),
            resource_type: some(e.resource_type()),
            path: some(e.validation_path()),
            reason: some(e.validation_status_reason())
                .or_else(|| some(e.hook_status_reason()))
                .or_else(|| some(e.resource_status_reason())),
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
