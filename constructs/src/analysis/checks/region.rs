//! What must match the stack's region: certificates and availability zones;
//! and what must match the instance type: the AMI's architecture.

use serde_json::Value;

use crate::analysis::check::{Scope, Sink};
use crate::analysis::model::{field, prop, V};
use crate::ec2::is_graviton;
use crate::region::availability_zone_count;

/// The region of an ACM certificate ARN, `arn:<partition>:acm:<region>:...`.
pub fn certificate_region(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    parts.next()?;
    (parts.next() == Some("acm")).then_some(())?;
    parts.next().filter(|r| !r.is_empty())
}

/// The architecture an AMI's public SSM parameter name (or AMI name) stands for.
fn ami_arch(path: &str) -> Option<&'static str> {
    if path.contains("arm64") || path.contains("aarch64") {
        Some("arm64")
    } else if path.contains("x86_64")
        || path.contains("amd64")
        || path.starts_with("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended")
        || path.starts_with("/aws/service/ecs/optimized-ami/amazon-linux-2/recommended")
    {
        Some("x86_64")
    } else {
        None
    }
}

pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let doc = scope.doc();
    let region = doc.region;
    // Zones of another region: (zone, subnets), reported once per stack.
    let mut foreign: Vec<(String, Vec<&str>)> = Vec::new();
    for r in &doc.resources {
        match r.ty {
            "AWS::ElasticLoadBalancingV2::Listener" | "AWS::ElasticLoadBalancingV2::ListenerCertificate" => {
                let Some(region) = region else { continue };
                for c in doc.list(r.props.get("Certificates")).unwrap_or_default() {
                    let Some(arn) = c.get("CertificateArn").map(|v| doc.resolve(v)) else { continue };
                    let Some(arn) = arn.as_str() else { continue };
                    let Some(cert_region) = certificate_region(arn) else { continue };
                    if cert_region != region {
                        let f = sink.report(
                            Code::CertificateMismatch,
                            r.id,
                            format!(
                                "listener {}: certificate {arn} is in {cert_region}, and this stack deploys to {region}; a load \
                                 balancer only uses certificates of its own region",
                                r.id
                            ),
                            format!("request or import the certificate in {region} and use its ARN in the listener's `Certificates`"),
                        );
                        f.field = Some("certificate_arns");
                    }
                }
            }
            "AWS::CloudFront::Distribution" => {
                let arn = field(field(r.props.get("DistributionConfig"), "ViewerCertificate"), "AcmCertificateArn");
                let Some(arn) = arn.map(|v| doc.resolve(v)) else { continue };
                let Some(arn) = arn.as_str() else { continue };
                if let Some(cert_region) = certificate_region(arn).filter(|r| *r != "us-east-1") {
                    let f = sink.report(
                        Code::CertificateRegion,
                        r.id,
                        format!("distribution {}: certificate {arn} is in {cert_region}; CloudFront only uses certificates in us-east-1", r.id),
                        "request or import the certificate in us-east-1".into(),
                    );
                    f.field = Some("certificate_arn");
                }
            }
            "AWS::EC2::Subnet" => {
                let Some(region) = region else { continue };
                match prop(doc, r, "AvailabilityZone") {
                    V::Str(az) => {
                        let in_region = az
                            .strip_prefix(region)
                            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase()));
                        if !in_region {
                            match foreign.iter_mut().find(|(z, _)| *z == *az) {
                                Some((_, subnets)) => subnets.push(r.id),
                                None => foreign.push((az.into_owned(), vec![r.id])),
                            }
                        }
                    }
                    V::Az(i) => {
                        if let Some(n) = availability_zone_count(region).filter(|n| i >= *n) {
                            let f = sink.report(
                                Code::AzMismatch,
                                r.id,
                                format!(
                                    "subnet {}: it is in availability zone number {} of {region}, which has {n}; \
                                     `Fn::Select` over `Fn::GetAZs` fails at deploy",
                                    r.id,
                                    i + 1
                                ),
                                format!(
                                    "use at most {n} zones in {region}: `Fn::Select` indexes 0 to {} of `Fn::GetAZs`",
                                    n - 1
                                ),
                            );
                            f.field = Some("max_azs");
                        }
                    }
                    _ => {}
                }
            }
            "AWS::EC2::LaunchTemplate" | "AWS::EC2::Instance" | "AWS::AutoScaling::LaunchConfiguration" => {
                let data = if r.ty == "AWS::EC2::LaunchTemplate" { r.props.get("LaunchTemplateData") } else { None };
                let get = |k: &str| -> V<'_> {
                    let v = if r.ty == "AWS::EC2::LaunchTemplate" { field(data, k) } else { r.props.get(k) };
                    v.map(|v| doc.resolve(v)).unwrap_or(V::Unknown)
                };
                let ty = get("InstanceType");
                let Some(ty) = ty.as_str() else { continue };
                let image = get("ImageId");
                let path: Option<&str> = match &image {
                    V::Param(p) => doc
                        .params
                        .get(p)
                        .filter(|p| p.ty.contains("SSM::Parameter"))
                        .and_then(|p| p.default)
                        .and_then(Value::as_str),
                    _ => None,
                };
                let Some(path) = path else { continue };
                let Some(arch) = ami_arch(path) else { continue };
                let wants = if is_graviton(ty) { "arm64" } else { "x86_64" };
                if arch != wants {
                    let f = sink.report(
                        Code::AmiArchitectureMismatch,
                        r.id,
                        format!(
                            "{}: instance type {ty} is {wants}, and the AMI parameter's default `{path}` names an {arch} image; \
                             the instances fail to launch",
                            r.id
                        ),
                        format!("use an {wants} AMI (the image parameter's default names the image), or an {arch} instance type"),
                    );
                    f.field = Some("ami_parameter");
                }
            }
            _ => {}
        }
    }
    if let (Some(region), Some((_, subnets))) = (region, foreign.first()) {
        let zones: Vec<&str> = foreign.iter().map(|(z, _)| z.as_str()).collect();
        let f = sink.report(
            Code::AzMismatch,
            subnets[0],
            format!(
                "availability zone(s) {} of subnet(s) {} are not zones of {region}, where this stack deploys",
                zones.join(", "),
                foreign.iter().flat_map(|(_, s)| s.iter().copied()).collect::<Vec<_>>().join(", ")
            ),
            format!(
                "use zones of {region} (`{region}a`, `{region}b`, ...) as the subnets' `AvailabilityZone`, or \
                 `Fn::Select` over `Fn::GetAZs`"
            ),
        );
        f.field = Some("availability_zones");
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        CertificateRegion => error("cdn:certificate-region") {
            formerly: ["cdn-certificate-region"],
            title: "a CloudFront certificate is not in us-east-1",
            explanation: "CloudFront only uses ACM certificates requested or imported in US East (N. Virginia), \
         `us-east-1`, whatever region the rest of the app is in; a certificate ARN of another region \
         fails the distribution's deployment. Request the certificate in us-east-1 and use its ARN.",
        },
        AmiArchitectureMismatch => error("ec2:ami-architecture-mismatch") {
            formerly: ["ec2-ami-architecture-mismatch"],
            title: "the AMI's architecture does not match the instance type",
            explanation: "Graviton instance types (`t4g`, `m7g`, `c6g`, ...) run only `arm64` images, and the others \
         only `x86_64` images. An instance launched from an AMI of the other architecture fails to \
         start, so the Auto Scaling group never reaches its capacity and the deployment hangs until \
         it times out. Leave the AMI to rcdk (it picks the ECS-optimized AMI parameter of the \
         instance type's architecture), or give an AMI of the right architecture.",
        },
        AzMismatch => error("region:az-mismatch") {
            formerly: ["region-az-mismatch"],
            title: "availability zones of another region, or more zones than the region has",
            explanation: "A subnet names an availability zone that is not in the stack's region, or `max_azs` asks for \
         more zones than the region has; the subnets fail to create. In a multi-region stack, give \
         each region its zones with `region_overrides.<region>.availability_zones`, or leave the \
         zones to rcdk.",
        },
        CertificateMismatch => error("region:certificate-mismatch") {
            formerly: ["region-certificate-mismatch"],
            title: "a load balancer certificate is from another region",
            explanation: "ACM certificates are regional: a load balancer's listener can only use a certificate of its \
         own region, so the listener fails to create. With `regions:`, one ARN copied into every \
         region's stack is wrong in all but one of them: give each region its certificate with \
         `region_overrides.<region>.certificate_arns`, or use `domain:` so rcdk requests one per \
         region.",
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn certificate_regions_and_ami_architectures() {
        assert_eq!(super::certificate_region("arn:aws:acm:eu-west-1:123456789012:certificate/x"), Some("eu-west-1"));
        assert_eq!(super::certificate_region("arn:aws:iam::123456789012:server-certificate/x"), None);
        assert_eq!(
            super::ami_arch("/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"),
            Some("arm64")
        );
        assert_eq!(
            super::ami_arch("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"),
            Some("x86_64")
        );
        assert_eq!(super::ami_arch("/my/ami"), None);
    }
}
