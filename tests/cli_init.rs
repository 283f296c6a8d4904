//! `rcdk init DIR [--rust]`: the new project synthesizes out of the box, its
//! templates pass the pinned cfn-lint, the Rust crate builds offline with
//! the dependency versions this workspace is tested with and its program
//! writes the same templates, and a directory that is not empty is refused
//! with nothing written.
//!
//! The `--rust` crate is built for real, as a user would after `cargo fetch`
//! in the rcdk checkout: the test runs that `cargo fetch --locked` itself
//! (a no-op once `scripts/test` has fetched), then `cargo build --offline`
//! in the new crate, so it depends on nothing a previous build happened to
//! leave in the cargo cache. Its target directory is kept under this
//! workspace's (`target/rcdk-init-crate`), so only the first run compiles
//! the dependencies.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{cfn_lint, rcdk, root, text, venv_tool};

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push(path.strip_prefix(base).expect("prefix").display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Names in `dir` that look like rcdk init's staging directories.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".rcdk-init-"))
        .collect()
}

#[test]
fn app_file_project_synthesizes_checks_and_lints() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("a/b/infra");
    let out = rcdk(tmp.path(), &["init", "a/b/infra"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("rcdk synth   (reads app.yaml"), "the next commands are printed: {err}");
    assert_eq!(
        tree(&dir),
        [
            ".github/workflows/pr.yml",
            ".gitignore",
            "README.md",
            "app.yaml",
            "schema/app.schema.json",
            "templates/infra-dev.yaml",
            "templates/manifest.json",
        ]
    );
    assert!(leftovers(&tmp.path().join("a/b")).is_empty());

    // The editor finds the schema the first line names, and it is rcdk's.
    let app = read(&dir.join("app.yaml"));
    assert_eq!(app.lines().next(), Some("# yaml-language-server: $schema=schema/app.schema.json"));
    assert!(app.contains("  - name: infra-dev\n"), "the stack is named after the directory: {app}");
    let schema = rcdk(tmp.path(), &["schema"]);
    assert_eq!(read(&dir.join("schema/app.schema.json")).as_bytes(), schema.stdout.as_slice());

    // Synthesized already: `synth --check` has nothing to rewrite, with the
    // app file named or, in the project, without (it reads `app.yaml`).
    let out = rcdk(&dir, &["synth", "--check", "app.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let out = rcdk(&dir, &["synth", "--check"]);
    assert_eq!(out.status.code(), Some(0), "bare synth reads app.yaml: {:?}", text(&out));
    let out = rcdk(&dir.join("templates"), &["synth", "--check"]);
    assert_eq!(out.status.code(), Some(2), "no app.yaml, no examples/: {:?}", text(&out));
    assert!(text(&out).1.contains("no `app.yaml` here"), "{:?}", text(&out));

    // The promised app: VPC, cluster, one load-balanced service, alarms.
    let template = read(&dir.join("templates/infra-dev.yaml"));
    for needle in [
        "Type: AWS::EC2::VPC",
        "Type: AWS::ECS::Cluster",
        "Type: AWS::ElasticLoadBalancingV2::LoadBalancer",
        "Type: AWS::ECS::Service",
        "Type: AWS::CloudWatch::Alarm",
        "Endpoint: oncall@example.com",
        "public.ecr.aws/nginx/nginx-unprivileged:1.27",
        "ContainerPort: 8080",
    ] {
        assert!(template.contains(needle), "templates/infra-dev.yaml lacks `{needle}`");
    }
    let (code, lint) = cfn_lint(&[dir.join("templates/infra-dev.yaml")]);
    assert_eq!((code, lint.trim()), (0, ""), "cfn-lint: {lint}");

    // The workflow checks and diffs the app file.
    let workflow = read(&dir.join(".github/workflows/pr.yml"));
    assert!(workflow.contains("rcdk synth --check app.yaml"), "{workflow}");
    assert!(workflow.contains("rcdk diff app.yaml --against-git"), "{workflow}");
    assert!(!workflow.contains("{{APP_ARGS}}"), "unfilled placeholder: {workflow}");

    // An independent validator accepts the app file against the schema.
    let script = r#"
import json, pathlib, sys, yaml, jsonschema
schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(pathlib.Path(sys.argv[2]).read_text())))
print("\n".join(e.message for e in errors) or "ok")
"#;
    let out = Command::new(venv_tool("python"))
        .args(["-c", script])
        .arg(dir.join("schema/app.schema.json"))
        .arg(dir.join("app.yaml"))
        .output()
        .expect("python runs");
    assert_eq!(text(&out).0.trim(), "ok", "{:?}", text(&out));
}

