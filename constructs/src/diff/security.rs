//! The security view of a template diff: IAM statements, managed policy
//! attachments and security group rules that a change adds or removes, each
//! classified as broadening, narrowing or neutral.
//!
//! What is read (the policy-holding properties and resources that the AWS
//! CDK's diff engine scrutinizes, from its service spec):
//!
//! - identity policies: `Policies` of `AWS::IAM::Role`/`User`/`Group` (the
//!   principal defaults to the identity), the documents of `AWS::IAM::Policy`,
//!   `AWS::IAM::ManagedPolicy` and the `RolePolicy`/`UserPolicy`/`GroupPolicy`
//!   types (one statement per attached role, user or group);
//! - managed policy ARNs attached to roles, users and groups (`ManagedPolicyArns`)
//!   and to IAM Identity Center permission sets (`ManagedPolicies`);
//! - resource policies: trust policies (`AssumeRolePolicyDocument`), KMS key
//!   policies, ECR repository policies and the other inline resource policies,
//!   and the policy resources (`AWS::S3::BucketPolicy`, `AWS::SQS::QueuePolicy`,
//!   `AWS::SNS::TopicPolicy`, ...): a missing or `*` resource defaults to the
//!   resource the policy is on;
//! - `AWS::Lambda::Permission` as the statement it adds to the function's policy;
//! - security group rules, inline (`SecurityGroupIngress`/`SecurityGroupEgress`)
//!   and as `AWS::EC2::SecurityGroupIngress`/`Egress` resources, with their
//!   protocol, ports and peer (CIDR, prefix list or security group).
//!
//! Counting follows the CDK's rules, so the counts of both tools agree: the
//! items of every resource that differs are collected on each side; an item
//! of the new side equal to none of the old side is an addition, and the
//! reverse a removal (a changed statement is one removal and one addition).
//! Intrinsic functions are rendered as text (`${Role.Arn}`), so a value
//! decided at deploy time compares by what the template says.
//!
//! Classification: an added Allow statement, an added managed policy and an
//! added rule are broadening, unless a removed item of the same resource
//! already granted all of it (then narrowing, or neutral when equal); a
//! removed Deny, and a removed Allow with `NotAction`, `NotPrincipal` or
//! `NotResource`, are broadening; removals are narrowing otherwise. A statement
//! whose effect an intrinsic function decides cannot be told and counts as
//! broadening. `permissions_broadened` is true when any item is broadening.

use serde::Serialize;
use serde_json::{Map, Value};

/// Whether a change gives more access, less, or the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    /// More access than before (a new Allow, a removed Deny, a new principal,
    /// a wider CIDR, port range or peer), or rcdk cannot tell.
    Broadening,
    /// Less access than before.
    Narrowing,
    /// The same access, written differently.
    Neutral,
}

/// Whether an item is new or gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Only in the new template.
    Added,
    /// Only in the old template.
    Removed,
}

/// A list of targets (actions, resources or principals), possibly negated
/// (`NotAction`, `NotResource`, `NotPrincipal`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Targets {
    /// True for `NotAction`, `NotResource`, `NotPrincipal`.
    pub not: bool,
    /// The values, sorted; intrinsic functions rendered as `${Id}`/`${Id.Attr}`.
    pub values: Vec<String>,
}

/// One IAM statement added or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementChange {
    /// The stack (set when a report holds several stacks).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stack: String,
    /// Added or removed.
    pub change: Side,
    /// What it does to access.
    pub classification: Classification,
    /// The logical ID of the resource that holds the statement.
    pub resource: String,
    /// `Allow`, `Deny`, or `Unknown` when an intrinsic function decides it.
    pub effect: String,
    /// `Sid`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `Action` / `NotAction`.
    pub actions: Targets,
    /// `Resource` / `NotResource` (defaulted to the resource of a resource policy).
    pub resources: Targets,
    /// `Principal` / `NotPrincipal` (defaulted to the identity of an identity policy).
    pub principals: Targets,
    /// `Condition`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Value>,
    /// The statement as text when it is not an object (an `Fn::If`, say): rcdk cannot tell what it grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unparsed: Option<String>,
}

/// A managed policy attached to or detached from a role, user or group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagedPolicyChange {
    /// The stack (set when a report holds several stacks).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stack: String,
    /// Added or removed.
    pub change: Side,
    /// Broadening for an attachment, narrowing for a detachment.
    pub classification: Classification,
    /// The logical ID of the role, user or group.
    pub resource: String,
    /// The policy's ARN as written (`${Policy}` for a reference).
    pub managed_policy_arn: String,
}

/// Inbound or outbound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Ingress.
    Ingress,
    /// Egress.
    Egress,
}

/// Who a security group rule lets in or out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Peer {
    /// An IPv4 or IPv6 CIDR.
    Cidr(String),
    /// A security group (its ID as written: `${Sg.GroupId}`).
    SecurityGroup(String),
    /// A managed prefix list.
    PrefixList(String),
    /// None given.
    Unknown,
}

/// One security group rule added or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleChange {
    /// The stack (set when a report holds several stacks).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stack: String,
    /// Added or removed.
    pub change: Side,
    /// What it does to access.
    pub classification: Classification,
    /// Ingress or egress.
    pub direction: Direction,
    /// The logical ID of the resource that holds the rule (the group, or the rule resource).
    pub resource: String,
    /// The group the rule belongs to, as written (`${Sg.GroupId}`).
    pub group: String,
    /// `IpProtocol` as written (`tcp`, `6`, `-1` for all).
    pub protocol: String,
    /// `FromPort`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<String>,
    /// `ToPort`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<String>,
    /// The other side of the rule.
    pub peer: Peer,
}

