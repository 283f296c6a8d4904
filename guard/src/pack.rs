//! Rule packs: the vendored Control Tower proactive controls, or a
//! directory of `.guard` files.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::control_tower_files::FILES;

/// The version of the Guard engine rcdk evaluates rules with (the crate
/// `cfn-guard`, pinned in `guard/Cargo.toml`).
pub const ENGINE_VERSION: &str = "3.1.1";

/// The name of the vendored Control Tower pack, as `compliance:` and
/// `rcdk check --rules` spell it.
pub const CONTROL_TOWER: &str = "control-tower";

/// The Control Tower pack's `pack.json`.
const CONTROL_TOWER_PACK: &str = include_str!("../packs/control-tower/pack.json");
/// The Control Tower pack's `index.tsv`.
const CONTROL_TOWER_INDEX: &str = include_str!("../packs/control-tower/index.tsv");

/// The most `.guard` files read from one directory.
pub const MAX_RULE_FILES: usize = 2000;
/// The largest `.guard` file read.
pub const MAX_RULE_FILE_BYTES: u64 = 1024 * 1024;

/// A set of Guard rule files evaluated together.
#[derive(Debug, Clone)]
pub struct Pack {
    /// `control-tower`, or the directory given.
    pub name: String,
    /// Where the rules come from, e.g. `@cdklabs/cdk-validator-cfnguard@0.0.62`.
    pub source: String,
    /// The rule files, in path order.
    pub rules: Vec<RuleFile>,
    digest: String,
}

/// One `.guard` file and what is known about it.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// The path below the pack's directory, e.g. `ecs/ct-ecs-pr-3.guard`.
    pub path: String,
    /// The rules, as written.
    pub text: Cow<'static, str>,
    /// The rules the file names at top level (`rule NAME when …`), in order.
    pub rule_names: Vec<String>,
    /// The control it implements, e.g. `CT.ECS.PR.3`, when known.
    pub control: Option<String>,
    /// The control's severity (`CRITICAL`, `HIGH`, `MEDIUM`, `LOW`), when known.
    pub severity: Option<String>,
    /// The resource types the rules evaluate; `None` when unknown (the file
    /// is evaluated on every template).
    pub resource_types: Option<Vec<String>>,
    /// The control's title, when known.
    pub title: Option<String>,
    /// How to comply, when known.
    pub fix: Option<String>,
    /// The control's documentation page, when known.
    pub docs: Option<String>,
}

/// Why a rule directory cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// Reading the directory or a file failed.
    #[error("{path}: {message}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's reason.
        message: String,
    },
    /// No `.guard` file in the directory.
    #[error("{0}: no .guard files in it (or below it)")]
    Empty(PathBuf),
    /// Too many files, or a file too large.
    #[error("{path}: {message}")]
    Limit {
        /// The file or directory.
        path: PathBuf,
        /// Which limit.
        message: String,
    },
    /// A rule file the engine cannot parse.
    #[error("{path}: the Guard engine cannot parse it: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The engine's message.
        message: String,
    },
}

