//! The ECS constructs: cluster on EC2 capacity, task definitions, services.
//! Snapshots live in the workspace's `snapshots/` folder; every synthesized
//! variant is also linted with the pinned cfn-lint.

#[macro_use]
mod support;

use std::path::Path;

use rcdk_constructs::cfn::{Format, Intrinsic};
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{Vpc, VpcProps};
use rcdk_constructs::ecs::{
    Cluster, ClusterProps, ContainerHealthCheck, ContainerProps, LoadBalancerTarget, NetworkMode, Service,
    ServiceProps, TaskDefinition, TaskDefinitionProps,
};
use rcdk_constructs::iam::PolicyStatement;
use serde_json::{json, Value};

fn web_container() -> ContainerProps {
    ContainerProps {
        name: "web".into(),
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/website:1.4.2".into(),
        memory_reservation_mib: Some(256),
        memory_mib: Some(512),
        cpu: Some(256),
        ports: vec![8080],
        environment: [("LOG_LEVEL".to_owned(), "info".to_owned())].into(),
        ..Default::default()
    }
}

struct Built {
    stack: Stack,
}

/// A stack with a 2-AZ VPC, a cluster and one service built by `f`.
fn build(cluster: ClusterProps, f: impl FnOnce(&mut Stack, &Cluster)) -> Built {
    let mut stack = Stack::new(StackProps { name: "web".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps { max_azs: Some(2), ..Default::default() });
    let cluster = stack.in_field("cluster", |s| Cluster::new(s, &root.child("Cluster"), &vpc, &cluster));
    f(&mut stack, &cluster);
    Built { stack }
}

/// Synthesizes; returns the whole body (for cfn-lint), the template as JSON,
/// and the body without the VPC (covered by its own snapshots) for snapshots.
fn synth(b: Built) -> (String, Value, String) {
    let mut app = App::new();
    app.add_stack(b.stack);
    let out = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    let v: Value = serde_json::to_value(&out[0].template).expect("template serializes");
    let mut own = out[0].template.clone();
    own.resources.retain(|id, _| !id.starts_with("Vpc"));
    own.outputs.retain(|id, _| !id.starts_with("Vpc"));
    (out[0].body.clone(), v, own.render(Format::Yaml).expect("renders"))
}

fn errors(b: Built) -> Vec<(String, String)> {
    let mut app = App::new();
    app.add_stack(b.stack);
    match app.synth(Format::Yaml) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.0.iter().map(|e| (e.code.to_string(), e.field.to_string())).collect(),
    }
}

/// The launch template's `KeyName`, if any.
fn r_key(t: &Value) -> Option<&Value> {
    t["Resources"]["ClusterLaunchTemplate"]["Properties"]["LaunchTemplateData"].get("KeyName")
}

fn lint(name: &str, body: &str) {
    support::lint_body(Path::new(env!("CARGO_TARGET_TMPDIR")), &format!("{name}.yaml"), body);
}

fn service_with(stack: &mut Stack, cluster: &Cluster, task: TaskDefinitionProps, service: ServiceProps) -> Service {
    let path = stack.root().child("Web");
    let td = stack.in_field("task", |s| TaskDefinition::new(s, &path.child("TaskDefinition"), &task));
    stack.in_field("service", |s| Service::new(s, &path.child("Service"), cluster, &td, &[], &service))
}

