//! In-process synthesis benchmarks: parse an app file, build the constructs,
//! validate, render the templates. `cargo bench` (divan) runs them all;
//! `cargo bench -- generated` runs one group. Whole-process figures
//! (`rcdk synth` as users run it) come from `scripts/bench`.
//!
//! - `example`: each `examples/*.yaml` file, found when the bench starts.
//! - `all_examples`: every example through `rcdk::app_file::synthesize`, reading
//!   the files, as `rcdk synth` does before writing.
//! - `generated`: apps of 10, 100 and 1000 services spread over as many
//!   stacks as CloudFormation's per-stack limits and the load balancer quotas
//!   require (see `support/generate.rs`).
//! - `one_stack_rejected`: the same services crammed into one stack, which
//!   synthesis rejects (too many resources, outputs, bytes, rules, target
//!   groups): the cost of finding out.
//! - `phase_*`: the 1000-service app split into parsing, build + render (with
//!   the whole-app analysis), and the analysis alone.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::counter::ItemsCount;
use divan::{black_box, AllocProfiler, Bencher};
use rcdk::app_file::AppFile;
use rcdk_constructs::cfn::Format;

#[path = "support/generate.rs"]
mod generate;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

/// With `RCDK_BENCH_WRITE_APPS=DIR`, writes the generated apps
/// (`DIR/scale-<N>.yaml`, N in [`SERVICES`]) for `scripts/bench` to time
/// whole `rcdk synth` processes on, and exits without benchmarking.
fn main() {
    if let Some(dir) = std::env::var_os("RCDK_BENCH_WRITE_APPS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create RCDK_BENCH_WRITE_APPS");
        for services in SERVICES {
            let path = dir.join(format!("scale-{services}.yaml"));
            std::fs::write(&path, generate::app_yaml(services, per_stack())).expect("write a generated app");
            println!("{}", path.display());
        }
        return;
    }
    divan::main();
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Every `examples/*.yaml` file name, sorted.
fn example_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("examples/ is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    files.sort();
    files
}

fn synth(source: &str) -> usize {
    let app = AppFile::parse(Path::new("app.yaml"), source).expect("the app parses");
    let stacks = app.synth(Format::Yaml).expect("the app synthesizes");
    stacks.iter().map(|s| s.body.len()).sum()
}

#[divan::bench(args = example_files())]
fn example(bencher: Bencher, file: &str) {
    let source = std::fs::read_to_string(examples_dir().join(file)).expect("example is readable");
    bencher.bench(|| synth(black_box(&source)));
}

#[divan::bench]
fn all_examples(bencher: Bencher) {
    let files: Vec<PathBuf> = example_files().iter().map(|f| examples_dir().join(f)).collect();
    bencher
        .bench(|| rcdk::app_file::synthesize(black_box(&files), Format::Yaml).expect("the examples synthesize").len());
}

const SERVICES: [usize; 3] = [10, 100, 1000];

/// Services per stack for the generated apps, measured once.
fn per_stack() -> usize {
    static PER_STACK: OnceLock<usize> = OnceLock::new();
    *PER_STACK.get_or_init(|| generate::services_per_stack(&generate::stack_cost()))
}

#[divan::bench(args = SERVICES, sample_count = 20)]
fn generated(bencher: Bencher, services: usize) {
    let yaml = generate::app_yaml(services, per_stack());
    bencher.counter(ItemsCount::new(services)).bench(|| synth(black_box(&yaml)));
}

#[divan::bench(args = [100, 1000], sample_count = 20)]
fn one_stack_rejected(bencher: Bencher, services: usize) {
    let yaml = generate::app_yaml(services, services);
    bencher.counter(ItemsCount::new(services)).bench(|| {
        let app = AppFile::parse(Path::new("app.yaml"), black_box(&yaml)).expect("the app parses");
        app.synth(Format::Yaml).expect_err("one stack cannot hold them").0.len()
    });
}

#[divan::bench(sample_count = 20)]
fn phase_parse_1000(bencher: Bencher) {
    let yaml = generate::app_yaml(1000, per_stack());
    bencher.bench(|| AppFile::parse(Path::new("app.yaml"), black_box(&yaml)).expect("the app parses"));
}

#[divan::bench(sample_count = 20)]
fn phase_build_render_1000(bencher: Bencher) {
    let yaml = generate::app_yaml(1000, per_stack());
    let app = AppFile::parse(Path::new("app.yaml"), &yaml).expect("the app parses");
    bencher.bench(|| app.synth(Format::Yaml).expect("the app synthesizes").len());
}

/// The whole-app analysis alone (see `rcdk_constructs::analysis`), over the
/// synthesized templates of the 1000-service app: its share of `generated/1000`.
#[divan::bench(sample_count = 20)]
fn phase_analysis_1000(bencher: Bencher) {
    use rcdk_constructs::analysis::{analyze, Doc, StackTemplate};
    let yaml = generate::app_yaml(1000, per_stack());
    let app = AppFile::parse(Path::new("app.yaml"), &yaml).expect("the app parses");
    let stacks = app.synth(Format::Yaml).expect("the app synthesizes");
    bencher.bench(|| {
        let templates: Vec<StackTemplate<'_>> = stacks
            .iter()
            .map(|s| StackTemplate {
                name: s.name(),
                doc: Doc::from_template(&s.template, s.props.region.as_deref()),
                inputs: Vec::new(),
                nested_in: None,
            })
            .collect();
        analyze(black_box(&templates)).len()
    });
}