/// The kind of an IAM Identity Center (SSO) resource in the security view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SsoKind {
    /// `AWS::SSO::PermissionSet`: what a permission set lets its users do.
    PermissionSet,
    /// `AWS::SSO::Assignment`: who gets a permission set in which account.
    Assignment,
    /// `AWS::SSO::InstanceAccessControlAttributeConfiguration`: the
    /// attributes that attribute-based access control decides on.
    InstanceAcaConfig,
}

impl SsoKind {
    fn of(resource_type: &str) -> Option<SsoKind> {
        match resource_type {
            "AWS::SSO::PermissionSet" => Some(SsoKind::PermissionSet),
            "AWS::SSO::Assignment" => Some(SsoKind::Assignment),
            "AWS::SSO::InstanceAccessControlAttributeConfiguration" => Some(SsoKind::InstanceAcaConfig),
            _ => None,
        }
    }

    /// The resource type, for messages.
    pub fn resource_type(self) -> &'static str {
        match self {
            SsoKind::PermissionSet => "AWS::SSO::PermissionSet",
            SsoKind::Assignment => "AWS::SSO::Assignment",
            SsoKind::InstanceAcaConfig => "AWS::SSO::InstanceAccessControlAttributeConfiguration",
        }
    }
}

/// An IAM Identity Center permission set, assignment or access-control
/// attribute configuration added or removed. Like the AWS CDK, rcdk compares
/// these whole: a changed one is one removal and one addition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SsoChange {
    /// The stack (set when a report holds several stacks).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stack: String,
    /// Added or removed.
    pub change: Side,
    /// Broadening when added (it grants access), narrowing when removed.
    pub classification: Classification,
    /// What it is.
    pub kind: SsoKind,
    /// The logical ID of the resource.
    pub resource: String,
    /// Its properties, intrinsic functions rendered as text.
    pub properties: Value,
}

/// The security view of one diff (or, summed, of a report).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecurityView {
    /// IAM statements added.
    pub statement_additions: usize,
    /// IAM statements removed.
    pub statement_removals: usize,
    /// Managed policies attached.
    pub managed_policy_additions: usize,
    /// Managed policies detached.
    pub managed_policy_removals: usize,
    /// Inbound rules added.
    pub ingress_rule_additions: usize,
    /// Inbound rules removed.
    pub ingress_rule_removals: usize,
    /// Outbound rules added.
    pub egress_rule_additions: usize,
    /// Outbound rules removed.
    pub egress_rule_removals: usize,
    /// IAM Identity Center permission sets added.
    pub sso_permission_set_additions: usize,
    /// IAM Identity Center permission sets removed.
    pub sso_permission_set_removals: usize,
    /// IAM Identity Center assignments added.
    pub sso_assignment_additions: usize,
    /// IAM Identity Center assignments removed.
    pub sso_assignment_removals: usize,
    /// IAM Identity Center access-control attribute configurations added.
    pub sso_instance_aca_config_additions: usize,
    /// IAM Identity Center access-control attribute configurations removed.
    pub sso_instance_aca_config_removals: usize,
    /// True when any change below is broadening.
    pub permissions_broadened: bool,
    /// The statements added and removed.
    pub statements: Vec<StatementChange>,
    /// The managed policies attached and detached.
    pub managed_policies: Vec<ManagedPolicyChange>,
    /// The security group rules added and removed.
    pub rules: Vec<RuleChange>,
    /// The IAM Identity Center resources added and removed.
    pub sso: Vec<SsoChange>,
}

impl SecurityView {
    /// The counts in words: "2 statements added, 1 removed; 1 ingress rule added; permissions broadened".
    pub fn counts_text(&self) -> String {
        let mut parts = Vec::new();
        let pair = |what: &str, a: usize, r: usize| match (a, r) {
            (0, 0) => None,
            (a, 0) => Some(format!("{a} {what} added")),
            (0, r) => Some(format!("{r} {what} removed")),
            (a, r) => Some(format!("{a} {what} added, {r} removed")),
        };
        parts.extend(pair("IAM statement(s)", self.statement_additions, self.statement_removals));
        parts.extend(pair("managed polic(ies)", self.managed_policy_additions, self.managed_policy_removals));
        parts.extend(pair("ingress rule(s)", self.ingress_rule_additions, self.ingress_rule_removals));
        parts.extend(pair("egress rule(s)", self.egress_rule_additions, self.egress_rule_removals));
        parts.extend(pair(
            "IAM Identity Center permission set(s)",
            self.sso_permission_set_additions,
            self.sso_permission_set_removals,
        ));
        parts.extend(pair(
            "IAM Identity Center assignment(s)",
            self.sso_assignment_additions,
            self.sso_assignment_removals,
        ));
        parts.extend(pair(
            "IAM Identity Center access-control attribute configuration(s)",
            self.sso_instance_aca_config_additions,
            self.sso_instance_aca_config_removals,
        ));
        parts.push(
            if self.permissions_broadened { "permissions broadened" } else { "no permission broadened" }.to_owned(),
        );
        parts.join("; ")
    }

