//! The CloudFormation resource provider schemas of every registry resource
//! type, vendored from the pinned cfn-lint by `scripts/vendor-schemas` into
//! `constructs/data/resource-schemas.tsv` and compiled in.
//!
//! # The data file
//!
//! ```text
//! # rcdk resource schemas v1
//! # source: <sentence naming the source>
//! # cfnLintVersion: 1.58.0
//! # schemaDate: 2026-10-20T22:11:15Z
//! AWS::EC2::Subnet<TAB>{"additionalProperties":false,"createOnlyProperties":[...],...}
//! ...
//! ```
//!
//! After the `#` header, one line per resource type, sorted bytewise by type
//! name: the name, a tab, and the type's schema as one line of compact JSON.
//! Looking a type up is a binary search over the lines, and only that
//! type's JSON is parsed, on first use (then cached), so nothing is parsed at
//! start-up and `rcdk synth` pays nothing for the ~1,900 types.
//!
//! Each schema is the registry schema with documentation, handlers and
//! permissions stripped. What is kept:
//!
//! - at every level, the JSON-schema keywords validation needs: `type`,
//!   `properties`, `patternProperties`, `additionalProperties`,
//!   `definitions` (referenced as `{"$ref": "#/definitions/Name"}`),
//!   `required`, `enum`, `const`, `items`, `$ref`, `oneOf`, `anyOf`, `allOf`,
//!   `not`, `if`/`then`/`else`, `dependencies`, CloudFormation's
//!   `requiredXor`, `requiredOr`, `dependentRequired`, `dependentExcluded`,
//!   and the value constraints `pattern`, `format`, `minimum`, `maximum`,
//!   `exclusiveMinimum`, `exclusiveMaximum`, `minLength`, `maxLength`,
//!   `minItems`, `maxItems`;
//! - at the top level, `createOnlyProperties`,
//!   `conditionalCreateOnlyProperties`, `readOnlyProperties` (the `Fn::GetAtt`
//!   attributes), `writeOnlyProperties`, `primaryIdentifier` (JSON pointers
//!   such as `/properties/CidrBlock`), `updatable`: whether the type has
//!   an update handler (if not, every property change replaces it), and
//!   `tagging`: the registry's tagging metadata (`taggable`, `tagOnCreate`,
//!   `tagUpdatable`, `tagProperty`) with the `shape` of the tag property
//!   that `scripts/vendor-schemas` works out (`list`, `list-propagate-at-launch`
//!   or `map`; see [`tagging`]).
//!
//! [`resource_schema`] gives that JSON; [`type_schema`] the replacement rules
//! `rcdk diff` uses; [`raw_schema`] the line's JSON text unparsed.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

/// The vendored data file, compiled in.
const DATA: &str = include_str!("../../data/resource-schemas.tsv");

/// Where the vendored schemas come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaSource {
    /// A sentence naming the source.
    pub source: String,
    /// The cfn-lint version the schemas were taken from.
    pub cfn_lint_version: String,
    /// The schemas' date, as cfn-lint records it.
    pub schema_date: Option<String>,
}

/// The replacement rules of one resource type, from its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSchema {
    /// JSON pointers (`/properties/CidrBlock`) of properties whose change replaces the resource.
    pub create_only: Vec<String>,
    /// JSON pointers of properties whose change replaces the resource in some cases only.
    pub conditional_create_only: Vec<String>,
    /// JSON pointers of the read-only properties (the type's `Fn::GetAtt` attributes).
    pub read_only: Vec<String>,
    /// JSON pointers of the primary identifier.
    pub primary_identifier: Vec<String>,
    /// Whether the type can be updated at all; if not, every change replaces it.
    pub updatable: bool,
}

/// How a resource type takes tags (see [`tagging`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tagging {
    /// The property holding the tags, e.g. `Tags` (`FileSystemTags` for an EFS file system).
    pub property: &'static str,
    /// Its shape.
    pub shape: TagShape,
}

/// The shape of a tag property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagShape {
    /// A list of `{Key, Value}`.
    List,
    /// A list of `{Key, Value, PropagateAtLaunch}` (Auto Scaling groups).
    ListPropagateAtLaunch,
    /// A map of key to value.
    Map,
}

/// The header lines (`# key: value`) and the body (the type lines).
fn split() -> (&'static str, &'static str) {
    let mut end = 0;
    for line in DATA.split_inclusive('\n') {
        if !line.starts_with('#') {
            break;
        }
        end += line.len();
    }
    DATA.split_at(end)
}

fn header(key: &str) -> Option<&'static str> {
    split().0.lines().find_map(|l| l.strip_prefix("# ")?.strip_prefix(key)?.strip_prefix(": "))
}