#[test]
fn an_existing_directory_must_be_empty() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("infra");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("notes.txt"), "mine\n").expect("write");
    for args in [&["init", "infra"][..], &["init", "infra", "--rust"]] {
        let out = rcdk(tmp.path(), args);
        let (_, err) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("infra exists and is not empty; nothing was written"), "{err}");
        assert_eq!(tree(&dir), ["notes.txt"]);
        assert_eq!(read(&dir.join("notes.txt")), "mine\n");
        assert!(leftovers(tmp.path()).is_empty());
    }

    // A file is refused the same way.
    let out = rcdk(tmp.path(), &["init", "infra/notes.txt"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(text(&out).1.contains("is not a directory"), "{:?}", text(&out));
    assert_eq!(read(&dir.join("notes.txt")), "mine\n");

    // An empty directory is fine.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let out = rcdk(tmp.path(), &["init", "empty"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(empty.join("templates/empty-dev.yaml").is_file());
    assert!(leftovers(&empty).is_empty() && leftovers(tmp.path()).is_empty());

    // So is the current directory, when empty: it stays the same directory.
    let here = tmp.path().join("here");
    std::fs::create_dir(&here).expect("mkdir");
    let out = rcdk(&here, &["init", "."]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(here.join("app.yaml").is_file());
    assert!(leftovers(&here).is_empty());
    let out = rcdk(&here, &["synth", "--check", "app.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
}

#[test]
fn rust_project_depends_on_rcdk_app_and_builds_the_same_templates() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // The package and the stack are named after the directory.
    let dir = tmp.path().join("Shop_API");
    let out = rcdk(tmp.path(), &["init", "Shop_API", "--rust"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(
        tree(&dir),
        [
            ".github/workflows/pr.yml",
            ".gitignore",
            "Cargo.lock",
            "Cargo.toml",
            "README.md",
            "rcdk.toml",
            "src/main.rs",
            "templates/manifest.json",
            "templates/shop-api-dev.yaml",
        ]
    );
    let main_rs = read(&dir.join("src/main.rs"));
    assert_eq!(main_rs, read(&root().join("src/init/app_main.rs")).replace("web-dev", "shop-api-dev"));
    assert!(main_rs.contains("name: \"shop-api-dev\".into()"), "{main_rs}");
    assert!(read(&dir.join("rcdk.toml")).contains("app = \"cargo run -q\""));
    let app_dir = std::fs::canonicalize(root().join("app")).expect("app/");
    let cargo_toml = read(&dir.join("Cargo.toml"));
    assert!(cargo_toml.starts_with("[package]\nname = \"shop-api\"\n"), "{cargo_toml}");
    assert!(cargo_toml.contains(&format!("rcdk-app = {{ path = \"{}\" }}", app_dir.display())), "{cargo_toml}");
    assert!(read(&dir.join("README.md")).contains(&app_dir.display().to_string()));
    let workflow = read(&dir.join(".github/workflows/pr.yml"));
    assert!(workflow.contains("run: rcdk synth --check\n"), "{workflow}");
    assert!(read(&dir.join(".gitignore")).lines().any(|l| l == "/target"));

    // The lock is this workspace's: the crate resolves to the versions rcdk is tested with.
    let workspace_lock = read(&root().join("Cargo.lock"));
    assert_eq!(read(&dir.join("Cargo.lock")), workspace_lock);

    // What a user does: `cargo fetch` in the rcdk checkout (every crate its
    // lock names, for every platform), then build the new crate offline.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let fetch =
        Command::new(&cargo).current_dir(root()).args(["fetch", "--locked", "--quiet"]).output().expect("cargo runs");
    assert!(fetch.status.success(), "cargo fetch in the rcdk checkout: {}", text(&fetch).1);
    let target = root().join("target").join("rcdk-init-crate");
    let build = Command::new(&cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--offline", "--quiet"])
        .output()
        .expect("cargo runs");
    assert!(build.status.success(), "cargo build --offline in the new crate: {}", text(&build).1);

    // Cargo pruned the lock to what the crate uses, and changed no version.
    let pruned = locked_versions(&read(&dir.join("Cargo.lock")));
    let tested = locked_versions(&workspace_lock);
    assert!(pruned.contains_key("rcdk-app") && pruned.contains_key("serde_json"), "{pruned:?}");
    assert!(!pruned.contains_key("aws-sdk-cloudformation"), "the crate does not use the AWS SDK: {pruned:?}");
    for (name, versions) in &pruned {
        if name == "shop-api" {
            continue;
        }
        let known = tested.get(name).map(Vec::as_slice).unwrap_or_default();
        assert!(
            versions.iter().all(|v| known.contains(v)),
            "{name} {versions:?}: the new crate resolved a version this workspace does not test ({known:?})"
        );
    }

    // `rcdk synth --check` runs the program (`cargo run -q`, from rcdk.toml)
    // and finds the templates init wrote up to date: the Rust program and
    // app.yaml build the same templates.
    let check = Command::new(env!("CARGO_BIN_EXE_rcdk"))
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_NET_OFFLINE", "true")
        .env("NO_COLOR", "1")
        .args(["synth", "--check"])
        .output()
        .expect("rcdk runs");
    assert_eq!(check.status.code(), Some(0), "rcdk synth --check in the new crate: {:?}", text(&check));
}

/// Package name → its versions in a `Cargo.lock`.
fn locked_versions(lock: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let doc: toml_edit::DocumentMut = lock.parse().expect("Cargo.lock is TOML");
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for p in doc["package"].as_array_of_tables().expect("[[package]]") {
        let field = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        out.entry(field("name")).or_default().push(field("version"));
    }
    out
}

#[test]
fn name_flag_names_the_project_and_a_bad_name_is_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = rcdk(tmp.path(), &["init", "infra", "--name", "orders"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(tmp.path().join("infra/templates/orders-dev.yaml").is_file());
    assert!(read(&tmp.path().join("infra/app.yaml")).contains("  - name: orders-dev\n"));
    assert!(read(&tmp.path().join("infra/README.md")).starts_with("# orders\n"));

    // A directory name that cannot be one, and a bad --name: exit 2, nothing written.
    for args in [&["init", "2024"][..], &["init", "x", "--name", "web app"], &["init", "y", "--rust", "--name=-a"]] {
        let out = rcdk(tmp.path(), args);
        let (_, err) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot name a Cargo package and a stack; nothing was written"), "{err}");
        assert!(err.contains("help: pass --name NAME"), "{err}");
    }
    assert!(!tmp.path().join("2024").exists() && !tmp.path().join("x").exists() && !tmp.path().join("y").exists());
}

#[test]
fn rcdk_path_must_be_an_rcdk_checkout() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = rcdk(tmp.path(), &["init", "x/infra", "--rust", "--rcdk-path", "/nonexistent/rcdk"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(text(&out).1.contains("--rcdk-path /nonexistent/rcdk"), "{:?}", text(&out));
    assert!(!tmp.path().join("x").exists(), "nothing is written, not even the parents");

    // A checkout or its app/ directory both name the crate.
    let root_arg = root().display().to_string();
    let app_arg = root().join("app").display().to_string();
    for (name, path) in [("one", &root_arg), ("two", &app_arg)] {
        let out = rcdk(tmp.path(), &["init", name, "--rust", "--rcdk-path", path]);
        assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
        let app_dir: PathBuf = std::fs::canonicalize(root().join("app")).expect("app/");
        assert!(read(&tmp.path().join(name).join("Cargo.toml")).contains(&app_dir.display().to_string()));
    }

    // Without --rust it is a usage error.
    let out = rcdk(tmp.path(), &["init", "three", "--rcdk-path", &root_arg]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(!tmp.path().join("three").exists());
}
