//! `rcdk diff` on long lists (issue 21): two different 20,000-element lists
//! in one property must be diffed in at most 1 s and 200 MiB. In process,
//! through `TemplateDiff::new` as `rcdk diff OLD NEW` runs it after reading
//! the files; divan's "max alloc" column is the peak heap of one run.
//! `cargo bench --bench diff` (release); the README's "Reviewing changes
//! with rcdk diff" section quotes a run.
//!
//! - `disjoint`: the lists share no element (`0..n` against `n..2n`, the
//!   peer suite's probe P6);
//! - `one_inserted`: the new list is the old one with one element inserted
//!   in the middle (the alignment must still see one addition).

use divan::{black_box, AllocProfiler};
use rcdk_constructs::diff::TemplateDiff;
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

fn template(values: Vec<String>) -> Value {
    json!({"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "StringList", "Value": values}}}})
}

const SIZES: [usize; 2] = [10_000, 20_000];

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn disjoint(bencher: divan::Bencher, n: usize) {
    let old = template((0..n).map(|i| i.to_string()).collect());
    let new = template((n..2 * n).map(|i| i.to_string()).collect());
    bencher.bench(|| {
        let d = TemplateDiff::new(black_box(&old), black_box(&new));
        assert_eq!(d.resources[0].changes.len(), n);
        d
    });
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn one_inserted(bencher: divan::Bencher, n: usize) {
    let values: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let mut more = values.clone();
    more.insert(n / 2, "inserted".into());
    let (old, new) = (template(values), template(more));
    bencher.bench(|| {
        let d = TemplateDiff::new(black_box(&old), black_box(&new));
        assert_eq!(d.resources[0].changes.len(), 1);
        d
    });
}
