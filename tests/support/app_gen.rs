#![allow(dead_code)]
//! proptest strategies for app files: random apps shaped like the schema
//! (`AppProps` as a JSON value, so that every field the strategies name is
//! checked by serde), and mutations of valid app files.

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

/// Picks one of `items`.
fn one<T: Clone + std::fmt::Debug + 'static>(items: &[T]) -> impl Strategy<Value = T> {
    select(items.to_vec())
}

/// `Some(value)` or the field left out.
fn maybe<S: Strategy<Value = Value>>(s: S) -> impl Strategy<Value = Option<Value>> {
    proptest::option::weighted(0.5, s)
}

fn insert(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), v);
    }
}

/// Numbers around the edges of every range the schema checks.
fn edgy_u32() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0u32..10).prop_map(|n| json!(n)),
        2 => (0u32..70_000).prop_map(|n| json!(n)),
        1 => one(&[u32::MAX, u32::MAX - 1, 65_535, 65_536, 50_000, 50_001, 100, 101, 512, 1024]).prop_map(|n| json!(n)),
    ]
}

fn small_u8() -> impl Strategy<Value = Value> {
    prop_oneof![3 => (0u8..8).prop_map(|n| json!(n)), 1 => any::<u8>().prop_map(|n| json!(n))]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => one(&["a", "web", "api", "team", "platform", "x-y", "A1", "prod", "v1.2.3", "/api/*", "*"]).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9 _.:/=+@-]{0,40}",
        1 => any::<String>(),
        1 => (0usize..2000).prop_map(|n| "x".repeat(n)),
    ]
}

fn tags() -> impl Strategy<Value = Value> {
    proptest::collection::btree_map(
        prop_oneof![4 => "[a-z][a-z0-9-]{0,12}", 1 => text(), 1 => Just("aws:x".to_owned())],
        prop_oneof![4 => "[a-z0-9][a-z0-9 .-]{0,20}", 1 => text()],
        0..6,
    )
    .prop_map(|m| json!(m))
}

/// An image: a reference string, or one of the stack's repositories (the
/// wild stacks sometimes have a repository `app`) with a tag, valid or not.
fn image() -> impl Strategy<Value = Value> {
    one(&[
        json!("nginx:1.27"),
        json!("public.ecr.aws/example/web:v1"),
        json!("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0.3"),
        json!("nginx"),
        json!("nginx:latest"),
        json!(""),
        json!("a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        json!({"repository": "app", "tag": "1.0.3"}),
        json!({"repository": "app", "tag": "latest"}),
        json!({"repository": "app", "tag": "bad tag!"}),
        json!({"repository": "apps", "tag": "1.0.3"}),
        json!({"repository": "app"}),
        json!({"repository": "app", "tag": "1", "digest": "x"}),
    ])
}

fn routing() -> impl Strategy<Value = Value> {
    (
        maybe(edgy_u32()),
        maybe(
            proptest::collection::vec(one(&["/api/*", "/*", "/x", "api", "/a?b", "/*/todos/*", "", "/é"]), 0..5)
                .prop_map(|v| json!(v)),
        ),
        maybe(
            proptest::collection::vec(one(&["a.example.com", "*.example.com", "bad host", ""]), 0..3)
                .prop_map(|v| json!(v)),
        ),
    )
        .prop_map(|(priority, paths, hosts)| {
            let mut m = Map::new();
            insert(&mut m, "priority", priority);
            insert(&mut m, "path_patterns", paths);
            insert(&mut m, "host_headers", hosts);
            Value::Object(m)
        })
}

fn statement() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(one(&["s3:GetObject", "dynamodb:Query", "sqs:*", "*", "GetObject", "s3:"]), 0..3),
        proptest::collection::vec(
            one(&[
                "*",
                "arn:aws:s3:::bucket/*",
                "arn:aws:dynamodb:us-east-1:123456789012:table/t",
                "bucket",
                "arn:aws:s3:::",
            ]),
            0..3,
        ),
    )
        .prop_map(|(actions, resources)| json!({"actions": actions, "resources": resources}))
}

