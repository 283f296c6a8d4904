//! CloudFormation's own limits and the template's internal consistency,
//! checked before anything is written or sent.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Pseudo, Template};

/// Resources per template (CloudFormation quota).
pub const MAX_RESOURCES: usize = 500;
/// Parameters per template.
pub const MAX_PARAMETERS: usize = 200;
/// Outputs per template.
pub const MAX_OUTPUTS: usize = 200;
/// Mappings per template.
pub const MAX_MAPPINGS: usize = 200;
/// Template body size when uploaded to S3 and passed as `TemplateURL` (1 MB).
pub const MAX_TEMPLATE_BYTES: usize = 1_048_576;
/// Template body size that can be passed inline as `TemplateBody`.
pub const MAX_TEMPLATE_BODY_INLINE_BYTES: usize = 51_200;
/// Characters in a logical ID (alphanumeric only).
pub const MAX_LOGICAL_ID_LEN: usize = 255;

/// Something in a template that CloudFormation would reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    /// More than [`MAX_RESOURCES`] resources.
    #[error("{count} resources, CloudFormation allows at most {MAX_RESOURCES} per stack")]
    TooManyResources {
        /// Resources in the template.
        count: usize,
    },
    /// More than [`MAX_PARAMETERS`] parameters.
    #[error("{count} parameters, CloudFormation allows at most {MAX_PARAMETERS} per stack")]
    TooManyParameters {
        /// Parameters in the template.
        count: usize,
    },
    /// More than [`MAX_OUTPUTS`] outputs.
    #[error("{count} outputs, CloudFormation allows at most {MAX_OUTPUTS} per stack")]
    TooManyOutputs {
        /// Outputs in the template.
        count: usize,
    },
    /// More than [`MAX_MAPPINGS`] mappings.
    #[error("{count} mappings, CloudFormation allows at most {MAX_MAPPINGS} per stack")]
    TooManyMappings {
        /// Mappings in the template.
        count: usize,
    },
    /// No resources at all: CloudFormation requires at least one.
    #[error("the template has no resources; CloudFormation requires at least one")]
    NoResources,
    /// The rendered body is larger than [`MAX_TEMPLATE_BYTES`].
    #[error("template body is {bytes} bytes, CloudFormation allows at most {MAX_TEMPLATE_BYTES}")]
    TooLarge {
        /// Size of the rendered body.
        bytes: usize,
    },
    /// A logical ID that is empty, too long, or not alphanumeric.
    #[error("logical ID `{id}` is invalid: {reason}")]
    BadLogicalId {
        /// The offending ID.
        id: String,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// A `Ref`, `Fn::GetAtt`, `DependsOn` or `Fn::Sub` reference to nothing.
    #[error("`{from}` refers to `{target}` through {via}, but the template has no such resource or parameter")]
    DanglingReference {
        /// Where the reference is (logical ID or `Outputs.X`).
        from: String,
        /// What it names.
        target: String,
        /// `Ref`, `Fn::GetAtt`, `DependsOn`, `Fn::Sub`.
        via: &'static str,
    },
    /// A `Condition` / `Fn::If` naming an undefined condition.
    #[error("`{from}` uses condition `{name}`, which the template does not define")]
    UnknownCondition {
        /// Where it is used.
        from: String,
        /// The condition's name.
        name: String,
    },
    /// `UpdateReplacePolicy: RetainExceptOnCreate`, which CloudFormation
    /// accepts only as a `DeletionPolicy`.
    #[error(
        "`{id}` has UpdateReplacePolicy RetainExceptOnCreate; CloudFormation accepts it only as a DeletionPolicy \
         (UpdateReplacePolicy is Delete, Retain or Snapshot)"
    )]
    UpdateReplaceRetainExceptOnCreate {
        /// The resource's logical ID.
        id: String,
    },
}

