//! ACM: public certificates validated through DNS records that
//! CloudFormation writes into a Route 53 hosted zone (or that you create in
//! a DNS outside Route 53), and the domain props that load balancers and
//! CDNs share.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cfn::{Intrinsic, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;

/// A domain served by a load balancer or a CDN: `{name: api.example.com,
/// hosted_zone_id: Z0123456789ABCDEFGHIJ}`. rcdk creates a certificate for it
/// (validated by DNS records in the zone, so the first deploy waits until ACM
/// has issued it, usually a few minutes) and alias records pointing the names
/// at the load balancer or distribution.
///
/// A domain whose DNS is not in Route 53 (Cloudflare, a registrar's DNS)
/// takes `external_dns: true` instead of the zone: the certificate is still
/// created and validated by DNS, but you create the records. On the first
/// deploy CloudFormation keeps the certificate — and the stack — in
/// `CREATE_IN_PROGRESS` until the validation `CNAME` exists: the record
/// (`_x1.<name>. CNAME _x2.acm-validations.aws.`) is in the certificate's
/// stack event ("Content of DNS Record is: {Name: ..., Type: CNAME, Value:
/// ...}", which `rcdk deploy` prints), and in `aws acm describe-certificate`
/// (`DomainValidationOptions[].ResourceRecord`). ACM keeps trying for 72
/// hours, then gives up (`VALIDATION_TIMED_OUT`) and the stack fails
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-certificatemanager-certificate.html>,
/// <https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html>).
/// Keep the validation record: ACM renews the certificate through it. Then
/// point the names at the load balancer or distribution with a `CNAME`
/// each: the stack's `DnsRecords` output lists them (an apex name needs
/// your DNS provider's CNAME flattening or ALIAS record).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainProps {
    /// The domain name, e.g. `api.example.com` (a leading `*.` makes a
    /// wildcard certificate; no alias record is made for it).
    pub name: String,
    /// The ID of the public Route 53 hosted zone that holds `name`
    /// (`Z` followed by letters and digits). ACM's DNS validation records and
    /// the alias records are written there. CloudFormation cannot find a zone
    /// by its name, so the ID is given. Not with `external_dns`. Default:
    /// none, and then `external_dns: true` is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_id: Option<String>,
    /// The names' DNS is outside Route 53: no record is written for you; the
    /// first deploy waits until you create the validation `CNAME` (see
    /// [`DomainProps`]), and the `DnsRecords` output says which `CNAME`
    /// records point the names at the load balancer or distribution. Not
    /// with `hosted_zone_id`. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_dns: Option<bool>,
    /// More names on the same certificate, each with an alias record too,
    /// all in the same hosted zone. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternative_names: Vec<String>,
}

impl DomainProps {
    /// The domain `name`, validated through DNS records in the public
    /// Route 53 zone `hosted_zone_id`, with no alternative names.
    pub fn new(name: impl Into<String>, hosted_zone_id: impl Into<String>) -> Self {
        DomainProps {
            name: name.into(),
            hosted_zone_id: Some(hosted_zone_id.into()),
            external_dns: None,
            alternative_names: Vec::new(),
        }
    }

    /// The domain `name`, whose DNS is outside Route 53 (`external_dns:
    /// true`): you create the validation and `CNAME` records (see
    /// [`DomainProps`]).
    pub fn external(name: impl Into<String>) -> Self {
        DomainProps { name: name.into(), hosted_zone_id: None, external_dns: Some(true), alternative_names: Vec::new() }
    }

