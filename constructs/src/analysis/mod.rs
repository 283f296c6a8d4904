//! Whole-app checks over synthesized templates.
//!
//! Per-field validation sees one value at a time; this module reads the
//! finished templates — whoever wrote them, rcdk, the CDK or a person — and
//! follows every path a request takes: client or CloudFront → listener →
//! rule → target group → the target's security group → the container port
//! (which the task definition must map, on targets of the type its network
//! mode registers),
//! through the network ACLs both ways; the instances' way out to ECS, ECR,
//! CloudWatch Logs and S3; the database from the services that use it. It
//! also checks what must match the stack's region (certificates, zones) and
//! the instances' architecture.
//!
//! What cannot be known before deployment (a parameter, an imported value)
//! is "cannot tell", never an error. Pure and linear in the templates' size.
//!
//! The analysis runs on any templates ([`analyze`], what `rcdk check`
//! calls), and as one of an app's checks ([`register`]: the app-file front
//! door and `rcdk_app::emit` register it), its findings then located at the
//! construct and field that made the resource at fault. Each check is a
//! file under `checks/`, with the codes it reports defined beside it.
//!
//! ```
//! use rcdk_constructs::analysis::{analyze, Doc, StackTemplate};
//!
//! let t = serde_json::json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}});
//! let doc = Doc::from_json(&t, Some("us-east-1")).expect("a template");
//! let findings = analyze(&[StackTemplate { name: "s", doc, inputs: vec![], nested_in: None }]);
//! assert!(findings.is_empty());
//! ```

pub(crate) mod check;
pub(crate) mod checks;
pub(crate) mod hops;
mod ip;
mod locate;
mod model;
mod nacl;
mod network;
pub mod reach;
mod routes;
mod world;

pub use check::{Finding, Severity};
pub use checks::analyze;
pub use checks::capacity::{reserved_capacity_provider_prefix, RESERVED_CAPACITY_PROVIDER_PREFIXES};
pub use checks::images::{is_docker_hub_image, DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR, MIN_KEEP_IMAGES_WITHOUT_WARNING};
pub use checks::quotas::MAX_RULES_PER_SECURITY_GROUP;
pub use ip::{DYNAMIC_PORTS, EPHEMERAL_PORTS, LINUX_DYNAMIC_PORTS, WINDOWS_DYNAMIC_PORTS};
pub use locate::{register, CHECK_NAME};
pub use model::{Doc, Param, Props, Res, StackTemplate, V};
