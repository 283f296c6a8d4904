//! `services.<name>.image: {repository, tag}` on the command line: a bad
//! repository name, tag or shape is exit 2, located at
//! `file:line:column: field.path` with its code, and nothing is written.

mod support;

use std::fs;

use support::{rcdk, text};

const SERVICES: &str =
    "stacks:\n  - name: a\n    vpc: {max_azs: 2}\n    repositories: {todo-main: {}}\n    services:\n      main:\n";

/// (name, the service's `image:` lines, the field path expected, the code expected).
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "unknown_repository",
        "        image: {repository: todo-mian, tag: 1.0.3}\n",
        "stacks[0].services.main.image.repository",
        "app:image-repository-unknown",
    ),
    (
        "bad_tag",
        "        image: {repository: todo-main, tag: 1.0 3}\n",
        "stacks[0].services.main.image.tag",
        "ecs:image-tag-invalid",
    ),
    ("missing_tag", "        image: {repository: todo-main}\n", "stacks[0].services.main.image", "app-file:schema"),
    (
        "unknown_key",
        "        image: {repository: todo-main, tag: '1', digest: x}\n",
        "stacks[0].services.main.image.digest",
        "app-file:schema",
    ),
    (
        "canary_unknown_repository",
        "        image: {repository: todo-main, tag: 1.0.3}\n        canary: {image: {repository: todo, tag: 1.0.4}}\n",
        "stacks[0].services.main.canary.image.repository",
        "app:image-repository-unknown",
    ),
];

#[test]
fn each_bad_repository_image_exits_2_located_and_writes_nothing() {
    let cases: Vec<(String, String)> =
        CASES.iter().map(|(name, image, _, _)| ((*name).to_owned(), format!("{SERVICES}{image}"))).collect();
    support::assert_invalid_apps(
        cases
            .iter()
            .zip(CASES)
            .map(|((name, body), (_, _, field, code))| (name.as_str(), body.as_str(), *field, *code)),
    );
}

#[test]
fn the_unknown_repository_message_points_at_the_name_and_suggests_the_closest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = dir.path().join("app.yaml");
    fs::write(&app, format!("{SERVICES}        image: {{repository: todo-mian, tag: 1.0.3}}\n")).expect("write");
    let out_dir = dir.path().join("out");
    let out = rcdk(dir.path(), &["synth", app.to_str().expect("utf-8"), "--out", out_dir.to_str().expect("utf-8")]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "app.yaml:7:29: stacks[0].services.main.image.repository: the image names the repository `todo-mian`"
        ),
        "{err}"
    );
    assert!(err.contains("(did you mean `todo-main`?)"), "{err}");
    assert!(!out_dir.exists(), "nothing is written");
}
