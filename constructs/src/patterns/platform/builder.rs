//! Builder methods on [`StackSpec`]: the common fields of a platform stack
//! in one call each, for Rust programs (an app file spells the same fields
//! in YAML).
//!
//! ```
//! use rcdk_constructs::patterns::platform::{self, StackSpec};
//! use rcdk_constructs::patterns::LoadBalancedServiceProps;
//! use rcdk_constructs::ec2::VpcProps;
//!
//! let spec = StackSpec::new("shop-prod")
//!     .region("eu-west-1")
//!     .tag("app", "shop")
//!     .vpc(VpcProps { max_azs: Some(2), ..Default::default() })
//!     .alarm_email("ops@example.com")
//!     .service("web", LoadBalancedServiceProps::new("nginx:1.27.0").port(80).health_check_path("/"));
//! let app = platform::app(&[spec]);
//! let stacks = app.synth(rcdk_constructs::cfn::Format::Yaml).expect("valid");
//! assert_eq!(stacks[0].name(), "shop-prod");
//! ```

use super::spec::StackSpec;
use crate::cloudfront::DistributionProps;
use crate::core::App;
use crate::dynamodb::TableProps;
use crate::ec2::{BastionProps, VpcProps};
use crate::ecs::ClusterProps;
use crate::elbv2::LoadBalancerProps;
use crate::patterns::LoadBalancedServiceProps;
use crate::rds::DatabaseProps;
use crate::sns::TopicProps;

impl StackSpec {
    /// A stack named `name` (see [`crate::core::StackProps::name`]) holding
    /// nothing yet; the methods below add to it.
    pub fn new(name: impl Into<String>) -> Self {
        StackSpec { name: name.into(), ..Default::default() }
    }

    /// Sets [`StackSpec::region`].
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets [`StackSpec::description`].
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds the tag `key: value` to [`StackSpec::tags`].
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Sets [`StackSpec::vpc`].
    pub fn vpc(mut self, props: VpcProps) -> Self {
        self.vpc = Some(props);
        self
    }

    /// Sets [`StackSpec::cluster`].
    pub fn cluster(mut self, props: ClusterProps) -> Self {
        self.cluster = Some(props);
        self
    }

    /// Sets [`StackSpec::load_balancer`].
    pub fn load_balancer(mut self, props: LoadBalancerProps) -> Self {
        self.load_balancer = Some(props);
        self
    }

    /// Sets [`StackSpec::bastion`].
    pub fn bastion(mut self, props: BastionProps) -> Self {
        self.bastion = Some(props);
        self
    }

    /// Sets [`StackSpec::database`].
    pub fn database(mut self, props: DatabaseProps) -> Self {
        self.database = Some(props);
        self
    }

    /// Sets [`StackSpec::alarms`] to a topic mailing `email`.
    pub fn alarm_email(mut self, email: impl Into<String>) -> Self {
        self.alarms = Some(TopicProps { email: Some(email.into()), ..Default::default() });
        self
    }

    /// Adds the ECR repository `name` with the default props to [`StackSpec::repositories`].
    pub fn repository(mut self, name: impl Into<String>) -> Self {
        self.repositories.insert(name.into(), Default::default());
        self
    }

    /// Adds the table `name` to [`StackSpec::tables`].
    pub fn table(mut self, name: impl Into<String>, props: TableProps) -> Self {
        self.tables.insert(name.into(), props);
        self
    }

    /// Adds the bucket `name` with the default props to [`StackSpec::buckets`].
    pub fn bucket(mut self, name: impl Into<String>) -> Self {
        self.buckets.insert(name.into(), Default::default());
        self
    }

    /// Adds the load-balanced service `name` to [`StackSpec::services`].
    pub fn service(mut self, name: impl Into<String>, props: LoadBalancedServiceProps) -> Self {
        self.services.insert(name.into(), props);
        self
    }

    /// Sets [`StackSpec::regions`].
    pub fn regions<S: Into<String>>(mut self, regions: impl IntoIterator<Item = S>) -> Self {
        self.regions = regions.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`StackSpec::cdn`].
    pub fn cdn(mut self, props: DistributionProps) -> Self {
        self.cdn = Some(props);
        self
    }
}

/// An app of the stacks `specs` builds (see [`super::build`]), ready for
/// `rcdk_app::emit` or [`App::synth`] (the whole-app analysis is registered
/// by `rcdk_app::emit`, as for every app).
pub fn app(specs: &[StackSpec]) -> App {
    let mut app = App::new();
    for built in super::build(specs) {
        app.add_stack(built.stack);
    }
    app
}