fn scaling() -> impl Strategy<Value = Value> {
    (
        edgy_u32(),
        edgy_u32(),
        maybe((0.0f64..120.0).prop_map(|f| json!(f))),
        maybe((0.0f64..2000.0).prop_map(|f| json!(f))),
    )
        .prop_map(|(min, max, cpu, req)| {
            let mut m = Map::new();
            m.insert("min_capacity".into(), min);
            m.insert("max_capacity".into(), max);
            insert(&mut m, "cpu_target_percent", cpu);
            insert(&mut m, "requests_per_target", req);
            Value::Object(m)
        })
}

fn service() -> impl Strategy<Value = Value> {
    (
        image(),
        maybe(prop_oneof![(0u16..10).prop_map(|n| json!(n)), any::<u16>().prop_map(|n| json!(n))]),
        (maybe(edgy_u32()), maybe(edgy_u32()), maybe(edgy_u32())),
        maybe(tags()),
        maybe(proptest::collection::vec(statement(), 0..3).prop_map(|v| json!(v))),
        (maybe(edgy_u32()), maybe(edgy_u32()), maybe(edgy_u32())),
        maybe(routing()),
        maybe(scaling()),
        maybe((image(), maybe((0u32..120).prop_map(|n| json!(n))), maybe(edgy_u32())).prop_map(
            |(image, percent, count)| {
                let mut m = Map::new();
                m.insert("image".into(), image);
                insert(&mut m, "percent", percent);
                insert(&mut m, "desired_count", count);
                Value::Object(m)
            },
        )),
        (
            maybe(one(&["bridge", "awsvpc"]).prop_map(|s| json!(s))),
            maybe(any::<bool>().prop_map(|b| json!(b))),
            maybe(
                (one(&["items", "nope", ""]), one(&["read", "write", "read_write", "admin"]))
                    .prop_map(|(t, a)| json!({"tables": {t: a}, "buckets": {"files": a}})),
            ),
            // Restricted egress, refused in bridge mode; `some` is no value.
            maybe(one(&["all", "connected", "some"]).prop_map(|s| json!(s))),
        ),
        (
            maybe(one(&["env", "secret_arn", "password"]).prop_map(|s| json!(s))),
            maybe(any::<bool>().prop_map(|b| json!(b))),
            maybe(any::<bool>().prop_map(|b| json!(b))),
            maybe(one(&["1000:1000", "root", "0", ""]).prop_map(|s| json!(s))),
            maybe(any::<bool>().prop_map(|b| json!(b))),
            maybe(
                proptest::collection::vec(one(&["/tmp", "/var/cache/nginx", "relative", ""]), 0..3)
                    .prop_map(|v| json!(v)),
            ),
        ),
    )
        .prop_map(
            |(
                image,
                port,
                (cpu, mem, res),
                env,
                statements,
                (count, minh, maxp),
                routing,
                scaling,
                canary,
                (mode, database, grants, egress),
                (credentials, delete_logs, encrypt_logs, user, read_only, writable),
            )| {
                let mut m = Map::new();
                m.insert("image".into(), image);
                insert(&mut m, "container_port", port);
                insert(&mut m, "cpu", cpu);
                insert(&mut m, "memory_mib", mem);
                insert(&mut m, "memory_reservation_mib", res);
                insert(&mut m, "environment", env);
                insert(&mut m, "task_role_statements", statements);
                insert(&mut m, "desired_count", count);
                insert(&mut m, "min_healthy_percent", minh);
                insert(&mut m, "max_percent", maxp);
                insert(&mut m, "routing", routing);
                insert(&mut m, "scaling", scaling);
                insert(&mut m, "canary", canary);
                insert(&mut m, "network_mode", mode);
                insert(&mut m, "database", database);
                insert(&mut m, "grants", grants);
                insert(&mut m, "egress", egress);
                insert(&mut m, "database_credentials", credentials);
                insert(&mut m, "delete_logs_on_removal", delete_logs);
                insert(&mut m, "encrypt_logs", encrypt_logs);
                insert(&mut m, "user", user);
                insert(&mut m, "read_only_root_filesystem", read_only);
                insert(&mut m, "writable_paths", writable);
                Value::Object(m)
            },
        )
}

