//! Where the CloudFormation documentation decides a conditionally
//! create-only property better than the schema: the one table of exceptions.
//!
//! The registry schemas mark some properties `conditionalCreateOnlyProperties`
//! ("a change may replace the resource"). For each such property of every
//! type rcdk emits, the CloudFormation template reference's "Update requires:"
//! line was read; where it says the resource is kept ("No interruption",
//! "Some interruptions"), or says exactly when it is replaced, the property
//! is listed in [`UPDATE_RULES`] with its source. Properties not listed keep
//! the schema's answer ("may replace"). Each entry has a test.

use serde_json::Value;

use super::model::Impact;
use super::value::same;

/// How a property in [`UPDATE_RULES`] behaves when it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Updated in place without interruption.
    NoInterruption,
    /// Updated in place with some interruption (a reboot, instances cycled).
    SomeInterruptions,
    /// An Auto Scaling group keeps its identity (the change cycles its
    /// instances) unless its `UpdatePolicy` has
    /// `AutoScalingReplacingUpdate.WillReplace: true`, which replaces the group.
    AsgUnlessReplacingUpdate,
    /// `InstanceTenancy`: `dedicated` → `default` is an update, any other change replaces the VPC.
    VpcTenancy,
    /// EC2 instance block devices: changing only `DeleteOnTermination` is an
    /// update, anything else replaces the instance.
    BlockDevicesDeleteOnTerminationOnly,
}

/// One documented exception.
#[derive(Debug, Clone, Copy)]
pub struct UpdateRule {
    /// The resource type.
    pub resource_type: &'static str,
    /// The top-level property.
    pub property: &'static str,
    /// What a change does.
    pub rule: Rule,
    /// The documentation page (and anchor) it comes from.
    pub source: &'static str,
}

const REF: &str = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/";

macro_rules! rule {
    ($t:expr, $p:expr, $r:ident, $page:expr) => {
        UpdateRule { resource_type: $t, property: $p, rule: Rule::$r, source: $page }
    };
}

