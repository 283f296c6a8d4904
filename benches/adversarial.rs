//! Hostile app files of up to 1 MiB: each must be accepted or refused within
//! 1 s, with peak memory under 200 MiB (issue 10). In process, through
//! `AppFile::parse` and synthesis, as `rcdk synth` runs them after reading
//! the file; divan's "max alloc" column is the peak heap of one run.
//! `cargo bench --bench adversarial` (release); the README's "Limits"
//! section quotes a run.
//!
//! - `alias_bomb`: one long string, aliased as often as 1 MiB allows;
//! - `billion_laughs`: nested aliases, nine per level;
//! - `deep_flow`: 1 MiB of `[` (libyaml alone is quadratic on it);
//! - `deep_block`: block lists nested as deep as the indentation allows;
//! - `long_scalar`: a description of 1 MiB;
//! - `many_keys`: one service's `environment` with as many keys as fit;
//! - `many_duplicate_keys`: the same key again and again;
//! - `many_services`: services of one line each, as many as fit;
//! - `many_nulls`: a list of nulls.

use std::path::Path;

use divan::{black_box, AllocProfiler};
use rcdk::app_file::AppFile;
use rcdk_constructs::cfn::Format;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

const MIB: usize = 1024 * 1024;

/// Accepts or refuses `source`; returns whether it synthesized.
fn run(source: &str) -> bool {
    match AppFile::parse(Path::new("app.yaml"), source) {
        Ok(app) => app.synth(Format::Yaml).is_ok(),
        Err(_) => false,
    }
}

/// Cuts `s` to at most 1 MiB.
fn capped(mut s: String) -> String {
    s.truncate(MIB);
    s
}

fn alias_bomb() -> String {
    let head = format!("a: &a \"{}\"\nb: [", "x".repeat(MIB / 2));
    let room = (MIB - head.len() - 2) / 4;
    capped(format!("{head}{}]\n", vec!["*a"; room].join(", ")))
}

fn billion_laughs() -> String {
    let mut lines = vec!["x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]".to_owned()];
    for i in 1..30 {
        lines.push(format!("x{i}: &x{i} [{}]", vec![format!("*x{}", i - 1); 9].join(", ")));
    }
    lines.join("\n")
}

fn deep_flow() -> String {
    "[".repeat(MIB)
}

fn deep_block() -> String {
    let mut s = String::from("stacks:\n");
    let mut depth = 1;
    while s.len() + depth * 2 + 4 < MIB {
        s.push_str(&" ".repeat(depth * 2));
        s.push_str("- \n");
        depth += 1;
    }
    s
}

fn long_scalar() -> String {
    let head = "stacks:\n  - name: a\n    vpc: {}\n    description: ";
    capped(format!("{head}{}\n", "d".repeat(MIB - head.len() - 1)))
}

fn many_keys() -> String {
    let mut s = String::from(
        "stacks:\n  - name: a\n    region: us-east-1\n    vpc: {}\n    services:\n      web:\n        image: nginx:1.27\n        environment:\n",
    );
    let mut i = 0;
    while s.len() + 32 < MIB {
        s.push_str(&format!("          K{i}: v\n"));
        i += 1;
    }
    s
}

fn many_duplicate_keys() -> String {
    let mut s = String::from("stacks:\n  - name: a\n    tags:\n");
    while s.len() + 16 < MIB {
        s.push_str("      k: v\n");
    }
    s
}

fn many_services() -> String {
    let mut s = String::from("stacks:\n  - name: a\n    region: us-east-1\n    vpc: {}\n    services:\n");
    let mut i = 0;
    while s.len() + 40 < MIB {
        s.push_str(&format!("      s{i}: {{image: nginx:1.27}}\n"));
        i += 1;
    }
    s
}

fn many_nulls() -> String {
    let mut s = String::from("stacks:\n");
    while s.len() + 8 < MIB {
        s.push_str("  - ~\n");
    }
    s
}

#[divan::bench(args = [
    "alias_bomb", "billion_laughs", "deep_flow", "deep_block", "long_scalar",
    "many_keys", "many_duplicate_keys", "many_services", "many_nulls",
], sample_count = 5, sample_size = 1)]
fn hostile(bencher: divan::Bencher, case: &str) {
    let source = match case {
        "alias_bomb" => alias_bomb(),
        "billion_laughs" => billion_laughs(),
        "deep_flow" => deep_flow(),
        "deep_block" => deep_block(),
        "long_scalar" => long_scalar(),
        "many_keys" => many_keys(),
        "many_duplicate_keys" => many_duplicate_keys(),
        "many_services" => many_services(),
        _ => many_nulls(),
    };
    assert!(source.len() <= MIB, "{case}: {} bytes", source.len());
    bencher.counter(divan::counter::BytesCount::new(source.len())).bench(|| run(black_box(&source)));
}
