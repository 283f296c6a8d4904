//! Route 53: alias records that point a domain name at a load balancer or a
//! CloudFront distribution.

use serde_json::{json, Value};

use crate::acm::DomainProps;
use crate::cfn::{Output, Resource};
use crate::core::{ConstructPath, Stack};

/// The hosted zone ID every CloudFront distribution's alias target uses.
pub const CLOUDFRONT_HOSTED_ZONE_ID: &str = "Z2FDTNDATAQYW2";

/// Where an alias record points.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasTarget {
    /// The target's DNS name (e.g. `Fn::GetAtt LoadBalancer.DNSName`).
    pub dns_name: Value,
    /// The target's hosted zone ID (e.g. `Fn::GetAtt
    /// LoadBalancer.CanonicalHostedZoneID`, or [`CLOUDFRONT_HOSTED_ZONE_ID`]).
    pub hosted_zone_id: Value,
    /// Whether Route 53 answers only while the target is healthy (load
    /// balancers: true; CloudFront: must be false).
    pub evaluate_target_health: bool,
    /// Whether the target answers over IPv6, so an `AAAA` record is made too.
    pub ipv6: bool,
}

/// Adds alias records for `name` in the zone `hosted_zone_id`: `A`, and
/// `AAAA` when the target serves IPv6. Logical IDs are `path/A` and
/// `path/AAAA`. Returns the logical IDs.
pub fn add_alias_records(
    stack: &mut Stack,
    path: &ConstructPath,
    hosted_zone_id: &str,
    name: &str,
    target: &AliasTarget,
) -> Vec<String> {
    let alias = json!({
        "DNSName": target.dns_name,
        "HostedZoneId": target.hosted_zone_id,
        "EvaluateTargetHealth": target.evaluate_target_health
    });
    let types: &[&str] = if target.ipv6 { &["A", "AAAA"] } else { &["A"] };
    types
        .iter()
        .map(|record_type| {
            let record = Resource::new("AWS::Route53::RecordSet")
                .prop("HostedZoneId", hosted_zone_id)
                .prop("Name", name)
                .prop("Type", *record_type)
                .prop("AliasTarget", alias.clone());
            stack.add_resource(&path.child(record_type), record)
        })
        .collect()
}

/// Points `domain`'s names (wildcards left out) at `target`, the DNS name
/// attribute `attribute` of resource `target_id` (the construct at `path`):
/// alias records `<path>/Alias/<name>` in the domain's hosted zone, or, for
/// a domain whose DNS is outside Route 53 (`external_dns`), the output
/// `<path>/DnsRecords` listing the `CNAME` records to create there.
pub fn point_domain(
    stack: &mut Stack,
    path: &ConstructPath,
    domain: &DomainProps,
    target: &AliasTarget,
    (target_id, attribute): (&str, &str),
) {
    if let Some(zone) = domain.hosted_zone() {
        for name in domain.names().filter(|n| !n.starts_with("*.")) {
            add_alias_records(stack, &path.child("Alias").child(name), zone, name, target);
        }
    }
    if let Some(records) = domain.external_records(target_id, attribute) {
        let description = format!("DNS records to create for the domain of {path} (its DNS is not in Route 53)");
        stack.add_output(&path.child("DnsRecords"), Output::new(records, description));
    }
}
