//! The whole-app checks, one file each, with its tests. Adding a check is
//! adding its file and two lines here: the module and its place in [`ALL`].

use super::check::Check;

mod alarms;
mod cdn;
mod containers;
mod database;
mod egress;
mod listeners;
mod nat;
mod region;
mod targets;

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
    cdn::check,
];
