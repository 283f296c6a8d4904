//! A read-only view of one CloudFormation template, whoever wrote it, and the
//! static evaluation of its intrinsic functions as far as that is possible
//! before deployment.
//!
//! Values are evaluated as *sets of possible values*: a parameter with
//! `AllowedValues` may be any of them, `Fn::FindInMap` keyed by an unknown
//! region may be the value of any region of the map (a region the map lacks
//! fails the deployment, so it never matters). A set of one is a known value;
//! an unbounded set ("cannot tell") is `None`. Conditions are three-valued on
//! top of that, and a resource whose condition is false whatever the
//! parameters are does not exist: it is left out of [`Doc::resources`].
//!
//! Parameter values known before deployment — given by a parent stack, or
//! the defaults when [`Doc::with_defaults`] assumes them — resolve like
//! literals.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::cfn::Template;

/// The most values a set may hold before it counts as "cannot tell".
const MAX_VALUES: usize = 64;
/// How deep intrinsic functions are followed.
const MAX_DEPTH: u8 = 24;

/// Three-valued answers: "cannot tell" is never an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// The properties of one resource, borrowed from a [`Template`] or from a
/// parsed template document.
#[derive(Debug, Clone, Copy)]
pub enum Props<'a> {
    /// A resource of a [`Template`] built in memory.
    Index(&'a IndexMap<String, Value>),
    /// A resource of a parsed JSON/YAML document.
    Json(&'a Map<String, Value>),
    /// A resource without `Properties`.
    Empty,
}

impl<'a> Props<'a> {
    /// The property `name`.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        match self {
            Props::Index(m) => m.get(name),
            Props::Json(m) => m.get(name),
            Props::Empty => None,
        }
    }

    /// Every property, in the template's order.
    pub fn values(&self) -> Box<dyn Iterator<Item = &'a Value> + 'a> {
        match *self {
            Props::Index(m) => Box::new(m.values()),
            Props::Json(m) => Box::new(m.values()),
            Props::Empty => Box::new(std::iter::empty()),
        }
    }
}

/// One resource: its type, properties, condition and metadata.
#[derive(Debug, Clone, Copy)]
pub struct Res<'a> {
    /// The logical ID.
    pub id: &'a str,
    /// `Type`, e.g. `AWS::EC2::SecurityGroup`.
    pub ty: &'a str,
    /// `Properties`.
    pub props: Props<'a>,
    /// `Condition`: the resource exists only when it is true. Default: none.
    pub condition: Option<&'a str>,
    /// `Metadata` (where `AWS::CloudFormation::Init` lives). Default: none.
    pub metadata: Option<&'a Value>,
    /// Whether it exists only under a condition that cannot be decided
    /// before deployment (it may or may not be created).
    pub maybe: bool,
}

/// A template parameter: its type, default and allowed values.
#[derive(Debug, Clone)]
pub struct Param<'a> {
    /// `Type`.
    pub ty: Cow<'a, str>,
    /// `Default`, when set.
    pub default: Option<&'a Value>,
    /// `AllowedValues`; empty when any value is allowed.
    pub allowed: &'a [Value],
}

impl Param<'_> {
    /// Whether the value is the name of an SSM parameter holding the real
    /// value (`AWS::SSM::Parameter::Value<...>`): its default is a name, not
    /// a value.
    pub fn is_ssm(&self) -> bool {
        self.ty.starts_with("AWS::SSM::Parameter::Value")
    }
}

/// A template, indexed for the analysis.
#[derive(Debug, Clone, Default)]
pub struct Doc<'a> {
    /// Parameters by name.
    pub params: HashMap<&'a str, Param<'a>>,
    /// The resources that may exist, in the template's order (those whose
    /// condition is false whatever the parameters are left out).
    pub resources: Vec<Res<'a>>,
    index: HashMap<&'a str, usize>,
    /// Every resource as written, whatever its condition.
    written: Vec<Res<'a>>,
    /// Output values by logical ID.
    pub outputs: HashMap<&'a str, &'a Value>,
    /// Exported outputs: (`Export.Name`, `Value`), both as written.
    pub exports: Vec<(&'a Value, &'a Value)>,
    /// The stack's region, when known (resolves `AWS::Region` and `Fn::GetAZs`).
    pub region: Option<&'a str>,
    /// The stack's name, when known (resolves `AWS::StackName`).
    pub stack_name: Option<&'a str>,
    conditions: HashMap<&'a str, &'a Value>,
    mappings: HashMap<&'a str, &'a Value>,
    /// Parameter values known before deployment.
    values: HashMap<&'a str, Cow<'a, str>>,
    /// The parameters whose defaults are assumed (see [`Doc::with_defaults`]).
    assumed: Vec<&'a str>,
    /// Every condition, decided as far as it can be.
    decided: HashMap<&'a str, Tri>,
    /// What the template holds that the analysis does not read, and why.
    pub not_analysed: Vec<String>,
}