/// Every exception to the schemas' conditional create-only properties, with
/// its documentation source (the CloudFormation template reference, under
/// [`REF`](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/)).
pub const UPDATE_RULES: [UpdateRule; 21] = [
    // "When you update VPCZoneIdentifier, this retains the same Auto Scaling group and replaces
    // old instances with new ones" — Update requires: Some interruptions. LaunchTemplate,
    // LaunchConfigurationName, MixedInstancesPolicy: No interruption. With
    // AutoScalingReplacingUpdate WillReplace the group itself is replaced (aws-attribute-updatepolicy).
    rule!(
        "AWS::AutoScaling::AutoScalingGroup",
        "VPCZoneIdentifier",
        AsgUnlessReplacingUpdate,
        "aws-resource-autoscaling-autoscalinggroup.html#cfn-autoscaling-autoscalinggroup-vpczoneidentifier"
    ),
    rule!(
        "AWS::AutoScaling::AutoScalingGroup",
        "LaunchTemplate",
        AsgUnlessReplacingUpdate,
        "aws-resource-autoscaling-autoscalinggroup.html#cfn-autoscaling-autoscalinggroup-launchtemplate"
    ),
    rule!(
        "AWS::AutoScaling::AutoScalingGroup",
        "LaunchConfigurationName",
        AsgUnlessReplacingUpdate,
        "aws-resource-autoscaling-autoscalinggroup.html#cfn-autoscaling-autoscalinggroup-launchconfigurationname"
    ),
    rule!(
        "AWS::AutoScaling::AutoScalingGroup",
        "MixedInstancesPolicy",
        AsgUnlessReplacingUpdate,
        "aws-resource-autoscaling-autoscalinggroup.html#cfn-autoscaling-autoscalinggroup-mixedinstancespolicy"
    ),
    // RDS DB instance: Update requires: Some interruptions (a Multi-AZ or backup-retention
    // change keeps the instance and its data).
    rule!(
        "AWS::RDS::DBInstance",
        "MultiAZ",
        SomeInterruptions,
        "aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-multiaz"
    ),
    rule!(
        "AWS::RDS::DBInstance",
        "BackupRetentionPeriod",
        SomeInterruptions,
        "aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-backupretentionperiod"
    ),
    rule!(
        "AWS::RDS::DBInstance",
        "AutoMinorVersionUpgrade",
        SomeInterruptions,
        "aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-autominorversionupgrade"
    ),
    rule!(
        "AWS::RDS::DBInstance",
        "PreferredMaintenanceWindow",
        SomeInterruptions,
        "aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-preferredmaintenancewindow"
    ),
    rule!(
        "AWS::RDS::DBInstance",
        "DBParameterGroupName",
        SomeInterruptions,
        "aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-dbparametergroupname"
    ),
    rule!(
        "AWS::RDS::DBInstance",
        "AvailabilityZone",
        SomeInterruptions,
        "aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-availabilityzone"
    ),
    // "Updating InstanceTenancy requires no replacement only if you are updating its value from
    // dedicated to default. Updating InstanceTenancy from default to dedicated requires replacement."
    rule!("AWS::EC2::VPC", "InstanceTenancy", VpcTenancy, "aws-resource-ec2-vpc.html#cfn-ec2-vpc-instancetenancy"),
    rule!(
        "AWS::EC2::Subnet",
        "Ipv6CidrBlock",
        SomeInterruptions,
        "aws-resource-ec2-subnet.html#cfn-ec2-subnet-ipv6cidrblock"
    ),
    // EC2 instance (the bastion): Update requires: Some interruptions (a stop and start).
    rule!(
        "AWS::EC2::Instance",
        "UserData",
        SomeInterruptions,
        "aws-resource-ec2-instance.html#cfn-ec2-instance-userdata"
    ),
    rule!(
        "AWS::EC2::Instance",
        "SecurityGroupIds",
        SomeInterruptions,
        "aws-resource-ec2-instance.html#cfn-ec2-instance-securitygroupids"
    ),
    rule!(
        "AWS::EC2::Instance",
        "EbsOptimized",
        SomeInterruptions,
        "aws-resource-ec2-instance.html#cfn-ec2-instance-ebsoptimized"
    ),
    rule!(
        "AWS::EC2::Instance",
        "AdditionalInfo",
        SomeInterruptions,
        "aws-resource-ec2-instance.html#cfn-ec2-instance-additionalinfo"
    ),
    rule!(
        "AWS::EC2::Instance",
        "Affinity",
        SomeInterruptions,
        "aws-resource-ec2-instance.html#cfn-ec2-instance-affinity"
    ),
    rule!(
        "AWS::EC2::Instance",
        "KernelId",
        SomeInterruptions,
        "aws-resource-ec2-instance.html#cfn-ec2-instance-kernelid"
    ),
    rule!(
        "AWS::EC2::Instance",
        "RamdiskId",
        SomeInterruptions,
        "aws-resource-ec2-instance.html#cfn-ec2-instance-ramdiskid"
    ),
    // "After the instance is running, you can modify only the DeleteOnTermination parameter for the
    // attached volumes without interrupting the instance. Modifying any other parameter results in
    // instance replacement."
    rule!(
        "AWS::EC2::Instance",
        "BlockDeviceMappings",
        BlockDevicesDeleteOnTerminationOnly,
        "aws-resource-ec2-instance.html#cfn-ec2-instance-blockdevicemappings"
    ),
    // Update requires: No interruption (the update fails unless Region goes between unset and
    // the caller's region, but it never replaces the subscription).
    rule!(
        "AWS::SNS::Subscription",
        "Region",
        NoInterruption,
        "aws-resource-sns-subscription.html#cfn-sns-subscription-region"
    ),
];

/// The documented exception for `property` of `resource_type`, if any.
pub fn rule_for(resource_type: &str, property: &str) -> Option<&'static UpdateRule> {
    UPDATE_RULES.iter().find(|r| r.resource_type == resource_type && r.property == property)
}

/// The full URL of a rule's source.
pub fn source_url(rule: &UpdateRule) -> String {
    format!("{REF}{}", rule.source)
}