impl Pack {
    /// The built-in pack named `name` (`control-tower`).
    pub fn builtin(name: &str) -> Option<&'static Pack> {
        (name == CONTROL_TOWER).then(Pack::control_tower)
    }

    /// The names of the built-in packs.
    pub fn builtin_names() -> &'static [&'static str] {
        &[CONTROL_TOWER]
    }

    /// The AWS Control Tower proactive controls, vendored from the npm
    /// package named in `guard/packs/control-tower/pack.json`.
    pub fn control_tower() -> &'static Pack {
        static PACK: OnceLock<Pack> = OnceLock::new();
        PACK.get_or_init(|| {
            let meta: serde_json::Value = serde_json::from_str(CONTROL_TOWER_PACK).unwrap_or_default();
            let source =
                format!("{}@{}", meta["package"].as_str().unwrap_or("?"), meta["version"].as_str().unwrap_or("?"));
            let rules = CONTROL_TOWER_INDEX
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .filter_map(|line| {
                    let c: Vec<&str> = line.split('\t').collect();
                    let text = FILES.iter().find(|(p, _)| *p == c.first().copied().unwrap_or_default())?.1;
                    let some = |i: usize| c.get(i).filter(|s| !s.is_empty()).map(|s| s.to_string());
                    Some(RuleFile {
                        path: c[0].to_owned(),
                        text: Cow::Borrowed(text),
                        rule_names: some(1).into_iter().collect(),
                        control: some(2),
                        severity: some(3),
                        resource_types: some(4).map(|t| t.split(',').map(str::to_owned).collect()),
                        title: some(5),
                        fix: some(6),
                        docs: some(7),
                    })
                })
                .collect();
            // The digest the vendoring script recorded: hashing 1.1 MB of
            // rules in every process would cost more than a cached synth.
            // (A test checks it is the digest of the files.)
            match meta["digest"].as_str() {
                Some(d) => Pack { name: CONTROL_TOWER.to_owned(), source, rules, digest: d.to_owned() },
                None => Pack::new(CONTROL_TOWER.to_owned(), source, rules),
            }
        })
    }

    /// Every `.guard` file in `dir` and below it (in path order), each
    /// parsed once by the engine so that a file it cannot parse is an error
    /// here, naming the file, rather than a rule silently not evaluated.
    pub fn from_dir(dir: &Path) -> Result<Pack, PackError> {
        let io = |path: &Path, e: std::io::Error| PackError::Io { path: path.to_owned(), message: e.to_string() };
        let mut files = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(d) = pending.pop() {
            for entry in std::fs::read_dir(&d).map_err(|e| io(&d, e))? {
                let path = entry.map_err(|e| io(&d, e))?.path();
                let meta = std::fs::metadata(&path).map_err(|e| io(&path, e))?;
                if meta.is_dir() {
                    pending.push(path);
                } else if meta.is_file() && path.extension().is_some_and(|e| e == "guard") {
                    if meta.len() > MAX_RULE_FILE_BYTES {
                        return Err(PackError::Limit {
                            path,
                            message: format!("over the {MAX_RULE_FILE_BYTES}-byte limit for a rule file"),
                        });
                    }
                    files.push(path);
                    if files.len() > MAX_RULE_FILES {
                        return Err(PackError::Limit {
                            path: dir.to_owned(),
                            message: format!("more than {MAX_RULE_FILES} .guard files"),
                        });
                    }
                }
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(PackError::Empty(dir.to_owned()));
        }
        let mut rules = Vec::with_capacity(files.len());
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            check_parses(&text, &rel).map_err(|message| PackError::Parse { path: path.clone(), message })?;
            let control = control_in(&text);
            rules.push(RuleFile {
                path: rel,
                rule_names: rule_names(&text),
                text: Cow::Owned(text),
                control,
                severity: None,
                resource_types: None,
                title: None,
                fix: None,
                docs: None,
            });
        }
        Ok(Pack::new(dir.display().to_string(), format!("directory {}", dir.display()), rules))
    }

    fn new(name: String, source: String, rules: Vec<RuleFile>) -> Pack {
        let mut h = Sha256::new();
        for r in &rules {
            h.update(r.path.as_bytes());
            h.update([0]);
            h.update(r.text.as_bytes());
            h.update([0]);
        }
        let digest = hex(&h.finalize());
        Pack { name, source, rules, digest }
    }

    /// A SHA-256 over every rule file's path and text: what the findings
    /// cache keys on.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The indexes of the rule files worth evaluating on a template holding
    /// `types`: those whose resource types it declares, and those whose
    /// types are unknown.
    pub fn select(&self, types: &BTreeSet<&str>) -> Vec<usize> {
        (0..self.rules.len())
            .filter(|&i| match &self.rules[i].resource_types {
                Some(ts) => ts.iter().any(|t| types.contains(t.as_str())),
                None => true,
            })
            .collect()
    }

    /// The rule file that defines the rule `name`.
    pub fn file_of(&self, name: &str) -> Option<&RuleFile> {
        self.rules.iter().find(|r| r.rule_names.iter().any(|n| n == name))
    }

    /// The rule file of control `control` (e.g. `CT.ECS.PR.3`).
    pub fn file_of_control(&self, control: &str) -> Option<&RuleFile> {
        self.rules.iter().find(|r| r.control.as_deref() == Some(control))
    }
}

