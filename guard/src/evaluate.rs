//! Evaluating a pack on documents: the prefilter, the cache and the threads.

use std::collections::BTreeSet;

use crate::cache::Cache;
use crate::document::Document;
use crate::engine::{execute, EngineError, Violation};
use crate::pack::Pack;

/// How the documents a cache did not answer are handed to the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strategy {
    /// Evaluate only the rule files whose resource types a document declares
    /// (see [`Pack::select`]); `false` evaluates every file on every document.
    pub prefilter: bool,
    /// One engine call for all the documents of a thread, with the union of
    /// their rule files (each rule file parsed once); `false` makes one call
    /// per document with its own rule files.
    pub one_call: bool,
    /// Threads, each running its own engine calls (the engine's values are
    /// not shared across threads). At least 1.
    pub threads: usize,
}

impl Default for Strategy {
    /// Prefiltered, one call per document, on up to 4 of the machine's CPUs.
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        Strategy { prefilter: true, one_call: false, threads: cpus.clamp(1, 4) }
    }
}

/// The violations of `pack` on each document, in document order: from the
/// cache where it has them, from the engine otherwise (then cached).
pub fn evaluate(pack: &Pack, documents: &[&Document], cache: &Cache) -> Result<Vec<Vec<Violation>>, EngineError> {
    evaluate_with(pack, documents, cache, Strategy::default())
}

/// [`evaluate`] with an explicit [`Strategy`] (benchmarks and the test
/// that the prefilter changes no finding use it).
pub fn evaluate_with(
    pack: &Pack,
    documents: &[&Document],
    cache: &Cache,
    strategy: Strategy,
) -> Result<Vec<Vec<Violation>>, EngineError> {
    let texts: Vec<String> = documents.iter().map(|d| d.to_json()).collect();
    let keys: Vec<String> = texts.iter().map(|t| Cache::key(pack.digest(), t)).collect();
    let mut out: Vec<Option<Vec<Violation>>> = keys.iter().map(|k| cache.get(k)).collect();
    let misses: Vec<usize> = (0..documents.len()).filter(|&i| out[i].is_none()).collect();
    if misses.is_empty() {
        return Ok(out.into_iter().flatten().collect());
    }
    let selections: Vec<Vec<usize>> = misses
        .iter()
        .map(|&i| {
            if strategy.prefilter {
                pack.select(&documents[i].resource_types())
            } else {
                (0..pack.rules.len()).collect()
            }
        })
        .collect();
    let threads = strategy.threads.clamp(1, misses.len());
    // Round-robin over the threads, biggest first, so the work evens out.
    let mut order: Vec<usize> = (0..misses.len()).collect();
    order.sort_by_key(|&m| std::cmp::Reverse(texts[misses[m]].len() * selections[m].len().max(1)));
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); threads];
    for (n, m) in order.into_iter().enumerate() {
        groups[n % threads].push(m);
    }
    let results: Vec<Result<Vec<(usize, Vec<Violation>)>, EngineError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|group| {
                let (texts, selections, misses) = (&texts, &selections, &misses);
                scope.spawn(move || run_group(pack, group, misses, texts, selections, strategy.one_call))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(EngineError::Panicked("an evaluation thread panicked".into()))))
            .collect()
    });
    for result in results {
        for (doc, violations) in result? {
            cache.put(&keys[doc], &violations);
            out[doc] = Some(violations);
        }
    }
    Ok(out.into_iter().map(Option::unwrap_or_default).collect())
}

/// Evaluates one thread's documents (`group`: indexes into `misses` and
/// `selections`); returns (document index, violations).
fn run_group(
    pack: &Pack,
    group: &[usize],
    misses: &[usize],
    texts: &[String],
    selections: &[Vec<usize>],
    one_call: bool,
) -> Result<Vec<(usize, Vec<Violation>)>, EngineError> {
    let mut out = Vec::with_capacity(group.len());
    if one_call {
        let union: BTreeSet<usize> = group.iter().flat_map(|&m| selections[m].iter().copied()).collect();
        let rules: Vec<&str> = union.iter().map(|&r| pack.rules[r].text.as_ref()).collect();
        let docs: Vec<String> = group.iter().map(|&m| texts[misses[m]].clone()).collect();
        for (&m, v) in group.iter().zip(execute(&rules, &docs)?) {
            out.push((misses[m], v));
        }
    } else {
        for &m in group {
            let rules: Vec<&str> = selections[m].iter().map(|&r| pack.rules[r].text.as_ref()).collect();
            let v = execute(&rules, std::slice::from_ref(&texts[misses[m]]))?.pop().unwrap_or_default();
            out.push((misses[m], v));
        }
    }
    Ok(out)
}