fn vpc() -> impl Strategy<Value = Value> {
    (
        maybe(
            one(&["10.0.0.0/16", "10.20.0.0/16", "10.0.0.0/8", "10.0.0.0/28", "192.168.0.0/24", "bad", "10.0.0.1/16"])
                .prop_map(|s| json!(s)),
        ),
        maybe(small_u8()),
        maybe(small_u8()),
        maybe(small_u8()),
        maybe(small_u8()),
        maybe(Just(json!({}))),
        maybe(
            proptest::collection::vec(one(&["us-east-1a", "us-east-1b", "eu-west-1a", "x"]), 0..4)
                .prop_map(|v| json!(v)),
        ),
        maybe(
            (
                maybe(proptest::collection::vec(one(&["s3", "dynamodb", "sqs"]), 0..3).prop_map(|v| json!(v))),
                maybe(
                    proptest::collection::vec(one(&["ecs", "ecr.api", "logs", "s3", "ECR", "", "ssm"]), 0..4)
                        .prop_map(|v| json!(v)),
                ),
            )
                .prop_map(|(gateway, interface)| {
                    let mut m = Map::new();
                    insert(&mut m, "gateway", gateway);
                    insert(&mut m, "interface", interface);
                    Value::Object(m)
                }),
        ),
    )
        .prop_map(|(cidr, azs, nat, public, private, acls, zones, endpoints)| {
            let mut m = Map::new();
            insert(&mut m, "cidr", cidr);
            insert(&mut m, "max_azs", azs);
            insert(&mut m, "nat_gateways", nat);
            insert(&mut m, "public_subnet_prefix", public);
            insert(&mut m, "private_subnet_prefix", private);
            insert(&mut m, "network_acls", acls);
            insert(&mut m, "availability_zones", zones);
            insert(&mut m, "endpoints", endpoints);
            Value::Object(m)
        })
}

fn cluster() -> impl Strategy<Value = Value> {
    (
        maybe(one(&["t3.medium", "t4g.small", "m7i-flex.large", "t33.medium", "t3", ""]).prop_map(|s| json!(s))),
        maybe(edgy_u32()),
        maybe(edgy_u32()),
        maybe(small_u8()),
        maybe(edgy_u32()),
        maybe(small_u8()),
        maybe(any::<bool>().prop_map(|b| json!(b))),
        maybe((maybe(small_u8()), maybe(edgy_u32())).prop_map(|(min, warmup)| {
            let mut m = Map::new();
            insert(&mut m, "min_healthy_percentage", min);
            insert(&mut m, "instance_warmup_seconds", warmup);
            Value::Object(m)
        })),
        // A key pair name, an empty one and one with a stray space (both refused).
        maybe(one(&["ops", "", " ops"]).prop_map(|s| json!(s))),
    )
        .prop_map(|(ty, min, max, target, root, hops, protection, refresh, key)| {
            let mut m = Map::new();
            insert(&mut m, "instance_type", ty);
            insert(&mut m, "min_capacity", min);
            insert(&mut m, "max_capacity", max);
            insert(&mut m, "target_capacity_percent", target);
            insert(&mut m, "root_volume_gib", root);
            insert(&mut m, "imds_hop_limit", hops);
            insert(&mut m, "managed_termination_protection", protection);
            insert(&mut m, "instance_refresh", refresh);
            insert(&mut m, "key_name", key);
            Value::Object(m)
        })
}

