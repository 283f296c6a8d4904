//! The app: every stack, synthesized together.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::Location;
use std::sync::Arc;

use super::compliance::{RulePack, Suppressions};
use super::context::Context;
use super::stack::{Acknowledgement, FinishedStack};
use super::validation::{locate, AppCheck, StackView};
use super::{ConstructPath, DiagnosticCode, FieldPath, Severity, Stack, StackInput, StackProps};
use crate::cfn::{check_template, Format, Template, TemplateProblem};
use crate::error::{Errors, ValidationError};

/// An app: the stacks a platform team keeps in one app file, and the
/// checks that run over all of them once they are synthesized.
#[derive(Debug, Default)]
pub struct App {
    stacks: Vec<Stack>,
    checks: Vec<AppCheck>,
    compliance: Vec<RulePack>,
    suppressions: Suppressions,
    context: Context,
}

/// A stack after synthesis: its template, rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthesizedStack {
    /// The stack's props (name, region, account, tags).
    pub props: StackProps,
    /// The template.
    pub template: Template,
    /// The rendered body, in `format`.
    pub body: String,
    /// The format `body` is in.
    pub format: Format,
    /// Names of the stacks that must be deployed before this one.
    pub depends_on: Vec<String>,
    /// Parameters whose values are outputs of stacks deployed before this one.
    pub inputs: Vec<StackInput>,
    /// What checks that run after synthesis (rule packs, in the `rcdk`
    /// binary) need to locate and suppress their findings.
    pub provenance: Provenance,
}

/// Where a synthesized stack's resources came from, and what was accepted
/// knowingly: for the rule packs of [`StackProps::compliance`], which are
/// evaluated after synthesis, outside this crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The stack's place in the app's props (`stacks[0]`); the root for stacks built in Rust.
    pub field: FieldPath,
    /// The construct and field scope that made each resource, by logical
    /// ID. Kept only for stacks with [`StackProps::compliance`] packs.
    pub origins: BTreeMap<String, (ConstructPath, FieldPath)>,
    /// Acknowledgements and suppressions no whole-app warning used: the
    /// rule packs' findings are matched against them, and a suppression a
    /// user wrote that still matches nothing is then reported as stale.
    pub pending: Vec<Acknowledgement>,
    /// The suppressions users wrote that a whole-app warning used (so a copy
    /// of the same suppression in another stack is not stale).
    pub used: Vec<Acknowledgement>,
}

impl Provenance {
    /// The construct and field that made resource `id`: its origin, else
    /// the stack's root (and the stack's field).
    pub fn origin_of(&self, stack: &str, id: &str) -> (ConstructPath, FieldPath) {
        match self.origins.get(id) {
            Some(o) => o.clone(),
            None => (ConstructPath::root(stack).child(id), self.field.clone()),
        }
    }
}

impl SynthesizedStack {
    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.props.name
    }

    /// The template's file name, e.g. `todo-prod.yaml`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.props.name, self.format.extension())
    }
}

impl App {
    /// An empty app.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a stack.
    pub fn add_stack(&mut self, stack: Stack) {
        self.stacks.push(stack);
    }

    /// The stacks, in the order they were added.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// The stack named `name`, to add constructs to.
    pub fn stack_mut(&mut self, name: &str) -> Option<&mut Stack> {
        self.stacks.iter_mut().find(|s| s.name() == name)
    }

    /// Gives every stack without a context of its own
    /// ([`Stack::set_context`]) this one: the AMI releases pinned in
    /// `rcdk.context.json` (see [`Context`]), applied when the stacks
    /// finish. rcdk sets it for an app file; `rcdk_app::emit` for a Rust
    /// program, from `RCDK_CONTEXT`. Default: empty, nothing pinned.
    pub fn set_context(&mut self, context: Context) {
        self.context = context;
    }

