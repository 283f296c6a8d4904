//! The app: every stack, synthesized together.

use std::collections::{BTreeMap, BTreeSet};

use super::{ConstructPath, FieldPath, Stack, StackProps};
use crate::cfn::{check_template, Format, Template, TemplateProblem};
use crate::error::{Errors, ValidationError};

/// An app: the stacks a platform team keeps in one app file.
#[derive(Debug, Default)]
pub struct App {
    stacks: Vec<Stack>,
}

/// A stack after synthesis: its template, rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthesizedStack {
    /// The stack's props (name, region, account, tags).
    pub props: StackProps,
    /// The template.
    pub template: Template,
    /// The rendered body, in `format`.
    pub body: String,
    /// The format `body` is in.
    pub format: Format,
    /// Names of the stacks that must be deployed before this one.
    pub depends_on: Vec<String>,
}

impl SynthesizedStack {
    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.props.name
    }

    /// The template's file name, e.g. `todo-prod.yaml`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.props.name, self.format.extension())
    }
}

impl App {
    /// An empty app.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a stack.
    pub fn add_stack(&mut self, stack: Stack) {
        self.stacks.push(stack);
    }

    /// The stacks, in the order they were added.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// The stack named `name`, to add constructs to.
    pub fn stack_mut(&mut self, name: &str) -> Option<&mut Stack> {
        self.stacks.iter_mut().find(|s| s.name() == name)
    }

    /// Finishes every stack, checks the whole app (stack names, dependency
    /// cycles, CloudFormation limits, dangling references) and renders each
    /// template in `format`. Stacks come back in deployment order: a stack
    /// after those it depends on, otherwise in the order they were added.
    ///
    /// Every problem of every stack is returned at once.
    pub fn synth(self, format: Format) -> Result<Vec<SynthesizedStack>, Errors> {
        let mut errors = Vec::new();
        let mut finished = Vec::with_capacity(self.stacks.len());
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for stack in self.stacks {
            let field = stack_field(&stack);
            let (props, template, deps, stack_errors) = stack.finish();
            errors.extend(stack_errors);
            if seen.insert(props.name.clone(), finished.len()).is_some() {
                errors.push(
                    ValidationError::new(
                        "stack-name-duplicate",
                        &ConstructPath::root(&props.name),
                        format!("two stacks are named `{}`", props.name),
                    )
                    .field(field.key("name")),
                );
            }
            finished.push((props, template, deps, field));
        }

        for (props, _, deps, field) in &finished {
            for dep in deps {
                if !seen.contains_key(dep) {
                    errors.push(
                        ValidationError::new(
                            "stack-dependency-unknown",
                            &ConstructPath::root(&props.name),
                            format!("stack `{}` depends on unknown stack `{dep}`", props.name),
                        )
                        .field(field.clone()),
                    );
                }
            }
        }
        let order =
            match deployment_order(&finished.iter().map(|(p, _, d, _)| (p.name.as_str(), d)).collect::<Vec<_>>()) {
                Ok(order) => order,
                Err(cycle) => {
                    let (props, _, _, field) = &finished[cycle[0]];
                    let names: Vec<&str> = cycle.iter().map(|&i| finished[i].0.name.as_str()).collect();
                    errors.push(
                        ValidationError::new(
                            "stack-dependency-cycle",
                            &ConstructPath::root(&props.name),
                            format!("stacks depend on each other in a cycle: {} → {}", names.join(" → "), names[0]),
                        )
                        .field(field.clone())
                        .help("a stack's outputs can only feed stacks deployed after it; remove one of the references"),
                    );
                    (0..finished.len()).collect()
                }
            };

        let mut out: Vec<Option<SynthesizedStack>> = Vec::with_capacity(finished.len());
        for (props, template, deps, field) in finished {
            let body = match template.render(format) {
                Ok(b) => b,
                Err(e) => {
                    errors.push(
                        ValidationError::new("render-failed", &ConstructPath::root(&props.name), e.to_string())
                            .field(field),
                    );
                    out.push(None);
                    continue;
                }
            };
            for problem in check_template(&template, body.len()) {
                errors.push(template_error(&props.name, &field, problem));
            }
            out.push(Some(SynthesizedStack { props, template, body, format, depends_on: deps.into_iter().collect() }));
        }
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        let mut out: Vec<Option<SynthesizedStack>> = out;
        Ok(order.into_iter().filter_map(|i| out[i].take()).collect())
    }
}

fn stack_field(stack: &Stack) -> FieldPath {
    stack.field_base().clone()
}

fn template_error(stack: &str, field: &FieldPath, problem: TemplateProblem) -> ValidationError {
    let code = match problem {
        TemplateProblem::TooManyResources { .. }
        | TemplateProblem::TooManyParameters { .. }
        | TemplateProblem::TooManyOutputs { .. }
        | TemplateProblem::TooManyMappings { .. }
        | TemplateProblem::TooLarge { .. } => "template-limit",
        TemplateProblem::BadLogicalId { .. } => "logical-id-invalid",
        TemplateProblem::DanglingReference { .. } | TemplateProblem::UnknownCondition { .. } => "template-reference",
    };
    let help = match problem {
        TemplateProblem::TooManyResources { .. } | TemplateProblem::TooLarge { .. } => {
            Some("split the app into more stacks (see `stacks:` in the README)")
        }
        _ => None,
    };
    let mut e = ValidationError::new(code, &ConstructPath::root(stack), format!("stack `{stack}`: {problem}"))
        .field(field.clone());
    if let Some(h) = help {
        e = e.help(h);
    }
    e
}

/// Orders stacks so that each comes after its dependencies (Kahn's
/// algorithm, ties broken by position). On a cycle, returns the indexes of one
/// cycle.
fn deployment_order(stacks: &[(&str, &BTreeSet<String>)]) -> Result<Vec<usize>, Vec<usize>> {
    let index: BTreeMap<&str, usize> = stacks.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
    let deps: Vec<Vec<usize>> =
        stacks.iter().map(|(_, d)| d.iter().filter_map(|n| index.get(n.as_str()).copied()).collect()).collect();
    let mut done = vec![false; stacks.len()];
    let mut order = Vec::with_capacity(stacks.len());
    while order.len() < stacks.len() {
        let next = (0..stacks.len()).find(|&i| !done[i] && deps[i].iter().all(|&d| done[d]));
        match next {
            Some(i) => {
                done[i] = true;
                order.push(i);
            }
            None => {
                // Walk unfinished dependencies until a node repeats: that is a cycle.
                let mut path = Vec::new();
                let mut at = (0..stacks.len()).find(|&i| !done[i]).unwrap_or(0);
                while !path.contains(&at) {
                    path.push(at);
                    at = deps[at].iter().copied().find(|&d| !done[d]).unwrap_or(at);
                }
                let start = path.iter().position(|&i| i == at).unwrap_or(0);
                return Err(path[start..].to_vec());
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_dependency_and_finds_cycles() {
        let none = BTreeSet::new();
        let a: BTreeSet<String> = ["b".to_string()].into();
        let b: BTreeSet<String> = ["c".to_string()].into();
        assert_eq!(deployment_order(&[("a", &a), ("b", &b), ("c", &none)]), Ok(vec![2, 1, 0]));
        let c: BTreeSet<String> = ["a".to_string()].into();
        let cycle = deployment_order(&[("a", &a), ("b", &b), ("c", &c)]).unwrap_err();
        assert_eq!(cycle.len(), 3);
    }
}
