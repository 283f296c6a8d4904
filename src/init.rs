//! `rcdk init DIR [--rust]`: a new project that synthesizes out of the box.
//!
//! Without `--rust`: an app file (`app.yaml`) and the JSON Schema its first
//! line points the editor at. With `--rust`: a Cargo crate whose program
//! builds the same app with the composition API and emits it with the
//! `rcdk-app` crate, and an `rcdk.toml` that names it. Both get `templates/`
//! (already synthesized), the pull-request workflow, a `.gitignore` and a
//! README.
//!
//! Everything is written into a temporary directory next to `DIR` and
//! renamed into place at the end, so a failure leaves no half-made project.

use std::path::{Path, PathBuf};

use rcdk_constructs::assembly;
use rcdk_constructs::cfn::Format;

use crate::app_source::APP_FILE;
use crate::cli::InitArgs;
use crate::failure::Failure;

/// The app file of a new project (also the source of the `--rust`
/// program's templates: both build the same app).
pub const APP_YAML: &str = include_str!("init/app.yaml");
/// `src/main.rs` of a `--rust` project.
pub const APP_MAIN_RS: &str = include_str!("init/app_main.rs");
/// `.github/workflows/pr.yml`, with ` {{APP_ARGS}}` to fill in.
const PR_WORKFLOW: &str = include_str!("init/pr.yml");
/// Where the app file's schema is written, relative to the project.
pub const SCHEMA_FILE: &str = "schema/app.schema.json";
/// The `rcdk-app` crate of the rcdk checkout this binary was built from.
const RCDK_APP_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/app");
/// The `Cargo.lock` this binary was built with.
const BUILT_WITH_LOCK: &str = include_str!("../Cargo.lock");

/// Runs `rcdk init`.
pub fn run(args: &InitArgs) -> Result<(), Failure> {
    let dir = &args.dir;
    check_target(dir)?;
    let name = project_name(dir, args.name.as_deref())?;
    let rcdk_app = if args.rust { Some(rcdk_app_dir(args.rcdk_path.as_deref())?) } else { None };
    let files = project_files(&name, rcdk_app.as_deref())?;

    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let created_from = first_missing_ancestor(&parent);
    let result = write_project(dir, &parent, &files);
    if result.is_err() {
        if let Some(top) = created_from {
            remove_empty_dirs(&parent, &top);
        }
    }
    result?;

    let shown = dir.display();
    eprintln!("created {shown}:");
    for (path, _) in &files {
        eprintln!("  {path}");
    }
    let next = if args.rust {
        format!(
            "next: cd {shown} && rcdk synth   (builds and runs the program; rewrites templates/)\n      \
             rcdk diff, then rcdk deploy"
        )
    } else {
        format!("next: cd {shown} && rcdk synth   (reads {APP_FILE}; rewrites templates/)\n      rcdk diff {APP_FILE}, then rcdk deploy {APP_FILE}")
    };
    eprintln!("{next}");
    Ok(())
}

/// The stack name of the scaffold's app files, replaced by `<name>-dev`.
const SCAFFOLD_STACK: &str = "web-dev";

/// The project's name: `--name`, else the last component of `dir` (of the
/// current directory for `.`), lower-cased, with every character other
/// than a letter, digit or hyphen turned into a hyphen. It names the Cargo
/// package and the stack (`<name>-dev`), so it must be a valid name for
/// both: letters, digits and hyphens, starting with a letter, at most 60
/// characters.
fn project_name(dir: &Path, given: Option<&str>) -> Result<String, Failure> {
    let name = match given {
        Some(name) => name.to_owned(),
        None => {
            let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            let last = absolute.components().rev().find_map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            });
            let last = last.unwrap_or_default();
            let mapped: String = last
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' })
                .collect();
            mapped.trim_matches('-').to_owned()
        }
    };
    let valid = name.len() <= 60
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        return Ok(name);
    }
    let what = match given {
        Some(_) => format!("--name `{name}` cannot name a Cargo package and a stack; nothing was written"),
        None => format!(
            "the directory name of {} gives the project name `{name}`, which cannot name a Cargo package and a \
             stack; nothing was written",
            dir.display()
        ),
    };
    Err(Failure::input(what).help("pass --name NAME: letters, digits and hyphens, starting with a letter (at most 60)"))
}

/// `DIR` may be missing or an empty directory; anything else is exit 2.
fn check_target(dir: &Path) -> Result<(), Failure> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Failure::input(format!("cannot read {}: {e}", dir.display()))),
        Ok(meta) if !meta.is_dir() => {
            Err(Failure::input(format!("{} exists and is not a directory; nothing was written", dir.display()))
                .help("name a new directory: rcdk init my-infra"))
        }
        Ok(_) => {
            let mut entries =
                std::fs::read_dir(dir).map_err(|e| Failure::input(format!("cannot read {}: {e}", dir.display())))?;
            if entries.next().is_some() {
                Err(Failure::input(format!("{} exists and is not empty; nothing was written", dir.display()))
                    .help("name a new or empty directory: rcdk init my-infra"))
            } else {
                Ok(())
            }
        }
    }
}

