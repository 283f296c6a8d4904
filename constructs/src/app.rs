//! The app-file schema: the props of a whole app, as an app file spells
//! them. An app file is YAML that deserializes straight into [`AppProps`];
//! Rust users build the same structs by hand.
//!
//! ```
//! use rcdk_constructs::app::{AppProps, StackSpec};
//! use rcdk_constructs::cfn::Format;
//! use rcdk_constructs::ec2::VpcProps;
//!
//! let app = AppProps {
//!     stacks: vec![StackSpec {
//!         name: "network".into(),
//!         vpc: Some(VpcProps { nat_gateways: Some(0), ..Default::default() }),
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let stacks = app.synth(Format::Yaml).expect("valid");
//! assert_eq!(stacks[0].name(), "network");
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

mod escape;
mod stores;

pub use escape::{DependsOn, RawResource};

use crate::cfn::{Format, Output, Parameter, ParameterType, MAX_RESOURCES};
use crate::cloudfront::{
    cloudfront_origin_facing_prefix_list, origin_secret_name, origin_secret_reference, origin_secret_reference_to,
    Distribution, DistributionOrigins, DistributionProps, OriginProtocol, ORIGIN_VERIFY_HEADER,
};
use crate::core::{App, FieldPath, RulePack, Stack, StackProps, Suppressions, Synthesis, SynthesizedStack};
use crate::dynamodb::TableProps;
use crate::ec2::{BastionHost, BastionProps};
use crate::ec2::{Vpc, VpcProps};
use crate::ecr::RepositoryProps;
use crate::ecs::{Cluster, ClusterProps};
use crate::elbv2::{
    Action, ApplicationLoadBalancer, LoadBalancerProps, MAX_RULES_PER_LOAD_BALANCER,
    MAX_TARGET_GROUPS_PER_LOAD_BALANCER,
};
use crate::error::{Errors, ValidationError};
use crate::patterns::{LoadBalancedService, LoadBalancedServiceProps, ServiceContext};
use crate::rds::{Database, DatabaseProps};
use crate::s3::BucketProps;
use crate::sns::{Topic, TopicProps};

/// A whole app: one or more stacks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppProps {
    /// The stacks, each synthesized to `templates/<name>.yaml`. At least one.
    pub stacks: Vec<StackSpec>,
    /// Rule packs every stack's template must pass, besides the stacks'
    /// own `compliance` (`control-tower`: the AWS Control Tower proactive
    /// controls). Each failed rule is an error at the construct that made
    /// the resource, unless suppressed with a reason. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<RulePack>,
    /// Findings accepted knowingly in every stack, by rule name, control id
    /// (`CT.S3.PR.9`) or whole-app warning code, each with its reason: they
    /// are reported as notes. `constructs` paths start with the stack name.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Suppressions::is_empty")]
    pub suppress: Suppressions,
}

