//! The rule packs of synthesized stacks ([`StackProps::compliance`]): each
//! failed rule located at the construct (and app-file field) that made the
//! resource, matched against the stacks' suppressions, and the suppressions
//! nothing matched reported as stale.
//!
//! [`StackProps::compliance`]: rcdk_constructs::core::StackProps::compliance

use std::collections::{BTreeMap, BTreeSet};

use rcdk_constructs::core::{Acknowledgement, ConstructPath, FieldPath, RulePack, SynthesizedStack};
use rcdk_constructs::ValidationError;

use crate::cache::Cache;
use crate::document::Document;
use crate::finding::Finding;
use crate::pack::Pack;

/// One reported item: the diagnostic (located at construct and field), and
/// for a rule's finding, the finding itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    /// The stack.
    pub stack: String,
    /// Code, construct, field, message and help.
    pub diagnostic: ValidationError,
    /// The rule's finding, for rule findings (suppressed or not).
    pub finding: Option<Finding>,
    /// The reason, when a suppression accepted the finding.
    pub suppressed: Option<String>,
}

/// What the rule packs of an app's stacks found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    /// Failed rules nobody suppressed, and templates the engine could not evaluate.
    pub errors: Vec<Reviewed>,
    /// Suppressions written in the app that matched no finding (nor a whole-app warning).
    pub warnings: Vec<Reviewed>,
    /// Failed rules a suppression accepted, each with its reason.
    pub notes: Vec<Reviewed>,
}

/// The pack behind a [`RulePack`].
pub fn pack_of(pack: RulePack) -> &'static Pack {
    match pack {
        RulePack::ControlTower => Pack::control_tower(),
    }
}

/// Evaluates every stack's packs (all stacks at once, see
/// [`crate::evaluate_texts`], cached in `cache`) and sorts the findings into
/// errors and notes by the stacks' pending acknowledgements; then reports the
/// suppressions that matched nothing. With `positions`, each finding carries
/// its line and column in the template.
pub fn review(stacks: &[SynthesizedStack], cache: &Cache, positions: bool) -> Review {
    let mut out = Review::default();
    let mut used: Vec<Vec<bool>> = stacks.iter().map(|s| vec![false; s.provenance.pending.len()]).collect();
    let packs: BTreeSet<RulePack> = stacks.iter().flat_map(|s| s.props.compliance.iter().copied()).collect();
    for kind in packs {
        let pack = pack_of(kind);
        let idx: Vec<usize> = (0..stacks.len()).filter(|&i| stacks[i].props.compliance.contains(&kind)).collect();
        let texts: Vec<&str> = idx.iter().map(|&i| stacks[i].body.as_str()).collect();
        let results = match crate::evaluate::evaluate_texts(pack, &texts, cache) {
            Ok(r) => r,
            Err(e) => {
                for &i in &idx {
                    out.errors.push(stack_error(&stacks[i], Code::EngineFailed, format!("rule pack `{kind}`: {e}")));
                }
                continue;
            }
        };
        let mut docs: Vec<(usize, Vec<Finding>)> = Vec::new();
        for (&i, result) in idx.iter().zip(results) {
            let s = &stacks[i];
            match result {
                Err(e) => {
                    out.errors.push(stack_error(s, Code::TemplateRefused, format!("template {}: {e}", s.file_name())))
                }
                Ok(violations) => {
                    // Positions in the template only when asked (app files
                    // locate findings in the app file), and only for
                    // templates with findings: a cached template is not read.
                    let doc = (positions && !violations.is_empty()).then(|| Document::parse(&s.body).ok()).flatten();
                    docs.push((i, violations.iter().map(|v| Finding::of(pack, v, doc.as_ref())).collect()));
                }
            }
        }
        for (i, findings) in docs {
            let s = &stacks[i];
            for f in findings {
                let (construct, field) = match &f.resource {
                    Some(id) => s.provenance.origin_of(s.name(), id),
                    None => (ConstructPath::root(s.name()), s.provenance.field.clone()),
                };
                let hit = s.provenance.pending.iter().position(|a| a.covers(&f.rule, f.control.as_deref(), &construct));
                let mut diagnostic = ValidationError::new(Code::RuleFailed, &construct, message(s.name(), &f))
                    .field(field)
                    .help(help(&f));
                match hit {
                    Some(j) => {
                        used[i][j] = true;
                        let reason = s.provenance.pending[j].reason.clone();
                        diagnostic.message = format!("{} (suppressed: {reason})", diagnostic.message);
                        diagnostic.help = None;
                        out.notes.push(Reviewed {
                            stack: s.name().to_owned(),
                            diagnostic,
                            finding: Some(f),
                            suppressed: Some(reason),
                        });
                    }
                    None => out.errors.push(Reviewed {
                        stack: s.name().to_owned(),
                        diagnostic,
                        finding: Some(f),
                        suppressed: None,
                    }),
                }
            }
        }
    }
    out.warnings = stale(stacks, &used);
    out
}

fn stack_error(s: &SynthesizedStack, code: Code, message: String) -> Reviewed {
    Reviewed {
        stack: s.name().to_owned(),
        diagnostic: ValidationError::new(
            code,
            &ConstructPath::root(s.name()),
            format!("stack `{}`: {message}", s.name()),
        )
        .field(s.provenance.field.clone()),
        finding: None,
        suppressed: None,
    }
}

/// `stack `todo-prod`: resource MainTaskDefinition fails [CT.ECS.PR.3] rule: title (at /Properties/…)`.
fn message(stack: &str, f: &Finding) -> String {
    let what = match &f.resource {
        Some(id) => format!("resource {id}"),
        None => "the template".to_owned(),
    };
    let at = f.property_path().map(|p| format!(" (at {p})")).unwrap_or_default();
    format!("stack `{stack}`: {what} fails {}: {}{at}", f.rule_label(), f.title)
}

