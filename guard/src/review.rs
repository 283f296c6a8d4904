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

/// A failed rule of an enabled pack: an error (the Control Tower hook would
/// refuse the deploy) unless suppressed.
pub const RULE_FAILED: &str = "guard:rule-failed";
/// A synthesized template the engine cannot be given (nested too deep, …).
pub const TEMPLATE_REFUSED: &str = "guard:template-refused";
/// The engine failed on a template.
pub const ENGINE_FAILED: &str = "guard:engine-failed";
/// A suppression written in the app that matches no finding.
pub const SUPPRESSION_UNUSED: &str = "app:suppression-unused";

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
                    out.errors.push(stack_error(&stacks[i], ENGINE_FAILED, format!("rule pack `{kind}`: {e}")));
                }
                continue;
            }
        };
        let mut docs: Vec<(usize, Vec<Finding>)> = Vec::new();
        for (&i, result) in idx.iter().zip(results) {
            let s = &stacks[i];
            match result {
                Err(e) => out.errors.push(stack_error(s, TEMPLATE_REFUSED, format!("template {}: {e}", s.file_name()))),
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
                let mut diagnostic =
                    ValidationError::new(RULE_FAILED, &construct, message(s.name(), &f)).field(field).help(help(&f));
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

fn stack_error(s: &SynthesizedStack, code: &'static str, message: String) -> Reviewed {
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
            SUPPRESSION_UNUSED,
            &a.construct,
            format!("the suppression of `{code}` matches no finding about {}{hint}", a.construct),
        )
        .field(field)
        .help("remove it, or correct the rule name, control id or warning code and the construct it is written under");
        out.push(Reviewed { stack: s.name().to_owned(), diagnostic, finding: None, suppressed: None });
    }
    out
}