    /// The security view of the resources `changed` (logical IDs, old and
    /// new) between two templates' `Resources` sections.
    pub fn new(old: &Map<String, Value>, new: &Map<String, Value>, changed: &[(Option<&str>, Option<&str>)]) -> Self {
        let (mut o, mut n) = (Items::default(), Items::default());
        for (old_id, new_id) in changed {
            if let Some(id) = old_id {
                if let Some(r) = old.get(*id) {
                    o.read(id, r);
                }
            }
            if let Some(id) = new_id {
                if let Some(r) = new.get(*id) {
                    n.read(id, r);
                }
            }
        }
        let mut v = SecurityView::default();
        for s in n.statements.iter().filter(|s| !o.statements.contains(s)) {
            v.statements.push(s.change(Side::Added, statement_class(Side::Added, s, &o.statements)));
        }
        for s in o.statements.iter().filter(|s| !n.statements.contains(s)) {
            v.statements.push(s.change(Side::Removed, statement_class(Side::Removed, s, &n.statements)));
        }
        for (side, from, to) in [(Side::Added, &n.policies, &o.policies), (Side::Removed, &o.policies, &n.policies)] {
            for (resource, arn) in from.iter().filter(|p| !to.contains(p)) {
                v.managed_policies.push(ManagedPolicyChange {
                    stack: String::new(),
                    change: side,
                    classification: if side == Side::Added {
                        Classification::Broadening
                    } else {
                        Classification::Narrowing
                    },
                    resource: resource.clone(),
                    managed_policy_arn: arn.clone(),
                });
            }
        }
        for (side, from, to) in [(Side::Added, &n.rules, &o.rules), (Side::Removed, &o.rules, &n.rules)] {
            for r in from.iter().filter(|r| !to.iter().any(|x| x.same(r))) {
                let mut r = r.clone();
                r.change = side;
                r.classification = rule_class(side, &r, to);
                v.rules.push(r);
            }
        }
        for (side, from, to) in [(Side::Added, &n.sso, &o.sso), (Side::Removed, &o.sso, &n.sso)] {
            for (kind, resource, properties) in
                from.iter().filter(|(k, _, p)| !to.iter().any(|x| x.0 == *k && x.2 == *p))
            {
                v.sso.push(SsoChange {
                    stack: String::new(),
                    change: side,
                    classification: if side == Side::Added {
                        Classification::Broadening
                    } else {
                        Classification::Narrowing
                    },
                    kind: *kind,
                    resource: resource.clone(),
                    properties: properties.clone(),
                });
            }
        }
        v.count();
        v
    }

    fn count(&mut self) {
        let (add, rm) = (Side::Added, Side::Removed);
        self.statement_additions = self.statements.iter().filter(|s| s.change == add).count();
        self.statement_removals = self.statements.iter().filter(|s| s.change == rm).count();
        self.managed_policy_additions = self.managed_policies.iter().filter(|s| s.change == add).count();
        self.managed_policy_removals = self.managed_policies.iter().filter(|s| s.change == rm).count();
        let rules = |d: Direction, s: Side| self.rules.iter().filter(|r| r.direction == d && r.change == s).count();
        self.ingress_rule_additions = rules(Direction::Ingress, Side::Added);
        self.ingress_rule_removals = rules(Direction::Ingress, Side::Removed);
        self.egress_rule_additions = rules(Direction::Egress, Side::Added);
        self.egress_rule_removals = rules(Direction::Egress, Side::Removed);
        let sso = |k: SsoKind, s: Side| self.sso.iter().filter(|x| x.kind == k && x.change == s).count();
        self.sso_permission_set_additions = sso(SsoKind::PermissionSet, Side::Added);
        self.sso_permission_set_removals = sso(SsoKind::PermissionSet, Side::Removed);
        self.sso_assignment_additions = sso(SsoKind::Assignment, Side::Added);
        self.sso_assignment_removals = sso(SsoKind::Assignment, Side::Removed);
        self.sso_instance_aca_config_additions = sso(SsoKind::InstanceAcaConfig, Side::Added);
        self.sso_instance_aca_config_removals = sso(SsoKind::InstanceAcaConfig, Side::Removed);
        self.permissions_broadened = self.statements.iter().any(|s| s.classification == Classification::Broadening)
            || self.managed_policies.iter().any(|s| s.classification == Classification::Broadening)
            || self.rules.iter().any(|s| s.classification == Classification::Broadening)
            || self.sso.iter().any(|s| s.classification == Classification::Broadening);
    }

    /// Adds another view's items (of stack `stack`) and counts.
    pub fn merge(&mut self, stack: &str, other: &SecurityView) {
        self.statements.extend(other.statements.iter().cloned().map(|mut s| {
            s.stack = stack.to_owned();
            s
        }));
        self.managed_policies.extend(other.managed_policies.iter().cloned().map(|mut s| {
            s.stack = stack.to_owned();
            s
        }));
        self.rules.extend(other.rules.iter().cloned().map(|mut s| {
            s.stack = stack.to_owned();
            s
        }));
        self.sso.extend(other.sso.iter().cloned().map(|mut s| {
            s.stack = stack.to_owned();
            s
        }));
        self.count();
    }

    /// True when nothing security-relevant changed.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty() && self.managed_policies.is_empty() && self.rules.is_empty() && self.sso.is_empty()
    }
}

/// A statement as read from a template (before it is known to be added or removed).
#[derive(Debug, Clone, PartialEq)]
struct Statement {
    resource: String,
    effect: String,
    sid: Option<String>,
    actions: Targets,
    resources: Targets,
    principals: Targets,
    condition: Option<Value>,
    unparsed: Option<String>,
}

