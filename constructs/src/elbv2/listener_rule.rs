//! Listener rules: conditions, priorities, and AWS's limits on both.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::listener::{Action, Listener};
use super::priority::{auto_priority, MAX_PRIORITY, MIN_PRIORITY};
use crate::cfn::{Intrinsic, Resource};
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;

/// Most match values in one condition (ALB listener rules quota).
pub const MAX_CONDITION_VALUES_PER_CONDITION: usize = 3;
/// Most match values across all conditions of one rule (ALB quota).
pub const MAX_CONDITION_VALUES_PER_RULE: usize = 5;
/// Most `*` and `?` wildcards across all conditions of one rule (ALB quota).
pub const MAX_WILDCARDS_PER_RULE: usize = 5;
/// Longest path pattern, host header or header value.
pub const MAX_PATTERN_LENGTH: usize = 128;

/// An HTTP header condition: the header `name` matches one of `values`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpHeaderCondition {
    /// Header name, e.g. `X-Canary` (not `Host`: use `host_headers`).
    pub name: String,
    /// Values compared case-insensitively; `*` and `?` are wildcards.
    pub values: Vec<String>,
}

/// One key/value of a query-string condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryStringCondition {
    /// The query parameter. Default: any parameter whose value matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The value; `*` and `?` are wildcards.
    pub value: String,
}

/// Props of a [`ListenerRule`]. At least one condition is needed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListenerRuleProps {
    /// Evaluation order on the listener, 1 to 50000, lowest first; unique per
    /// listener. Default: an automatic priority from a stable hash of the
    /// rule's construct path in 10000..=49999 (see [`super::auto_priority`]):
    /// it never shifts when other rules come and go. Give explicit priorities
    /// (below 10000) to rules whose conditions overlap, because automatic
    /// ones evaluate in no meaningful order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Path patterns (`/api/*`), case-sensitive, at most 128 characters,
    /// matched against the path only. Default: any path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_patterns: Option<Vec<String>>,
    /// Host names (`api.example.com`, `*.example.com`). Default: any host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_headers: Option<Vec<String>>,
    /// HTTP header conditions, all of which must match. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_headers: Option<Vec<HttpHeaderCondition>>,
    /// Query-string key/values, one of which must match. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_strings: Option<Vec<QueryStringCondition>>,
}

/// A listener rule (`AWS::ElasticLoadBalancingV2::ListenerRule`).
#[derive(Debug, Clone, PartialEq)]
pub struct ListenerRule {
    /// The rule's logical ID: ECS services registering with a target group
    /// it forwards to depend on it.
    pub logical_id: String,
    /// The rule's ARN (`Ref`).
    pub arn: Value,
    /// The priority used, explicit or automatic.
    pub priority: u32,
}

