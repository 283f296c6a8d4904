//! Handles own their mutations: task definitions take environment variables
//! and secrets, roles take statements, stacks take mappings, and
//! connections open a path between two security groups — each through a
//! public method, never by editing another construct's JSON.

use rcdk_constructs::core::{FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{Connectable, Port, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use rcdk_constructs::ecs::{Cluster, ClusterProps, ContainerProps, TaskDefinition, TaskDefinitionProps};
use rcdk_constructs::elbv2::{Action, ApplicationLoadBalancer};
use rcdk_constructs::iam::PolicyStatement;
use serde_json::{json, Value};

fn stack() -> Stack {
    Stack::new(StackProps { name: "handles".into(), ..Default::default() }, FieldPath::root())
}

fn task_definition(stack: &mut Stack) -> TaskDefinition {
    let path = stack.root().child("Web").child("TaskDefinition");
    TaskDefinition::new(
        stack,
        &path,
        &TaskDefinitionProps {
            containers: vec![ContainerProps {
                name: "web".into(),
                image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0.0".into(),
                environment: [("LOG_LEVEL".to_owned(), "info".to_owned())].into(),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
}

fn container<'a>(stack: &'a Stack, td: &TaskDefinition) -> &'a Value {
    &stack.template.resources[&td.logical_id].properties["ContainerDefinitions"][0]
}

#[test]
fn task_definition_takes_environment_and_secrets_sorted_by_name() {
    let mut s = stack();
    let td = task_definition(&mut s);
    td.add_environment(&mut s, "web", "TABLE", json!({"Ref": "Table"}));
    td.add_environment(&mut s, "web", "A_FIRST", "1");
    td.add_environment(&mut s, "web", "LOG_LEVEL", "debug");
    td.add_secret(&mut s, "web", "TOKEN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf");
    let c = container(&s, &td);
    assert_eq!(
        c["Environment"],
        json!([
            {"Name": "AWS_DEFAULT_REGION", "Value": {"Ref": "AWS::Region"}},
            {"Name": "AWS_REGION", "Value": {"Ref": "AWS::Region"}},
            {"Name": "A_FIRST", "Value": "1"},
            {"Name": "LOG_LEVEL", "Value": "debug"},
            {"Name": "TABLE", "Value": {"Ref": "Table"}}
        ])
    );
    assert_eq!(
        c["Secrets"],
        json!([{"Name": "TOKEN", "ValueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf"}])
    );
    assert!(s.errors().is_empty(), "{:?}", s.errors());

    td.add_environment(&mut s, "nope", "X", "1");
    assert_eq!(s.errors()[0].code, "ecs:container-unknown");
}

#[test]
fn role_takes_statements_into_its_inline_policy() {
    let mut s = stack();
    let td = task_definition(&mut s);
    let policies = |s: &Stack| s.template.resources[&td.task_role.logical_id].properties.get("Policies").cloned();
    assert_eq!(policies(&s), None, "the task role starts empty");
    let read = PolicyStatement::allow(&["dynamodb:GetItem"], vec![json!({"Fn::GetAtt": ["Table", "Arn"]})]);
    td.task_role.add_statement(&mut s, &read);
    td.task_role.add_statement(&mut s, &PolicyStatement::allow(&["s3:GetObject", "s3:PutObject"], vec![json!("*")]));
    assert_eq!(
        policies(&s),
        Some(json!([{"PolicyName": "Policy", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": {"Fn::GetAtt": ["Table", "Arn"]}},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}
        ]}}]))
    );
    // The execution role already has a policy: the statement joins it.
    let before = s.template.resources[&td.execution_role.logical_id].properties["Policies"][0]["PolicyDocument"]
        ["Statement"]
        .as_array()
        .map(Vec::len);
    td.execution_role.add_statement(&mut s, &read);
    let after = s.template.resources[&td.execution_role.logical_id].properties["Policies"][0]["PolicyDocument"]
        ["Statement"]
        .as_array()
        .map(Vec::len);
    assert_eq!(after, before.map(|n| n + 1));
}

#[test]
fn stack_mappings_may_repeat_but_not_differ() {
    let mut s = stack();
    let path = s.root().child("Thing");
    s.add_mapping(&path, "Sizes", json!({"small": {"Count": "1"}}));
    s.add_mapping(&path, "Sizes", json!({"small": {"Count": "1"}}));
    assert!(s.errors().is_empty());
    s.add_mapping(&path, "Sizes", json!({"small": {"Count": "2"}}));
    assert_eq!(s.errors()[0].code, "cfn:mapping-conflict");
    assert_eq!(s.template.mappings["Sizes"], json!({"small": {"Count": "1"}}));
}

#[test]
fn load_balancer_connects_to_the_cluster_on_the_dynamic_ports() {
    let mut s = stack();
    let root = s.root().clone();
    let vpc = Vpc::new(&mut s, &root.child("Vpc"), &VpcProps::default());
    let cluster = Cluster::new(&mut s, &root.child("Cluster"), &vpc, &ClusterProps::default());
    let alb = ApplicationLoadBalancer::new(
        &mut s,
        &root.child("LoadBalancer"),
        &vpc,
        &Action::not_found(),
        &Default::default(),
    );
    let id = alb.connections().allow_to(&mut s, &cluster, Port::tcp_range(32768, 65535), "ALB to tasks");
    let rule = &s.template.resources[&id];
    assert_eq!(rule.resource_type, "AWS::EC2::SecurityGroupIngress");
    assert_eq!(rule.properties["GroupId"], cluster.instance_security_group.group_id);
    assert_eq!(rule.properties["SourceSecurityGroupId"], alb.security_group.group_id);
    assert_eq!((rule.properties["FromPort"].clone(), rule.properties["ToPort"].clone()), (json!(32768), json!(65535)));

    // A sender with restricted outbound traffic gets the matching egress rule.
    let sender = SecurityGroup::new(
        &mut s,
        &root.child("Worker"),
        &vpc.vpc_id,
        &SecurityGroupProps { allow_all_outbound: Some(false), ..SecurityGroupProps::described("worker") },
    );
    let sender = rcdk_constructs::ec2::Connections::new("Worker", &sender, None);
    sender.allow_to_default_port(&mut s, &cluster, "worker to tasks");
    let egress = &s.template.resources["WorkerToEcsInstances"];
    assert_eq!(egress.resource_type, "AWS::EC2::SecurityGroupEgress");
    assert_eq!(egress.properties["DestinationSecurityGroupId"], cluster.instance_security_group.group_id);
    assert_eq!(egress.properties["FromPort"], json!(32768));
    let ingress = cluster.instance_security_group.path.child("FromWorker").logical_id();
    assert_eq!(s.template.resources[&ingress].properties["SourceSecurityGroupId"], sender.security_group.group_id);
    assert!(s.errors().is_empty(), "{:?}", s.errors());
}