/// Parses a rule file with the engine's parser.
pub(crate) fn check_parses(text: &str, name: &str) -> Result<(), String> {
    match cfn_guard::commands::validate::parse_rules(text, name) {
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// The top-level rule names of a file: `rule NAME when …` or `rule NAME {`
/// at the start of a line (parameterized rules, `rule name(x)`, are helpers).
pub(crate) fn rule_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("rule ") else { continue };
        let name: String = rest.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let after = rest.trim_start()[name.len()..].trim_start();
        if !name.is_empty() && !after.starts_with('(') && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// A control id in a rule file's messages: the text of the first
/// `[ID]:` (e.g. `[CT.S3.PR.1]:`) in a custom message.
pub(crate) fn control_in(text: &str) -> Option<String> {
    text.split('[').skip(1).find_map(|part| {
        let (id, rest) = part.split_once(']')?;
        let ok = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            && id.contains('.')
            && rest.starts_with(':');
        ok.then(|| id.to_owned())
    })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_pack_is_whole_and_indexed() {
        let pack = Pack::control_tower();
        assert_eq!(pack.rules.len(), FILES.len());
        assert_eq!(pack.rules.len(), 237);
        assert_eq!(pack.source, "@cdklabs/cdk-validator-cfnguard@0.0.62");
        let names: BTreeSet<&str> = pack.rules.iter().flat_map(|r| r.rule_names.iter().map(String::as_str)).collect();
        assert_eq!(names.len(), 237, "one distinct rule name per file");
        for r in &pack.rules {
            assert_eq!(rule_names(&r.text), r.rule_names, "{}: the index names the file's rule", r.path);
            let control = r.control.as_deref().expect("every file has its control");
            assert_eq!(control_in(&r.text).as_deref(), Some(control), "{}", r.path);
            assert!(r.resource_types.as_ref().is_some_and(|t| !t.is_empty()), "{}", r.path);
            assert!(r.docs.as_deref().is_some_and(|d| d.starts_with("https://docs.aws.amazon.com/controltower/")));
        }
        let ecs3 = pack.file_of("ecs_task_definition_nonroot_user_check").expect("known rule");
        assert_eq!(ecs3.control.as_deref(), Some("CT.ECS.PR.3"));
        assert_eq!(ecs3.severity.as_deref(), Some("HIGH"));
        assert!(ecs3.docs.as_deref().unwrap().ends_with("ecs-rules.html#ct-ecs-pr-3-description"));
        assert_eq!(pack.file_of_control("CT.ECS.PR.3").map(|r| r.path.as_str()), Some("ecs/ct-ecs-pr-3.guard"));
    }

    #[test]
    fn every_vendored_file_is_on_disk_and_listed() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("packs/control-tower/rules");
        let on_disk = Pack::from_dir(&dir).expect("the vendored files parse");
        let listed: Vec<&str> = Pack::control_tower().rules.iter().map(|r| r.path.as_str()).collect();
        let found: Vec<&str> = on_disk.rules.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            listed, found,
            "guard/src/control_tower_files.rs lists exactly the files in packs/control-tower/rules"
        );
        assert_eq!(on_disk.digest(), Pack::control_tower().digest(), "pack.json's digest is the files' digest");
    }

    #[test]
    fn rule_directories_are_checked_file_by_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(matches!(Pack::from_dir(dir.path()), Err(PackError::Empty(_))));
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(
            dir.path().join("sub/ok.guard"),
            "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\nrule bucket_named when %buckets not empty {\n  %buckets.Properties.BucketName exists\n  <<\n  [MY.S3.1]: name your buckets\n  >>\n}\n",
        )
        .unwrap();
        let pack = Pack::from_dir(dir.path()).expect("valid");
        assert_eq!(pack.rules[0].path, "sub/ok.guard");
        assert_eq!(pack.rules[0].rule_names, ["bucket_named"]);
        assert_eq!(pack.rules[0].control.as_deref(), Some("MY.S3.1"));
        std::fs::write(dir.path().join("bad.guard"), "rule broken when {\n").unwrap();
        match Pack::from_dir(dir.path()) {
            Err(PackError::Parse { path, .. }) => assert!(path.ends_with("bad.guard")),
            other => panic!("{other:?}"),
        }
    }
}
