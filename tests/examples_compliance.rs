//! The Control Tower proactive controls on every example (see
//! `support::compliance`). Every example opts in (`compliance:
//! [control-tower]`): rcdk's defaults pass the controls a production
//! platform team would choose (non-root, read-only containers; encrypted log
//! groups kept a year; load balancers with deletion protection; KMS keys
//! that grant only to AWS services), and each control a seed does not meet
//! by design is suppressed with its reason. This test holds every stack at
//! zero unsuppressed findings, no stale suppression, a reason on every
//! suppressed finding, and exactly the suppressed controls listed here: a
//! default that regresses turns a control into an error, one that improves
//! leaves a suppression stale.
//!
//! Before these defaults (templates of `main` at 0eee67c, issue 24's table),
//! the examples failed 16/14/13/12/11/11/3/3 controls (todo, ordermanagement,
//! weather, website, web-us-east-1, web-eu-west-1, web-cdn, network).

mod support;

use std::collections::BTreeSet;

const ASG: [&str; 2] = ["CT.AUTOSCALING.PR.1", "CT.AUTOSCALING.PR.6"];
const ALB_HTTP: [&str; 1] = ["CT.ELASTICLOADBALANCING.PR.1"];
/// The access log bucket rcdk creates for every load balancer: SSE-S3 (the
/// only encryption ELB delivers to), no server access logs of its own, no
/// event notifications, no object lock — acknowledged by the construct.
const LOG_BUCKET: [&str; 4] = ["CT.S3.PR.10", "CT.S3.PR.2", "CT.S3.PR.4", "CT.S3.PR.9"];

#[test]
fn every_example_passes_control_tower_or_says_why_not() {
    let found = support::compliance::examples_under_control_tower();
    let expected: Vec<(&str, Vec<&str>)> = vec![
        ("todo-prod", [&ASG[..], &ALB_HTTP[..], &LOG_BUCKET[..], &["CT.EC2.PR.5", "CT.ECS.PR.4"]].concat()),
        (
            "ordermanagement-prod",
            [&ASG[..], &LOG_BUCKET[..], &["CT.ECS.PR.4", "CT.RDS.PR.2", "CT.RDS.PR.20", "CT.RDS.PR.30", "CT.RDS.PR.7"]]
                .concat(),
        ),
        (
            "weather-api-prod",
            [&ASG[..], &LOG_BUCKET[..], &["CT.EC2.PR.13", "CT.EC2.PR.19", "CT.EC2.PR.8", "CT.ECS.PR.4"]].concat(),
        ),
        (
            "website-prod",
            [&ASG[..], &ALB_HTTP[..], &LOG_BUCKET[..], &["CT.CLOUDWATCH.PR.2", "CT.EC2.PR.5", "CT.ECS.PR.4"]].concat(),
        ),
        ("web-us-east-1", [&ASG[..], &ALB_HTTP[..], &LOG_BUCKET[..], &["CT.ECS.PR.4"]].concat()),
        ("web-eu-west-1", [&ASG[..], &ALB_HTTP[..], &LOG_BUCKET[..], &["CT.ECS.PR.4"]].concat()),
        ("web-cdn", vec!["CT.CLOUDFRONT.PR.1", "CT.CLOUDFRONT.PR.5", "CT.CLOUDFRONT.PR.8"]),
        ("network-prod", vec!["CT.CLOUDWATCH.PR.2", "CT.EC2.PR.5"]),
    ];
    let mut problems = Vec::new();
    for (stack, controls) in &expected {
        let f = &found[*stack];
        if !f.errors.is_empty() {
            problems.push(format!("{stack}: unsuppressed findings {:#?}", f.errors));
        }
        if !f.stale.is_empty() {
            problems.push(format!("{stack}: suppressions that match nothing {:#?}", f.stale));
        }
        for note in &f.notes {
            let reason = note.split_once(" -- ").map(|(_, r)| r.trim()).unwrap_or_default();
            if reason.len() < 20 {
                problems.push(format!("{stack}: `{note}` has no real reason"));
            }
        }
        // Labels are `[CT.ID] rule_name Resource -- reason`.
        let suppressed: BTreeSet<&str> =
            f.notes.iter().map(|n| n.split(' ').next().unwrap_or_default().trim_matches(['[', ']'])).collect();
        let want: BTreeSet<&str> = controls.iter().copied().collect();
        if suppressed != want {
            problems.push(format!("{stack}: suppressed controls {suppressed:?}, expected {want:?}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(found.len(), expected.len(), "every example stack is listed: {:?}", found.keys().collect::<Vec<_>>());
}