/// Checks a template against CloudFormation's limits and for references to
/// things it does not define. `body_bytes` is the size of the rendered body.
pub fn check_template(template: &Template, body_bytes: usize) -> Vec<TemplateProblem> {
    let mut problems = Vec::new();
    let counts = [
        (
            template.resources.len(),
            MAX_RESOURCES,
            TemplateProblem::TooManyResources { count: template.resources.len() },
        ),
        (
            template.parameters.len(),
            MAX_PARAMETERS,
            TemplateProblem::TooManyParameters { count: template.parameters.len() },
        ),
        (template.outputs.len(), MAX_OUTPUTS, TemplateProblem::TooManyOutputs { count: template.outputs.len() }),
        (template.mappings.len(), MAX_MAPPINGS, TemplateProblem::TooManyMappings { count: template.mappings.len() }),
    ];
    for (count, max, problem) in counts {
        if count > max {
            problems.push(problem);
        }
    }
    if template.resources.is_empty() {
        problems.push(TemplateProblem::NoResources);
    }
    if body_bytes > MAX_TEMPLATE_BYTES {
        problems.push(TemplateProblem::TooLarge { bytes: body_bytes });
    }
    let ids = template
        .resources
        .keys()
        .chain(template.parameters.keys())
        .chain(template.outputs.keys())
        .chain(template.conditions.keys())
        .chain(template.mappings.keys());
    for id in ids {
        if let Some(reason) = logical_id_problem(id) {
            problems.push(TemplateProblem::BadLogicalId { id: id.clone(), reason });
        }
    }

    for (id, resource) in &template.resources {
        if resource.update_replace_policy.is_some_and(|p| !p.is_update_replace_policy()) {
            problems.push(TemplateProblem::UpdateReplaceRetainExceptOnCreate { id: id.clone() });
        }
    }

    let mut refs = RefCollector { template, problems: &mut problems, from: String::new() };
    for (id, resource) in &template.resources {
        refs.from.clone_from(id);
        for target in &resource.depends_on {
            if !template.resources.contains_key(target) {
                refs.dangling(target, "DependsOn");
            }
        }
        if let Some(c) = &resource.condition {
            refs.condition(c);
        }
        for value in resource.properties.values() {
            refs.walk(value);
        }
        if let Some(m) = &resource.metadata {
            refs.walk(m);
        }
    }
    for (id, output) in &template.outputs {
        refs.from = format!("Outputs.{id}");
        refs.walk(&output.value);
        if let Some(name) = &output.export_name {
            refs.walk(name);
        }
        if let Some(c) = &output.condition {
            refs.condition(c);
        }
    }
    for (id, condition) in &template.conditions {
        refs.from = format!("Conditions.{id}");
        refs.walk(condition);
    }
    problems
}

/// Why `id` is not a valid logical ID, if it is not.
pub fn logical_id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("it is empty")
    } else if id.len() > MAX_LOGICAL_ID_LEN {
        Some("it is longer than 255 characters")
    } else if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Some("only the characters A-Z, a-z and 0-9 are allowed")
    } else {
        None
    }
}

struct RefCollector<'a> {
    template: &'a Template,
    problems: &'a mut Vec<TemplateProblem>,
    from: String,
}

