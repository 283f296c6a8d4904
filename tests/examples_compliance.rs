//! The Control Tower proactive controls on every example (see
//! `support::compliance`). The examples do not opt in yet: rcdk's defaults
//! fail some controls, and some are choices a seed makes knowingly. This
//! test records where they stand — failed controls per stack — so that the
//! change that makes the defaults compliant (and adds the seeds'
//! suppressions, each with its reason) turns these counts into zero
//! unsuppressed findings.

mod support;

#[test]
fn control_tower_findings_on_the_examples() {
    let found = support::compliance::examples_under_control_tower();
    let controls = |stack: &str| {
        let f = &found[stack];
        let mut rules: Vec<&str> = f.errors.iter().map(|e| e.split(' ').next().unwrap_or_default()).collect();
        rules.dedup();
        (rules.len(), f.errors.len())
    };
    let mut mismatches = Vec::new();
    for (stack, expected) in [
        ("todo-prod", (16, 24)),
        ("ordermanagement-prod", (14, 14)),
        ("weather-api-prod", (13, 13)),
        ("website-prod", (12, 15)),
        ("web-us-east-1", (11, 16)),
        ("web-eu-west-1", (11, 16)),
        ("web-cdn", (3, 3)),
        ("network-prod", (3, 6)),
    ] {
        let got = controls(stack);
        if got != expected {
            eprintln!("{stack}: expected {expected:?}, got {got:?}: {:#?}", found[stack].errors);
            mismatches.push(stack);
        }
        assert!(found[stack].notes.is_empty() && found[stack].stale.is_empty(), "{stack}: no suppression yet");
    }
    assert!(mismatches.is_empty(), "(failed controls, findings) differ for {mismatches:?}");
    assert_eq!(found.len(), 8, "every example stack is counted: {:?}", found.keys().collect::<Vec<_>>());
}