/// What happens to an Auto Scaling group's running instances when its launch
/// template or configuration changes, read from its `UpdatePolicy` (AWS
/// CloudFormation `UpdatePolicy` attribute: `AutoScalingInstanceRefresh`
/// and `AutoScalingRollingUpdate` replace them; without either they keep
/// the old configuration).
fn instance_replacement(group: Option<&Value>) -> String {
    let policy = group.and_then(|r| r.get("UpdatePolicy"));
    let number = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    if let Some(refresh) = policy.and_then(|p| p.get("AutoScalingInstanceRefresh")) {
        let prefs = refresh.get("Preferences");
        let min = number(prefs.and_then(|p| p.get("MinHealthyPercentage"))).unwrap_or_else(|| "90".into());
        let max = number(prefs.and_then(|p| p.get("MaxHealthyPercentage")));
        let range = match max {
            Some(max) => format!("{min} % to {max} % of the desired capacity in service"),
            None => format!("at least {min} % of the desired capacity in service"),
        };
        return format!(
            "CloudFormation starts an instance refresh that replaces its running instances, keeping {range} \
             (UpdatePolicy AutoScalingInstanceRefresh)"
        );
    }
    if let Some(rolling) = policy.and_then(|p| p.get("AutoScalingRollingUpdate")) {
        let batch = number(rolling.get("MaxBatchSize")).unwrap_or_else(|| "1".into());
        let keep = number(rolling.get("MinInstancesInService")).unwrap_or_else(|| "0".into());
        return format!(
            "CloudFormation replaces its running instances {batch} at a time, keeping at least {keep} in service \
             (UpdatePolicy AutoScalingRollingUpdate)"
        );
    }
    "running instances keep the old configuration: no UpdatePolicy replaces them (only instances launched later \
     get the new one)"
        .to_owned()
}

