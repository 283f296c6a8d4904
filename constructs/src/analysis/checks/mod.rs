//! The whole-app checks, one file each, with its tests. Adding a check is
//! adding its file and two lines here: the module and its place in [`ALL`].

use super::check::Check;

pub(crate) mod alarms;
pub(crate) mod cdn;
pub(crate) mod containers;
pub(crate) mod database;
pub(crate) mod egress;
pub(crate) mod listeners;
mod nat;
pub(crate) mod region;
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
    cdn::check,
];
