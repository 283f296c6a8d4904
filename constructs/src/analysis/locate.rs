//! The analysis of an app's synthesized stacks, its findings turned into
//! validation errors located at the construct and app-file field that made
//! the resource at fault.

use std::collections::BTreeMap;

use super::{analyze, Doc, Finding, Severity, StackTemplate};
use crate::core::{ConstructPath, FieldPath, SynthesizedStack};
use crate::error::ValidationError;

/// Where each resource of a stack came from: construct path and field scope.
pub(crate) type Origins = BTreeMap<String, (ConstructPath, FieldPath)>;

/// Analyzes the stacks (a `None` failed to render and is skipped) and
/// returns (errors, warnings). `located[i]` is stack `i`'s field in the app
/// props and its resources' origins.
pub(crate) fn check_stacks(
    stacks: &[Option<SynthesizedStack>],
    located: &[(FieldPath, Origins)],
) -> (Vec<ValidationError>, Vec<ValidationError>) {
    let present: Vec<usize> = (0..stacks.len()).filter(|&i| stacks[i].is_some()).collect();
    let templates: Vec<StackTemplate<'_>> = present
        .iter()
        .filter_map(|&i| stacks[i].as_ref())
        .map(|s| StackTemplate {
            name: s.name(),
            doc: Doc::from_template(&s.template, s.props.region.as_deref()),
            inputs: s.inputs.iter().map(|x| (x.parameter.as_str(), x.stack.as_str(), x.output.as_str())).collect(),
        })
        .collect();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for f in analyze(&templates) {
        let i = present[f.stack];
        let e = to_error(&f, templates[f.stack].name, &located[i]);
        match f.severity {
            Severity::Error => errors.push(e),
            Severity::Warning | Severity::Note => warnings.push(e),
        }
    }
    (errors, warnings)
}

fn to_error(f: &Finding, stack: &str, (stack_field, origins): &(FieldPath, Origins)) -> ValidationError {
    let (construct, field) = match origins.get(&f.resource) {
        Some((path, field)) => {
            let field = match f.field {
                Some(sub) if !field.is_root() && !field.to_string().ends_with(sub) => field.key(sub),
                _ => field.clone(),
            };
            (path.clone(), field)
        }
        None if f.resource.is_empty() => {
            let field = match f.field {
                Some(sub) => stack_field.key(sub),
                None => stack_field.clone(),
            };
            (ConstructPath::root(stack), field)
        }
        None => (ConstructPath::root(stack).child(&f.resource), stack_field.clone()),
    };
    ValidationError::new(f.code, &construct, format!("stack `{stack}`: {}", f.message))
        .field(field)
        .help(f.help.clone())
}
