//! A stack: one CloudFormation template under construction.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::Location;
use std::sync::Arc;

use serde_json::{json, Value};

use super::compliance::{RulePack, Suppression, Suppressions};
use super::context::Context;
use super::props::{role_arn_account, MAX_DESCRIPTION_BYTES};
use super::tags::{tag_problem, TagFormat, MAX_TAGS_PER_RESOURCE};
use super::validation::{locate, StackValidation, StackView};
use super::{ConstructPath, DiagnosticCode, FieldPath};
use super::{StackInput, StackProps};
use crate::cfn::{Intrinsic, Output, Parameter, ParameterType, Resource, Template};
use crate::error::ValidationError;

/// One CloudFormation stack under construction.
///
/// Constructs add resources with [`Stack::add_resource`], which derives the
/// logical ID from the construct path, and report problems with
/// [`Stack::report`]; problems accumulate so that every one is reported at
/// once when the app is synthesized.
#[derive(Debug, Clone)]
pub struct Stack {
    props: StackProps,
    root: ConstructPath,
    /// The template being built. Constructs normally go through the `add_*`
    /// methods; direct edits are the escape hatch.
    pub template: Template,
    owners: BTreeMap<String, ConstructPath>,
    unique: BTreeMap<(&'static str, String), String>,
    /// Where raw resources and overridden ones sit in the app's props, by
    /// logical ID, to locate template problems found in them.
    pub(crate) hatch_fields: BTreeMap<String, FieldPath>,
    errors: Vec<ValidationError>,
    field_base: FieldPath,
    dependencies: BTreeSet<String>,
    inputs: Vec<StackInput>,
    /// Where each resource came from: its construct and the field scope it
    /// was added in, so whole-app findings point back into the app file.
    resource_origins: BTreeMap<String, (ConstructPath, FieldPath)>,
    acknowledgements: Vec<Acknowledgement>,
    validations: Vec<StackValidation>,
    /// The line of the Rust program that called the constructor now
    /// building (see [`Stack::at_caller`]).
    caller: Option<&'static Location<'static>>,
    /// Whether constructors locate their problems at their caller: yes for
    /// a Rust program's stacks, no for an app file's (located at its fields).
    locate_callers: bool,
    context: Context,
}

/// A finding accepted knowingly: whole-app warnings and rule-pack findings
/// with this code (a warning code, a rule name or a control id), about
/// resources at or below this construct, are reported as notes that carry
/// the reason, and `--deny-warnings` ignores them (the AWS CDK's
/// `Annotations.acknowledgeWarning`).
///
/// Constructs acknowledge choices their props wrote down
/// ([`Stack::acknowledge`]); users suppress findings ([`Stack::suppress`],
/// `suppress:` in app files), and a suppression nothing matches is reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The construct the choice was made for; findings about it and the
    /// constructs below it are acknowledged.
    pub construct: ConstructPath,
    /// The acknowledged code, e.g. `net:nat-shared-across-azs`, or a rule's
    /// name or control id, e.g. `CT.ECS.PR.3`.
    pub code: String,
    /// Why the choice is acceptable, in a sentence.
    pub reason: String,
    /// Where a user wrote it (`stacks[0].suppress.CT.S3.PR.9`); `None` for a
    /// construct's own acknowledgement. A written suppression that matches
    /// no finding is reported as stale.
    pub written: Option<FieldPath>,
}

impl Acknowledgement {
    /// Whether it accepts a finding of `code` (or of `other_code`, a rule's
    /// control id) about `construct`.
    pub fn covers(&self, code: &str, other_code: Option<&str>, construct: &ConstructPath) -> bool {
        (self.code == code || other_code == Some(self.code.as_str())) && construct.is_within(&self.construct)
    }
}

/// A stack after its constructs are done: what [`super::App::synth`] checks and renders.
pub(crate) struct FinishedStack {
    pub props: StackProps,
    pub field: FieldPath,
    pub template: Template,
    pub dependencies: BTreeSet<String>,
    pub inputs: Vec<StackInput>,
    pub errors: Vec<ValidationError>,
    pub hatch_fields: BTreeMap<String, FieldPath>,
    pub resource_origins: BTreeMap<String, (ConstructPath, FieldPath)>,
    pub acknowledgements: Vec<Acknowledgement>,
}