/// One stack of an app and the constructs in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StackSpec {
    /// The stack name (see [`StackProps::name`]).
    pub name: String,
    /// The region to deploy to. Default: the environment's region at deploy time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The account to deploy to. Default: the credentials' account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The IAM role to deploy through (see [`StackProps::deploy_role_arn`]).
    /// Default: the `rcdk.toml` pattern for a pinned account, else none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_role_arn: Option<String>,
    /// The CloudFormation service role (see [`StackProps::cloudformation_role_arn`]).
    /// Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation_role_arn: Option<String>,
    /// The template description. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags for every taggable resource. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Rule packs the stack's template must pass (`control-tower`: the AWS
    /// Control Tower proactive controls), besides the app's `compliance`.
    /// With `regions`, every copy and the CDN stack. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<RulePack>,
    /// Findings accepted knowingly in this stack, by rule name, control id
    /// (`CT.S3.PR.9`) or whole-app warning code, each with its reason (see
    /// the README's Compliance section); `constructs` paths are below the
    /// stack. Default: none.
    #[serde(default, skip_serializing_if = "Suppressions::is_empty")]
    pub suppress: Suppressions,
    /// The VPC. Default: no VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<VpcProps>,
    /// Values for the template's parameters at deploy time, by parameter
    /// name; `rcdk deploy --parameter KEY=VALUE` overrides them. A name that
    /// is not a parameter of the template is an error before any AWS call.
    /// Default: none, the template defaults apply.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
    /// The ECS cluster and its EC2 capacity, in the VPC's private subnets
    /// (needs `vpc`). Default: a cluster with [`ClusterProps`]' defaults when
    /// `services` is not empty, otherwise none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterProps>,
    /// The Application Load Balancer in front of the services (needs `vpc`).
    /// Default: one with [`LoadBalancerProps`]' defaults when `services` is
    /// not empty, otherwise none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancerProps>,
    /// Load-balanced services by name (letters, digits, hyphens). Each name's
    /// PascalCase prefixes its resources' logical IDs. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, LoadBalancedServiceProps>,
    /// Where the services' alarms notify: an SNS topic, with an optional email
    /// subscription. Default: no topic (alarms still exist, notifying no one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarms: Option<TopicProps>,
    /// Deploy the stack to each of these regions, as one stack per region
    /// named `<name>-<region>`, in this order; the first is the primary (the
    /// CDN's primary origin). Not with `region`. Every regional stack is a
    /// full copy: its own VPC, NAT gateways, cluster, load balancer and
    /// database, each billed. Default: one stack, in `region`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// A CloudFront distribution in front of two load balancers, failing over
    /// from the primary to the secondary. With `regions` (exactly two): a
    /// separate stack `<name>-cdn` in us-east-1 whose origins are the two
    /// regional stacks' load balancers. Without `regions`: the distribution
    /// is in this stack and `origin_stacks` names the origins. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdn: Option<DistributionProps>,
    /// The two stacks whose load balancers are the CDN's origins, primary
    /// first; their DNS names reach this stack as parameters fed by
    /// `rcdk deploy`, and this stack deploys after them. Only with `cdn` and
    /// without `regions`. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origin_stacks: Vec<String>,
    /// What differs between the copies `regions` makes, by region: e.g.
    /// `eu-west-1: {desired_counts: {web: 1}}` runs fewer tasks in the
    /// failover region. Only regions listed in `regions`. Default: identical
    /// copies.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub region_overrides: BTreeMap<String, RegionOverrides>,
    /// An RDS database in the VPC's private subnets (needs `vpc`); services
    /// connect with `database: true`. Billed by the hour and per GiB.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseProps>,
    /// A bastion host in a public subnet, reached through SSM Session Manager
    /// and allowed into the cluster's instances (and the database) on their
    /// ports (needs `vpc`). Billed by the hour. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bastion: Option<BastionProps>,
    /// ECR repositories by repository name (2 to 256 lower-case letters,
    /// digits, `-`, `_`, `.`, `/`): immutable tags, scan on push, encryption,
    /// a lifecycle rule keeping the newest images, retained when removed.
    /// Services name their image as `{repository: <name>, tag: <tag>}`.
    /// Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub repositories: BTreeMap<String, RepositoryProps>,
    /// DynamoDB tables by name (its PascalCase prefixes the logical ID; the
    /// table name itself is generated): on-demand, point-in-time recovery,
    /// deletion protection, encryption, retained when removed or replaced.
    /// Services get access with `grants.tables`. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, TableProps>,
    /// S3 buckets by name (its PascalCase prefixes the logical ID; the
    /// bucket name itself is generated): public access blocked, encryption,
    /// versioning, TLS-only bucket policy, retained when removed or
    /// replaced. Services get access with `grants.buckets`. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub buckets: BTreeMap<String, BucketProps>,
    /// Raw CloudFormation resources by logical ID, for what the constructs
    /// do not model: `{Type, Properties, DependsOn, Condition,
    /// DeletionPolicy, UpdateReplacePolicy, Metadata}` as a template spells
    /// them, with long-form intrinsics (`{Ref: X}`, `{"Fn::GetAtt": [X, Arn]}`).
    /// Checked against the type's CloudFormation resource provider schema.
    /// Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, RawResource>,
    /// Changes to the synthesized resources by logical ID, applied after the
    /// constructs render (and after `resources`): `{"Properties.Some.Path":
    /// value}` sets a property (`null` deletes it), `DeletionPolicy`,
    /// `UpdateReplacePolicy`, `DependsOn`, `Condition` and `Metadata.*` set
    /// those attributes. Checked against the type's schema. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
}

/// The region of the stack holding the CDN of a multi-region stack:
/// CloudFront is global, and its certificates live in us-east-1.
pub const CDN_STACK_REGION: &str = "us-east-1";
/// Suffix of the name of the CDN stack of a multi-region stack.
pub const CDN_STACK_SUFFIX: &str = "cdn";
/// The parameter of a CDN stack receiving the primary load balancer's DNS name.
pub const PRIMARY_ORIGIN_PARAMETER: &str = "PrimaryOriginDomainName";
/// The parameter of a CDN stack receiving the secondary load balancer's DNS name.
pub const SECONDARY_ORIGIN_PARAMETER: &str = "SecondaryOriginDomainName";
/// The output of a stack with services giving its load balancer's DNS name.
pub const LOAD_BALANCER_DNS_OUTPUT: &str = "LoadBalancerDnsName";

/// What one stack spec becomes: a stack of its own, a copy in one of its
/// `regions`, or the CDN stack of a multi-region spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expansion {
    Single,
    Regional { first: bool },
    Cdn,
}

