//! VPC endpoints: private routes to AWS services, so instances in private
//! subnets reach ECS, ECR, CloudWatch Logs and S3 without a NAT gateway.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{Intrinsic, Resource};
use crate::core::{ConstructPath, FieldPath, Stack};
use crate::error::ValidationError;

/// The interface endpoints ECS container instances need without a NAT
/// gateway: the ECS control plane, agent and telemetry, both ECR APIs and
/// CloudWatch Logs (image layers come from S3, through the gateway endpoint).
pub const ECS_INTERFACE_ENDPOINTS: [&str; 6] = ["ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs"];

/// A gateway endpoint's service. Gateway endpoints cost nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GatewayService {
    /// Amazon S3 (`com.amazonaws.<region>.s3`); ECR keeps image layers there.
    S3,
    /// Amazon DynamoDB (`com.amazonaws.<region>.dynamodb`).
    Dynamodb,
}

impl GatewayService {
    fn name(self) -> &'static str {
        match self {
            GatewayService::S3 => "s3",
            GatewayService::Dynamodb => "dynamodb",
        }
    }
}

/// VPC endpoints of a [`super::Vpc`]: `endpoints: {}` gives everything an ECS
/// cluster without a NAT gateway needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpointsProps {
    /// Gateway endpoints, on the private subnets' route tables. Free.
    /// Default: `[s3]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Vec<GatewayService>>,
    /// Interface endpoints, by service name after `com.amazonaws.<region>.`
    /// (`ecr.api`, `ssm`, `secretsmanager`, ...), one network interface per
    /// private subnet with private DNS, behind a security group admitting
    /// HTTPS from the VPC. Each is billed per AZ-hour and per GB. Default:
    /// [`ECS_INTERFACE_ENDPOINTS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<Vec<String>>,
}

/// Whether `s` has the shape of a service name after `com.amazonaws.<region>.`.
fn is_service_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && !s.ends_with(['.', '-'])
}

/// Adds the endpoints under `vpc_path/Endpoint...`; returns their logical IDs.
pub(crate) fn add_endpoints(
    stack: &mut Stack,
    vpc_path: &ConstructPath,
    vpc: &Value,
    vpc_cidr: &str,
    private_subnets: &[String],
    private_route_tables: &[String],
    props: &VpcEndpointsProps,
) -> Vec<String> {
    let mut ids = Vec::new();
    let gateway = props.gateway.clone().unwrap_or_else(|| vec![GatewayService::S3]);
    let interface: Vec<String> =
        props.interface.clone().unwrap_or_else(|| ECS_INTERFACE_ENDPOINTS.iter().map(|s| s.to_string()).collect());
    let mut seen = BTreeSet::new();
    for (i, g) in gateway.iter().enumerate() {
        if !seen.insert(g.name()) {
            stack.report(
                ValidationError::new(
                    Code::EndpointDuplicate,
                    vpc_path,
                    format!("gateway endpoint `{}` is listed twice", g.name()),
                )
                .field(FieldPath::root().key("gateway").index(i)),
            );
            continue;
        }
        if private_route_tables.is_empty() {
            continue;
        }
        let path = vpc_path.child("Endpoint").child(g.name());
        ids.push(
            stack.add_resource(
                &path,
                Resource::new("AWS::EC2::VPCEndpoint")
                    .prop("VpcId", vpc.clone())
                    .prop("ServiceName", Intrinsic::sub(format!("com.amazonaws.${{AWS::Region}}.{}", g.name())))
                    .prop("VpcEndpointType", "Gateway")
                    .prop("RouteTableIds", Value::Array(private_route_tables.iter().map(Intrinsic::ref_).collect())),
            ),
        );
    }
    let mut valid = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, service) in interface.iter().enumerate() {
        let at = FieldPath::root().key("interface").index(i);
        if !is_service_name(service) {
            stack.report(
                ValidationError::new(
                    Code::EndpointInvalid,
                    vpc_path,
                    format!("`{service}` is not an AWS service endpoint name"),
                )
                .field(at)
                .help("write the part after `com.amazonaws.<region>.`, e.g. `ecr.api`, `ssm` or `secretsmanager`"),
            );
        } else if ["s3", "dynamodb"].contains(&service.as_str()) && gateway.iter().any(|g| g.name() == service) {
            stack.report(
                ValidationError::new(
                    Code::EndpointDuplicate,
                    vpc_path,
                    format!("`{service}` is both a gateway and an interface endpoint"),
                )
                .field(at)
                .help("keep the gateway endpoint (free) and drop the interface one"),
            );
        } else if !seen.insert(service.as_str()) {
            stack.report(
                ValidationError::new(
                    Code::EndpointDuplicate,
                    vpc_path,
                    format!("interface endpoint `{service}` is listed twice"),
                )
                .field(at),
            );
        } else {
            valid.push(service.as_str());
        }
    }
    if valid.is_empty() || private_subnets.is_empty() {
        return ids;
    }
    let sg_path = vpc_path.child("EndpointSecurityGroup");
    let sg = stack.add_resource(
        &sg_path,
        Resource::new("AWS::EC2::SecurityGroup")
            .prop("GroupDescription", format!("Interface endpoints of {vpc_path}: HTTPS from the VPC"))
            .prop("VpcId", vpc.clone())
            .prop(
                "SecurityGroupIngress",
                json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": vpc_cidr,
                        "Description": "HTTPS from the VPC"}]),
            )
            .prop(
                "SecurityGroupEgress",
                json!([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description": "Allow all outbound traffic"}]),
            )
            .prop("Tags", json!([{"Key": "Name", "Value": sg_path.to_string()}])),
    );
    for service in valid {
        let path = vpc_path.child("Endpoint").child(service);
        ids.push(
            stack.add_resource(
                &path,
                Resource::new("AWS::EC2::VPCEndpoint")
                    .prop("VpcId", vpc.clone())
                    .prop("ServiceName", Intrinsic::sub(format!("com.amazonaws.${{AWS::Region}}.{service}")))
                    .prop("VpcEndpointType", "Interface")
                    .prop("PrivateDnsEnabled", true)
                    .prop("SubnetIds", Value::Array(private_subnets.iter().map(Intrinsic::ref_).collect()))
                    .prop("SecurityGroupIds", json!([Intrinsic::get_att(&sg, "GroupId")])),
            ),
        );
    }
    ids
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        EndpointDuplicate => error("vpc:endpoint-duplicate") {
            formerly: ["vpc-endpoint-duplicate"],
            title: "a VPC endpoint is listed twice",
            explanation: "A VPC has at most one endpoint per service: listing a service twice, or `s3`/`dynamodb` both \
         as a gateway and an interface endpoint, would make two endpoints whose private DNS names \
         clash. List each service once (the gateway endpoints of S3 and DynamoDB cost nothing).",
        },
        EndpointInvalid => error("vpc:endpoint-invalid") {
            formerly: ["vpc-endpoint-invalid"],
            title: "an interface endpoint is not an AWS service endpoint name",
            explanation: "`vpc.endpoints.interface` takes the part of the service name after \
         `com.amazonaws.<region>.`, in lower case letters, digits, dots and hyphens: `ecr.api`, \
         `ecr.dkr`, `logs`, `ssm`, `secretsmanager`.",
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn service_names() {
        for ok in ["ecr.api", "ecs-agent", "s3", "ssmmessages"] {
            assert!(super::is_service_name(ok), "{ok}");
        }
        for bad in ["", "ECR", "ecr.", "com.amazonaws.us-east-1.s3 ", "a b"] {
            assert!(!super::is_service_name(bad), "{bad}");
        }
    }
}