/// The `rcdk-app` crate directory for a `--rust` project's dependency:
/// `--rcdk-path` (an rcdk checkout, or its `app/` directory), else the
/// checkout this binary was built from. Absolute, and checked to exist.
fn rcdk_app_dir(given: Option<&Path>) -> Result<PathBuf, Failure> {
    let (candidate, flag) = match given {
        Some(p) if p.join("app").join("Cargo.toml").is_file() => (p.join("app"), true),
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from(RCDK_APP_DIR), false),
    };
    let manifest = candidate.join("Cargo.toml");
    let is_rcdk_app = std::fs::read_to_string(&manifest)
        .map(|text| text.lines().any(|l| l.trim().replace(' ', "") == "name=\"rcdk-app\""))
        .unwrap_or(false);
    if !is_rcdk_app {
        let what = if flag {
            format!("--rcdk-path {}: neither it nor its app/ directory is the rcdk-app crate", candidate.display())
        } else {
            format!("the rcdk checkout this binary was built from has no rcdk-app crate at {}", candidate.display())
        };
        return Err(Failure::input(what).help("pass --rcdk-path PATH, the directory of an rcdk checkout"));
    }
    std::fs::canonicalize(&candidate)
        .map_err(|e| Failure::input(format!("cannot resolve {}: {e}", candidate.display())))
}

/// The scaffold's app file for the project `name` (its stack `<name>-dev`).
pub fn app_yaml(name: &str) -> String {
    APP_YAML.replace(SCAFFOLD_STACK, &format!("{name}-dev"))
}

/// The scaffold's `src/main.rs` for the project `name` (its stack `<name>-dev`).
pub fn app_main_rs(name: &str) -> String {
    APP_MAIN_RS.replace(SCAFFOLD_STACK, &format!("{name}-dev"))
}

/// Every file of the new project `name`, relative path → contents.
fn project_files(name: &str, rcdk_app: Option<&Path>) -> Result<Vec<(String, String)>, Failure> {
    let mut files: Vec<(String, String)> = Vec::new();
    let rust = rcdk_app.is_some();
    match rcdk_app {
        None => {
            files.push((APP_FILE.into(), app_yaml(name)));
            files.push((SCHEMA_FILE.into(), rcdk_constructs::schema::app_schema_json()));
        }
        Some(app_dir) => {
            files.push(("Cargo.toml".into(), cargo_toml(name, app_dir)));
            files.push(("Cargo.lock".into(), cargo_lock(app_dir)?));
            files.push(("src/main.rs".into(), app_main_rs(name)));
            files.push((
                "rcdk.toml".into(),
                "# The command that writes the cloud assembly (rcdk sets RCDK_OUTDIR).\napp = \"cargo run -q\"\n"
                    .into(),
            ));
        }
    }
    for (file, text) in templates(name)? {
        files.push((format!("templates/{file}"), text));
    }
    let app_args = if rust { "" } else { " app.yaml" };
    let workflow = PR_WORKFLOW.replace(" {{APP_ARGS}}", app_args);
    files.push((".github/workflows/pr.yml".into(), workflow));
    let gitignore = if rust { "/target\n/diff.md\n" } else { "/diff.md\n" };
    files.push((".gitignore".into(), gitignore.into()));
    files.push(("README.md".into(), readme(name, rcdk_app)));
    Ok(files)
}

/// The synthesized templates and `manifest.json` of [`app_yaml`], in memory
/// (the same calls as `rcdk synth`). The `--rust` program builds the same
/// app, so its templates are these too (the tests check it).
fn templates(name: &str) -> Result<Vec<(String, String)>, Failure> {
    let tmp = tempfile::tempdir().map_err(|e| Failure::no(format!("cannot create a temporary directory: {e}")))?;
    let app = tmp.path().join(APP_FILE);
    std::fs::write(&app, app_yaml(name)).map_err(|e| Failure::no(format!("cannot write {}: {e}", app.display())))?;
    let stacks = crate::app_file::synthesize(&[app], Format::Yaml)
        .map_err(|p| Failure::no(format!("the scaffold's app does not synthesize (a bug in rcdk):\n{p}")))?;
    assembly::files(&stacks).map_err(|e| Failure::no(e.to_string()))
}

/// The `Cargo.lock` of the rcdk checkout the crate depends on, so that the
/// new crate builds exactly the dependency versions rcdk is tested with
/// (cargo drops the entries it does not use on the first build). Without
/// one there (a checkout that is not a workspace root), the lock this
/// binary was built with.
fn cargo_lock(rcdk_app: &Path) -> Result<String, Failure> {
    let Some(lock) = rcdk_app.parent().map(|checkout| checkout.join("Cargo.lock")) else {
        return Ok(BUILT_WITH_LOCK.to_owned());
    };
    match std::fs::read_to_string(&lock) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BUILT_WITH_LOCK.to_owned()),
        Err(e) => Err(Failure::input(format!("cannot read {}: {e}", lock.display()))),
    }
}