impl Stack {
    /// A new, empty stack. `field` is where its props sit in the app's props
    /// (e.g. `stacks[0]`), used to locate errors; pass [`FieldPath::root`]
    /// when building from Rust.
    pub fn new(props: StackProps, field: FieldPath) -> Self {
        let mut template = Template::new();
        template.description.clone_from(&props.description);
        let root = ConstructPath::root(&props.name);
        let mut stack = Stack {
            props,
            root,
            template,
            owners: BTreeMap::new(),
            unique: BTreeMap::new(),
            hatch_fields: BTreeMap::new(),
            errors: Vec::new(),
            field_base: field,
            dependencies: BTreeSet::new(),
            inputs: Vec::new(),
            resource_origins: BTreeMap::new(),
            acknowledgements: Vec::new(),
            validations: Vec::new(),
            caller: None,
            locate_callers: true,
            context: Context::default(),
        };
        stack.validate_props();
        stack
    }

    fn validate_props(&mut self) {
        let name = &self.props.name;
        let valid = !name.is_empty()
            && name.len() <= 128
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            let e = ValidationError::new(
                Code::NameInvalid,
                &self.root,
                format!("stack name `{name}` is not a valid CloudFormation stack name"),
            )
            .field("name")
            .help("use 1 to 128 letters, digits and hyphens, starting with a letter");
            self.report(e);
        }
        if let Some(account) = &self.props.account {
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                let e = ValidationError::new(
                    Code::AccountInvalid,
                    &self.root,
                    format!("account `{account}` is not a 12-digit AWS account ID"),
                )
                .field("account");
                self.report(e);
            }
        }
        for (field, code, arn) in [
            ("deploy_role_arn", Code::DeployRoleArnInvalid, self.props.deploy_role_arn.clone()),
            ("cloudformation_role_arn", Code::CloudformationRoleArnInvalid, self.props.cloudformation_role_arn.clone()),
        ] {
            let Some(arn) = arn else { continue };
            match role_arn_account(&arn) {
                None => {
                    let e = ValidationError::new(code, &self.root, format!("`{arn}` is not an IAM role ARN"))
                        .field(field)
                        .help("write arn:aws:iam::<12-digit account>:role/<name>, e.g. arn:aws:iam::111111111111:role/rcdk-deploy");
                    self.report(e);
                }
                Some(role_account) => {
                    let pinned = self.props.account.clone().filter(|a| a != role_account);
                    if let Some(account) = pinned {
                        let e = ValidationError::new(
                            Code::RoleAccountMismatch,
                            &self.root,
                            format!("`{field}` is a role of account {role_account}, but the stack is pinned to account {account}"),
                        )
                        .field(field)
                        .help("use a role in the stack's account, or change `account:`");
                        self.report(e);
                    }
                }
            }
        }
        if let Some(description) = &self.props.description {
            if description.len() > MAX_DESCRIPTION_BYTES {
                let e = ValidationError::new(
                    Code::DescriptionTooLong,
                    &self.root,
                    format!(
                        "the description has {} bytes; CloudFormation allows at most {MAX_DESCRIPTION_BYTES}",
                        description.len()
                    ),
                )
                .field("description")
                .help("shorten the description");
                self.report(e);
            }
        }
        let tag_errors: Vec<ValidationError> = self
            .props
            .tags
            .iter()
            .filter_map(|(key, value)| {
                let (code, message, help) = tag_problem(key, value)?;
                Some(
                    ValidationError::new(code, &self.root, message)
                        .field(FieldPath::root().key("tags").entry(key.as_str()))
                        .help(help),
                )
            })
            .collect();
        for e in tag_errors {
            self.report(e);
        }
        if let Some(region) = &self.props.region {
            if !crate::region::is_plausible_region(region) {
                let e = ValidationError::new(
                    Code::RegionInvalid,
                    &self.root,
                    format!("region `{region}` is not an AWS region name"),
                )
                .field("region")
                .help("use a region code such as us-east-1 or eu-west-1");
                self.report(e);
            }
        }
    }

    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.props.name
    }

    /// The stack's props.
    pub fn props(&self) -> &StackProps {
        &self.props
    }

    /// Gives the stack a context (`rcdk.context.json`: the pinned AMI
    /// releases, see [`Context`]): when it finishes, every AMI parameter of
    /// its template that reads a recommended AMI pinned for its region is
    /// pointed at the pinned release. Default: the app's context (see
    /// [`super::App::set_context`]), else nothing pinned.
    pub fn set_context(&mut self, context: Context) {
        self.context = context;
    }

    /// The stack's context (see [`Stack::set_context`]).
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The synthesized template must pass rule pack `pack` too (see
    /// [`StackProps::compliance`]).
    pub fn add_compliance(&mut self, pack: RulePack) {
        if !self.props.compliance.contains(&pack) {
            self.props.compliance.push(pack);
        }
    }

    /// The construct path of the stack itself; constructs are its children.
    pub fn root(&self) -> &ConstructPath {
        &self.root
    }

    /// Adds a resource at `path` and returns its logical ID. A logical ID
    /// already taken by another construct is reported as an error (and the
    /// first resource is kept).
    pub fn add_resource(&mut self, path: &ConstructPath, resource: Resource) -> String {
        let id = path.logical_id();
        if self.claim(&id, path) {
            self.template.resources.insert(id.clone(), resource);
            self.resource_origins.insert(id.clone(), (path.clone(), self.field_base.clone()));
        }
        id
    }

    /// Adds an output at `path` and returns its logical ID.
    pub fn add_output(&mut self, path: &ConstructPath, output: Output) -> String {
        let id = path.logical_id();
        if self.claim(&format!("Outputs.{id}"), path) {
            self.template.outputs.insert(id.clone(), output);
        }
        id
    }

    /// Adds a parameter under an explicit name and returns a `Ref` to it.
    /// Adding the same name twice with the same definition is allowed (shared
    /// parameters such as the AMI); with a different definition it is an error.
    pub fn add_parameter(&mut self, path: &ConstructPath, name: &str, parameter: Parameter) -> Value {
        match self.template.parameters.get(name) {
            Some(existing) if *existing != parameter => {
                let e = ValidationError::new(
                    Code::ParameterConflict,
                    path,
                    format!("parameter `{name}` is defined twice with different settings"),
                );
                self.report(e);
            }
            Some(_) => {}
            None => {
                if self.claim(name, path) {
                    self.template.parameters.insert(name.to_owned(), parameter);
                }
            }
        }
        Intrinsic::ref_(name)
    }

    /// Adds a named condition. Same rules as [`Stack::add_parameter`].
    pub fn add_condition(&mut self, path: &ConstructPath, name: &str, condition: Value) {
        if !insert_once(&mut self.template.conditions, name, condition) {
            let message = format!("condition `{name}` is defined twice differently");
            self.report(ValidationError::new(Code::ConditionConflict, path, message));
        }
    }

    /// Adds a named mapping (the template's `Mappings`, read with
    /// `Fn::FindInMap`). Same rules as [`Stack::add_parameter`]: the same
    /// name twice with the same value is allowed (patterns share mappings),
    /// with a different value it is an error.
    pub fn add_mapping(&mut self, path: &ConstructPath, name: &str, mapping: Value) {
        if !insert_once(&mut self.template.mappings, name, mapping) {
            let message = format!("mapping `{name}` is defined twice differently");
            self.report(ValidationError::new(Code::MappingConflict, path, message));
        }
    }

    pub(crate) fn claim(&mut self, key: &str, path: &ConstructPath) -> bool {
        if let Some(owner) = self.owners.get(key) {
            let id = key.trim_start_matches("Outputs.");
            let e = ValidationError::new(
                Code::LogicalIdCollision,
                path,
                format!("logical ID `{id}` of {path} is already used by {owner}"),
            )
            .help("rename one of the two constructs; logical IDs are the PascalCase of construct names");
            self.report(e);
            return false;
        }
        self.owners.insert(key.to_owned(), path.clone());
        true
    }

    /// Claims `key` in `namespace` (values that must be unique within the
    /// stack, such as the rule priorities of one listener) for `owner`, and
    /// returns the owner already holding it, in which case the claim fails.
    /// A lookup in an ordered map, so constructs need not scan the template
    /// for what they have added before. Resources inserted into
    /// [`Stack::template`] directly claim nothing.
    pub fn claim_unique(&mut self, namespace: &'static str, key: String, owner: &str) -> Option<String> {
        match self.unique.entry((namespace, key)) {
            std::collections::btree_map::Entry::Occupied(e) => Some(e.get().clone()),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(owner.to_owned());
                None
            }
        }
    }

    /// Records a problem. The error's field, relative to the props being
    /// built, is prefixed with the current field scope (see [`Stack::in_field`]).
    pub fn report(&mut self, mut error: ValidationError) {
        error.field = self.field_base.join(&error.field);
        if error.location.is_none() {
            error.location = self.caller;
        }
        self.errors.push(error);
    }

    /// Acknowledges the whole-app warning `code` for `construct` and the
    /// constructs below it: it is reported as a note with `reason` instead
    /// of a warning, and `--deny-warnings` does not fail on it. For choices
    /// the construct's props wrote down (e.g. fewer NAT gateways than zones);
    /// users write [`Stack::suppress`].
    pub fn acknowledge(
        &mut self,
        construct: &ConstructPath,
        code: impl Into<DiagnosticCode>,
        reason: impl Into<String>,
    ) {
        self.acknowledge_rule(construct, code.into().as_str(), reason);
    }

    /// Acknowledges a rule pack's finding — by the rule's name or control id
    /// (`CT.S3.PR.10`) — about `construct` and the constructs below it, for
    /// a construct's own design choice: reported as a note with `reason`,
    /// and never stale (the app may not enable the pack that would find it).
    /// [`Stack::acknowledge`] is this for a whole-app warning's code.
    pub fn acknowledge_rule(&mut self, construct: &ConstructPath, rule: &str, reason: impl Into<String>) {
        self.acknowledgements.push(Acknowledgement {
            construct: construct.clone(),
            code: rule.to_owned(),
            reason: reason.into(),
            written: None,
        });
    }

    /// Suppresses findings of `code` — a whole-app warning code, a rule's
    /// name or its control id (`CT.S3.PR.9`) — about `construct` and the
    /// constructs below it: they are reported as notes that carry `reason`.
    /// An empty reason is an error (`app:suppression-no-reason`), and a
    /// suppression that matches nothing is reported as stale. Located at
    /// `suppress.<code>` in the current field scope.
    pub fn suppress(&mut self, construct: &ConstructPath, code: impl Into<String>, reason: impl Into<String>) {
        let code = code.into();
        let field = self.field_base.key("suppress").key(code.as_str());
        self.push_suppression(construct, code, &Suppression::because(reason), field);
    }

    /// Applies a `suppress:` map written under `construct` (see
    /// [`Suppressions`]), located at `suppress.<code>` in the current field
    /// scope. Constructs call it with their props' `suppress`.
    pub fn suppress_all(&mut self, construct: &ConstructPath, suppressions: &Suppressions) {
        let base = self.field_base.key("suppress");
        self.suppress_all_at(construct, suppressions, &base);
    }

    /// [`Stack::suppress_all`] for a map written at `field` (absolute, not
    /// in the current scope): the app's own `suppress:` applies to every
    /// stack, and its construct paths start with the stack name.
    pub(crate) fn suppress_all_at(
        &mut self,
        construct: &ConstructPath,
        suppressions: &Suppressions,
        field: &FieldPath,
    ) {
        for (code, s) in &suppressions.0 {
            self.push_suppression(construct, code.clone(), s, field.key(code.as_str()));
        }
    }

    fn push_suppression(&mut self, construct: &ConstructPath, code: String, s: &Suppression, field: FieldPath) {
        if s.reason.trim().is_empty() {
            let e = ValidationError::new(
                Code::SuppressionNoReason,
                construct,
                format!("the suppression of `{code}` gives no reason"),
            )
            .field(field)
            .help("say why the finding is acceptable here, e.g. `CT.S3.PR.9: \"uploads are replaceable\"`");
            self.errors.push(e);
            return;
        }
        let scopes: Vec<ConstructPath> = if s.constructs.is_empty() {
            vec![construct.clone()]
        } else {
            s.constructs.iter().map(|p| construct.descendant(p)).collect()
        };
        for scope in scopes {
            self.acknowledgements.push(Acknowledgement {
                construct: scope,
                code: code.clone(),
                reason: s.reason.trim().to_owned(),
                written: Some(field.clone()),
            });
        }
    }

    /// Registers a check of this stack, run by [`super::App::synth`] once
    /// every construct is done and the stack's tags are applied (the AWS
    /// CDK's `node.addValidation`): it reads the finished stack and returns
    /// its findings (errors, warnings), located at their constructs and
    /// fields (see [`StackView::origin`]). Findings without a location of
    /// their own get the line that called `add_validation`, so a Rust app's
    /// check points into its source. See [`super::validation`].
    #[track_caller]
    pub fn add_validation(
        &mut self,
        validation: impl Fn(&StackView<'_>) -> Vec<ValidationError> + Send + Sync + 'static,
    ) {
        self.add_validation_at(Some(Location::caller()), validation);
    }

    /// [`Stack::add_validation`] with the location its findings get (`None`:
    /// none, for checks a construct library registers).
    pub fn add_validation_at(
        &mut self,
        location: Option<&'static Location<'static>>,
        validation: impl Fn(&StackView<'_>) -> Vec<ValidationError> + Send + Sync + 'static,
    ) {
        self.validations.push(StackValidation { location, run: Arc::new(validation) });
    }

    /// Runs `f` with the problems it reports located at `caller`, the line
    /// of a Rust program that called a construct's constructor (the
    /// constructors are `#[track_caller]` and call this), so a Rust app's
    /// error reads `src/main.rs:42:10: ...`. An outer constructor's caller
    /// wins (it is the user's line), and an app file's stacks (see
    /// [`Stack::locate_callers`]) keep their problems located at its fields.
    pub fn at_caller<R>(&mut self, caller: &'static Location<'static>, f: impl FnOnce(&mut Stack) -> R) -> R {
        if !self.locate_callers || self.caller.is_some() {
            return f(self);
        }
        self.caller = Some(caller);
        let result = f(self);
        self.caller = None;
        result
    }

    /// Whether constructors locate their problems at the Rust line that
    /// called them (see [`Stack::at_caller`]). Default: true; the platform
    /// pattern turns it off for the stacks it builds from specs, whose
    /// problems are located at the spec's fields.
    pub fn locate_callers(&mut self, on: bool) {
        self.locate_callers = on;
    }

    /// Runs `f` with errors' fields taken relative to `field` (itself relative
    /// to the current scope), e.g. `stack.in_field("vpc", |s| Vpc::new(s, ...))`.
    pub fn in_field<R>(&mut self, field: impl Into<FieldPath>, f: impl FnOnce(&mut Stack) -> R) -> R {
        let saved = self.field_base.clone();
        self.field_base = saved.join(&field.into());
        let result = f(self);
        self.field_base = saved;
        result
    }

    /// The current field scope.
    pub fn field_base(&self) -> &FieldPath {
        &self.field_base
    }

    /// Declares that this stack must be deployed after `stack_name`.
    pub fn add_dependency(&mut self, stack_name: &str) {
        self.dependencies.insert(stack_name.to_owned());
    }

    /// Adds a `String` parameter named `parameter` whose value is the output
    /// `output` of stack `from_stack`, and makes this stack depend on that
    /// one. Returns a `Ref` to the parameter.
    pub fn add_input(&mut self, path: &ConstructPath, parameter: &str, from_stack: &str, output: &str) -> Value {
        self.add_dependency(from_stack);
        let input =
            StackInput { parameter: parameter.to_owned(), stack: from_stack.to_owned(), output: output.to_owned() };
        if !self.inputs.contains(&input) {
            self.inputs.push(input);
        }
        let description = format!("Output {output} of stack {from_stack}; passed by rcdk deploy");
        self.add_parameter(path, parameter, Parameter::new(ParameterType::String).description(description))
    }

    /// The parameters fed by other stacks' outputs.
    pub fn inputs(&self) -> &[StackInput] {
        &self.inputs
    }

    /// The stacks this one must be deployed after.
    pub fn dependencies(&self) -> &BTreeSet<String> {
        &self.dependencies
    }

    /// Problems reported so far.
    pub fn errors(&self) -> &[ValidationError] {
        &self.errors
    }

    /// Reports `parameters:` values for names the template does not declare,
    /// at the name's key in the props.
    fn check_parameters(&mut self) {
        let declared: Vec<String> = self.template.parameters.keys().cloned().collect();
        let unknown: Vec<String> = self
            .props
            .parameters
            .keys()
            .filter(|name| !self.template.parameters.contains_key(*name))
            .cloned()
            .collect();
        for name in unknown {
            let help = if declared.is_empty() {
                "the template declares no parameters; remove the entry".to_owned()
            } else {
                format!("the template declares: {}", declared.join(", "))
            };
            let e = ValidationError::new(
                Code::ParameterUnknown,
                &self.root,
                format!(
                    "`parameters` gives a value for `{name}`, which the template of stack `{}` does not declare",
                    self.props.name
                ),
            )
            .field(FieldPath::root().key("parameters").key(name.as_str()))
            .help(help);
            self.report(e);
        }
    }

    /// Applies the stack tags and returns the finished stack with the
    /// problems reported while building it.
    /// Without a pin, an AMI parameter that reads a recommended AMI is
    /// rcdk's default, reported (`ecs:ami-unpinned`) at the first resource
    /// that reads it and acknowledged there, so it is a note: never silent,
    /// and the tool does not warn about its own defaults.
    fn report_unpinned_amis(&mut self) {
        for name in super::context::unpinned_ami_parameters(&self.template) {
            let reference = json!({ "Ref": name });
            let reader = self
                .template
                .resources
                .iter()
                .find(|(_, r)| r.properties.values().any(|v| super::context::mentions(v, &reference)));
            let Some((id, _)) = reader else { continue };
            let id = id.clone();
            let (construct, field) =
                self.resource_origins.get(&id).cloned().unwrap_or_else(|| (self.root.clone(), self.field_base.clone()));
            let default = self.template.parameters[&name].default.clone().unwrap_or_default();
            let default = default.as_str().unwrap_or_default();
            let reason = match self.props.region {
                Some(_) => format!(
                    "not pinned in {}; `rcdk ami update` pins the recommended release",
                    super::context::CONTEXT_FILE
                ),
                None => "the stack names no region, and a pin is per region".to_owned(),
            };
            // The field is absolute (where the resource was added), so the
            // error skips `report`, which would prefix the stack's field.
            self.errors.push(
                ValidationError::new(
                    super::context::Code::AmiUnpinned,
                    &construct,
                    format!(
                        "{id}: instances launch from whatever AMI `{default}` recommends when a deploy runs; after \
                         AWS publishes a release, the next deploy moves them to a new AMI that no template change shows"
                    ),
                )
                .field(field),
            );
            self.acknowledge(&construct, super::context::Code::AmiUnpinned, reason);
        }
    }

    pub(crate) fn finish(mut self) -> FinishedStack {
        if !self.props.tags.is_empty() {
            let mut most: Option<(usize, String)> = None;
            for (id, resource) in self.template.resources.iter_mut() {
                if let Some(tagging) = crate::cfn::schema::tagging(&resource.resource_type) {
                    let count = apply_tags(resource, &self.props.tags, tagging.property, tagging.shape);
                    if count > MAX_TAGS_PER_RESOURCE && most.as_ref().is_none_or(|(n, _)| count > *n) {
                        most = Some((count, id.clone()));
                    }
                }
            }
            if let Some((count, id)) = most {
                let e = ValidationError::new(
                    Code::TooManyTags,
                    &self.root,
                    format!(
                        "with the stack's {} tags, resource `{id}` would have {count} tags; a resource may have at most {MAX_TAGS_PER_RESOURCE}",
                        self.props.tags.len()
                    ),
                )
                .field("tags")
                .help(format!(
                    "keep the stack's tags and the resources' own tags (such as `Name`) within {MAX_TAGS_PER_RESOURCE}"
                ));
                self.report(e);
            }
        }
        super::context::pin_ami_parameters(&mut self.template, self.props.region.as_deref(), &self.context);
        self.report_unpinned_amis();
        self.check_parameters();
        let view = StackView {
            props: &self.props,
            template: &self.template,
            inputs: &self.inputs,
            field: &self.field_base,
            origins: &self.resource_origins,
        };
        let found: Vec<ValidationError> =
            self.validations.iter().flat_map(|v| locate((v.run)(&view), v.location)).collect();
        self.errors.extend(found);
        FinishedStack {
            props: self.props,
            field: self.field_base,
            template: self.template,
            dependencies: self.dependencies,
            inputs: self.inputs,
            errors: self.errors,
            hatch_fields: self.hatch_fields,
            resource_origins: self.resource_origins,
            acknowledgements: self.acknowledgements,
        }
    }
}

/// Merges stack tags into a resource's tag `property` (`Tags`, in the
/// schema's `format`); the resource's own tags win. Returns how many tags the
/// resource has then.
fn apply_tags(resource: &mut Resource, tags: &BTreeMap<String, String>, property: &str, format: TagFormat) -> usize {
    let existing = resource.properties.get(property).cloned();
    let mut merged: BTreeMap<String, Value> = tags.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    match &existing {
        Some(Value::Array(list)) => {
            for t in list {
                if let (Some(Value::String(k)), Some(v)) = (t.get("Key"), t.get("Value")) {
                    merged.insert(k.clone(), v.clone());
                }
            }
        }
        Some(Value::Object(map)) => {
            for (k, v) in map {
                merged.insert(k.clone(), v.clone());
            }
        }
        _ => {}
    }
    let value = match format {
        TagFormat::List => Value::Array(merged.into_iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect()),
        TagFormat::ListPropagateAtLaunch => Value::Array(
            merged.into_iter().map(|(k, v)| json!({"Key": k, "Value": v, "PropagateAtLaunch": true})).collect(),
        ),
        TagFormat::Map => Value::Object(merged.into_iter().collect()),
    };
    let count = match &value {
        Value::Array(list) => list.len(),
        Value::Object(map) => map.len(),
        _ => 0,
    };
    resource.properties.insert(property.into(), value);
    count
}

/// Inserts `name: value` unless `name` is there already; false when it is
/// there with a different value (a conflict for the caller to report).
fn insert_once(map: &mut std::collections::BTreeMap<String, Value>, name: &str, value: Value) -> bool {
    match map.get(name) {
        Some(existing) => *existing == value,
        None => {
            map.insert(name.to_owned(), value);
            true
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        ConditionConflict => error("cfn:condition-conflict") {
            formerly: ["condition-conflict"],
            title: "a template condition is defined twice, differently",
            explanation: "Two constructs in one stack define a CloudFormation condition with the same name but different \
         expressions; a template holds one definition per name. Rename one of the constructs, or make \
         them agree.",
        },
        LogicalIdCollision => error("cfn:logical-id-collision") {
            formerly: ["logical-id-collision"],
            title: "two constructs map to the same logical ID",
            explanation: "Logical IDs are the PascalCase of construct paths (`api-v2` and `api_v2` both become `ApiV2`), \
         and a template holds each logical ID once. Rename one of the two constructs. Renaming a \
         construct renames (and so replaces) its resources.",
        },
        MappingConflict => error("cfn:mapping-conflict") {
            formerly: ["mapping-conflict"],
            title: "two constructs add the same mapping with different contents",
            explanation: "A template's `Mappings` are shared by every construct of the stack. Adding a mapping under a name \
         that is already taken is allowed only when the contents are the same (e.g. two services sharing the \
         canary weights table); different contents under one name would make one construct read the other's \
         values. Give the mapping a name of its own.",
        },
        ParameterConflict => error("cfn:parameter-conflict") {
            formerly: ["parameter-conflict"],
            title: "a template parameter is defined twice with different settings",
            explanation: "Two constructs in one stack declare a CloudFormation parameter with the same name but a \
         different type, default or description. A template holds one declaration per name; rename one \
         of them, or make them agree.",
        },
        AccountInvalid => error("stack:account-invalid") {
            formerly: ["stack-account-invalid"],
            title: "the stack's account is not a 12-digit AWS account ID",
            explanation: "AWS account IDs are exactly 12 digits; quote them in YAML so leading zeros are kept: \
         `account: '012345678901'`.",
        },
        DescriptionTooLong => error("stack:description-too-long") {
            formerly: ["stack-description-too-long"],
            title: "the template description is too long",
            explanation: "CloudFormation accepts a template `Description` of at most 1024 bytes. Shorten it.",
        },
        NameInvalid => error("stack:name-invalid") {
            formerly: ["stack-name-invalid"],
            title: "the stack name is not a valid CloudFormation stack name",
            explanation: "CloudFormation stack names have 1 to 128 letters, digits and hyphens and start with a letter: \
         `shop-prod`.",
        },
        ParameterUnknown => error("stack:parameter-unknown") {
            formerly: ["stack-parameter-unknown"],
            title: "a parameter value for a parameter the template does not declare",
            explanation: "`parameters:` gives values to the template's parameters at deploy time; a name the template does not declare would be refused by CloudFormation. Check the spelling against the template's `Parameters`.",
        },
        RegionInvalid => error("stack:region-invalid") {
            formerly: ["stack-region-invalid"],
            title: "the stack's region is not an AWS region name",
            explanation: "Use a region code such as `us-east-1` or `eu-west-1`, not a name like `Ireland`.",
        },
        TooManyTags => error("stack:too-many-tags") {
            formerly: ["stack-too-many-tags"],
            title: "a resource would have more than 50 tags",
            explanation: "CloudFormation applies the stack's tags to every taggable resource, on top of the resource's own (such as `Name`); AWS allows at most 50 tags per resource. Use fewer stack tags.",
        },
        DeployRoleArnInvalid => error("stack:deploy-role-arn-invalid") {
            title: "`deploy_role_arn` is not an IAM role ARN",
            explanation: "rcdk assumes this role (STS AssumeRole) to deploy and destroy the stack, so stacks pinned to \
         different accounts deploy in one run. Write it as `arn:aws:iam::<12-digit account>:role/<name>` \
         (a path is allowed: `role/ci/rcdk-deploy`). The role must trust the credentials rcdk starts from. \
         See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-api.html>.",
        },
        CloudformationRoleArnInvalid => error("stack:cloudformation-role-arn-invalid") {
            title: "`cloudformation_role_arn` is not an IAM role ARN",
            explanation: "The CloudFormation service role is given by ARN, `arn:aws:iam::<account>:role/<name>`. \
         CloudFormation then creates, updates and deletes the stack's resources with that role's \
         permissions (`RoleARN` of CreateChangeSet and DeleteStack); the caller needs `iam:PassRole` on \
         it. See <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html>.",
        },
        RoleAccountMismatch => error("stack:role-account-mismatch") {
            title: "a role of another account than the stack's `account`",
            explanation: "`deploy_role_arn` and `cloudformation_role_arn` must be roles of the account the stack is pinned \
         to: rcdk checks after assuming the deploy role that the stack goes to `account`, and CloudFormation \
         only passes a service role of the stack's own account. Use a role in that account, or change \
         `account:`.",
        },
        SuppressionNoReason => error("app:suppression-no-reason") {
            title: "a suppression gives no reason",
            explanation: "A `suppress:` entry accepts a finding knowingly: a failed rule of a rule pack (by rule name \
         or control id, e.g. `CT.S3.PR.9`) or a whole-app warning (by code). The reason is what a \
         reviewer reads instead of the finding, and what an auditor asks for, so it is required: an \
         empty or blank reason is refused.\n\n\
         ```yaml\nsuppress:\n  CT.S3.PR.9: \"uploads are replaceable; object lock would keep deleted files for years\"\n```\n\n\
         In Rust, `Stack::suppress(&path, \"CT.S3.PR.9\", \"...\")` takes the same reason.",
        },
    }
}
