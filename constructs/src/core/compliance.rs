//! Compliance: the rule packs a stack opts into, and suppressions with
//! reasons.
//!
//! A stack (or the whole app) names rule packs in `compliance:`; rcdk
//! evaluates them on the synthesized templates (crate `rcdk-guard`, in the
//! `rcdk` binary) and reports each failed rule as an error located at the
//! construct that made the resource. A `suppress:` entry accepts a finding
//! knowingly: it names a rule (its name or its control id) or a whole-app
//! warning code, with the reason it is acceptable, and turns matching
//! findings into notes that carry the reason. The same mechanism serves the
//! constructs' own acknowledgements ([`super::Stack::acknowledge`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A rule pack rcdk knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum RulePack {
    /// The AWS Control Tower proactive controls (AWS CloudFormation Guard
    /// rules, as Control Tower's CloudFormation hooks run them), vendored
    /// from the npm package `@cdklabs/cdk-validator-cfnguard`. A failed
    /// control is an error: with the control active, the hook refuses the
    /// deploy.
    #[serde(rename = "control-tower")]
    ControlTower,
}

impl RulePack {
    /// The name as app files spell it, e.g. `control-tower`.
    pub fn name(self) -> &'static str {
        match self {
            RulePack::ControlTower => "control-tower",
        }
    }

    /// Every pack.
    pub const ALL: [RulePack; 1] = [RulePack::ControlTower];

    /// The pack named `name`.
    pub fn from_name(name: &str) -> Option<RulePack> {
        RulePack::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl fmt::Display for RulePack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Findings accepted knowingly, by rule name, control id (e.g.
/// `CT.ECS.PR.3`) or whole-app warning code (e.g. `net:nat-shared-across-azs`).
///
/// In app files a map from the rule to the reason:
///
/// ```yaml
/// suppress:
///   CT.S3.PR.9: "uploads are replaceable; object lock would keep deleted files for years"
///   CT.ECS.PR.4:
///     reason: "bridge networking on EC2 is the platform's design: one ENI per instance"
///     constructs: [main, files]        # only these constructs (paths below where it is written)
/// ```
///
/// Written under a construct (a service, the load balancer, a bucket, …)
/// it covers that construct and those below it; at stack level, the stack;
/// at app level, every stack. `constructs` narrows it to construct paths
/// below that scope (at app level they start with the stack name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Suppressions(pub BTreeMap<String, Suppression>);

impl Suppressions {
    /// No suppression.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Suppressions from (rule, reason) pairs.
    pub fn of<I, K, R>(entries: I) -> Suppressions
    where
        I: IntoIterator<Item = (K, R)>,
        K: Into<String>,
        R: Into<String>,
    {
        Suppressions(entries.into_iter().map(|(k, r)| (k.into(), Suppression::because(r))).collect())
    }
}

/// One suppression: why, and optionally for which constructs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Why the finding is acceptable here, in a sentence. Required: an
    /// empty reason is an error.
    pub reason: String,
    /// Construct paths the suppression is limited to, relative to where it
    /// is written (at app level, starting with the stack name). Default:
    /// the construct (or stack, or app) it is written under, all of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constructs: Vec<String>,
}

impl Suppression {
    /// A suppression for the whole scope it is written in.
    pub fn because(reason: impl Into<String>) -> Suppression {
        Suppression { reason: reason.into(), constructs: Vec::new() }
    }
}

/// The schema app files are checked against: a string, or the map.
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum SuppressionForm {
    /// Why the finding is acceptable here, in a sentence (not empty).
    Reason(String),
    /// The reason, limited to some constructs.
    Scoped(ScopedForm),
}

/// `{reason, constructs}`.
#[derive(schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ScopedForm {
    /// Why the finding is acceptable here, in a sentence (not empty).
    reason: String,
    /// Construct paths the suppression is limited to, relative to where it
    /// is written (at app level, starting with the stack name). Default:
    /// the whole scope.
    #[serde(default)]
    constructs: Vec<String>,
}

impl schemars::JsonSchema for Suppression {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Suppression".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        SuppressionForm::json_schema(generator)
    }
}

/// `RULE: "reason"`, or `RULE: {reason, constructs}` (with serde's own
/// messages for a missing or unknown field).
impl<'de> Deserialize<'de> for Suppression {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Scoped {
            reason: String,
            #[serde(default)]
            constructs: Vec<String>,
        }
        struct SuppressionVisitor;
        impl<'de> Visitor<'de> for SuppressionVisitor {
            type Value = Suppression;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the reason, or `{reason: <why>, constructs: [<path>, ...]}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Suppression, E> {
                Ok(Suppression::because(v))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Suppression, E> {
                Ok(Suppression::because(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Suppression, A::Error> {
                let s = Scoped::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Suppression { reason: s.reason, constructs: s.constructs })
            }
        }
        deserializer.deserialize_any(SuppressionVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressions_read_as_a_reason_or_a_scoped_map() {
        let s: Suppressions =
            serde_yaml::from_str("CT.S3.PR.9: because\nCT.ECS.PR.4: {reason: bridge, constructs: [main]}\n").unwrap();
        assert_eq!(s.0["CT.S3.PR.9"], Suppression::because("because"));
        assert_eq!(s.0["CT.ECS.PR.4"].constructs, ["main"]);
        let e = serde_yaml::from_str::<Suppressions>("X: {reason: r, construct: [a]}\n").unwrap_err();
        assert!(e.to_string().contains("unknown field `construct`"), "{e}");
        let e = serde_yaml::from_str::<Suppressions>("X: [a]\n").unwrap_err();
        assert!(e.to_string().contains("the reason, or"), "{e}");
        assert_eq!(
            serde_yaml::to_string(&s).unwrap(),
            "CT.ECS.PR.4:\n  reason: bridge\n  constructs:\n  - main\nCT.S3.PR.9:\n  reason: because\n"
        );
        assert_eq!(RulePack::from_name("control-tower"), Some(RulePack::ControlTower));
        assert_eq!(serde_yaml::from_str::<Vec<RulePack>>("[control-tower]").unwrap(), [RulePack::ControlTower]);
    }
}
