//! Checks raw resources and property overrides (the escape hatches) against
//! the CloudFormation resource provider schemas vendored in
//! [`crate::cfn::schema`]: unknown type, unknown property, wrong value type,
//! missing required property, bad enum value. Only the schemas of the types
//! actually checked are parsed.
//!
//! Intrinsic functions (`{Ref: X}`, `{"Fn::GetAtt": [...]}`, any `Fn::*`)
//! are accepted wherever a value is expected and not looked into. Types are
//! checked the way CloudFormation coerces them: a number or boolean is a
//! valid string, a numeric string a valid number, `"true"`/`"false"` a valid
//! boolean. `oneOf`/`anyOf`/`allOf`, patterns and lengths are not checked.
//!
//! ```
//! use rcdk_constructs::cfn::validate::validate_properties;
//! use serde_json::json;
//!
//! let props = json!({"VisibilityTimout": 30});
//! let problems = validate_properties("AWS::SQS::Queue", props.as_object().unwrap());
//! assert_eq!(problems[0].kind, rcdk_constructs::cfn::validate::SchemaProblemKind::UnknownProperty);
//! assert!(problems[0].message.contains("did you mean `VisibilityTimeout`"));
//! ```

use serde_json::{Map, Value};

use super::schema::{known_types, resource_schema};
use super::FieldPath;

/// What is wrong with a resource's type or properties. The construct layer
/// turns each kind into its diagnostic code (`cfn:unknown-type`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaProblemKind {
    /// A resource type the registry does not know.
    UnknownType,
    /// A property the type's schema does not have.
    UnknownProperty,
    /// A value of the wrong JSON type.
    WrongType,
    /// A required property that is missing.
    MissingRequired,
    /// A value outside the schema's `enum`.
    BadEnum,
}

/// One problem found in a resource's properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    /// What kind of problem it is.
    pub kind: SchemaProblemKind,
    /// Where, relative to the value checked (the resource's `Properties`, or
    /// an override's value): the offending key or value.
    pub path: FieldPath,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when known.
    pub help: Option<String>,
}

impl SchemaProblem {
    fn new(kind: SchemaProblemKind, path: FieldPath, message: String) -> Self {
        SchemaProblem { kind, path, message, help: None }
    }
}

/// Whether `resource_type` is one CloudFormation templates may use without
/// a registry schema: custom resources (`Custom::*`) and modules (`*::MODULE`).
fn unchecked_type(resource_type: &str) -> bool {
    resource_type.starts_with("Custom::") || resource_type.ends_with("::MODULE")
}

/// Checks that `resource_type` is a registry type (or a custom resource);
/// the problem suggests the closest known type.
pub fn check_type(resource_type: &str) -> Result<(), SchemaProblem> {
    if unchecked_type(resource_type) || resource_schema(resource_type).is_some() {
        return Ok(());
    }
    let mut problem = SchemaProblem::new(
        SchemaProblemKind::UnknownType,
        FieldPath::root(),
        format!("`{resource_type}` is not a CloudFormation resource type{}", suggest(resource_type, known_types())),
    );
    problem.help = Some(
        "use a type from the CloudFormation resource type reference, or `Custom::<Name>` for a custom resource".into(),
    );
    Err(problem)
}

/// Checks a resource's whole `Properties` against its type's schema
/// (including required properties). An unknown or unchecked type yields no
/// problems here (see [`check_type`]).
pub fn validate_properties(resource_type: &str, properties: &Map<String, Value>) -> Vec<SchemaProblem> {
    let Some(root) = resource_schema(resource_type) else { return Vec::new() };
    let mut out = Vec::new();
    check_object(root, root, properties, &FieldPath::root(), &mut out);
    out
}

