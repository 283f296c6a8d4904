//! Inputs that used to panic, exhaust the machine, or pass silently
//! (issue 10, items 3-8 and the `--out` part of 14): `rcdk synth` exits 2
//! with a located message, writes nothing, and never hangs.

mod support;

use std::fs;
use std::path::Path;

use support::{assert_invalid_apps, rcdk, text};

/// A valid app with one service, to which each case adds one mistake.
fn service_app(extra_stack: &str, extra_service: &str) -> String {
    format!(
        "stacks:\n  - name: a\n    region: us-east-1\n    vpc: {{}}\n{extra_stack}    services:\n      web:\n        image: nginx:1.27\n{extra_service}"
    )
}

/// Runs `rcdk synth FILE` in `dir`; returns (exit code, stderr).
fn synth_in(dir: &Path, file: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["synth", file];
    args.extend_from_slice(extra);
    let out = rcdk(dir, &args);
    let (_, err) = text(&out);
    (out.status.code(), err)
}

/// Writes `body` as `app.yaml` in a fresh directory and synthesizes it.
fn synth_body(body: &[u8]) -> (tempfile::TempDir, Option<i32>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("app.yaml"), body).expect("write");
    let (code, err) = synth_in(dir.path(), "app.yaml", &[]);
    (dir, code, err)
}

// Item 3: no input may panic.

#[test]
fn one_region_with_a_cdn_is_an_error_not_a_panic() {
    let body = "stacks:\n  - name: web\n    regions: [us-east-1]\n    vpc: {}\n    services:\n      web: {image: nginx:1.27}\n    cdn: {}\n";
    assert_invalid_apps([("one_region_cdn", body, "stacks[0].regions", "app:cdn-regions-invalid")]);
    // diff reads the app the same way.
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("app.yaml"), body).expect("write");
    let out = rcdk(dir.path(), &["diff", "app.yaml"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("app.yaml:3:5: stacks[0].regions: the CDN fails over"), "{err}");
    assert!(!err.contains("web-cdn"), "no CDN stack without two regions: {err}");
}

// Item 4: limits in front of the parser.

#[test]
fn deeply_nested_flow_collections_are_refused_at_once() {
    // 160 KB of `[`: quadratic in libyaml (45 s), refused by the scan.
    let (dir, code, err) = synth_body("[".repeat(160_000).as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("app.yaml:1:256: maps and lists are nested more than 32 deep [app-file:too-deep]"), "{err}");
    assert!(!dir.path().join("templates").exists());
    let block = format!("stacks:\n{}", (1..40).map(|i| format!("{}- \n", " ".repeat(i * 2))).collect::<String>());
    let (_, code, err) = synth_body(block.as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("[app-file:too-deep]") && err.contains("app.yaml:33:"), "{err}");
}

#[test]
fn alias_bombs_are_refused_at_the_alias_that_crosses_the_budget() {
    let long = format!("a: &a \"{}\"\nb: [{}]\n", "x".repeat(100_000), vec!["*a"; 10_000].join(", "));
    let (_, code, err) = synth_body(long.as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "app.yaml:2:169: b[41]: aliases (`*name`) expand to more than 4 MiB of values [app-file:alias-budget]"
        ),
        "{err}"
    );
    let mut laughs = vec!["x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]".to_owned()];
    for i in 1..10 {
        laughs.push(format!("x{i}: &x{i} [{}]", vec![format!("*x{}", i - 1); 9].join(", ")));
    }
    let (_, code, err) = synth_body(laughs.join("\n").as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("[app-file:alias-budget]"), "{err}");
    let (_, code, err) = synth_body(b"a: &a [1, *a]\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("[app-file:alias-recursive]") || err.contains("[app-file:yaml-syntax]"), "{err}");
}