/// The source and version of the vendored schemas.
pub fn source() -> Option<SchemaSource> {
    Some(SchemaSource {
        source: header("source")?.to_owned(),
        cfn_lint_version: header("cfnLintVersion")?.to_owned(),
        schema_date: header("schemaDate").map(str::to_owned),
    })
}

/// The compact JSON text of `resource_type`'s schema, found by binary search
/// over the sorted lines without parsing anything.
pub fn raw_schema(resource_type: &str) -> Option<&'static str> {
    let body = split().1;
    let b = body.as_bytes();
    // `lo` is always a line start; `hi` a line start or the end.
    let (mut lo, mut hi) = (0usize, b.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = b[lo..mid].iter().rposition(|&c| c == b'\n').map_or(lo, |i| lo + i + 1);
        let end = b[start..].iter().position(|&c| c == b'\n').map_or(b.len(), |i| start + i);
        let (name, json) = body[start..end].split_once('\t')?;
        match name.as_bytes().cmp(resource_type.as_bytes()) {
            std::cmp::Ordering::Equal => return Some(json),
            std::cmp::Ordering::Less => lo = (end + 1).min(b.len()),
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

/// Every vendored resource type, in sorted order.
pub fn known_types() -> impl Iterator<Item = &'static str> {
    split().1.lines().filter_map(|l| l.split_once('\t').map(|(name, _)| name))
}

fn cache<T: Send + Sync + 'static>(
    cell: &'static OnceLock<Mutex<HashMap<String, Option<&'static T>>>>,
    resource_type: &str,
    make: impl FnOnce() -> Option<T>,
) -> Option<&'static T> {
    let map = cell.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(hit) = map.get(resource_type) {
        return *hit;
    }
    // Leaked on purpose: at most one value per vendored type, kept for the process.
    let value: Option<&'static T> = make().map(|v| &*Box::leak(Box::new(v)));
    map.insert(resource_type.to_owned(), value);
    value
}

/// The schema of `resource_type` as JSON (see the module docs for what it
/// holds), parsed on first use and cached.
pub fn resource_schema(resource_type: &str) -> Option<&'static Value> {
    static CELL: OnceLock<Mutex<HashMap<String, Option<&'static Value>>>> = OnceLock::new();
    // The file is compiled in and covered by tests; a line that failed to
    // parse would make its type unknown ("may replace"), never a panic.
    cache(&CELL, resource_type, || raw_schema(resource_type).and_then(|text| serde_json::from_str(text).ok()))
}

/// The replacement rules of `resource_type`, when vendored.
pub fn type_schema(resource_type: &str) -> Option<&'static TypeSchema> {
    static CELL: OnceLock<Mutex<HashMap<String, Option<&'static TypeSchema>>>> = OnceLock::new();
    cache(&CELL, resource_type, || {
        let s = resource_schema(resource_type)?;
        let list = |key: &str| -> Vec<String> {
            s.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default()
        };
        Some(TypeSchema {
            create_only: list("createOnlyProperties"),
            conditional_create_only: list("conditionalCreateOnlyProperties"),
            read_only: list("readOnlyProperties"),
            primary_identifier: list("primaryIdentifier"),
            updatable: s.get("updatable").and_then(Value::as_bool).unwrap_or(true),
        })
    })
}

/// How `resource_type` takes tags, from its schema's tagging metadata: the
/// tag property and its shape, when the registry marks the type taggable,
/// taggable on create (CloudFormation creates it with its tags), and the
/// property is a list of `{Key, Value}` (with `PropagateAtLaunch` for an
/// Auto Scaling group) or a map. `None` for every other type (no tagging
/// metadata, not taggable, or a tag property of another shape), and for
/// types without a schema (`Custom::*`).
///
/// Only the `tagging` object of the type's line is read (its keys are
/// sorted, so it is found without parsing the schema), once per type.
pub fn tagging(resource_type: &str) -> Option<Tagging> {
    static CELL: OnceLock<Mutex<HashMap<String, Option<&'static Tagging>>>> = OnceLock::new();
    cache(&CELL, resource_type, || {
        let text = raw_schema(resource_type)?;
        let at = text.find("\"tagging\":")? + "\"tagging\":".len();
        let meta: Value = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Value>().next()?.ok()?;
        let flag = |key: &str| meta.get(key).and_then(Value::as_bool);
        if flag("taggable") == Some(false) || flag("tagOnCreate") == Some(false) {
            return None;
        }
        let shape = match meta.get("shape").and_then(Value::as_str)? {
            "list" => TagShape::List,
            "list-propagate-at-launch" => TagShape::ListPropagateAtLaunch,
            "map" => TagShape::Map,
            _ => return None,
        };
        let pointer = meta.get("tagProperty").and_then(Value::as_str).unwrap_or("/properties/Tags");
        let name = pointer.strip_prefix("/properties/").filter(|n| !n.is_empty() && !n.contains('/'))?;
        // Leaked once per type, as the cache leaks its values.
        let property: &'static str = Box::leak(name.to_owned().into_boxed_str());
        Some(Tagging { property, shape })
    })
    .copied()
}

