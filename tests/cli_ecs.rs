//! Invalid services, clusters and routes in app files: `rcdk synth` exits 2,
//! prints each problem at `file:line:column` with its field path and code,
//! and writes nothing.

mod support;

use std::fs;

use support::{rcdk, text};

const BASE: &str = "stacks:\n  - name: app\n    vpc: {max_azs: 2}\n";

/// (name, the stack's body below `vpc`, the field path and code expected).
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "latest_tag",
        "    services:\n      web:\n        image: nginx:latest\n",
        "stacks[0].services.web.image",
        "ecs:image-unpinned",
    ),
    ("no_tag", "    services:\n      web:\n        image: nginx\n", "stacks[0].services.web.image", "ecs:image-unpinned"),
    (
        "reservation_above_limit",
        "    services:\n      web:\n        image: nginx:1.27.0\n        memory_mib: 256\n        memory_reservation_mib: 512\n",
        "stacks[0].services.web.memory_reservation_mib",
        "ecs:container-memory",
    ),
    (
        "port_zero",
        "    services:\n      web:\n        image: nginx:1.27.0\n        container_port: 0\n",
        "stacks[0].services.web.container_port",
        "ecs:container-port",
    ),
    (
        // `/app/token` is a parameter name (of the stack's account and region); this is neither.
        "secret_not_an_arn",
        "    services:\n      web:\n        image: nginx:1.27.0\n        secrets:\n          TOKEN: app/token\n",
        "stacks[0].services.web.secrets.TOKEN",
        "ecs:secret-arn",
    ),
    (
        "bad_retention",
        "    services:\n      web:\n        image: nginx:1.27.0\n        log_retention_days: 31\n",
        "stacks[0].services.web.log_retention_days",
        "logs:retention-invalid",
    ),
    (
        "bad_deployment_percent",
        "    services:\n      web:\n        image: nginx:1.27.0\n        min_healthy_percent: 150\n",
        "stacks[0].services.web.min_healthy_percent",
        "ecs:deployment-percent",
    ),
    (
        "desired_count_with_scaling",
        "    services:\n      web:\n        image: nginx:1.27.0\n        desired_count: 3\n        scaling: {min_capacity: 2, max_capacity: 4}\n",
        "stacks[0].services.web.desired_count",
        "ecs:desired-count-scaled",
    ),
    (
        "scaling_min_above_max",
        "    services:\n      web:\n        image: nginx:1.27.0\n        scaling: {min_capacity: 5, max_capacity: 2}\n",
        "stacks[0].services.web.scaling.min_capacity",
        "autoscaling:min-above-max",
    ),
    (
        "bad_container_health_check",
        "    services:\n      web:\n        image: nginx:1.27.0\n        health_check:\n          command: [curl localhost]\n",
        "stacks[0].services.web.health_check.command",
        "ecs:health-check-command",
    ),
    (
        "target_type_against_network_mode",
        "    services:\n      web:\n        image: nginx:1.27.0\n        target_group: {target_type: ip}\n",
        "stacks[0].services.web.target_group.target_type",
        "service:target-type-mismatch",
    ),
    (
        "cluster_min_above_max",
        "    cluster:\n      min_capacity: 5\n      max_capacity: 2\n",
        "stacks[0].cluster.min_capacity",
        "ecs:capacity-range",
    ),
    (
        "cluster_target_capacity",
        "    cluster:\n      target_capacity_percent: 150\n",
        "stacks[0].cluster.target_capacity_percent",
        "ecs:target-capacity",
    ),
    (
        "cluster_instance_type",
        "    cluster:\n      instance_type: large\n",
        "stacks[0].cluster.instance_type",
        "ecs:instance-type-invalid",
    ),
    (
        "cluster_root_volume",
        "    cluster:\n      root_volume_gib: 8\n",
        "stacks[0].cluster.root_volume_gib",
        "ecs:root-volume-size",
    ),
    (
        "refresh_min_above_100",
        "    cluster:\n      instance_refresh: {min_healthy_percentage: 101}\n",
        "stacks[0].cluster.instance_refresh.min_healthy_percentage",
        "ecs:instance-refresh-invalid",
    ),
    (
        "refresh_max_above_200",
        "    cluster:\n      instance_refresh: {max_healthy_percentage: 250}\n",
        "stacks[0].cluster.instance_refresh.max_healthy_percentage",
        "ecs:instance-refresh-invalid",
    ),
    (
        "refresh_range_too_wide",
        "    cluster:\n      instance_refresh: {min_healthy_percentage: 50, max_healthy_percentage: 200}\n",
        "stacks[0].cluster.instance_refresh.max_healthy_percentage",
        "ecs:instance-refresh-invalid",
    ),
    (
        "refresh_can_replace_nothing",
        "    cluster:\n      instance_refresh: {max_healthy_percentage: 100}\n",
        "stacks[0].cluster.instance_refresh.max_healthy_percentage",
        "ecs:instance-refresh-invalid",
    ),
    (
        "duplicate_priority",
        "    services:\n      a:\n        image: nginx:1.27.0\n        routing: {priority: 10, path_patterns: [/a/*]}\n      b:\n        image: nginx:1.27.0\n        routing: {priority: 10, path_patterns: [/b/*]}\n",
        "stacks[0].services.b.routing.priority",
        "elbv2:rule-priority-duplicate",
    ),
    (
        "two_catch_all_services",
        "    services:\n      a:\n        image: nginx:1.27.0\n      b:\n        image: nginx:1.27.0\n",
        "stacks[0].services.b.routing.priority",
        "elbv2:rule-priority-duplicate",
    ),
    (
        "target_group_name_too_long",
        "    services:\n      web:\n        image: nginx:1.27.0\n        target_group: {name: a-target-group-name-over-32-characters}\n",
        "stacks[0].services.web.target_group.name",
        "elbv2:target-group-name-invalid",
    ),
    (
        "https_without_certificate",
        "    load_balancer: {https: true}\n    services:\n      web:\n        image: nginx:1.27.0\n",
        "stacks[0].load_balancer.https",
        "elbv2:https-certificate-missing",
    ),
    (
        "writable_path_relative",
        "    services:\n      web:\n        image: nginx:1.27.0\n        writable_paths: [tmp]\n",
        "stacks[0].services.web.writable_paths[0]",
        "ecs:writable-path-invalid",
    ),
    (
        "writable_path_root",
        "    services:\n      web:\n        image: nginx:1.27.0\n        writable_paths: [/tmp, /]\n",
        "stacks[0].services.web.writable_paths[1]",
        "ecs:writable-path-invalid",
    ),
    (
        "writable_path_dot_dot",
        "    services:\n      web:\n        image: nginx:1.27.0\n        writable_paths: [/var/lib/../cache]\n",
        "stacks[0].services.web.writable_paths[0]",
        "ecs:writable-path-invalid",
    ),
    (
        "writable_path_twice",
        "    services:\n      web:\n        image: nginx:1.27.0\n        writable_paths: [/tmp, /tmp/]\n",
        "stacks[0].services.web.writable_paths[1]",
        "ecs:writable-path-overlap",
    ),
    (
        "writable_path_nested",
        "    services:\n      web:\n        image: nginx:1.27.0\n        writable_paths: [/var/cache/app, /var/cache]\n",
        "stacks[0].services.web.writable_paths[1]",
        "ecs:writable-path-overlap",
    ),
    (
        "unknown_service_field",
        "    services:\n      web:\n        image: nginx:1.27.0\n        imagee: nginx:1.28.0\n",
        "stacks[0].services.web.imagee",
        "app-file:schema",
    ),
];

