//! The AWS CDK diff engine's own test cases (`../shared/peer/cdk-diff/`, 92
//! template pairs from `@aws-cdk/cloudformation-diff`'s tests; its README
//! says how they were transcribed): `rcdk diff OLD NEW --format json` must
//! exit 0 on every pair, give each resource an outcome the peer test accepts,
//! report "no differences" where the peer asserts none, and show the security
//! counts the peer asserts. A disagreement is allowed only in
//! [`DOCUMENTED_EXCEPTIONS`], which cites the CloudFormation documentation
//! page that proves rcdk right.
//!
//! The suite lives outside the repository: `RCDK_PEER_CDK_DIFF` names it, else
//! `../shared/peer/cdk-diff` next to the checkout (CI), else two levels up (a
//! worktree). The test fails, not skips, when it is missing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// (case, logical ID, what rcdk says, why rcdk is right): outcomes that differ from the peer's assertion.
const DOCUMENTED_EXCEPTIONS: &[(&str, &str, &str, &str)] = &[(
    "006-dependson-change",
    "BucketResource",
    "noop",
    "DependsOn only orders creation, update and deletion: \"CloudFormation makes no changes to the automatically \
     updated resources\" (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html)",
)];

/// The peer's names for counts whose snake-case spelling in rcdk's JSON is
/// not the mechanical one: the acronym `ACA` (access-control attributes) is
/// one word there, `sso_instance_aca_config_*`.
const RENAMED: &[(&str, &str)] = &[
    ("ssoInstanceACAConfigAdditions", "sso_instance_aca_config_additions"),
    ("ssoInstanceACAConfigRemovals", "sso_instance_aca_config_removals"),
];

fn suite() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates: Vec<PathBuf> = std::env::var_os("RCDK_PEER_CDK_DIFF")
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared/peer/cdk-diff"), root.join("../../shared/peer/cdk-diff")])
        .collect();
    candidates.iter().find(|p| p.join("cases").is_dir()).cloned().unwrap_or_else(|| {
        panic!("the peer suite is missing: none of {candidates:?} has cases/ (set RCDK_PEER_CDK_DIFF)")
    })
}

/// Per-resource outcomes in the suite's vocabulary (tools/compare.py's mapping).
fn outcomes(doc: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for st in doc["stacks"].as_array().into_iter().flatten() {
        for r in st["resources"].as_array().into_iter().flatten() {
            let id = r["logicalId"].as_str().unwrap_or_default().to_owned();
            let outcome = match r["change"].as_str() {
                Some("added") => "add",
                Some("removed") if r["fate"] == "retained" => "orphan",
                Some("removed") => "remove",
                Some("renamed") => {
                    if let Some(from) = r["renamedFrom"].as_str() {
                        out.insert(from.to_owned(), "remove".to_owned());
                    }
                    "add"
                }
                _ => match r["impact"].as_str() {
                    Some("replace") => "replace",
                    Some("may-replace") => "may_replace",
                    Some("update") => "update",
                    _ => "noop",
                },
            };
            out.insert(id, outcome.to_owned());
        }
    }
    out
}

fn accepted(expect: &[Value], got: &str) -> bool {
    expect.iter().any(|e| e == got || (e == "changed" && matches!(got, "update" | "may_replace" | "replace" | "noop")))
}

fn snake(camel: &str) -> String {
    if let Some((_, renamed)) = RENAMED.iter().find(|(peer, _)| *peer == camel) {
        return (*renamed).to_owned();
    }
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_peer_case_matches_its_assertions() {
    let cases = suite().join("cases");
    let mut names: Vec<String> = std::fs::read_dir(&cases)
        .expect("cases/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 92, "expected the 92 transcribed cases, found {}", names.len());
    let (mut outcomes_ok, mut outcomes_all, mut security_ok, mut security_all) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for name in &names {
        let dir = cases.join(name);
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"))
                .expect("expected.json is JSON");
        let out = Command::new(env!("CARGO_BIN_EXE_rcdk"))
            .args(["diff", "old.json", "new.json", "--format", "json"])
            .current_dir(&dir)
            .output()
            .expect("rcdk runs");
        if out.status.code() != Some(0) {
            failures.push(format!("{name}: exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr)));
            continue;
        }
        let doc: Value = serde_json::from_slice(&out.stdout).expect("rcdk prints JSON");
        let got = outcomes(&doc);
        for (id, e) in expected["resources"].as_object().into_iter().flatten() {
            outcomes_all += 1;
            let g = got.get(id).map_or("no_change", String::as_str);
            let expect = e["expect"].as_array().cloned().unwrap_or_default();
            let excepted = DOCUMENTED_EXCEPTIONS.iter().any(|(c, r, w, _)| c == name && r == id && *w == g);
            if accepted(&expect, g) || excepted {
                outcomes_ok += 1;
            } else {
                failures.push(format!("{name}: {id}: expected {expect:?}, rcdk says {g}"));
            }
        }
        if expected["no_differences"] == true && doc["hasChanges"] != false {
            failures.push(format!("{name}: the peer asserts no differences; rcdk reports some"));
        }
        for (key, want) in expected["security"].as_object().into_iter().flatten() {
            security_all += 1;
            let have = &doc["security"][snake(key)];
            let same = match (want, have) {
                (Value::Bool(w), Value::Bool(h)) => w == h,
                (w, h) => w.as_u64().is_some() && w.as_u64() == h.as_u64(),
            };
            if same {
                security_ok += 1;
            } else {
                failures.push(format!("{name}: security.{}: expected {want}, rcdk says {have}", snake(key)));
            }
        }
    }
    eprintln!(
        "peer suite: {} cases; outcomes {outcomes_ok}/{outcomes_all}; security counts {security_ok}/{security_all}",
        names.len()
    );
    assert!(failures.is_empty(), "{} disagreement(s) with the peer suite:\n{}", failures.len(), failures.join("\n"));
}
