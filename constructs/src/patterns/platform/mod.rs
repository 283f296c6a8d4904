//! The platform: the shape of the seed apps in one pattern. A stack holds a
//! VPC, a database and a bastion host, image repositories and data stores,
//! an ECS cluster on EC2 behind an Application Load Balancer with
//! load-balanced services that pull from the repositories and are granted
//! the stores, and alarms to a topic; across stacks, copies per region and
//! a CloudFront distribution failing over between two of them, its origins
//! locked to it. Everything is built through the public constructors and
//! handle methods of the resource modules and of
//! [`LoadBalancedService`](super::LoadBalancedService).
//!
//! An app file deserializes into its props ([`StackSpec`], one per entry
//! of `stacks:`); a Rust program builds the same props, gets the same
//! templates, and the handles to adjust what was built:
//!
//! ```
//! use std::collections::BTreeMap;
//! use rcdk_constructs::cfn::Format;
//! use rcdk_constructs::core::App;
//! use rcdk_constructs::ecs::ContainerImage;
//! use rcdk_constructs::patterns::platform::{self, StackSpec};
//! use rcdk_constructs::patterns::LoadBalancedServiceProps;
//!
//! let web = LoadBalancedServiceProps { image: ContainerImage::Reference("nginx:1.27.0".into()), ..Default::default() };
//! let spec = StackSpec {
//!     name: "shop".into(),
//!     vpc: Some(Default::default()),
//!     services: BTreeMap::from([("web".to_owned(), web)]),
//!     ..Default::default()
//! };
//! let mut app = App::new();
//! for mut built in platform::build(&[spec]) {
//!     let web = &built.platform.services["web"];
//!     web.task_definition.add_environment(&mut built.stack, "web", "MODE", "shop");
//!     app.add_stack(built.stack);
//! }
//! let stacks = app.synth(Format::Yaml).expect("valid");
//! assert!(stacks[0].body.contains("Value: shop"));
//! ```

mod build;
mod builder;
pub(crate) mod cdn;
pub(crate) mod regions;
mod spec;
pub(crate) mod stack;
pub(crate) mod stores;

pub use build::{build, PlatformStack};
pub use builder::app;
pub use cdn::ORIGIN_FACING_PARAMETER;
pub use regions::{cdn_roles, CdnRole};
pub use spec::{
    RegionOverrides, StackKind, StackSpec, CDN_STACK_REGION, CDN_STACK_SUFFIX, LOAD_BALANCER_DNS_OUTPUT,
    PRIMARY_ORIGIN_PARAMETER, SECONDARY_ORIGIN_PARAMETER,
};
pub use stack::{Placement, Platform};
pub use stores::Stores;
