//! Intrinsic functions and pseudo parameters as typed Rust values.

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

/// A CloudFormation intrinsic function.
///
/// Renders in long form (`Fn::GetAtt: [...]`), never with the short `!` tags,
/// so any YAML or JSON reader can parse the template.
#[derive(Debug, Clone, PartialEq)]
pub enum Intrinsic {
    /// `Ref`: a parameter's value or a resource's primary identifier.
    Ref(String),
    /// `Fn::GetAtt`: an attribute of a resource.
    GetAtt(String, String),
    /// `Fn::Sub` with `${...}` references resolved from the template.
    Sub(String),
    /// `Fn::Sub` with an explicit variable map.
    SubWith(String, IndexMap<String, Value>),
    /// `Fn::Join`: the values joined with a delimiter.
    Join(String, Vec<Value>),
    /// `Fn::Select`: one element of a list, by index.
    Select(u32, Value),
    /// `Fn::Split`: a string split by a delimiter into a list.
    Split(String, Value),
    /// `Fn::GetAZs`: the availability zones of a region (`""` is the stack's region).
    GetAzs(String),
    /// `Fn::Cidr`: `count` CIDR blocks of `cidr_bits` host bits from `ip_block`.
    Cidr {
        /// The CIDR block to divide.
        ip_block: Value,
        /// How many blocks to generate (1..=256).
        count: u32,
        /// Host bits per block (the prefix is 32 minus this for IPv4).
        cidr_bits: u32,
    },
    /// `Fn::If`: one of two values depending on a named condition.
    If(String, Value, Value),
    /// `Fn::Equals`: true when both values are equal.
    Equals(Value, Value),
    /// `Fn::And`: true when all conditions are true (2..=10 of them).
    And(Vec<Value>),
    /// `Fn::Or`: true when any condition is true (2..=10 of them).
    Or(Vec<Value>),
    /// `Fn::Not`: the negation of a condition.
    Not(Value),
    /// `Condition`: a reference to a named condition inside another condition.
    Condition(String),
    /// `Fn::ImportValue`: an output exported by another stack.
    ImportValue(Value),
    /// `Fn::FindInMap`: a value from a mapping.
    FindInMap(String, Value, Value),
    /// `Fn::Base64`: the value encoded as Base64 (for EC2 user data).
    Base64(Value),
}

impl Intrinsic {
    /// `Ref` to a logical ID or parameter name, as a [`Value`].
    pub fn ref_(name: impl Into<String>) -> Value {
        Intrinsic::Ref(name.into()).into()
    }

    /// `Fn::GetAtt` of `logical_id.attribute`, as a [`Value`].
    pub fn get_att(logical_id: impl Into<String>, attribute: impl Into<String>) -> Value {
        Intrinsic::GetAtt(logical_id.into(), attribute.into()).into()
    }

    /// `Fn::Sub` of a template string, as a [`Value`].
    pub fn sub(template: impl Into<String>) -> Value {
        Intrinsic::Sub(template.into()).into()
    }

    /// `Fn::Join` of values with a delimiter, as a [`Value`].
    pub fn join(delimiter: impl Into<String>, values: Vec<Value>) -> Value {
        Intrinsic::Join(delimiter.into(), values).into()
    }

    /// `Fn::Select` of `Fn::GetAZs ""`: the stack region's AZ at `index`.
    pub fn az(index: u32) -> Value {
        Intrinsic::Select(index, Intrinsic::GetAzs(String::new()).into()).into()
    }

    /// `Fn::If` on a named condition, as a [`Value`].
    pub fn if_(condition: impl Into<String>, then: Value, otherwise: Value) -> Value {
        Intrinsic::If(condition.into(), then, otherwise).into()
    }

    /// `Fn::Base64` of a value, as a [`Value`].
    pub fn base64(value: Value) -> Value {
        Intrinsic::Base64(value).into()
    }

    /// `Fn::ImportValue` of an export name, as a [`Value`].
    pub fn import_value(name: Value) -> Value {
        Intrinsic::ImportValue(name).into()
    }
}