impl ListenerRule {
    /// Adds a rule at `path` on `listener`: when the conditions of `props`
    /// match, `action` runs. Problems are reported at the props' fields,
    /// including a priority already used on the same listener.
    pub fn new(
        stack: &mut Stack,
        path: &ConstructPath,
        listener: &Listener,
        action: &Action,
        props: &ListenerRuleProps,
    ) -> ListenerRule {
        let priority = props.priority.unwrap_or_else(|| auto_priority(&path.to_string()));
        validate_conditions(stack, path, props);
        action.validate(stack, path);
        if let Some(p) = props.priority {
            if !(MIN_PRIORITY..=MAX_PRIORITY).contains(&p) {
                stack.report(
                    ValidationError::new(
                        Code::RulePriorityInvalid,
                        path,
                        format!("priority {p} is not between 1 and 50000"),
                    )
                    .field("priority")
                    .help("use a priority from 1 to 50000"),
                );
            }
        }
        let owner = path.logical_id();
        if let Some(other) = stack.claim_unique(PRIORITY_NAMESPACE, format!("{} {priority}", listener.arn), &owner) {
            let (field, how, help) = if props.priority.is_some() {
                ("priority", "", "give one of the two rules another priority")
            } else {
                (
                    "",
                    " (automatic priorities of two rule names collided)",
                    "set an explicit `priority` (below 10000) on one of the two rules",
                )
            };
            stack.report(
                ValidationError::new(
                    Code::RulePriorityDuplicate,
                    path,
                    format!("priority {priority} is already used by rule {other} on the same listener{how}"),
                )
                .field(field)
                .help(help),
            );
        }
        claim_path_patterns(stack, path, listener, props, &owner);
        let mut conditions = conditions_json(props);
        if let (Some((name, value)), Value::Array(list)) = (&listener.required_header, &mut conditions) {
            let values: usize = list.iter().map(condition_values).sum();
            if values >= super::MAX_CONDITION_VALUES_PER_RULE {
                stack.report(
                    ValidationError::new(
                        Code::LockRuleFull,
                        path,
                        format!(
                            "the rule already has {values} condition values; the CDN lock's header condition makes one \
                             more than a rule allows ({})",
                            super::MAX_CONDITION_VALUES_PER_RULE
                        ),
                    )
                    .help(
                        "give the rule of a service behind a locked CDN at most 4 condition values (host headers, path patterns, ...), or set `cdn.origin_lock: false`",
                    ),
                );
            }
            list.push(header_condition(name, value));
        }
        let resource = Resource::new("AWS::ElasticLoadBalancingV2::ListenerRule")
            .prop("ListenerArn", listener.arn.clone())
            .prop("Priority", priority)
            .prop("Conditions", conditions)
            .prop("Actions", action.to_cfn());
        let logical_id = stack.add_resource(path, resource);
        ListenerRule { arn: Intrinsic::ref_(&logical_id), logical_id, priority }
    }
}

/// The [`Stack::claim_unique`] namespace of rule priorities, keyed by
/// listener ARN and priority.
pub(crate) const PRIORITY_NAMESPACE: &str = "elbv2-listener-rule-priority";

/// The [`Stack::claim_unique`] namespace of path patterns, keyed by listener
/// ARN, the rule's other conditions and the pattern.
const PATH_PATTERN_NAMESPACE: &str = "elbv2-listener-rule-path-pattern";

/// Reports a path pattern that another rule of the same listener already
/// routes under the same other conditions (hosts, headers, query strings):
/// whichever rule has the lower priority would never see those requests.
fn claim_path_patterns(
    stack: &mut Stack,
    path: &ConstructPath,
    listener: &Listener,
    props: &ListenerRuleProps,
    owner: &str,
) {
    let mut hosts = props.host_headers.clone().unwrap_or_default();
    hosts.sort();
    let others = json!([hosts, props.http_headers, props.query_strings]).to_string();
    for (i, pattern) in props.path_patterns.iter().flatten().enumerate() {
        let key = format!("{} {others} {pattern}", listener.arn);
        let Some(other) = stack.claim_unique(PATH_PATTERN_NAMESPACE, key, owner) else { continue };
        let (message, help) = if other == owner {
            (format!("path pattern `{pattern}` is listed twice"), "list each pattern once")
        } else {
            (
                format!("path pattern `{pattern}` is already routed by rule {other} on the same listener, with the same other conditions"),
                "route each path to one service, or tell the rules apart with `host_headers` or `http_headers`",
            )
        };
        stack.report(
            ValidationError::new(Code::RulePathPatternDuplicate, path, message)
                .field(format!("path_patterns[{i}]").as_str())
                .help(help),
        );
    }
}

fn conditions_json(props: &ListenerRuleProps) -> Value {
    let mut conditions = Vec::new();
    if let Some(hosts) = &props.host_headers {
        conditions.push(json!({"Field": "host-header", "HostHeaderConfig": {"Values": hosts}}));
    }
    if let Some(paths) = &props.path_patterns {
        conditions.push(json!({"Field": "path-pattern", "PathPatternConfig": {"Values": paths}}));
    }
    for h in props.http_headers.iter().flatten() {
        conditions
            .push(json!({"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": h.name, "Values": h.values}}));
    }
    if let Some(qs) = &props.query_strings {
        let values: Vec<Value> = qs
            .iter()
            .map(|q| match &q.key {
                Some(k) => json!({"Key": k, "Value": q.value}),
                None => json!({"Value": q.value}),
            })
            .collect();
        conditions.push(json!({"Field": "query-string", "QueryStringConfig": {"Values": values}}));
    }
    Value::Array(conditions)
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-.$/~\"'@:+&*?".contains(c)
}

fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-.*?".contains(c)
}

fn validate_conditions(stack: &mut Stack, path: &ConstructPath, props: &ListenerRuleProps) {
    // (field, values of one condition)
    let mut conditions: Vec<(String, Vec<&str>)> = Vec::new();
    if let Some(v) = &props.path_patterns {
        conditions.push(("path_patterns".into(), v.iter().map(String::as_str).collect()));
    }
    if let Some(v) = &props.host_headers {
        conditions.push(("host_headers".into(), v.iter().map(String::as_str).collect()));
    }
    for (i, h) in props.http_headers.iter().flatten().enumerate() {
        conditions.push((format!("http_headers[{i}].values"), h.values.iter().map(String::as_str).collect()));
    }
    if let Some(q) = &props.query_strings {
        let mut values = Vec::new();
        for qs in q {
            values.extend(qs.key.as_deref());
            values.push(qs.value.as_str());
        }
        conditions.push(("query_strings".into(), values));
    }
    if conditions.is_empty() {
        stack.report(
            ValidationError::new(Code::RuleConditionMissing, path, "a listener rule needs at least one condition")
                .help("set `path_patterns` or `host_headers`; the listener's default action handles everything else"),
        );
        return;
    }
    let mut total = 0usize;
    let mut wildcards = 0usize;
    for (field, values) in &conditions {
        let count =
            if field == "query_strings" { props.query_strings.as_ref().map_or(0, Vec::len) } else { values.len() };
        total += count;
        if count == 0 {
            stack.report(
                ValidationError::new(Code::RuleConditionEmpty, path, format!("condition `{field}` has no value"))
                    .field(field.as_str())
                    .help("give at least one value, or leave the condition out"),
            );
        }
        if count > MAX_CONDITION_VALUES_PER_CONDITION {
            stack.report(
                ValidationError::new(
                    Code::RuleConditionTooManyValues,
                    path,
                    format!("condition `{field}` has {count} values; a condition may have at most {MAX_CONDITION_VALUES_PER_CONDITION}"),
                )
                .field(field.as_str())
                .help("split the values across several rules"),
            );
        }
        for (i, v) in values.iter().enumerate() {
            wildcards += v.chars().filter(|c| *c == '*' || *c == '?').count();
            if v.is_empty() || v.len() > MAX_PATTERN_LENGTH {
                stack.report(
                    ValidationError::new(
                        Code::RuleConditionValueInvalid,
                        path,
                        format!("value `{v}` of `{field}` must have 1 to {MAX_PATTERN_LENGTH} characters"),
                    )
                    .field(format!("{field}[{i}]").as_str()),
                );
            }
        }
    }
    if total > MAX_CONDITION_VALUES_PER_RULE {
        stack.report(
            ValidationError::new(
                Code::RuleTooManyValues,
                path,
                format!("the rule's conditions have {total} values in all; a rule may have at most {MAX_CONDITION_VALUES_PER_RULE}"),
            )
            .help("split the rule into several rules forwarding to the same target group"),
        );
    }
    if wildcards > MAX_WILDCARDS_PER_RULE {
        stack.report(
            ValidationError::new(
                Code::RuleTooManyWildcards,
                path,
                format!("the rule's conditions use {wildcards} wildcards (`*`, `?`); a rule may use at most {MAX_WILDCARDS_PER_RULE}"),
            )
            .help("split the rule, or use fewer wildcards"),
        );
    }
    for (i, p) in props.path_patterns.iter().flatten().enumerate() {
        if !p.starts_with('/') && !p.starts_with('*') {
            stack.report(
                ValidationError::new(
                    Code::RulePathPatternInvalid,
                    path,
                    format!("path pattern `{p}` must start with `/`"),
                )
                .field(format!("path_patterns[{i}]").as_str())
                .help("write patterns such as /api/*"),
            );
        } else if !p.chars().all(is_path_char) {
            stack.report(
                ValidationError::new(
                    Code::RulePathPatternInvalid,
                    path,
                    format!("path pattern `{p}` holds a character listener rules do not accept"),
                )
                .field(format!("path_patterns[{i}]").as_str())
                .help("use letters, digits, _ - . $ / ~ \" ' @ : + & and the wildcards * ?"),
            );
        }
        if props.priority.is_none() && p.chars().all(|c| c == '*' || c == '/') {
            stack.report(
                ValidationError::new(
                    Code::RuleCatchAllNeedsPriority,
                    path,
                    format!("path pattern `{p}` matches every request, so its automatic priority would shadow other rules at random"),
                )
                .field(format!("path_patterns[{i}]").as_str())
                .help("use the listener's default action for the catch-all, or give this rule an explicit `priority`"),
            );
        }
    }
    for (i, h) in props.host_headers.iter().flatten().enumerate() {
        if !h.chars().all(is_host_char) {
            stack.report(
                ValidationError::new(
                    Code::RuleHostHeaderInvalid,
                    path,
                    format!("host `{h}` is not a host name pattern"),
                )
                .field(format!("host_headers[{i}]").as_str())
                .help("use letters, digits, hyphens, dots and the wildcards * ?"),
            );
        }
    }
    for (i, h) in props.http_headers.iter().flatten().enumerate() {
        let bad = h.name.is_empty()
            || h.name.len() > 40
            || h.name.eq_ignore_ascii_case("host")
            || !h.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if bad {
            stack.report(
                ValidationError::new(
                    Code::RuleHttpHeaderInvalid,
                    path,
                    format!("`{}` is not a header name rules can match", h.name),
                )
                .field(format!("http_headers[{i}].name").as_str())
                .help("use up to 40 letters, digits, hyphens and underscores; match `Host` with `host_headers`"),
            );
        }
    }
}

