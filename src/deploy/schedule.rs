//! Deploy order: a stack after the stacks it depends on, independent stacks
//! concurrently (bounded; one at a time when each needs a confirmation).
//! After a failure no new stack starts. Outputs of stacks deployed in this
//! run feed the parameters of the stacks that declare them as inputs.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::task::JoinSet;

use super::context::{Context, Outcome, StackReport};
use super::plan::Target;
use super::stack::deploy_stack;
use crate::failure::Failure;

/// Deploys `targets` in dependency order; one report per stack, in the order
/// they started.
pub async fn run(targets: Vec<Target>, ctx: Arc<Context>) -> Result<Vec<StackReport>, Failure> {
    let selected: BTreeSet<String> = targets.iter().map(|t| t.stack.name.clone()).collect();
    let bound = if ctx.options.yes || ctx.options.no_execute { ctx.options.concurrency.max(1) } else { 1 };
    let mut pending: Vec<Target> = targets;
    let mut reports: BTreeMap<String, StackReport> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut failures: Vec<(String, Failure)> = Vec::new();
    let mut running: JoinSet<(String, Result<Outcome, Failure>)> = JoinSet::new();
    loop {
        if failures.is_empty() {
            let mut i = 0;
            while i < pending.len() && running.len() < bound {
                let ready =
                    pending[i].stack.depends_on.iter().all(|d| !selected.contains(d) || reports.contains_key(d));
                if ready {
                    let mut target = pending.remove(i);
                    wire_outputs(&mut target, &reports);
                    let name = target.stack.name.clone();
                    order.push(name.clone());
                    let ctx = Arc::clone(&ctx);
                    running.spawn(async move { (name, deploy_stack(&ctx, &target).await) });
                } else {
                    i += 1;
                }
            }
        }
        let Some(joined) = running.join_next().await else { break };
        match joined {
            Ok((name, Ok(outcome))) => {
                reports.insert(name.clone(), StackReport { stack: name, outcome });
            }
            Ok((name, Err(f))) => failures.push((name, f)),
            Err(e) => failures.push(("?".into(), Failure::no(format!("a deploy task stopped: {e}")))),
        }
    }
    if failures.is_empty() {
        return Ok(order.into_iter().filter_map(|n| reports.remove(&n)).collect());
    }
    let skipped: Vec<String> = pending.iter().map(|t| t.stack.name.clone()).collect();
    if failures.len() == 1 && skipped.is_empty() {
        return Err(failures.remove(0).1);
    }
    let mut message = String::new();
    let mut help = None;
    let mut exit = failures[0].1.exit;
    for (name, f) in &failures {
        message.push_str(&format!("stack `{name}`: {}\n", f.message));
        help = help.or_else(|| f.help.clone());
        exit = exit.max(f.exit);
    }
    if !skipped.is_empty() {
        message.push_str(&format!("not started after the failure: {}", skipped.join(", ")));
    }
    Err(Failure { exit, message: message.trim_end().to_owned(), help })
}

/// Cross-stack wiring, first half: outputs of stacks deployed earlier in this
/// run feed the parameters of `target` they are declared for. A value given
/// explicitly (`--parameter`, the app file) wins.
fn wire_outputs(target: &mut Target, deployed: &BTreeMap<String, StackReport>) {
    for input in &target.stack.inputs {
        if target.parameters.contains_key(&input.parameter) {
            continue;
        }
        if let Some(StackReport { outcome: Outcome::Deployed { outputs, .. }, .. }) = deployed.get(&input.stack) {
            if let Some((_, value)) = outputs.iter().find(|(k, _)| *k == input.output) {
                target.parameters.insert(input.parameter.clone(), value.clone());
            }
        }
    }
}
