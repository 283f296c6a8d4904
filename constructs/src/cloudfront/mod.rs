//! CloudFront: a distribution in front of two regional load balancers, failing
//! over from the primary to the secondary.
//!
//! ```
//! use rcdk_constructs::cfn::{Format, Parameter, ParameterType};
//! use rcdk_constructs::cloudfront::{Distribution, DistributionOrigins, DistributionProps};
//! use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
//!
//! let mut stack = Stack::new(StackProps { name: "global".into(), ..Default::default() }, FieldPath::root());
//! let root = stack.root().clone();
//! let primary = stack.add_parameter(&root, "PrimaryLbDns", Parameter::new(ParameterType::String));
//! let secondary = stack.add_parameter(&root, "SecondaryLbDns", Parameter::new(ParameterType::String));
//! let cdn = Distribution::new(&mut stack, &root.child("Cdn"), &DistributionOrigins::new(primary, secondary), &DistributionProps::default());
//! let mut app = App::new();
//! app.add_stack(stack);
//! let stacks = app.synth(Format::Yaml).expect("valid app");
//! assert!(stacks[0].body.contains("OriginGroups"));
//! # let _ = cdn;
//! ```

pub(crate) mod distribution;
mod origin_lock;

pub use distribution::{
    Distribution, DistributionLoggingProps, DistributionOrigins, DistributionProps, OriginProtocol,
    OriginRequestPolicy, PriceClass, ALLOWED_FAILOVER_STATUS_CODES, CACHING_DISABLED_POLICY_ID,
    DEFAULT_FAILOVER_STATUS_CODES, DEFAULT_ORIGIN_CONNECTION_ATTEMPTS, DEFAULT_ORIGIN_CONNECTION_TIMEOUT_SECONDS,
    MINIMUM_PROTOCOL_VERSION, ORIGIN_REQUEST_ALL_VIEWER_EXCEPT_HOST_HEADER_POLICY_ID,
    ORIGIN_REQUEST_ALL_VIEWER_POLICY_ID, PRIMARY_ORIGIN_CONNECTION_ATTEMPTS, PRIMARY_ORIGIN_CONNECTION_TIMEOUT_SECONDS,
};
pub use origin_lock::{
    cloudfront_origin_facing_prefix_list, is_cloudfront_origin_facing_prefix_list, origin_secret_name,
    origin_secret_reference, origin_secret_reference_to, ORIGIN_FACING_PREFIX_LIST_WEIGHT, ORIGIN_VERIFY_HEADER,
};