#[test]
fn cluster_on_ec2_capacity() {
    let (body, t, own) = synth(build(ClusterProps::default(), |_, _| {}));
    let r = &t["Resources"];
    assert_eq!(
        r["Cluster"]["Properties"]["ClusterSettings"],
        json!([{"Name": "containerInsights", "Value": "enabled"}])
    );
    let p = &t["Parameters"]["ClusterAmiId"];
    assert_eq!(p["Type"], "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>");
    assert_eq!(p["Default"], "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
    let lt = &r["ClusterLaunchTemplate"]["Properties"]["LaunchTemplateData"];
    assert_eq!(lt["ImageId"], json!({"Ref": "ClusterAmiId"}));
    assert_eq!(lt["MetadataOptions"]["HttpTokens"], "required");
    assert_eq!(r_key(&t), None, "no SSH key unless asked: SSM Session Manager needs none");
    assert_eq!(lt["MetadataOptions"]["HttpPutResponseHopLimit"], 1, "containers must not reach the instance role");
    let ebs = &lt["BlockDeviceMappings"][0]["Ebs"];
    assert_eq!((ebs["Encrypted"].clone(), ebs["VolumeType"].clone()), (json!(true), json!("gp3")));
    assert!(lt.get("KeyName").is_none(), "no SSH key");
    let user_data = lt["UserData"]["Fn::Base64"]["Fn::Sub"].as_str().expect("user data is Fn::Sub");
    assert!(user_data.contains("echo ECS_CLUSTER=${Cluster} >> /etc/ecs/ecs.config"), "{user_data}");

    let role = &r["ClusterInstanceRole"]["Properties"]["ManagedPolicyArns"];
    assert_eq!(role.as_array().map(Vec::len), Some(2));
    assert!(role.to_string().contains("service-role/AmazonEC2ContainerServiceforEC2Role"));
    assert!(role.to_string().contains("AmazonSSMManagedInstanceCore"));

    let asg = &r["ClusterAutoScalingGroup"];
    assert_eq!(
        asg["Properties"]["VPCZoneIdentifier"],
        json!([{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}])
    );
    assert_eq!(asg["Properties"]["NewInstancesProtectedFromScaleIn"], true);
    assert_eq!(asg["DependsOn"], json!(["VpcPrivateSubnet1DefaultRoute", "VpcPrivateSubnet2DefaultRoute"]));
    assert!(asg["Properties"].get("DesiredCapacity").is_none(), "the capacity provider owns the desired count");

    let cp = &r["ClusterCapacityProvider"]["Properties"]["AutoScalingGroupProvider"];
    assert_eq!(cp["ManagedScaling"], json!({"Status": "ENABLED", "TargetCapacity": 100}));
    assert_eq!(cp["ManagedTerminationProtection"], "ENABLED");
    let assoc = &r["ClusterCapacityProviderAssociation"]["Properties"];
    assert_eq!(
        assoc["DefaultCapacityProviderStrategy"][0]["CapacityProvider"],
        json!({"Ref": "ClusterCapacityProvider"})
    );

    // The instances' security group admits nothing.
    assert!(!body.contains("AWS::EC2::SecurityGroupIngress"));
    assert!(r["ClusterInstanceSecurityGroup"]["Properties"].get("SecurityGroupIngress").is_none());
    lint("ecs_cluster_default", &body);
    snapshot!("ecs_cluster_default", own);
}

#[test]
fn cluster_options() {
    let props = ClusterProps {
        instance_type: Some("m7g.large".into()),
        min_capacity: Some(2),
        max_capacity: Some(10),
        desired_capacity: Some(3),
        target_capacity_percent: Some(80),
        root_volume_gib: Some(50),
        ami_parameter: Some("/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id".into()),
        container_insights: Some(false),
        imds_hop_limit: Some(2),
        managed_termination_protection: Some(false),
        key_name: Some("ops".into()),
        ..Default::default()
    };
    let (body, t, own) = synth(build(props, |_, _| {}));
    assert_eq!(r_key(&t), Some(&json!("ops")), "the key pair is in the launch template");
    let r = &t["Resources"];
    assert_eq!(r["ClusterAutoScalingGroup"]["Properties"]["MinSize"], "2");
    assert_eq!(r["ClusterAutoScalingGroup"]["Properties"]["MaxSize"], "10");
    assert_eq!(r["ClusterAutoScalingGroup"]["Properties"]["DesiredCapacity"], "3");
    assert_eq!(
        r["ClusterCapacityProvider"]["Properties"]["AutoScalingGroupProvider"]["ManagedScaling"]["TargetCapacity"],
        80
    );
    assert_eq!(r["Cluster"]["Properties"]["ClusterSettings"][0]["Value"], "disabled");
    assert_eq!(r["ClusterAutoScalingGroup"]["Properties"]["NewInstancesProtectedFromScaleIn"], false);
    assert_eq!(
        r["ClusterCapacityProvider"]["Properties"]["AutoScalingGroupProvider"]["ManagedTerminationProtection"],
        "DISABLED"
    );
    assert_eq!(
        r["ClusterLaunchTemplate"]["Properties"]["LaunchTemplateData"]["MetadataOptions"]["HttpPutResponseHopLimit"],
        2
    );
    assert!(own.contains("arm64"));
    lint("ecs_cluster_options", &body);
}

#[test]
fn bridge_service_with_secrets_and_health_check() {
    let b = build(ClusterProps::default(), |stack, cluster| {
        let mut c = web_container();
        c.secrets = [
            (
                "DB_PASSWORD".to_owned(),
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::".to_owned(),
            ),
            ("API_KEY".to_owned(), "arn:aws:ssm:eu-west-1:123456789012:parameter/web/api-key".to_owned()),
        ]
        .into();
        c.health_check = Some(ContainerHealthCheck {
            command: vec!["CMD-SHELL".into(), "curl -f http://localhost:8080/health || exit 1".into()],
            start_period_seconds: Some(30),
            ..Default::default()
        });
        c.command = Some(vec!["serve".into(), "--port=8080".into()]);
        service_with(
            stack,
            cluster,
            TaskDefinitionProps {
                containers: vec![c],
                task_role_statements: vec![PolicyStatement::allow(
                    &["s3:GetObject"],
                    vec![json!("arn:aws:s3:::website-assets/*")],
                )],
                ..Default::default()
            },
            ServiceProps::default(),
        );
    });
    let (body, t, own) = synth(b);
    let r = &t["Resources"];
    let td = &r["WebTaskDefinition"]["Properties"];
    assert_eq!(td["NetworkMode"], "bridge");
    assert_eq!(td["RequiresCompatibilities"], json!(["EC2"]));
    let c = &td["ContainerDefinitions"][0];
    assert_eq!(c["PortMappings"], json!([{"ContainerPort": 8080, "HostPort": 0, "Protocol": "tcp"}]));
    assert_eq!(c["LogConfiguration"]["LogDriver"], "awslogs");
    assert_eq!(c["LogConfiguration"]["Options"]["awslogs-group"], json!({"Ref": "WebTaskDefinitionLogGroup"}));
    assert_eq!(c["Secrets"][0]["Name"], "API_KEY");
    assert_eq!(r["WebTaskDefinitionLogGroup"]["Properties"]["RetentionInDays"], 365);
    assert_eq!(r["WebTaskDefinitionLogGroup"]["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["LogsKey", "Arn"]}));
    assert_eq!(c["User"], "1000:1000", "not root by default");
    assert_eq!(c["ReadonlyRootFilesystem"], true);
    assert_eq!(c["MountPoints"], json!([{"ContainerPath": "/tmp", "SourceVolume": "web-tmp", "ReadOnly": false}]));
    assert_eq!(td["Volumes"], json!([{"Name": "web-tmp"}]));

    // The execution role may read exactly the two secrets, pull from one ECR
    // repository and write to its own log group: no managed policy.
    let exec = &r["WebTaskDefinitionExecutionRole"]["Properties"];
    assert!(exec.get("ManagedPolicyArns").is_none());
    let statements = &exec["Policies"][0]["PolicyDocument"]["Statement"];
    let text = statements.to_string();
    assert!(text.contains(r#""Resource":"arn:aws:ssm:eu-west-1:123456789012:parameter/web/api-key""#), "{text}");
    assert!(
        text.contains(r#""Resource":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf""#),
        "IAM gets the secret ARN without the JSON key: {text}"
    );
    assert!(text.contains("repository/website"), "{text}");
    assert_eq!(statements.as_array().map(Vec::len), Some(5));
    let task_role = r["WebTaskDefinitionTaskRole"]["Properties"].to_string();
    assert!(task_role.contains("s3:GetObject"));

    let svc = &r["WebService"];
    assert_eq!(svc["Properties"]["DesiredCount"], 2);
    assert_eq!(
        svc["Properties"]["DeploymentConfiguration"],
        json!({"MinimumHealthyPercent": 100, "MaximumPercent": 200,
               "DeploymentCircuitBreaker": {"Enable": true, "Rollback": true}})
    );
    assert_eq!(svc["Properties"]["PlacementStrategies"][0]["Field"], "attribute:ecs.availability-zone");
    assert_eq!(svc["Properties"]["PropagateTags"], "SERVICE");
    assert_eq!(svc["Properties"]["EnableECSManagedTags"], true);
    assert_eq!(svc["DependsOn"], json!(["ClusterCapacityProviderAssociation"]));
    assert!(svc["Properties"].get("HealthCheckGracePeriodSeconds").is_none());
    lint("ecs_service_bridge", &body);
    snapshot!("ecs_service_bridge", own);
}

#[test]
fn load_balanced_awsvpc_service() {
    let mut metric = None;
    let b = build(ClusterProps::default(), |stack, cluster| {
        let path = stack.root().child("Api");
        let td = TaskDefinition::new(
            stack,
            &path.child("TaskDefinition"),
            &TaskDefinitionProps {
                containers: vec![ContainerProps {
                    name: "api".into(),
                    image: format!("ghcr.io/example/api@sha256:{}", "0".repeat(64)).into(),
                    ports: vec![3000],
                    ..Default::default()
                }],
                network_mode: Some(NetworkMode::Awsvpc),
                cpu: Some(512),
                memory_mib: Some(1024),
                ..Default::default()
            },
        );
        // A stand-in target group and listener rule: what the elbv2 module's
        // handles hand over to the service.
        stack.template.resources.insert(
            "ApiListenerRule".into(),
            rcdk_constructs::cfn::Resource::new("AWS::CloudFormation::WaitConditionHandle"),
        );
        let svc = Service::new(
            stack,
            &path.child("Service"),
            cluster,
            &td,
            &[LoadBalancerTarget {
                container_name: "api".into(),
                container_port: 3000,
                target_group_arn: json!(
                    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef"
                ),
                depends_on: vec!["ApiListenerRule".into()],
            }],
            &ServiceProps { scaled: Some(true), health_check_grace_period_seconds: Some(120), ..Default::default() },
        );
        metric = Some(svc.metric_memory());
    });
    let (body, t, own) = synth(b);
    let svc = &t["Resources"]["ApiService"];
    assert!(svc["Properties"].get("DesiredCount").is_none(), "scaling owns the count");
    assert_eq!(svc["Properties"]["HealthCheckGracePeriodSeconds"], 120);
    assert_eq!(svc["Properties"]["LoadBalancers"][0]["ContainerPort"], 3000);
    assert_eq!(svc["DependsOn"], json!(["ApiListenerRule", "ClusterCapacityProviderAssociation"]));
    let net = &svc["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"];
    assert_eq!(net["AssignPublicIp"], "DISABLED");
    assert_eq!(net["SecurityGroups"], json!([{"Fn::GetAtt": ["ApiServiceSecurityGroup", "GroupId"]}]));
    let c = &t["Resources"]["ApiTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    assert_eq!(c["PortMappings"], json!([{"ContainerPort": 3000, "Protocol": "tcp"}]));
    assert_eq!(c["Memory"], 512, "the default hard limit");
    // No ECR image: no ECR permissions.
    assert!(!t["Resources"]["ApiTaskDefinitionExecutionRole"].to_string().contains("ecr:"));
    let metric = metric.expect("built");
    assert_eq!(metric.metric_name, "MemoryUtilization");
    assert_eq!(metric.dimensions[0], ("ClusterName".into(), Intrinsic::ref_("Cluster")));
    assert_eq!(metric.dimensions[1], ("ServiceName".into(), Intrinsic::get_att("ApiService", "Name")));
    lint("ecs_service_awsvpc_lb", &body);
    snapshot!("ecs_service_awsvpc_lb", own);
}

#[test]
fn invalid_cluster_props_are_located() {
    let props = ClusterProps {
        instance_type: Some("large".into()),
        min_capacity: Some(5),
        max_capacity: Some(2),
        desired_capacity: Some(9),
        target_capacity_percent: Some(0),
        root_volume_gib: Some(8),
        ami_parameter: Some("ami-123".into()),
        container_insights: None,
        imds_hop_limit: Some(0),
        key_name: Some("ops ".into()),
        ..Default::default()
    };
    let errs = errors(build(props, |_, _| {}));
    for (code, field) in [
        ("ecs:imds-hop-limit", "cluster.imds_hop_limit"),
        ("ecs:instance-type-invalid", "cluster.instance_type"),
        ("ecs:capacity-range", "cluster.min_capacity"),
        ("ecs:capacity-range", "cluster.desired_capacity"),
        ("ecs:target-capacity", "cluster.target_capacity_percent"),
        ("ecs:root-volume-size", "cluster.root_volume_gib"),
        ("ecs:ami-parameter-invalid", "cluster.ami_parameter"),
        ("ec2:key-name-invalid", "cluster.key_name"),
    ] {
        assert!(errs.contains(&(code.to_owned(), field.to_owned())), "missing {code} at {field}: {errs:?}");
    }
}

#[test]
fn invalid_task_and_service_props_are_all_reported() {
    let b = build(ClusterProps::default(), |stack, cluster| {
        let mut latest = web_container();
        latest.image = "nginx:latest".into();
        latest.memory_mib = Some(4096);
        latest.memory_reservation_mib = Some(8192);
        latest.ports = vec![0, 80, 80];
        latest.secrets = [("TOKEN".to_owned(), "s3://bucket/token".to_owned())].into();
        latest.health_check = Some(ContainerHealthCheck {
            command: vec!["curl localhost".into()],
            interval_seconds: Some(1),
            ..Default::default()
        });
        let mut untagged = web_container();
        untagged.name = "web".into();
        untagged.image = "nginx".into();
        untagged.environment = [("1BAD".to_owned(), "x".to_owned())].into();
        untagged.essential = Some(false);
        service_with(
            stack,
            cluster,
            TaskDefinitionProps {
                containers: vec![latest, untagged],
                memory_mib: Some(1024),
                cpu: Some(64),
                log_retention_days: Some(31),
                ..Default::default()
            },
            ServiceProps {
                min_healthy_percent: Some(150),
                health_check_grace_period_seconds: Some(30),
                ..Default::default()
            },
        );
    });
    let errs = errors(b);
    for (code, field) in [
        ("ecs:image-unpinned", "task.containers[0].image"),
        ("ecs:image-unpinned", "task.containers[1].image"),
        ("ecs:container-duplicate", "task.containers[1].name"),
        ("ecs:container-memory", "task.containers[0].memory_reservation_mib"),
        ("ecs:container-memory-above-task", "task.containers[0].memory_mib"),
        ("ecs:container-memory-above-task", "task.memory_mib"),
        ("ecs:container-port", "task.containers[0].ports[0]"),
        ("ecs:container-port-duplicate", "task.containers[0].ports[2]"),
        ("ecs:secret-arn", "task.containers[0].secrets.TOKEN"),
        ("ecs:health-check-command", "task.containers[0].health_check.command"),
        ("ecs:health-check-range", "task.containers[0].health_check.interval_seconds"),
        ("ecs:env-name", "task.containers[1].environment.1BAD"),
        ("ecs:task-cpu", "task.cpu"),
        ("ecs:container-cpu-above-task", "task.cpu"),
        ("logs:retention-invalid", "task.log_retention_days"),
        ("ecs:deployment-percent", "service.min_healthy_percent"),
        ("ecs:grace-period-without-lb", "service.health_check_grace_period_seconds"),
    ] {
        assert!(errs.contains(&(code.to_owned(), field.to_owned())), "missing {code} at {field}: {errs:#?}");
    }
}

#[test]
fn unpinned_images_can_be_allowed_explicitly() {
    let b = build(ClusterProps::default(), |stack, cluster| {
        let mut c = web_container();
        c.image = "nginx".into();
        c.allow_unpinned_image = Some(true);
        service_with(
            stack,
            cluster,
            TaskDefinitionProps { containers: vec![c], ..Default::default() },
            ServiceProps::default(),
        );
    });
    let (_, t, _) = synth(b);
    assert_eq!(t["Resources"]["WebTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Image"], "nginx");
}

#[test]
fn a_load_balancer_on_an_unexposed_port_is_an_error() {
    let b = build(ClusterProps::default(), |stack, cluster| {
        let path = stack.root().child("Web");
        let td = TaskDefinition::new(
            stack,
            &path.child("TaskDefinition"),
            &TaskDefinitionProps { containers: vec![web_container()], ..Default::default() },
        );
        Service::new(
            stack,
            &path.child("Service"),
            cluster,
            &td,
            &[LoadBalancerTarget {
                container_name: "web".into(),
                container_port: 9090,
                target_group_arn: json!("arn"),
                depends_on: vec![],
            }],
            &ServiceProps { scaled: Some(true), desired_count: Some(3), ..Default::default() },
        );
    });
    let errs = errors(b);
    assert!(errs.contains(&("ecs:lb-container-unknown".into(), String::new())), "{errs:?}");
    assert!(errs.contains(&("ecs:desired-count-scaled".into(), "desired_count".into())), "{errs:?}");
}

/// `writable_paths` that could not be mounted as meant are refused, each at
/// its own index: relative, `/`, `.`/`..` segments, a repeat (`/var/cache/`
/// is `/var/cache`), and paths nested in either order.
#[test]
fn invalid_writable_paths_are_located() {
    let b = build(ClusterProps::default(), |stack, cluster| {
        let mut c = web_container();
        c.writable_paths = Some(
            [
                "tmp",
                "/",
                "/var/../etc",
                "/var/cache",
                "/var/cache/",
                "/var/cache/app",
                "/srv/data/x",
                "/srv/data",
                "/var/./log",
                "/var/log",
            ]
            .map(String::from)
            .to_vec(),
        );
        service_with(
            stack,
            cluster,
            TaskDefinitionProps { containers: vec![c], ..Default::default() },
            ServiceProps::default(),
        );
    });
    let errs = errors(b);
    let expected = [
        ("ecs:writable-path-invalid", 0),
        ("ecs:writable-path-invalid", 1),
        ("ecs:writable-path-invalid", 2),
        ("ecs:writable-path-overlap", 4),
        ("ecs:writable-path-overlap", 5),
        ("ecs:writable-path-overlap", 7),
        ("ecs:writable-path-invalid", 8),
    ]
    .map(|(code, j)| (code.to_owned(), format!("task.containers[0].writable_paths[{j}]")));
    let found: Vec<_> = errs.iter().filter(|(code, _)| code.starts_with("ecs:writable-path")).cloned().collect();
    assert_eq!(found, expected, "{errs:#?}");
}

/// The messages say what is wrong and which entry it collides with.
#[test]
fn writable_path_messages_name_the_other_path() {
    let mut stack = Stack::new(StackProps { name: "web".into(), ..Default::default() }, FieldPath::root());
    let path = stack.root().child("Task");
    let mut c = web_container();
    c.writable_paths = Some(vec!["/srv/data/x".into(), "/srv/data".into(), "relative".into()]);
    TaskDefinition::new(&mut stack, &path, &TaskDefinitionProps { containers: vec![c], ..Default::default() });
    let messages: Vec<String> = stack.errors().iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
    assert!(
        messages.contains(
            &"containers[0].writable_paths[1]: writable path `/srv/data` contains `/srv/data/x` (writable_paths[0])"
                .to_owned()
        ),
        "{messages:#?}"
    );
    assert!(
        messages.contains(&"containers[0].writable_paths[2]: writable path `relative` is not absolute".to_owned()),
        "{messages:#?}"
    );
}

/// Valid writable paths each get a volume of their own, named uniquely even
/// when two paths spell the same slug (`/a-b` and `/a/b`), and mounted
/// read-write at their path; with an explicit list `/tmp` is not added.
#[test]
fn writable_paths_get_distinct_volumes() {
    let b = build(ClusterProps::default(), |stack, cluster| {
        let mut c = web_container();
        c.writable_paths = Some(vec!["/a-b".into(), "/a/b".into(), "/var/cache/nginx/".into()]);
        service_with(
            stack,
            cluster,
            TaskDefinitionProps { containers: vec![c], ..Default::default() },
            ServiceProps::default(),
        );
    });
    let (body, t, _) = synth(b);
    let td = &t["Resources"]["WebTaskDefinition"]["Properties"];
    assert_eq!(td["Volumes"], json!([{"Name": "web-a-b"}, {"Name": "web-a-b-2"}, {"Name": "web-var-cache-nginx"}]));
    assert_eq!(
        td["ContainerDefinitions"][0]["MountPoints"],
        json!([
            {"ContainerPath": "/a-b", "SourceVolume": "web-a-b", "ReadOnly": false},
            {"ContainerPath": "/a/b", "SourceVolume": "web-a-b-2", "ReadOnly": false},
            {"ContainerPath": "/var/cache/nginx/", "SourceVolume": "web-var-cache-nginx", "ReadOnly": false},
        ])
    );
    lint("ecs_writable_paths", &body);
}
