//! The load-balanced service pattern and the app-level schema: the todo app
//! (seed 003) written in Rust synthesizes byte-identical to its app file,
//! adding a service leaves the others' resources alone, and the pattern's
//! output is snapshotted.

#[macro_use]
mod support;

use std::collections::BTreeMap;

use rcdk_constructs::app::{AppProps, StackSpec};
use rcdk_constructs::applicationautoscaling::StepScalingProps;
use rcdk_constructs::cfn::Format;
use rcdk_constructs::cloudwatch::PresetAlarmProps;
use rcdk_constructs::core::{Context, RulePack, Suppressions};
use rcdk_constructs::dynamodb::{KeyAttribute, TableProps};
use rcdk_constructs::ec2::{NetworkAclsProps, VpcProps};
use rcdk_constructs::ecs::{ClusterProps, ContainerImage, RepositoryImage};
use rcdk_constructs::elbv2::{HealthCheckProps, ListenerRuleProps, LoadBalancerProps, TargetGroupProps};
use rcdk_constructs::iam::{Access, ServiceGrants};
use rcdk_constructs::patterns::{LoadBalancedServiceProps, ServiceAlarmsProps, ServiceScalingProps};
use rcdk_constructs::s3::BucketProps;
use rcdk_constructs::sns::TopicProps;
use serde_json::{json, Value};

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn health(path: &str) -> Option<TargetGroupProps> {
    Some(TargetGroupProps {
        health_check: Some(HealthCheckProps { path: Some(path.into()), ..Default::default() }),
        ..Default::default()
    })
}

fn keys(partition: &str, sort: &str) -> TableProps {
    TableProps {
        partition_key: KeyAttribute { name: partition.into(), attribute_type: None },
        sort_key: Some(KeyAttribute { name: sort.into(), attribute_type: None }),
        ..Default::default()
    }
}