impl Statement {
    /// Equality as the CDK counts it: everything but the holding resource.
    fn same(&self, o: &Statement) -> bool {
        self.effect == o.effect
            && self.sid == o.sid
            && self.actions == o.actions
            && self.resources == o.resources
            && self.principals == o.principals
            && self.condition == o.condition
            && self.unparsed == o.unparsed
    }

    fn change(&self, change: Side, classification: Classification) -> StatementChange {
        StatementChange {
            stack: String::new(),
            change,
            classification,
            resource: self.resource.clone(),
            effect: self.effect.clone(),
            sid: self.sid.clone(),
            actions: self.actions.clone(),
            resources: self.resources.clone(),
            principals: self.principals.clone(),
            condition: self.condition.clone(),
            unparsed: self.unparsed.clone(),
        }
    }
}

trait Contains {
    fn contains(&self, s: &Statement) -> bool;
}

impl Contains for Vec<Statement> {
    fn contains(&self, s: &Statement) -> bool {
        self.iter().any(|x| x.same(s))
    }
}

/// Everything security-relevant read from one side.
#[derive(Default)]
struct Items {
    statements: Vec<Statement>,
    policies: Vec<(String, String)>,
    rules: Vec<RuleChange>,
    sso: Vec<(SsoKind, String, Value)>,
}

/// Inline resource-policy properties, by type (from the CDK service spec's
/// `InlineResourcePolicy` scrutiny).
const INLINE_RESOURCE_POLICIES: [(&str, &str); 27] = [
    ("AWS::IAM::Role", "AssumeRolePolicyDocument"),
    ("AWS::KMS::Key", "KeyPolicy"),
    ("AWS::KMS::ReplicaKey", "KeyPolicy"),
    ("AWS::ECR::Repository", "RepositoryPolicyText"),
    ("AWS::ECR::PublicRepository", "RepositoryPolicyText"),
    ("AWS::ApiGateway::RestApi", "Policy"),
    ("AWS::Backup::BackupVault", "AccessPolicy"),
    ("AWS::CodeArtifact::Domain", "PermissionsPolicyDocument"),
    ("AWS::CodeArtifact::Repository", "PermissionsPolicyDocument"),
    ("AWS::EC2::VPCEndpoint", "PolicyDocument"),
    ("AWS::EFS::FileSystem", "FileSystemPolicy"),
    ("AWS::Events::EventBus", "Policy"),
    ("AWS::Logs::LogGroup", "ResourcePolicyDocument"),
    ("AWS::Oam::Sink", "Policy"),
    ("AWS::S3::AccessPoint", "Policy"),
    ("AWS::S3Express::AccessPoint", "Policy"),
    ("AWS::S3Outposts::AccessPoint", "Policy"),
    ("AWS::Redshift::Cluster", "NamespaceResourcePolicy"),
    ("AWS::RedshiftServerless::Namespace", "NamespaceResourcePolicy"),
    ("AWS::SageMaker::ModelPackageGroup", "ModelPackageGroupPolicy"),
    ("AWS::SNS::Subscription", "RedrivePolicy"),
    ("AWS::SQS::Queue", "RedriveAllowPolicy"),
    ("AWS::NetworkManager::CoreNetwork", "PolicyDocument"),
    ("AWS::RAM::Permission", "PolicyTemplate"),
    ("AWS::Serverless::Function", "AssumeRolePolicyDocument"),
    ("AWS::SSO::PermissionSet", "InlinePolicy"),
    ("AWS::ApiGateway::DomainNameV2", "Policy"),
];

/// Resources that are a resource policy of another resource.
const POLICY_RESOURCES: [&str; 24] = [
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::SQS::QueueInlinePolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::SNS::TopicInlinePolicy",
    "AWS::ECR::RegistryPolicy",
    "AWS::Lambda::ResourcePolicy",
    "AWS::Logs::ResourcePolicy",
    "AWS::SecretsManager::ResourcePolicy",
    "AWS::SSM::ResourcePolicy",
    "AWS::IoT::Policy",
    "AWS::Kinesis::ResourcePolicy",
    "AWS::MSK::ClusterPolicy",
    "AWS::CloudTrail::ResourcePolicy",
    "AWS::Bedrock::ResourcePolicy",
    "AWS::EventSchemas::RegistryPolicy",
    "AWS::S3Express::BucketPolicy",
    "AWS::S3Outposts::BucketPolicy",
    "AWS::S3::MultiRegionAccessPointPolicy",
    "AWS::S3ObjectLambda::AccessPointPolicy",
    "AWS::S3Tables::TableBucketPolicy",
    "AWS::S3Tables::TablePolicy",
    "AWS::VpcLattice::AuthPolicy",
    "AWS::VpcLattice::ResourcePolicy",
];

impl Items {
    /// Managed policy ARNs attached to the identity (or permission set) `id`.
    fn attach(&mut self, id: &str, arns: Option<&Value>) {
        for arn in arns.map(strings).unwrap_or_default() {
            self.policies.push((format!("${{{id}}}"), arn));
        }
    }