    /// `name` followed by `alternative_names`.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.alternative_names.iter().map(String::as_str))
    }

    /// The Route 53 zone the records go to; `None` with `external_dns`.
    pub fn hosted_zone(&self) -> Option<&str> {
        self.hosted_zone_id.as_deref().filter(|_| !self.external_dns.unwrap_or(false))
    }

    /// With `external_dns`, the records the user creates to point the names
    /// (wildcards left out) at `target` (a `DNSName` or `DomainName`
    /// attribute): `api.example.com CNAME <target>`, separated by `; `. For
    /// the stack's `DnsRecords` output; `None` with a hosted zone.
    pub fn external_records(&self, target_logical_id: &str, attribute: &str) -> Option<Value> {
        if self.hosted_zone().is_some() {
            return None;
        }
        let records: Vec<String> = self
            .names()
            .filter(|n| !n.starts_with("*."))
            .map(|n| format!("{n} CNAME ${{{target_logical_id}.{attribute}}}"))
            .collect();
        (!records.is_empty()).then(|| Intrinsic::sub(records.join("; ")))
    }
}

/// A public certificate (`AWS::CertificateManager::Certificate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    /// The certificate's logical ID.
    pub logical_id: String,
    /// The certificate's ARN (`Ref`).
    pub arn: Value,
}

impl From<&Certificate> for crate::core::Arn {
    fn from(c: &Certificate) -> Self {
        crate::core::Arn(c.arn.clone())
    }
}

impl Certificate {
    /// Adds a DNS-validated certificate for `domain` at `path`. Problems are
    /// reported relative to the domain props.
    pub fn new(stack: &mut Stack, path: &ConstructPath, domain: &DomainProps) -> Certificate {
        validate_domain(stack, path, domain);
        let mut resource = Resource::new("AWS::CertificateManager::Certificate")
            .prop("DomainName", domain.name.as_str())
            .prop("ValidationMethod", "DNS");
        // With a zone, CloudFormation writes the validation records there;
        // without one (external DNS), the user does, while the stack waits.
        if let Some(zone) = domain.hosted_zone() {
            let validation: Vec<Value> =
                domain.names().map(|name| json!({"DomainName": name, "HostedZoneId": zone})).collect();
            resource = resource.prop("DomainValidationOptions", validation);
        }
        if !domain.alternative_names.is_empty() {
            resource = resource.prop("SubjectAlternativeNames", json!(domain.alternative_names));
        }
        let logical_id = stack.add_resource(path, resource);
        Certificate { arn: Intrinsic::ref_(&logical_id), logical_id }
    }
}

/// Reports names that are not DNS names, duplicates, and hosted zone IDs
/// that are not Route 53 zone IDs.
fn validate_domain(stack: &mut Stack, path: &ConstructPath, domain: &DomainProps) {
    let mut seen = std::collections::BTreeSet::new();
    for (i, name) in domain.names().enumerate() {
        let field = if i == 0 { "name".to_owned() } else { format!("alternative_names[{}]", i - 1) };
        if !is_domain_name(name) {
            stack.report(
                ValidationError::new(Code::DomainNameInvalid, path, format!("`{name}` is not a domain name"))
                    .field(field.as_str())
                    .help("use a fully qualified lower-case name such as api.example.com (at most 253 characters, labels of 1 to 63 letters, digits and hyphens)"),
            );
        }
        if !seen.insert(name.to_ascii_lowercase()) {
            stack.report(
                ValidationError::new(Code::DomainNameDuplicate, path, format!("`{name}` is listed twice"))
                    .field(field.as_str()),
            );
        }
    }
    let external = domain.external_dns.unwrap_or(false);
    let Some(id) = &domain.hosted_zone_id else {
        if !external {
            stack.report(
                ValidationError::new(
                    Code::DomainZoneMissing,
                    path,
                    format!("`{}` needs the Route 53 hosted zone that holds it, or `external_dns: true`", domain.name),
                )
                .field("hosted_zone_id"),
            );
        }
        return;
    };
    if external {
        stack.report(
            ValidationError::new(
                Code::DomainZoneConflict,
                path,
                "`external_dns: true` says the names' DNS is outside Route 53, and `hosted_zone_id` names a Route 53 zone",
            )
            .field("external_dns"),
        );
    }
    let plausible = id.starts_with('Z')
        && (2..=32).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !plausible {
        stack.report(
            ValidationError::new(
                Code::HostedZoneIdInvalid,
                path,
                format!("`{id}` is not a Route 53 hosted zone ID"),
            )
            .field("hosted_zone_id")
            .help("use the zone's ID as `aws route53 list-hosted-zones-by-name` prints it without `/hostedzone/`, e.g. Z0123456789ABCDEFGHIJ"),
        );
    }
}

