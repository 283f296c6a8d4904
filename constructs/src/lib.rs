//! # rcdk-constructs
//!
//! The CloudFormation model and construct library behind `rcdk`. Pure: no
//! I/O, no network, no async, no AWS SDK. Build an [`core::App`] of
//! [`core::Stack`]s, add constructs to them, and synthesize:
//!
//! ```
//! use rcdk_constructs::cfn::Format;
//! use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
//! use rcdk_constructs::ec2::{Vpc, VpcProps};
//!
//! let mut stack = Stack::new(StackProps { name: "network".into(), ..Default::default() }, FieldPath::root());
//! let root = stack.root().clone();
//! let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps::default());
//! assert_eq!(vpc.public_subnet_ids.len(), 3);
//! let mut app = App::new();
//! app.add_stack(stack);
//! let stacks = app.synth(Format::Yaml).expect("valid app");
//! assert!(stacks[0].body.contains("AWS::EC2::VPC"));
//! ```
//!
//! Every construct's constructor has one shape,
//! `Type::new(stack, path, <the handles it builds on>, props) -> Type`:
//! - `stack`: the stack it adds its resources to;
//! - `path`: where it sits, `stack.root().child("Api")`; the PascalCase of
//!   the segments below the stack prefixes its logical IDs;
//! - the handles of the constructs it builds on, in the order they are built
//!   (a [`ec2::Vpc`], a [`ecs::Cluster`], a listener, an action, ...);
//! - `props` last, every optional prop documented with its default.
//!
//! Problems in the props are reported to the stack, located at the props'
//! fields, and a best-effort handle is still returned, so later constructs
//! can report their own problems too; [`core::App::synth`] returns them all.
//!
//! The same props deserialize from an app file (see [`app::AppProps`]), so a
//! YAML app and a Rust app build byte-identical templates.
#![warn(missing_docs)]

pub mod acm;
pub mod analysis;
pub mod app;
pub mod applicationautoscaling;
pub mod assembly;
pub mod cfn;
pub mod cloudfront;
pub mod cloudwatch;
pub mod core;
pub mod diagnostics;
pub mod diff;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
pub mod error;
pub mod iam;
pub mod logs;
pub mod patterns;
pub mod rds;
pub mod region;
pub mod route53;
pub mod s3;
pub mod schema;
pub mod sns;

pub use error::{Errors, ValidationError};