    fn read(&mut self, id: &str, r: &Value) {
        let ty = r.get("Type").and_then(Value::as_str).unwrap_or("");
        let props = render(r.get("Properties").unwrap_or(&Value::Null));
        let prop = |k: &str| props.get(k).filter(|v| !v.is_null());
        if let Some(kind) = SsoKind::of(ty) {
            self.sso.push((kind, id.to_owned(), props.clone()));
        }
        match ty {
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                if let Some(Value::Array(policies)) = prop("Policies") {
                    let me = format!("AWS:${{{id}}}");
                    for p in policies {
                        let doc = p.get("PolicyDocument").and_then(|d| d.get("Statement"));
                        for s in statements(id, doc.unwrap_or(p)) {
                            self.statements.push(default_principal(s, &me));
                        }
                    }
                }
                self.attach(id, prop("ManagedPolicyArns"));
            }
            "AWS::IAM::Policy"
            | "AWS::IAM::ManagedPolicy"
            | "AWS::IAM::RolePolicy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy" => {
                let mut who = Vec::new();
                for k in ["Groups", "Users", "Roles", "GroupName", "UserName", "RoleName"] {
                    if let Some(v) = prop(k) {
                        who.extend(strings(v));
                    }
                }
                let doc = prop("PolicyDocument").and_then(|d| d.get("Statement")).cloned().unwrap_or(Value::Null);
                for w in who {
                    for s in statements(id, &doc) {
                        self.statements.push(default_principal(s, &format!("AWS:{w}")));
                    }
                }
            }
            "AWS::Lambda::Permission" => self.statements.push(lambda_permission(id, &props)),
            "AWS::SSO::PermissionSet" => {
                self.attach(id, prop("ManagedPolicies"));
            }
            "AWS::EC2::SecurityGroup" => {
                let group = format!("${{{id}.GroupId}}");
                for (key, dir) in
                    [("SecurityGroupIngress", Direction::Ingress), ("SecurityGroupEgress", Direction::Egress)]
                {
                    if let Some(Value::Array(rules)) = prop(key) {
                        for rule in rules.iter().filter(|r| r.is_object()) {
                            self.rules.push(read_rule(id, rule, dir, Some(&group)));
                        }
                    }
                }
            }
            "AWS::EC2::SecurityGroupIngress" => self.rules.push(read_rule(id, &props, Direction::Ingress, None)),
            "AWS::EC2::SecurityGroupEgress" => self.rules.push(read_rule(id, &props, Direction::Egress, None)),
            _ => {}
        }
        if let Some((_, key)) = INLINE_RESOURCE_POLICIES.iter().find(|(t, _)| *t == ty) {
            if let Some(doc) = prop(key) {
                let me = format!("${{{id}.Arn}}");
                for s in statements(id, doc.get("Statement").unwrap_or(&Value::Null)) {
                    self.statements.push(default_resource(s, &me));
                }
            }
        }
        if POLICY_RESOURCES.contains(&ty) {
            let Some(map) = props.as_object() else { return };
            let policy_keys: Vec<&String> = map.keys().filter(|k| k.contains("Policy")).collect();
            let targets: Vec<&String> = map.keys().filter(|k| !k.contains("Policy") && !k.ends_with("Name")).collect();
            let on: Vec<String> = match targets.as_slice() {
                [one] => strings(&map[one.as_str()]),
                _ => vec!["???".to_owned()],
            };
            let doc =
                policy_keys.first().and_then(|k| map[k.as_str()].get("Statement")).cloned().unwrap_or(Value::Null);
            for target in on {
                for s in statements(id, &doc) {
                    self.statements.push(default_resource(s, &target));
                }
            }
        }
    }
}

/// A value with intrinsic functions rendered as text: `{"Ref": "X"}` as
/// `${X}`, `Fn::GetAtt` as `${X.Attr}`, `Fn::Join` of text joined, any other
/// function as its compact JSON; `Ref: AWS::NoValue` dropped.
pub(crate) fn render(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().filter(|x| !no_value(x)).map(render).collect()),
        Value::Object(m) if m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")) => {
            let (k, arg) = m.iter().next().map(|(k, a)| (k.as_str(), a)).unwrap_or(("", &Value::Null));
            match (k, arg) {
                ("Ref", Value::String(id)) => Value::String(format!("${{{id}}}")),
                ("Fn::GetAtt", Value::Array(parts)) => {
                    let parts: Vec<String> = parts.iter().map(text).collect();
                    Value::String(format!("${{{}}}", parts.join(".")))
                }
                ("Fn::GetAtt", Value::String(s)) => Value::String(format!("${{{s}}}")),
                ("Fn::Join", Value::Array(a)) if a.len() == 2 && a[1].is_array() => {
                    let sep = text(&a[0]);
                    let parts: Vec<String> = match render(&a[1]) {
                        Value::Array(p) => p.iter().map(text).collect(),
                        _ => Vec::new(),
                    };
                    Value::String(parts.join(&sep))
                }
                _ => {
                    let mut one = Map::new();
                    one.insert(k.to_owned(), render(arg));
                    Value::String(Value::Object(one).to_string())
                }
            }
        }
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(_, x)| !no_value(x)).map(|(k, x)| (k.clone(), render(x))).collect())
        }
        other => other.clone(),
    }
}

fn no_value(v: &Value) -> bool {
    v.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue") && v.as_object().is_some_and(|m| m.len() == 1)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value as a list of strings: a string is one, a list each (items joined
/// with `,`), a map `key:value` per value.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Null => Vec::new(),
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().map(|x| strings(x).join(",")).collect(),
        Value::Object(m) => {
            m.iter().flat_map(|(k, x)| strings(x).into_iter().map(move |s| format!("{k}:{s}"))).collect()
        }
        other => vec![other.to_string()],
    }
}

