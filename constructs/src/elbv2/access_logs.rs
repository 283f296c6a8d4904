//! Access logs of an Application Load Balancer: the attributes that turn
//! them on, and the bucket rcdk creates for them when the app names none.
//!
//! What Elastic Load Balancing requires of the bucket, from "Enable access
//! logs for your Application Load Balancer"
//! (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html):
//! the same region as the load balancer; SSE-S3 as the only server-side
//! encryption; a bucket policy that lets the regional ELB account (regions
//! opened before August 2022) or the `logdelivery.elasticloadbalancing`
//! service (later regions) put objects under `[prefix/]AWSLogs/<account>/`;
//! a prefix without `AWSLogs`. The load balancer checks that it can write
//! when access logs are turned on, so it depends on the bucket policy.

use serde_json::{json, Value};

use crate::cfn::Intrinsic;
use crate::core::{ConstructPath, Stack};
use crate::error::ValidationError;
use crate::region::{elb_log_delivery_account, partition, ELB_LOG_DELIVERY_SERVICE};
use crate::s3::{Bucket, BucketExtras, BucketProps};

/// Days the access logs stay in the bucket rcdk creates, by default.
pub const DEFAULT_ACCESS_LOGS_RETENTION_DAYS: u32 = 365;

/// The access log settings of a load balancer's props (see
/// [`super::LoadBalancerProps::access_logs`] and the fields after it).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct AccessLogSettings<'a> {
    pub access_logs: Option<bool>,
    pub access_logs_bucket: Option<&'a str>,
    pub access_logs_prefix: Option<&'a str>,
    pub access_logs_retention_days: Option<u32>,
}

/// What turning access logs on adds to the load balancer.
#[derive(Debug, Default)]
pub(super) struct AccessLogs {
    /// The `access_logs.s3.*` load balancer attributes.
    pub attributes: Vec<Value>,
    /// The bucket policy the load balancer must wait for.
    pub depends_on: Option<String>,
}

/// Validates the access log props and, when logs are on, creates the bucket
/// (when `access_logs_bucket` names none) and returns the attributes.
pub(super) fn access_logs(stack: &mut Stack, path: &ConstructPath, props: AccessLogSettings<'_>) -> AccessLogs {
    let region = stack.props().region.clone();
    let enabled = props.access_logs.unwrap_or(props.access_logs_bucket.is_some() || region.is_some());
    validate(stack, path, props, enabled, region.is_some());
    if !enabled {
        return AccessLogs::default();
    }
    let prefix = props.access_logs_prefix.filter(|p| !p.is_empty());
    let (bucket, depends_on) = match (props.access_logs_bucket, &region) {
        (Some(name), _) => (json!(name), None),
        (None, Some(region)) => {
            let bucket = log_bucket(stack, path, props.access_logs_retention_days, region, prefix);
            (bucket.name, Some(bucket.policy_logical_id))
        }
        (None, None) => return AccessLogs::default(),
    };
    let mut attributes = vec![
        json!({"Key": "access_logs.s3.enabled", "Value": "true"}),
        json!({"Key": "access_logs.s3.bucket", "Value": bucket}),
    ];
    if let Some(prefix) = prefix {
        attributes.push(json!({"Key": "access_logs.s3.prefix", "Value": prefix}));
    }
    AccessLogs { attributes, depends_on }
}

