//! [`Arn`]: what a prop taking an ARN accepts from Rust — a literal ARN or
//! a handle's (a `Ref` or `Fn::GetAtt` of a resource in the stack), so no
//! stringly conversion is ever needed.

use serde_json::Value;

/// An ARN for a prop: a literal string, or the `Value` a handle gives
/// (`certificate.arn`, `topic.arn`). Build it with `.into()` from a
/// `&str`, a `String`, a `Value`, or a handle reference such as
/// `&Certificate`.
///
/// ```
/// use rcdk_constructs::core::Arn;
/// use serde_json::json;
///
/// let literal: Arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc".into();
/// let handle: Arn = json!({"Ref": "Certificate"}).into();
/// assert_eq!(literal.as_literal(), Some("arn:aws:acm:eu-west-1:123456789012:certificate/abc"));
/// assert_eq!(handle.as_literal(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn(pub Value);

impl Arn {
    /// The ARN when it is a literal string (checkable before deploy).
    pub fn as_literal(&self) -> Option<&str> {
        self.0.as_str()
    }

    /// The value the template holds.
    pub fn to_value(&self) -> Value {
        self.0.clone()
    }
}

impl From<&str> for Arn {
    fn from(s: &str) -> Self {
        Arn(Value::String(s.to_owned()))
    }
}

impl From<String> for Arn {
    fn from(s: String) -> Self {
        Arn(Value::String(s))
    }
}

impl From<Value> for Arn {
    fn from(v: Value) -> Self {
        Arn(v)
    }
}

impl From<&Value> for Arn {
    fn from(v: &Value) -> Self {
        Arn(v.clone())
    }
}
