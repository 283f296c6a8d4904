//! Listeners and the actions of listeners and rules.

use serde_json::{json, Value};

use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;

/// The highest weight of a target group in a weighted forward.
pub const MAX_WEIGHT: u32 = 999;
/// Most target groups one forward action may name (an ALB quota that cannot
/// be raised).
pub const MAX_TARGET_GROUPS_PER_ACTION: usize = 5;

/// A listener (`AWS::ElasticLoadBalancingV2::Listener`), created by
/// [`super::ApplicationLoadBalancer::new`].
#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    /// The construct's path.
    pub path: ConstructPath,
    /// The listener's logical ID: ECS services that register with a target
    /// group forwarded to by the listener's default action depend on it.
    pub logical_id: String,
    /// The listener's ARN (`Ref`).
    pub arn: Value,
    /// The port it listens on (80 or 443).
    pub port: u16,
    /// Whether it terminates TLS.
    pub https: bool,
    /// A header `(name, value)` every rule on this listener requires, set by
    /// [`super::ApplicationLoadBalancer::require_header`] (the CDN origin
    /// lock): each [`super::ListenerRule`] created on it adds an
    /// `http-header` condition. Default: none.
    pub required_header: Option<(String, Value)>,
}

/// One target group of a weighted forward.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedTarget {
    /// The target group's ARN.
    pub target_group_arn: Value,
    /// Its weight, 0 to [`MAX_WEIGHT`]: a number, or an intrinsic such as a
    /// `Ref` to a template parameter (canary deployments shift weights
    /// without touching the template). Intrinsics are checked by AWS only.
    pub weight: Value,
}

/// What a listener's default rule or a listener rule does with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Answers itself, e.g. 404 for paths no rule routes.
    FixedResponse {
        /// HTTP status code, 200 to 599.
        status_code: u16,
        /// `text/plain`, `text/css`, `text/html`, `application/javascript` or `application/json`.
        content_type: String,
        /// The body, at most 1024 bytes. `None` sends no body.
        body: Option<String>,
    },
    /// Forwards to one target group (its ARN).
    Forward(Value),
    /// Splits requests across up to [`MAX_TARGET_GROUPS_PER_ACTION`] target
    /// groups by weight.
    WeightedForward(Vec<WeightedTarget>),
    /// Redirects to the same URL over HTTPS (301).
    RedirectToHttps,
}

impl Action {
    /// The default action of a listener with nothing else to do: 404 Not Found.
    pub fn not_found() -> Action {
        Action::FixedResponse { status_code: 404, content_type: "text/plain".into(), body: Some("Not Found".into()) }
    }