fn single(key: &str, value: Value) -> Value {
    let mut map = Map::with_capacity(1);
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

impl From<Intrinsic> for Value {
    fn from(f: Intrinsic) -> Value {
        match f {
            Intrinsic::Ref(name) => single("Ref", Value::String(name)),
            Intrinsic::GetAtt(id, attr) => single("Fn::GetAtt", json!([id, attr])),
            Intrinsic::Sub(s) => single("Fn::Sub", Value::String(s)),
            Intrinsic::SubWith(s, vars) => {
                let vars: Map<String, Value> = vars.into_iter().collect();
                single("Fn::Sub", json!([s, vars]))
            }
            Intrinsic::Join(d, values) => single("Fn::Join", json!([d, values])),
            Intrinsic::Select(i, list) => single("Fn::Select", json!([i, list])),
            Intrinsic::Split(d, s) => single("Fn::Split", json!([d, s])),
            Intrinsic::GetAzs(region) => single("Fn::GetAZs", Value::String(region)),
            Intrinsic::Cidr { ip_block, count, cidr_bits } => single("Fn::Cidr", json!([ip_block, count, cidr_bits])),
            Intrinsic::If(c, a, b) => single("Fn::If", json!([c, a, b])),
            Intrinsic::Equals(a, b) => single("Fn::Equals", json!([a, b])),
            Intrinsic::And(v) => single("Fn::And", Value::Array(v)),
            Intrinsic::Or(v) => single("Fn::Or", Value::Array(v)),
            Intrinsic::Not(v) => single("Fn::Not", json!([v])),
            Intrinsic::Condition(name) => single("Condition", Value::String(name)),
            Intrinsic::ImportValue(v) => single("Fn::ImportValue", v),
            Intrinsic::FindInMap(m, a, b) => single("Fn::FindInMap", json!([m, a, b])),
            Intrinsic::Base64(v) => single("Fn::Base64", v),
        }
    }
}

/// The pseudo parameters CloudFormation defines in every template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::NotificationARNs`
    NotificationArns,
    /// `AWS::NoValue`: removes the property it is assigned to (inside `Fn::If`).
    NoValue,
    /// `AWS::Partition`
    Partition,
    /// `AWS::Region`
    Region,
    /// `AWS::StackId`
    StackId,
    /// `AWS::StackName`
    StackName,
    /// `AWS::URLSuffix`
    UrlSuffix,
}

impl Pseudo {
    /// Every pseudo parameter.
    pub const ALL: [Pseudo; 8] = [
        Pseudo::AccountId,
        Pseudo::NotificationArns,
        Pseudo::NoValue,
        Pseudo::Partition,
        Pseudo::Region,
        Pseudo::StackId,
        Pseudo::StackName,
        Pseudo::UrlSuffix,
    ];

    /// The name used in `Ref`, e.g. `AWS::Region`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
            Pseudo::NoValue => "AWS::NoValue",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::Region => "AWS::Region",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
        }
    }

    /// Whether `name` is a pseudo parameter.
    pub fn is_pseudo(name: &str) -> bool {
        Pseudo::ALL.iter().any(|p| p.name() == name)
    }

    /// `Ref` to this pseudo parameter, as a [`Value`].
    pub fn as_ref(self) -> Value {
        Intrinsic::ref_(self.name())
    }
}

impl From<Pseudo> for Value {
    fn from(p: Pseudo) -> Value {
        p.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_long_form() {
        let v: Value = Intrinsic::Select(1, Intrinsic::GetAzs(String::new()).into()).into();
        assert_eq!(v, json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}));
        assert_eq!(Intrinsic::get_att("Lb", "DNSName"), json!({"Fn::GetAtt": ["Lb", "DNSName"]}));
        let mut vars = IndexMap::new();
        vars.insert("Host".to_owned(), Intrinsic::get_att("Lb", "DNSName"));
        let v: Value = Intrinsic::SubWith("http://${Host}".into(), vars).into();
        assert_eq!(v, json!({"Fn::Sub": ["http://${Host}", {"Host": {"Fn::GetAtt": ["Lb", "DNSName"]}}]}));
        let v: Value = Intrinsic::Not(Intrinsic::Condition("C".into()).into()).into();
        assert_eq!(v, json!({"Fn::Not": [{"Condition": "C"}]}));
        assert_eq!(Pseudo::NoValue.as_ref(), json!({"Ref": "AWS::NoValue"}));
    }
}
