//! A read-only view of one CloudFormation template, whoever wrote it, and the
//! static resolution of its intrinsic functions as far as that is possible.

use std::borrow::Cow;
use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::cfn::Template;

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
}

/// One resource: its type and properties.
#[derive(Debug, Clone, Copy)]
pub struct Res<'a> {
    /// The logical ID.
    pub id: &'a str,
    /// `Type`, e.g. `AWS::EC2::SecurityGroup`.
    pub ty: &'a str,
    /// `Properties`.
    pub props: Props<'a>,
}

/// A template parameter: its type and default.
#[derive(Debug, Clone)]
pub struct Param<'a> {
    /// `Type`.
    pub ty: Cow<'a, str>,
    /// `Default`, when set.
    pub default: Option<&'a Value>,
}

/// A template, indexed for the analysis.
#[derive(Debug, Clone, Default)]
pub struct Doc<'a> {
    /// Parameters by name.
    pub params: HashMap<&'a str, Param<'a>>,
    /// Resources, in the template's order.
    pub resources: Vec<Res<'a>>,
    index: HashMap<&'a str, usize>,
    /// Output values by logical ID.
    pub outputs: HashMap<&'a str, &'a Value>,
    /// The stack's region, when known (resolves `AWS::Region` and `Fn::GetAZs`).
    pub region: Option<&'a str>,
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
    /// `Ref` to a parameter.
    Param(&'a str),
    /// The `n`th availability zone of the stack's region (`Fn::Select` over `Fn::GetAZs`).
    Az(usize),
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
            V::Str(s) if s == "true" => Some(true),
            V::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }
}

impl<'a> Doc<'a> {
    /// Indexes a template built in memory.
    pub fn from_template(t: &'a Template, region: Option<&'a str>) -> Self {
        let mut doc = Doc { region, ..Default::default() };
        for (name, p) in &t.parameters {
            doc.params.insert(name, Param { ty: Cow::Owned(p.parameter_type.as_cfn()), default: p.default.as_ref() });
        }
        for (id, r) in &t.resources {
            doc.push(Res { id, ty: &r.resource_type, props: Props::Index(&r.properties) });
        }
        for (id, o) in &t.outputs {
            doc.outputs.insert(id, &o.value);
        }
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
                doc.params.insert(name, Param { ty: Cow::Borrowed(ty), default: p.get("Default") });
            }
        }
        for (id, r) in resources {
            let Some(ty) = r.get("Type").and_then(Value::as_str) else { continue };
            let props = match r.get("Properties").and_then(Value::as_object) {
                Some(m) => Props::Json(m),
                None => Props::Empty,
            };
            doc.push(Res { id, ty, props });
        }
        if let Some(outputs) = root.get("Outputs").and_then(Value::as_object) {
            for (id, o) in outputs {
                if let Some(value) = o.get("Value") {
                    doc.outputs.insert(id, value);
                }
            }
        }
        Ok(doc)
    }

    fn push(&mut self, r: Res<'a>) {
        self.index.insert(r.id, self.resources.len());
        self.resources.push(r);
    }

    /// The resource `id`.
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

    /// Resolves `v` as far as is possible before deployment.
    pub fn resolve(&self, v: &'a Value) -> V<'a> {
        match v {
            Value::String(s) => V::Str(Cow::Borrowed(s)),
            Value::Number(n) => n.as_f64().map(V::Num).unwrap_or(V::Unknown),
            Value::Bool(b) => V::Bool(*b),
            Value::Object(m) if m.len() == 1 => {
                let (k, arg) = m.iter().next().map(|(k, a)| (k.as_str(), a)).unwrap_or(("", v));
                match k {
                    "Ref" => match arg.as_str() {
                        Some("AWS::Region") => self.region.map(|r| V::Str(Cow::Borrowed(r))).unwrap_or(V::Unknown),
                        Some(name) if self.index.contains_key(name) => V::Ref(name),
                        Some(name) if self.params.contains_key(name) => V::Param(name),
                        _ => V::Unknown,
                    },
                    "Fn::GetAtt" => match arg {
                        Value::Array(a) if a.len() == 2 => match (a[0].as_str(), a[1].as_str()) {
                            (Some(r), Some(att)) if self.index.contains_key(r) => V::Att(r, att),
                            _ => V::Unknown,
                        },
                        Value::String(s) => match s.split_once('.') {
                            Some((r, att)) if self.index.contains_key(r) => V::Att(r, att),
                            _ => V::Unknown,
                        },
                        _ => V::Unknown,
                    },
                    "Fn::Select" => self.select(arg),
                    "Fn::Sub" => match arg {
                        Value::String(s) => self.sub(s),
                        Value::Array(a) if a.len() == 2 && a[1].as_object().is_some_and(|m| m.is_empty()) => {
                            a[0].as_str().map(|s| self.sub(s)).unwrap_or(V::Unknown)
                        }
                        _ => V::Unknown,
                    },
                    _ => V::Unknown,
                }
            }
            _ => V::Unknown,
        }
    }

    fn select(&self, arg: &'a Value) -> V<'a> {
        let Some([index, list]) = arg.as_array().map(Vec::as_slice).and_then(|a| <&[Value; 2]>::try_from(a).ok())
        else {
            return V::Unknown;
        };
        let Some(i) = self.resolve(index).as_i64().and_then(|i| usize::try_from(i).ok()) else { return V::Unknown };
        match list {
            Value::Array(items) => items.get(i).map(|item| self.resolve(item)).unwrap_or(V::Unknown),
            Value::Object(m) if m.contains_key("Fn::GetAZs") => V::Az(i),
            _ => V::Unknown,
        }
    }

    fn sub(&self, s: &'a str) -> V<'a> {
        if !s.contains("${") {
            return V::Str(Cow::Borrowed(s));
        }
        let Some(region) = self.region else { return V::Unknown };
        let out = s.replace("${AWS::Region}", region);
        if out.contains("${") {
            V::Unknown
        } else {
            V::Str(Cow::Owned(out))
        }
    }

    /// The items of a list property; `None` when the list itself is not
    /// known before deployment.
    pub fn list(&self, v: Option<&'a Value>) -> Option<&'a [Value]> {
        match v {
            None => Some(&[]),
            Some(Value::Array(a)) => Some(a),
            Some(_) => None,
        }
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
        assert_eq!(doc.resolve(&json!({"Fn::ImportValue": "x"})), V::Unknown);
        assert_eq!(doc.resolve(&json!({"Ref": "Nope"})), V::Unknown);
    }
}
