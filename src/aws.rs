//! The one AWS adapter: configuration from [`AwsArgs`] and the stack's
//! region, the CloudFormation and S3 clients, and SDK errors turned into one
//! clear [`Failure`] each.
//!
//! Every command that calls AWS (`deploy`, `destroy`, `diff --against-stack`)
//! goes through here:
//!
//! ```no_run
//! # async fn example() -> Result<(), rcdk::failure::Failure> {
//! use rcdk::{aws, cli::AwsArgs};
//! let config = aws::sdk_config(&AwsArgs::default(), Some("eu-west-1")).await?;
//! let cfn = aws::cloudformation(&config);
//! let body = aws::deployed_template(&config, &cfn, "network-prod").await?;
//! # let _ = body; Ok(()) }
//! ```
//!
//! The runtime is created by the commands that need it ([`runtime`]); `rcdk
//! synth` never starts one.

use std::error::Error as StdError;
use std::fmt::Debug;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudformation::config::ProvideCredentials;
use aws_sdk_cloudformation::error::SdkError;
use aws_sdk_cloudformation::types::{Stack, TemplateStage};
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::cli::AwsArgs;
use crate::failure::Failure;

/// How long to wait for a TCP/TLS connection before calling the endpoint unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one HTTP attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one API call may take, retries included.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(90);
/// Attempts per API call (the SDK's standard retry mode, with backoff, for
/// throttling and transient errors).
pub const MAX_ATTEMPTS: u32 = 5;
/// How long resolving credentials may take (SSO, IMDS, credential processes).
pub const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(30);

/// A multi-threaded tokio runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::no(format!("cannot start the async runtime: {e}")))
}

/// The HTTPS client every SDK client uses: hyper 1 with rustls and the ring
/// crypto provider, trusting the platform's root certificates. Built here
/// because the SDK crates' default client (aws-lc) is not compiled in.
fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
        .build_https()
}

/// Loads the AWS configuration: the standard credential chain (environment,
/// profiles, SSO, IMDS), `--profile`, the region (`--region`, then
/// `stack_region` from the app file, then the environment/profile), and the
/// endpoint (`--endpoint-url`, then the standard `AWS_ENDPOINT_URL*`
/// variables). Timeouts apply to every call, so nothing hangs.
///
/// Credentials are resolved here, once, so a missing or broken credential
/// setup is one clear message (exit 1) before any other call.
pub async fn sdk_config(args: &AwsArgs, stack_region: Option<&str>) -> Result<SdkConfig, Failure> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(ATTEMPT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        );
    if let Some(profile) = &args.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = args.region.as_deref().or(stack_region) {
        loader = loader.region(Region::new(region.to_owned()));
    }
    if let Some(url) = &args.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;

    if config.region().is_none() {
        return Err(Failure::input("no AWS region: the stack sets none and none is configured")
            .help("pass --region, set `region:` on the stack in the app file, or set AWS_REGION"));
    }
    let Some(provider) = config.credentials_provider() else {
        return Err(no_credentials("no credentials provider is configured"));
    };
    match tokio::time::timeout(CREDENTIALS_TIMEOUT, provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(config),
        Ok(Err(e)) => Err(no_credentials(&DisplayErrorContext(&e).to_string())),
        Err(_) => Err(no_credentials(&format!("resolving credentials took longer than {CREDENTIALS_TIMEOUT:?}"))),
    }
}

fn no_credentials(detail: &str) -> Failure {
    Failure::no(format!("no usable AWS credentials: {detail}")).help(
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE / --profile, or run `aws sso login`; \
         against moto_server any values work (AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing)",
    )
}

/// A CloudFormation client for `config`.
pub fn cloudformation(config: &SdkConfig) -> aws_sdk_cloudformation::Client {
    aws_sdk_cloudformation::Client::new(config)
}

/// An S3 client for `config`. With a custom endpoint (moto_server,
/// LocalStack) buckets are addressed by path, since `bucket.127.0.0.1` does
/// not resolve.
pub fn s3(config: &SdkConfig) -> aws_sdk_s3::Client {
    let builder = aws_sdk_s3::config::Builder::from(config).force_path_style(config.endpoint_url().is_some());
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// Where calls go, for messages: the custom endpoint, or AWS in the region.
pub fn endpoint_description(config: &SdkConfig) -> String {
    match (config.endpoint_url(), config.region()) {
        (Some(url), _) => url.to_owned(),
        (None, Some(region)) => format!("AWS in {region}"),
        (None, None) => "AWS".to_owned(),
    }
}

/// What kind of error an SDK call returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The endpoint could not be reached (connection refused, DNS, timeout).
    Unreachable,
    /// The credentials were rejected (invalid, expired, unsigned).
    Credentials,
    /// The caller may not do this (IAM).
    AccessDenied,
    /// Still throttled after the SDK's retries.
    Throttled,
    /// The request was invalid; AWS's own message says why (CloudFormation
    /// uses this for "stack does not exist" too).
    Validation,
    /// Anything else.
    Other,
}

