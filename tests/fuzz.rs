//! The fuzz harness (proptest): no input makes rcdk panic, hang or blow up.
//!
//! Three properties, each through the library entry point the binary uses
//! (`AppFile::parse`, then synthesis; an `Err` is what the binary prints
//! with exit 2, an `Ok` is exit 0 — there is no third outcome):
//!
//! - raw bytes, as the file reader would hand them over (lossy UTF-8);
//! - mutations of the bundled example app files (deleted ranges, inserted
//!   YAML syntax, anchors, tags, nulls, schema keys, edge numbers);
//! - structured apps: random `AppProps` built from strategies, synthesized
//!   directly and through their YAML form.
//!
//! Every case must finish within [`CASE_TIME_LIMIT`] (a hang guard, far
//! above the milliseconds a case takes; speed is measured in `benches/`)
//! with at most [`CASE_PEAK_LIMIT`] of heap, counted by this binary's
//! allocator. The default run is bounded (about a minute in all, debug
//! build); `RCDK_FUZZ_CASES=N` runs N cases per property instead, e.g.
//! `RCDK_FUZZ_CASES=100000 cargo test --release --test fuzz`. A failure
//! prints the minimal input proptest shrank it to: add it to
//! `tests/fuzz_regressions.rs`.

#[path = "support/app_gen.rs"]
mod app_gen;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rcdk::app_file::AppFile;
use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::Format;

/// Heap in use and its peak, for this test binary.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A hang guard per case, not a speed requirement.
const CASE_TIME_LIMIT: Duration = Duration::from_secs(10);
/// Most heap one case may use above what was live before it.
const CASE_PEAK_LIMIT: usize = 200 * 1024 * 1024;

/// One property runs at a time, so the peak belongs to its case.
static SERIAL: Mutex<()> = Mutex::new(());

fn cases(default: u32) -> u32 {
    std::env::var("RCDK_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn runner(default_cases: u32) -> TestRunner {
    TestRunner::new(Config { cases: cases(default_cases), failure_persistence: None, ..Config::default() })
}

/// Runs `f` as one case: within the time and memory bounds.
fn bounded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    prop_assert!(took < CASE_TIME_LIMIT, "{what}: took {took:?}");
    prop_assert!(peak < CASE_PEAK_LIMIT, "{what}: peak heap {peak} bytes");
    Ok(out)
}

/// What the binary does with app-file text, up to the exit code: 0 or 2.
fn exit_code_of(text: &str) -> u8 {
    let failure = match AppFile::parse(Path::new("app.yaml"), text) {
        Ok(app) => match app.synth(Format::Yaml) {
            Ok(_) => return 0,
            Err(problems) => rcdk::failure::Failure::from(problems),
        },
        Err(problems) => rcdk::failure::Failure::from(problems),
    };
    // Every refusal is located in the file and says what is wrong.
    assert!(failure.message.starts_with("app.yaml"), "{}", failure.message);
    failure.exit
}

fn examples() -> Vec<&'static str> {
    vec![
        include_str!("../examples/todo-app.yaml"),
        include_str!("../examples/weather-api.yaml"),
        include_str!("../examples/website.yaml"),
        include_str!("../examples/network.yaml"),
        include_str!("../examples/multi-region-canary.yaml"),
        include_str!("../examples/ordermanagement.yaml"),
    ]
}

#[test]
fn raw_bytes_never_panic() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let strategy = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        proptest::collection::vec(proptest::sample::select(b"[]{}:,-&*!|>?#'\"~ \n\tabc01".to_vec()), 0..2048),
    ];
    runner(10_000)
        .run(&strategy, |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            let code = bounded("raw bytes", || exit_code_of(&text))?;
            prop_assert!(code == 0 || code == 2, "exit {code}");
            Ok(())
        })
        .unwrap();
}

#[test]
fn mutated_examples_never_panic() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let bases = examples();
    let strategy = proptest::sample::select(bases).prop_flat_map(app_gen::mutated);
    runner(4000)
        .run(&strategy, |text| {
            let code = bounded("mutated example", || exit_code_of(&text))?;
            prop_assert!(code == 0 || code == 2, "exit {code}");
            Ok(())
        })
        .unwrap();
}

#[test]
fn structured_apps_never_panic() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    runner(1500)
        .run(&app_gen::app_value(), |value| {
            // Values serde refuses (a number out of a field's range) are
            // what the YAML path reports as schema errors.
            let Ok(props) = serde_json::from_value::<AppProps>(value.clone()) else {
                return Ok(());
            };
            bounded("structured app", || {
                let _ = props.synth(Format::Yaml);
            })?;
            let yaml = serde_yaml::to_string(&value).expect("a JSON value renders as YAML");
            let code = bounded("structured app as YAML", || exit_code_of(&yaml))?;
            prop_assert!(code == 0 || code == 2, "exit {code}");
            Ok(())
        })
        .unwrap();
}