/// Checks `value` set at `path` (segments below `Properties`, e.g.
/// `["QueueName"]` or `["RedrivePolicy", "maxReceiveCount"]`) of a resource
/// of `resource_type`, as an override sets it. Problems on the path itself
/// (an unknown property along it) are at the root path; problems inside
/// `value` are relative to `value`.
pub fn validate_at(resource_type: &str, path: &[&str], value: &Value) -> Vec<SchemaProblem> {
    let Some(root) = resource_schema(resource_type) else { return Vec::new() };
    let mut node = root;
    for (i, segment) in path.iter().enumerate() {
        node = resolve(root, node);
        if let Some(items) = node.get("items").filter(|_| segment.parse::<usize>().is_ok()) {
            node = items;
            continue;
        }
        match node.get("properties").and_then(|p| p.get(*segment)) {
            Some(next) => node = next,
            None if closed(node) => {
                let names = node.get("properties").and_then(Value::as_object).map(|m| m.keys().map(String::as_str));
                let at = path[..i].join(".");
                let within =
                    if at.is_empty() { format!("`{resource_type}`") } else { format!("`{at}` of `{resource_type}`") };
                return vec![SchemaProblem::new(
                    SchemaProblemKind::UnknownProperty,
                    FieldPath::root(),
                    format!(
                        "{within} has no property `{segment}`{}",
                        names.map(|n| suggest(segment, n)).unwrap_or_default()
                    ),
                )];
            }
            // An open object (a map, a JSON document): anything goes below.
            None => return Vec::new(),
        }
    }
    let mut out = Vec::new();
    check_value(root, node, value, &FieldPath::root(), &mut out);
    out
}

/// The required top-level properties of `resource_type`.
pub fn required_properties(resource_type: &str) -> Vec<&'static str> {
    resource_schema(resource_type)
        .and_then(|s| s.get("required"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// ` (did you mean `X`?)` for the candidate closest to `name`, if close enough.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = name.to_ascii_lowercase();
    let max_edits = (lower.chars().count() / 3).max(1);
    candidates
        .map(|c| {
            let other = c.to_ascii_lowercase();
            (strsim::damerau_levenshtein(&lower, &other), strsim::jaro_winkler(&lower, &other), c)
        })
        .filter(|(edits, score, _)| *edits <= max_edits || *score >= 0.9)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// Follows `$ref: #/definitions/Name` (repeatedly) to the definition.
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else { break };
        let Some(target) = reference.strip_prefix('#').and_then(|p| root.pointer(p)) else { break };
        node = target;
    }
    node
}

/// Whether the object schema `node` rejects keys it does not list.
fn closed(node: &Value) -> bool {
    node.get("additionalProperties") == Some(&Value::Bool(false)) && node.get("patternProperties").is_none()
}