fn stack() -> impl Strategy<Value = Value> {
    (
        prop_oneof![4 => "[a-z][a-z0-9-]{0,10}", 1 => text()],
        maybe(one(&["us-east-1", "eu-west-1", "ap-southeast-2", "Europe", ""]).prop_map(|s| json!(s))),
        maybe(proptest::collection::vec(one(&["us-east-1", "eu-west-1", "us-west-2"]), 0..4).prop_map(|v| json!(v))),
        maybe(text().prop_map(|s| json!(s))),
        maybe(tags()),
        maybe(vpc()),
        maybe(cluster()),
        maybe(proptest::collection::btree_map("[a-z][a-z0-9-]{0,8}", service(), 0..4).prop_map(|m| json!(m))),
        (
            maybe(Just(json!({}))),
            maybe(
                proptest::collection::btree_map(one(&["ClusterAmiId", "Nope", "WebCanaryPercent"]), "[0-9]{1,3}", 0..3)
                    .prop_map(|m| json!(m)),
            ),
            maybe(Just(json!({"email": "oncall@example.com"}))),
            maybe(one(&["123456789012", "1234"]).prop_map(|s| json!(s))),
            maybe(
                one(&["arn:aws:iam::123456789012:role/rcdk-deploy", "arn:aws:iam::222222222222:role/x", "role/x", ""])
                    .prop_map(|s| json!(s)),
            ),
            maybe(one(&["arn:aws:iam::123456789012:role/cfn", "arn:aws:sts::1:role/x"]).prop_map(|s| json!(s))),
        ),
        wild_extras(),
    )
        .prop_map(
            |(
                name,
                region,
                regions,
                description,
                tags,
                vpc,
                cluster,
                services,
                (cdn, parameters, alarms, account, deploy_role_arn, cloudformation_role_arn),
                extras,
            )| {
                let mut m = Map::new();
                m.insert("name".into(), json!(name));
                insert(&mut m, "region", region);
                insert(&mut m, "regions", regions);
                insert(&mut m, "description", description);
                insert(&mut m, "tags", tags);
                insert(&mut m, "vpc", vpc);
                insert(&mut m, "cluster", cluster);
                insert(&mut m, "services", services);
                insert(&mut m, "cdn", cdn);
                insert(&mut m, "parameters", parameters);
                insert(&mut m, "alarms", alarms);
                insert(&mut m, "account", account);
                insert(&mut m, "deploy_role_arn", deploy_role_arn);
                insert(&mut m, "cloudformation_role_arn", cloudformation_role_arn);
                for (k, v) in extras {
                    m.insert(k.into(), v);
                }
                Value::Object(m)
            },
        )
}

/// The rest of a wild stack: a CDN with options, a database, repositories,
/// tables and buckets, raw resources, overrides and load balancer options
/// (valid or not).
fn wild_extras() -> impl Strategy<Value = Vec<(&'static str, Value)>> {
    (
        maybe(
            (
                maybe(one(&["https_only", "http_only", "match_viewer", "x"]).prop_map(|s| json!(s))),
                maybe(any::<bool>().prop_map(|b| json!(b))),
                maybe(
                    one(&[
                        "arn:aws:acm:us-east-1:123456789012:certificate/abc",
                        "arn:aws:acm:eu-west-1:1:certificate/x",
                        "",
                    ])
                    .prop_map(|s| json!(s)),
                ),
                maybe(proptest::collection::vec(one(&["/api/*", "", "/*"]), 0..3).prop_map(|v| json!(v))),
            )
                .prop_map(|(protocol, lock, cert, writes)| {
                    let mut m = Map::new();
                    insert(&mut m, "origin_protocol", protocol);
                    insert(&mut m, "origin_lock", lock);
                    insert(&mut m, "certificate_arn", cert);
                    insert(&mut m, "write_path_patterns", writes);
                    Value::Object(m)
                }),
        ),
        maybe(one(&[
            json!({}),
            json!({"engine": "mysql", "port": 1150}),
            json!({"engine": "oracle"}),
            json!({"port": 80}),
        ])),
        maybe(one(&[json!({"app": {}}), json!({"Bad Name": {"keep_images": 0}})])),
        maybe(one(&[json!({"items": {"partition_key": {"name": "id"}}}), json!({"t": {}})])),
        maybe(one(&[json!({"files": {}}), json!({"b": {"noncurrent_version_expiration_days": 0}})])),
        maybe(one(&[
            json!({"Q": {"Type": "AWS::SQS::Queue"}}),
            json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Nope": 1}}}),
            json!({"Ingress": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupId": {"Fn::GetAtt": ["ClusterInstanceSecurityGroup", "GroupId"]},
                "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"}}}),
            json!({"X": {"Type": "Nope::Nope"}}),
        ])),
        maybe(one(&[
            json!({"Vpc": {"Properties.EnableDnsHostnames": false}}),
            json!({"Nope": {"Properties.X": 1}}),
            json!({"LoadBalancerSecurityGroup": {"Properties.SecurityGroupEgress": []}}),
            json!({"Vpc": {"Bad.Path": 1}}),
        ])),
        maybe(one(&[
            json!({}),
            json!({"access_logs": true, "access_logs_prefix": "web", "access_logs_retention_days": 30}),
            json!({"access_logs": false}),
            json!({"access_logs": false, "access_logs_bucket": "logs-bucket"}),
            json!({"access_logs_bucket": "arn:aws:s3:::logs", "access_logs_retention_days": 7}),
            json!({"access_logs_prefix": "AWSLogs/x", "access_logs_retention_days": 0}),
            json!({"deletion_protection": false, "idle_timeout_seconds": 0, "ingress_cidrs": ["0.0.0.0/0", "x"]}),
            json!({"https": true, "http": false}),
            json!({"domain": {"name": "api.example.com", "external_dns": true}}),
            json!({"domain": {"name": "api.example.com", "hosted_zone_id": "Z0123456789ABCDEFGHIJ", "external_dns": true}}),
            json!({"domain": {"name": "api.example.com"}}),
        ])),
    )
        .prop_map(|(cdn, database, repositories, tables, buckets, resources, overrides, load_balancer)| {
            let mut out = Vec::new();
            for (k, v) in [
                ("cdn", cdn),
                ("database", database),
                ("repositories", repositories),
                ("tables", tables),
                ("buckets", buckets),
                ("resources", resources),
                ("overrides", overrides),
                ("load_balancer", load_balancer),
            ] {
                if let Some(v) = v {
                    out.push((k, v));
                }
            }
            out
        })
}