/// The bucket at `path/AccessLogs`: versioned, SSE-S3, public access
/// blocked, TLS only, retained (the logs are an audit record), current
/// objects expiring after the retention days.
fn log_bucket(
    stack: &mut Stack,
    path: &ConstructPath,
    retention_days: Option<u32>,
    region: &str,
    prefix: Option<&str>,
) -> Bucket {
    let bucket_path = path.child("AccessLogs");
    let principal = match elb_log_delivery_account(region) {
        Some(account) => json!({"AWS": format!("arn:{}:iam::{account}:root", partition(region))}),
        None => json!({"Service": ELB_LOG_DELIVERY_SERVICE}),
    };
    let logical_id = bucket_path.logical_id();
    let key_prefix = match prefix {
        Some(p) => format!("/{p}/AWSLogs/"),
        None => "/AWSLogs/".to_owned(),
    };
    let objects = Intrinsic::join(
        "",
        vec![Intrinsic::get_att(&logical_id, "Arn"), json!(key_prefix), Intrinsic::ref_("AWS::AccountId"), json!("/*")],
    );
    let extras = BucketExtras {
        expiration_days: Some(retention_days.unwrap_or(DEFAULT_ACCESS_LOGS_RETENTION_DAYS)),
        statements: vec![json!({
            "Sid": "AllowLoadBalancerLogDelivery",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:PutObject",
            "Resource": objects
        })],
    };
    let bucket = Bucket::with_extras(stack, &bucket_path, &BucketProps::default(), &extras);
    for (rule, reason) in [
        (
            "CT.S3.PR.10",
            "Elastic Load Balancing delivers access logs only to buckets encrypted with SSE-S3, not with a KMS key",
        ),
        ("CT.S3.PR.2", "a log bucket: its own server access logs would need yet another bucket"),
        ("CT.S3.PR.4", "nothing in the stack reacts to new log files"),
        (
            "CT.S3.PR.9",
            "object lock cannot be turned off once on; versioning keeps deleted or overwritten log files for 90 days",
        ),
    ] {
        stack.acknowledge_rule(&bucket_path, rule, reason);
    }
    bucket
}

fn validate(stack: &mut Stack, path: &ConstructPath, props: AccessLogSettings<'_>, enabled: bool, has_region: bool) {
    if props.access_logs == Some(false) && props.access_logs_bucket.is_some() {
        stack.report(
            ValidationError::new(
                Code::AccessLogsOffWithBucket,
                path,
                "`access_logs: false` turns access logs off, but `access_logs_bucket` names a bucket for them",
            )
            .field("access_logs")
            .help("remove one of them"),
        );
    }
    if props.access_logs == Some(true) && props.access_logs_bucket.is_none() && !has_region {
        stack.report(
            ValidationError::new(
                Code::AccessLogsNeedRegion,
                path,
                "access logs to a bucket rcdk creates need the stack's region: the bucket policy names the \
                 identity Elastic Load Balancing writes as, which differs by region",
            )
            .field("access_logs")
            .help("set the stack's `region`, or name an existing bucket with `access_logs_bucket`"),
        );
    }
    if let Some(b) = props.access_logs_bucket {
        if !is_bucket_name(b) {
            stack.report(
                ValidationError::new(Code::AccessLogsBucketInvalid, path, format!("`{b}` is not an S3 bucket name"))
                    .field("access_logs_bucket")
                    .help("use the bucket's name (3 to 63 lowercase letters, digits, dots and hyphens), not its ARN"),
            );
        }
    }
    if let Some(prefix) = props.access_logs_prefix {
        if !enabled {
            stack.report(
                ValidationError::new(
                    Code::AccessLogsPrefixWithoutBucket,
                    path,
                    "`access_logs_prefix` is set, but access logs are off",
                )
                .field("access_logs_prefix")
                .help("remove the prefix, or turn access logs on (`access_logs: true` needs the stack's `region`)"),
            );
        } else if prefix.contains("AWSLogs") || prefix.starts_with('/') || prefix.ends_with('/') {
            stack.report(
                ValidationError::new(
                    Code::AccessLogsPrefixInvalid,
                    path,
                    format!("access log prefix `{prefix}` contains `AWSLogs` or starts or ends with `/`"),
                )
                .field("access_logs_prefix")
                .help("Elastic Load Balancing adds `AWSLogs/<account>/` itself: give a plain prefix such as `web`"),
            );
        }
    }
    if let Some(days) = props.access_logs_retention_days {
        let own_bucket = enabled && props.access_logs_bucket.is_none();
        if !own_bucket {
            stack.report(
                ValidationError::new(
                    Code::AccessLogsRetentionUnused,
                    path,
                    "`access_logs_retention_days` applies only to the bucket rcdk creates for access logs",
                )
                .field("access_logs_retention_days")
                .help("remove it; an existing bucket named by `access_logs_bucket` keeps its own lifecycle rules"),
            );
        } else if !(1..=3650).contains(&days) {
            stack.report(
                ValidationError::new(
                    Code::AccessLogsRetentionInvalid,
                    path,
                    format!("`access_logs_retention_days` is {days}; use 1 to 3650"),
                )
                .field("access_logs_retention_days"),
            );
        }
    }
}

