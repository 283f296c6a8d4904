//! Cloud assemblies end to end: `rcdk synth` writes `manifest.json` beside
//! the templates, `--app CMD` (or `rcdk.toml`) runs a program that writes an
//! assembly, `--assembly DIR` reads one, and every command treats them alike.

mod support;

use std::fs;
use std::path::Path;

use support::moto::Moto;
use support::{rcdk, root, text};

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join("examples")).expect("mkdir");
    fs::copy(root().join("examples/network.yaml"), dir.path().join("examples/network.yaml")).expect("copy example");
    dir
}

/// An app command that writes the assembly of `examples/network.yaml` (rcdk
/// itself is a program that can write an assembly), after some noise on
/// stdout, which must not reach rcdk's stdout.
fn network_app_command() -> String {
    format!(
        "echo noise; '{}' synth examples/network.yaml --out \"$RCDK_OUTDIR\" 2>/dev/null",
        env!("CARGO_BIN_EXE_rcdk")
    )
}

fn manifest(dir: &Path) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("manifest.json")).expect("manifest.json written");
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

#[test]
fn synth_writes_the_manifest_and_check_covers_it() {
    let dir = project();
    let out = rcdk(dir.path(), &["synth"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let templates = dir.path().join("templates");
    let m = manifest(&templates);
    // The example opts into the Control Tower pack: version 2 carries it.
    assert_eq!(m["version"], 2);
    assert_eq!(m["stacks"][0]["compliance"][0], "control-tower");
    assert_eq!(m["stacks"][0]["name"], "network-prod");
    assert_eq!(m["stacks"][0]["template"], "network-prod.yaml");
    assert_eq!(m["stacks"][0]["region"], "eu-west-1");
    assert_eq!(m["stacks"][0]["tags"]["team"], "platform");

    let out = rcdk(dir.path(), &["synth", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    let path = templates.join("manifest.json");
    let original = fs::read_to_string(&path).expect("read");
    fs::write(&path, original.replace("eu-west-1", "eu-west-2")).expect("write");
    let out = rcdk(dir.path(), &["synth", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("stale:   templates/manifest.json"), "{:?}", text(&out));
    fs::remove_file(&path).expect("rm");
    let out = rcdk(dir.path(), &["synth", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("missing: templates/manifest.json"), "{:?}", text(&out));
}

#[test]
fn an_app_command_is_synthesized_checked_and_diffed_like_an_app_file() {
    let dir = project();
    let cmd = network_app_command();
    let out = rcdk(dir.path(), &["synth", "--app", &cmd, "--out", "from-app"]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(out.stdout.is_empty(), "the program's stdout goes to stderr: {:?}", text(&out));
    let out = rcdk(dir.path(), &["synth", "examples/network.yaml", "--out", "from-file"]);
    assert!(out.status.success(), "{:?}", text(&out));
    for file in ["network-prod.yaml", "manifest.json"] {
        assert_eq!(
            fs::read(dir.path().join("from-app").join(file)).expect("from app"),
            fs::read(dir.path().join("from-file").join(file)).expect("from file"),
            "{file}"
        );
    }
    // --check and diff read the app through the same command.
    let out = rcdk(dir.path(), &["synth", "--app", &cmd, "--out", "from-file", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let out = rcdk(dir.path(), &["diff", "--app", &cmd, "--against-dir", "from-file", "--exit-code"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.contains("no differences"), "{:?}", text(&out));
    // --stdout stays clean too.
    let out = rcdk(dir.path(), &["synth", "--app", &cmd, "--stdout"]);
    assert!(out.status.success());
    assert!(text(&out).0.starts_with("AWSTemplateFormatVersion"), "{:?}", text(&out).0.lines().next());
    // The format reaches the program.
    let out = rcdk(
        dir.path(),
        &[
            "synth",
            "--app",
            &cmd.replace("--out", "--format \"$RCDK_FORMAT\" --out"),
            "--format",
            "json",
            "--out",
            "json",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(dir.path().join("json/network-prod.json").is_file());
    assert_eq!(manifest(&dir.path().join("json"))["stacks"][0]["template"], "network-prod.json");
}

#[test]
fn a_failing_app_command_is_bad_input_with_its_output_shown() {
    let dir = project();
    let cases = [
        ("echo 'thread main panicked at src/main.rs:3:5' >&2; exit 101", "exited with status 101"),
        ("kill -9 $$", "was killed by a signal"),
        ("true", "wrote no cloud assembly"),
        ("echo '{' > \"$RCDK_OUTDIR/manifest.json\"", "manifest.json: EOF while parsing"),
        (
            "echo '{\"version\": 1, \"stacks\": [{\"name\": \"a\", \"template\": \"a.yaml\"}]}' > \"$RCDK_OUTDIR/manifest.json\"",
            "a.yaml: No such file",
        ),
        (
            "echo '{\"version\": 9, \"stacks\": []}' > \"$RCDK_OUTDIR/manifest.json\"",
            "version 9 is newer than this rcdk reads",
        ),
        ("no-such-command-rcdk-test", "exited with status 127"),
    ];
    for (cmd, expected) in cases {
        let out = rcdk(dir.path(), &["synth", "--app", cmd]);
        let (o, e) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {o}\n{e}");
        assert!(e.contains(expected), "{cmd}: expected `{expected}` in:\n{e}");
        assert!(!dir.path().join("templates").exists(), "{cmd}: nothing is written");
    }
    let (_, e) = text(&rcdk(dir.path(), &["synth", "--app", cases[0].0]));
    assert!(e.contains("thread main panicked at src/main.rs:3:5"), "the program's stderr is shown: {e}");
}

/// The example Rust app with checks of its own (`app/examples/own_check.rs`).
fn own_check(args: &str) -> String {
    format!("cargo run -q -p rcdk-app --example own_check -- {args}")
}

/// The line of `needle` in the example, 1-based.
fn example_line(needle: &str) -> usize {
    let text = fs::read_to_string(root().join("app/examples/own_check.rs")).expect("the example");
    text.lines().position(|l| l.contains(needle)).expect("the line is in the example") + 1
}

#[test]
fn a_rust_apps_own_check_fails_synth_located_at_the_line_that_registered_it() {
    let out = rcdk(&root(), &["synth", "--app", &own_check("--unnamed-topic"), "--stdout"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stdout.is_empty(), "nothing is printed: {stdout}");
    let line = example_line("stack.add_validation(|view|");
    let expected = format!(
        "error: app/examples/own_check.rs:{line}:11: topic Alerts has no display name\n  construct: alerts/Alerts [alerts:topic-unnamed]\n  help: set `DisplayName`"
    );
    assert!(stderr.contains(&expected), "missing\n{expected}\nin\n{stderr}");
}

#[test]
fn a_rust_apps_warnings_are_reported_and_denied_like_an_app_files() {
    let line = example_line("app.add_check(\"encrypted topics\"");
    let warning =
        format!("warning: app/examples/own_check.rs:{line}:9: topic Alerts is not encrypted\n  construct: alerts/Alerts [alerts:topic-plain]");
    let out = rcdk(&root(), &["synth", "--app", &own_check("--plain-topic"), "--stdout"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&warning), "missing\n{warning}\nin\n{stderr}");
    assert!(stdout.contains("Type: AWS::SNS::Topic"), "{stdout}");
    // --deny-warnings makes it an error, exactly as for an app file.
    let out = rcdk(&root(), &["synth", "--app", &own_check("--plain-topic"), "--stdout", "--deny-warnings"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(&warning.replacen("warning:", "error:", 1)), "{stderr}");
    assert!(stderr.contains("help: --deny-warnings turns warnings into errors"), "{stderr}");
    // diff reads the app the same way.
    let out = rcdk(&root(), &["diff", "--app", &own_check("--plain-topic"), "--against-dir", "templates"]);
    assert!(text(&out).1.contains(&warning), "{:?}", text(&out));
    // Without the problem: no warning, exit 0.
    let out = rcdk(&root(), &["synth", "--app", &own_check(""), "--stdout", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(!text(&out).1.contains("warning:"), "{:?}", text(&out));
}

#[test]
fn a_rust_apps_acknowledged_warnings_are_notes_that_deny_warnings_passes_like_an_app_files() {
    // The multi-region seed writes `origin_protocol: http_only`, which the
    // CDN acknowledges: a note for the app file, and the same through --app.
    let yaml = rcdk(&root(), &["synth", "examples/multi-region-canary.yaml", "--stdout", "--deny-warnings"]);
    assert_eq!(yaml.status.code(), Some(0), "{:?}", text(&yaml));
    let app = "cargo run -q -p rcdk-app --example multi_region_canary";
    let out = rcdk(&root(), &["synth", "--app", app, "--stdout", "--deny-warnings"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Type: AWS::CloudFront::Distribution"), "{stdout}");
    let note = "construct: web-cdn/Cdn [cdn:origin-secret-cleartext]";
    assert!(stderr.contains("note: ") && stderr.contains(note), "the note is shown: {stderr}");
    assert!(!stderr.contains("warning:") && !stderr.contains("error:"), "{stderr}");
}

#[test]
fn rcdk_toml_names_the_app() {
    let dir = project();
    fs::write(dir.path().join("rcdk.toml"), format!("app = {:?}\n", network_app_command())).expect("write");
    // From the project root: the app comes from rcdk.toml, not examples/.
    fs::write(dir.path().join("examples/broken.yaml"), "stacks: [").expect("write");
    let out = rcdk(dir.path(), &["synth"]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(dir.path().join("templates/network-prod.yaml").is_file());
    // From a subdirectory: found upward, the command runs at the project root.
    let sub = dir.path().join("sub/dir");
    fs::create_dir_all(&sub).expect("mkdir");
    let out = rcdk(&sub, &["diff", "--against-dir", "../../templates", "--exit-code"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    fs::write(dir.path().join("rcdk.toml"), "app = [1]\n").expect("write");
    let out = rcdk(dir.path(), &["synth"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("rcdk.toml: `app` must be a string"), "{:?}", text(&out));
}

#[test]
fn diff_needs_an_app() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = rcdk(dir.path(), &["diff"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("no app given"), "{:?}", text(&out));
    let out = rcdk(dir.path(), &["diff", "--assembly", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("cannot read nowhere/manifest.json"), "{:?}", text(&out));
}

/// `deploy --assembly` deploys the reviewed bytes without synthesizing;
/// `destroy --assembly` finds the stack in the manifest.
#[test]
fn deploy_and_destroy_an_assembly() {
    let moto = Moto::start();
    let dir = project();
    let out = rcdk(dir.path(), &["synth", "--out", "reviewed"]);
    assert!(out.status.success(), "{:?}", text(&out));
    // The app file changes after review: deploy must not see it.
    fs::write(dir.path().join("examples/network.yaml"), "stacks: [").expect("write");

    let out = moto.rcdk(dir.path(), &["deploy", "--assembly", "reviewed", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}\n{}", moto.log());
    assert!(o.contains("network-prod: CREATE_COMPLETE"), "{o}");
    let out = moto.rcdk(dir.path(), &["deploy", "--assembly", "reviewed", "--stack", "nope", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("assembly reviewed defines no stack `nope`"), "{:?}", text(&out));

    let out = moto.rcdk(dir.path(), &["destroy", "--assembly", "reviewed", "--stack", "network-prod", "--yes"]);
    let (o, e) = text(&out);
    // moto 5.2.5 cannot delete the VPC's routes (see Moto::destroy); either way the stack record goes.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{o}\n{e}");
    let out = moto.rcdk(dir.path(), &["destroy", "--assembly", "reviewed", "--stack", "network-prod", "--yes"]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("does not exist"), "{o}");
}