/// The `http-header` condition requiring `name: value`.
pub(super) fn header_condition(name: &str, value: &Value) -> Value {
    json!({"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": name, "Values": [value]}})
}

/// How many values a listener rule condition counts towards the rule's quota.
pub(super) fn condition_values(c: &Value) -> usize {
    let list = |v: Option<&Value>| v.and_then(Value::as_array).map_or(0, Vec::len);
    [
        "PathPatternConfig",
        "HostHeaderConfig",
        "HttpHeaderConfig",
        "HttpRequestMethodConfig",
        "QueryStringConfig",
        "SourceIpConfig",
    ]
    .iter()
    .map(|k| list(c.get(*k).and_then(|x| x.get("Values"))))
    .sum::<usize>()
        + list(c.get("Values"))
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        LockRuleFull => error("cdn:lock-rule-full") {
            formerly: ["cdn-lock-rule-full"],
            title: "a listener rule has no room for the CDN lock's header condition",
            explanation: "A load balancer locked to its CDN adds an `http-header` condition (`X-Origin-Verify`) to \
         every listener rule, so that only requests from CloudFront are forwarded. An Application \
         Load Balancer rule holds at most 5 condition values in total; this rule's own conditions \
         already use them all. Use at most 4 path patterns per service behind a locked CDN, or opt \
         out with `cdn.origin_lock: false` (the origin is then reachable without CloudFront).",
        },
        RuleCatchAllNeedsPriority => error("elbv2:rule-catch-all-needs-priority") {
            formerly: ["rule-catch-all-needs-priority"],
            title: "a catch-all path pattern has an automatic priority",
            explanation: "A path pattern such as `/*` matches every request. With an automatic priority (derived from the \
         rule's name), it would shadow other rules depending on how names sort. Use the listener's \
         default action for the catch-all, or give this rule an explicit `priority` higher than the \
         specific rules'.",
        },
        RuleConditionEmpty => error("elbv2:rule-condition-empty") {
            formerly: ["rule-condition-empty"],
            title: "a listener rule condition has no value",
            explanation: "A condition with an empty list would match nothing (CloudFormation rejects it). Give at least \
         one value, or leave the condition out.",
        },
        RuleConditionMissing => error("elbv2:rule-condition-missing") {
            formerly: ["rule-condition-missing"],
            title: "a listener rule has no condition",
            explanation: "Every listener rule needs at least one condition; the listener's default action handles \
         requests that no rule matches. Set `path_patterns` or `host_headers`.\n\n\
         ```yaml\npath_patterns: [/api/*]\n```",
        },
        RuleConditionTooManyValues => error("elbv2:rule-condition-too-many-values") {
            formerly: ["rule-condition-too-many-values"],
            title: "a listener rule condition has more than 3 values",
            explanation: "rcdk keeps each condition of a rule to 3 values so that a rule stays within the Application \
         Load Balancer quota of 5 condition values per rule. Split the values across several rules \
         forwarding to the same target group.",
        },
        RuleConditionValueInvalid => error("elbv2:rule-condition-value-invalid") {
            formerly: ["rule-condition-value-invalid"],
            title: "a listener rule condition value is empty or longer than 128 characters",
            explanation: "Elastic Load Balancing accepts condition values (path patterns, host names, header values) of \
         1 to 128 characters.",
        },
        RuleHostHeaderInvalid => error("elbv2:rule-host-header-invalid") {
            formerly: ["rule-host-header-invalid"],
            title: "a host header condition is not a host name pattern",
            explanation: "Host conditions match host names: letters, digits, hyphens and dots, with the wildcards `*` \
         (any characters) and `?` (one character), e.g. `api.example.com` or `*.example.com`. No scheme, \
         port or path.",
        },
        RuleHttpHeaderInvalid => error("elbv2:rule-http-header-invalid") {
            formerly: ["rule-http-header-invalid"],
            title: "an HTTP header condition names a header rules cannot match",
            explanation: "HTTP header conditions match headers named with up to 40 letters, digits, hyphens and \
         underscores. The `Host` header has its own condition: use `host_headers`.",
        },
        RulePathPatternDuplicate => error("elbv2:rule-path-pattern-duplicate") {
            formerly: ["rule-path-pattern-duplicate"],
            title: "two rules of one listener match the same path",
            explanation: "Two listener rules with the same path pattern and the same host, header and query-string conditions: only the one with the lower priority ever matches, so the other service receives no traffic. Give one of them a different path, host or header.",
        },
        RulePathPatternInvalid => error("elbv2:rule-path-pattern-invalid") {
            formerly: ["rule-path-pattern-invalid"],
            title: "a path pattern does not start with `/` or has characters rules cannot match",
            explanation: "Path patterns match the request path, not the query string: they start with `/` and use \
         letters, digits, `_-.$/~\"'@:+&` and the wildcards `*` and `?`, e.g. `/api/*`.",
        },
        RulePriorityDuplicate => error("elbv2:rule-priority-duplicate") {
            formerly: ["rule-priority-duplicate"],
            title: "two rules on one listener have the same priority",
            explanation: "Rules of a listener are evaluated in priority order, and each priority is used once per \
         listener; CloudFormation fails the deployment otherwise. Automatic priorities are derived from \
         rule names and can collide (the message says so): give one of the rules an explicit \
         `priority`.",
        },
        RulePriorityInvalid => error("elbv2:rule-priority-invalid") {
            formerly: ["rule-priority-invalid"],
            title: "a listener rule priority is outside 1 to 50000",
            explanation: "Listener rule priorities are 1 (evaluated first) to 50000.",
        },
        RuleTooManyValues => error("elbv2:rule-too-many-values") {
            formerly: ["rule-too-many-values"],
            title: "a listener rule has more than 5 condition values in all",
            explanation: "An Application Load Balancer rule may have at most 5 condition values in all its conditions \
         (quota: condition values per rule). Split the rule into several rules forwarding to the same \
         target group.",
        },
        RuleTooManyWildcards => error("elbv2:rule-too-many-wildcards") {
            formerly: ["rule-too-many-wildcards"],
            title: "a listener rule uses more than 5 wildcards",
            explanation: "An Application Load Balancer rule may use at most 5 wildcards (`*`, `?`) in all its conditions \
         (quota: condition wildcards per rule). Split the rule, or use fewer wildcards.",
        },
    }
}
