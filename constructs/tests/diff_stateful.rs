//! The stores of issue 15 are stateful in diff's rules: replacing an ECR
//! repository, a DynamoDB table or an S3 bucket is dangerous (the new one
//! starts empty, even with `UpdateReplacePolicy: Retain`), and so is removing
//! one whose `DeletionPolicy` deletes it. Removing one with the default
//! `Retain` keeps its data: not dangerous, but the note says it leaves the
//! stack.

use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::Format;
use rcdk_constructs::diff::{Change, Impact, ResourceChange, TemplateDiff};
use serde_json::Value;

const APP: &str = r#"
stacks:
  - name: data
    repositories:
      todo-main: {}
    tables:
      todos: {partition_key: {name: userID}, sort_key: {name: todoID}}
    buckets:
      files: {}
"#;

fn template(yaml: &str) -> Value {
    let props: AppProps = serde_yaml::from_str(yaml).expect("app parses");
    let stacks = props.synth(Format::Json).unwrap_or_else(|e| panic!("synth failed: {e}"));
    serde_json::from_str(&stacks[0].body).expect("JSON template")
}

fn change<'a>(diff: &'a TemplateDiff, id: &str) -> &'a ResourceChange {
    diff.resources.iter().find(|r| r.logical_id == id).unwrap_or_else(|| panic!("no change of {id}: {diff:#?}"))
}

/// The app with `overrides` for `id` (an app file's escape hatch).
fn with_overrides(overrides: &str) -> String {
    format!("{APP}    overrides:\n{overrides}")
}

#[test]
fn every_store_is_retained_by_default() {
    let t = template(APP);
    for id in ["TodosTable", "FilesBucket"] {
        assert_eq!(t["Resources"][id]["DeletionPolicy"], "Retain", "{id}");
        assert_eq!(t["Resources"][id]["UpdateReplacePolicy"], "Retain", "{id}");
    }
    // A repository is kept too, except by the rollback of the deploy that
    // created it (its fixed name would block the retry); UpdateReplacePolicy
    // does not accept RetainExceptOnCreate, so it says Retain.
    assert_eq!(t["Resources"]["TodoMainRepository"]["DeletionPolicy"], "RetainExceptOnCreate");
    assert_eq!(t["Resources"]["TodoMainRepository"]["UpdateReplacePolicy"], "Retain");
}

#[test]
fn replacing_a_repository_a_table_or_a_bucket_is_dangerous() {
    let old = template(APP);
    let cases = [
        // A repository's encryption is create-only.
        (
            APP.replace("todo-main: {}", "todo-main: {kms_key_arn: \"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\"}"),
            "TodoMainRepository",
            "an image repository",
        ),
        // A table's key schema is create-only.
        (APP.replace("name: userID", "name: ownerID"), "TodosTable", "a table"),
        // A bucket's name is create-only.
        (with_overrides("      FilesBucket: {Properties.BucketName: todo-files-archive}\n"), "FilesBucket", "a bucket"),
    ];
    for (app, id, what) in cases {
        let diff = TemplateDiff::new(&old, &template(&app));
        let c = change(&diff, id);
        assert_eq!(c.change, Change::Modified, "{id}");
        // A table's key schema is conditionally create-only in its schema: "may replace".
        assert!(matches!(c.impact, Some(Impact::Replace | Impact::MayReplace)), "{id}: {c:#?}");
        assert!(c.dangerous, "replacing {id} must be dangerous: {c:#?}");
        let note = c
            .notes
            .iter()
            .find(|n| n.starts_with("replacing ") || n.starts_with("may replace "))
            .unwrap_or_else(|| panic!("{id}: {c:#?}"));
        assert!(note.contains(what), "{note}");
        assert!(
            note.contains(
                "UpdateReplacePolicy Retain keeps the old one (retained, orphaned), but the new one starts empty"
            ),
            "{note}"
        );
    }
}

#[test]
fn removing_a_store_is_dangerous_unless_it_is_retained() {
    let empty = template("stacks:\n  - name: data\n    vpc: {max_azs: 2, nat_gateways: 0}\n");
    // Default: Retain. The data stays in the account, outside the stack.
    let diff = TemplateDiff::new(&template(APP), &empty);
    for id in ["TodoMainRepository", "TodosTable", "FilesBucket"] {
        let c = change(&diff, id);
        assert_eq!(c.change, Change::Removed, "{id}");
        assert!(!c.dangerous, "{id} is retained: {c:#?}");
        let policy = if id == "TodoMainRepository" { "RetainExceptOnCreate" } else { "Retain" };
        let kept = format!("DeletionPolicy {policy} keeps it in the account");
        assert!(c.notes.iter().any(|n| n.contains(&kept)), "{id}: {c:#?}");
    }
    // Deleted on removal: the repository's `delete_on_removal`, and
    // `DeletionPolicy: Delete` set on a table or bucket through `overrides`.
    let deleting =
        with_overrides("      TodosTable: {DeletionPolicy: Delete}\n      FilesBucket: {DeletionPolicy: Delete}\n")
            .replace("todo-main: {}", "todo-main: {delete_on_removal: true}");
    let diff = TemplateDiff::new(&template(&deleting), &empty);
    for (id, what) in
        [("TodoMainRepository", "an image repository"), ("TodosTable", "a table"), ("FilesBucket", "a bucket")]
    {
        let c = change(&diff, id);
        assert_eq!(c.change, Change::Removed, "{id}");
        assert!(c.dangerous, "removing {id} deletes it: {c:#?}");
        assert!(c.notes.iter().any(|n| n.starts_with("removing ") && n.contains(what)), "{id}: {c:#?}");
    }
}