fn targets(s: &Map<String, Value>, positive: &str, negative: &str) -> Targets {
    let (not, v) = match s.get(negative) {
        Some(v) => (true, v),
        None => (false, s.get(positive).unwrap_or(&Value::Null)),
    };
    let mut values = strings(v);
    values.sort();
    Targets { not, values }
}

/// The statements of a policy's `Statement` (one, a list, or absent).
fn statements(id: &str, v: &Value) -> Vec<Statement> {
    let list: Vec<&Value> = match v {
        Value::Null => Vec::new(),
        Value::Array(a) => a.iter().collect(),
        one => vec![one],
    };
    list.into_iter()
        .map(|s| match s.as_object() {
            Some(m) => Statement {
                resource: id.to_owned(),
                effect: match m.get("Effect").and_then(Value::as_str) {
                    Some(e @ ("Allow" | "Deny")) => e.to_owned(),
                    _ => "Unknown".to_owned(),
                },
                sid: m.get("Sid").and_then(Value::as_str).map(str::to_owned),
                actions: targets(m, "Action", "NotAction"),
                resources: targets(m, "Resource", "NotResource"),
                principals: targets(m, "Principal", "NotPrincipal"),
                condition: m.get("Condition").cloned(),
                unparsed: None,
            },
            None => Statement {
                resource: id.to_owned(),
                effect: "Unknown".to_owned(),
                sid: None,
                actions: Targets::default(),
                resources: Targets::default(),
                principals: Targets::default(),
                condition: None,
                unparsed: Some(text(s)),
            },
        })
        .collect()
}

fn replace_default(t: &mut Targets, with: &str) {
    if t.values.is_empty() {
        t.values.push(with.to_owned());
    }
    for v in t.values.iter_mut().filter(|v| *v == "*") {
        *v = with.to_owned();
    }
    t.values.sort();
}

fn default_principal(mut s: Statement, who: &str) -> Statement {
    replace_default(&mut s.principals, who);
    s
}

fn default_resource(mut s: Statement, what: &str) -> Statement {
    replace_default(&mut s.resources, what);
    s
}

/// The statement an `AWS::Lambda::Permission` adds to its function's policy
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html>).
fn lambda_permission(id: &str, p: &Value) -> Statement {
    let mut s = Map::new();
    s.insert("Effect".into(), "Allow".into());
    for (from, to) in [("Action", "Action"), ("FunctionName", "Resource")] {
        if let Some(v) = p.get(from) {
            s.insert(to.into(), v.clone());
        }
    }
    if let Some(who) = p.get("Principal") {
        let principal = match who.as_str() {
            Some("*") => Value::String("*".into()),
            Some(acct) if acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) => {
                serde_json::json!({"AWS": format!("arn:aws:iam::{acct}:root")})
            }
            _ => serde_json::json!({"Service": who}),
        };
        s.insert("Principal".into(), principal);
    }
    let mut cond = Map::new();
    if let Some(v) = p.get("SourceArn") {
        cond.insert("ArnLike".into(), serde_json::json!({"AWS:SourceArn": v}));
    }
    if let Some(v) = p.get("SourceAccount") {
        cond.insert("StringEquals".into(), serde_json::json!({"AWS:SourceAccount": v}));
    }
    if let Some(v) = p.get("EventSourceToken") {
        cond.insert("StringEquals".into(), serde_json::json!({"lambda:EventSourceToken": v}));
    }
    if !cond.is_empty() {
        s.insert("Condition".into(), Value::Object(cond));
    }
    statements(id, &Value::Object(s)).remove(0)
}

fn read_rule(id: &str, r: &Value, direction: Direction, group: Option<&str>) -> RuleChange {
    let field = |k: &str| r.get(k).filter(|v| !v.is_null()).map(text);
    let first = |keys: &[&str]| keys.iter().find_map(|k| field(k));
    let peer = if let Some(c) = first(&["CidrIp", "CidrIpv6"]) {
        Peer::Cidr(c)
    } else if let Some(g) = first(&["SourceSecurityGroupId", "DestinationSecurityGroupId"]) {
        Peer::SecurityGroup(g)
    } else if let Some(p) = first(&["SourcePrefixListId", "DestinationPrefixListId"]) {
        Peer::PrefixList(p)
    } else {
        Peer::Unknown
    };
    RuleChange {
        stack: String::new(),
        change: Side::Added,
        classification: Classification::Neutral,
        direction,
        resource: id.to_owned(),
        group: field("GroupId").or(group.map(str::to_owned)).unwrap_or_else(|| "*unknown*".to_owned()),
        protocol: field("IpProtocol").unwrap_or_else(|| "*unknown*".to_owned()),
        from_port: field("FromPort"),
        to_port: field("ToPort"),
        peer,
    }
}

impl RuleChange {
    /// Equality as the CDK counts it: protocol, ports and peer.
    fn same(&self, o: &RuleChange) -> bool {
        self.protocol == o.protocol && self.from_port == o.from_port && self.to_port == o.to_port && self.peer == o.peer
    }

