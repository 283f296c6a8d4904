//! The whole-app checks, one file each, with its tests, and [`analyze`],
//! which runs them. Adding a check is adding its file and two lines here:
//! the module and its place in [`ALL`].

use std::collections::HashMap;

use super::check::{Check, Finding, Scope, Severity, Sink};
use super::model::StackTemplate;
use super::network::Net;
use super::world::World;

pub(crate) mod alarms;
pub(crate) mod capacity;
pub(crate) mod cdn;
pub(crate) mod containers;
pub(crate) mod database;
pub(crate) mod egress;
pub(crate) mod images;
pub(crate) mod listeners;
mod nat;
pub(crate) mod quotas;
pub(crate) mod rds;
pub(crate) mod region;
pub(crate) mod services;
pub(crate) mod targets;

/// Every check, in the order they report.
pub(crate) const ALL: &[Check] = &[
    listeners::check,
    targets::check,
    egress::check,
    database::check,
    containers::check,
    region::check,
    alarms::check,
    nat::check,
    |s, sink| capacity::check(s.doc(), s.world.names[s.index], sink),
    |s, sink| capacity::check_placement(s.doc(), sink),
    |s, sink| quotas::check(s.doc(), sink),
    |s, sink| rds::check(s.doc(), sink),
    |s, sink| services::check(s.doc(), sink),
    |s, sink| images::check(s.doc(), sink),
    cdn::check,
];

/// Runs every check over `stacks` and returns the findings, errors first,
/// each group in a stable order.
///
/// The stacks are linked (exports and imports, nested stacks' parameters,
/// inputs) and analysed twice when a parameter has a default: as written,
/// where a parameter is "cannot tell", and with every default assumed. What
/// only the second run finds is a warning naming the defaults it rests on
/// ("broken with the default parameter values"): a deployment may give
/// other values.
pub fn analyze(stacks: &[StackTemplate<'_>]) -> Vec<Finding> {
    let world = World::new(stacks);
    let mut out = run(&world);
    for f in out.iter_mut().filter(|f| f.severity != Severity::Note) {
        if let Some(given) = given_named(&world, f) {
            f.message.push_str(&given);
        }
    }
    if let Some(defaults) = world.with_defaults() {
        let assumed = run(&defaults);
        // A hop the defaults let the analysis evaluate is no longer "not evaluated".
        out.retain(|f| f.severity != Severity::Note || f.resource.is_empty() || assumed.iter().any(|g| same(f, g)));
        let only: Vec<Finding> =
            assumed.into_iter().filter(|f| f.severity != Severity::Note && !out.iter().any(|g| same(f, g))).collect();
        let named = defaults_named(&world, &defaults, &only);
        for (mut f, named) in only.into_iter().zip(named) {
            f.message = format!("with the default parameter values ({named}): {}", f.message);
            f.severity = Severity::Warning;
            out.push(f);
        }
    }
    out.sort_by_key(|f| (f.severity, f.stack));
    out
}

fn run(world: &World<'_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let net = Net::build(world);
    for index in 0..world.docs.len() {
        let scope = Scope { world, net: &net, index };
        let mut sink = Sink { stack: index, out: &mut out };
        for what in &world.doc(index).not_analysed {
            sink.not_analysed(what.clone());
        }
        for check in ALL {
            check(&scope, &mut sink);
        }
    }
    out
}

/// ` (with the values stack X gives its parameters: P=v)`: for a finding
/// in a stack whose parameters another stack gives (a nested stack's
/// parent), the given values the resources it names depend on.
fn given_named(world: &World<'_, '_>, f: &Finding) -> Option<String> {
    let doc = &world.docs[f.stack];
    let mut named: Vec<(&str, usize)> = Vec::new();
    let words = f.message.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    for word in words.chain(std::iter::once(f.resource.as_str())) {
        for p in doc.params_of(word) {
            if let Some(&(from, _)) = world.given().get(&(f.stack, p)) {
                if doc.value_of(p).is_some() && !named.iter().any(|(q, _)| *q == p) {
                    named.push((p, from));
                }
            }
        }
    }
    let from = named.first()?.1;
    named.sort();
    let values: Vec<String> =
        named.iter().map(|(p, _)| format!("{p}={}", doc.value_of(p).unwrap_or_default())).collect();
    Some(format!(" (with the values stack {} gives: {})", world.names[from], values.join(", ")))
}

/// Whether `f` and `g` are the same finding (code, place).
fn same(f: &Finding, g: &Finding) -> bool {
    g.code == f.code && g.stack == f.stack && g.resource == f.resource
}

/// The most parameters tried one by one to find which defaults a finding rests on.
const MAX_TRIED: usize = 48;

/// `P=v, Q=w` for each finding of `only` (found only with the defaults
/// assumed): the defaults it rests on — those without which it goes away,
/// tried one at a time, first among the parameters of the resources it
/// names, then among every assumed one of its stack; when none alone makes
/// it go away, the parameters of the resources it names.
fn defaults_named(world: &World<'_, '_>, defaults: &World<'_, '_>, only: &[Finding]) -> Vec<String> {
    // Each parameter left unknown once: the findings of that run.
    let mut runs: HashMap<(usize, &str), Vec<Finding>> = HashMap::new();
    let mut out = Vec::with_capacity(only.len());
    for f in only {
        let mut named: Vec<(usize, &str)> = Vec::new();
        let words = f.message.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        for word in std::iter::once(f.resource.as_str()).chain(words) {
            for (s, doc) in defaults.docs.iter().enumerate() {
                for p in doc.params_of(word) {
                    if doc.assumed().contains(&p) && !named.contains(&(s, p)) {
                        named.push((s, p));
                    }
                }
            }
        }
        let stack: Vec<(usize, &str)> = defaults.docs[f.stack].assumed().iter().map(|p| (f.stack, *p)).collect();
        let mut rests: Vec<(usize, &str)> = Vec::new();
        for tier in [&named, &stack] {
            if tier.len() > MAX_TRIED {
                continue;
            }
            for &c in tier {
                let found = runs
                    .entry(c)
                    .or_insert_with(|| world.with_defaults_except(&[c]).map(|w| run(&w)).unwrap_or_default());
                if !found.iter().any(|g| same(f, g)) {
                    rests.push(c);
                }
            }
            if !rests.is_empty() {
                break;
            }
        }
        let mut list = if !rests.is_empty() {
            rests
        } else if !named.is_empty() {
            named
        } else {
            stack
        };
        list.sort();
        let text: Vec<String> =
            list.iter().map(|(s, p)| format!("{p}={}", defaults.docs[*s].value_of(p).unwrap_or_default())).collect();
        out.push(text.join(", "));
    }
    out
}