/// examples/todo-app.yaml, written as Rust props.
fn todo_app() -> AppProps {
    let image = |repository: &str| {
        ContainerImage::Repository(RepositoryImage { repository: repository.into(), tag: "1.0.3".into() })
    };
    let main = LoadBalancedServiceProps {
        image: image("todo-main"),
        container_port: Some(5000),
        cpu: Some(256),
        memory_reservation_mib: Some(256),
        memory_mib: Some(512),
        grants: Some(ServiceGrants { tables: [("todos".to_owned(), Access::ReadWrite)].into(), ..Default::default() }),
        routing: Some(ListenerRuleProps {
            priority: Some(20),
            path_patterns: Some(vec!["/*/todos".into(), "/*/todos/*".into()]),
            ..Default::default()
        }),
        target_group: health("/health"),
        scaling: Some(ServiceScalingProps {
            min_capacity: 2,
            max_capacity: 6,
            cpu_target_percent: Some(60.0),
            requests_per_target: Some(500.0),
            ..Default::default()
        }),
        alarms: Some(ServiceAlarmsProps {
            cpu: Some(PresetAlarmProps { threshold: Some(85.0), ..Default::default() }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let files = LoadBalancedServiceProps {
        image: image("todo-files"),
        container_port: Some(5000),
        cpu: Some(256),
        memory_reservation_mib: Some(256),
        memory_mib: Some(512),
        grants: Some(ServiceGrants {
            tables: [("files".to_owned(), Access::ReadWrite)].into(),
            buckets: [("files".to_owned(), Access::ReadWrite)].into(),
        }),
        routing: Some(ListenerRuleProps {
            priority: Some(10),
            path_patterns: Some(vec!["/*/todos/*/files".into(), "/*/todos/*/files/*".into()]),
            ..Default::default()
        }),
        target_group: health("/health"),
        scaling: Some(ServiceScalingProps {
            min_capacity: 2,
            max_capacity: 4,
            cpu_target_percent: Some(60.0),
            ..Default::default()
        }),
        ..Default::default()
    };
    AppProps {
        compliance: vec![RulePack::ControlTower],
        stacks: vec![StackSpec {
            name: "todo-prod".into(),
            region: Some("us-east-1".into()),
            description: Some("To-do app backend (seed 003)".into()),
            tags: map(&[("app", "todo"), ("environment", "prod")]),
            suppress: Suppressions::of([
                ("CT.ECS.PR.4", "bridge networking on EC2 is the platform's design: dynamic host ports behind instance targets; awsvpc would take an ENI per task, beyond what these instance types attach"),
            ]),
            vpc: Some(VpcProps {
                cidr: Some("10.30.0.0/16".into()),
                network_acls: Some(NetworkAclsProps::default()),
                suppress: Suppressions::of([
                    ("CT.EC2.PR.5", "the network ACLs admit replies on the ephemeral ports 1024-65535, a range that contains 3389; SSH and RDP themselves are not opened, and no security group admits them"),
                ]),
                ..Default::default()
            }),
            cluster: Some(ClusterProps {
                instance_type: Some("t3.medium".into()),
                min_capacity: Some(2),
                max_capacity: Some(6),
                suppress: Suppressions::of([
                    ("CT.AUTOSCALING.PR.1", "the group spans one private subnet per Availability Zone through VPCZoneIdentifier; the control reads only the AvailabilityZones property"),
                    ("CT.AUTOSCALING.PR.6", "one instance type: the cluster's capacity provider scales a single launch template, sized for these tasks"),
                ]),
                ..Default::default()
            }),
            load_balancer: Some(LoadBalancerProps {
                suppress: Suppressions::of([
                    ("CT.ELASTICLOADBALANCING.PR.1", "no certificate yet: the seed serves HTTP; with certificate_arns or domain, rcdk redirects port 80 to HTTPS"),
                ]),
                ..Default::default()
            }),
            alarms: Some(TopicProps { email: Some("oncall@example.com".into()), ..Default::default() }),
            services: [("main".to_owned(), main), ("files".to_owned(), files)].into(),
            repositories: [("todo-main".to_owned(), Default::default()), ("todo-files".to_owned(), Default::default())]
                .into(),
            tables: [("todos".to_owned(), keys("userID", "todoID")), ("files".to_owned(), keys("todoID", "fileID"))]
                .into(),
            buckets: [(
                "files".to_owned(),
                BucketProps {
                    suppress: Suppressions::of([
                    ("CT.S3.PR.2", "CloudTrail data events, not server access logs, are the audit trail the team reads for this bucket"),
                    ("CT.S3.PR.4", "nothing reacts to uploads: the files service writes and reads the objects itself"),
                    ("CT.S3.PR.9", "uploads are replaceable, and a user deleting an attachment expects it gone; object lock would keep deleted files for years"),
                    ("CT.S3.PR.10", "SSE-S3 encrypts the attachments at rest; a KMS key would add a charge per request and no access boundary the bucket policy lacks"),
                ]),
                    ..Default::default()
                },
            )]
            .into(),
            ..Default::default()
        }],
        context: examples_context(),
        ..Default::default()
    }
}

/// The context the examples commit beside them (`examples/rcdk.context.json`:
/// the AMI release their clusters run), which rcdk hands an app file.
fn examples_context() -> Context {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/rcdk.context.json");
    Context::parse(&std::fs::read_to_string(path).expect("read the context")).expect("a valid context")
}

fn example(name: &str) -> AppProps {
    let path = format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let app: AppProps = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    AppProps { context: examples_context(), ..app }
}

fn body(app: &AppProps) -> String {
    let stacks = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    stacks[0].body.clone()
}

fn resources(app: &AppProps) -> serde_json::Map<String, Value> {
    let stacks = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    let v = serde_json::to_value(&stacks[0].template).expect("serializes");
    v["Resources"].as_object().cloned().expect("resources")
}

#[test]
fn the_todo_app_in_rust_is_byte_identical_to_its_app_file() {
    let from_yaml = example("todo-app.yaml");
    assert_eq!(from_yaml, todo_app(), "the app file and the Rust props differ");
    let rust = body(&todo_app());
    assert_eq!(rust, body(&from_yaml));
    for format in [Format::Yaml, Format::Json] {
        let a = todo_app().synth(format).expect("valid");
        let b = from_yaml.synth(format).expect("valid");
        assert_eq!(a[0].body.as_bytes(), b[0].body.as_bytes());
    }
    // The committed template is what `rcdk synth` wrote from it.
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../templates/todo-prod.yaml"))
        .expect("templates/todo-prod.yaml is committed");
    assert_eq!(committed, rust, "templates/todo-prod.yaml is stale: run `cargo run -- synth`");
}

#[test]
fn adding_a_third_service_changes_nothing_of_the_first_two() {
    let before = resources(&todo_app());
    let mut app = todo_app();
    app.stacks[0].services.insert(
        "search".into(),
        LoadBalancedServiceProps {
            image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/todo-search:0.9.0".into(),
            container_port: Some(8080),
            routing: Some(ListenerRuleProps { path_patterns: Some(vec!["/search*".into()]), ..Default::default() }),
            ..Default::default()
        },
    );
    let after = resources(&app);
    for (id, resource) in &before {
        assert_eq!(after.get(id), Some(resource), "{id} changed or vanished when a service was added");
    }
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(!added.is_empty());
    assert!(added.iter().all(|id| id.starts_with("Search")), "only the new service's resources appear: {added:?}");
}

#[test]
fn single_service_pattern() {
    let app = AppProps {
        stacks: vec![StackSpec {
            name: "web".into(),
            vpc: Some(VpcProps { max_azs: Some(2), ..Default::default() }),
            services: [(
                "web".to_owned(),
                LoadBalancedServiceProps {
                    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:3.2.1".into(),
                    container_port: Some(8080),
                    scaling: Some(ServiceScalingProps {
                        min_capacity: 2,
                        max_capacity: 10,
                        cpu_steps: Some(StepScalingProps {
                            scale_out: serde_yaml::from_str("[{at: 70, change: 1}, {at: 90, change: 3}]")
                                .expect("steps"),
                            scale_in: serde_yaml::from_str("[{at: 20, change: -1}]").expect("steps"),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            )]
            .into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let r = resources(&app);
    // No routing: the catch-all rule at the last priority.
    let rule = &r["WebListenerRule"]["Properties"];
    assert_eq!(rule["Priority"], 50000);
    assert_eq!(rule["Conditions"][0]["PathPatternConfig"]["Values"], json!(["/*"]));
    // Instances admit the load balancer only, on the dynamic port range.
    let ingress = &r["ClusterInstanceSecurityGroupFromLoadBalancer"]["Properties"];
    assert_eq!((ingress["FromPort"].clone(), ingress["ToPort"].clone()), (json!(32768), json!(65535)));
    assert_eq!(ingress["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]}));
    let sg_rules = r.values().filter(|v| v["Type"] == "AWS::EC2::SecurityGroupIngress").count();
    assert_eq!(
        sg_rules, 2,
        "HTTP from anywhere (IPv4: the load balancer is IPv4-only) on the ALB, the ALB on the instances"
    );
    let svc = &r["WebService"];
    assert!(svc["Properties"].get("DesiredCount").is_none(), "scaling owns the count");
    assert_eq!(svc["Properties"]["LoadBalancers"][0]["ContainerName"], "web");
    assert!(svc["DependsOn"].as_array().expect("depends").contains(&json!("WebListenerRule")));
    assert_eq!(r["WebTargetGroup"]["Properties"]["TargetType"], "instance");
    assert!(r.contains_key("WebScalingCpuScaleOut") && r.contains_key("WebScalingCpuScaleOutAlarm"));
    let alarms = r.values().filter(|v| v["Type"] == "AWS::CloudWatch::Alarm").count();
    assert_eq!(alarms, 7, "five service alarms and two step scaling alarms");
    let mut own = app.synth(Format::Yaml).expect("valid")[0].template.clone();
    own.resources.retain(|id, _| !id.starts_with("Vpc"));
    own.outputs.retain(|id, _| !id.starts_with("Vpc"));
    snapshot!("ecs_pattern_single_service", own.render(Format::Yaml).expect("renders"));
}

#[test]
fn every_seed_example_synthesizes() {
    for (file, stack) in
        [("weather-api.yaml", "weather-api-prod"), ("website.yaml", "website-prod"), ("todo-app.yaml", "todo-prod")]
    {
        let app = example(file);
        let out = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(out[0].name(), stack);
    }
    let weather = resources(&example("weather-api.yaml"));
    assert!(weather.contains_key("LoadBalancerHttpsListener"), "seed 000 is served over HTTPS");
    let website = resources(&example("website.yaml"));
    assert!(website.contains_key("WebsiteScalingCpuScaleOutAlarm"), "seed 001 scales on alarms");
    assert!(website.contains_key("VpcPublicNetworkAcl"), "seed 001 has network ACLs");
}
