//! The rule of issue 10: an app that synthesizes with exit 0 yields
//! templates with zero cfn-lint errors. Random valid-looking apps (the
//! strategies of the fuzz harness) are synthesized; the templates of a
//! bounded sample of those that pass go to the pinned cfn-lint in one
//! invocation (`RCDK_LINT_SAMPLE=N` lints N apps instead of 12).

mod support;

#[path = "support/app_gen.rs"]
mod app_gen;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::Format;

use support::cfn_lint;

/// Most random apps to try before giving up on filling the sample.
const MAX_CANDIDATES: usize = 2_000;

/// A strategy for app values, as a trait object.
trait StrategyOf {
    fn sample(&self, runner: &mut TestRunner) -> serde_json::Value;
}

impl<S: Strategy<Value = serde_json::Value>> StrategyOf for S {
    fn sample(&self, runner: &mut TestRunner) -> serde_json::Value {
        self.new_tree(runner).expect("a value").current()
    }
}

#[test]
fn every_app_that_synthesizes_passes_cfn_lint() {
    let sample: usize = std::env::var("RCDK_LINT_SAMPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    // Mostly apps meant to be valid, some from the fuzz harness's wilder
    // generator (of which few synthesize).
    let plausible = app_gen::plausible_app();
    let wild = app_gen::app_value();
    let mut runner = TestRunner::default();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    let mut apps = Vec::new();
    let mut tried = 0;
    while apps.len() < sample && tried < MAX_CANDIDATES {
        tried += 1;
        let value =
            if tried % 4 == 0 { &wild as &dyn StrategyOf } else { &plausible as &dyn StrategyOf }.sample(&mut runner);
        let Ok(props) = serde_json::from_value::<AppProps>(value.clone()) else { continue };
        let Ok(stacks) = props.synth(Format::Yaml) else { continue };
        let app = apps.len();
        for s in &stacks {
            let path = dir.path().join(format!("app{app}-{}", s.file_name()));
            std::fs::write(&path, &s.body).expect("write template");
            files.push(path);
        }
        apps.push(serde_json::to_string(&value).expect("json"));
    }
    assert!(
        apps.len() >= sample.min(4),
        "only {} of {tried} random apps synthesized: the generator no longer makes valid apps",
        apps.len()
    );
    eprintln!("{} of {tried} random apps synthesized; linting {} templates", apps.len(), files.len());
    let (code, output) = cfn_lint(&files);
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    eprintln!("cfn-lint exit code {code}\n{output}");
    let errors: Vec<&str> = output.lines().filter(|l| l.starts_with('E') || l.contains(" E")).collect();
    assert!(
        code & 2 == 0,
        "cfn-lint found errors in templates of apps that synthesized:\n{output}\n\nthe apps (app<N>- prefix = index):\n{}\n{errors:?}",
        apps.iter().enumerate().map(|(i, a)| format!("{i}: {a}")).collect::<Vec<_>>().join("\n")
    );
}
