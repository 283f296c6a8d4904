//! The stacks analysed together and what links them: an `Fn::ImportValue`
//! reads another stack's export, a nested stack's parameters come from its
//! parent's `AWS::CloudFormation::Stack` resource (and its outputs go back
//! through `Fn::GetAtt Child.Outputs.Name`), and a parameter may be fed by
//! another stack's output (rcdk's own cross-stack references).
//!
//! Resources are named by [`Id`] — stack and logical ID — so a hop may
//! start in one template and end in another.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use super::model::{Doc, StackTemplate, V};

/// The type of a security group, which the graph and the routes look up.
pub(crate) const SG: &str = "AWS::EC2::SecurityGroup";
/// The type of a subnet.
pub(crate) const SUBNET: &str = "AWS::EC2::Subnet";

/// How many links (import → export → parameter → ...) one value is followed through.
const MAX_LINKS: usize = 8;

/// A resource of one of the stacks: its stack's index and its logical ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Id<'a> {
    pub stack: usize,
    pub name: &'a str,
}

impl fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// `a, b, c`.
pub(crate) fn names(ids: &[Id<'_>]) -> String {
    ids.iter().map(|i| i.name).collect::<Vec<_>>().join(", ")
}

/// The stacks, with their links resolved.
pub(crate) struct World<'s, 'a> {
    /// Each stack's template; a copy where a parent gives parameter values
    /// (or defaults are assumed).
    pub docs: Vec<Cow<'s, Doc<'a>>>,
    /// Each stack's name.
    pub names: Vec<&'a str>,
    /// Export name → (stack, value), for names known before deployment.
    exports: HashMap<String, (usize, &'a Value)>,
    /// Exports whose names depend on what is only known at deployment (the
    /// stack's name, a parameter): (shape with `*` for those parts, stack, value).
    shaped: Vec<(String, usize, &'a Value)>,
    /// (stack, parameter) → the value given for it in another stack.
    given: HashMap<(usize, &'a str), (usize, &'a Value)>,
    /// (stack, `AWS::CloudFormation::Stack` resource) → the nested stack's index.
    children: HashMap<(usize, &'a str), usize>,
}

impl<'s, 'a> World<'s, 'a> {
    /// Links `stacks`: exports, nested stacks, inputs.
    pub(crate) fn new(stacks: &'s [StackTemplate<'a>]) -> Self {
        let mut given = HashMap::new();
        let mut children = HashMap::new();
        for (c, s) in stacks.iter().enumerate() {
            if let Some((p, res)) = s.nested_in.filter(|(p, _)| *p < stacks.len() && *p != c) {
                children.insert((p, res), c);
                let params = stacks[p].doc.res(res).and_then(|r| r.props.get("Parameters")).and_then(Value::as_object);
                for (k, v) in params.into_iter().flatten() {
                    given.insert((c, k.as_str()), (p, v));
                }
            }
            for (param, stack, output) in &s.inputs {
                let Some(j) = stacks.iter().position(|x| x.name == *stack) else { continue };
                if let Some(v) = stacks[j].doc.outputs.get(output) {
                    given.insert((c, *param), (j, *v));
                }
            }
        }
        let mut w = World {
            docs: stacks.iter().map(|s| Cow::Borrowed(&s.doc)).collect(),
            names: stacks.iter().map(|s| s.name).collect(),
            exports: HashMap::new(),
            shaped: Vec::new(),
            given,
            children,
        };
        w.settle();
        w
    }

    /// The same stacks assuming every parameter's default where no value is
    /// given; `None` when no stack has a default to assume.
    pub(crate) fn with_defaults(&self) -> Option<World<'s, 'a>> {
        self.with_defaults_except(&[])
    }

    /// [`World::with_defaults`], leaving the parameters `skip` (stack,
    /// name) unknown.
    pub(crate) fn with_defaults_except(&self, skip: &[(usize, &str)]) -> Option<World<'s, 'a>> {
        let mut any = false;
        let docs = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let skipped: Vec<&str> = skip.iter().filter(|(s, _)| *s == i).map(|(_, p)| *p).collect();
                (d, d.with_defaults_except(&skipped))
            })
            .map(|(d, with)| match with {
                Some(doc) => {
                    any = true;
                    Cow::Owned(doc)
                }
                None => d.clone(),
            })
            .collect();
        if !any {
            return None;
        }
        let mut w = World {
            docs,
            names: self.names.clone(),
            exports: HashMap::new(),
            shaped: Vec::new(),
            given: self.given.clone(),
            children: self.children.clone(),
        };
        w.settle();
        Some(w)
    }

    /// Gives each nested stack the literal values its parent passes, until
    /// nothing changes; then reads the exports.
    fn settle(&mut self) {
        for _ in 0..=self.docs.len().min(MAX_LINKS) {
            let mut gifts: Vec<(usize, &'a str, Cow<'a, str>)> = Vec::new();
            for (&(c, k), &(p, v)) in &self.given {
                let value = match self.resolve(p, v).1 {
                    V::Str(s) => s,
                    V::Num(n) if n.fract() == 0.0 => Cow::Owned(format!("{}", n as i64)),
                    V::Num(n) => Cow::Owned(n.to_string()),
                    V::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
                    _ => continue,
                };
                if self.docs[c].value_of(k) != Some(value.as_ref()) {
                    gifts.push((c, k, value));
                }
            }
            if gifts.is_empty() {
                break;
            }
            gifts.sort();
            for (c, k, value) in gifts {
                self.docs[c].to_mut().give(vec![(k, value)]);
            }
        }
        self.exports.clear();
        self.shaped.clear();
        for (i, d) in self.docs.iter().enumerate() {
            for &(name, value) in &d.exports {
                match d.values(name, 0) {
                    Some(set) if set.len() == 1 => {
                        self.exports.insert(set[0].clone().into_owned(), (i, value));
                    }
                    _ => {
                        if let Some(shape) = shape(d, name) {
                            self.shaped.push((shape, i, value));
                        }
                    }
                }
            }
        }
    }

    /// Resolves `v`, written in stack `s`, following imports, parameters
    /// given by other stacks and nested stacks' outputs: the stack the
    /// result belongs to, and the result.
    pub(crate) fn resolve(&self, s: usize, v: &'a Value) -> (usize, V<'a>) {
        let mut at = (s, self.docs[s].resolve(v));
        for _ in 0..MAX_LINKS {
            let Some((j, next)) = self.link(at.0, &at.1) else { break };
            at = (j, self.docs[j].resolve(next));
        }
        at
    }

    /// What `v` (resolved in stack `s`) stands for in another stack.
    fn link(&self, s: usize, v: &V<'a>) -> Option<(usize, &'a Value)> {
        match v {
            V::Import(name) => self.export(s, name),
            V::Param(p) => self.given.get(&(s, *p)).copied(),
            V::Att(r, att) => {
                let output = att.strip_prefix("Outputs.")?;
                let c = *self.children.get(&(s, *r))?;
                Some((c, *self.docs[c].outputs.get(output)?))
            }
            _ => None,
        }
    }

    /// The export an `Fn::ImportValue` of stack `s` with argument `name` reads.
    fn export(&self, s: usize, name: &'a Value) -> Option<(usize, &'a Value)> {
        let doc = &self.docs[s];
        if let Some(set) = doc.values(name, 0).filter(|set| set.len() == 1) {
            if let Some(found) = self.exports.get(set[0].as_ref()) {
                return Some(*found);
            }
            let mut matching = self.shaped.iter().filter(|(shape, _, _)| glob(shape, &set[0]));
            let first = matching.next()?;
            return matching.next().is_none().then_some((first.1, first.2));
        }
        // A name only known at deployment: the one export of the same shape.
        let want = shape(doc, name)?;
        let mut matching = self
            .shaped
            .iter()
            .map(|(shape, i, v)| (shape.as_str(), *i, *v))
            .chain(self.exports.iter().map(|(n, (i, v))| (n.as_str(), *i, *v)))
            .filter(|(shape, _, _)| *shape == want || glob(&want, shape));
        let first = matching.next()?;
        matching.next().is_none().then_some((first.1, first.2))
    }

    /// The resource of type `ty` that `v` (written in stack `s`) designates.
    pub(crate) fn target(&self, s: usize, v: Option<&'a Value>, ty: &str) -> Option<Id<'a>> {
        match self.resolve(s, v?) {
            (j, V::Ref(name) | V::Att(name, _)) if self.docs[j].ty(name) == Some(ty) => Some(Id { stack: j, name }),
            _ => None,
        }
    }

    /// The resources of type `ty` a list property designates; `None` when
    /// the list or one of its items cannot be told.
    pub(crate) fn ids(&self, s: usize, v: Option<&'a Value>, ty: &str) -> Option<Vec<Id<'a>>> {
        let Some(v) = v else { return Some(Vec::new()) };
        self.items(s, v, 0)?.into_iter().map(|(j, item)| self.target(j, Some(item), ty)).collect()
    }

    /// The items of a list, with the stack each is written in: a list as
    /// written, or one given by another stack (a parameter, an import, a
    /// nested stack's output), also as `Fn::Join` with `,` (and `Fn::Split`
    /// of such a value).
    fn items(&self, s: usize, v: &'a Value, depth: usize) -> Option<Vec<(usize, &'a Value)>> {
        if depth > MAX_LINKS {
            return None;
        }
        let doc = &self.docs[s];
        if let Some(list) = doc.list(Some(v)) {
            // A list as written; an item may itself be a list given elsewhere
            // (`[!Ref SubnetsParam]` is not valid, but `!Split` of one is).
            return Some(list.into_iter().map(|item| (s, item)).collect());
        }
        if let Some([sep, list]) = v.get("Fn::Join").and_then(Value::as_array).map(Vec::as_slice) {
            if sep.as_str() == Some(",") {
                return self.items(s, list, depth + 1);
            }
            return None;
        }
        if let Some([sep, text]) = v.get("Fn::Split").and_then(Value::as_array).map(Vec::as_slice) {
            if sep.as_str() == Some(",") {
                return self.items(s, text, depth + 1);
            }
            return None;
        }
        let (j, next) = self.link(s, &doc.resolve(v))?;
        self.items(j, next, depth + 1)
    }

    /// Why `v` (written in stack `s`; a value or a list) cannot be told
    /// before deployment, in words: the parameter, import or nested stack
    /// output it comes from, or the intrinsic function.
    pub(crate) fn why(&self, s: usize, v: Option<&'a Value>) -> String {
        let Some(v) = v else { return "it is not set".to_owned() };
        if let Some(items) = self.items(s, v, 0) {
            for (j, item) in items {
                if !matches!(self.resolve(j, item).1, V::Ref(_) | V::Att(..)) {
                    return self.why_value(j, item);
                }
            }
        }
        self.why_value(s, v)
    }

    fn why_value(&self, s: usize, v: &'a Value) -> String {
        let (j, found) = self.resolve(s, v);
        let of = |j: usize| if j == s { String::new() } else { format!(" of {}", self.names[j]) };
        match found {
            V::Param(p) => format!("it comes from parameter `{p}`{}, whose value is only known at deployment", of(j)),
            V::Import(name) => {
                let doc = &self.docs[j];
                let name = match doc.values(name, 0) {
                    Some(set) if set.len() == 1 => set[0].to_string(),
                    _ => shape(doc, name).unwrap_or_else(|| "(computed)".to_owned()),
                };
                format!("it is imported (`Fn::ImportValue` of `{name}`){}, and no template given exports that", of(j))
            }
            V::Att(r, att) if att.starts_with("Outputs.") => {
                format!("it is output `{}` of nested stack {r}{}, whose template was not given", &att[8..], of(j))
            }
            V::Ref(r) | V::Att(r, _) => format!("it is resource {r}{}, not of the expected type", of(j)),
            V::Str(text) => format!("it is `{text}`, not a resource of the templates given"),
            _ => {
                // An intrinsic of something only known at deployment: say what.
                let Some((key, arg)) = v.as_object().filter(|m| m.len() == 1).and_then(|m| m.iter().next()) else {
                    return "it cannot be evaluated before deployment".to_owned();
                };
                let inner = match arg {
                    Value::Array(a) => a.iter().find(|x| x.is_object()),
                    Value::Object(_) => Some(arg),
                    _ => None,
                };
                match inner {
                    Some(inner) if key != "Fn::If" => self.why_value(j, inner),
                    _ => format!("`{key}` cannot be evaluated before deployment"),
                }
            }
        }
    }

    /// The template of stack `s`.
    pub(crate) fn doc(&self, s: usize) -> &Doc<'a> {
        &self.docs[s]
    }

    /// The resource `id`, when it may exist.
    pub(crate) fn res(&self, id: Id<'a>) -> Option<&super::model::Res<'a>> {
        self.docs.get(id.stack)?.res(id.name)
    }

    /// Parameters given by another stack: (stack, parameter) → (stack, value).
    pub(crate) fn given(&self) -> &HashMap<(usize, &'a str), (usize, &'a Value)> {
        &self.given
    }
}

/// The shape of an export or import name whose parts are only known at
/// deployment: `${AWS::StackName}-Vpc` → `*-Vpc`. `None` for a name of no
/// such parts, or one that is not an `Fn::Sub`/`Fn::Join` of them.
fn shape<'a>(doc: &Doc<'a>, v: &'a Value) -> Option<String> {
    let part = |p: &'a Value| -> Option<String> {
        match p {
            Value::String(s) => Some(s.clone()),
            _ => Some(doc.values(p, 0).filter(|set| set.len() == 1).map_or("*".to_owned(), |set| set[0].to_string())),
        }
    };
    let out = if let Some(text) = v.get("Fn::Sub").and_then(|a| a.as_str().or_else(|| a.get(0)?.as_str())) {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let end = after.find('}')?;
            let name = &after[..end];
            let known = if name.contains('.') { None } else { doc.ref_values(name).filter(|set| set.len() == 1) };
            match known {
                Some(set) => out.push_str(&set[0]),
                None => out.push('*'),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    } else if let Some([sep, list]) = v.get("Fn::Join").and_then(Value::as_array).map(Vec::as_slice) {
        let parts: Vec<String> = list.as_array()?.iter().map(part).collect::<Option<_>>()?;
        parts.join(sep.as_str()?)
    } else {
        return None;
    };
    out.contains('*').then_some(out)
}

/// Whether `name` fits `shape`, each `*` standing for one or more characters.
fn glob(shape: &str, name: &str) -> bool {
    let parts: Vec<&str> = shape.split('*').collect();
    if parts.len() == 1 {
        return shape == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || !name[first.len()..].ends_with(last) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut at = first.len();
    let end = name.len() - last.len();
    for p in &parts[1..parts.len() - 1] {
        // Each `*` takes at least one character.
        let Some(i) = name.get(at + 1..end).and_then(|rest| rest.find(p)) else { return false };
        at += 1 + i + p.len();
    }
    at < end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::model::Doc;
    use serde_json::json;

    #[test]
    fn imports_follow_exports_and_nested_stacks_get_their_parents_values() {
        let network = json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup"}},
            "Outputs": {"Sg": {"Value": {"Fn::GetAtt": ["Sg", "GroupId"]}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-Sg"}}}}});
        let app = json!({"Parameters": {"Net": {"Type": "String"}},
            "Resources": {"Rule": {"Type": "AWS::EC2::SecurityGroupIngress",
                "Properties": {"SourceSecurityGroupId": {"Fn::ImportValue": {"Fn::Sub": "${Net}-Sg"}}}}}});
        let parent = json!({"Resources": {"Child": {"Type": "AWS::CloudFormation::Stack",
            "Properties": {"TemplateURL": "child.yaml", "Parameters": {"Port": "80", "Group": {"Fn::ImportValue": "network-Sg"}}}}}});
        let child = json!({"Parameters": {"Port": {"Type": "Number", "Default": 8080}, "Group": {"Type": "String"}},
            "Resources": {}});
        let doc = |v| Doc::from_json(v, None).expect("template");
        let stacks = [
            StackTemplate { name: "network", doc: doc(&network), inputs: vec![], nested_in: None },
            StackTemplate { name: "app", doc: doc(&app), inputs: vec![], nested_in: None },
            StackTemplate { name: "parent", doc: doc(&parent), inputs: vec![], nested_in: None },
            StackTemplate { name: "child", doc: doc(&child), inputs: vec![], nested_in: Some((2, "Child")) },
        ];
        let world = World::new(&stacks);
        let sg = Id { stack: 0, name: "Sg" };
        // `${Net}-Sg` has the shape of the one export `${AWS::StackName}-Sg`.
        let rule = &app["Resources"]["Rule"]["Properties"]["SourceSecurityGroupId"];
        assert_eq!(world.target(1, Some(rule), "AWS::EC2::SecurityGroup"), Some(sg));
        // The parent's literal is the child's value; its import, the network's group.
        assert_eq!(world.docs[3].value_of("Port"), Some("80"));
        let group = json!({"Ref": "Group"});
        assert_eq!(world.target(3, Some(&group), "AWS::EC2::SecurityGroup"), Some(sg));
        // An import no template exports: said so.
        let lone = json!({"Fn::ImportValue": "elsewhere-Vpc"});
        assert!(world.why(1, Some(&lone)).contains("no template given exports that"), "{}", world.why(1, Some(&lone)));
    }

    #[test]
    fn shapes_match_names_their_unknown_parts_allow() {
        assert!(glob("*-Vpc", "network-Vpc"));
        assert!(!glob("*-Vpc", "-Vpc"));
        assert!(glob("ecs-*-*", "ecs-a-b"));
        assert!(!glob("ecs-*-*", "ecs-a"));
        assert!(glob("plain", "plain"));
        assert!(!glob("a*b", "ab"));
    }
}