/// What a change of `rule`'s property does, given the old and new resource
/// (whole resources: the ASG rule reads `UpdatePolicy`).
pub fn apply(rule: &UpdateRule, old: Option<&Value>, new: Option<&Value>) -> (Impact, String) {
    fn prop<'v>(r: Option<&'v Value>, name: &str) -> Option<&'v Value> {
        r.and_then(|r| r.get("Properties")).and_then(|p| p.get(name))
    }
    let why = |s: &str| format!("{s} (CloudFormation docs: {})", source_url(rule));
    match rule.rule {
        Rule::NoInterruption => (Impact::Update, why("updated in place, no interruption")),
        Rule::SomeInterruptions => (Impact::Update, why("updated in place, with some interruption")),
        Rule::AsgUnlessReplacingUpdate => {
            let will_replace = new
                .and_then(|r| r.get("UpdatePolicy"))
                .and_then(|p| p.get("AutoScalingReplacingUpdate"))
                .and_then(|p| p.get("WillReplace"))
                .is_some_and(|v| same(v, &Value::Bool(true)));
            if will_replace {
                (Impact::Replace, why("UpdatePolicy AutoScalingReplacingUpdate WillReplace replaces the group"))
            } else if rule.property == "VPCZoneIdentifier" {
                (
                    Impact::Update,
                    why("the group is kept; its instances move to the new subnets, with some interruption"),
                )
            } else {
                (Impact::Update, why(&format!("the group is kept; {}", instance_replacement(new))))
            }
        }
        Rule::VpcTenancy => {
            let text = |r| prop(r, rule.property).and_then(Value::as_str).unwrap_or("default").to_owned();
            if text(old) == "dedicated" && text(new) == "default" {
                (Impact::Update, why("dedicated → default is updated in place"))
            } else {
                (Impact::Replace, why("only dedicated → default is an update; this replaces the VPC"))
            }
        }
        Rule::BlockDevicesDeleteOnTerminationOnly => {
            let strip = |r| {
                let mut v = prop(r, rule.property).cloned().unwrap_or(Value::Null);
                if let Value::Array(items) = &mut v {
                    for item in items {
                        if let Some(ebs) = item.get_mut("Ebs").and_then(Value::as_object_mut) {
                            ebs.remove("DeleteOnTermination");
                        }
                    }
                }
                v
            };
            if same(&strip(old), &strip(new)) {
                (Impact::Update, why("only DeleteOnTermination changed: updated in place"))
            } else {
                (Impact::Replace, why("a block device change other than DeleteOnTermination replaces the instance"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Impact, TemplateDiff};
    use super::*;

    fn impact_of(ty: &str, old: Value, new: Value) -> Option<Impact> {
        let t = |props: Value| json!({"Resources": {"R": {"Type": ty, "Properties": props}}});
        let d = TemplateDiff::new(&t(old), &t(new));
        d.resources.first().and_then(|r| r.impact)
    }

    #[test]
    fn every_rule_is_a_conditional_create_only_property_of_its_schema() {
        for r in &UPDATE_RULES {
            let s = crate::cfn::schema::type_schema(r.resource_type).expect(r.resource_type);
            let pointer = format!("/properties/{}", r.property);
            assert!(
                s.conditional_create_only.contains(&pointer),
                "{} {} is not conditional",
                r.resource_type,
                r.property
            );
            assert!(!s.create_only.contains(&pointer));
        }
    }

    #[test]
    fn asg_subnets_change_keeps_the_group() {
        assert_eq!(
            impact_of(
                "AWS::AutoScaling::AutoScalingGroup",
                json!({"VPCZoneIdentifier": ["a", "b"]}),
                json!({"VPCZoneIdentifier": ["a", "b", "c"]})
            ),
            Some(Impact::Update)
        );
    }

    #[test]
    fn asg_with_replacing_update_policy_is_replaced() {
        let t = |subnets: Value| {
            json!({"Resources": {"G": {"Type": "AWS::AutoScaling::AutoScalingGroup",
                "UpdatePolicy": {"AutoScalingReplacingUpdate": {"WillReplace": true}},
                "Properties": {"VPCZoneIdentifier": subnets, "MinSize": "1", "MaxSize": "2"}}}})
        };
        let d = TemplateDiff::new(&t(json!(["a"])), &t(json!(["b"])));
        assert_eq!(d.resources[0].impact, Some(Impact::Replace));
    }

    /// The diff names what happens to the running instances: an instance
    /// refresh, a rolling update, or nothing (AWS CloudFormation `UpdatePolicy`
    /// attribute).
    #[test]
    fn asg_launch_template_change_names_the_instance_replacement() {
        let t = |policy: Value, version: &str| {
            let mut g = json!({"Type": "AWS::AutoScaling::AutoScalingGroup",
                "Properties": {"MinSize": "1", "MaxSize": "2",
                    "LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": version}}});
            if !policy.is_null() {
                g["UpdatePolicy"] = policy;
            }
            json!({"Resources": {"G": g}})
        };
        let reason = |policy: Value| {
            let d = TemplateDiff::new(&t(policy.clone(), "1"), &t(policy, "2"));
            assert_eq!(d.resources[0].impact, Some(Impact::Update));
            serde_json::to_string(&d.resources[0]).expect("json")
        };
        let refresh = reason(json!({"AutoScalingInstanceRefresh": {"Strategy": "Rolling",
            "Preferences": {"MinHealthyPercentage": 100, "MaxHealthyPercentage": 200}}}));
        assert!(
            refresh.contains("starts an instance refresh that replaces its running instances, keeping 100 % to 200 %"),
            "{refresh}"
        );
        let rolling = reason(json!({"AutoScalingRollingUpdate": {"MaxBatchSize": 2, "MinInstancesInService": "1"}}));
        assert!(
            rolling.contains("replaces its running instances 2 at a time, keeping at least 1 in service"),
            "{rolling}"
        );
        let none = reason(Value::Null);
        assert!(none.contains("running instances keep the old configuration"), "{none}");
    }

    #[test]
    fn asg_launch_template_version_change_keeps_the_group() {
        let lt = |v: &str| json!({"LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": v}});
        assert_eq!(impact_of("AWS::AutoScaling::AutoScalingGroup", lt("1"), lt("2")), Some(Impact::Update));
    }

    #[test]
    fn asg_launch_configuration_and_mixed_instances_changes_keep_the_group() {
        let ty = "AWS::AutoScaling::AutoScalingGroup";
        assert_eq!(
            impact_of(ty, json!({"LaunchConfigurationName": "a"}), json!({"LaunchConfigurationName": "b"})),
            Some(Impact::Update)
        );
        assert_eq!(
            impact_of(
                ty,
                json!({"MixedInstancesPolicy": {"InstancesDistribution": {"OnDemandBaseCapacity": 1}}}),
                json!({"MixedInstancesPolicy": {"InstancesDistribution": {"OnDemandBaseCapacity": 2}}})
            ),
            Some(Impact::Update)
        );
    }

    #[test]
    fn rds_multi_az_and_backup_retention_are_updates_and_not_dangerous() {
        let t = |props: Value| json!({"Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": props}}});
        for (old, new) in [
            (json!({"MultiAZ": false}), json!({"MultiAZ": true})),
            (json!({"BackupRetentionPeriod": 7}), json!({"BackupRetentionPeriod": 14})),
        ] {
            let d = TemplateDiff::new(&t(old), &t(new));
            let r = &d.resources[0];
            assert_eq!(r.impact, Some(Impact::Update), "{r:?}");
            assert!(!r.dangerous, "a backup-retention or Multi-AZ change loses no data: {r:?}");
            assert!(r.notes.iter().all(|n| !n.contains("lost")), "{r:?}");
        }
    }

    #[test]
    fn rds_other_interruption_properties_are_updates() {
        let ty = "AWS::RDS::DBInstance";
        for p in ["AutoMinorVersionUpgrade", "PreferredMaintenanceWindow", "DBParameterGroupName", "AvailabilityZone"] {
            assert_eq!(impact_of(ty, json!({p: "a"}), json!({p: "b"})), Some(Impact::Update), "{p}");
        }
        // Not in the table: still "may replace".
        assert_eq!(impact_of(ty, json!({"Engine": "postgres"}), json!({"Engine": "mysql"})), Some(Impact::MayReplace));
    }

    #[test]
    fn vpc_tenancy_only_dedicated_to_default_is_an_update() {
        let ty = "AWS::EC2::VPC";
        assert_eq!(
            impact_of(ty, json!({"InstanceTenancy": "dedicated"}), json!({"InstanceTenancy": "default"})),
            Some(Impact::Update)
        );
        assert_eq!(
            impact_of(ty, json!({"InstanceTenancy": "default"}), json!({"InstanceTenancy": "dedicated"})),
            Some(Impact::Replace)
        );
    }

    #[test]
    fn subnet_ipv6_cidr_is_an_update() {
        assert_eq!(
            impact_of("AWS::EC2::Subnet", json!({"Ipv6CidrBlock": "a"}), json!({"Ipv6CidrBlock": "b"})),
            Some(Impact::Update)
        );
    }

    #[test]
    fn instance_interruption_properties_are_updates() {
        for p in ["UserData", "SecurityGroupIds", "EbsOptimized", "AdditionalInfo", "Affinity", "KernelId", "RamdiskId"]
        {
            assert_eq!(impact_of("AWS::EC2::Instance", json!({p: "a"}), json!({p: "b"})), Some(Impact::Update), "{p}");
        }
        // InstanceType depends on the instance types' compatibility: kept as "may replace".
        assert_eq!(
            impact_of("AWS::EC2::Instance", json!({"InstanceType": "t3.micro"}), json!({"InstanceType": "t3.small"})),
            Some(Impact::MayReplace)
        );
    }

    #[test]
    fn instance_block_devices_replace_unless_only_delete_on_termination_changes() {
        let bdm = |size: u32, del: bool| json!({"BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": size, "DeleteOnTermination": del}}]});
        assert_eq!(impact_of("AWS::EC2::Instance", bdm(30, true), bdm(30, false)), Some(Impact::Update));
        assert_eq!(impact_of("AWS::EC2::Instance", bdm(30, true), bdm(40, true)), Some(Impact::Replace));
    }

    #[test]
    fn sns_subscription_region_is_an_update() {
        assert_eq!(
            impact_of("AWS::SNS::Subscription", json!({"Region": "us-east-1"}), json!({})),
            Some(Impact::Update)
        );
    }
}
