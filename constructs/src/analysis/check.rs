//! What a check gets and gives: the [`Scope`] it looks at (one stack of
//! the app, with the others for cross-stack hops) and the [`Sink`] it
//! reports [`Finding`]s to.

use std::fmt;

use super::model::{Doc, StackTemplate};
use super::network::Net;
use crate::core::DiagnosticCode;
pub use crate::core::Severity;

/// One problem found by the analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable, namespaced code, defined by the check that reports it.
    pub code: DiagnosticCode,
    /// Error or warning: the code's severity.
    pub severity: Severity,
    /// The index of the stack (in the slice given to [`analyze`](super::analyze)) holding the cause.
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
        write!(
            f,
            "{}: {} [{}]\n  resource: {}\n  help: {}",
            self.severity, self.message, self.code, self.resource, self.help
        )
    }
}

/// What a check looks at: stack `index` of `stacks`, with the network
/// graph of every stack.
pub(crate) struct Scope<'s, 'd, 'a> {
    /// Every stack of the app.
    pub stacks: &'s [StackTemplate<'a>],
    /// The network graph of each stack, in the same order.
    pub nets: &'s [Net<'d, 'a>],
    /// The stack being checked.
    pub index: usize,
}

impl<'s, 'd, 'a> Scope<'s, 'd, 'a> {
    /// The template of the stack being checked.
    pub fn doc(&self) -> &'s Doc<'a> {
        &self.stacks[self.index].doc
    }

    /// The network graph of the stack being checked.
    pub fn net(&self) -> &'s Net<'d, 'a> {
        &self.nets[self.index]
    }
}

/// A check: reads the scope, reports to the sink.
pub(crate) type Check = fn(&Scope<'_, '_, '_>, &mut Sink<'_>);

/// Collects the findings of one stack.
pub(crate) struct Sink<'o> {
    pub(crate) stack: usize,
    pub(crate) out: &'o mut Vec<Finding>,
}

impl Sink<'_> {
    /// Reports a finding about `resource` (a logical ID; empty for the
    /// stack as a whole), with the severity its code is defined with.
    pub(crate) fn report(
        &mut self,
        code: impl Into<DiagnosticCode>,
        resource: &str,
        message: String,
        help: String,
    ) -> &mut Finding {
        let code = code.into();
        self.out.push(Finding {
            code,
            severity: code.severity(),
            stack: self.stack,
            resource: resource.to_owned(),
            field: None,
            message,
            help,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// [`Sink::report`], for a cause in another stack.
    pub(crate) fn report_in(
        &mut self,
        stack: usize,
        code: impl Into<DiagnosticCode>,
        resource: &str,
        message: String,
        help: String,
    ) -> &mut Finding {
        let f = self.report(code, resource, message, help);
        f.stack = stack;
        f
    }
}