/// A random app, as the JSON form of `AppProps`: every field of the schema
/// that matters for validation, with values around the edges of each range.
pub fn app_value() -> impl Strategy<Value = Value> {
    proptest::collection::vec(stack(), 0..3).prop_map(|stacks| json!({ "stacks": stacks }))
}

/// The pieces a mutation inserts: YAML syntax, anchors and aliases, tags,
/// nulls, keys of the schema, numbers at the edges.
const SNIPPETS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ",",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\n    ",
    "&a ",
    "*a",
    "!Ref ",
    "!!str ",
    "~",
    "null",
    "''",
    "\"",
    "'",
    "#",
    "? ",
    "|\n  x\n",
    ">",
    "---\n",
    "...\n",
    "<<: *a",
    "0",
    "-1",
    "4294967296",
    "65536",
    "1e400",
    ".nan",
    "stacks",
    "name",
    "services",
    "vpc",
    "cidr",
    "regions",
    "cdn",
    "routing",
    "priority",
    "path_patterns",
    "tags",
    "environment",
    "scaling",
    "min_capacity",
    "max_capacity",
    "task_role_statements",
    "actions",
    "resources",
    "canary",
    "percent",
    "desired_count",
    "instance_type",
    "t33.medium",
    "parameters",
    "database",
    "bastion",
    "origin_stacks",
    "\t",
    "\u{feff}",
    "\u{0}",
    "é",
    "日本",
];

/// A mutation of `base`: up to eight edits, each deleting a range, inserting
/// a snippet, or duplicating a line.
pub fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (0u8..3, any::<prop::sample::Index>(), any::<prop::sample::Index>(), select(SNIPPETS)),
        1..8,
    )
    .prop_map(move |edits| {
        let mut s: Vec<char> = base.chars().collect();
        for (kind, at, len, snippet) in edits {
            let i = if s.is_empty() { 0 } else { at.index(s.len() + 1) };
            match kind {
                0 if !s.is_empty() => {
                    let i = i.min(s.len() - 1);
                    let end = (i + len.index(40) + 1).min(s.len());
                    s.drain(i..end);
                }
                1 => {
                    let line_start = s[..i].iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1);
                    let line_end = s[i..].iter().position(|c| *c == '\n').map_or(s.len(), |p| i + p + 1);
                    let line: Vec<char> = s[line_start..line_end].to_vec();
                    s.splice(line_end..line_end, line);
                }
                _ => {
                    s.splice(i..i, snippet.chars());
                }
            }
        }
        s.into_iter().collect()
    })
}

