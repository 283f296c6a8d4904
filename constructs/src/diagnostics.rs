//! The registry: every diagnostic code the library reports, gathered from
//! the `Code` enums of the modules that report them (`rcdk explain CODE`
//! prints one; `docs/diagnostics.md` lists them all, with the binary's own
//! `app-file:*` codes).
//!
//! # Codes
//!
//! A code is `namespace:name`, both in kebab case, the way the AWS CDK names
//! its annotations. The namespace says where the problem lives:
//!
//! | namespace | what it covers |
//! |---|---|
//! | `acm` | ACM certificates and their Route 53 domain names (`domain:` blocks) |
//! | `app-file` | reading an app file: YAML syntax, fields and types, the file itself |
//! | `app` | the app as a whole: stacks list, multi-region `regions`, the CDN and its origin stacks |
//! | `stack` | a stack's name, account, region, and the dependencies between stacks |
//! | `cfn` | the CloudFormation template: quotas, logical IDs, references, parameters, conditions |
//! | `vpc` | the VPC: CIDR, availability zones, NAT gateways, subnets, network ACLs |
//! | `ec2` | EC2 instances of their own (the bastion host), and key pairs |
//! | `ecs` | the ECS cluster (instances, capacity), task definitions and containers, services |
//! | `service` | the load-balanced service pattern (an entry under `services:`), its canary and database link |
//! | `elbv2` | the Application Load Balancer: listeners, HTTPS and TLS, rules, actions, target groups, health checks |
//! | `autoscaling` | Application Auto Scaling of a service's task count |
//! | `cloudwatch` | CloudWatch alarms |
//! | `logs` | CloudWatch Logs log groups |
//! | `cloudfront` | the CloudFront distribution (CDN) |
//! | `cdn` | the whole-app analysis of a CDN and its origins: protocols, listeners, the origin lock |
//! | `net` | the whole-app analysis of traffic paths: security groups, network ACLs, routes, listeners, targets |
//! | `analysis` | what the whole-app analysis could not evaluate before deployment, and why |
//! | `region` | what must belong to the stack's region: certificates, availability zones |
//! | `rds` | the RDS database |
//! | `dynamodb` | DynamoDB tables |
//! | `ecr` | ECR repositories |
//! | `s3` | S3 buckets |
//! | `sns` | SNS topics and subscriptions |
//!
//! Codes are stable: scripts and tests match on them. When a code is
//! renamed, its definition keeps the old spelling in
//! [`Definition::formerly`], and [`lookup`] finds it by either.
//!
//! # Adding a code
//!
//! Add a variant to the `Code` enum of the module that reports it (its
//! [`crate::codes!`] block; a module without one gets one, and its enum a
//! line in the list below), with a title of one line and an explanation
//! that says what the problem means, why rcdk refuses it (the AWS limit or
//! behaviour), and how to fix it. Report it with
//! `ValidationError::new(Code::TheVariant, ...)`. The compiler refuses a
//! code nobody defined, a defined code nobody reports (dead code), and a
//! `Code` enum this registry does not list (it is not [`Registered`]); the
//! tests below refuse two definitions of one code. Then regenerate
//! `docs/diagnostics.md` and the README's tables with
//! `rcdk explain --list --format markdown` (a test says when they are stale).

use std::sync::OnceLock;

pub use crate::core::{Definition, Registered, Severity};

/// Lists the `Code` enums of the library: each becomes [`Registered`] (so
/// its codes can be reported) and its definitions part of [`definitions`].
/// Naming an enum twice is a conflicting impl, a compile error.
macro_rules! registry {
    ($($($segment:ident)::+),* $(,)?) => {
        $(impl Registered for $($segment)::+ {})*

        /// The definitions of every listed enum, enum by enum.
        const ENUMS: &[&[Definition]] = &[$($($segment)::+::DEFINITIONS),*];
    };
}