/// How a stack takes part in a locked CDN (see [`DistributionProps::origin_lock`]).
#[derive(Debug, Clone, Default)]
struct CdnRole {
    /// The CDN's name: the secret is `rcdk/<cdn>/cdn-origin-verify`.
    cdn: String,
    /// This stack's load balancer is an origin of a locked CDN.
    origin: bool,
    /// This stack creates the secret (the primary origin), replicated to these regions.
    creates_secret: Option<Vec<String>>,
    /// The stack that creates the secret, when another one does.
    secret_stack: Option<String>,
    /// This stack holds the CDN: lock it, and default to HTTPS origins when `https_origins`.
    distribution: bool,
    /// Every origin load balancer has a certificate.
    https_origins: bool,
}

/// The CDN roles of every stack of the app, by stack name.
fn cdn_roles(expanded: &[Vec<(StackSpec, Expansion)>]) -> BTreeMap<String, CdnRole> {
    let all: BTreeMap<&str, &StackSpec> = expanded.iter().flatten().map(|(s, _)| (s.name.as_str(), s)).collect();
    let mut roles: BTreeMap<String, CdnRole> = BTreeMap::new();
    for (spec, kind) in expanded.iter().flatten() {
        let Some(cdn) = &spec.cdn else { continue };
        if !matches!(kind, Expansion::Single | Expansion::Cdn) || spec.origin_stacks.len() != 2 {
            continue;
        }
        let origins: Vec<&StackSpec> = spec.origin_stacks.iter().filter_map(|n| all.get(n.as_str()).copied()).collect();
        if origins.len() != 2 {
            continue;
        }
        let name = match kind {
            Expansion::Cdn => spec.name.strip_suffix(&format!("-{CDN_STACK_SUFFIX}")).unwrap_or(&spec.name).to_owned(),
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

/// Per-region differences of a multi-region stack (see
/// [`StackSpec::region_overrides`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionOverrides {
    /// Tasks per service in this region, replacing the service's
    /// `desired_count` (so the same rules apply: not with `scaling`).
    /// Default: each service's own `desired_count`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub desired_counts: BTreeMap<String, u32>,
    /// The load balancer's certificates in this region, replacing
    /// `load_balancer.certificate_arns` (an ACM certificate serves only its
    /// own region, so each region needs its own). Default: the stack's
    /// `load_balancer.certificate_arns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_arns: Option<Vec<String>>,
    /// The VPC's availability zones in this region, replacing
    /// `vpc.availability_zones`. Default: the stack's `vpc.availability_zones`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zones: Option<Vec<String>>,
    /// The managed prefix lists the load balancer admits in this region,
    /// replacing `load_balancer.ingress_prefix_lists` (a prefix list ID
    /// belongs to one region, e.g. CloudFront's origin-facing list of a CDN
    /// origin). Default: the stack's `load_balancer.ingress_prefix_lists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_prefix_lists: Option<Vec<String>>,
}

impl StackSpec {
    /// The stacks this spec stands for, in order: itself; or with `regions`,
    /// one copy per region (`<name>-<region>`, without `cdn`), then the CDN
    /// stack `<name>-cdn` when `cdn` is set. [`AppProps::synth`] builds
    /// these; `rcdk deploy` reads each one's region and parameters.
    pub fn expand(&self) -> Vec<StackSpec> {
        self.expansions().into_iter().map(|(spec, _)| spec).collect()
    }

    fn expansions(&self) -> Vec<(StackSpec, Expansion)> {
        if self.regions.is_empty() {
            return vec![(self.clone(), Expansion::Single)];
        }
        let mut out: Vec<(StackSpec, Expansion)> = self
            .regions
            .iter()
            .enumerate()
            .map(|(i, region)| {
                let mut spec = StackSpec {
                    name: format!("{}-{region}", self.name),
                    region: Some(region.clone()),
                    regions: Vec::new(),
                    cdn: None,
                    region_overrides: BTreeMap::new(),
                    ..self.clone()
                };
                if let Some(overrides) = self.region_overrides.get(region) {
                    for (service, count) in &overrides.desired_counts {
                        if let Some(props) = spec.services.get_mut(service) {
                            props.desired_count = Some(*count);
                        }
                    }
                    if let Some(arns) = &overrides.certificate_arns {
                        let lb = spec.load_balancer.get_or_insert_with(Default::default);
                        lb.certificate_arns = Some(arns.clone());
                    }
                    if let Some(lists) = &overrides.ingress_prefix_lists {
                        let lb = spec.load_balancer.get_or_insert_with(Default::default);
                        lb.ingress_prefix_lists = Some(lists.clone());
                    }
                    if let (Some(azs), Some(vpc)) = (&overrides.availability_zones, spec.vpc.as_mut()) {
                        vpc.availability_zones = Some(azs.clone());
                        vpc.max_azs = None;
                    }
                }
                (spec, Expansion::Regional { first: i == 0 })
            })
            .collect();
        // With another count of regions there is no primary/secondary pair
        // to front (an error of `validate_regions`): no CDN stack.
        if let Some(cdn) = self.cdn.as_ref().filter(|_| self.regions.len() == 2) {
            let spec = StackSpec {
                name: format!("{}-{CDN_STACK_SUFFIX}", self.name),
                region: Some(CDN_STACK_REGION.into()),
                account: self.account.clone(),
                deploy_role_arn: self.deploy_role_arn.clone(),
                cloudformation_role_arn: self.cloudformation_role_arn.clone(),
                description: self.description.clone(),
                tags: self.tags.clone(),
                compliance: self.compliance.clone(),
                suppress: self.suppress.clone(),
                cdn: Some(cdn.clone()),
                origin_stacks: out.iter().take(2).map(|(s, _)| s.name.clone()).collect(),
                ..Default::default()
            };
            out.push((spec, Expansion::Cdn));
        }
        out
    }

    /// The stack's own props.
    pub fn stack_props(&self) -> StackProps {
        StackProps {
            name: self.name.clone(),
            region: self.region.clone(),
            account: self.account.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
            parameters: self.parameters.clone(),
            compliance: self.compliance.clone(),
            deploy_role_arn: self.deploy_role_arn.clone(),
            cloudformation_role_arn: self.cloudformation_role_arn.clone(),
        }
    }
}

/// Adds the cluster, load balancer, alarm topic and services of `spec`.
fn build_compute(
    stack: &mut Stack,
    spec: &StackSpec,
    vpc: Option<&Vpc>,
    database: Option<&Database>,
    bastion: Option<&BastionHost>,
    stores: &stores::Stores,
    origin_header: Option<&serde_json::Value>,
) {
    let wants_cluster = spec.cluster.is_some() || !spec.services.is_empty();
    let wants_alb = spec.load_balancer.is_some() || !spec.services.is_empty();
    if !wants_cluster && !wants_alb {
        return;
    }
    let Some(vpc) = vpc else {
        let field = if spec.cluster.is_some() {
            "cluster"
        } else if spec.load_balancer.is_some() {
            "load_balancer"
        } else {
            "services"
        };
        let e = ValidationError::new(
            "app:vpc-missing",
            stack.root(),
            format!("`{field}` needs a VPC, and the stack has none"),
        )
        .field(field)
        .help("add `vpc: {}` (three AZs, one NAT gateway) or a `vpc:` block of your own");
        stack.report(e);
        return;
    };
    let root = stack.root().clone();
    let cluster = wants_cluster.then(|| {
        let props = spec.cluster.clone().unwrap_or_default();
        let cluster = stack.in_field("cluster", |s| Cluster::new(s, &root.child("Cluster"), vpc, &props));
        stack.add_output(&root.child("ClusterName"), Output::new(cluster.name.clone(), "Name of the ECS cluster"));
        if let Some(bastion) = bastion {
            bastion.allow_ssh_into(stack, &cluster.instance_security_group, "FromBastion");
        }
        cluster
    });
    let alb = wants_alb.then(|| {
        let mut props = spec.load_balancer.clone().unwrap_or_default();
        let known_list = if origin_header.is_some() { lock_ingress(stack, spec, &mut props) } else { None };
        let alb = stack.in_field("load_balancer", |s| {
            ApplicationLoadBalancer::new(s, &root.child("LoadBalancer"), vpc, &Action::not_found(), &props)
        });
        if let Some(list) = known_list {
            origin_facing_parameter(stack, &root, list);
        }
        alb
    });
    let notify: Vec<serde_json::Value> = spec
        .alarms
        .as_ref()
        .map(|props| stack.in_field("alarms", |s| Topic::new(s, &root.child("AlarmTopic"), props)).arn)
        .into_iter()
        .collect();
    let (Some(cluster), Some(mut alb)) = (cluster, alb) else { return };
    if let Some(secret) = origin_header {
        // Before the services: their listener rules require the header.
        alb.require_header(stack, ORIGIN_VERIFY_HEADER, secret);
    }
    for (name, props) in &spec.services {
        let lbs = stack.in_field(FieldPath::root().key("services").key(name.as_str()), |s| {
            let props = &stores::resolve_images(s, name, props, stores);
            let lbs = LoadBalancedService::new(
                s,
                &root.child(name),
                &ServiceContext { alarm_topics: &notify, database, ..ServiceContext::new(&cluster, &alb) },
                props,
            );
            stores::grant(s, name, props, &lbs, stores);
            lbs
        });
        stack.add_output(
            &lbs.path.child("ServiceName"),
            Output::new(lbs.service.name.clone(), format!("Name of the ECS service `{name}`")),
        );
    }
    check_load_balancer_quotas(stack, &alb, spec.services.len());
    alb.add_required_header_not_found(stack);
}

/// The template parameter holding CloudFront's origin-facing prefix list ID
/// of a locked origin whose ID rcdk looked up in its table.
pub const ORIGIN_FACING_PARAMETER: &str = "CloudFrontOriginFacingPrefixList";

/// Turns the looked-up prefix list `list` in the load balancer's ingress
/// rules into a parameter defaulting to it, so a deploy can correct it
/// (`--parameter CloudFrontOriginFacingPrefixList=pl-...`) without a new
/// synthesis: rcdk's table comes from published per-region IDs, not from an
/// AWS lookup.
fn origin_facing_parameter(stack: &mut Stack, root: &crate::core::ConstructPath, list: &str) {
    let rules: Vec<String> = stack
        .template
        .resources
        .iter()
        .filter(|(_, r)| {
            r.resource_type == "AWS::EC2::SecurityGroupIngress"
                && r.properties.get("SourcePrefixListId").and_then(|v| v.as_str()) == Some(list)
        })
        .map(|(id, _)| id.clone())
        .collect();
    if rules.is_empty() {
        return;
    }
    let mut definition = Parameter::new(ParameterType::String)
        .description(
            "ID of the managed prefix list com.amazonaws.global.cloudfront.origin-facing in this region \
             (aws ec2 describe-managed-prefix-lists); the load balancer admits only CloudFront",
        )
        .default_value(list);
    definition.allowed_pattern = Some("^pl-[0-9a-f]+$".into());
    definition.constraint_description = Some("a managed prefix list ID: pl- and hexadecimal digits".into());
    let parameter = stack.add_parameter(&root.child(ORIGIN_FACING_PARAMETER), ORIGIN_FACING_PARAMETER, definition);
    for id in rules {
        if let Some(r) = stack.template.resources.get_mut(&id) {
            r.properties.insert("SourcePrefixListId".into(), parameter.clone());
            if let Some(d) = r.properties.get_mut("Description") {
                if let Some(text) = d.as_str() {
                    *d =
                        text.replace(&format!("prefix list {list}"), "the CloudFront origin-facing prefix list").into();
                }
            }
        }
    }
}

/// The ingress of a locked CDN origin: CloudFront's origin-facing prefix
/// list of the stack's region (unless `ingress_prefix_lists` is given), and
/// no CIDRs (unless `ingress_cidrs` is given). Returns the prefix list ID
/// when it came from rcdk's table.
fn lock_ingress(stack: &mut Stack, spec: &StackSpec, props: &mut LoadBalancerProps) -> Option<&'static str> {
    let mut known = None;
    if props.ingress_prefix_lists.is_none() {
        match spec.region.as_deref().and_then(cloudfront_origin_facing_prefix_list) {
            Some(list) => {
                props.ingress_prefix_lists = Some(vec![list.to_owned()]);
                known = Some(list);
            }
            None => {
                let region = spec.region.as_deref().unwrap_or("(unknown: the stack sets no `region`)");
                stack.report(
                    ValidationError::new(
                        "cdn:prefix-list-unknown",
                        stack.root(),
                        format!("this stack is a CDN origin in region {region}, where rcdk does not know CloudFront's origin-facing prefix list ID"),
                    )
                    .field("load_balancer")
                    .help("set `region:`, or give the ID (`aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`) as `load_balancer.ingress_prefix_lists`, or set `cdn.origin_lock: false`"),
                );
            }
        }
    }
    if props.ingress_cidrs.is_none() {
        props.ingress_cidrs = Some(Vec::new());
    }
    known
}

/// The secret CloudFront sends to the locked origins: generated by Secrets
/// Manager in this (the primary origin's) stack and replicated to
/// `replicas`. Returns its logical ID.
fn add_origin_secret(stack: &mut Stack, cdn: &str, replicas: &[String]) -> String {
    let path = stack.root().child("CdnOriginSecret");
    let mut secret = crate::cfn::Resource::new("AWS::SecretsManager::Secret")
        .prop("Name", origin_secret_name(cdn))
        .prop(
            "Description",
            format!("Value of the {ORIGIN_VERIFY_HEADER} header CloudFront sends to the load balancers of CDN {cdn}"),
        )
        .prop("GenerateSecretString", serde_json::json!({"PasswordLength": 48, "ExcludePunctuation": true}));
    if !replicas.is_empty() {
        let list: Vec<serde_json::Value> = replicas.iter().map(|r| serde_json::json!({"Region": r})).collect();
        secret = secret.prop("ReplicaRegions", serde_json::Value::Array(list));
    }
    stack.add_resource(&path, secret)
}

/// Reports a load balancer with more listener rules or target groups than
/// an Application Load Balancer allows, located at the stack's `services`.
fn check_load_balancer_quotas(stack: &mut Stack, alb: &ApplicationLoadBalancer, services: usize) {
    let usage = alb.usage(&stack.template);
    let help = format!(
        "split the services over more stacks, each with its own load balancer; each service needs at least one rule and one \
         target group, so at most {MAX_RULES_PER_LOAD_BALANCER} services fit behind one load balancer \
         (and CloudFormation's {MAX_RESOURCES} resources per stack usually allow fewer)"
    );
    let checks = [
        ("elbv2:too-many-rules", "listener rules", usage.rules, MAX_RULES_PER_LOAD_BALANCER),
        ("elbv2:too-many-target-groups", "target groups", usage.target_groups, MAX_TARGET_GROUPS_PER_LOAD_BALANCER),
    ];
    for (code, what, count, max) in checks {
        if count > max {
            stack.report(
                ValidationError::new(
                    code,
                    &alb.path,
                    format!(
                        "the {services} services of this stack need {count} {what} on one load balancer; \
                         an Application Load Balancer allows at most {max}"
                    ),
                )
                .field("services")
                .help(help.clone()),
            );
        }
    }
}

impl AppProps {
    /// Builds the construct tree. Problems are recorded in the stacks and
    /// returned by [`App::synth`].
    pub fn build(&self) -> App {
        let mut app = App::new();
        // Expand every spec once: the copies carry whole service maps.
        let expanded: Vec<Vec<(StackSpec, Expansion)>> = self.stacks.iter().map(StackSpec::expansions).collect();
        let names: BTreeSet<String> = expanded.iter().flatten().map(|(s, _)| s.name.clone()).collect();
        let roles = cdn_roles(&expanded);
        for (i, (spec, copies)) in self.stacks.iter().zip(expanded).enumerate() {
            for (expanded, kind) in copies {
                let mut stack = Stack::new(expanded.stack_props(), FieldPath::root().key("stacks").index(i));
                if matches!(kind, Expansion::Single | Expansion::Regional { first: true }) {
                    validate_regions(&mut stack, spec);
                }
                build_stack(&mut stack, &expanded, kind, &names, roles.get(&expanded.name));
                app.add_stack(stack);
            }
        }
        for pack in &self.compliance {
            app.add_compliance(*pack);
        }
        app.suppress_all(&self.suppress);
        app
    }

    /// Builds and synthesizes every stack in `format`.
    pub fn synth(&self, format: Format) -> Result<Vec<SynthesizedStack>, Errors> {
        self.synth_with_warnings(format).map(|(stacks, _)| stacks)
    }

    /// Like [`AppProps::synth`], and also returns the whole-app analysis'
    /// warnings (see [`crate::analysis`]); acknowledged ones are dropped
    /// (see [`AppProps::synth_with_diagnostics`]).
    pub fn synth_with_warnings(&self, format: Format) -> Result<(Vec<SynthesizedStack>, Vec<ValidationError>), Errors> {
        self.synth_with_diagnostics(format).map(|s| (s.stacks, s.warnings))
    }

    /// Like [`AppProps::synth`], and also returns the whole-app analysis'
    /// warnings and the notes of warnings a construct acknowledged (see
    /// [`crate::core::Stack::acknowledge`]).
    pub fn synth_with_diagnostics(&self, format: Format) -> Result<Synthesis, Errors> {
        if self.stacks.is_empty() {
            return Err(Errors(vec![crate::ValidationError::new(
                "app:empty",
                &Default::default(),
                "the app has no stacks",
            )
            .field("stacks")
            .help("add at least one entry under `stacks:`")]));
        }
        self.check_size()?;
        self.build()
            .synth_with_diagnostics(format)
            .map(|s| Synthesis {
                stacks: s.stacks,
                warnings: dedup_region_copies(s.warnings),
                notes: dedup_region_copies(s.notes),
            })
            .map_err(|e| Errors(dedup_region_copies(e.0)))
    }

    /// Refuses, before anything is built, an app larger than
    /// [`MAX_APP_STACKS`] stacks or [`MAX_APP_SERVICES`] services once
    /// `regions` are expanded: its construction alone would take seconds
    /// (a few hundred microseconds per service), and CloudFormation's
    /// quotas would refuse it anyway.
    fn check_size(&self) -> Result<(), Errors> {
        let copies = |spec: &StackSpec| spec.regions.len().max(1);
        let stacks: usize =
            self.stacks.iter().map(|s| copies(s) + usize::from(s.cdn.is_some() && !s.regions.is_empty())).sum();
        let services: usize = self.stacks.iter().map(|s| s.services.len().saturating_mul(copies(s))).sum();
        let mut errors = Vec::new();
        if stacks > MAX_APP_STACKS {
            errors.push(
                ValidationError::new(
                    "app:too-many-stacks",
                    &Default::default(),
                    format!("the app makes {stacks} stacks (counting one per region); rcdk builds at most {MAX_APP_STACKS} from one app"),
                )
                .field("stacks")
                .help("split the app into several app files"),
            );
        }
        if services > MAX_APP_SERVICES {
            errors.push(
                ValidationError::new(
                    "app:too-many-services",
                    &Default::default(),
                    format!("the app has {services} services (counting one copy per region); rcdk builds at most {MAX_APP_SERVICES} from one app"),
                )
                .field("stacks")
                .help("split the app into several app files; one load balancer fronts at most 100 services"),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Errors(errors))
        }
    }
}

/// The most stacks one app may make, `regions` copies and CDN stacks
/// included (README, "Limits").
pub const MAX_APP_STACKS: usize = 100;
/// The most services one app may have, counting each region's copy
/// (README, "Limits"): ten times what one load balancer can front.
pub const MAX_APP_SERVICES: usize = 1000;

/// Builds the constructs of one (expanded) stack.
fn build_stack(stack: &mut Stack, spec: &StackSpec, kind: Expansion, names: &BTreeSet<String>, role: Option<&CdnRole>) {
    let root = stack.root().clone();
    stack.suppress_all(&root, &spec.suppress);
    let vpc = spec.vpc.as_ref().map(|vpc| stack.in_field("vpc", |s| Vpc::new(s, &root.child("Vpc"), vpc)));
    let needs_vpc = |stack: &mut Stack, field: &str| {
        let e = ValidationError::new(
            "app:vpc-missing",
            stack.root(),
            format!("`{field}` needs a VPC, and the stack has none"),
        )
        .field(field)
        .help("add `vpc: {}` (three AZs, one NAT gateway) or a `vpc:` block of your own");
        stack.report(e);
    };
    let database = spec.database.as_ref().and_then(|props| match &vpc {
        Some(vpc) => Some(stack.in_field("database", |s| Database::new(s, &root.child("Database"), vpc, props))),
        None => {
            needs_vpc(stack, "database");
            None
        }
    });
    let bastion = spec.bastion.as_ref().and_then(|props| match &vpc {
        Some(vpc) => Some(stack.in_field("bastion", |s| BastionHost::new(s, &root.child("Bastion"), vpc, props))),
        None => {
            needs_vpc(stack, "bastion");
            None
        }
    });
    if let (Some(db), Some(bastion)) = (&database, &bastion) {
        db.allow_from(stack, "FromBastion", &bastion.security_group.group_id);
    }
    let stores = stores::build(stack, spec);
    // A locked origin's listeners require the secret header: in the stack
    // that creates the secret, read by `Ref` (an implicit dependency, so the
    // secret exists before the rules that read it); elsewhere by name (the
    // replica another stack creates, deployed before this one).
    let origin_secret =
        role.and_then(|r| r.creates_secret.as_ref().map(|replicas| add_origin_secret(stack, &r.cdn, replicas)));
    let origin_header = role.filter(|r| r.origin).map(|r| match &origin_secret {
        Some(id) => origin_secret_reference_to(id),
        None => serde_json::Value::String(origin_secret_reference(&r.cdn)),
    });
    build_compute(stack, spec, vpc.as_ref(), database.as_ref(), bastion.as_ref(), &stores, origin_header.as_ref());
    if let Some(role) = role {
        if let Some(primary) = &role.secret_stack {
            stack.add_dependency(primary);
        }
    }
    if !matches!(kind, Expansion::Regional { .. }) {
        build_cdn(stack, spec, kind, names, role.filter(|r| r.distribution));
    }
    escape::apply(stack, &spec.resources, &spec.overrides);
}

/// Adds the CDN of `spec`, its origins read from the origin stacks' outputs.
fn build_cdn(stack: &mut Stack, spec: &StackSpec, kind: Expansion, names: &BTreeSet<String>, role: Option<&CdnRole>) {
    let root = stack.root().clone();
    let Some(props) = &spec.cdn else {
        if !spec.origin_stacks.is_empty() {
            stack.report(
                ValidationError::new("app:cdn-origins-without-cdn", &root, "`origin_stacks` is set, and `cdn` is not")
                    .field("origin_stacks")
                    .help("add a `cdn:` block, or remove `origin_stacks`"),
            );
        }
        return;
    };
    if spec.origin_stacks.len() != 2 {
        // The CDN stack of a multi-region spec takes its origins from
        // `regions`, whose count `validate_regions` reports.
        if kind != Expansion::Single {
            return;
        }
        stack.report(
            ValidationError::new(
                "app:cdn-origins-invalid",
                &root,
                format!(
                    "a CDN fails over between exactly two load balancers, and `origin_stacks` names {}",
                    spec.origin_stacks.len()
                ),
            )
            .field(if spec.origin_stacks.is_empty() { "cdn" } else { "origin_stacks" })
            .help("give `regions: [<primary>, <secondary>]` to this stack, or `origin_stacks: [<primary stack>, <secondary stack>]`"),
        );
        return;
    }
    let mut known = true;
    for (i, origin) in spec.origin_stacks.iter().enumerate() {
        if !names.contains(origin) {
            known = false;
            stack.report(
                ValidationError::new(
                    "app:cdn-origin-stack-unknown",
                    &root,
                    format!("the app has no stack named `{origin}`"),
                )
                .field(FieldPath::root().key("origin_stacks").index(i))
                .help(format!(
                    "name a stack of this app with services: {}",
                    names.iter().cloned().collect::<Vec<_>>().join(", ")
                )),
            );
        } else if *origin == spec.name {
            known = false;
            stack.report(
                ValidationError::new(
                    "app:cdn-origin-self",
                    &root,
                    "a stack cannot be an origin of its own CDN: its outputs are known only after it is deployed",
                )
                .field(FieldPath::root().key("origin_stacks").index(i))
                .help("put the CDN in a stack of its own"),
            );
        }
    }
    let (primary_stack, secondary_stack) = match spec.origin_stacks.as_slice() {
        [primary, secondary] => (primary, secondary),
        _ => return,
    };
    if primary_stack == secondary_stack {
        known = false;
        stack.report(
            ValidationError::new(
                "app:cdn-origins-same",
                &root,
                "the primary and the secondary origin are the same stack",
            )
            .field(FieldPath::root().key("origin_stacks").index(1))
            .help("fail over to a stack in another region"),
        );
    }
    if !known {
        return;
    }
    let path = root.child("Cdn");
    let primary = stack.add_input(&path, PRIMARY_ORIGIN_PARAMETER, primary_stack, LOAD_BALANCER_DNS_OUTPUT);
    let secondary = stack.add_input(&path, SECONDARY_ORIGIN_PARAMETER, secondary_stack, LOAD_BALANCER_DNS_OUTPUT);
    let mut props = props.clone();
    if props.origin_protocol.is_none() && role.is_some_and(|r| r.https_origins) {
        props.origin_protocol = Some(OriginProtocol::HttpsOnly);
    }
    if props.origin_protocol == Some(OriginProtocol::HttpOnly)
        && spec.cdn.as_ref().is_some_and(|c| c.origin_protocol.is_some())
    {
        stack.acknowledge(
            &path,
            crate::analysis::codes::CDN_SECRET_CLEARTEXT,
            "`origin_protocol: http_only` is written in the app: the origin header crosses the internet in plain HTTP",
        );
    }
    let secret = role
        .filter(|_| props.origin_lock.unwrap_or(true))
        .map(|r| serde_json::Value::String(origin_secret_reference(&r.cdn)));
    let origins = DistributionOrigins {
        custom_header: secret.map(|v| (ORIGIN_VERIFY_HEADER.to_owned(), v)),
        ..DistributionOrigins::new(primary, secondary)
    };
    stack.in_field("cdn", |s| Distribution::new(s, &path, &origins, &props));
}

/// Checks `region` and `regions` of a spec (once per spec, not per copy).
fn validate_regions(stack: &mut Stack, spec: &StackSpec) {
    let root = stack.root().clone();
    for (region, overrides) in &spec.region_overrides {
        let at = FieldPath::root().key("region_overrides").key(region.as_str());
        if !spec.regions.contains(region) {
            stack.report(
                ValidationError::new(
                    "app:region-override-unknown",
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
                        "app:region-override-no-load-balancer",
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
                    "app:region-override-no-vpc",
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
                        "app:region-override-service",
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
            ValidationError::new("app:region-conflict", &root, "`region` and `regions` are both set")
                .field("region")
                .help("keep `regions` for one stack per region, or `region` for a single stack"),
        );
    }
    let mut seen = BTreeSet::new();
    for (i, region) in spec.regions.iter().enumerate() {
        if !seen.insert(region.as_str()) {
            stack.report(
                ValidationError::new("app:region-duplicate", &root, format!("region `{region}` is listed twice"))
                    .field(FieldPath::root().key("regions").index(i))
                    .help("list each region once; the first is the primary"),
            );
        }
    }
    if spec.cdn.is_some() && spec.regions.len() != 2 {
        stack.report(
            ValidationError::new(
                "app:cdn-regions-invalid",
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
                "app:cdn-origins-with-regions",
                &root,
                "`origin_stacks` is set, and with `regions` the CDN's origins are the regional stacks",
            )
            .field("origin_stacks")
            .help("remove `origin_stacks`"),
        );
    }
}

/// The copies of a multi-region stack report the same problem once per
/// region: keep the first of each (same code, field, construct below the
/// stack, and message but for the stack's name). Different problems with the
/// same code at the same place (a stack over the resource and the output
/// limits) are all kept.
fn dedup_region_copies(errors: Vec<ValidationError>) -> Vec<ValidationError> {
    let mut seen = BTreeSet::new();
    errors
        .into_iter()
        .filter(|e| {
            let segments = e.construct.segments();
            let below: Vec<String> = segments.iter().skip(1).cloned().collect();
            let message = match segments.first() {
                Some(stack) if !stack.is_empty() => e.message.replace(stack.as_str(), "<stack>"),
                _ => e.message.clone(),
            };
            let key = (e.code, e.field.to_string(), below.join("/"), e.help.clone(), message);
            seen.insert(key)
        })
        .collect()
}