/// A service that passes validation (pinned image, its own path and
/// priority), with random optional settings inside their ranges.
fn plausible_service(index: usize) -> impl Strategy<Value = Value> {
    (
        one(&["nginx:1.27", "public.ecr.aws/example/web:v1", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0.3"]),
        maybe((1u16..=65535).prop_map(|n| json!(n))),
        maybe(one(&[128u32, 256, 512, 1024, 2048]).prop_map(|n| json!(n))),
        maybe(proptest::collection::btree_map("[A-Z][A-Z0-9_]{0,12}", "[a-zA-Z0-9 ./:=-]{1,30}", 0..5).prop_map(|m| json!(m))),
        maybe(
            proptest::collection::vec(
                (
                    proptest::collection::vec(one(&["s3:GetObject", "dynamodb:Query", "sqs:SendMessage", "sns:Publish"]), 1..3),
                    proptest::collection::vec(
                        one(&["*", "arn:aws:s3:::bucket/*", "arn:aws:dynamodb:us-east-1:123456789012:table/t"]),
                        1..3,
                    ),
                )
                    .prop_map(|(a, r)| json!({"actions": a, "resources": r})),
                1..3,
            )
            .prop_map(|v| json!(v)),
        ),
        maybe((1u32..4, 4u32..10, 10.0f64..90.0).prop_map(|(min, max, cpu)| {
            json!({"min_capacity": min, "max_capacity": max, "cpu_target_percent": cpu.round()})
        })),
        maybe(one(&["bridge", "awsvpc"]).prop_map(|s| json!(s))),
        maybe(Just(json!({"cpu": {"threshold": 90}}))),
        (any::<bool>(), maybe((0u32..=100).prop_map(|p| json!({"image": "nginx:1.28", "percent": p})))),
        (
            any::<bool>(),
            maybe(one(&["read", "write", "read_write"]).prop_map(|s| json!(s))),
            maybe(one(&["read", "write", "read_write"]).prop_map(|s| json!(s))),
        ),
    )
        .prop_map(move |(image, port, memory, env, statements, scaling, mode, alarms, (hosts, canary), stores)| {
            let (database, table, bucket) = stores;
            let mut m = Map::new();
            m.insert("image".into(), json!(image));
            insert(&mut m, "container_port", port);
            insert(&mut m, "memory_mib", memory);
            insert(&mut m, "environment", env);
            insert(&mut m, "task_role_statements", statements);
            let routing = if hosts {
                json!({"path_patterns": [format!("/s{index}/*")], "host_headers": [format!("s{index}.example.com")], "priority": index + 1})
            } else {
                json!({"path_patterns": [format!("/s{index}/*"), format!("/s{index}")], "priority": index + 1})
            };
            m.insert("routing".into(), routing);
            if scaling.is_none() {
                insert(&mut m, "desired_count", Some(json!(index % 3 + 1)));
            }
            insert(&mut m, "scaling", scaling);
            insert(&mut m, "network_mode", mode);
            insert(&mut m, "alarms", alarms);
            insert(&mut m, "canary", canary);
            // Kept only when the stack has a database / the stores (see `plausible_stack`).
            if database {
                m.insert("database".into(), json!(true));
            }
            let mut grants = Map::new();
            if let Some(t) = table {
                grants.insert("tables".into(), json!({"items": t}));
            }
            if let Some(b) = bucket {
                grants.insert("buckets".into(), json!({"files": b}));
            }
            if !grants.is_empty() {
                m.insert("grants".into(), Value::Object(grants));
            }
            Value::Object(m)
        })
}

/// Optional extras of a plausible stack: VPC endpoints, repositories,
/// tables and buckets, a raw resource and overrides.
fn plausible_extras() -> impl Strategy<Value = (Option<Value>, bool, bool, bool, bool)> {
    (
        maybe(prop_oneof![
            3 => Just(json!({})),
            1 => Just(json!({"gateway": ["s3", "dynamodb"]})),
            1 => Just(json!({"interface": ["ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs", "ssm"]})),
        ]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
}

/// A stack that passes validation, random within the valid ranges.
fn plausible_stack(index: usize) -> impl Strategy<Value = Value> {
    (
        one(&["us-east-1", "eu-west-1", "us-west-2"]),
        maybe("[a-zA-Z0-9 ,.()-]{0,200}".prop_map(|s| json!(s))),
        maybe(
            proptest::collection::btree_map("[a-z][a-z0-9-]{0,12}", "[a-zA-Z0-9][a-zA-Z0-9 ._:/=+@-]{0,30}", 0..8)
                .prop_map(|m| json!(m)),
        ),
        (1u8..=3, 0u8..=1, any::<bool>(), any::<bool>()),
        maybe(
            (one(&["t3.medium", "t3.small", "m7i.large", "c6i.xlarge"]), 1u32..3, 3u32..6)
                .prop_map(|(ty, min, max)| json!({"instance_type": ty, "min_capacity": min, "max_capacity": max})),
        ),
        proptest::collection::vec(any::<()>(), 0..4)
            .prop_flat_map(|v| (0..v.len()).map(plausible_service).collect::<Vec<_>>()),
        (maybe(Just(json!({"email": "oncall@example.com"}))), any::<bool>(), any::<bool>()),
        (plausible_extras(), 0u8..8),
    )
        .prop_map(
            move |(
                region,
                description,
                tags,
                (azs, nat, acls, flow),
                cluster,
                services,
                (alarms, database, bastion),
                ((endpoints, repositories, stores, raw, overrides), cdn),
            )| {
                let mut m = Map::new();
                m.insert("name".into(), json!(format!("gen{index}")));
                m.insert("region".into(), json!(region));
                insert(&mut m, "description", description);
                insert(&mut m, "tags", tags);
                let mut vpc = json!({"max_azs": azs.max(2), "nat_gateways": nat});
                if acls {
                    vpc["network_acls"] = json!({});
                }
                if flow {
                    vpc["flow_logs"] = json!({"retention_days": 90});
                }
                // Without a NAT gateway the cluster needs the endpoints (mostly given).
                match endpoints {
                    Some(e) => vpc["endpoints"] = e,
                    None if nat == 0 => vpc["endpoints"] = json!({}),
                    None => {}
                }
                m.insert("vpc".into(), vpc);
                if database {
                    m.insert("database".into(), json!({}));
                }
                if bastion {
                    m.insert("bastion".into(), json!({}));
                }
                if repositories {
                    m.insert("repositories".into(), json!({format!("gen{index}-app"): {"keep_images": 10}}));
                }
                if stores {
                    m.insert("tables".into(), json!({"items": {"partition_key": {"name": "id"}}}));
                    m.insert("buckets".into(), json!({"files": {}}));
                }
                if raw {
                    m.insert(
                        "resources".into(),
                        json!({"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {
                            "VisibilityTimeout": 60, "Tags": [{"Key": "vpc", "Value": {"Ref": "Vpc"}}]}}}),
                    );
                }
                if overrides {
                    m.insert(
                        "overrides".into(),
                        json!({"Vpc": {"Properties.EnableDnsHostnames": true, "Metadata.Owner": "platform"}}),
                    );
                }
                let services: Vec<Value> = services
                    .into_iter()
                    .map(|mut s| {
                        let o = s.as_object_mut().expect("a service map");
                        if !database {
                            o.remove("database");
                        }
                        if !stores {
                            o.remove("grants");
                        }
                        s
                    })
                    .collect();
                if !services.is_empty() {
                    insert(&mut m, "cluster", cluster);
                    let named: Map<String, Value> =
                        services.into_iter().enumerate().map(|(i, s)| (format!("svc{i}"), s)).collect();
                    m.insert("services".into(), Value::Object(named));
                    insert(&mut m, "alarms", alarms);
                    // One stack in eight: two regions behind a CloudFront distribution.
                    if cdn == 0 {
                        m.remove("region");
                        m.insert("regions".into(), json!(["us-east-1", "eu-west-1"]));
                        m.insert("cdn".into(), json!({"price_class": "price_class_100"}));
                    }
                }
                Value::Object(m)
            },
        )
}

/// A random app meant to be valid: the cfn-lint property's generator.
pub fn plausible_app() -> impl Strategy<Value = Value> {
    (1usize..3)
        .prop_flat_map(|n| (0..n).map(plausible_stack).collect::<Vec<_>>())
        .prop_map(|stacks| json!({ "stacks": stacks }))
}