    /// The target group ARNs this action forwards to.
    pub fn target_group_arns(&self) -> Vec<Value> {
        match self {
            Action::Forward(arn) => vec![arn.clone()],
            Action::WeightedForward(targets) => targets.iter().map(|t| t.target_group_arn.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// The `Actions` list (one action) of a listener or rule.
    pub fn to_cfn(&self) -> Value {
        let action = match self {
            Action::FixedResponse { status_code, content_type, body } => {
                let mut config = json!({"StatusCode": status_code.to_string(), "ContentType": content_type});
                if let (Some(body), Some(map)) = (body, config.as_object_mut()) {
                    map.insert("MessageBody".into(), json!(body));
                }
                json!({"Type": "fixed-response", "FixedResponseConfig": config})
            }
            Action::Forward(arn) => json!({"Type": "forward", "TargetGroupArn": arn}),
            Action::WeightedForward(targets) => json!({
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": targets
                        .iter()
                        .map(|t| json!({"TargetGroupArn": t.target_group_arn, "Weight": t.weight}))
                        .collect::<Vec<_>>()
                }
            }),
            Action::RedirectToHttps => json!({
                "Type": "redirect",
                "RedirectConfig": {
                    "Protocol": "HTTPS",
                    "Port": "443",
                    "Host": "#{host}",
                    "Path": "/#{path}",
                    "Query": "#{query}",
                    "StatusCode": "HTTP_301"
                }
            }),
        };
        json!([action])
    }

    /// Reports what AWS would reject: weights out of range, too many or no
    /// target groups, a bad fixed response.
    pub fn validate(&self, stack: &mut Stack, path: &ConstructPath) {
        match self {
            Action::FixedResponse { status_code, content_type, body } => {
                if !(200..=599).contains(status_code) {
                    stack.report(ValidationError::new(
                        Code::ActionStatusInvalid,
                        path,
                        format!("fixed response status {status_code} is not between 200 and 599"),
                    ));
                }
                const TYPES: [&str; 5] =
                    ["text/plain", "text/css", "text/html", "application/javascript", "application/json"];
                if !TYPES.contains(&content_type.as_str()) {
                    stack.report(
                        ValidationError::new(
                            Code::ActionContentTypeInvalid,
                            path,
                            format!(
                                "fixed response content type `{content_type}` is not one the load balancer accepts"
                            ),
                        )
                        .help(format!("use one of {TYPES:?}")),
                    );
                }
                if body.as_ref().is_some_and(|b| b.len() > 1024) {
                    stack.report(ValidationError::new(
                        Code::ActionBodyTooLong,
                        path,
                        "fixed response body is longer than 1024 bytes",
                    ));
                }
            }
            Action::WeightedForward(targets) => {
                if targets.is_empty() || targets.len() > MAX_TARGET_GROUPS_PER_ACTION {
                    stack.report(
                        ValidationError::new(
                            Code::ActionTargetGroupsInvalid,
                            path,
                            format!(
                                "a weighted forward names {} target groups; it needs 1 to {MAX_TARGET_GROUPS_PER_ACTION}",
                                targets.len()
                            ),
                        )
                        .help("split the traffic across at most 5 target groups"),
                    );
                }
                for (i, t) in targets.iter().enumerate() {
                    let ok = match &t.weight {
                        Value::Number(n) => n.as_u64().is_some_and(|w| w <= u64::from(MAX_WEIGHT)),
                        Value::Object(_) => true,
                        _ => false,
                    };
                    if !ok {
                        stack.report(
                            ValidationError::new(
                                Code::ActionWeightInvalid,
                                path,
                                format!(
                                    "weight {} of target group {} is not a whole number from 0 to {MAX_WEIGHT}",
                                    t.weight,
                                    i + 1
                                ),
                            )
                            .help(format!("use a weight from 0 to {MAX_WEIGHT}, or a template parameter")),
                        );
                    }
                }
            }
            Action::Forward(_) | Action::RedirectToHttps => {}
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        ActionBodyTooLong => error("elbv2:action-body-too-long") {
            formerly: ["action-body-too-long"],
            title: "a fixed response body is longer than 1024 bytes",
            explanation: "Elastic Load Balancing limits the message body of a fixed-response action to 1024 characters. \
         Shorten it, or serve the content from a service.",
        },
        ActionContentTypeInvalid => error("elbv2:action-content-type-invalid") {
            formerly: ["action-content-type-invalid"],
            title: "a fixed response content type is not one the load balancer accepts",
            explanation: "Fixed-response actions accept only `text/plain`, `text/css`, `text/html`, \
         `application/javascript` and `application/json`.",
        },
        ActionStatusInvalid => error("elbv2:action-status-invalid") {
            formerly: ["action-status-invalid"],
            title: "a fixed response status code is not between 200 and 599",
            explanation: "A fixed-response action returns an HTTP status code from 2XX, 4XX or 5XX (200 to 599).",
        },
        ActionTargetGroupsInvalid => error("elbv2:action-target-groups-invalid") {
            formerly: ["action-target-groups-invalid"],
            title: "a weighted forward names no target group or more than 5",
            explanation: "An Application Load Balancer forward action splits traffic across 1 to 5 target groups (a fixed \
         quota: target groups per action). Split the traffic across at most 5 target groups.",
        },
        ActionWeightInvalid => error("elbv2:action-weight-invalid") {
            formerly: ["action-weight-invalid"],
            title: "a target group weight is not a whole number from 0 to 999",
            explanation: "Weights of a weighted forward action are whole numbers from 0 to 999; traffic is split in \
         proportion to them (0 sends none).",
        },
    }
}
