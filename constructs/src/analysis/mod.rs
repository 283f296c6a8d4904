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

mod capacity;
mod cdn;
pub mod codes;
mod database;
mod egress;
mod images;
pub(crate) mod locate;
mod model;
mod nacl;
mod network;
mod ports;
mod quotas;
mod rds;
pub mod reach;
mod region;
mod services;
mod warnings;

use std::fmt;

pub use capacity::{reserved_capacity_provider_prefix, RESERVED_CAPACITY_PROVIDER_PREFIXES};
pub use images::{is_docker_hub_image, DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR, MIN_KEEP_IMAGES_WITHOUT_WARNING};
pub use model::{Doc, Param, Props, Res, V};
pub use quotas::MAX_RULES_PER_SECURITY_GROUP;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The stack cannot work as written: synthesis stops.
    Error,
    /// Legal but risky; `--deny-warnings` turns it into an error.
    Warning,
}

/// One problem found by the analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable, namespaced code (see [`codes`]).
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The index of the stack (in the slice given to [`analyze`]) holding the cause.
    pub stack: usize,
    /// The logical ID of the resource where the cause is; empty when the
    /// cause is the stack as a whole.
    pub resource: String,
    /// The field, below the construct that made `resource`, to point at
    /// (e.g. `nat_gateways` for a VPC), when one is the cause.
    pub field: Option<&'static str>,
    /// What is wrong: the hop and the resources.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {} [{}]\n  resource: {}\n  help: {}", self.message, self.code, self.resource, self.help)
    }
}

/// One template to analyze, with what links it to the others.
#[derive(Debug, Clone)]
pub struct StackTemplate<'a> {
    /// The stack's name.
    pub name: &'a str,
    /// The template, indexed.
    pub doc: Doc<'a>,
    /// Parameters fed by another stack's output: (parameter, stack, output).
    pub inputs: Vec<(&'a str, &'a str, &'a str)>,
}

/// Runs every check over `stacks` and returns the findings, errors first,
/// each group in a stable order.
pub fn analyze(stacks: &[StackTemplate<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let nets: Vec<network::Net<'_, '_>> = stacks.iter().map(|s| network::Net::build(&s.doc)).collect();
    for (i, s) in stacks.iter().enumerate() {
        let mut sink = Sink { stack: i, out: &mut out };
        nets[i].check(&mut sink);
        ports::check(&s.doc, &mut sink);
        region::check(&s.doc, &mut sink);
        warnings::check(&s.doc, &nets[i], &mut sink);
        capacity::check(&s.doc, s.name, &mut sink);
        capacity::check_placement(&s.doc, &mut sink);
        quotas::check(&s.doc, &mut sink);
        rds::check(&s.doc, &mut sink);
        services::check(&s.doc, &mut sink);
        images::check(&s.doc, &mut sink);
        cdn::check(stacks, &nets, i, &mut sink);
    }
    out.sort_by_key(|f| (f.severity, f.stack));
    out
}

/// Collects the findings of one stack.
pub(crate) struct Sink<'o> {
    stack: usize,
    out: &'o mut Vec<Finding>,
}

impl Sink<'_> {
    pub(crate) fn error(&mut self, code: &'static str, resource: &str, message: String, help: String) -> &mut Finding {
        self.push(Severity::Error, code, resource, message, help)
    }

    pub(crate) fn warning(
        &mut self,
        code: &'static str,
        resource: &str,
        message: String,
        help: String,
    ) -> &mut Finding {
        self.push(Severity::Warning, code, resource, message, help)
    }

    /// A finding whose cause is in another stack.
    pub(crate) fn error_in(
        &mut self,
        stack: usize,
        code: &'static str,
        resource: &str,
        message: String,
        help: String,
    ) -> &mut Finding {
        let f = self.push(Severity::Error, code, resource, message, help);
        f.stack = stack;
        f
    }

    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        resource: &str,
        message: String,
        help: String,
    ) -> &mut Finding {
        self.out.push(Finding {
            code,
            severity,
            stack: self.stack,
            resource: resource.to_owned(),
            field: None,
            message,
            help,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// Ports, inclusive.
pub(crate) type Ports = (i64, i64);

/// The dynamic host ports ECS gives bridge-mode containers without a fixed host port.
pub const DYNAMIC_PORTS: (i64, i64) = (32768, 65535);
/// The ephemeral ports clients and load balancers answer from and to.
pub const EPHEMERAL_PORTS: (i64, i64) = (1024, 65535);

pub(crate) fn ports_text(p: Ports) -> String {
    if p.0 == p.1 {
        format!("port {}", p.0)
    } else if p == (0, 65535) || p == (-1, -1) {
        "all ports".into()
    } else {
        format!("ports {}-{}", p.0, p.1)
    }
}