/// A statically resolved value.
#[derive(Debug, Clone, PartialEq)]
pub enum V<'a> {
    /// A string known before deployment.
    Str(Cow<'a, str>),
    /// A number.
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// `Ref` to a resource of the template.
    Ref(&'a str),
    /// `Fn::GetAtt` of a resource of the template.
    Att(&'a str, &'a str),
    /// `Ref` to a parameter whose value is not known.
    Param(&'a str),
    /// The `n`th availability zone of the stack's region (`Fn::Select` over `Fn::GetAZs`).
    Az(usize),
    /// `Fn::ImportValue`, with its argument as written (another stack's export).
    Import(&'a Value),
    /// `Ref: AWS::NoValue`: the property (or list item) is left out.
    NoValue,
    /// Anything else: cannot tell before deployment.
    Unknown,
}

impl<'a> V<'a> {
    /// The string, when known.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A number, also from a numeric string.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            V::Num(n) if n.fract() == 0.0 => Some(*n as i64),
            V::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean, also from `"true"`/`"false"`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            V::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
}

/// The text of a scalar, as CloudFormation compares it (`Fn::Equals`).
fn scalar(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

/// Adds `more` to `set` without duplicates; `None` once it holds too many.
fn union<'a>(mut set: Vec<Cow<'a, str>>, more: Vec<Cow<'a, str>>) -> Option<Vec<Cow<'a, str>>> {
    for m in more {
        if !set.contains(&m) {
            set.push(m);
        }
    }
    (set.len() <= MAX_VALUES).then_some(set)
}

/// Every concatenation of a prefix of `heads` and an item of `tails`.
fn product<'a>(heads: Vec<String>, tails: &[Cow<'a, str>]) -> Option<Vec<String>> {
    if heads.len() * tails.len() > MAX_VALUES {
        return None;
    }
    Some(heads.iter().flat_map(|h| tails.iter().map(move |t| format!("{h}{t}"))).collect())
}

impl<'a> Doc<'a> {
    /// Indexes a template built in memory.
    pub fn from_template(t: &'a Template, region: Option<&'a str>) -> Self {
        let mut doc = Doc { region, ..Default::default() };
        for (name, p) in &t.parameters {
            doc.params.insert(
                name,
                Param {
                    ty: Cow::Owned(p.parameter_type.as_cfn()),
                    default: p.default.as_ref(),
                    allowed: &p.allowed_values,
                },
            );
        }
        for (name, c) in &t.conditions {
            doc.conditions.insert(name, c);
        }
        for (name, m) in &t.mappings {
            doc.mappings.insert(name, m);
        }
        for (id, r) in &t.resources {
            doc.written.push(Res {
                id,
                ty: &r.resource_type,
                props: Props::Index(&r.properties),
                condition: r.condition.as_deref(),
                metadata: r.metadata.as_ref(),
                maybe: false,
            });
        }
        for (id, o) in &t.outputs {
            doc.outputs.insert(id, &o.value);
            if let Some(name) = &o.export_name {
                doc.exports.push((name, &o.value));
            }
        }
        doc.decide();
        doc
    }

    /// Indexes a parsed template document (JSON, or YAML turned into JSON).
    /// Fails when it is not a template: no `Resources` map.
    pub fn from_json(v: &'a Value, region: Option<&'a str>) -> Result<Self, String> {
        let root = v.as_object().ok_or("the document is not a map")?;
        let resources =
            root.get("Resources").and_then(Value::as_object).ok_or("the template has no `Resources` map")?;
        let mut doc = Doc { region, ..Default::default() };
        if let Some(params) = root.get("Parameters").and_then(Value::as_object) {
            for (name, p) in params {
                let ty = p.get("Type").and_then(Value::as_str).unwrap_or("String");
                let allowed = p.get("AllowedValues").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                doc.params.insert(name, Param { ty: Cow::Borrowed(ty), default: p.get("Default"), allowed });
            }
        }
        for (key, section) in [("Conditions", &mut doc.conditions), ("Mappings", &mut doc.mappings)] {
            if let Some(m) = root.get(key).and_then(Value::as_object) {
                section.extend(m.iter().map(|(k, v)| (k.as_str(), v)));
            }
        }
        let mut serverless = 0;
        for (id, r) in resources {
            if id.starts_with("Fn::ForEach::") {
                doc.not_analysed.push(format!(
                    "`{id}`: resources that `Fn::ForEach` generates at deployment (AWS::LanguageExtensions) were not analysed"
                ));
                continue;
            }
            let Some(ty) = r.get("Type").and_then(Value::as_str) else { continue };
            if ty.starts_with("AWS::Serverless::") {
                serverless += 1;
            }
            let props = match r.get("Properties").and_then(Value::as_object) {
                Some(m) => Props::Json(m),
                None => Props::Empty,
            };
            let condition = r.get("Condition").and_then(Value::as_str);
            doc.written.push(Res { id, ty, props, condition, metadata: r.get("Metadata"), maybe: false });
        }
        let transforms: Vec<&str> = match root.get("Transform") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for t in transforms {
            if t.starts_with("AWS::Serverless") {
                if serverless > 0 {
                    doc.not_analysed.push(format!(
                        "the transform `{t}` turns its {serverless} AWS::Serverless::* resource(s) into others at deployment; \
                         those were not analysed"
                    ));
                }
            } else if t != "AWS::LanguageExtensions" {
                doc.not_analysed.push(format!(
                    "the transform `{t}` rewrites the template at deployment; what it adds was not analysed"
                ));
            }
        }
        if let Some(outputs) = root.get("Outputs").and_then(Value::as_object) {
            for (id, o) in outputs {
                let Some(value) = o.get("Value") else { continue };
                doc.outputs.insert(id, value);
                if let Some(name) = o.get("Export").and_then(|e| e.get("Name")) {
                    doc.exports.push((name, value));
                }
            }
        }
        doc.decide();
        Ok(doc)
    }

    /// Decides every condition as far as it can be, and keeps the resources
    /// that may exist.
    fn decide(&mut self) {
        self.decided.clear();
        let names: Vec<&'a str> = self.conditions.keys().copied().collect();
        for name in names {
            let mut visiting = Vec::new();
            let t = self.condition_uncached(name, &mut visiting);
            self.decided.insert(name, t);
        }
        self.resources.clear();
        self.index.clear();
        for r in &self.written {
            let state = r.condition.map_or(Tri::Yes, |c| self.condition(c));
            if state == Tri::No {
                continue;
            }
            self.index.insert(r.id, self.resources.len());
            self.resources.push(Res { maybe: state == Tri::Unknown, ..*r });
        }
    }

    /// Whether condition `name` holds: decided, or `Unknown`.
    pub(crate) fn condition(&self, name: &str) -> Tri {
        self.decided.get(name).copied().unwrap_or(Tri::Unknown)
    }

    fn condition_uncached(&self, name: &'a str, visiting: &mut Vec<&'a str>) -> Tri {
        if let Some(t) = self.decided.get(name) {
            return *t;
        }
        if visiting.contains(&name) || visiting.len() > usize::from(MAX_DEPTH) {
            return Tri::Unknown;
        }
        let Some(def) = self.conditions.get(name).copied() else { return Tri::Unknown };
        visiting.push(name);
        let t = self.eval_condition(def, visiting);
        visiting.pop();
        t
    }

    fn eval_condition(&self, v: &'a Value, visiting: &mut Vec<&'a str>) -> Tri {
        let Some((k, arg)) = v.as_object().filter(|m| m.len() == 1).and_then(|m| m.iter().next()) else {
            return match v {
                Value::Bool(true) => Tri::Yes,
                Value::Bool(false) => Tri::No,
                _ => Tri::Unknown,
            };
        };
        let items = || arg.as_array().map(Vec::as_slice).unwrap_or_default();
        match k.as_str() {
            "Condition" => match arg.as_str() {
                Some(name) => self.condition_uncached(name, visiting),
                None => Tri::Unknown,
            },
            "Fn::Not" => match items() {
                [c] => self.eval_condition(c, visiting).not(),
                _ => Tri::Unknown,
            },
            "Fn::And" | "Fn::Or" => {
                let (stop, rest) = if k == "Fn::And" { (Tri::No, Tri::Yes) } else { (Tri::Yes, Tri::No) };
                let mut out = rest;
                for c in items() {
                    match self.eval_condition(c, visiting) {
                        t if t == stop => return stop,
                        Tri::Unknown => out = Tri::Unknown,
                        _ => {}
                    }
                }
                out
            }
            "Fn::Equals" => match items() {
                [a, b] => match (self.values(a, 0), self.values(b, 0)) {
                    (Some(a), Some(b)) if a.len() == 1 && b.len() == 1 && a[0] == b[0] => Tri::Yes,
                    (Some(a), Some(b)) if a.iter().all(|x| !b.contains(x)) => Tri::No,
                    _ => Tri::Unknown,
                },
                _ => Tri::Unknown,
            },
            _ => Tri::Unknown,
        }
    }

    /// The values `v` may take, as CloudFormation compares them; `None`
    /// when it cannot be told (or they are too many).
    pub(crate) fn values(&self, v: &'a Value, depth: u8) -> Option<Vec<Cow<'a, str>>> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(s) = scalar(v) {
            return Some(vec![s]);
        }
        let (k, arg) = v.as_object().filter(|m| m.len() == 1).and_then(|m| m.iter().next())?;
        match k.as_str() {
            "Ref" => self.ref_values(arg.as_str()?),
            "Fn::FindInMap" => {
                let leaves = self.map_leaves(arg, depth)?;
                leaves.into_iter().try_fold(Vec::new(), |set, leaf| union(set, vec![scalar(leaf)?]))
            }
            "Fn::If" => {
                let [c, yes, no] = arg.as_array().map(Vec::as_slice)? else { return None };
                match self.condition(c.as_str()?) {
                    Tri::Yes => self.values(yes, depth + 1),
                    Tri::No => self.values(no, depth + 1),
                    Tri::Unknown => union(self.values(yes, depth + 1)?, self.values(no, depth + 1)?),
                }
            }
            "Fn::Join" => {
                let [sep, list] = arg.as_array().map(Vec::as_slice)? else { return None };
                let sep = self.single(sep, depth + 1)?;
                // A list parameter (`CommaDelimitedList`, `List<...>`) of a known value.
                if let Some(name) = list.get("Ref").and_then(Value::as_str) {
                    let value = self.values.get(name)?;
                    return Some(vec![Cow::Owned(value.split(',').map(str::trim).collect::<Vec<_>>().join(&sep))]);
                }
                let mut out = vec![String::new()];
                for (i, item) in self.list(Some(list))?.into_iter().enumerate() {
                    if i > 0 {
                        out = product(out, &[Cow::Borrowed(sep.as_ref())])?;
                    }
                    out = product(out, &self.values(item, depth + 1)?)?;
                }
                Some(out.into_iter().map(Cow::Owned).collect())
            }
            "Fn::Sub" => match arg {
                Value::String(s) => self.sub_values(s, None, depth),
                Value::Array(a) => match a.as_slice() {
                    [Value::String(s), Value::Object(vars)] => self.sub_values(s, Some(vars), depth),
                    [Value::String(s)] => self.sub_values(s, None, depth),
                    _ => None,
                },
                _ => None,
            },
            "Fn::Select" => {
                let [index, list] = arg.as_array().map(Vec::as_slice)? else { return None };
                let i: usize = self.single(index, depth + 1)?.trim().parse().ok()?;
                if let Some(split) = list.get("Fn::Split") {
                    let [sep, text] = split.as_array().map(Vec::as_slice)? else { return None };
                    let sep = self.single(sep, depth + 1)?;
                    let text = self.single(text, depth + 1)?;
                    return text.split(sep.as_ref()).nth(i).map(|s| vec![Cow::Owned(s.to_owned())]);
                }
                let items = self.list(Some(list))?;
                self.values(items.get(i)?, depth + 1)
            }
            _ => None,
        }
    }

    /// The one value `v` takes, when there is one.
    fn single(&self, v: &'a Value, depth: u8) -> Option<Cow<'a, str>> {
        let mut set = self.values(v, depth)?;
        (set.len() == 1).then(|| set.remove(0))
    }

    /// The values of `Ref: name`: a pseudo parameter, or a parameter.
    pub(crate) fn ref_values(&self, name: &'a str) -> Option<Vec<Cow<'a, str>>> {
        let one = |s: &'a str| Some(vec![Cow::Borrowed(s)]);
        match name {
            "AWS::Region" => one(self.region?),
            "AWS::StackName" => one(self.stack_name?),
            "AWS::Partition" => one(crate::region::partition(self.region?)),
            "AWS::URLSuffix" => one(crate::region::url_suffix(self.region?)),
            _ => {
                if let Some(v) = self.values.get(name) {
                    return Some(vec![v.clone()]);
                }
                let p = self.params.get(name)?;
                if p.allowed.is_empty() {
                    return None;
                }
                p.allowed.iter().try_fold(Vec::new(), |set, a| union(set, vec![scalar(a)?]))
            }
        }
    }

    /// The values an `Fn::FindInMap` may look up: every entry of the keys it
    /// may be given (all of them for a key that cannot be told).
    fn map_leaves(&self, arg: &'a Value, depth: u8) -> Option<Vec<&'a Value>> {
        let a = arg.as_array()?;
        let (map, top, second) = (a.first()?, a.get(1)?, a.get(2)?);
        let map = self.mappings.get(self.single(map, depth + 1)?.as_ref())?.as_object()?;
        let pick = |m: &'a Map<String, Value>, key: &'a Value| -> Option<Vec<&'a Value>> {
            match self.values(key, depth + 1) {
                Some(keys) => Some(keys.iter().filter_map(|k| m.get(k.as_ref())).collect()),
                None => Some(m.values().collect()),
            }
        };
        let mut out = Vec::new();
        for entry in pick(map, top)? {
            out.extend(pick(entry.as_object()?, second)?);
        }
        (!out.is_empty()).then_some(out)
    }

    fn sub_values(&self, text: &'a str, vars: Option<&'a Map<String, Value>>, depth: u8) -> Option<Vec<Cow<'a, str>>> {
        if !text.contains("${") {
            return Some(vec![Cow::Borrowed(text)]);
        }
        let mut out = vec![String::new()];
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            let literal = &rest[..i];
            let after = &rest[i + 2..];
            let end = after.find('}')?;
            let name = after[..end].trim();
            let part: Vec<Cow<'a, str>> = if let Some(escaped) = name.strip_prefix('!') {
                vec![Cow::Owned(format!("${{{escaped}}}"))]
            } else if let Some(v) = vars.and_then(|m| m.get(name)) {
                self.values(v, depth + 1)?
            } else if name.contains('.') {
                return None;
            } else {
                self.ref_values(name)?
            };
            out = product(out, &[Cow::Borrowed(literal)])?;
            out = product(out, &part)?;
            rest = &after[end + 1..];
        }
        out = product(out, &[Cow::Borrowed(rest)])?;
        Some(out.into_iter().map(Cow::Owned).collect())
    }

    /// A copy with parameter `name` known to be `value` (a parent stack
    /// gives it); conditions are decided again.
    pub(crate) fn give(&mut self, values: Vec<(&'a str, Cow<'a, str>)>) {
        let mut changed = false;
        for (name, value) in values {
            if self.params.contains_key(name) && self.values.get(name) != Some(&value) {
                self.values.insert(name, value);
                changed = true;
            }
        }
        if changed {
            self.decide();
        }
    }

    /// A copy that assumes every parameter not given a value takes its
    /// default (not an SSM parameter's, whose default names where the value
    /// is); `None` when no parameter has such a default.
    pub fn with_defaults(&self) -> Option<Doc<'a>> {
        self.with_defaults_except(&[])
    }

    /// [`Doc::with_defaults`], leaving the parameters `skip` unknown.
    pub(crate) fn with_defaults_except(&self, skip: &[&str]) -> Option<Doc<'a>> {
        let mut assumed: Vec<(&'a str, Cow<'a, str>)> = Vec::new();
        for (name, p) in &self.params {
            if self.values.contains_key(name) || p.is_ssm() || skip.contains(name) {
                continue;
            }
            let Some(default) = p.default.and_then(scalar) else { continue };
            assumed.push((name, default));
        }
        if assumed.is_empty() {
            return None;
        }
        assumed.sort();
        let mut doc = self.clone();
        doc.assumed = assumed.iter().map(|(n, _)| *n).collect();
        doc.values.extend(assumed);
        doc.decide();
        Some(doc)
    }

    /// The parameters whose defaults this copy assumes, sorted.
    pub fn assumed(&self) -> &[&'a str] {
        &self.assumed
    }

    /// The value parameter `name` is known or assumed to have.
    pub fn value_of(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|v| v.as_ref())
    }

    /// The resource `id`, when it may exist.
    pub fn res(&self, id: &str) -> Option<&Res<'a>> {
        self.index.get(id).map(|&i| &self.resources[i])
    }

    /// The type of resource `id`.
    pub fn ty(&self, id: &str) -> Option<&'a str> {
        self.res(id).map(|r| r.ty)
    }

    /// Resources of type `ty`.
    pub fn of_type<'s>(&'s self, ty: &'s str) -> impl Iterator<Item = &'s Res<'a>> + 's {
        self.resources.iter().filter(move |r| r.ty == ty)
    }

    /// The parameters resource `id` depends on: those its properties
    /// name (`Ref`, `${Name}` in `Fn::Sub`), and those of the conditions it
    /// or an `Fn::If` in it depends on.
    pub(crate) fn params_of(&self, id: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let Some(r) = self.res(id) else { return out };
        for v in r.props.values() {
            self.collect_params(v, &mut out, 0);
        }
        if let Some(c) = r.condition.and_then(|c| self.conditions.get(c)) {
            self.collect_params(c, &mut out, 0);
        }
        out
    }

    fn collect_params(&self, v: &'a Value, out: &mut Vec<&'a str>, depth: u8) {
        if depth > MAX_DEPTH {
            return;
        }
        let push = |name: &'a str, out: &mut Vec<&'a str>| {
            if let Some((&p, _)) = self.params.get_key_value(name) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        };
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("Ref", Value::String(name)) => push(name, out),
                        ("Fn::Sub", _) => {
                            let text = x.as_str().or_else(|| x.get(0).and_then(Value::as_str)).unwrap_or_default();
                            for rest in text.split("${").skip(1) {
                                push(rest.split('}').next().unwrap_or_default().trim(), out);
                            }
                        }
                        ("Condition", Value::String(c)) => {
                            if let Some(def) = self.conditions.get(c.as_str()) {
                                self.collect_params(def, out, depth + 1);
                            }
                        }
                        ("Fn::If", Value::Array(a)) => {
                            if let Some(def) = a.first().and_then(Value::as_str).and_then(|c| self.conditions.get(c)) {
                                self.collect_params(def, out, depth + 1);
                            }
                        }
                        _ => {}
                    }
                    self.collect_params(x, out, depth + 1);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.collect_params(x, out, depth + 1)),
            _ => {}
        }
    }

    /// Resolves `v` as far as is possible before deployment.
    pub fn resolve(&self, v: &'a Value) -> V<'a> {
        self.resolve_at(v, 0)
    }

    fn resolve_at(&self, v: &'a Value, depth: u8) -> V<'a> {
        if depth > MAX_DEPTH {
            return V::Unknown;
        }
        let (k, arg) = match v {
            Value::String(s) => return V::Str(Cow::Borrowed(s)),
            Value::Number(n) => return n.as_f64().map(V::Num).unwrap_or(V::Unknown),
            Value::Bool(b) => return V::Bool(*b),
            Value::Object(m) if m.len() == 1 => match m.iter().next() {
                Some((k, arg)) => (k.as_str(), arg),
                None => return V::Unknown,
            },
            _ => return V::Unknown,
        };
        match k {
            "Ref" => match arg.as_str() {
                Some("AWS::NoValue") => V::NoValue,
                Some(name) if self.index.contains_key(name) => V::Ref(name),
                Some(name) => match self.values(v, depth) {
                    Some(mut set) if set.len() == 1 => V::Str(set.remove(0)),
                    _ if self.params.contains_key(name) => V::Param(name),
                    _ => V::Unknown,
                },
                None => V::Unknown,
            },
            "Fn::GetAtt" => {
                let (r, att) = match arg {
                    Value::Array(a) if a.len() == 2 => (a[0].as_str(), a[1].as_str()),
                    Value::String(s) => match s.split_once('.') {
                        Some((r, att)) => (Some(r), Some(att)),
                        None => (None, None),
                    },
                    _ => (None, None),
                };
                match (r.filter(|r| self.index.contains_key(r)), att) {
                    (Some(r), Some(att)) => V::Att(r, att),
                    _ => V::Unknown,
                }
            }
            "Fn::If" => {
                let Some([c, yes, no]) = arg.as_array().map(Vec::as_slice) else { return V::Unknown };
                match self.condition(c.as_str().unwrap_or_default()) {
                    Tri::Yes => self.resolve_at(yes, depth + 1),
                    Tri::No => self.resolve_at(no, depth + 1),
                    Tri::Unknown => {
                        let (a, b) = (self.resolve_at(yes, depth + 1), self.resolve_at(no, depth + 1));
                        if a == b && a != V::Unknown {
                            a
                        } else {
                            V::Unknown
                        }
                    }
                }
            }
            "Fn::Select" => match self.select(arg, depth) {
                V::Unknown => match self.values(v, depth) {
                    Some(mut set) if set.len() == 1 => V::Str(set.remove(0)),
                    _ => V::Unknown,
                },
                found => found,
            },
            "Fn::ImportValue" => V::Import(arg),
            "Fn::FindInMap" | "Fn::Join" | "Fn::Sub" => match self.values(v, depth) {
                Some(mut set) if set.len() == 1 => V::Str(set.remove(0)),
                _ => V::Unknown,
            },
            _ => V::Unknown,
        }
    }

    fn select(&self, arg: &'a Value, depth: u8) -> V<'a> {
        let Some([index, list]) = arg.as_array().map(Vec::as_slice) else { return V::Unknown };
        let Some(i) = self.resolve_at(index, depth + 1).as_i64().and_then(|i| usize::try_from(i).ok()) else {
            return V::Unknown;
        };
        if list.get("Fn::GetAZs").is_some() {
            return V::Az(i);
        }
        match self.list(Some(list)) {
            Some(items) => items.get(i).map(|item| self.resolve_at(item, depth + 1)).unwrap_or(V::Unknown),
            None => V::Unknown,
        }
    }

    /// The items of a list property (an `Fn::If` decided, or a list of a
    /// mapping, resolved; items that are `AWS::NoValue` left out); `None`
    /// when the list itself is not known before deployment.
    pub fn list(&self, v: Option<&'a Value>) -> Option<Vec<&'a Value>> {
        self.list_at(v, 0)
    }

    fn list_at(&self, v: Option<&'a Value>, depth: u8) -> Option<Vec<&'a Value>> {
        if depth > MAX_DEPTH {
            return None;
        }
        match v {
            None => Some(Vec::new()),
            Some(Value::Array(a)) => Some(
                a.iter()
                    .filter_map(|item| match self.pick(item, depth + 1) {
                        Some(x) if x.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue") => None,
                        Some(x) => Some(x),
                        None => Some(item),
                    })
                    .collect(),
            ),
            Some(v @ Value::Object(m)) if m.len() == 1 => {
                if let Some(x) = self.pick(v, depth + 1) {
                    return self.list_at(Some(x), depth + 1);
                }
                if let Some(arg) = m.get("Fn::FindInMap") {
                    let leaves = self.map_leaves(arg, depth)?;
                    let first = leaves.first()?;
                    if leaves.iter().all(|l| l == first) {
                        return self.list_at(Some(first), depth + 1);
                    }
                }
                None
            }
            Some(_) => None,
        }
    }

    /// The branch an `Fn::If` takes, followed through nested ones; `None`
    /// when `v` is no `Fn::If` or its condition cannot be decided.
    fn pick(&self, v: &'a Value, depth: u8) -> Option<&'a Value> {
        // An intrinsic is a map of one key: no lookup for the others.
        let (key, arg) = v.as_object().filter(|m| m.len() == 1)?.iter().next()?;
        if key != "Fn::If" {
            return None;
        }
        let [c, yes, no] = arg.as_array().map(Vec::as_slice)? else { return None };
        let branch = match self.condition(c.as_str()?) {
            Tri::Yes => yes,
            Tri::No => no,
            Tri::Unknown => return None,
        };
        if depth > MAX_DEPTH {
            return None;
        }
        Some(self.pick(branch, depth + 1).unwrap_or(branch))
    }

    /// The logical ID of the resource of type `ty` that `v` designates
    /// (`Ref`, or `Fn::GetAtt` of any attribute).
    pub fn target(&self, v: Option<&'a Value>, ty: &str) -> Option<&'a str> {
        match self.resolve(v?) {
            V::Ref(id) | V::Att(id, _) if self.ty(id) == Some(ty) => Some(id),
            _ => None,
        }
    }
}

/// Whether `v` refers to one of `ids` anywhere: `Ref`, `Fn::GetAtt`, or
/// `${id}` / `${id.Attribute}` in an `Fn::Sub` string.
pub(crate) fn mentions(v: &Value, ids: &HashSet<&str>) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| {
            (k == "Ref" && x.as_str().is_some_and(|s| ids.contains(s)))
                || (k == "Fn::GetAtt"
                    && (x.get(0).and_then(Value::as_str).is_some_and(|s| ids.contains(s))
                        || x.as_str().is_some_and(|s| s.split('.').next().is_some_and(|id| ids.contains(id)))))
                || (k == "Fn::Sub" && sub_mentions(x, ids))
                || mentions(x, ids)
        }),
        Value::Array(a) => a.iter().any(|x| mentions(x, ids)),
        _ => false,
    }
}

/// `${Name}` / `${Name.Attribute}` placeholders of an `Fn::Sub` naming one of `ids`.
fn sub_mentions(x: &Value, ids: &HashSet<&str>) -> bool {
    let text = match x {
        Value::String(s) => s.as_str(),
        Value::Array(a) => match a.first().and_then(Value::as_str) {
            Some(s) => s,
            None => return false,
        },
        _ => return false,
    };
    text.split("${").skip(1).any(|rest| {
        let name = rest.split('}').next().unwrap_or_default();
        let name = name.split('.').next().unwrap_or_default();
        ids.contains(name)
    })
}

/// The property `name` of `r`, resolved.
pub fn prop<'a>(doc: &Doc<'a>, r: &Res<'a>, name: &str) -> V<'a> {
    r.props.get(name).map(|v| doc.resolve(v)).unwrap_or(V::Unknown)
}

/// `v[key]`, for nested property maps.
pub fn field<'a>(v: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    v?.get(key)
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
    /// For a nested stack: its parent (an index into the stacks analysed
    /// together) and the parent's `AWS::CloudFormation::Stack` resource,
    /// whose `Parameters` give this template's parameters. Default: none.
    pub nested_in: Option<(usize, &'a str)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_intrinsics_statically() {
        let t = json!({
            "Parameters": {"P": {"Type": "String", "Default": "x"}},
            "Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {}}}
        });
        let doc = Doc::from_json(&t, Some("eu-west-1")).expect("template");
        assert_eq!(doc.resolve(&json!({"Ref": "Sg"})), V::Ref("Sg"));
        assert_eq!(doc.resolve(&json!({"Fn::GetAtt": "Sg.GroupId"})), V::Att("Sg", "GroupId"));
        assert_eq!(doc.resolve(&json!({"Ref": "P"})), V::Param("P"));
        assert_eq!(doc.resolve(&json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]})), V::Az(1));
        assert_eq!(doc.resolve(&json!({"Fn::Select": ["1", ["a", "b"]]})), V::Str("b".into()));
        assert_eq!(
            doc.resolve(&json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"})),
            V::Str("com.amazonaws.eu-west-1.s3".into())
        );
        let import = json!({"Fn::ImportValue": "x"});
        assert_eq!(doc.resolve(&import), V::Import(&import["Fn::ImportValue"]));
        assert_eq!(doc.resolve(&json!({"Ref": "Nope"})), V::Unknown);
    }

    /// A template of `conditions` over parameter `Env` (allowed dev and
    /// staging, default `default`), a region mapping, and resource `R`
    /// under condition `On`.
    fn with_conditions(conditions: serde_json::Value, default: &str) -> serde_json::Value {
        json!({
            "Parameters": {"Env": {"Type": "String", "AllowedValues": ["dev", "staging"], "Default": default},
                "Free": {"Type": "String", "Default": "x"}},
            "Mappings": {"Regions": {"us-east-1": {"List": "pl-1", "Port": 80}, "eu-west-1": {"List": "pl-2", "Port": 80}}},
            "Conditions": conditions,
            "Resources": {"R": {"Type": "AWS::SNS::Topic", "Condition": "On"}}
        })
    }

    #[test]
    fn conditions_are_three_valued_over_allowed_values_and_mapped_regions() {
        let cases = [
            // Impossible with the allowed values: false, the resource does not exist.
            (json!({"On": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}), Tri::No),
            // One of the allowed values: cannot tell.
            (json!({"On": {"Fn::Equals": [{"Ref": "Env"}, "dev"]}}), Tri::Unknown),
            // A parameter without allowed values: cannot tell.
            (json!({"On": {"Fn::Equals": [{"Ref": "Free"}, "x"]}}), Tri::Unknown),
            // Non-empty in every region of the map.
            (
                json!({"On": {"Fn::Equals": [{"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "List"]}, ""]}}),
                Tri::No,
            ),
            (
                json!({"On": {"Fn::Not": [{"Fn::Equals": [{"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Port"]}, 80]}]}}),
                Tri::No,
            ),
            // And/Or/Not and conditions naming conditions.
            (
                json!({"Prod": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}, "On": {"Fn::Not": [{"Condition": "Prod"}]}}),
                Tri::Yes,
            ),
            (json!({"On": {"Fn::Or": [{"Fn::Equals": [{"Ref": "Free"}, "x"]}, {"Fn::Equals": ["a", "a"]}]}}), Tri::Yes),
            (json!({"On": {"Fn::And": [{"Fn::Equals": [{"Ref": "Free"}, "x"]}, {"Fn::Equals": ["a", "b"]}]}}), Tri::No),
            // A cycle is not an answer.
            (json!({"On": {"Condition": "On"}}), Tri::Unknown),
        ];
        for (conditions, want) in cases {
            let t = with_conditions(conditions.clone(), "dev");
            let doc = Doc::from_json(&t, None).expect("template");
            assert_eq!(doc.condition("On"), want, "{conditions}");
            assert_eq!(doc.res("R").is_some(), want != Tri::No, "{conditions}");
            assert_eq!(doc.res("R").is_some_and(|r| r.maybe), want == Tri::Unknown, "{conditions}");
        }
        // With a region, the mapping's entry for it.
        let t = with_conditions(
            json!({"On": {"Fn::Equals": [{"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "List"]}, "pl-2"]}}),
            "dev",
        );
        assert_eq!(Doc::from_json(&t, Some("eu-west-1")).expect("t").condition("On"), Tri::Yes);
        assert_eq!(Doc::from_json(&t, Some("us-east-1")).expect("t").condition("On"), Tri::No);
        assert_eq!(Doc::from_json(&t, None).expect("t").condition("On"), Tri::Unknown);
    }

    #[test]
    fn defaults_are_assumed_on_request_and_decide_conditions() {
        let t = with_conditions(json!({"On": {"Fn::Equals": [{"Ref": "Env"}, "staging"]}}), "staging");
        let doc = Doc::from_json(&t, None).expect("template");
        assert_eq!(doc.resolve(&json!({"Ref": "Env"})), V::Param("Env"));
        assert_eq!(doc.condition("On"), Tri::Unknown);
        let assumed = doc.with_defaults().expect("defaults");
        assert_eq!(assumed.assumed(), &["Env", "Free"]);
        assert_eq!(assumed.resolve(&json!({"Ref": "Env"})), V::Str("staging".into()));
        assert_eq!(assumed.condition("On"), Tri::Yes);
        // SSM parameters' defaults name where the value is: never assumed.
        let ssm = json!({"Parameters": {"Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": "/aws/x"}},
            "Resources": {}});
        assert!(Doc::from_json(&ssm, None).expect("t").with_defaults().is_none());
    }

    #[test]
    fn literals_through_join_sub_if_select_and_find_in_map_resolve() {
        let t = with_conditions(json!({"On": {"Fn::Equals": ["a", "a"]}, "Off": {"Fn::Equals": ["a", "b"]}}), "dev");
        let doc = Doc::from_json(&t, None).expect("template");
        let cases = [
            (json!({"Fn::Join": ["", ["0.0.0.0", "/0"]]}), V::Str("0.0.0.0/0".into())),
            (json!({"Fn::Join": [",", ["a", {"Fn::If": ["On", "b", "c"]}]]}), V::Str("a,b".into())),
            (json!({"Fn::Sub": ["${A}-${B}", {"A": "x", "B": {"Fn::Join": ["", ["y", "z"]]}}]}), V::Str("x-yz".into())),
            (json!({"Fn::Sub": "literal ${!NotAVariable}"}), V::Str("literal ${NotAVariable}".into())),
            (json!({"Fn::If": ["Off", "a", "b"]}), V::Str("b".into())),
            (json!({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}), V::Str("b".into())),
            // Equal in every region: known without the region.
            (json!({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Port"]}), V::Str("80".into())),
            // Different per region: cannot tell.
            (json!({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "List"]}), V::Unknown),
            // A parameter's allowed values are not one value.
            (json!({"Fn::Join": ["-", [{"Ref": "Env"}, "x"]]}), V::Unknown),
            (json!({"Fn::Sub": "${R.Arn}"}), V::Unknown),
        ];
        for (v, want) in cases {
            assert_eq!(doc.resolve(&v), want, "{v}");
        }
        // A list item that is `AWS::NoValue` is left out.
        let list = json!([{"Fn::If": ["Off", "x", {"Ref": "AWS::NoValue"}]}, "y"]);
        assert_eq!(doc.list(Some(&list)), Some(vec![&json!("y")]));
    }
}