registry! {
    crate::acm::Code,
    crate::analysis::check::Code,
    crate::analysis::checks::alarms::Code,
    crate::analysis::checks::capacity::Code,
    crate::analysis::checks::cdn::Code,
    crate::analysis::checks::containers::Code,
    crate::analysis::checks::database::Code,
    crate::analysis::checks::egress::Code,
    crate::analysis::checks::images::Code,
    crate::analysis::checks::listeners::Code,
    crate::analysis::checks::quotas::Code,
    crate::analysis::checks::rds::Code,
    crate::analysis::checks::region::Code,
    crate::analysis::checks::services::Code,
    crate::analysis::checks::targets::Code,
    crate::analysis::hops::Code,
    crate::app::Code,
    crate::applicationautoscaling::Code,
    crate::cloudfront::distribution::Code,
    crate::cloudwatch::alarm::Code,
    crate::core::app::Code,
    crate::core::context::Code,
    crate::core::escape::Code,
    crate::core::stack::Code,
    crate::core::tags::Code,
    crate::dynamodb::Code,
    crate::ec2::bastion::Code,
    crate::ec2::connections::Code,
    crate::ec2::endpoints::Code,
    crate::ec2::key_pair::Code,
    crate::ec2::nacl::Code,
    crate::ec2::vpc::Code,
    crate::ecr::Code,
    crate::ecs::cluster::Code,
    crate::ecs::service::Code,
    crate::ecs::task_definition::Code,
    crate::elbv2::access_logs::Code,
    crate::elbv2::listener::Code,
    crate::elbv2::listener_rule::Code,
    crate::elbv2::load_balancer::Code,
    crate::elbv2::target_group::Code,
    crate::iam::Code,
    crate::logs::Code,
    crate::patterns::load_balanced_service::Code,
    crate::patterns::platform::cdn::Code,
    crate::patterns::platform::regions::Code,
    crate::patterns::platform::stack::Code,
    crate::patterns::platform::stores::Code,
    crate::rds::database::Code,
    crate::s3::Code,
    crate::sns::Code,
}

/// Every diagnostic the library defines, sorted by code.
pub fn definitions() -> &'static [&'static Definition] {
    static SORTED: OnceLock<Vec<&'static Definition>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut all: Vec<&'static Definition> = ENUMS.iter().flat_map(|e| e.iter()).collect();
        all.sort_by_key(|d| d.code);
        all
    })
}

/// Finds a definition by its code or by one of its former codes.
pub fn lookup(code: &str) -> Option<&'static Definition> {
    find(definitions(), code)
}

/// Finds a definition in `all` (sorted by code) by its code or by one of
/// its former codes.
pub fn find(all: &[&'static Definition], code: &str) -> Option<&'static Definition> {
    let code = code.trim();
    all.binary_search_by(|d| d.code.cmp(code))
        .ok()
        .map(|i| all[i])
        .or_else(|| all.iter().copied().find(|d| d.formerly.contains(&code)))
}

/// The problems of a set of definitions, for the tests that guard a
/// registry: a code defined twice or not `namespace:kebab-case`, a name
/// that is not its variant in kebab case, an empty title or explanation, a
/// former spelling claimed twice or also current.
pub fn check(all: &[&'static Definition]) -> Vec<String> {
    let mut problems = Vec::new();
    let kebab = |s: &str| {
        !s.is_empty()
            && s.split('-').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
    };
    for pair in all.windows(2) {
        if pair[0].code >= pair[1].code {
            problems.push(format!("{} is defined twice (or the list is not sorted)", pair[1].code));
        }
    }
    let mut former = std::collections::BTreeSet::new();
    for d in all {
        match d.code.split_once(':') {
            Some((ns, name)) if kebab(ns) && kebab(name) => {
                let from_variant: String = d
                    .variant
                    .chars()
                    .enumerate()
                    .flat_map(|(i, c)| {
                        let dash = (i > 0 && c.is_ascii_uppercase()).then_some('-');
                        dash.into_iter().chain(std::iter::once(c.to_ascii_lowercase()))
                    })
                    .collect();
                if from_variant != name {
                    problems.push(format!("{}: variant `{}` is not the name in PascalCase", d.code, d.variant));
                }
            }
            _ => problems.push(format!("{} is not namespace:kebab-case", d.code)),
        }
        if d.title.contains('\n') || d.title.is_empty() {
            problems.push(format!("{}: the title is not one line", d.code));
        }
        if d.explanation.trim().is_empty() {
            problems.push(format!("{}: the explanation is empty", d.code));
        }
        for f in d.formerly {
            if !former.insert(*f) {
                problems.push(format!("former code {f} is claimed twice"));
            }
            if all.binary_search_by(|x| x.code.cmp(f)).is_ok() {
                problems.push(format!("{f} is both former and current"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_is_unique_kebab_case_and_explained() {
        assert!(definitions().len() > 240, "{} definitions", definitions().len());
        assert_eq!(check(definitions()), Vec::<String>::new());
    }

    #[test]
    fn lookup_by_code_and_former_code() {
        assert_eq!(lookup("vpc:cidr-invalid").map(|d| d.code), Some("vpc:cidr-invalid"));
        assert_eq!(lookup("vpc-cidr-invalid").map(|d| d.code), Some("vpc:cidr-invalid"));
        assert_eq!(lookup("rule-priority-duplicate").map(|d| d.code), Some("elbv2:rule-priority-duplicate"));
        assert_eq!(lookup("tag-key-reserved").map(|d| d.code), Some("stack:tag-key-reserved"));
        assert_eq!(lookup("no-such-code"), None);
    }
}
