//! What a check gets and gives: the [`Scope`] it looks at (one stack of
//! the app, with the others for cross-stack hops) and the [`Sink`] it
//! reports [`Finding`]s to.

use std::fmt;

use super::model::Doc;
use super::network::Net;
use super::world::{Id, World};
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

/// What a check looks at: stack `index` of the stacks analysed together,
/// with the network graph of them all.
pub(crate) struct Scope<'s, 'w, 'a> {
    /// Every stack, linked.
    pub world: &'s World<'w, 'a>,
    /// The network graph of every stack.
    pub net: &'s Net<'a>,
    /// The stack being checked.
    pub index: usize,
}

impl<'s, 'w, 'a> Scope<'s, 'w, 'a> {
    /// The template of the stack being checked.
    pub fn doc(&self) -> &'s Doc<'a> {
        self.world.doc(self.index)
    }

    /// The network graph.
    pub fn net(&self) -> &'s Net<'a> {
        self.net
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

    /// Says that hop `hop` at resource `at` could not be evaluated, and why:
    /// a note, never a failure.
    pub(crate) fn unknown(&mut self, at: Id<'_>, hop: String, why: &str) {
        self.report_at(Code::NotEvaluated, at, format!("{hop}: not evaluated: {why}"), NOT_EVALUATED_HELP.into());
    }

    /// Says that part of the stack's template was not analysed, and why.
    pub(crate) fn not_analysed(&mut self, what: String) {
        self.report(
            Code::NotAnalysed,
            "",
            what,
            "check what it generates after deployment, or give rcdk the expanded template".into(),
        );
    }

    /// [`Sink::report`], about resource `at`, which may be of another stack.
    pub(crate) fn report_at(
        &mut self,
        code: impl Into<DiagnosticCode>,
        at: Id<'_>,
        message: String,
        help: String,
    ) -> &mut Finding {
        let f = self.report(code, at.name, message, help);
        f.stack = at.stack;
        f
    }
}

/// The help of a hop not evaluated.
const NOT_EVALUATED_HELP: &str =
    "give `rcdk check` the templates that define it (stacks that export it, the parent of a nested stack), or check the \
     values a deployment gives";

crate::codes! {
    /// The diagnostic codes of the analysis as a whole.
    pub(crate) enum Code {
        NotAnalysed => note("analysis:not-analysed") {
            title: "part of a template was not analysed",
            explanation: "The template holds what the analysis does not read: a transform (`AWS::Serverless-2016-10-31`, \
         a macro) or an `Fn::ForEach` loop rewrites the template at deployment, and the resources it \
         generates are not in the template `rcdk check` was given. Their paths are not checked; the rest \
         of the template is. Check the processed template (the console's \"View processed template\", \
         or `aws cloudformation get-template --template-stage Processed`).",
        },
        NotEvaluated => note("analysis:not-evaluated") {
            title: "a path could not be evaluated before deployment",
            explanation: "A hop of a traffic path depends on what is only known at deployment: a parameter without a \
         default, an `Fn::ImportValue` of an export no template given to `rcdk check` defines, a \
         nested stack whose template was not given, a condition that depends on parameters. The \
         analysis says \"cannot tell\" rather than guess, and names the value it could not read. Give \
         `rcdk check` every template of the app at once (it links exports to imports and parents to \
         nested stacks), or give parameters defaults; a value only known at deployment stays \
         unchecked.",
        },
    }
}
