//! `rcdk synth` end to end: the real binary in a temporary project.

mod support;

use std::fs;
use std::path::Path;

use support::{rcdk, root, text};

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join("examples")).expect("mkdir");
    fs::copy(root().join("examples/network.yaml"), dir.path().join("examples/network.yaml")).expect("copy example");
    dir
}

fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn synth_is_byte_identical_and_check_tracks_the_app_file() {
    let dir = project();
    let out = rcdk(dir.path(), &["synth", "examples/network.yaml"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let template = dir.path().join("templates/network-prod.yaml");
    let first = read(&template);
    assert!(String::from_utf8_lossy(&first).contains("Type: AWS::EC2::VPC"));

    let out = rcdk(dir.path(), &["synth", "examples/network.yaml"]);
    assert!(out.status.success());
    assert_eq!(first, read(&template), "a second synth changed the template");

    let out = rcdk(dir.path(), &["synth", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    let app = dir.path().join("examples/network.yaml");
    let changed = fs::read_to_string(&app).expect("read").replace("nat_gateways: 3", "nat_gateways: 1");
    fs::write(&app, changed).expect("write");
    let out = rcdk(dir.path(), &["synth", "--check", "examples/network.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = text(&out);
    assert!(err.contains("stale:   templates/network-prod.yaml"), "{err}");
    assert_eq!(first, read(&template), "--check wrote a file");
}

#[test]
fn check_reports_missing_templates() {
    let dir = project();
    let out = rcdk(dir.path(), &["synth", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("missing: templates/network-prod.yaml"));
}

#[test]
fn json_format_and_stdout() {
    let dir = project();
    let out = rcdk(dir.path(), &["synth", "--format", "json", "--stdout"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["Resources"]["Vpc"]["Type"], "AWS::EC2::VPC");
    assert!(!dir.path().join("templates").exists(), "--stdout wrote files");
}

#[test]
fn bad_input_exits_2_with_every_problem_located_and_writes_nothing() {
    let dir = project();
    let app = dir.path().join("bad.yaml");
    fs::write(
        &app,
        "stacks:\n  - name: prod\n    vpc:\n      cidr: 10.0.0.0/8\n      max_azs: 0\n      nat_gateways: 2\n",
    )
    .expect("write");
    let out = rcdk(dir.path(), &["synth", "bad.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = text(&out);
    assert!(err.contains("bad.yaml:4:13: stacks[0].vpc.cidr: VPC CIDR `10.0.0.0/8` has prefix /8"), "{err}");
    assert!(err.contains("bad.yaml:5:16: stacks[0].vpc.max_azs: max_azs is 0"), "{err}");
    assert!(err.contains("construct: prod/Vpc [vpc:az-count]"), "{err}");
    assert!(!dir.path().join("templates").exists());
}

#[test]
fn unknown_fields_and_syntax_errors_are_located() {
    let dir = project();
    fs::write(dir.path().join("typo.yaml"), "stacks:\n  - name: prod\n    vpc:\n      cdir: 10.0.0.0/16\n")
        .expect("write");
    let out = rcdk(dir.path(), &["synth", "typo.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = text(&out);
    assert!(err.contains("typo.yaml:4:7: stacks[0].vpc.cdir: unknown field `cdir`, expected one of `cidr`"), "{err}");

    fs::write(dir.path().join("broken.yaml"), "stacks: [\n").expect("write");
    let out = rcdk(dir.path(), &["synth", "broken.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("broken.yaml:"), "{:?}", text(&out));

    let out = rcdk(dir.path(), &["synth", "nope.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("nope.yaml: cannot read the app file"), "{:?}", text(&out));
}

#[test]
fn duplicate_stack_names_across_files_are_rejected() {
    let dir = project();
    fs::copy(dir.path().join("examples/network.yaml"), dir.path().join("copy.yaml")).expect("copy");
    let out = rcdk(dir.path(), &["synth", "examples/network.yaml", "copy.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("stack `network-prod` is also defined in examples/network.yaml"), "{:?}", text(&out));
}

#[test]
fn usage_errors_exit_2() {
    let dir = project();
    let out = rcdk(dir.path(), &["synth", "--format", "toml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = rcdk(dir.path(), &["synth", "--check", "--stdout"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The bundled examples are what a new user runs first: each synthesizes
/// with no warning at all (the tool never warns about its own defaults), on
/// its own and all together, and `--deny-warnings` agrees.
#[test]
fn every_example_synthesizes_without_a_warning() {
    let mut examples: Vec<String> = fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    examples.sort();
    assert!(examples.len() >= 6, "{examples:?}");
    let mut runs: Vec<Vec<&str>> = examples.iter().map(|e| vec![e.as_str()]).collect();
    runs.push(examples.iter().map(String::as_str).collect());
    for files in runs {
        let mut args = vec!["synth", "--stdout", "--deny-warnings"];
        args.extend(&files);
        let out = rcdk(&root(), &args);
        let (_, err) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{files:?}:\n{err}");
        assert!(!err.contains("warning"), "{files:?} warns:\n{err}");
    }
}