    /// `tcp/22`, `tcp/1024-65535`, `all traffic`, `icmp`.
    pub fn describe_ports(&self) -> String {
        let proto = protocol_name(&self.protocol);
        if proto == "all" {
            return "all traffic".to_owned();
        }
        match (self.from_port.as_deref(), self.to_port.as_deref()) {
            (Some("-1"), _) | (None, None) => format!("all {proto}"),
            (Some(a), Some(b)) if a == b => format!("{proto}/{a}"),
            (Some(a), Some(b)) => format!("{proto}/{a}-{b}"),
            (Some(a), None) | (None, Some(a)) => format!("{proto}/{a}"),
        }
    }

    /// `0.0.0.0/0 (anyone, IPv4)`, a group or a prefix list.
    pub fn describe_peer(&self) -> String {
        match &self.peer {
            Peer::Cidr(c) if c == "0.0.0.0/0" => "0.0.0.0/0 (anyone, IPv4)".to_owned(),
            Peer::Cidr(c) if c == "::/0" => "::/0 (anyone, IPv6)".to_owned(),
            Peer::Cidr(c) => c.clone(),
            Peer::SecurityGroup(g) => format!("group {g}"),
            Peer::PrefixList(p) => format!("prefix list {p}"),
            Peer::Unknown => "(no peer)".to_owned(),
        }
    }

    /// True when `self` (an old rule) lets through everything `o` does.
    fn covers(&self, o: &RuleChange) -> bool {
        if self.direction != o.direction || self.group != o.group {
            return false;
        }
        let (p, q) = (protocol_name(&self.protocol), protocol_name(&o.protocol));
        if p != "all" && p != q {
            return false;
        }
        let ports_ok = p == "all" || {
            let range = |r: &RuleChange| -> Option<(i64, i64)> {
                match (r.from_port.as_deref(), r.to_port.as_deref()) {
                    (Some("-1"), _) | (None, None) => Some((i64::MIN, i64::MAX)),
                    (Some(a), Some(b)) => Some((a.parse().ok()?, b.parse().ok()?)),
                    _ => None,
                }
            };
            matches!((range(self), range(o)), (Some((a, b)), Some((c, d))) if a <= c && d <= b)
        };
        let peer_ok = match (&self.peer, &o.peer) {
            (Peer::Cidr(a), Peer::Cidr(b)) => match (a.parse::<ipnet::IpNet>(), b.parse::<ipnet::IpNet>()) {
                (Ok(x), Ok(y)) => x.contains(&y),
                _ => a == b,
            },
            (a, b) => a == b,
        };
        ports_ok && peer_ok
    }
}

/// `tcp`, `udp`, `icmp`, `icmpv6`, `all`, or the number as written.
fn protocol_name(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => "all".to_owned(),
        "6" | "tcp" => "tcp".to_owned(),
        "17" | "udp" => "udp".to_owned(),
        "1" | "icmp" => "icmp".to_owned(),
        "58" | "icmpv6" => "icmpv6".to_owned(),
        other => other.to_owned(),
    }
}

fn rule_class(side: Side, r: &RuleChange, other: &[RuleChange]) -> Classification {
    match side {
        // An added rule is broadening unless a removed rule already let all of it through.
        Side::Added if other.iter().any(|o| o.covers(r)) => {
            if other.iter().any(|o| r.covers(o)) {
                Classification::Neutral
            } else {
                Classification::Narrowing
            }
        }
        Side::Added => Classification::Broadening,
        // A removed rule is narrowing unless an added rule still lets all of it through.
        Side::Removed if other.iter().any(|o| o.covers(r)) => Classification::Neutral,
        Side::Removed => Classification::Narrowing,
    }
}

/// True when `pattern` (an IAM action or ARN, `*` and `?` wildcards) matches
/// everything `value` can match.
fn pattern_covers(pattern: &str, value: &str) -> bool {
    if pattern == value || pattern == "*" {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) if !prefix.contains(['*', '?']) => {
            value.to_ascii_lowercase().starts_with(&prefix.to_ascii_lowercase())
        }
        _ => pattern.eq_ignore_ascii_case(value),
    }
}

fn targets_cover(wide: &Targets, narrow: &Targets) -> bool {
    match (wide.not, narrow.not) {
        (false, false) => narrow.values.iter().all(|n| wide.values.iter().any(|w| pattern_covers(w, n))),
        // NotX [a] covers NotX [a, b]: excluding more is narrower.
        (true, true) => wide.values.iter().all(|w| narrow.values.iter().any(|n| pattern_covers(w, n))),
        _ => false,
    }
}

/// True when statement `wide` grants (or denies) everything `narrow` does.
fn statement_covers(wide: &Statement, narrow: &Statement) -> bool {
    wide.unparsed.is_none()
        && narrow.unparsed.is_none()
        && wide.resource == narrow.resource
        && wide.effect == narrow.effect
        && wide.condition == narrow.condition
        && targets_cover(&wide.actions, &narrow.actions)
        && targets_cover(&wide.resources, &narrow.resources)
        && targets_cover(&wide.principals, &narrow.principals)
}