/// A JSON pointer's segments below `/properties`, e.g.
/// `/properties/AutoScalingGroupProvider/AutoScalingGroupArn` →
/// `["AutoScalingGroupProvider", "AutoScalingGroupArn"]`.
pub fn pointer_segments(pointer: &str) -> Vec<&str> {
    pointer.strip_prefix("/properties/").unwrap_or(pointer).split('/').filter(|s| !s.is_empty()).collect()
}

/// Name properties the schemas do not reveal by their primary identifier.
const NAME_PROPERTIES: [(&str, &str); 14] = [
    ("AWS::ECS::Service", "ServiceName"),
    ("AWS::EC2::LaunchTemplate", "LaunchTemplateName"),
    ("AWS::EC2::SecurityGroup", "GroupName"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Name"),
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "Name"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::SQS::Queue", "QueueName"),
    ("AWS::SecretsManager::Secret", "Name"),
    ("AWS::IAM::ManagedPolicy", "ManagedPolicyName"),
    ("AWS::RDS::DBInstance", "DBInstanceIdentifier"),
    ("AWS::RDS::DBCluster", "DBClusterIdentifier"),
    ("AWS::ECS::CapacityProvider", "Name"),
    ("AWS::CloudWatch::Alarm", "AlarmName"),
    ("AWS::Events::Rule", "Name"),
];

/// The property that gives a resource of this type its custom physical name
/// (`LogGroupName`, `RoleName`, a target group's `Name`, ...), if it has one.
/// CloudFormation cannot replace a resource whose custom name stays the same
/// ("You can't perform an update that causes a custom-named resource to be
/// replaced", <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html>).
///
/// From a short table of types whose name is not their identifier, else the
/// schema: a single-property primary identifier that is create-only, not
/// read-only, and named `...Name`, `...Identifier` or `...Id`.
pub fn name_property(resource_type: &str) -> Option<&'static str> {
    if let Some((_, p)) = NAME_PROPERTIES.iter().find(|(t, _)| *t == resource_type) {
        return Some(p);
    }
    let s = type_schema(resource_type)?;
    let [id] = s.primary_identifier.as_slice() else { return None };
    if !s.create_only.contains(id) || s.read_only.contains(id) {
        return None;
    }
    let name = id.strip_prefix("/properties/")?;
    (!name.contains('/') && (name.ends_with("Name") || name.ends_with("Identifier") || name.ends_with("Id")))
        .then_some(name)
}