/// Whether `value` is an intrinsic function call (`Ref`, `Fn::*`,
/// `Condition`), whose result is only known at deploy time.
pub fn is_intrinsic(value: &Value) -> bool {
    match value.as_object() {
        Some(m) if m.len() == 1 => m.keys().all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")),
        _ => false,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Whether `value` is acceptable as JSON-schema `ty`, with CloudFormation's coercions.
fn matches_type(ty: &str, value: &Value) -> bool {
    match (ty, value) {
        ("string", Value::String(_) | Value::Number(_) | Value::Bool(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        ("integer", Value::String(s)) => s.trim().parse::<i64>().is_ok(),
        ("number", Value::Number(_)) => true,
        ("number", Value::String(s)) => s.trim().parse::<f64>().is_ok(),
        ("boolean", Value::Bool(_)) => true,
        ("boolean", Value::String(s)) => matches!(s.as_str(), "true" | "false" | "True" | "False"),
        ("array", Value::Array(_)) => true,
        ("object", Value::Object(_)) => true,
        ("null", Value::Null) => true,
        _ => false,
    }
}

fn check_value(root: &Value, node: &Value, value: &Value, at: &FieldPath, out: &mut Vec<SchemaProblem>) {
    if is_intrinsic(value) {
        return;
    }
    let node = resolve(root, node);
    let types: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| matches_type(t, value)) {
        let expected = types.iter().map(|t| schema_type_name(t)).collect::<Vec<_>>().join(" or ");
        out.push(SchemaProblem::new(
            SchemaProblemKind::WrongType,
            at.clone(),
            format!("expected {expected}, found {}", type_name(value)),
        ));
        return;
    }
    if let Some(allowed) = node.get("enum").and_then(Value::as_array) {
        if !is_intrinsic(value) && !allowed.iter().any(|a| enum_eq(a, value)) {
            let list = allowed.iter().map(display).collect::<Vec<_>>();
            let shown = display(value);
            let hint = suggest(&shown, list.iter().map(String::as_str));
            let mut p = SchemaProblem::new(
                SchemaProblemKind::BadEnum,
                at.clone(),
                format!("`{shown}` is not one of the allowed values{hint}"),
            );
            p.help = Some(format!("use one of: {}", list.join(", ")));
            out.push(p);
            return;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = node.get(key).and_then(Value::as_array) {
            // Valid when one branch accepts it; otherwise report the first
            // branch whose type fits (its problems are the specific ones).
            let mut fitting = None;
            for branch in branches {
                let mut found = Vec::new();
                check_value(root, branch, value, at, &mut found);
                if found.is_empty() {
                    fitting = None;
                    break;
                }
                if fitting.is_none() && !found.iter().any(|p| p.kind == SchemaProblemKind::WrongType && p.path == *at) {
                    fitting = Some(found);
                }
            }
            out.extend(fitting.into_iter().flatten());
        }
    }
    match value {
        Value::Object(map) => check_object(root, node, map, at, out),
        Value::Array(items) => {
            if let Some(item_schema) = node.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check_value(root, item_schema, item, &at.index(i), out);
                }
            }
        }
        _ => {}
    }
}

fn check_object(root: &Value, node: &Value, map: &Map<String, Value>, at: &FieldPath, out: &mut Vec<SchemaProblem>) {
    let node = resolve(root, node);
    let properties = node.get("properties").and_then(Value::as_object);
    for (key, value) in map {
        match properties.and_then(|p| p.get(key)) {
            Some(schema) => check_value(root, schema, value, &at.key(key.as_str()), out),
            None if closed(node) => {
                let hint = properties.map(|p| suggest(key, p.keys().map(String::as_str))).unwrap_or_default();
                let mut p = SchemaProblem::new(
                    SchemaProblemKind::UnknownProperty,
                    at.key(key.as_str()),
                    format!("unknown property `{key}`{hint}"),
                );
                if let Some(props) = properties {
                    // The top level lists the attributes `Fn::GetAtt` reads too; they cannot be set.
                    let read_only = |name: &str| {
                        std::ptr::eq(node, root)
                            && root
                                .get("readOnlyProperties")
                                .and_then(Value::as_array)
                                .is_some_and(|a| a.iter().any(|p| p.as_str() == Some(&format!("/properties/{name}"))))
                    };
                    let settable: Vec<&str> = props.keys().map(String::as_str).filter(|k| !read_only(k)).collect();
                    p.help = Some(format!("known properties: {}", settable.join(", ")));
                }
                out.push(p);
            }
            None => {}
        }
    }
    for required in node.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        if !map.contains_key(required) {
            out.push(SchemaProblem::new(
                SchemaProblemKind::MissingRequired,
                at.clone(),
                format!("required property `{required}` is missing"),
            ));
        }
    }
}

fn schema_type_name(ty: &str) -> &'static str {
    match ty {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "array" => "a list",
        "object" => "a map",
        _ => "a value",
    }
}

