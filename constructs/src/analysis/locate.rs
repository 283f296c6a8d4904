//! The analysis as one of the app's checks: it reads the synthesized
//! stacks, and its findings become validation errors and warnings located at
//! the construct and app-file field that made the resource at fault.

use super::check::Finding;
use super::checks::analyze;
use super::model::{Doc, StackTemplate};
use crate::core::{App, ConstructPath, StackView};
use crate::error::ValidationError;

/// The name the whole-app analysis is registered under (see [`register`]).
pub const CHECK_NAME: &str = "whole-app analysis";

/// Registers the whole-app analysis with `app` (see [`crate::analysis`]):
/// the front doors (app files, `rcdk_app::emit`) do, and a Rust app that
/// synthesizes by itself may. Registering it again replaces it, so it runs
/// once.
pub fn register(app: &mut App) {
    app.add_check_at(CHECK_NAME, None, check);
}

/// Analyzes `stacks` and returns the findings, errors and warnings, located.
fn check(stacks: &[StackView<'_>]) -> Vec<ValidationError> {
    let templates: Vec<StackTemplate<'_>> = stacks
        .iter()
        .map(|s| StackTemplate {
            name: s.name(),
            doc: Doc::from_template(s.template, s.props.region.as_deref()),
            inputs: s.inputs.iter().map(|x| (x.parameter.as_str(), x.stack.as_str(), x.output.as_str())).collect(),
        })
        .collect();
    analyze(&templates).iter().map(|f| to_error(f, &stacks[f.stack])).collect()
}

fn to_error(f: &Finding, stack: &StackView<'_>) -> ValidationError {
    let name = stack.name();
    let (construct, field) = match stack.origins.get(&f.resource) {
        Some((path, field)) => {
            let field = match f.field {
                Some(sub) if !field.is_root() && !field.to_string().ends_with(sub) => field.key(sub),
                _ => field.clone(),
            };
            (path.clone(), field)
        }
        None if f.resource.is_empty() => {
            let field = match f.field {
                Some(sub) => stack.field.key(sub),
                None => stack.field.clone(),
            };
            (ConstructPath::root(name), field)
        }
        None => (ConstructPath::root(name).child(&f.resource), stack.field.clone()),
    };
    ValidationError::new(f.code, &construct, format!("stack `{name}`: {}", f.message)).field(field).help(f.help.clone())
}