/// Why some resources hold state that a removal or a replacement destroys, by type.
pub fn stateful_reason(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => "a database: its data is lost unless a snapshot is kept",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => "a table: its items are lost",
        "AWS::S3::Bucket" => "a bucket: its objects are lost (and deletion fails while it is not empty)",
        "AWS::EFS::FileSystem" => "a file system: its files are lost",
        "AWS::KMS::Key" => "a KMS key: data encrypted with it becomes unreadable once the key is deleted",
        "AWS::SecretsManager::Secret" => "a secret: its value is lost and whoever reads it by ARN breaks",
        "AWS::Logs::LogGroup" => "a log group: its logs are lost",
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            "a load balancer: its DNS name changes, so DNS records and clients pointing at it break"
        }
        "AWS::ElasticLoadBalancingV2::TargetGroup" => {
            "a target group: registered targets are dropped and traffic fails until the service re-registers"
        }
        "AWS::EC2::EIP" => "an Elastic IP: the public address changes, so allow-lists and DNS records break",
        "AWS::EC2::VPC" => "a VPC: everything inside it has to be recreated",
        "AWS::CloudFront::Distribution" => "a distribution: its domain name changes",
        "AWS::ElastiCache::CacheCluster" | "AWS::ElastiCache::ReplicationGroup" => "a cache cluster: its data is lost",
        "AWS::SQS::Queue" => "a queue: messages in flight are lost",
        "AWS::Kinesis::Stream" => "a stream: its records are lost",
        "AWS::ECR::Repository" => "an image repository: its images are lost",
        "AWS::Cognito::UserPool" => "a user pool: its users are lost",
        "AWS::Route53::HostedZone" => "a hosted zone: its name servers change",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_data_records_its_source() {
        let src = source().expect("vendored schema header");
        assert_eq!(src.cfn_lint_version, "1.58.0");
        assert!(src.source.contains("cfn-lint"));
        assert!(src.schema_date.is_some());
    }

    #[test]
    fn every_registry_type_is_vendored_sorted_and_parses() {
        let types: Vec<&str> = known_types().collect();
        assert!(types.len() > 1500, "{} types", types.len());
        assert!(types.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()), "not sorted");
        for t in &types {
            assert_eq!(raw_schema(t).map(|_| ()), Some(()), "{t} not found by binary search");
        }
        // Parse every line once here (not at run time) to prove the data is valid.
        for line in split().1.lines() {
            let (name, json) = line.split_once('\t').expect("tab");
            let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(v.get("updatable").is_some_and(Value::is_boolean), "{name}");
        }
        assert_eq!(raw_schema("AWS::Nope::Nope"), None);
        assert_eq!(raw_schema(""), None);
        assert_eq!(raw_schema("ZZZ"), None);
    }

    #[test]
    fn schemas_keep_the_structure_validation_needs() {
        let lt = resource_schema("AWS::EC2::LaunchTemplate").expect("launch template");
        assert!(lt["properties"]["LaunchTemplateData"]["$ref"].is_string());
        assert!(lt["definitions"]["LaunchTemplateData"]["properties"]["InstanceType"].is_object());
        assert!(lt.get("handlers").is_none());
        let text = raw_schema("AWS::EC2::LaunchTemplate").expect("text");
        assert!(!text.contains("\"description\""), "descriptions are stripped");
        let tg = resource_schema("AWS::ElasticLoadBalancingV2::TargetGroup").expect("tg");
        assert!(
            tg["properties"]["TargetType"]["enum"].is_array() || tg["properties"]["TargetType"]["type"].is_string()
        );
        assert!(resource_schema("AWS::ElasticLoadBalancingV2::ListenerCertificate").is_some());
    }

    #[test]
    fn subnet_cidr_is_create_only_and_vpc_tags_are_not() {
        let subnet = type_schema("AWS::EC2::Subnet").expect("subnet schema");
        assert!(subnet.create_only.iter().any(|p| p == "/properties/CidrBlock"));
        let vpc = type_schema("AWS::EC2::VPC").expect("vpc schema");
        assert!(!vpc.create_only.iter().any(|p| p == "/properties/Tags"));
        assert!(vpc.conditional_create_only.iter().any(|p| p == "/properties/InstanceTenancy"));
        let assoc = type_schema("AWS::EC2::SubnetRouteTableAssociation").expect("association schema");
        assert!(!assoc.updatable);
    }

    #[test]
    fn name_properties() {
        assert_eq!(name_property("AWS::Logs::LogGroup"), Some("LogGroupName"));
        assert_eq!(name_property("AWS::IAM::Role"), Some("RoleName"));
        assert_eq!(name_property("AWS::ElasticLoadBalancingV2::TargetGroup"), Some("Name"));
        assert_eq!(name_property("AWS::RDS::DBInstance"), Some("DBInstanceIdentifier"));
        assert_eq!(name_property("AWS::ECS::ClusterCapacityProviderAssociations"), None);
        assert_eq!(name_property("AWS::EC2::Subnet"), None);
    }

    #[test]
    fn tagging_comes_from_the_schemas_metadata() {
        let list = |property| Some(Tagging { property, shape: TagShape::List });
        assert_eq!(tagging("AWS::EC2::VPC"), list("Tags"));
        assert_eq!(tagging("AWS::DynamoDB::Table"), list("Tags"));
        assert_eq!(tagging("AWS::CloudWatch::Alarm"), list("Tags"));
        assert_eq!(tagging("AWS::EFS::FileSystem"), list("FileSystemTags"));
        assert_eq!(
            tagging("AWS::AutoScaling::AutoScalingGroup"),
            Some(Tagging { property: "Tags", shape: TagShape::ListPropagateAtLaunch })
        );
        assert_eq!(tagging("AWS::SSM::Parameter"), Some(Tagging { property: "Tags", shape: TagShape::Map }));
        assert_eq!(
            tagging("AWS::EC2::LaunchTemplate"),
            None,
            "not taggable: its TagSpecifications tag what it launches"
        );
        assert_eq!(tagging("AWS::EC2::SecurityGroupIngress"), None);
        assert_eq!(tagging("AWS::IAM::InstanceProfile"), None);
        assert_eq!(tagging("Custom::Thing"), None);
    }

    #[test]
    fn pointers_split_below_properties() {
        assert_eq!(pointer_segments("/properties/A/B"), vec!["A", "B"]);
    }
}
