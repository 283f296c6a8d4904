//! Which resource types take tags, and in which shape.

/// How a resource type spells its `Tags` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagFormat {
    /// A list of `{Key, Value}`.
    List,
    /// A list of `{Key, Value, PropagateAtLaunch}` (Auto Scaling groups).
    ListPropagateAtLaunch,
    /// A map of key to value.
    Map,
}

/// The `Tags` shape of a resource type, or `None` when rcdk does not tag it
/// (the type has no `Tags` property, or tags it elsewhere).
pub fn tag_format(resource_type: &str) -> Option<TagFormat> {
    Some(match resource_type {
        "AWS::EC2::VPC"
        | "AWS::EC2::Subnet"
        | "AWS::EC2::RouteTable"
        | "AWS::EC2::InternetGateway"
        | "AWS::EC2::NatGateway"
        | "AWS::EC2::EIP"
        | "AWS::EC2::SecurityGroup"
        | "AWS::EC2::NetworkAcl"
        | "AWS::EC2::FlowLog"
        | "AWS::EC2::Instance"
        | "AWS::ECS::Cluster"
        | "AWS::ECS::Service"
        | "AWS::ECS::TaskDefinition"
        | "AWS::ECS::CapacityProvider"
        | "AWS::ElasticLoadBalancingV2::LoadBalancer"
        | "AWS::ElasticLoadBalancingV2::TargetGroup"
        | "AWS::Logs::LogGroup"
        | "AWS::IAM::Role"
        | "AWS::SNS::Topic"
        | "AWS::RDS::DBInstance"
        | "AWS::RDS::DBSubnetGroup"
        | "AWS::SecretsManager::Secret"
        | "AWS::CloudFront::Distribution"
        | "AWS::S3::Bucket"
        | "AWS::KMS::Key" => TagFormat::List,
        "AWS::AutoScaling::AutoScalingGroup" => TagFormat::ListPropagateAtLaunch,
        "AWS::SSM::Parameter" => TagFormat::Map,
        _ => return None,
    })
}
