//! The diagnostics registry (`rcdk_constructs::diagnostics`) is complete and
//! has nothing stale: every code the sources construct has an entry (by its
//! code or, until the rename, its former code), and every entry is still
//! constructed somewhere. How a code is recognised in the sources is
//! described in `support/codes.rs`.

#[path = "support/codes.rs"]
mod codes;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rcdk_constructs::diagnostics::{lookup, DIAGNOSTICS};

fn used() -> BTreeMap<String, BTreeSet<PathBuf>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let used = codes::codes_used(&[&root.join("constructs/src"), &root.join("guard/src"), &root.join("src")]);
    used.into_iter()
        .map(|(code, files)| {
            (code, files.into_iter().map(|f| f.strip_prefix(root).map(Path::to_path_buf).unwrap_or(f)).collect())
        })
        .collect()
}

#[test]
fn every_code_used_in_the_sources_is_registered() {
    let missing: Vec<String> = used()
        .into_iter()
        .filter(|(code, _)| lookup(code).is_none())
        .map(|(code, files)| {
            let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            format!("  {code}  (used in {})", files.join(", "))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{} diagnostic code(s) have no entry in constructs/src/diagnostics.rs:\n{}\n\
         add a `Diagnostic` for each to DIAGNOSTICS (in code order), with a title and an explanation, \
         then regenerate docs/diagnostics.md with `rcdk explain --list --format markdown`",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_registered_code_is_still_used() {
    let used = used();
    let stale: Vec<&str> = DIAGNOSTICS
        .iter()
        .filter(|d| !used.contains_key(d.code) && !d.formerly.iter().any(|f| used.contains_key(*f)))
        .map(|d| d.code)
        .collect();
    assert!(
        stale.is_empty(),
        "{} registry entr(ies) are used nowhere in constructs/src, guard/src or src any more: {}\n\
         remove them from constructs/src/diagnostics.rs (or, if the code moved, fix its `code`/`formerly`)",
        stale.len(),
        stale.join(", ")
    );
}

#[test]
fn the_scanner_sees_every_way_a_code_is_built() {
    // One code per construction the sources use today, so a scanner that
    // stops seeing one of them fails here rather than passing vacuously.
    let used = used();
    let expect = [
        ("vpc-cidr-invalid", "closure with a `code` parameter"),
        ("subnet-overlap", "`impl FnMut(&'static str, ..)` parameter of a helper"),
        ("nacl-rule-number", "closure with the code as second argument"),
        ("alb-too-many-rules", "`for (code, ..) in [..]`"),
        ("ecs-image-unpinned", "`let (code, ..) = match ..`"),
        ("template-limit", "`let code = match ..`"),
        ("database-username-invalid", "`if .. { code } else { code }` argument"),
        ("app-empty", "`ValidationError::new` inside `vec![..]`"),
        ("schema", "`let code = if ..` then `Problem { code, .. }`"),
        ("app-file-unreadable", "`Problem { code: \"..\", .. }`"),
        ("rule-priority-invalid", "multi-line `ValidationError::new(`"),
    ];
    for (code, how) in expect {
        let found = used.contains_key(code) || lookup(code).is_some_and(|d| used.contains_key(d.code));
        assert!(found, "the scanner no longer finds `{code}` ({how})");
    }
}