/// A fully qualified DNS name in lower case (no trailing dot), optionally a
/// wildcard `*.`: at most 253 characters, labels of 1 to 63 letters, digits
/// and hyphens, no hyphen at either end.
pub fn is_domain_name(name: &str) -> bool {
    let host = name.strip_prefix("*.").unwrap_or(name);
    name.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        DomainNameDuplicate => error("acm:domain-name-duplicate") {
            formerly: ["acm-domain-name-duplicate"],
            title: "a domain name is listed twice",
            explanation: "Each name of a certificate (and of the DNS records rcdk creates for it) is listed once; names \
         are compared without regard to case. Remove the duplicate.",
        },
        DomainNameInvalid => error("acm:domain-name-invalid") {
            formerly: ["acm-domain-name-invalid"],
            title: "a domain name is not a fully qualified domain name",
            explanation: "ACM certificates and Route 53 records take fully qualified names: at most 253 characters, \
         labels of 1 to 63 letters, digits and hyphens separated by dots, e.g. `api.example.com` (a \
         leading `*.` for a wildcard). No scheme, port or path.",
        },
        DomainZoneConflict => error("acm:domain-zone-conflict") {
            title: "`external_dns: true` and a `hosted_zone_id` on the same domain",
            explanation: "A domain's DNS is either in a Route 53 hosted zone (`hosted_zone_id`: CloudFormation writes the \
         certificate's validation records and the alias records there) or elsewhere (`external_dns: \
         true`: you create them). Keep the one that is true.",
            help: "remove `external_dns` when the zone is in Route 53, or `hosted_zone_id` when it is not",
        },
        DomainZoneMissing => error("acm:domain-zone-missing") {
            title: "a domain with neither a Route 53 hosted zone nor `external_dns: true`",
            explanation: "rcdk validates the domain's certificate by DNS. With `hosted_zone_id`, CloudFormation writes the \
         validation records into that Route 53 zone and the deploy goes on by itself. With \
         `external_dns: true` (Cloudflare, a registrar's DNS), no record is written: CloudFormation \
         keeps the stack in `CREATE_IN_PROGRESS` until you create the validation `CNAME` that the \
         certificate's stack event and `aws acm describe-certificate` show, and ACM gives up after 72 \
         hours. One of the two is needed, so that an omitted zone ID never turns into a deploy that \
         waits for a record nobody creates.",
            help: "add `hosted_zone_id` (`aws route53 list-hosted-zones-by-name --dns-name <zone>` prints it), or `external_dns: true` if the DNS is not in Route 53",
            link: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-certificatemanager-certificate.html",
        },
        HostedZoneIdInvalid => error("acm:hosted-zone-id-invalid") {
            formerly: ["acm-hosted-zone-id-invalid"],
            title: "the hosted zone ID is not a Route 53 hosted zone ID",
            explanation: "rcdk validates the certificate by DNS and creates the alias records in this Route 53 hosted \
         zone, named by its ID: `Z` followed by upper-case letters and digits, as `aws route53 \
         list-hosted-zones-by-name` prints it, without the `/hostedzone/` prefix.\n\n\
         ```yaml\ndomain: {name: www.example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ}\n```",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::is_domain_name;

    #[test]
    fn domain_names() {
        for ok in ["api.example.com", "*.example.com", "a-b.c.io", "www.whatstheweatherlike.io"] {
            assert!(is_domain_name(ok), "{ok}");
        }
        for bad in [
            "",
            "API.example.com",
            "localhost",
            "api..example.com",
            "-a.example.com",
            "a_b.example.com",
            "example.com.",
            "*",
            "a.*.com",
        ] {
            assert!(!is_domain_name(bad), "{bad}");
        }
    }
}
