//! One platform stack, built in named steps from the public constructors
//! and handle methods of the resource modules and the load-balanced service
//! pattern: network, data, stores, cluster, load balancer, alarm topic,
//! services, the CDN's secret and distribution, escape hatches.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::cdn::{add_origin_secret, distribution, lock_ingress};
use super::regions::CdnRole;
use super::spec::StackKind;
use super::spec::StackSpec;
use super::stores::{self, Stores};
use crate::cfn::Output;
use crate::cloudfront::{origin_secret_reference, origin_secret_reference_to, Distribution, ORIGIN_VERIFY_HEADER};
use crate::core::{FieldPath, Stack};
use crate::ec2::{BastionHost, Vpc};
use crate::ecs::Cluster;
use crate::elbv2::{Action, ApplicationLoadBalancer};
use crate::error::ValidationError;
use crate::patterns::{LoadBalancedService, ServiceContext};
use crate::rds::Database;
use crate::sns::Topic;

/// Where a platform stack sits among the app's stacks: what its spec made
/// of it, the names of every stack (that `origin_stacks` may name), and how
/// it takes part in a CDN. [`build`](super::build) works these out for
/// every stack; [`Placement::single`] is a stack of its own.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    /// Its own stack, a region's copy, or a CDN stack.
    pub kind: StackKind,
    /// Every stack name of the app.
    pub stack_names: &'a BTreeSet<String>,
    /// Its part in a CDN, when it has one.
    pub cdn: Option<&'a CdnRole>,
}

impl<'a> Placement<'a> {
    /// A stack of its own, among the stacks `stack_names`, with no part in a CDN.
    pub fn single(stack_names: &'a BTreeSet<String>) -> Self {
        Placement { kind: StackKind::Single, stack_names, cdn: None }
    }
}

/// The handles of one platform stack: everything [`Platform::new`] built,
/// to read (a service's task definition, the load balancer's DNS name) and
/// to adjust through their methods (add an environment variable, grant a
/// role, open a connection).
#[derive(Debug, Clone, Default)]
pub struct Platform {
    /// The VPC, with `vpc`.
    pub vpc: Option<Vpc>,
    /// The database, with `database` (and a VPC).
    pub database: Option<Database>,
    /// The bastion host, with `bastion` (and a VPC).
    pub bastion: Option<BastionHost>,
    /// The repositories, tables and buckets, by the names the spec gives them.
    pub stores: Stores,
    /// The ECS cluster, with `cluster` or services (and a VPC).
    pub cluster: Option<Cluster>,
    /// The load balancer, with `load_balancer` or services (and a VPC).
    pub load_balancer: Option<ApplicationLoadBalancer>,
    /// The alarm topic, with `alarms`.
    pub alarm_topic: Option<Topic>,
    /// The services, by name.
    pub services: BTreeMap<String, LoadBalancedService>,
    /// The CloudFront distribution, with `cdn` (in this stack or the CDN stack of `regions`).
    pub cdn: Option<Distribution>,
}

impl Platform {
    /// Builds the stack of `spec` into `stack`, placed among the app's
    /// stacks as `placement` says. Problems are reported to the stack,
    /// located at the spec's fields; the handles of what could be built are
    /// returned.
    pub fn new(stack: &mut Stack, spec: &StackSpec, placement: &Placement<'_>) -> Platform {
        let mut p = Platform::default();
        let root = stack.root().clone();
        stack.suppress_all(&root, &spec.suppress);
        p.network(stack, spec);
        p.data(stack, spec);
        p.stores = stores::build(stack, spec);
        // A locked origin's listeners require the secret header: in the stack
        // that creates the secret, read by `Ref` (an implicit dependency, so the
        // secret exists before the rules that read it); elsewhere by name (the
        // replica another stack creates, deployed before this one).
        let origin_secret = placement
            .cdn
            .and_then(|r| r.creates_secret.as_ref().map(|replicas| add_origin_secret(stack, &r.cdn, replicas)));
        let origin_header = placement.cdn.filter(|r| r.origin).map(|r| match &origin_secret {
            Some(id) => origin_secret_reference_to(id),
            None => Value::String(origin_secret_reference(&r.cdn)),
        });
        p.compute(stack, spec, origin_header.as_ref());
        if let Some(primary) = placement.cdn.and_then(|r| r.secret_stack.as_ref()) {
            stack.add_dependency(primary);
        }
        if !matches!(placement.kind, StackKind::Regional { .. }) {
            let role = placement.cdn.filter(|r| r.distribution);
            p.cdn = distribution(stack, spec, placement.kind, placement.stack_names, role);
        }
        stack.add_escape_hatches(&spec.resources, &spec.overrides);
        p
    }

    /// The VPC.
    fn network(&mut self, stack: &mut Stack, spec: &StackSpec) {
        let root = stack.root().clone();
        self.vpc = spec.vpc.as_ref().map(|vpc| stack.in_field("vpc", |s| Vpc::new(s, &root.child("Vpc"), vpc)));
    }

    /// The database and the bastion host in the VPC, the bastion admitted to the database.
    fn data(&mut self, stack: &mut Stack, spec: &StackSpec) {
        let root = stack.root().clone();
        self.database = spec.database.as_ref().and_then(|props| match &self.vpc {
            Some(vpc) => Some(stack.in_field("database", |s| Database::new(s, &root.child("Database"), vpc, props))),
            None => {
                needs_vpc(stack, "database");
                None
            }
        });
        self.bastion = spec.bastion.as_ref().and_then(|props| match &self.vpc {
            Some(vpc) => Some(stack.in_field("bastion", |s| BastionHost::new(s, &root.child("Bastion"), vpc, props))),
            None => {
                needs_vpc(stack, "bastion");
                None
            }
        });
        if let (Some(db), Some(bastion)) = (&self.database, &self.bastion) {
            db.allow_from(stack, "FromBastion", &bastion.security_group.group_id);
        }
    }

