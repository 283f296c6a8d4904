//! The platform's props: what one stack of an app holds, and the per-region
//! differences of its copies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cloudfront::DistributionProps;
use crate::core::{RawResource, RulePack, StackProps, Suppressions};
use crate::dynamodb::TableProps;
use crate::ec2::{BastionProps, VpcProps};
use crate::ecr::RepositoryProps;
use crate::ecs::ClusterProps;
use crate::elbv2::LoadBalancerProps;
use crate::patterns::LoadBalancedServiceProps;
use crate::rds::DatabaseProps;
use crate::s3::BucketProps;
use crate::sns::TopicProps;

/// The props of the platform: one stack of an app and what it holds, as an
/// app file's entry under `stacks:` spells it (the app file deserializes
/// straight into it). [`Platform::new`](super::Platform::new) builds one
/// stack from it; [`build`](super::build) builds an app's stacks, with the
/// copies `regions` asks for and the CDN stack.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "One stack of an app and the constructs in it.")]
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
pub enum StackKind {
    /// The spec's own stack (no `regions`).
    Single,
    /// The copy of a multi-region spec in one of its regions; `first` for the primary.
    Regional {
        /// The first region's copy: the primary, which checks the spec's `regions`.
        first: bool,
    },
    /// The CDN stack of a multi-region spec with `cdn`.
    Cdn,
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

    /// [`StackSpec::expand`], with what each stack is.
    pub fn expansions(&self) -> Vec<(StackSpec, StackKind)> {
        if self.regions.is_empty() {
            return vec![(self.clone(), StackKind::Single)];
        }
        let mut out: Vec<(StackSpec, StackKind)> = self
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
                (spec, StackKind::Regional { first: i == 0 })
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
            out.push((spec, StackKind::Cdn));
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
