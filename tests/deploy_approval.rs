//! `rcdk deploy --require-approval` against moto_server (issue 21): a change
//! set that broadens permissions is shown with its security view, and `--yes`
//! alone does not approve it when nobody can answer (stdin is not a terminal
//! here): exit 1, a message naming `--require-approval never`, the change set
//! removed (and the REVIEW_IN_PROGRESS stack it created). A change that does
//! not broaden deploys with `--yes`; `any-change` asks before every change set.

#![cfg(feature = "aws")]

mod support;

use support::moto::Moto;
use support::text;

const ROLE: &str = "stacks:
  - name: approval
    region: us-east-1
    resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: \"2012-10-17\"
            Statement:
              - {Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: \"sts:AssumeRole\"}
";

#[test]
fn broadening_needs_an_answer_that_yes_does_not_give() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = dir.path().join("app.yaml");
    std::fs::write(&app, ROLE).expect("write");

    // A new role with a trust policy: a statement added, broadening (the default mode).
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes", "--require-approval", "broadening"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}\n{}", moto.log());
    assert!(stderr.contains("Security: 1 IAM statement(s) added; permissions broadened"), "{stderr}");
    assert!(stderr.contains("+ [broadening] Role: Allow sts:AssumeRole"), "{stderr}");
    assert!(stderr.contains("--require-approval broadening needs an approval that --yes does not give"), "{stderr}");
    assert!(stderr.contains("--require-approval never"), "{stderr}");
    // Nothing was left behind: diffing against the stack finds no deployed stack.
    let out = moto.rcdk(dir.path(), &["diff", "app.yaml", "--against-stack", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["stacks"][0]["status"], "added", "{:?}", text(&out));

    // Approved for an unattended run: deployed.
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes", "--require-approval", "never"]);
    assert_eq!(out.status.code(), Some(0), "{:?}\n{}", text(&out), moto.log());

    // A change that grants nothing new (a description) needs no approval beyond --yes.
    let described =
        ROLE.replace("        Properties:\n", "        Properties:\n          Description: the app's role\n");
    std::fs::write(&app, &described).expect("write");
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes", "--require-approval", "broadening"]);
    assert_eq!(out.status.code(), Some(0), "{:?}\n{}", text(&out), moto.log());

    // any-change: every change set needs an answer.
    std::fs::write(&app, described.replace("the app's role", "the role")).expect("write");
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--yes", "--require-approval", "any-change"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("--require-approval any-change asks before every change set"), "{stderr}");

    // --no-execute shows the security view for the review and needs no approval.
    let granted = described.replace(
        "          Description: the app's role\n",
        "          Description: the app's role\n          ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
    );
    std::fs::write(&app, granted).expect("write");
    let out = moto.rcdk(dir.path(), &["deploy", "app.yaml", "--no-execute", "--require-approval", "broadening"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("Security: 1 managed polic(ies) added; permissions broadened"), "{stderr}");
    assert!(stdout.contains("kept for review"), "{stdout}");
}