    /// The cluster, the load balancer (locked to the CDN when it is sent
    /// `origin_header`), the alarm topic and the services.
    fn compute(&mut self, stack: &mut Stack, spec: &StackSpec, origin_header: Option<&Value>) {
        let wants_cluster = spec.cluster.is_some() || !spec.services.is_empty();
        let wants_alb = spec.load_balancer.is_some() || !spec.services.is_empty();
        if !wants_cluster && !wants_alb {
            return;
        }
        let Some(vpc) = self.vpc.clone() else {
            let field = if spec.cluster.is_some() {
                "cluster"
            } else if spec.load_balancer.is_some() {
                "load_balancer"
            } else {
                "services"
            };
            needs_vpc(stack, field);
            return;
        };
        if wants_cluster {
            self.cluster(stack, spec, &vpc);
        }
        if wants_alb {
            self.load_balancer(stack, spec, &vpc, origin_header.is_some());
        }
        self.alarm_topic(stack, spec);
        if self.cluster.is_none() {
            return;
        }
        let Some(alb) = self.load_balancer.as_mut() else { return };
        if let Some(secret) = origin_header {
            // Before the services: their listener rules require the header.
            alb.require_header(stack, ORIGIN_VERIFY_HEADER, secret);
        }
        self.services(stack, spec);
    }

    /// The ECS cluster and its name as an output; the bastion may SSH into its instances.
    fn cluster(&mut self, stack: &mut Stack, spec: &StackSpec, vpc: &Vpc) {
        let root = stack.root().clone();
        let props = spec.cluster.clone().unwrap_or_default();
        let cluster = stack.in_field("cluster", |s| Cluster::new(s, &root.child("Cluster"), vpc, &props));
        stack.add_output(&root.child("ClusterName"), Output::new(cluster.name.clone(), "Name of the ECS cluster"));
        if let Some(bastion) = &self.bastion {
            bastion.allow_ssh_into(stack, &cluster.instance_security_group, "FromBastion");
        }
        self.cluster = Some(cluster);
    }

    /// The load balancer; a locked CDN origin admits only CloudFront.
    fn load_balancer(&mut self, stack: &mut Stack, spec: &StackSpec, vpc: &Vpc, locked: bool) {
        let root = stack.root().clone();
        let mut props = spec.load_balancer.clone().unwrap_or_default();
        if locked {
            lock_ingress(stack, spec, &mut props);
        }
        self.load_balancer = Some(stack.in_field("load_balancer", |s| {
            ApplicationLoadBalancer::new(s, &root.child("LoadBalancer"), vpc, &Action::not_found(), &props)
        }));
    }

    /// The topic the alarms notify.
    fn alarm_topic(&mut self, stack: &mut Stack, spec: &StackSpec) {
        let root = stack.root().clone();
        self.alarm_topic = spec
            .alarms
            .as_ref()
            .map(|props| stack.in_field("alarms", |s| Topic::new(s, &root.child("AlarmTopic"), props)));
    }

    /// Each service behind the load balancer, its images resolved to the
    /// stack's repositories and its grants to the stack's stores applied,
    /// with its name as an output.
    fn services(&mut self, stack: &mut Stack, spec: &StackSpec) {
        let (Some(cluster), Some(alb)) = (&self.cluster, &self.load_balancer) else { return };
        let root = stack.root().clone();
        let notify: Vec<Value> = self.alarm_topic.iter().map(|t| t.arn.clone()).collect();
        for (name, props) in &spec.services {
            let lbs = stack.in_field(FieldPath::root().key("services").key(name.as_str()), |s| {
                let props = &stores::resolve_images(s, name, props, &self.stores);
                let on = ServiceContext {
                    alarm_topics: &notify,
                    // Only the services whose spec says `database: true`.
                    database: self.database.as_ref().filter(|_| props.database == Some(true)),
                    ..ServiceContext::new(cluster, alb)
                };
                let lbs = LoadBalancedService::new(s, &root.child(name), &on, props);
                stores::grant(s, name, props, &lbs, &self.stores);
                lbs
            });
            stack.add_output(
                &lbs.path.child("ServiceName"),
                Output::new(lbs.service.name.clone(), format!("Name of the ECS service `{name}`")),
            );
            self.services.insert(name.clone(), lbs);
        }
        alb.add_required_header_not_found(stack);
    }
}

/// Reports that `field` needs a VPC the stack does not have.
fn needs_vpc(stack: &mut Stack, field: &str) {
    let e =
        ValidationError::new(Code::VpcMissing, stack.root(), format!("`{field}` needs a VPC, and the stack has none"))
            .field(field)
            .help("add `vpc: {}` (three AZs, one NAT gateway) or a `vpc:` block of your own");
    stack.report(e);
}

crate::codes! {
    /// The diagnostic codes of one platform stack.
    pub(crate) enum Code {
        VpcMissing => error("app:vpc-missing") {
            formerly: ["app-vpc-missing"],
            title: "a stack needs a VPC and has none",
            explanation: "Services, a cluster, a bastion host or a database all live in a VPC, and the stack does not \
         define one.\n\n\
         ```yaml\nvpc: {}   # three AZs, one NAT gateway, default CIDR\n```\n\n\
         or a `vpc:` block with your own settings.",
        },
    }
}