    /// Registers a check of the whole app, run by [`App::synth`] after
    /// every stack is synthesized and found valid: it reads every stack
    /// (see [`StackView`]) and returns its findings, errors and warnings,
    /// located at their constructs and fields. Checks run in the order they
    /// were added; adding one under a name already registered replaces it.
    /// Findings without a location of their own get the line that called
    /// `add_check`, so a Rust app's check points into its source. The
    /// whole-app analysis is one such check (`rcdk_constructs::analysis::register`).
    #[track_caller]
    pub fn add_check(
        &mut self,
        name: &str,
        check: impl Fn(&[StackView<'_>]) -> Vec<ValidationError> + Send + Sync + 'static,
    ) {
        self.add_check_at(name, Some(Location::caller()), check);
    }

    /// [`App::add_check`] with the location its findings get (`None`: none,
    /// for checks a library registers).
    pub fn add_check_at(
        &mut self,
        name: &str,
        location: Option<&'static Location<'static>>,
        check: impl Fn(&[StackView<'_>]) -> Vec<ValidationError> + Send + Sync + 'static,
    ) {
        let check = AppCheck { name: name.to_owned(), location, run: Arc::new(check) };
        match self.checks.iter_mut().find(|c| c.name == name) {
            Some(existing) => *existing = check,
            None => self.checks.push(check),
        }
    }

    /// The names of the registered checks, in the order they run.
    pub fn checks(&self) -> impl Iterator<Item = &str> {
        self.checks.iter().map(|c| c.name.as_str())
    }

    /// Every stack of the app must pass rule pack `pack` (see
    /// [`StackProps::compliance`]), besides its own packs.
    pub fn add_compliance(&mut self, pack: RulePack) {
        if !self.compliance.contains(&pack) {
            self.compliance.push(pack);
        }
    }

    /// Suppresses findings of `code` (a rule name, control id or whole-app
    /// warning code) in every stack, for `reason` (see [`Stack::suppress`]).
    pub fn suppress(&mut self, code: impl Into<String>, reason: impl Into<String>) {
        self.suppressions.0.insert(code.into(), super::compliance::Suppression::because(reason));
    }

    /// The app's own `suppress:` map (app files' top-level `suppress`):
    /// each entry applies to every stack; `constructs` paths start with the
    /// stack name.
    pub fn suppress_all(&mut self, suppressions: &Suppressions) {
        for (code, s) in &suppressions.0 {
            self.suppressions.0.insert(code.clone(), s.clone());
        }
    }

    /// Finishes every stack (running its validations, see
    /// [`Stack::add_validation`]), checks the whole app (stack names,
    /// cross-stack inputs, dependency cycles, CloudFormation limits, dangling
    /// references), renders each template in `format`, then runs the
    /// registered checks (see [`App::add_check`]). Stacks come back in
    /// deployment order: a stack after those it depends on, otherwise in the
    /// order they were added.
    ///
    /// Every error of every stack and check is returned at once; warnings
    /// are dropped (see [`App::synth_with_warnings`]).
    pub fn synth(self, format: Format) -> Result<Vec<SynthesizedStack>, Errors> {
        self.synth_with_warnings(format).map(|(stacks, _)| stacks)
    }

    /// Like [`App::synth`], and also returns the warnings (legal but risky;
    /// each with a stable code). Acknowledged warnings (see
    /// [`Stack::acknowledge`]) are dropped with the notes.
    pub fn synth_with_warnings(self, format: Format) -> Result<(Vec<SynthesizedStack>, Vec<ValidationError>), Errors> {
        self.synth_with_diagnostics(format).map(|s| (s.stacks, s.warnings))
    }

    /// Like [`App::synth`], and also returns the warnings and notes: a
    /// warning that a construct acknowledged (see [`Stack::acknowledge`])
    /// becomes a note whose message ends with the reason.
    pub fn synth_with_diagnostics(self, format: Format) -> Result<Synthesis, Errors> {
        let mut errors = Vec::new();
        let mut found_warnings = Vec::new();
        let mut finished: Vec<FinishedStack> = Vec::with_capacity(self.stacks.len());
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let names: Vec<String> = self.stacks.iter().map(|s| s.name().to_owned()).collect();
        for (i, mut stack) in self.stacks.into_iter().enumerate() {
            for pack in &self.compliance {
                stack.add_compliance(*pack);
            }
            apply_app_suppressions(&mut stack, i, &names, &self.suppressions);
            if stack.context().is_empty() {
                stack.set_context(self.context.clone());
            }
            let mut f = stack.finish();
            for e in std::mem::take(&mut f.errors) {
                match e.severity {
                    Severity::Error => errors.push(e),
                    Severity::Warning | Severity::Note => found_warnings.push(e),
                }
            }
            if seen.insert(f.props.name.clone(), finished.len()).is_some() {
                errors.push(
                    ValidationError::new(
                        Code::NameDuplicate,
                        &root(&f),
                        format!("two stacks are named `{}`", f.props.name),
                    )
                    .field(f.field.key("name")),
                );
            }
            finished.push(f);
        }

        for f in &finished {
            for dep in &f.dependencies {
                if !seen.contains_key(dep) {
                    errors.push(
                        ValidationError::new(
                            Code::DependencyUnknown,
                            &root(f),
                            format!("stack `{}` depends on unknown stack `{dep}`", f.props.name),
                        )
                        .field(f.field.clone()),
                    );
                }
            }
            for input in &f.inputs {
                let source = seen.get(&input.stack).map(|&i| &finished[i]);
                if let Some(source) = source {
                    if !source.template.outputs.contains_key(&input.output) {
                        errors.push(
                            ValidationError::new(
                                Code::InputUnknownOutput,
                                &root(f),
                                format!(
                                    "parameter `{}` reads output `{}` of stack `{}`, which has no such output",
                                    input.parameter, input.output, input.stack
                                ),
                            )
                            .field(f.field.clone()),
                        );
                    }
                }
            }
        }
        let graph: Vec<(&str, &BTreeSet<String>)> =
            finished.iter().map(|f| (f.props.name.as_str(), &f.dependencies)).collect();
        let order = match deployment_order(&graph) {
            Ok(order) => order,
            Err(cycle) => {
                let first = &finished[cycle[0]];
                let names: Vec<&str> = cycle.iter().map(|&i| finished[i].props.name.as_str()).collect();
                errors.push(
                    ValidationError::new(
                        Code::DependencyCycle,
                        &root(first),
                        format!("stacks depend on each other in a cycle: {} → {}", names.join(" → "), names[0]),
                    )
                    .field(first.field.clone())
                    .help("a stack's outputs can only feed stacks deployed after it; remove one of the references"),
                );
                (0..finished.len()).collect()
            }
        };

        let mut out: Vec<Option<SynthesizedStack>> = Vec::with_capacity(finished.len());
        let mut located: Vec<(FieldPath, super::Origins)> = Vec::with_capacity(finished.len());
        let mut acknowledged: Vec<Vec<Acknowledgement>> = Vec::with_capacity(finished.len());
        for mut f in finished {
            acknowledged.push(std::mem::take(&mut f.acknowledgements));
            // Raw resources have no construct: checks locate them at their `resources.<ID>`.
            let mut origins = std::mem::take(&mut f.resource_origins);
            for (id, field) in &f.hatch_fields {
                origins.entry(id.clone()).or_insert_with(|| (root(&f).child(id), field.clone()));
            }
            located.push((f.field.clone(), origins));
            let body = match f.template.render(format) {
                Ok(b) => b,
                Err(e) => {
                    errors.push(
                        ValidationError::new(Code::RenderFailed, &root(&f), e.to_string()).field(f.field.clone()),
                    );
                    out.push(None);
                    continue;
                }
            };
            for problem in check_template(&f.template, body.len()) {
                let field = match &problem {
                    TemplateProblem::DanglingReference { from, .. }
                    | TemplateProblem::UnknownCondition { from, .. } => f.hatch_fields.get(from).unwrap_or(&f.field),
                    TemplateProblem::UpdateReplaceRetainExceptOnCreate { id } => {
                        f.hatch_fields.get(id).unwrap_or(&f.field)
                    }
                    _ => &f.field,
                };
                errors.push(template_error(&f.props.name, field, problem));
            }
            out.push(Some(SynthesizedStack {
                props: f.props,
                template: f.template,
                body,
                format,
                depends_on: f.dependencies.into_iter().collect(),
                inputs: f.inputs,
                provenance: Provenance { field: f.field, ..Provenance::default() },
            }));
        }
        // The app's checks read finished templates: after per-field errors,
        // the templates are best-effort and their findings noise.
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        let views: Vec<StackView<'_>> = out
            .iter()
            .zip(&located)
            .filter_map(|(s, (field, origins))| {
                let s = s.as_ref()?;
                Some(StackView { props: &s.props, template: &s.template, inputs: &s.inputs, field, origins })
            })
            .collect();
        for check in &self.checks {
            for e in locate((check.run)(&views), check.location) {
                match e.severity {
                    Severity::Error => errors.push(e),
                    Severity::Warning | Severity::Note => found_warnings.push(e),
                }
            }
        }
        drop(views);
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        let mut warnings = Vec::new();
        let mut notes = Vec::new();
        let mut used: Vec<Vec<bool>> = acknowledged.iter().map(|a| vec![false; a.len()]).collect();
        for mut w in found_warnings {
            let stack = w
                .construct
                .segments()
                .first()
                .and_then(|n| out.iter().position(|s| s.as_ref().is_some_and(|s| s.name() == n)));
            let found = stack.and_then(|i| {
                acknowledged[i].iter().position(|a| a.covers(w.code.as_str(), None, &w.construct)).map(|j| (i, j))
            });
            match found {
                Some((i, j)) => {
                    used[i][j] = true;
                    let a = &acknowledged[i][j];
                    let how = if a.written.is_some() { "suppressed" } else { "acknowledged" };
                    w.message = format!("{} ({how}: {})", w.message, a.reason);
                    w.help = None;
                    // A note, also where only the severity travels (a Rust
                    // app's manifest): `--deny-warnings` must not fail on it.
                    w.severity = Severity::Note;
                    notes.push(w);
                }
                None => warnings.push(w),
            }
        }
        for (i, (stack, (acks, used))) in out.iter_mut().zip(acknowledged.into_iter().zip(used)).enumerate() {
            let Some(stack) = stack else { continue };
            for (a, u) in acks.into_iter().zip(used) {
                match (u, a.written.is_some()) {
                    (false, _) => stack.provenance.pending.push(a),
                    (true, true) => stack.provenance.used.push(a),
                    (true, false) => {}
                }
            }
            if !stack.props.compliance.is_empty() {
                stack.provenance.origins = std::mem::take(&mut located[i].1);
            }
        }
        Ok(Synthesis { stacks: order.into_iter().filter_map(|i| out[i].take()).collect(), warnings, notes })
    }
}

/// What [`App::synth_with_diagnostics`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Synthesis {
    /// The stacks, in deployment order.
    pub stacks: Vec<SynthesizedStack>,
    /// Legal but risky setups nobody acknowledged: `--deny-warnings` fails on them.
    pub warnings: Vec<ValidationError>,
    /// Warnings a construct acknowledged as a deliberate choice, with its reason.
    pub notes: Vec<ValidationError>,
}

/// The code of two stacks with one name, `stack:name-duplicate`, for front
/// doors that gather stacks from several apps (the binary's app files).
pub fn stack_name_duplicate() -> DiagnosticCode {
    Code::NameDuplicate.into()
}

/// Applies the app's own suppressions to stack `index` (named `names[index]`):
/// an entry without `constructs` covers the whole stack; one with
/// `constructs` covers the paths that start with the stack's name, and a
/// path that names no stack of the app is kept on the first stack, where
/// it matches nothing and is reported as stale.
fn apply_app_suppressions(stack: &mut Stack, index: usize, names: &[String], suppressions: &Suppressions) {
    let field = FieldPath::root().key("suppress");
    let root = stack.root().clone();
    for (code, s) in &suppressions.0 {
        let entry = |constructs: Vec<String>| {
            Suppressions(
                [(code.clone(), super::compliance::Suppression { reason: s.reason.clone(), constructs })].into(),
            )
        };
        if s.constructs.is_empty() {
            stack.suppress_all_at(&root, &entry(Vec::new()), &field);
            continue;
        }
        let first = |p: &str| p.split('/').find(|x| !x.is_empty()).unwrap_or_default().to_owned();
        let mine: Vec<String> = s
            .constructs
            .iter()
            .filter(|p| first(p) == names[index])
            .map(|p| p.trim_start_matches('/')[names[index].len()..].to_owned())
            .map(|rest| if rest.trim_matches('/').is_empty() { "/".to_owned() } else { rest })
            .collect();
        if !mine.is_empty() {
            stack.suppress_all_at(&root, &entry(mine), &field);
        }
        if index == 0 {
            let nowhere: Vec<String> = s.constructs.iter().filter(|p| !names.contains(&first(p))).cloned().collect();
            if !nowhere.is_empty() {
                let anywhere = ConstructPath::default();
                stack.suppress_all_at(&anywhere, &entry(nowhere), &field);
            }
        }
    }
}

fn root(f: &FinishedStack) -> ConstructPath {
    ConstructPath::root(&f.props.name)
}

fn template_error(stack: &str, field: &FieldPath, problem: TemplateProblem) -> ValidationError {
    let code: DiagnosticCode = match problem {
        TemplateProblem::TooManyResources { .. }
        | TemplateProblem::TooManyParameters { .. }
        | TemplateProblem::TooManyOutputs { .. }
        | TemplateProblem::TooManyMappings { .. }
        | TemplateProblem::TooLarge { .. } => Code::TemplateLimit.into(),
        TemplateProblem::NoResources => Code::TemplateEmpty.into(),
        TemplateProblem::BadLogicalId { .. } => Code::LogicalIdInvalid.into(),
        TemplateProblem::DanglingReference { .. } | TemplateProblem::UnknownCondition { .. } => {
            Code::TemplateReference.into()
        }
        TemplateProblem::UpdateReplaceRetainExceptOnCreate { .. } => crate::core::escape::Code::BadEnum.into(),
    };
    let help = match problem {
        TemplateProblem::TooManyResources { .. }
        | TemplateProblem::TooManyParameters { .. }
        | TemplateProblem::TooManyOutputs { .. }
        | TemplateProblem::TooLarge { .. } => Some("split the app into more stacks (see `stacks:` in the README)"),
        TemplateProblem::UpdateReplaceRetainExceptOnCreate { .. } => {
            Some("set `UpdateReplacePolicy: Retain` (a replacement never happens while the stack is being created)")
        }
        _ => None,
    };
    let mut e = ValidationError::new(code, &ConstructPath::root(stack), format!("stack `{stack}`: {problem}"))
        .field(field.clone());
    if let Some(h) = help {
        e = e.help(h);
    }
    e
}

/// Orders stacks so that each comes after its dependencies (Kahn's
/// algorithm, ties broken by position). On a cycle, returns the indexes of one
/// cycle.
fn deployment_order(stacks: &[(&str, &BTreeSet<String>)]) -> Result<Vec<usize>, Vec<usize>> {
    let index: BTreeMap<&str, usize> = stacks.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
    let deps: Vec<Vec<usize>> =
        stacks.iter().map(|(_, d)| d.iter().filter_map(|n| index.get(n.as_str()).copied()).collect()).collect();
    let mut done = vec![false; stacks.len()];
    let mut order = Vec::with_capacity(stacks.len());
    while order.len() < stacks.len() {
        let next = (0..stacks.len()).find(|&i| !done[i] && deps[i].iter().all(|&d| done[d]));
        match next {
            Some(i) => {
                done[i] = true;
                order.push(i);
            }
            None => {
                // Walk unfinished dependencies until a node repeats: that is a cycle.
                let mut path = Vec::new();
                let mut at = (0..stacks.len()).find(|&i| !done[i]).unwrap_or(0);
                while !path.contains(&at) {
                    path.push(at);
                    at = deps[at].iter().copied().find(|&d| !done[d]).unwrap_or(at);
                }
                let start = path.iter().position(|&i| i == at).unwrap_or(0);
                return Err(path[start..].to_vec());
            }
        }
    }
    Ok(order)
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        LogicalIdInvalid => error("cfn:logical-id-invalid") {
            formerly: ["logical-id-invalid"],
            title: "a logical ID is not valid in CloudFormation",
            explanation: "CloudFormation logical IDs are alphanumeric (A-Z, a-z, 0-9) and at most 255 characters. A name \
         in the app produced one that is not; rename the construct (service, stack or other name) with \
         letters, digits and hyphens only, and keep it short.",
        },
        RenderFailed => error("cfn:render-failed") {
            formerly: ["render-failed"],
            title: "the template could not be rendered",
            explanation: "The template was built but could not be written as YAML or JSON. This is a bug in rcdk, not in \
         your app: please report it with the app file that triggers it.",
        },
        TemplateEmpty => error("cfn:template-empty") {
            formerly: ["template-empty"],
            title: "a stack has no resources",
            explanation: "CloudFormation requires every template to declare at least one resource, and this stack would \
         produce none. Give the stack something to create (e.g. `vpc: {}`), or remove it.",
        },
        TemplateLimit => error("cfn:template-limit") {
            formerly: ["template-limit"],
            title: "a template exceeds a CloudFormation quota",
            explanation: "CloudFormation allows at most 500 resources, 200 parameters, 200 outputs and 200 mappings per \
         template, and a template body of at most 1 MB (uploaded through S3; 51,200 bytes inline). rcdk \
         checks these before anything is deployed, because CloudFormation would only reject the stack \
         when creating the change set.\n\n\
         Split the app into more stacks: move services into a second entry under `stacks:`.",
        },
        TemplateReference => error("cfn:template-reference") {
            formerly: ["template-reference"],
            title: "a template refers to a resource, parameter or condition it does not define",
            explanation: "A `Ref`, `Fn::GetAtt`, `Fn::Sub` or `Condition` names something the template does not contain, \
         so CloudFormation would reject it. This usually comes from a raw property override or escape \
         hatch naming a logical ID that does not exist; check the spelling against the synthesized \
         template.",
        },
        DependencyCycle => error("stack:dependency-cycle") {
            formerly: ["stack-dependency-cycle"],
            title: "stacks depend on each other in a cycle",
            explanation: "A stack's outputs can only feed stacks deployed after it, so stack dependencies must form an \
         order. The message shows the cycle; remove one of the references.",
        },
        DependencyUnknown => error("stack:dependency-unknown") {
            formerly: ["stack-dependency-unknown"],
            title: "a stack depends on a stack the app does not have",
            explanation: "A stack names another stack (to read its outputs, or to deploy after it) that is not defined. \
         Fix the name, or add the stack.",
        },
        InputUnknownOutput => error("stack:input-unknown-output") {
            formerly: ["stack-input-unknown-output"],
            title: "a stack reads an output the other stack does not have",
            explanation: "A parameter of this stack is fed from an output of another stack, and that stack declares no \
         output of that name. Fix the output name; `rcdk synth --stdout` shows each template's outputs.",
        },
        NameDuplicate => error("stack:name-duplicate") {
            formerly: ["stack-name-duplicate"],
            title: "two stacks have the same name",
            explanation: "Stack names are unique across the app and across app files synthesized together: each stack is \
         written to `templates/<name>.yaml` and deployed as the CloudFormation stack `<name>`. Rename one \
         of them.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::{Output, Resource};
    use crate::core::StackView;

    #[test]
    fn orders_by_dependency_and_finds_cycles() {
        let none = BTreeSet::new();
        let a: BTreeSet<String> = ["b".to_string()].into();
        let b: BTreeSet<String> = ["c".to_string()].into();
        assert_eq!(deployment_order(&[("a", &a), ("b", &b), ("c", &none)]), Ok(vec![2, 1, 0]));
        let c: BTreeSet<String> = ["a".to_string()].into();
        let cycle = deployment_order(&[("a", &a), ("b", &b), ("c", &c)]).unwrap_err();
        assert_eq!(cycle.len(), 3);
    }

    fn stack(name: &str) -> Stack {
        Stack::new(StackProps { name: name.into(), ..Default::default() }, FieldPath::root())
    }

    #[test]
    fn inputs_order_stacks_and_are_checked() {
        let mut producer = stack("producer");
        let path = producer.root().child("Topic");
        let id = producer.add_resource(&path, Resource::new("AWS::SNS::Topic"));
        producer.add_output(&path.child("Arn"), Output::new(crate::cfn::Intrinsic::ref_(id), "topic"));
        let mut consumer = stack("consumer");
        let p = consumer.root().child("In");
        consumer.add_resource(&p, Resource::new("AWS::SNS::Topic"));
        let v = consumer.add_input(&p, "TopicArn", "producer", "TopicArn");
        consumer.template.outputs.insert("Echo".into(), Output::new(v, "echo"));
        let mut app = App::new();
        app.add_stack(consumer);
        app.add_stack(producer);
        let stacks = app.synth(Format::Yaml).expect("valid");
        assert_eq!(stacks[0].name(), "producer", "the producer deploys first");
        assert_eq!(stacks[1].inputs[0].parameter, "TopicArn");
        assert_eq!(stacks[1].depends_on, ["producer"]);

        let mut consumer = stack("consumer");
        let p = consumer.root().child("In");
        let v = consumer.add_input(&p, "X", "producer", "NoSuchOutput");
        consumer.template.outputs.insert("Echo".into(), Output::new(v, "echo"));
        let mut app = App::new();
        let mut producer = stack("producer");
        producer.add_resource(&ConstructPath::root("producer").child("T"), Resource::new("AWS::SNS::Topic"));
        app.add_stack(producer);
        app.add_stack(consumer);
        let errors = app.synth(Format::Yaml).unwrap_err();
        assert_eq!(errors.0[0].code, "stack:input-unknown-output");
    }

    #[test]
    fn cross_stack_cycles_are_rejected() {
        let mut a = stack("a");
        let mut b = stack("b");
        a.add_dependency("b");
        b.add_dependency("a");
        let mut app = App::new();
        app.add_stack(a);
        app.add_stack(b);
        let errors = app.synth(Format::Yaml).unwrap_err();
        assert_eq!(errors.0[0].code, "stack:dependency-cycle");
        assert!(errors.0[0].message.contains("a → b → a"), "{}", errors.0[0].message);
    }

    crate::codes! {
        enum TestCode {
            Found => warning("test:found") {
                title: "a check found something",
                explanation: "For the tests of registered checks.",
            },
            Broken => error("test:broken") {
                title: "a check found an error",
                explanation: "For the tests of registered checks.",
            },
        }
    }
    impl super::super::Registered for TestCode {}

    #[test]
    fn registered_checks_run_once_by_name_in_order_and_are_located() {
        let mut app = App::new();
        let mut s = stack("s");
        s.add_resource(&ConstructPath::root("s").child("T"), Resource::new("AWS::SNS::Topic"));
        app.add_stack(s);
        let found = |stacks: &[StackView<'_>]| {
            vec![ValidationError::new(TestCode::Found, &ConstructPath::root(stacks[0].name()), "first")]
        };
        app.add_check("first", found);
        app.add_check("first", found);
        app.add_check_at("second", None, |_| {
            vec![ValidationError::new(TestCode::Found, &ConstructPath::root("s"), "second")]
        });
        assert_eq!(app.checks().collect::<Vec<_>>(), ["first", "second"]);
        let s = app.synth_with_diagnostics(Format::Yaml).expect("warnings only");
        let got: Vec<(&str, bool)> = s.warnings.iter().map(|w| (w.message.as_str(), w.location.is_some())).collect();
        assert_eq!(got, [("first", true), ("second", false)], "once each, located only when registered from code");
        assert!(s.warnings[0].location.is_some_and(|l| l.file().ends_with("app.rs")));

        let mut app = App::new();
        let mut s = stack("s");
        s.add_resource(&ConstructPath::root("s").child("T"), Resource::new("AWS::SNS::Topic"));
        s.add_validation(|view| vec![ValidationError::new(TestCode::Broken, &view.origin("T").0, "broken")]);
        app.add_stack(s);
        let errors = app.synth(Format::Yaml).unwrap_err();
        assert_eq!((errors.0[0].code.as_str(), errors.0[0].construct.to_string()), ("test:broken", "s/T".into()));
    }

    #[test]
    fn packs_and_suppressions_reach_the_synthesized_stacks() {
        let mut net = stack("net");
        let root = net.root().clone();
        let topic = root.child("Topic");
        net.add_resource(&topic, Resource::new("AWS::SNS::Topic"));
        net.suppress(&topic, "CT.SNS.PR.1", "a test topic");
        let mut other = stack("other");
        let p = other.root().child("Queue");
        other.add_resource(&p, Resource::new("AWS::SQS::Queue"));
        let mut app = App::new();
        app.add_stack(net);
        app.add_stack(other);
        app.add_compliance(RulePack::ControlTower);
        app.suppress_all(&Suppressions(
            [(
                "CT.SQS.PR.1".to_string(),
                super::super::compliance::Suppression {
                    reason: "queues of the test".into(),
                    constructs: vec!["other/Queue".into(), "nowhere/X".into()],
                },
            )]
            .into(),
        ));
        let s = app.synth_with_diagnostics(Format::Yaml).expect("valid");
        let net = s.stacks.iter().find(|s| s.name() == "net").unwrap();
        let other = s.stacks.iter().find(|s| s.name() == "other").unwrap();
        assert_eq!(net.props.compliance, [RulePack::ControlTower]);
        assert_eq!(net.provenance.origins["Topic"].0, topic);
        let codes = |st: &SynthesizedStack| {
            st.provenance.pending.iter().map(|a| (a.code.clone(), a.construct.to_string())).collect::<Vec<_>>()
        };
        // The path naming no stack stays on the first stack, to be reported as stale.
        assert_eq!(
            codes(net),
            [("CT.SNS.PR.1".into(), "net/Topic".into()), ("CT.SQS.PR.1".into(), "nowhere/X".into())]
        );
        assert_eq!(codes(other), [("CT.SQS.PR.1".to_string(), "other/Queue".to_string())]);
        assert_eq!(
            other.provenance.pending[0].written.as_ref().map(|f| f.segments().len()),
            Some(2),
            "suppress.<code>"
        );

        let mut bad = stack("bad");
        let p = bad.root().child("T");
        bad.add_resource(&p, Resource::new("AWS::SNS::Topic"));
        bad.suppress(&p, "CT.SNS.PR.1", "  ");
        let mut app = App::new();
        app.add_stack(bad);
        let e = app.synth(Format::Yaml).unwrap_err();
        assert_eq!(e.0[0].code, "app:suppression-no-reason");
        assert_eq!(e.0[0].field, FieldPath::root().key("suppress").key("CT.SNS.PR.1"));
    }

    #[test]
    fn a_suppressed_warning_is_a_note_and_counts_as_used() {
        let mut s = stack("alarms");
        let root = s.root().clone();
        let alarm = root.child("Alarm");
        s.add_resource(
            &alarm,
            Resource::new("AWS::CloudWatch::Alarm")
                .prop("MetricName", "CPUUtilization")
                .prop("Namespace", "AWS/EC2")
                .prop("Statistic", "Average")
                .prop("Period", 60)
                .prop("EvaluationPeriods", 1)
                .prop("Threshold", 90)
                .prop("ComparisonOperator", "GreaterThanThreshold"),
        );
        s.suppress(&root, "cloudwatch:alarm-no-action", "the console is enough here");
        let mut app = App::new();
        app.add_stack(s);
        crate::analysis::register(&mut app);
        let out = app.synth_with_diagnostics(Format::Yaml).expect("valid");
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert!(out.notes[0].message.ends_with("(suppressed: the console is enough here)"), "{}", out.notes[0].message);
        assert!(out.stacks[0].provenance.pending.is_empty());
        assert_eq!(out.stacks[0].provenance.used.len(), 1);
    }
}
