//! The Control Tower pack over every example, for the tests of compliant
//! defaults: each example app file is read, `compliance: [control-tower]`
//! added at its top level, synthesized, and the pack evaluated on its
//! stacks (findings cached under `target/`), suppressions applied. The
//! examples opt in themselves; adding the pack is then a no-op.

use std::collections::BTreeMap;

use rcdk::app_file::AppFile;
use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::RulePack;
use rcdk_guard::review::review;
use rcdk_guard::Cache;

/// What the pack found on one stack of an example.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StackFindings {
    /// Unsuppressed findings: `[CT.ID] rule_name Resource`, sorted.
    pub errors: Vec<String>,
    /// Suppressed findings, the same way, each followed by ` -- ` and the
    /// suppression's reason.
    pub notes: Vec<String>,
    /// Suppressions that matched nothing: their messages.
    pub stale: Vec<String>,
}

/// Every stack of every example (`examples/*.yaml`), by stack name.
pub fn examples_under_control_tower() -> BTreeMap<String, StackFindings> {
    let mut files: Vec<_> = std::fs::read_dir(super::root().join("examples"))
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let cache = Cache::at(&super::test_cache_dir());
    let mut out = BTreeMap::new();
    for file in files {
        let mut app = AppFile::load(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if !app.props.compliance.contains(&RulePack::ControlTower) {
            app.props.compliance.push(RulePack::ControlTower);
        }
        let (stacks, _) = app.synth_with_warnings(Format::Yaml).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let found = review(&stacks, &cache, false);
        for s in &stacks {
            out.insert(s.name().to_owned(), StackFindings::default());
        }
        let label = |r: &rcdk_guard::review::Reviewed| {
            let f = r.finding.as_ref().expect("a rule's finding");
            format!("{} {}", f.rule_label(), f.resource.as_deref().unwrap_or("(template)"))
        };
        for r in &found.errors {
            let entry = out.get_mut(&r.stack).expect("a stack of the app");
            match r.finding {
                Some(_) => entry.errors.push(label(r)),
                None => panic!("{}: {}", r.stack, r.diagnostic.message),
            }
        }
        for r in &found.notes {
            let reason = r.suppressed.as_deref().unwrap_or_default();
            out.get_mut(&r.stack).expect("a stack").notes.push(format!("{} -- {reason}", label(r)));
        }
        for r in &found.warnings {
            out.get_mut(&r.stack).expect("a stack").stale.push(r.diagnostic.message.clone());
        }
    }
    for f in out.values_mut() {
        f.errors.sort();
        f.notes.sort();
    }
    out
}
