//! The bastion host construct: snapshots, the SSH rules it makes (and
//! refuses), and validation of its props.

#[macro_use]
mod support;

use rcdk_constructs::cfn::{Format, Template};
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{
    BastionHost, BastionProps, SecurityGroup, SecurityGroupProps, Vpc, VpcProps, AL2023_AMI_PARAMETER_ARM64,
    AL2023_AMI_PARAMETER_X86_64,
};
use serde_json::json;

type Problems = Vec<(String, String, String)>;

/// A VPC, an "Instances" security group and the bastion, allowed into it.
fn build(props: &BastionProps) -> Result<Template, Problems> {
    let mut stack = Stack::new(StackProps { name: "weather".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps { max_azs: Some(2), ..Default::default() });
    let instances_path = stack.root().child("Instances");
    let instances =
        SecurityGroup::new(&mut stack, &instances_path, &vpc.vpc_id, &SecurityGroupProps::described("ECS instances"));
    let bastion = stack.in_field("bastion", |s| BastionHost::new(s, &root.child("Bastion"), &vpc, props));
    bastion.allow_ssh_into(&mut stack, &instances, "SshFromBastion");
    let mut app = App::new();
    app.add_stack(stack);
    match app.synth(Format::Yaml) {
        Ok(mut stacks) => Ok(stacks.remove(0).template),
        Err(e) => Err(e.0.iter().map(|e| (e.code.to_string(), e.field.to_string(), e.to_string())).collect()),
    }
}

fn ok(props: &BastionProps) -> Template {
    build(props).unwrap_or_else(|e| panic!("unexpected problems: {e:?}"))
}

/// The bastion's resources, parameters and outputs plus the rule into the
/// instances' group, as YAML.
fn bastion_part(template: &Template) -> String {
    let mut t = Template::new();
    let mine = |k: &String| k.starts_with("Bastion") || k == "InstancesSshFromBastion";
    t.parameters = template.parameters.iter().filter(|(k, _)| mine(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    t.resources = template.resources.iter().filter(|(k, _)| mine(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    t.outputs = template.outputs.iter().filter(|(k, _)| mine(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    t.to_yaml().expect("renders")
}

fn ingress_rules(template: &Template) -> Vec<(String, serde_json::Value)> {
    template
        .resources
        .iter()
        .filter(|(_, r)| r.resource_type == "AWS::EC2::SecurityGroupIngress")
        .map(|(k, r)| (k.clone(), serde_json::to_value(&r.properties).expect("json")))
        .collect()
}

#[test]
fn default_bastion_is_ssm_only_and_snapshot() {
    let template = ok(&BastionProps::default());
    let rules = ingress_rules(&template);
    // The only ingress rule is the bastion's SSH into the instances: nothing reaches the bastion.
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0].0, "InstancesSshFromBastion");
    assert_eq!(rules[0].1["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["BastionSecurityGroup", "GroupId"]}));
    assert_eq!(rules[0].1["FromPort"], json!(22));
    let instance = &template.resources["Bastion"].properties;
    assert_eq!(instance["InstanceType"], json!("t3.micro"));
    assert_eq!(instance["MetadataOptions"]["HttpTokens"], json!("required"));
    assert_eq!(instance["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], json!(true));
    assert_eq!(instance["NetworkInterfaces"][0]["AssociatePublicIpAddress"], json!(true));
    assert_eq!(instance["NetworkInterfaces"][0]["SubnetId"], json!({"Ref": "VpcPublicSubnet1"}));
    assert!(!instance.contains_key("KeyName"));
    let role = serde_json::to_value(&template.resources["BastionRole"].properties).expect("json");
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}])
    );
    assert_eq!(template.parameters["BastionImageId"].default, Some(json!(AL2023_AMI_PARAMETER_X86_64)));
    snapshot!("bastion_ssm_only", bastion_part(&template));
}

#[test]
fn ssh_cidr_and_graviton_snapshot() {
    let template = ok(&BastionProps {
        instance_type: Some("t4g.nano".into()),
        ssh_cidr: Some("203.0.113.0/24".into()),
        key_name: Some("ops".into()),
        allow_ssh_from_anywhere: None,
        ..Default::default()
    });
    let rule = &template.resources["BastionSecurityGroupSshIngress"].properties;
    assert_eq!(rule["CidrIp"], json!("203.0.113.0/24"));
    assert_eq!(rule["FromPort"], json!(22));
    assert_eq!(template.parameters["BastionImageId"].default, Some(json!(AL2023_AMI_PARAMETER_ARM64)));
    assert_eq!(template.resources["Bastion"].properties["KeyName"], json!("ops"));
    snapshot!("bastion_ssh_graviton", bastion_part(&template));
}

#[test]
fn ipv6_ssh_cidr_uses_cidr_ipv6() {
    let template = ok(&BastionProps { ssh_cidr: Some("2001:db8::/32".into()), ..Default::default() });
    assert_eq!(template.resources["BastionSecurityGroupSshIngress"].properties["CidrIpv6"], json!("2001:db8::/32"));
}

#[test]
fn ssh_from_the_whole_internet_needs_the_override() {
    for cidr in ["0.0.0.0/0", "::/0"] {
        let errs = build(&BastionProps { ssh_cidr: Some(cidr.into()), ..Default::default() }).expect_err(cidr);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].0.as_str(), errs[0].1.as_str()), ("ec2:bastion-ssh-open-to-world", "bastion.ssh_cidr"));
        assert!(errs[0].2.contains("whole internet") && errs[0].2.contains("weather/Bastion"), "{}", errs[0].2);

        let template = ok(&BastionProps {
            ssh_cidr: Some(cidr.into()),
            allow_ssh_from_anywhere: Some(true),
            ..Default::default()
        });
        assert!(template.resources.contains_key("BastionSecurityGroupSshIngress"), "{cidr} with the override");
    }
    // The override alone opens nothing.
    let template = ok(&BastionProps { allow_ssh_from_anywhere: Some(true), ..Default::default() });
    assert!(!template.resources.contains_key("BastionSecurityGroupSshIngress"));
}

#[test]
fn invalid_props_are_reported_with_fields() {
    let errs = build(&BastionProps {
        instance_type: Some("micro".into()),
        ssh_cidr: Some("10.0.0.1/16".into()),
        ..Default::default()
    })
    .expect_err("invalid");
    let got: Vec<(&str, &str)> = errs.iter().map(|(c, f, _)| (c.as_str(), f.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("ec2:bastion-instance-type-invalid", "bastion.instance_type"),
            ("ec2:bastion-ssh-cidr-invalid", "bastion.ssh_cidr")
        ]
    );
    assert!(errs[1].2.contains("10.0.0.0/16"), "names the network: {}", errs[1].2);
    let errs =
        build(&BastionProps { ssh_cidr: Some("my-office".into()), ..Default::default() }).expect_err("not a CIDR");
    assert_eq!(errs[0].0, "ec2:bastion-ssh-cidr-invalid");
}

#[test]
fn props_deserialize_from_yaml_and_reject_unknown_fields() {
    let props: BastionProps = serde_yaml::from_str("ssh_cidr: 198.51.100.7/32\n").expect("valid");
    assert_eq!(props.ssh_cidr.as_deref(), Some("198.51.100.7/32"));
    let err = serde_yaml::from_str::<BastionProps>("enabled: true\n").expect_err("unknown field");
    assert!(err.to_string().contains("unknown field `enabled`"), "{err}");
}
