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
//! };
//! let stacks = app.synth(Format::Yaml).expect("valid");
//! assert_eq!(stacks[0].name(), "network");
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cfn::{Format, Output};
use crate::core::{App, FieldPath, Stack, StackProps, SynthesizedStack};
use crate::ec2::{Vpc, VpcProps};
use crate::ecs::{Cluster, ClusterProps};
use crate::elbv2::{Action, ApplicationLoadBalancer, LoadBalancerProps};
use crate::error::{Errors, ValidationError};
use crate::patterns::{LoadBalancedService, LoadBalancedServiceProps};
use crate::sns::{Topic, TopicProps};

/// A whole app: one or more stacks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppProps {
    /// The stacks, each synthesized to `templates/<name>.yaml`. At least one.
    pub stacks: Vec<StackSpec>,
}

/// One stack of an app and the constructs in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// The template description. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags for every taggable resource. Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
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
}

impl StackSpec {
    /// The stack's own props.
    pub fn stack_props(&self) -> StackProps {
        StackProps {
            name: self.name.clone(),
            region: self.region.clone(),
            account: self.account.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
        }
    }
}

/// Adds the cluster, load balancer, alarm topic and services of `spec`.
fn build_compute(stack: &mut Stack, spec: &StackSpec, vpc: Option<&Vpc>) {
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
            "app-vpc-missing",
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
        let cluster = stack.in_field("cluster", |s| Cluster::new(s, "Cluster", vpc, &props));
        stack.add_output(&root.child("ClusterName"), Output::new(cluster.name.clone(), "Name of the ECS cluster"));
        cluster
    });
    let alb = wants_alb.then(|| {
        let props = spec.load_balancer.clone().unwrap_or_default();
        stack.in_field("load_balancer", |s| {
            ApplicationLoadBalancer::new(s, &root.child("LoadBalancer"), vpc, &props, &Action::not_found())
        })
    });
    let notify: Vec<serde_json::Value> = spec
        .alarms
        .as_ref()
        .map(|props| stack.in_field("alarms", |s| Topic::new(s, &root.child("AlarmTopic"), props)).arn)
        .into_iter()
        .collect();
    let (Some(cluster), Some(alb)) = (cluster, alb) else { return };
    for (name, props) in &spec.services {
        let lbs = stack.in_field(FieldPath::root().key("services").key(name.as_str()), |s| {
            LoadBalancedService::new(s, name, props, &cluster, &alb, &notify)
        });
        stack.add_output(
            &lbs.path.child("ServiceName"),
            Output::new(lbs.service.name.clone(), format!("Name of the ECS service `{name}`")),
        );
    }
}

impl AppProps {
    /// Builds the construct tree. Problems are recorded in the stacks and
    /// returned by [`App::synth`].
    pub fn build(&self) -> App {
        let mut app = App::new();
        for (i, spec) in self.stacks.iter().enumerate() {
            let mut stack = Stack::new(spec.stack_props(), FieldPath::root().key("stacks").index(i));
            let vpc = spec.vpc.as_ref().map(|vpc| stack.in_field("vpc", |s| Vpc::new(s, "Vpc", vpc)));
            build_compute(&mut stack, spec, vpc.as_ref());
            app.add_stack(stack);
        }
        app
    }

    /// Builds and synthesizes every stack in `format`.
    pub fn synth(&self, format: Format) -> Result<Vec<SynthesizedStack>, Errors> {
        if self.stacks.is_empty() {
            return Err(Errors(vec![crate::ValidationError::new(
                "app-empty",
                &Default::default(),
                "the app has no stacks",
            )
            .field("stacks")
            .help("add at least one entry under `stacks:`")]));
        }
        self.build().synth(format)
    }
}
