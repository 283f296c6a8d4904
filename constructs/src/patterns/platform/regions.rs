//! Across the app's stacks: what each spec becomes (its own stack, a copy
//! per region, a CDN stack), how each stack takes part in a CDN, and the
//! checks of `region` and `regions`.

use std::collections::{BTreeMap, BTreeSet};

use super::spec::{StackKind, StackSpec, CDN_STACK_SUFFIX};
use crate::core::{FieldPath, Stack};
use crate::error::ValidationError;

/// How a stack takes part in a CDN of the app (see
/// [`crate::cloudfront::DistributionProps::origin_lock`]), worked out from
/// every spec by [`cdn_roles`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdnRole {
    /// The CDN's name: the secret is `rcdk/<cdn>/cdn-origin-verify`.
    pub cdn: String,
    /// This stack's load balancer is an origin of a locked CDN.
    pub origin: bool,
    /// This stack creates the secret (the primary origin), replicated to these regions.
    pub creates_secret: Option<Vec<String>>,
    /// The stack that creates the secret, when another one does.
    pub secret_stack: Option<String>,
    /// This stack holds the CDN: lock it, and default to HTTPS origins when `https_origins`.
    pub distribution: bool,
    /// Every origin load balancer has a certificate.
    pub https_origins: bool,
}

/// The CDN roles of every stack of the app, by stack name, from every
/// spec's expansions (see [`StackSpec::expansions`]).
pub fn cdn_roles(expanded: &[Vec<(StackSpec, StackKind)>]) -> BTreeMap<String, CdnRole> {
    let all: BTreeMap<&str, &StackSpec> = expanded.iter().flatten().map(|(s, _)| (s.name.as_str(), s)).collect();
    let mut roles: BTreeMap<String, CdnRole> = BTreeMap::new();
    for (spec, kind) in expanded.iter().flatten() {
        let Some(cdn) = &spec.cdn else { continue };
        if !matches!(kind, StackKind::Single | StackKind::Cdn) || spec.origin_stacks.len() != 2 {
            continue;
        }
        let origins: Vec<&StackSpec> = spec.origin_stacks.iter().filter_map(|n| all.get(n.as_str()).copied()).collect();
        if origins.len() != 2 {
            continue;
        }
        let name = match kind {
            StackKind::Cdn => spec.name.strip_suffix(&format!("-{CDN_STACK_SUFFIX}")).unwrap_or(&spec.name).to_owned(),
            _ => spec.name.clone(),
        };
        let has_certs = |s: &StackSpec| {
            s.load_balancer.as_ref().and_then(|lb| lb.certificate_arns.as_ref()).is_some_and(|c| !c.is_empty())
        };
        let locked = cdn.origin_lock.unwrap_or(true);
        roles.entry(spec.name.clone()).or_default().distribution = true;
        let role = roles.entry(spec.name.clone()).or_default();
        role.cdn.clone_from(&name);
        role.https_origins = origins.iter().all(|s| has_certs(s));
        if !locked {
            continue;
        }
        let primary = origins[0];
        let mut replicas: Vec<String> = Vec::new();
        for region in origins.iter().map(|s| s.region.as_ref()).chain([spec.region.as_ref()]).flatten() {
            if Some(region) != primary.region.as_ref() && !replicas.contains(region) {
                replicas.push(region.clone());
            }
        }
        for (i, origin) in origins.iter().enumerate() {
            let role = roles.entry(origin.name.clone()).or_default();
            role.cdn.clone_from(&name);
            role.origin = true;
            if i == 0 {
                role.creates_secret = Some(replicas.clone());
            } else {
                role.secret_stack = Some(primary.name.clone());
            }
        }
        if spec.name != primary.name {
            roles.entry(spec.name.clone()).or_default().secret_stack = Some(primary.name.clone());
        }
    }
    roles
}