#[test]
fn invalid_compute_fields_exit_2_located_and_write_nothing() {
    let apps: Vec<(&str, String, &str, &str)> =
        CASES.iter().map(|(name, body, field, code)| (*name, format!("{BASE}{body}"), *field, *code)).collect();
    support::assert_invalid_apps(apps.iter().map(|(n, b, f, c)| (*n, b.as_str(), *f, *c)));
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = "    cluster: {min_capacity: 5, max_capacity: 2}\n    services:\n      web:\n        image: nginx:latest\n        container_port: 0\n";
    fs::write(dir.path().join("many.yaml"), format!("{BASE}{body}")).expect("write");
    let out = rcdk(dir.path(), &["synth", "many.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = text(&out);
    assert!(
        err.contains("many.yaml:4:29: stacks[0].cluster.min_capacity: min_capacity 5 is above max_capacity 2"),
        "{err}"
    );
    assert!(
        err.contains("many.yaml:7:16: stacks[0].services.web.image: image `nginx:latest` uses the moving `latest` tag"),
        "{err}"
    );
    assert!(err.contains("many.yaml:8:25: stacks[0].services.web.container_port"), "{err}");
    assert!(err.contains("help: pin a version tag or digest"), "{err}");
}

#[test]
fn a_cluster_without_a_vpc_is_located() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("novpc.yaml"), "stacks:\n  - name: app\n    cluster: {}\n").expect("write");
    let out = rcdk(dir.path(), &["synth", "novpc.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = text(&out);
    assert!(err.contains("novpc.yaml:3:5: stacks[0].cluster: `cluster` needs a VPC"), "{err}");
    assert!(err.contains("help: add `vpc: {}`"), "{err}");
}

#[test]
fn a_writable_path_inside_another_is_located_at_its_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = "    services:\n      web:\n        image: public.ecr.aws/nginx/nginx-unprivileged:1.27\n        \
                writable_paths:\n          - /tmp\n          - /tmp/cache\n";
    fs::write(dir.path().join("paths.yaml"), format!("{BASE}{body}")).expect("write");
    let out = rcdk(dir.path(), &["synth", "paths.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = text(&out);
    assert!(
        err.contains(
            "paths.yaml:9:13: stacks[0].services.web.writable_paths[1]: writable path `/tmp/cache` is inside `/tmp` \
             (writable_paths[0])"
        ),
        "{err}"
    );
    assert!(err.contains("ecs:writable-path-overlap"), "{err}");
    assert!(err.contains("help: list each directory once"), "{err}");
    assert!(!dir.path().join("templates").exists(), "nothing is written");
}
