//! A stack: one CloudFormation template under construction.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::compliance::{RulePack, Suppression, Suppressions};
use super::tags::{tag_format, tag_problem, TagFormat, MAX_TAGS_PER_RESOURCE};
use super::{ConstructPath, FieldPath};
use crate::cfn::{Intrinsic, Output, Parameter, ParameterType, Resource, Template};
use crate::error::ValidationError;

/// Longest template `Description`, in bytes (CloudFormation's limit).
pub const MAX_DESCRIPTION_BYTES: usize = 1024;

/// What a stack is, apart from its constructs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StackProps {
    /// The stack's name: the CloudFormation stack name and the template file
    /// name (`templates/<name>.yaml`). 1 to 128 characters, a letter first,
    /// then letters, digits and hyphens.
    pub name: String,
    /// The region to deploy to. Default: the region of the environment or
    /// profile at deploy time (`--region` overrides both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The 12-digit account to deploy to; deploy refuses other accounts.
    /// Default: whichever account the credentials belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The template's `Description`. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags applied to every taggable resource of the stack (a resource's own
    /// tags win on conflict). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Values for the template's parameters at deploy time, by parameter
    /// name (not part of the template; `rcdk deploy` passes them, and
    /// `--parameter` overrides them). Default: none, the template defaults apply.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
    /// Rule packs the synthesized template must pass (`control-tower`):
    /// `rcdk synth` evaluates them and reports each failed rule as an error
    /// at the construct that made the resource, unless a suppression with a
    /// reason accepts it ([`Stack::suppress`]). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<RulePack>,
    /// The IAM role rcdk assumes to deploy (and destroy) this stack, e.g.
    /// `arn:aws:iam::111111111111:role/rcdk-deploy`: stacks pinned to
    /// different accounts deploy in one run, each through a role in its
    /// account. Its account must be `account` when both are given. Default:
    /// the `deploy_role_arn` pattern of `rcdk.toml` (`{account}` replaced by
    /// `account`) when the stack pins an account, else the credentials as
    /// they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_role_arn: Option<String>,
    /// The CloudFormation service role: CloudFormation creates, updates and
    /// deletes the stack's resources with this role's permissions instead of
    /// the caller's (`RoleARN` of CreateChangeSet and DeleteStack). `rcdk
    /// deploy --role-arn` overrides it. Default: none, the caller's permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation_role_arn: Option<String>,
}

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

/// A template parameter whose value is another stack's output, passed by
/// `rcdk deploy` once that stack is deployed. This is how values cross stacks
/// and regions (CloudFormation exports only work within one region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackInput {
    /// The parameter of this stack that receives the value.
    pub parameter: String,
    /// The stack whose output provides it.
    pub stack: String,
    /// The output's logical ID in that stack.
    pub output: String,
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

/// Why a suppression with an empty reason is refused (the code's registry entry explains it).
pub const SUPPRESSION_NO_REASON: &str = "app:suppression-no-reason";

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
                "stack:name-invalid",
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
                    "stack:account-invalid",
                    &self.root,
                    format!("account `{account}` is not a 12-digit AWS account ID"),
                )
                .field("account");
                self.report(e);
            }
        }
        for (field, code, arn) in [
            ("deploy_role_arn", "stack:deploy-role-arn-invalid", self.props.deploy_role_arn.clone()),
            (
                "cloudformation_role_arn",
                "stack:cloudformation-role-arn-invalid",
                self.props.cloudformation_role_arn.clone(),
            ),
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
                            "stack:role-account-mismatch",
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
                    "stack:description-too-long",
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
                        .field(FieldPath::root().key("tags").key(key.as_str()))
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
                    "stack:region-invalid",
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
                    "cfn:parameter-conflict",
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
            self.report(ValidationError::new("cfn:condition-conflict", path, message));
        }
    }

    /// Adds a named mapping (the template's `Mappings`, read with
    /// `Fn::FindInMap`). Same rules as [`Stack::add_parameter`]: the same
    /// name twice with the same value is allowed (patterns share mappings),
    /// with a different value it is an error.
    pub fn add_mapping(&mut self, path: &ConstructPath, name: &str, mapping: Value) {
        if !insert_once(&mut self.template.mappings, name, mapping) {
            let message = format!("mapping `{name}` is defined twice differently");
            self.report(ValidationError::new("cfn:mapping-conflict", path, message));
        }
    }

    pub(crate) fn claim(&mut self, key: &str, path: &ConstructPath) -> bool {
        if let Some(owner) = self.owners.get(key) {
            let id = key.trim_start_matches("Outputs.");
            let e = ValidationError::new(
                "cfn:logical-id-collision",
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
        self.errors.push(error);
    }

    /// Acknowledges the whole-app warning `code` for `construct` and the
    /// constructs below it: it is reported as a note with `reason` instead
    /// of a warning, and `--deny-warnings` does not fail on it. For choices
    /// the construct's props wrote down (e.g. fewer NAT gateways than zones);
    /// users write [`Stack::suppress`].
    pub fn acknowledge(&mut self, construct: &ConstructPath, code: impl Into<String>, reason: impl Into<String>) {
        self.acknowledgements.push(Acknowledgement {
            construct: construct.clone(),
            code: code.into(),
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
                SUPPRESSION_NO_REASON,
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
                "stack:parameter-unknown",
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
    pub(crate) fn finish(mut self) -> FinishedStack {
        if !self.props.tags.is_empty() {
            let mut most: Option<(usize, String)> = None;
            for (id, resource) in self.template.resources.iter_mut() {
                if let Some(format) = tag_format(&resource.resource_type) {
                    let count = apply_tags(resource, &self.props.tags, format);
                    if count > MAX_TAGS_PER_RESOURCE && most.as_ref().is_none_or(|(n, _)| count > *n) {
                        most = Some((count, id.clone()));
                    }
                }
            }
            if let Some((count, id)) = most {
                let e = ValidationError::new(
                    "stack:too-many-tags",
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
        self.check_parameters();
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

/// Merges stack tags into a resource's `Tags`; the resource's own tags win.
/// Returns how many tags the resource has then.
fn apply_tags(resource: &mut Resource, tags: &BTreeMap<String, String>, format: TagFormat) -> usize {
    let existing = resource.properties.get("Tags").cloned();
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
    resource.properties.insert("Tags".into(), value);
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

/// The account of an IAM role ARN (`arn:<partition>:iam::<account>:role/<path/name>`),
/// or `None` when `arn` is not one.
pub fn role_arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_word, partition, service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let name = resource.strip_prefix("role/")?;
    let valid = arn_word == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name.len() <= 512
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
        && !name.ends_with('/');
    valid.then_some(account)
}