/// Checks `region` and `regions` of a spec (once per spec, not per copy).
pub(crate) fn validate_regions(stack: &mut Stack, spec: &StackSpec) {
    let root = stack.root().clone();
    for (region, overrides) in &spec.region_overrides {
        let at = FieldPath::root().key("region_overrides").key(region.as_str());
        if !spec.regions.contains(region) {
            stack.report(
                ValidationError::new(
                    Code::RegionOverrideUnknown,
                    &root,
                    format!("`region_overrides` names `{region}`, which is not in `regions`"),
                )
                .field(at.clone())
                .help("list the region under `regions`, or remove its override"),
            );
        }
        for (key, set) in [
            ("certificate_arns", overrides.certificate_arns.is_some()),
            ("ingress_prefix_lists", overrides.ingress_prefix_lists.is_some()),
        ] {
            if set && spec.load_balancer.is_none() && spec.services.is_empty() {
                stack.report(
                    ValidationError::new(
                        Code::RegionOverrideNoLoadBalancer,
                        &root,
                        format!("`region_overrides.{region}.{key}` is set, and the stack has no load balancer"),
                    )
                    .field(at.key(key))
                    .help("add `load_balancer:` (or services), or remove the override"),
                );
            }
        }
        if overrides.availability_zones.is_some() && spec.vpc.is_none() {
            stack.report(
                ValidationError::new(
                    Code::RegionOverrideNoVpc,
                    &root,
                    format!("`region_overrides.{region}.availability_zones` is set, and the stack has no VPC"),
                )
                .field(at.key("availability_zones"))
                .help("add `vpc:`, or remove the override"),
            );
        }
        for service in overrides.desired_counts.keys() {
            if !spec.services.contains_key(service) {
                stack.report(
                    ValidationError::new(
                        Code::RegionOverrideService,
                        &root,
                        format!("`region_overrides.{region}` sets the task count of `{service}`, which is not a service of this stack"),
                    )
                    .field(at.key("desired_counts").key(service.as_str()))
                    .help("use a name from `services:`"),
                );
            }
        }
    }
    if spec.regions.is_empty() {
        return;
    }
    if spec.region.is_some() {
        stack.report(
            ValidationError::new(Code::RegionConflict, &root, "`region` and `regions` are both set")
                .field("region")
                .help("keep `regions` for one stack per region, or `region` for a single stack"),
        );
    }
    let mut seen = BTreeSet::new();
    for (i, region) in spec.regions.iter().enumerate() {
        if !seen.insert(region.as_str()) {
            stack.report(
                ValidationError::new(Code::RegionDuplicate, &root, format!("region `{region}` is listed twice"))
                    .field(FieldPath::root().key("regions").index(i))
                    .help("list each region once; the first is the primary"),
            );
        }
    }
    if spec.cdn.is_some() && spec.regions.len() != 2 {
        stack.report(
            ValidationError::new(
                Code::CdnRegionsInvalid,
                &root,
                format!(
                    "the CDN fails over from a primary to one secondary region, and `regions` lists {}",
                    spec.regions.len()
                ),
            )
            .field("regions")
            .help("list exactly two regions, the primary first, e.g. `regions: [us-east-1, eu-west-1]`"),
        );
    }
    if !spec.origin_stacks.is_empty() {
        stack.report(
            ValidationError::new(
                Code::CdnOriginsWithRegions,
                &root,
                "`origin_stacks` is set, and with `regions` the CDN's origins are the regional stacks",
            )
            .field("origin_stacks")
            .help("remove `origin_stacks`"),
        );
    }
}

crate::codes! {
    /// The diagnostic codes of `region`, `regions` and `region_overrides`.
    pub(crate) enum Code {
        CdnOriginsWithRegions => error("app:cdn-origins-with-regions") {
            formerly: ["cdn-origins-with-regions"],
            title: "`origin_stacks` is set on a stack that also lists `regions`",
            explanation: "With `regions`, rcdk expands the stack into one stack per region and the CDN's origins are those \
         regional stacks, so `origin_stacks` would say the same thing twice (or contradict it).\n\n\
         Remove `origin_stacks`.",
        },
        CdnRegionsInvalid => error("app:cdn-regions-invalid") {
            formerly: ["cdn-regions-invalid"],
            title: "a CDN over `regions` needs exactly two regions",
            explanation: "A CDN with `regions` fails over from the first (primary) region to the second, through a \
         CloudFront origin group, which holds exactly two origins.\n\n\
         ```yaml\nregions: [eu-west-1, us-east-1]\ncdn: {}\n```",
        },
        RegionConflict => error("app:region-conflict") {
            formerly: ["app-region-conflict"],
            title: "`region` and `regions` are both set on a stack",
            explanation: "`region` deploys one stack to one region; `regions` expands the stack into one copy per region. \
         Keep one of the two.",
        },
        RegionDuplicate => error("app:region-duplicate") {
            formerly: ["app-region-duplicate"],
            title: "a region is listed twice in `regions`",
            explanation: "Each region in `regions` becomes a stack named after it, so a region listed twice would define \
         the same stack twice. List each region once; the first is the primary.",
        },
        RegionOverrideNoLoadBalancer => error("app:region-override-no-load-balancer") {
            formerly: ["app-region-override-no-load-balancer"],
            title: "`region_overrides` sets certificates for a stack with no load balancer",
            explanation: "`region_overrides.<region>.certificate_arns` replaces the load balancer's certificates in \
         that region's copy of the stack. The stack has neither `load_balancer:` nor services, so \
         there is no listener to put them on: the override would be silently ignored. Add a load \
         balancer, or remove the override.",
        },
        RegionOverrideNoVpc => error("app:region-override-no-vpc") {
            formerly: ["app-region-override-no-vpc"],
            title: "`region_overrides` sets availability zones for a stack with no VPC",
            explanation: "`region_overrides.<region>.availability_zones` picks the zones of that region's VPC. The \
         stack has no `vpc:`, so the override would be silently ignored. Add a VPC, or remove the \
         override.",
        },
        RegionOverrideService => error("app:region-override-service") {
            formerly: ["app-region-override-service"],
            title: "`region_overrides` sets the task count of a service the stack does not have",
            explanation: "`region_overrides.<region>.desired_counts` is keyed by service name. The name given is not under \
         this stack's `services:`; fix the spelling.\n\n\
         ```yaml\nregion_overrides:\n  us-east-1:\n    desired_counts: {api: 1}\n```",
        },
        RegionOverrideUnknown => error("app:region-override-unknown") {
            formerly: ["app-region-override-unknown"],
            title: "`region_overrides` names a region not in `regions`",
            explanation: "An override for a region the stack is not deployed to would never apply, which usually means a \
         typo. List the region under `regions`, or remove the override.",
        },
    }
}