/// The kind of an SDK error, from its transport failure or error code.
pub fn error_kind<E, R>(err: &SdkError<E, R>) -> ErrorKind
where
    E: ProvideErrorMetadata,
{
    match err {
        SdkError::TimeoutError(_) => ErrorKind::Unreachable,
        SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => ErrorKind::Unreachable,
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => match err.code().unwrap_or_default() {
            "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" | "AuthorizationError" => {
                ErrorKind::AccessDenied
            }
            "Throttling" | "ThrottlingException" | "RequestLimitExceeded" | "TooManyRequestsException" | "SlowDown" => {
                ErrorKind::Throttled
            }
            "InvalidClientTokenId"
            | "ExpiredToken"
            | "ExpiredTokenException"
            | "SignatureDoesNotMatch"
            | "UnrecognizedClientException"
            | "InvalidAccessKeyId"
            | "MissingAuthenticationToken" => ErrorKind::Credentials,
            "ValidationError" | "ValidationException" | "InvalidParameterValue" => ErrorKind::Validation,
            _ => ErrorKind::Other,
        },
        _ => ErrorKind::Other,
    }
}

/// AWS's own message for a service error, or the SDK's description of a
/// transport failure (with its causes).
pub fn error_message<E, R>(err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: Debug,
{
    match (err.code(), err.message()) {
        (Some(code), Some(message)) => format!("{message} ({code})"),
        (None, Some(message)) => message.to_owned(),
        _ => DisplayErrorContext(err).to_string(),
    }
}

/// One clear [`Failure`] (exit 1) for an SDK error. `action` says what was
/// being done, e.g. "creating change set for stack `web`".
pub fn sdk_failure<E, R>(config: &SdkConfig, action: &str, err: &SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: Debug,
{
    let endpoint = endpoint_description(config);
    match error_kind(err) {
        ErrorKind::Unreachable => Failure::no(format!("{action}: cannot reach {endpoint}: {}", source_chain(err)))
            .help(
                "check the network and the endpoint (--endpoint-url / AWS_ENDPOINT_URL); \
                 for moto_server, start it first: moto_server -p 5000",
            ),
        ErrorKind::Credentials => {
            Failure::no(format!("{action}: {endpoint} rejected the credentials: {}", error_message(err)))
                .help("refresh the credentials (e.g. `aws sso login`) or pick another --profile")
        }
        ErrorKind::AccessDenied => Failure::no(format!("{action}: access denied: {}", error_message(err))).help(
            "the credentials lack a permission; deploy needs cloudformation:* on the stack \
                 (and s3 on the template bucket for large templates)",
        ),
        ErrorKind::Throttled => {
            Failure::no(format!("{action}: still throttled after {MAX_ATTEMPTS} attempts: {}", error_message(err)))
                .help("wait a minute and run the command again")
        }
        ErrorKind::Validation | ErrorKind::Other => Failure::no(format!("{action}: {}", error_message(err))),
    }
}

fn source_chain<E: StdError>(err: &E) -> String {
    match err.source() {
        Some(source) => cause_chain(source),
        None => err.to_string(),
    }
}

/// An error and its sources, each once, as one line (`a: b: c`).
pub fn cause_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// CloudFormation reports a missing stack as a `ValidationError` whose
/// message says it does not exist.
pub fn is_stack_missing<E, R>(err: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    error_kind(err) == ErrorKind::Validation && err.message().is_some_and(|m| m.contains("does not exist"))
}

/// The deployed stack named `name`, or `None` when there is none.
pub async fn describe_stack(
    config: &SdkConfig,
    client: &aws_sdk_cloudformation::Client,
    name: &str,
) -> Result<Option<Stack>, Failure> {
    match client.describe_stacks().stack_name(name).send().await {
        Ok(out) => Ok(out.stacks.and_then(|s| s.into_iter().next())),
        Err(e) if is_stack_missing(&e) => Ok(None),
        Err(e) => Err(sdk_failure(config, &format!("reading stack `{name}`"), &e)),
    }
}

/// The template body of the deployed stack `name` as it was submitted
/// (GetTemplate, `Original` stage), or `None` when there is no such stack.
pub async fn deployed_template(
    config: &SdkConfig,
    client: &aws_sdk_cloudformation::Client,
    name: &str,
) -> Result<Option<String>, Failure> {
    match client.get_template().stack_name(name).template_stage(TemplateStage::Original).send().await {
        Ok(out) => Ok(out.template_body),
        Err(e) if is_stack_missing(&e) => Ok(None),
        Err(e) => Err(sdk_failure(config, &format!("reading the template of stack `{name}`"), &e)),
    }
}