fn statement_class(side: Side, s: &Statement, other: &[Statement]) -> Classification {
    let allow = match s.effect.as_str() {
        "Allow" => true,
        "Deny" => false,
        // An intrinsic function decides the effect: cannot tell, so it needs review.
        _ => return Classification::Broadening,
    };
    // A statement with NotAction/NotPrincipal/NotResource grants (or denies) everything but
    // what it names: removing an Allow of that kind is broadening, as the CDK counts it.
    let negated = s.actions.not || s.principals.not || s.resources.not;
    // What the change does if nothing on the other side covers it.
    let plain = match (side, allow) {
        (Side::Added, true) | (Side::Removed, false) => Classification::Broadening,
        (Side::Removed, true) if negated => Classification::Broadening,
        _ => Classification::Narrowing,
    };
    if side == Side::Removed && allow && negated {
        return plain;
    }
    let covered_by_other = other.iter().any(|o| statement_covers(o, s));
    let covers_other = other.iter().any(|o| statement_covers(s, o));
    match (side, allow) {
        // A new Allow already granted by a removed one: the change narrows (or rewrites).
        (Side::Added, true) if covered_by_other => neutral_or(covers_other, Classification::Narrowing),
        // A removed Allow still granted by an added one.
        (Side::Removed, true) if covered_by_other => Classification::Neutral,
        // A removed Deny whose ground an added Deny still covers.
        (Side::Removed, false) if covered_by_other => Classification::Neutral,
        _ => plain,
    }
}

fn neutral_or(equal: bool, otherwise: Classification) -> Classification {
    if equal {
        Classification::Neutral
    } else {
        otherwise
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;

    fn view(old: Value, new: Value) -> SecurityView {
        let (o, n) = (old.as_object().cloned().unwrap_or_default(), new.as_object().cloned().unwrap_or_default());
        let ids: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        let changed: Vec<(Option<&str>, Option<&str>)> = ids
            .into_iter()
            .map(|id| (o.contains_key(id).then_some(id.as_str()), n.contains_key(id).then_some(id.as_str())))
            .collect();
        SecurityView::new(&o, &n, &changed)
    }

    fn role(actions: Value) -> Value {
        json!({"R": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": {"Fn::GetAtt": ["Table", "Arn"]}}]}}]}}})
    }

    #[test]
    fn identity_center_resources_are_compared_whole() {
        let set = |policy: &str| {
            json!({"Set": {"Type": "AWS::SSO::PermissionSet", "Properties": {
                "Name": "Ops", "InstanceArn": "arn:aws:sso:::instance/ssoins-1", "ManagedPolicies": [policy]}}})
        };
        let assignment = json!({"Give": {"Type": "AWS::SSO::Assignment", "Properties": {
            "InstanceArn": "arn:aws:sso:::instance/ssoins-1", "PermissionSetArn": {"Fn::GetAtt": ["Set", "PermissionSetArn"]},
            "PrincipalId": "u-1", "PrincipalType": "USER", "TargetId": "111111111111", "TargetType": "AWS_ACCOUNT"}}});
        let v = view(json!({}), assignment.clone());
        assert_eq!((v.sso_assignment_additions, v.sso_assignment_removals), (1, 0));
        assert!(v.permissions_broadened, "a new assignment grants access");
        let v = view(assignment, json!({}));
        assert_eq!((v.sso_assignment_additions, v.sso_assignment_removals), (0, 1));
        assert!(!v.permissions_broadened);

        // A permission set that changes is one removal and one addition, and its
        // managed policies are counted as such too.
        let v = view(set("arn:aws:iam::aws:policy/ReadOnlyAccess"), set("arn:aws:iam::aws:policy/AdministratorAccess"));
        assert_eq!((v.sso_permission_set_additions, v.sso_permission_set_removals), (1, 1));
        assert_eq!((v.managed_policy_additions, v.managed_policy_removals), (1, 1));
        assert!(v.permissions_broadened);
        let same = view(set("arn:aws:iam::aws:policy/ReadOnlyAccess"), set("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(same.is_empty());
    }

    #[test]
    fn a_wider_grant_is_broadening_and_a_narrower_one_narrowing() {
        let read = json!(["dynamodb:GetItem"]);
        let write = json!(["dynamodb:GetItem", "dynamodb:DeleteItem"]);
        let v = view(role(read.clone()), role(write.clone()));
        assert_eq!((v.statement_additions, v.statement_removals), (1, 1));
        assert!(v.permissions_broadened);
        let added = v.statements.iter().find(|s| s.change == Side::Added).expect("added");
        assert_eq!(added.principals.values, vec!["AWS:${R}".to_owned()]);
        assert_eq!(added.resources.values, vec!["${Table.Arn}".to_owned()]);
        let v = view(role(write), role(read));
        assert!(!v.permissions_broadened, "{v:?}");
        assert!(v.statements.iter().all(|s| s.classification != Classification::Broadening));
    }

    #[test]
    fn a_port_opened_to_the_world_is_broadening_a_smaller_cidr_is_not() {
        let sg = |cidr: &str| {
            json!({"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "d", "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": cidr}]}}})
        };
        let v = view(sg("10.0.0.0/8"), sg("0.0.0.0/0"));
        assert_eq!((v.ingress_rule_additions, v.ingress_rule_removals), (1, 1));
        assert!(v.permissions_broadened);
        assert_eq!(v.rules[0].describe_ports(), "tcp/22");
        let v = view(sg("0.0.0.0/0"), sg("10.0.0.0/8"));
        assert!(!v.permissions_broadened, "{v:?}");
    }

    #[test]
    fn removing_a_deny_is_broadening() {
        let deny = json!({"P": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Ref": "R"}], "PolicyDocument": {"Statement": [
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}}}});
        let v = view(deny.clone(), json!({}));
        assert_eq!(v.statement_removals, 1);
        assert!(v.permissions_broadened);
        let v = view(json!({}), deny);
        assert!(!v.permissions_broadened);
    }
}