impl RefCollector<'_> {
    fn dangling(&mut self, target: &str, via: &'static str) {
        self.problems.push(TemplateProblem::DanglingReference {
            from: self.from.clone(),
            target: target.to_owned(),
            via,
        });
    }

    fn condition(&mut self, name: &str) {
        if !self.template.conditions.contains_key(name) {
            self.problems.push(TemplateProblem::UnknownCondition { from: self.from.clone(), name: name.to_owned() });
        }
    }

    fn known(&self, name: &str) -> bool {
        self.template.resources.contains_key(name)
            || self.template.parameters.contains_key(name)
            || Pseudo::is_pseudo(name)
    }

    fn walk(&mut self, value: &Value) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.walk(v)),
            Value::Object(map) if map.len() == 1 => {
                let (key, arg) = map.iter().next().expect("one entry");
                match (key.as_str(), arg) {
                    ("Ref", Value::String(name)) => {
                        if !self.known(name) {
                            self.dangling(name, "Ref");
                        }
                    }
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        if let Some(Value::String(id)) = parts.first() {
                            if !self.template.resources.contains_key(id) {
                                self.dangling(id, "Fn::GetAtt");
                            }
                        }
                    }
                    ("Fn::Sub", Value::String(s)) => self.sub(s, &BTreeSet::new()),
                    ("Fn::Sub", Value::Array(parts)) => {
                        let vars: BTreeSet<String> = match parts.get(1) {
                            Some(Value::Object(m)) => m.keys().cloned().collect(),
                            _ => BTreeSet::new(),
                        };
                        if let Some(Value::String(s)) = parts.first() {
                            self.sub(s, &vars);
                        }
                        parts.iter().skip(1).for_each(|v| self.walk(v));
                    }
                    ("Condition", Value::String(name)) => self.condition(name),
                    ("Fn::If", Value::Array(parts)) => {
                        if let Some(Value::String(name)) = parts.first() {
                            self.condition(name);
                        }
                        parts.iter().skip(1).for_each(|v| self.walk(v));
                    }
                    _ => self.walk(arg),
                }
            }
            Value::Object(map) => map.values().for_each(|v| self.walk(v)),
            _ => {}
        }
    }

    /// Checks the `${Name}` and `${Name.Attr}` references of a `Fn::Sub` string.
    fn sub(&mut self, s: &str, vars: &BTreeSet<String>) {
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let name = &after[..end];
            rest = &after[end + 1..];
            if name.starts_with('!') || vars.contains(name) {
                continue;
            }
            let target = name.split('.').next().unwrap_or(name);
            let ok = if name.contains('.') && !Pseudo::is_pseudo(name) {
                self.template.resources.contains_key(target)
            } else {
                self.known(name)
            };
            if !ok {
                self.dangling(target, "Fn::Sub");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::{Intrinsic, Output, Resource};

    #[test]
    fn finds_dangling_references_and_bad_ids() {
        let mut t = Template::new();
        t.resources.insert(
            "Sg".into(),
            Resource::new("AWS::EC2::SecurityGroup")
                .prop("VpcId", Intrinsic::ref_("Vpc"))
                .prop("GroupDescription", Intrinsic::sub("${AWS::StackName} ${Missing.Arn} ${Sg}"))
                .depends_on("Nope"),
        );
        t.outputs.insert("Bad-Id".into(), Output::new(Intrinsic::get_att("Gone", "Arn"), "x"));
        let problems = check_template(&t, 10);
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 5, "{text:#?}");
        assert!(text.iter().any(|p| p.contains("`Vpc` through Ref")));
        assert!(text.iter().any(|p| p.contains("`Missing` through Fn::Sub")));
        assert!(text.iter().any(|p| p.contains("`Nope` through DependsOn")));
        assert!(text.iter().any(|p| p.contains("`Gone` through Fn::GetAtt")));
        assert!(text.iter().any(|p| p.contains("logical ID `Bad-Id`")));
    }

    #[test]
    fn retain_except_on_create_is_a_deletion_policy_only() {
        use crate::cfn::DeletionPolicy;
        // The builder never writes it as an UpdateReplacePolicy.
        let r = Resource::new("AWS::ECR::Repository").retain_policy(DeletionPolicy::RetainExceptOnCreate);
        assert_eq!(r.deletion_policy, Some(DeletionPolicy::RetainExceptOnCreate));
        assert_eq!(r.update_replace_policy, Some(DeletionPolicy::Retain));
        let mut t = Template::new();
        t.resources.insert("Repo".into(), r);
        assert!(check_template(&t, 10).is_empty());
        // Written by hand (an override, a raw resource), it is refused.
        let mut bad = Resource::new("AWS::ECR::Repository");
        bad.update_replace_policy = Some(DeletionPolicy::RetainExceptOnCreate);
        t.resources.insert("Bad".into(), bad);
        let problems = check_template(&t, 10);
        assert_eq!(problems, vec![TemplateProblem::UpdateReplaceRetainExceptOnCreate { id: "Bad".into() }]);
    }

    #[test]
    fn counts_limits() {
        let mut t = Template::new();
        for i in 0..=MAX_RESOURCES {
            t.resources.insert(format!("R{i}"), Resource::new("AWS::SNS::Topic"));
        }
        let problems = check_template(&t, MAX_TEMPLATE_BYTES + 1);
        assert!(problems.contains(&TemplateProblem::TooManyResources { count: 501 }));
        assert!(problems.contains(&TemplateProblem::TooLarge { bytes: MAX_TEMPLATE_BYTES + 1 }));
    }
}
