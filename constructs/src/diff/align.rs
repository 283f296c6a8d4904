//! Aligning two lists in memory proportional to their lengths.
//!
//! A full longest-common-subsequence table is quadratic: two different lists
//! of 10,000 items took 790 MB, and 20,000 aborted. Here the common prefix
//! and suffix are matched first; a stretch small enough
//! ([`TABLE_CELLS`]) is aligned exactly by the LCS table; a larger one is cut
//! at items that occur exactly once on each side, kept in order (the longest
//! increasing run of such pairs, as patience diff does), and each piece
//! between two anchors is aligned the same way. A large stretch without any
//! such anchor is left unmatched: its items are then compared pairwise by
//! the caller, which is what a reviewer reads for two lists that share
//! nothing. Deterministic: no time limit decides the result.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::Value;

use super::same::{same, scalar_text};

/// Largest stretch (old items × new items) aligned with a full LCS table:
/// 4 MiB of `u32`s.
const TABLE_CELLS: usize = 1 << 20;

/// The pairs `(old index, new index)` of equal items (as [`same`] decides)
/// that the alignment keeps, both indices increasing.
pub(crate) fn matches(old: &[Value], new: &[Value]) -> Vec<(usize, usize)> {
    let ho: Vec<u64> = old.iter().map(fingerprint).collect();
    let hn: Vec<u64> = new.iter().map(fingerprint).collect();
    let eq = |i: usize, j: usize| ho[i] == hn[j] && same(&old[i], &new[j]);
    let mut out = Vec::new();
    let mut work = vec![(0, old.len(), 0, new.len())];
    while let Some((mut a0, mut a1, mut b0, mut b1)) = work.pop() {
        while a0 < a1 && b0 < b1 && eq(a0, b0) {
            out.push((a0, b0));
            a0 += 1;
            b0 += 1;
        }
        while a1 > a0 && b1 > b0 && eq(a1 - 1, b1 - 1) {
            a1 -= 1;
            b1 -= 1;
            out.push((a1, b1));
        }
        if a0 == a1 || b0 == b1 {
            continue;
        }
        if (a1 - a0).saturating_mul(b1 - b0) <= TABLE_CELLS {
            table(a0, a1, b0, b1, &eq, &mut out);
            continue;
        }
        let anchors = unique_anchors(&ho[a0..a1], &hn[b0..b1], a0, b0, &eq);
        let (mut pa, mut pb) = (a0, b0);
        for &(i, j) in &anchors {
            out.push((i, j));
            work.push((pa, i, pb, j));
            pa = i + 1;
            pb = j + 1;
        }
        if !anchors.is_empty() {
            work.push((pa, a1, pb, b1));
        }
    }
    out.sort_unstable();
    out
}

/// The exact LCS alignment of `old[a0..a1]` and `new[b0..b1]`; ties prefer
/// an added item before a removed one, as the whole-list table always did.
fn table(a0: usize, a1: usize, b0: usize, b1: usize, eq: &dyn Fn(usize, usize) -> bool, out: &mut Vec<(usize, usize)>) {
    let (la, lb) = (a1 - a0, b1 - b0);
    let w = lb + 1;
    // lcs[i * w + j] = length of the LCS of old[a0 + i..a1] and new[b0 + j..b1].
    let mut lcs = vec![0u32; (la + 1) * w];
    for i in (0..la).rev() {
        for j in (0..lb).rev() {
            lcs[i * w + j] = if eq(a0 + i, b0 + j) {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < la && j < lb {
        if eq(a0 + i, b0 + j) {
            out.push((a0 + i, b0 + j));
            i += 1;
            j += 1;
        } else if lcs[i * w + j + 1] >= lcs[(i + 1) * w + j] {
            j += 1;
        } else {
            i += 1;
        }
    }
}

/// Items that occur exactly once in each stretch, paired, reduced to the
/// longest run whose new indices increase with the old ones.
fn unique_anchors(
    ho: &[u64],
    hn: &[u64],
    a0: usize,
    b0: usize,
    eq: &dyn Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    // fingerprint -> (count in old, index in old, count in new, index in new)
    let mut seen: HashMap<u64, (u32, usize, u32, usize)> = HashMap::with_capacity(ho.len());
    for (i, h) in ho.iter().enumerate() {
        let e = seen.entry(*h).or_insert((0, 0, 0, 0));
        e.0 += 1;
        e.1 = a0 + i;
    }
    for (j, h) in hn.iter().enumerate() {
        if let Some(e) = seen.get_mut(h) {
            e.2 += 1;
            e.3 = b0 + j;
        }
    }
    let mut pairs: Vec<(usize, usize)> =
        seen.into_values().filter(|e| e.0 == 1 && e.2 == 1 && eq(e.1, e.3)).map(|e| (e.1, e.3)).collect();
    pairs.sort_unstable();
    longest_increasing(&pairs)
}

/// The longest subsequence of `pairs` (sorted by old index) whose new indices
/// increase, in O(n log n) time and O(n) memory.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // tails[k]: index into pairs of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (p, &(_, j)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < j);
        prev[p] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(p);
        } else {
            tails[k] = p;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied();
    while let Some(p) = cur {
        out.push(pairs[p]);
        cur = prev[p];
    }
    out.reverse();
    out
}

/// A hash equal for values [`same`] calls equal: key order ignored, scalars by their text.
fn fingerprint(v: &Value) -> u64 {
    fn feed(v: &Value, h: &mut DefaultHasher) {
        match v {
            Value::Null => 0u8.hash(h),
            Value::Object(m) => {
                1u8.hash(h);
                m.len().hash(h);
                let mut entries: Vec<_> = m.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                for (k, x) in entries {
                    k.hash(h);
                    feed(x, h);
                }
            }
            Value::Array(a) => {
                2u8.hash(h);
                a.len().hash(h);
                a.iter().for_each(|x| feed(x, h));
            }
            scalar => {
                3u8.hash(h);
                scalar_text(scalar).hash(h);
            }
        }
    }
    let mut h = DefaultHasher::new();
    feed(v, &mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn small_lists_get_the_exact_lcs() {
        let o = vec![json!("a"), json!("b"), json!("c"), json!("d")];
        let n = vec![json!("b"), json!("x"), json!("d"), json!("a")];
        assert_eq!(matches(&o, &n), vec![(1, 0), (3, 2)]);
    }

    #[test]
    fn equal_by_text_and_key_order_match() {
        let o = vec![json!({"a": 1, "b": [80]}), json!(true)];
        let n = vec![json!({"b": ["80"], "a": "1"}), json!("true")];
        assert_eq!(matches(&o, &n), vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn long_lists_are_cut_at_unique_items() {
        // 3,000 items each side: above the table's size, so anchors decide.
        let o: Vec<Value> = (0..3000).map(|i| json!(format!("o{i}"))).collect();
        let mut n = o.clone();
        n.insert(1500, json!("inserted"));
        n.remove(10);
        let m = matches(&o, &n);
        assert_eq!(m.len(), 2999);
        assert!(!m.iter().any(|&(i, _)| i == 10));
        assert!(m.contains(&(1600, 1600)));
    }

    #[test]
    fn lists_sharing_nothing_match_nothing() {
        let o: Vec<Value> = (0..5000).map(|i| json!(format!("o{i}"))).collect();
        let n: Vec<Value> = (0..5000).map(|i| json!(format!("n{i}"))).collect();
        assert!(matches(&o, &n).is_empty());
    }
}