fn cargo_toml(name: &str, rcdk_app: &Path) -> String {
    let path = rcdk_app.display().to_string().replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n# The rcdk checkout's rcdk-app crate (rcdk is not on crates.io). In CI, point this\n\
         # at a git dependency instead: rcdk-app = {{ git = \"<rcdk repository>\" }}.\n\
         rcdk-app = {{ path = \"{path}\" }}\n\n\
         # A project of its own, even inside another Cargo workspace.\n[workspace]\n"
    )
}

fn readme(name: &str, rcdk_app: Option<&Path>) -> String {
    let mut out = format!(
        "# {name}\n\nInfrastructure for the `web` service, synthesized by rcdk into CloudFormation\n\
         templates in `templates/` (commit them).\n\n",
    );
    match rcdk_app {
        None => out.push_str(
            "The app is `app.yaml`; your editor completes and checks it against\n\
             `schema/app.schema.json` (refresh it with `rcdk schema > schema/app.schema.json`).\n\n\
             ```sh\n\
             rcdk synth                    # rewrite templates/ from app.yaml after editing it\n\
             rcdk diff app.yaml            # what the change does, resource by resource\n\
             rcdk deploy app.yaml          # create a change set, confirm, execute\n\
             ```\n",
        ),
        Some(dir) => {
            out.push_str(
                "The app is the Rust program in `src/main.rs`; `rcdk.toml` tells rcdk to run it\n\
                 (`cargo run -q`), and the program writes the templates through the `rcdk-app` crate.\n\n\
                 ```sh\n\
                 rcdk synth     # build and run the program, rewrite templates/\n\
                 rcdk diff      # what the change does, resource by resource\n\
                 rcdk deploy    # create a change set, confirm, execute\n\
                 ```\n\n",
            );
            out.push_str(&format!(
                "`rcdk-app` is not on crates.io: `Cargo.toml` depends on it by path, at\n`{}`\n\
                 (the rcdk checkout `rcdk init` was built from; `rcdk init --rcdk-path` picks another).\n\
                 For CI, replace it with a git dependency on the rcdk repository.\n\n\
                 `Cargo.lock` pins every dependency to the version that rcdk checkout is built and\n\
                 tested with (a copy of its own `Cargo.lock`; cargo drops the entries this crate does\n\
                 not use on the first build). Commit it. Once `cargo fetch` has run in the rcdk\n\
                 checkout, `cargo build --offline` works here too.\n",
                dir.display()
            ));
        }
    }
    out.push_str(
        "\n`.github/workflows/pr.yml` fails a pull request whose `templates/` are stale and\n\
         posts `rcdk diff` against the base branch as a comment. It installs rcdk with\n\
         `cargo install --git`: set the repository variable `RCDK_GIT` (Settings → Secrets and\n\
         variables → Actions → Variables) to the URL of the rcdk repository.\n",
    );
    out
}

/// Writes `files` into a temporary directory, then moves them to `dir`: a
/// missing `dir` is the temporary directory (made in `parent`) renamed; an
/// existing empty `dir` (perhaps the current one) receives the staged
/// entries one rename each, and loses them again if one fails.
fn write_project(dir: &Path, parent: &Path, files: &[(String, String)]) -> Result<(), Failure> {
    let io = |what: &str, path: &Path, e: std::io::Error| Failure::no(format!("cannot {what} {}: {e}", path.display()));
    let exists = dir.is_dir();
    let home = if exists { dir } else { parent };
    std::fs::create_dir_all(home).map_err(|e| io("create directory", home, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".rcdk-init-")
        .tempdir_in(home)
        .map_err(|e| io("create a temporary directory in", home, e))?;
    for (name, text) in files {
        let path = staging.path().join(name);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(|e| io("create directory", d, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io("write", &path, e))?;
    }
    if exists {
        let mut moved: Vec<PathBuf> = Vec::new();
        let entries = std::fs::read_dir(staging.path()).map_err(|e| io("read", staging.path(), e))?;
        for entry in entries {
            let from = entry.map_err(|e| io("read", staging.path(), e))?.path();
            let to = dir.join(from.file_name().unwrap_or_default());
            if let Err(e) = std::fs::rename(&from, &to) {
                for path in &moved {
                    let _ = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
                }
                return Err(io("move a new file to", &to, e));
            }
            moved.push(to);
        }
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A temporary directory is private (0700); a project is not.
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io("set permissions on", staging.path(), e))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        io("move the new project to", dir, e)
    })
}

/// The topmost ancestor of `dir` (or `dir` itself) that does not exist yet.
fn first_missing_ancestor(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().take_while(|d| !d.as_os_str().is_empty() && !d.exists()).last().map(Path::to_path_buf)
}

/// Removes the empty directories from `dir` up to and including `top`.
fn remove_empty_dirs(dir: &Path, top: &Path) {
    for d in dir.ancestors() {
        if std::fs::remove_dir(d).is_err() || d == top {
            break;
        }
    }
}