#[test]
fn a_few_aliases_are_fine() {
    let body = "stacks:\n  - name: a\n    region: us-east-1\n    vpc: {}\n    services:\n      web: &svc\n        image: nginx:1.27\n        routing: {path_patterns: [/web/*], priority: 1}\n      api:\n        image: nginx:1.27\n        routing: {path_patterns: [/api/*], priority: 2}\n        environment: &env {A: b}\n        task_role_statements: []\n    tags: *env\n";
    let (dir, code, err) = synth_body(body.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    assert!(dir.path().join("templates/a.yaml").is_file());
}

#[test]
fn only_regular_files_of_a_bounded_size_are_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, err) = synth_in(dir.path(), ".", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("error: .: the app file is a directory [app-file:not-regular]"), "{err}");
    let (code, err) = synth_in(dir.path(), "/dev/zero", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("/dev/zero: the app file is not a regular file"), "{err}");
    #[cfg(unix)]
    {
        let fifo = dir.path().join("fifo.yaml");
        let c = std::ffi::CString::new(fifo.to_str().expect("utf-8 path")).expect("no NUL");
        // SAFETY: a valid NUL-terminated path; mkfifo has no other precondition.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
        // No writer ever opens it: reading it would block forever.
        let (code, err) = synth_in(dir.path(), "fifo.yaml", &[]);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains(
                "fifo.yaml: the app file is not a regular file (a FIFO, socket or device) [app-file:not-regular]"
            ),
            "{err}"
        );
    }
    // A sparse 17 MiB file: refused by its size, before it is read.
    let big = fs::File::create(dir.path().join("big.yaml")).expect("create");
    big.set_len(rcdk::app_file::limits::MAX_APP_FILE_BYTES + 1).expect("set_len");
    let (code, err) = synth_in(dir.path(), "big.yaml", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("big.yaml: the app file is larger than 16 MiB [app-file:too-large]"), "{err}");
    fs::write(dir.path().join("latin1.yaml"), b"stacks:\n  - name: caf\xe9\n").expect("write");
    let (code, err) = synth_in(dir.path(), "latin1.yaml", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("latin1.yaml: the app file is not UTF-8 text (invalid byte at offset 21) [app-file:encoding]"),
        "{err}"
    );
    assert!(!dir.path().join("templates").exists());
}

// Item 5: duplicate keys in any mapping.

#[test]
fn duplicate_keys_name_both_locations() {
    let services = service_app("", "      web:\n        image: nginx:1.28\n");
    let (_, code, err) = synth_body(services.as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "app.yaml:8:7: stacks[0].services.web: duplicate key `web`: written at app.yaml:6:7 and again at app.yaml:8:7 [app-file:duplicate-key]"
        ),
        "{err}"
    );
    assert_invalid_apps([
        ("dup_service", services.as_str(), "stacks[0].services.web", "app-file:duplicate-key"),
        (
            "dup_environment",
            &*service_app("", "        environment:\n          A: x\n          A: y\n"),
            "stacks[0].services.web.environment.A",
            "app-file:duplicate-key",
        ),
        (
            "dup_tags",
            &*service_app("    tags: {team: a, team: b}\n", ""),
            "stacks[0].tags.team",
            "app-file:duplicate-key",
        ),
        ("dup_field", "stacks:\n  - name: a\n    name: b\n    vpc: {}\n", "stacks[0].name", "app-file:duplicate-key"),
        ("dup_root", "stacks: []\nstacks:\n  - name: a\n", "stacks", "app-file:duplicate-key"),
        (
            "dup_quoted",
            "stacks:\n  - name: a\n    vpc: {cidr: 10.0.0.0/16, 'cidr': 10.1.0.0/16}\n",
            "stacks[0].vpc.cidr",
            "app-file:duplicate-key",
        ),
    ]);
}

// Item 6: tags and nulls.

#[test]
fn yaml_tags_are_refused_with_help() {
    let (_, code, err) = synth_body(service_app("", "        environment: {TABLE: !Ref Table}\n").as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("app.yaml:8:35: stacks[0].services.web.environment.TABLE: YAML tag `!Ref`: app files hold plain values, not tagged ones [app-file:tag]"),
        "{err}"
    );
    assert!(err.contains("help: remove the tag") && err.contains("`{Ref: Name}`"), "{err}");
    assert_invalid_apps([
        ("tag_str", "stacks:\n  - name: !!str a\n    vpc: {}\n", "stacks[0].name", "app-file:tag"),
        ("tag_map", "stacks:\n  - name: a\n    vpc: !Custom {}\n", "stacks[0].vpc", "app-file:tag"),
        ("tag_seq", "stacks: !List\n  - name: a\n", "stacks", "app-file:tag"),
    ]);
}

