//! Shared helpers for the construct tests: snapshots in the workspace's
//! `snapshots/` folder, and the pinned cfn-lint.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `snapshot!(name, value)`: an insta snapshot stored in the workspace's
/// `snapshots/` folder as `<name>.snap`.
#[macro_export]
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

/// cfn-lint from `$RCDK_TEST_VENV` (or the workspace `.venv`). Panics with
/// instructions when it is missing: these tests never skip.
pub fn cfn_lint_binary() -> PathBuf {
    let venv = std::env::var_os("RCDK_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv"));
    let tool = venv.join("bin").join("cfn-lint");
    assert!(
        tool.is_file(),
        "{} not found: run the tests with `scripts/test` (it installs the pinned cfn-lint into .venv), \
         or point RCDK_TEST_VENV at a venv holding it",
        tool.display()
    );
    tool
}

/// Runs cfn-lint over `files`; panics with its report unless it finds no
/// error and no warning.
pub fn assert_cfn_lint_clean(files: &[PathBuf]) {
    let out = Command::new(cfn_lint_binary()).args(files).output().expect("cfn-lint runs");
    assert!(
        out.status.success(),
        "cfn-lint found problems in {files:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes `body` to `<dir>/<name>` and lints it.
pub fn lint_body(dir: &Path, name: &str, body: &str) {
    let file = dir.join(name);
    std::fs::write(&file, body).expect("write template");
    assert_cfn_lint_clean(&[file]);
}

/// Synthesizes the app file text `yaml` (which must parse as an app file).
pub fn synth_app(
    yaml: &str,
    format: rcdk_constructs::cfn::Format,
) -> Result<Vec<rcdk_constructs::core::SynthesizedStack>, rcdk_constructs::Errors> {
    let props: rcdk_constructs::app::AppProps = serde_yaml::from_str(yaml).expect("app parses");
    props.synth(format)
}

/// The first stack's template of the app file text `yaml`, as JSON; panics
/// when synthesis fails.
pub fn app_template(yaml: &str) -> serde_json::Value {
    let stacks = synth_app(yaml, rcdk_constructs::cfn::Format::Json).unwrap_or_else(|e| panic!("synth failed: {e}"));
    serde_json::from_str(&stacks[0].body).expect("JSON template")
}

/// A stack `web` (in `region`, if any) with a two-zone VPC without NAT
/// gateways at `Vpc`: what the load balancer tests build on.
pub fn stack_with_vpc(region: Option<&str>) -> (rcdk_constructs::core::Stack, rcdk_constructs::ec2::Vpc) {
    use rcdk_constructs::core::{FieldPath, Stack, StackProps};
    use rcdk_constructs::ec2::{Vpc, VpcProps};
    let props = StackProps { name: "web".into(), region: region.map(str::to_owned), ..Default::default() };
    let mut stack = Stack::new(props, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(
        &mut stack,
        &root.child("Vpc"),
        &VpcProps { max_azs: Some(2), nat_gateways: Some(0), ..Default::default() },
    );
    (stack, vpc)
}