fn help(f: &Finding) -> String {
    let id = f.control.as_deref().unwrap_or(&f.rule);
    let mut help = f.fix.clone().unwrap_or_else(|| format!("change the resource so that rule `{}` passes", f.rule));
    if let Some(docs) = &f.docs {
        help.push_str(&format!(" ({docs})"));
    }
    help.push_str(&format!("; or accept it with a reason: `suppress: {{{id}: \"<why>\"}}` under the construct"));
    help
}

/// Suppressions written in the app that matched nothing: one warning per
/// place written (a suppression copied into several stacks — `regions`,
/// the app's own `suppress:` — is stale only when no copy matched).
fn stale(stacks: &[SynthesizedStack], used: &[Vec<bool>]) -> Vec<Reviewed> {
    type Key = (FieldPath, String, String);
    let mut seen: BTreeMap<Key, (bool, usize, &Acknowledgement)> = BTreeMap::new();
    for (i, s) in stacks.iter().enumerate() {
        for (j, a) in s.provenance.pending.iter().enumerate() {
            let Some(field) = &a.written else { continue };
            let e = seen.entry((field.clone(), a.code.clone(), a.reason.clone())).or_insert((false, i, a));
            e.0 |= used[i][j];
        }
    }
    // A copy a whole-app warning used is not pending: it counts as used.
    let used_elsewhere: BTreeSet<(FieldPath, String)> = stacks
        .iter()
        .flat_map(|s| s.provenance.used.iter())
        .filter_map(|a| Some((a.written.clone()?, a.code.clone())))
        .collect();
    let mut out = Vec::new();
    for ((field, code, _), (any_used, i, a)) in seen {
        if any_used || used_elsewhere.contains(&(field.clone(), code.clone())) {
            continue;
        }
        let s = &stacks[i];
        let hint = if s.props.compliance.is_empty() && !code.contains(':') {
            format!("; stack `{}` enables no rule pack (`compliance: [control-tower]`)", s.name())
        } else {
            String::new()
        };
        let diagnostic = ValidationError::new(
            Code::SuppressionUnused,
            &a.construct,
            format!("the suppression of `{code}` matches no finding about {}{hint}", a.construct),
        )
        .field(field)
        .help("remove it, or correct the rule name, control id or warning code and the construct it is written under");
        out.push(Reviewed { stack: s.name().to_owned(), diagnostic, finding: None, suppressed: None });
    }
    out
}
rcdk_constructs::codes! {
    /// The diagnostic codes of rule packs: a failed rule (an error unless
    /// suppressed), a template or engine failure, a stale suppression.
    pub enum Code {
        RuleFailed => error("guard:rule-failed") {
            title: "a rule of an enabled rule pack fails",
            explanation: "The stack (or the app) enables a rule pack in `compliance:` (`control-tower`: the AWS Control \
         Tower proactive controls, AWS CloudFormation Guard rules vendored from the npm package \
         `@cdklabs/cdk-validator-cfnguard`), and a rule fails on a resource of the synthesized \
         template. With the control active in the account's organizational unit, Control Tower's \
         CloudFormation hook refuses the deploy \
         (https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html), \
         so rcdk refuses it first, located at the construct that made the resource. The message names \
         the rule and its control id, the help line the fix and the control's documentation.\n\n\
         Change the construct's props so the rule passes, or accept the finding knowingly with a \
         reason, under the construct (or the stack, or the app):\n\n\
         ```yaml\nsuppress:\n  CT.ECS.PR.4: \"bridge networking on EC2 is the platform's design\"\n```\n\n\
         `rcdk check --rules control-tower TEMPLATE` reports the same findings for any template \
         (exit 1).",
        },
        TemplateRefused => error("guard:template-refused") {
            title: "a synthesized template cannot be given to the rule engine",
            explanation: "Rule packs are evaluated by the AWS CloudFormation Guard engine, which has no depth limit of \
         its own: a deeply nested template overflows its stack (the process aborts), and its time grows \
         faster than linearly with nesting. rcdk reads the template first and refuses one nested more \
         than 64 maps and lists deep, or whose aliases expand past the budget. rcdk's constructs never \
         nest that deep; raw `resources:` or `overrides:` can. Flatten the value.",
        },
        EngineFailed => error("guard:engine-failed") {
            title: "the rule engine could not evaluate a template",
            explanation: "The AWS CloudFormation Guard engine (the `cfn-guard` crate, run inside rcdk) returned an error \
         or failed while evaluating a rule pack on a synthesized template, so its rules were not \
         evaluated. rcdk does not deploy what it could not check: the message quotes the engine. \
         Report it with the template; as a workaround, remove the stack's `compliance:` pack.",
        },
        SuppressionUnused => warning("app:suppression-unused") {
            title: "a suppression matches no finding",
            explanation: "A `suppress:` entry (or `Stack::suppress` in Rust) names a rule, control id or warning code \
         that no finding of the construct it is written under (and those below it) has: the rule \
         passes now, the name is misspelled, the entry sits under another construct, its `constructs` \
         paths name no construct, or the stack enables no rule pack (`compliance:`). A stale \
         suppression would silently accept a future finding nobody has reviewed; remove it, or correct \
         the name (`rcdk synth` prints each finding's rule name and control id, e.g. \
         `[CT.ECS.PR.3] ecs_task_definition_nonroot_user_check`) or the place it is written. \
         A suppression copied into several stacks (`regions:`, the app's own `suppress:`) is stale \
         only when no copy matches anything.",
        },
    }
}

/// Registered with rcdk's registry (the binary lists [`Code::DEFINITIONS`]).
impl rcdk_constructs::core::Registered for Code {}
