//! # rcdk-guard
//!
//! AWS CloudFormation Guard rule packs, evaluated in process with the
//! `cfn-guard` crate (the engine of the `cfn-guard` CLI), for `rcdk check
//! --rules` and the `compliance:` packs of app files and Rust stacks.
//!
//! The AWS Control Tower proactive controls are vendored in
//! `guard/packs/control-tower/` (byte for byte from the npm package
//! `@cdklabs/cdk-validator-cfnguard`, Apache-2.0; `scripts/vendor-guard-packs`
//! refreshes them): [`Pack::control_tower`]. Any directory of `.guard` files
//! is a pack too: [`Pack::from_dir`].
//!
//! ```no_run
//! use rcdk_guard::{check_documents, Cache, Document, Pack};
//!
//! let doc = Document::parse("Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n").expect("a template");
//! let findings = check_documents(Pack::control_tower(), &[&doc], &Cache::off()).expect("evaluated");
//! for f in &findings[0] {
//!     println!("{} {:?} {}", f.rule, f.control, f.title);
//! }
//! ```
//!
//! Templates go through [`Document::parse`] first: the engine has no
//! depth limit (deep input overflows its stack), rejects YAML anchors and
//! reports positions in its own input; rcdk reads the template with its
//! limits and hands the engine JSON. This crate keeps `rcdk-constructs` free
//! of the engine's dependencies; the `rcdk` binary depends on it.

#![warn(missing_docs)]

mod cache;
mod control_tower_files;
pub mod document;
pub mod engine;
mod evaluate;
mod finding;
mod pack;
pub mod review;

pub use cache::{Cache, CACHE_DIR_ENV};
pub use document::{Document, DocumentError, Position};
pub use engine::{EngineError, Violation};
pub use evaluate::{evaluate, evaluate_texts, evaluate_with, Strategy};
pub use finding::{check_documents, Finding};
pub use pack::{Pack, PackError, RuleFile, CONTROL_TOWER, ENGINE_VERSION};
