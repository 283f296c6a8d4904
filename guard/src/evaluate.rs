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
    let keys: Vec<String> = texts.iter().map(|t| Cache::key(pack.digest(), "json", t)).collect();
    run_keyed(pack, documents, texts, keys, cache, strategy)
}

/// The violations of `pack` on templates given as text (as written,
/// YAML or JSON), keyed in the cache by the text itself: a cached template
/// is not even read. A template the engine must not be given (see
/// [`Document::parse`]) gets its error; the others their violations.
pub fn evaluate_texts(
    pack: &Pack,
    texts: &[&str],
    cache: &Cache,
) -> Result<Vec<Result<Vec<Violation>, crate::document::DocumentError>>, EngineError> {
    let keys: Vec<String> = texts.iter().map(|t| Cache::key(pack.digest(), "text", t)).collect();
    let mut out: Vec<Option<Result<Vec<Violation>, crate::document::DocumentError>>> =
        keys.iter().map(|k| cache.get(k).map(Ok)).collect();
    let mut docs = Vec::new();
    let mut at = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        match Document::parse(text) {
            Ok(d) => {
                docs.push(d);
                at.push(i);
            }
            Err(e) => out[i] = Some(Err(e)),
        }
    }
    let refs: Vec<&Document> = docs.iter().collect();
    let jsons: Vec<String> = refs.iter().map(|d| d.to_json()).collect();
    let miss_keys: Vec<String> = at.iter().map(|&i| keys[i].clone()).collect();
    let found = run_keyed(pack, &refs, jsons, miss_keys, cache, Strategy::default())?;
    for (i, v) in at.into_iter().zip(found) {
        out[i] = Some(Ok(v));
    }
    Ok(out.into_iter().map(|o| o.unwrap_or_else(|| Ok(Vec::new()))).collect())
}

/// Evaluates `documents` (whose engine JSON is `texts`) with the cache entries `keys`.
fn run_keyed(
    pack: &Pack,
    documents: &[&Document],
    texts: Vec<String>,
    keys: Vec<String>,
    cache: &Cache,
    strategy: Strategy,
) -> Result<Vec<Vec<Violation>>, EngineError> {
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
    let results: Vec<Result<Found, EngineError>> = std::thread::scope(|scope| {
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

/// A thread's result: (document index, violations) per document.
type Found = Vec<(usize, Vec<Violation>)>;

/// Evaluates one thread's documents (`group`: indexes into `misses` and
/// `selections`); returns (document index, violations).
fn run_group(
    pack: &Pack,
    group: &[usize],
    misses: &[usize],
    texts: &[String],
    selections: &[Vec<usize>],
    one_call: bool,
) -> Result<Found, EngineError> {
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