/// Enum values compare as CloudFormation passes them: as strings.
fn enum_eq(allowed: &Value, value: &Value) -> bool {
    allowed == value || display(allowed) == display(value)
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(ty: &str, props: Value) -> Vec<SchemaProblem> {
        validate_properties(ty, props.as_object().expect("object"))
    }

    #[test]
    fn unknown_type_suggests_the_closest() {
        let e = check_type(&format!("{}::Queu", "AWS::SQS")).expect_err("unknown");
        assert_eq!(e.kind, SchemaProblemKind::UnknownType);
        assert!(e.message.contains("did you mean `AWS::SQS::Queue`?"), "{}", e.message);
        assert!(check_type("AWS::SQS::Queue").is_ok());
        assert!(check_type("Custom::Seeder").is_ok());
    }

    #[test]
    fn unknown_property_at_its_path_with_a_suggestion() {
        let p = problems("AWS::SQS::Queue", json!({"VisibilityTimout": 30}));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].kind, SchemaProblemKind::UnknownProperty);
        assert_eq!(p[0].path.to_string(), "VisibilityTimout");
        assert!(p[0].message.contains("did you mean `VisibilityTimeout`?"));
    }

    #[test]
    fn nested_definitions_and_items_are_followed() {
        // LifecycleConfiguration.Rules[0] is a `$ref` to a definition with a required Status.
        let p = problems(
            "AWS::S3::Bucket",
            json!({"LifecycleConfiguration": {"Rules": [{"ExpirationInDays": 7, "Statuss": "Enabled"}]}}),
        );
        let codes: Vec<(SchemaProblemKind, String)> = p.iter().map(|p| (p.kind, p.path.to_string())).collect();
        assert!(
            codes.contains(&(SchemaProblemKind::UnknownProperty, "LifecycleConfiguration.Rules[0].Statuss".into())),
            "{codes:?}"
        );
        assert!(
            codes.contains(&(SchemaProblemKind::MissingRequired, "LifecycleConfiguration.Rules[0]".into())),
            "{codes:?}"
        );
    }

    #[test]
    fn wrong_types_and_coercions() {
        let p =
            problems("AWS::SQS::Queue", json!({"VisibilityTimeout": "soon", "FifoQueue": "true", "DelaySeconds": "5"}));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].kind, p[0].path.to_string()), (SchemaProblemKind::WrongType, "VisibilityTimeout".into()));
        assert!(p[0].message.contains("expected an integer, found a string"), "{}", p[0].message);
        let p = problems("AWS::SQS::Queue", json!({"Tags": {"a": "b"}}));
        assert_eq!((p[0].kind, p[0].message.as_str()), (SchemaProblemKind::WrongType, "expected a list, found a map"));
    }

    #[test]
    fn missing_required_and_bad_enum() {
        let p = problems("AWS::Logs::MetricFilter", json!({"LogGroupName": "g", "FilterPattern": ""}));
        assert!(
            p.iter()
                .any(|p| p.kind == SchemaProblemKind::MissingRequired && p.message.contains("MetricTransformations")),
            "{p:?}"
        );
        let p = problems("AWS::ECS::Service", json!({"LaunchType": "EC3"}));
        assert_eq!((p[0].kind, p[0].path.to_string()), (SchemaProblemKind::BadEnum, "LaunchType".into()));
        assert!(p[0].message.contains("did you mean `EC2`?"), "{}", p[0].message);
        // Through a `oneOf` of a `$ref` list and a JSON document, into the list's items.
        let p = problems("AWS::DynamoDB::Table", json!({"KeySchema": [{"AttributeName": "id", "KeyTyp": "HASH"}]}));
        let bad = p.iter().find(|p| p.kind == SchemaProblemKind::UnknownProperty).expect("unknown property");
        assert_eq!(bad.path.to_string(), "KeySchema[0].KeyTyp");
        assert!(bad.message.contains("did you mean `KeyType`?"), "{}", bad.message);
        assert!(problems("AWS::DynamoDB::Table", json!({"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}))
            .is_empty());
    }

    #[test]
    fn intrinsics_are_accepted_anywhere() {
        let p = problems(
            "AWS::SQS::Queue",
            json!({"VisibilityTimeout": {"Ref": "Timeout"}, "QueueName": {"Fn::Sub": "${AWS::StackName}-q"}, "Tags": {"Fn::If": ["C", [], []]}}),
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn overrides_check_the_path_and_the_value() {
        let p = validate_at("AWS::SQS::Queue", &["VisibilityTimout"], &json!(30));
        assert_eq!(p[0].kind, SchemaProblemKind::UnknownProperty);
        assert!(p[0].message.contains("did you mean `VisibilityTimeout`?"));
        assert!(validate_at("AWS::SQS::Queue", &["VisibilityTimeout"], &json!(30)).is_empty());
        let p = validate_at("AWS::SQS::Queue", &["VisibilityTimeout"], &json!([1]));
        assert_eq!(p[0].kind, SchemaProblemKind::WrongType);
        // Below an open map (RedrivePolicy is a free-form JSON object) anything goes.
        assert!(validate_at("AWS::SQS::Queue", &["RedrivePolicy", "maxReceiveCount"], &json!(3)).is_empty());
    }
}