/// Whether `b` is a valid S3 bucket name (not an ARN or URL).
fn is_bucket_name(b: &str) -> bool {
    (3..=63).contains(&b.len())
        && b.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
        && b.starts_with(|c: char| c.is_ascii_alphanumeric())
        && b.ends_with(|c: char| c.is_ascii_alphanumeric())
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        AccessLogsBucketInvalid => error("elbv2:access-logs-bucket-invalid") {
            formerly: ["access-logs-bucket-invalid"],
            title: "the access log bucket is not an S3 bucket name",
            explanation: "`access_logs_bucket` is the bucket's name (3 to 63 lowercase letters, digits, dots and hyphens), \
         not its ARN or URL. The bucket must be in the load balancer's region, use SSE-S3 encryption, and \
         allow Elastic Load Balancing to write to it (see \
         https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html); \
         leave it out and rcdk creates such a bucket.",
        },
        AccessLogsPrefixWithoutBucket => error("elbv2:access-logs-prefix-without-bucket") {
            formerly: ["access-logs-prefix-without-bucket"],
            title: "`access_logs_prefix` is set, but access logs are off",
            explanation: "The prefix only means something when access logs are written: with `access_logs: false`, or \
         in a stack that names no region and no `access_logs_bucket`, nothing is. Remove the prefix, or \
         turn access logs on.",
        },
        AccessLogsPrefixInvalid => error("elbv2:access-logs-prefix-invalid") {
            title: "the access log prefix contains `AWSLogs` or a leading or trailing `/`",
            explanation: "Elastic Load Balancing writes to `bucket/prefix/AWSLogs/<account>/...` and refuses a prefix \
         that contains `AWSLogs` (see \
         https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html). \
         Give a plain prefix such as `web` or `prod/web`.",
        },
        AccessLogsOffWithBucket => error("elbv2:access-logs-off-with-bucket") {
            title: "access logs are turned off but a bucket is named for them",
            explanation: "`access_logs: false` and `access_logs_bucket` contradict each other. Remove `access_logs: false` \
         to write the logs to the named bucket, or remove the bucket.",
        },
        AccessLogsNeedRegion => error("elbv2:access-logs-need-region") {
            title: "access logs to a bucket rcdk creates need the stack's region",
            explanation: "The bucket policy must name the identity Elastic Load Balancing writes access logs as: the \
         regional ELB account in regions opened before August 2022, the \
         `logdelivery.elasticloadbalancing.amazonaws.com` service in later ones (see \
         https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html). \
         A stack without `region` cannot know which, so its load balancer writes no access logs by \
         default. Set the stack's `region`, or name an existing bucket with `access_logs_bucket`.",
        },
        AccessLogsRetentionUnused => error("elbv2:access-logs-retention-unused") {
            title: "`access_logs_retention_days` without a bucket rcdk creates",
            explanation: "The retention is a lifecycle rule of the access log bucket rcdk creates. With \
         `access_logs_bucket` the named bucket's own lifecycle rules apply, and with access logs off \
         there is no bucket. Remove the setting.",
        },
        AccessLogsRetentionInvalid => error("elbv2:access-logs-retention-invalid") {
            title: "`access_logs_retention_days` is outside 1 to 3650",
            explanation: "The access log bucket's lifecycle rule deletes log files this many days after delivery (with \
         versioning, they stay recoverable for 90 more days); rcdk accepts 1 to 3650 days (ten years).",
        },
    }
}
