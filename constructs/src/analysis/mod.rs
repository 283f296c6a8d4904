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
//! ```
//! use rcdk_constructs::analysis::{analyze, Doc, StackTemplate};
//!
//! let t = serde_json::json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}});
//! let doc = Doc::from_json(&t, Some("us-east-1")).expect("a template");
//! let findings = analyze(&[StackTemplate { name: "s", doc, inputs: vec![] }]);
//! assert!(findings.is_empty());
//! ```

mod check;
pub(crate) mod checks;
pub(crate) mod hops;
mod ip;
pub(crate) mod locate;
mod model;
mod nacl;
mod network;

pub use check::{Finding, Severity};
pub use ip::{DYNAMIC_PORTS, EPHEMERAL_PORTS};
pub use model::{Doc, Param, Props, Res, StackTemplate, V};

use check::{Scope, Sink};
use network::Net;

/// Runs every check over `stacks` and returns the findings, errors first,
/// each group in a stable order.
pub fn analyze(stacks: &[StackTemplate<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let nets: Vec<Net<'_, '_>> = stacks.iter().map(|s| Net::build(&s.doc)).collect();
    for index in 0..stacks.len() {
        let scope = Scope { stacks, nets: &nets, index };
        let mut sink = Sink { stack: index, out: &mut out };
        for check in checks::ALL {
            check(&scope, &mut sink);
        }
    }
    out.sort_by_key(|f| (f.severity, f.stack));
    out
}