#[test]
fn null_is_refused_everywhere() {
    let (_, code, err) = synth_body(service_app("", "        environment: {A: ~}\n").as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("app.yaml:8:26: stacks[0].services.web.environment.A: `~` is null, and app files do not accept null [app-file:null]"),
        "{err}"
    );
    assert!(err.contains("help: leave the key out to get its default"), "{err}");
    assert_invalid_apps([
        ("null_word", &*service_app("    tags: {team: null}\n", ""), "stacks[0].tags.team", "app-file:null"),
        ("null_empty", "stacks:\n  - name: a\n    vpc:\n", "stacks[0].vpc", "app-file:null"),
        ("null_option", "stacks:\n  - name: a\n    region: ~\n    vpc: {}\n", "stacks[0].region", "app-file:null"),
        (
            "null_item",
            &*service_app("", "        command: [run, ~]\n"),
            "stacks[0].services.web.command[1]",
            "app-file:null",
        ),
    ]);
    // Quoted, it is text.
    let (_, code, err) = synth_body(service_app("", "        environment: {A: '~', B: ''}\n").as_bytes());
    assert_eq!(code, Some(0), "{err}");
}

// Item 7: what passes synth passes cfn-lint.

#[test]
fn values_cloudformation_refuses_are_refused_at_synth() {
    let statement = |s: &str| format!("        task_role_statements:\n          - {s}\n");
    let long_description = format!("    description: {}\n", "d".repeat(1025));
    let long_key_field = format!("stacks[0].tags.{}", "k".repeat(129));
    let many_tags = format!("    tags: {{{}}}\n", (0..50).map(|i| format!("t{i}: v")).collect::<Vec<_>>().join(", "));
    assert_invalid_apps([
        (
            "iam_actions_empty",
            &*service_app("", &statement("{actions: [], resources: ['*']}")),
            "stacks[0].services.web.task_role_statements[0].actions",
            "iam:actions-empty",
        ),
        (
            "iam_resources_empty",
            &*service_app("", &statement("{actions: [s3:GetObject], resources: []}")),
            "stacks[0].services.web.task_role_statements[0].resources",
            "iam:resources-empty",
        ),
        (
            "iam_resource_not_arn",
            &*service_app("", &statement("{actions: [s3:GetObject], resources: ['*', my-bucket]}")),
            "stacks[0].services.web.task_role_statements[0].resources[1]",
            "iam:resource-invalid",
        ),
        (
            "iam_resource_number",
            &*service_app("", &statement("{actions: [s3:GetObject], resources: [5]}")),
            "stacks[0].services.web.task_role_statements[0].resources[0]",
            "iam:resource-invalid",
        ),
        (
            "iam_action_shape",
            &*service_app("", &statement("{actions: [GetObject], resources: ['*']}")),
            "stacks[0].services.web.task_role_statements[0].actions[0]",
            "iam:action-invalid",
        ),
        ("description_too_long", &*service_app(&long_description, ""), "stacks[0].description", "stack:description-too-long"),
        ("tag_key_aws", &*service_app("    tags: {'aws:team': a}\n", ""), "stacks[0].tags.aws:team", "stack:tag-key-reserved"),
        ("tag_key_long", &*service_app(&format!("    tags: {{{}: a}}\n", "k".repeat(129)), ""), &long_key_field, "stack:tag-key-invalid"),
        ("tag_value_long", &*service_app(&format!("    tags: {{k: {}}}\n", "v".repeat(257)), ""), "stacks[0].tags.k", "stack:tag-value-invalid"),
        ("tag_value_chars", &*service_app("    tags: {k: 'a<b>'}\n", ""), "stacks[0].tags.k", "stack:tag-value-invalid"),
        ("tag_value_empty", &*service_app("    tags: {k: ''}\n", ""), "stacks[0].tags.k", "stack:tag-value-invalid"),
        // 50 stack tags and the `Name` tag of the VPC make 51.
        ("too_many_tags", &*service_app(&many_tags, ""), "stacks[0].tags", "stack:too-many-tags"),
        (
            "instance_type_unknown",
            &*service_app("    cluster: {instance_type: t33.medium}\n", ""),
            "stacks[0].cluster.instance_type",
            "ecs:instance-type-invalid",
        ),
        (
            "bastion_instance_type_unknown",
            &*service_app("    bastion: {instance_type: t3.gigantic}\n", ""),
            "stacks[0].bastion.instance_type",
            "",
        ),
        (
            "same_path_two_rules",
            &*service_app(
                "",
                "        routing: {path_patterns: [/api/*], priority: 1}\n      api:\n        image: nginx:1.27\n        routing: {path_patterns: [/x, /api/*], priority: 2}\n",
            ),
            "stacks[0].services.web.routing.path_patterns[0]",
            "elbv2:rule-path-pattern-duplicate",
        ),
    ]);
    // The same path behind different hosts is two routes, not a conflict.
    let hosts = service_app(
        "",
        "        routing: {path_patterns: [/api/*], host_headers: [a.example.com], priority: 1}\n      api:\n        image: nginx:1.27\n        routing: {path_patterns: [/api/*], host_headers: [b.example.com], priority: 2}\n",
    );
    let (_, code, err) = synth_body(hosts.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    // 49 stack tags and `Name`: exactly 50.
    let tags49 = format!("    tags: {{{}}}\n", (0..49).map(|i| format!("t{i}: v")).collect::<Vec<_>>().join(", "));
    let (_, code, err) = synth_body(service_app(&tags49, "").as_bytes());
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn the_duplicate_path_message_names_the_other_rule() {
    let body = service_app(
        "",
        "        routing: {path_patterns: [/api/*], priority: 1}\n      api:\n        image: nginx:1.27\n        routing: {path_patterns: [/api/*], priority: 2}\n",
    );
    let (_, code, err) = synth_body(body.as_bytes());
    assert_eq!(code, Some(2), "{err}");
    // BTreeMap order: `api` is built first, so `web` is the second claimant.
    assert!(
        err.contains("app.yaml:8:35: stacks[0].services.web.routing.path_patterns[0]: path pattern `/api/*` is already routed by rule ApiListenerRule on the same listener"),
        "{err}"
    );
}

// Item 8: parameters no template declares.

#[test]
fn unknown_parameters_are_refused_at_synth_located() {
    let body = service_app("    parameters: {ClusterAmiId: ami-1, Nope: '1'}\n", "");
    let (_, code, err) = synth_body(body.as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("app.yaml:5:45: stacks[0].parameters.Nope: `parameters` gives a value for `Nope`, which the template of stack `a` does not declare"),
        "{err}"
    );
    assert!(
        err.contains("[stack:parameter-unknown]") && err.contains("help: the template declares: ClusterAmiId"),
        "{err}"
    );
}

// Item 14: an unwritable `--out`.

#[test]
fn an_unwritable_out_is_bad_input_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("app.yaml"), service_app("", "")).expect("write");
    fs::write(dir.path().join("file"), "").expect("write");
    let (code, err) = synth_in(dir.path(), "app.yaml", &["--out", "file/templates"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("error: cannot create directory file/templates: Not a directory"), "{err}");
    assert!(err.contains("help: choose an output directory you can write to"), "{err}");
    let names: Vec<_> = fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

// The size of an app is capped before anything is built.

#[test]
fn apps_too_large_to_build_are_refused_before_building() {
    let regions: Vec<String> = (0..101).map(|i| format!("r{i}")).collect();
    let body = format!("stacks:\n  - name: a\n    regions: [{}]\n    vpc: {{}}\n", regions.join(", "));
    let (_, code, err) = synth_body(body.as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("app.yaml:1:1: stacks: the app makes 101 stacks (counting one per region); rcdk builds at most 100 from one app"),
        "{err}"
    );
    let services: String = (0..1001).map(|i| format!("      s{i}: {{image: nginx:1.27}}\n")).collect();
    let body = format!("stacks:\n  - name: a\n    vpc: {{}}\n    services:\n{services}");
    let (_, code, err) = synth_body(body.as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("stacks: the app has 1001 services") && err.contains("[app:too-many-services]"), "{err}");
}
