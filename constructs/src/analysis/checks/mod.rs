//! The whole-app checks, one file each, with its tests, and [`analyze`],
//! which runs them. Adding a check is adding its file and two lines here:
//! the module and its place in [`ALL`].

use super::check::{Check, Finding, Scope, Sink};
use super::model::StackTemplate;
use super::network::Net;

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
    |s, sink| capacity::check(s.doc(), s.stacks[s.index].name, sink),
    |s, sink| capacity::check_placement(s.doc(), sink),
    |s, sink| quotas::check(s.doc(), sink),
    |s, sink| rds::check(s.doc(), sink),
    |s, sink| services::check(s.doc(), sink),
    |s, sink| images::check(s.doc(), sink),
    cdn::check,
];

/// Runs every check over `stacks` and returns the findings, errors first,
/// each group in a stable order.
pub fn analyze(stacks: &[StackTemplate<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let nets: Vec<Net<'_, '_>> = stacks.iter().map(|s| Net::build(&s.doc)).collect();
    for index in 0..stacks.len() {
        let scope = Scope { stacks, nets: &nets, index };
        let mut sink = Sink { stack: index, out: &mut out };
        for check in ALL {
            check(&scope, &mut sink);
        }
    }
    out.sort_by_key(|f| (f.severity, f.stack));
    out
}
