//! Every stack of an app of platform specs: each spec's own stack, or its
//! copies per region and its CDN stack, each placed among the others.

use std::collections::BTreeSet;

use super::regions::{cdn_roles, validate_regions};
use super::spec::{StackKind, StackSpec};
use super::stack::{Placement, Platform};
use crate::core::{FieldPath, Stack};

/// One built stack of the platform, with the handles of what it holds.
#[derive(Debug)]
pub struct PlatformStack {
    /// The stack, to add to an [`App`](crate::core::App) (and more constructs to, first).
    pub stack: Stack,
    /// Its handles.
    pub platform: Platform,
}

/// Builds the stacks of `specs` (the entries of an app file's `stacks:`):
/// each spec's own stack, or with `regions` one copy per region and, with
/// `cdn`, the CDN stack, in that order. Each spec's problems are located at
/// `stacks[<index>]`; `regions` is checked once per spec.
pub fn build(specs: &[StackSpec]) -> Vec<PlatformStack> {
    // Expand every spec once: the copies carry whole service maps.
    let expanded: Vec<Vec<(StackSpec, StackKind)>> = specs.iter().map(StackSpec::expansions).collect();
    let names: BTreeSet<String> = expanded.iter().flatten().map(|(s, _)| s.name.clone()).collect();
    let roles = cdn_roles(&expanded);
    let mut out = Vec::new();
    for (i, (spec, copies)) in specs.iter().zip(expanded).enumerate() {
        for (expanded, kind) in copies {
            let mut stack = Stack::new(expanded.stack_props(), FieldPath::root().key("stacks").index(i));
            // Located at the spec's fields, not at the lines of this pattern.
            stack.locate_callers(false);
            if matches!(kind, StackKind::Single | StackKind::Regional { first: true }) {
                validate_regions(&mut stack, spec);
            }
            let placement = Placement { kind, stack_names: &names, cdn: roles.get(&expanded.name) };
            let platform = Platform::new(&mut stack, &expanded, &placement);
            out.push(PlatformStack { stack, platform });
        }
    }
    out
}
