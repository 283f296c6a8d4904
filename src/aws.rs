//! The one AWS adapter. Every AWS call rcdk makes is a named function here
//! (`describe_stack`, `create_change_set`, `caller_account`,
//! `upload_template`, ...); commands (`deploy`, `destroy`, `diff
//! --against-stack`) call them and see only the plain types below, never the
//! SDK's. Every SDK error becomes one clear [`Failure`] through one formatter
//! ([`sdk_failure`]): AWS's error code and message, or a plain description of
//! what came back, and a `help:` line — never a `Debug` dump.
//!
//! ```no_run
//! # async fn example() -> Result<(), rcdk::failure::Failure> {
//! use rcdk::{aws, cli::AwsArgs};
//! let sessions = aws::Sessions::new(AwsArgs::default());
//! let aws = sessions.get(Some("eu-west-1")).await?;
//! let account = aws.caller_account().await?;
//! let body = aws.deployed_template("network-prod").await?;
//! # let _ = (account, body); Ok(()) }
//! ```
//!
//! The plain types live in `types`, the error formatter in `error`; both are
//! re-exported here. The runtime is created by the commands that need it
//! ([`runtime`]); `rcdk synth` never starts one.

use std::error::Error as StdError;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudformation::config::ProvideCredentials;
use aws_sdk_cloudformation::error::SdkError;
use aws_sdk_cloudformation::types::{ChangeSetType, Parameter, Tag, TemplateStage};
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::{Mutex, OnceCell};

use crate::cli::AwsArgs;
use crate::failure::Failure;

mod error;
pub mod ssm;
mod types;

use error::is_stack_missing;
pub use error::{cause_chain, code_and_message, error_kind, error_message, sdk_failure, ErrorKind};
use types::row;
pub use types::{
    is_no_changes_reason, ChangeSetId, ChangeSetRequest, ChangeSetSummary, ResourceChangeRow, StackEvent, StackInfo,
    TemplateSource,
};

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
/// Days after which the default template bucket's lifecycle rule expires an
/// uploaded template (CloudFormation reads it when the change set is
/// created; content-addressed keys make a re-upload cheap).
pub const TEMPLATE_EXPIRY_DAYS: i32 = 30;
/// The ID of that lifecycle rule.
pub const TEMPLATE_EXPIRY_RULE_ID: &str = "rcdk-expire-templates";

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

// ---------------------------------------------------------------------------
// Sessions: one configuration (and one caller account) per credential set
// ---------------------------------------------------------------------------

/// The AWS sessions of one command run: one [`Aws`] per region, created on
/// first use and shared. The profile and endpoint are fixed for a run, so a
/// session is one credential set — (profile, region, endpoint) — and its
/// caller account is resolved at most once.
pub struct Sessions {
    args: AwsArgs,
    open: Mutex<Vec<(Option<String>, Arc<Aws>)>>,
}

impl Sessions {
    /// Sessions for the `--region` / `--profile` / `--endpoint-url` flags.
    pub fn new(args: AwsArgs) -> Sessions {
        Sessions { args, open: Mutex::new(Vec::new()) }
    }

    /// The flags the sessions were made from.
    pub fn args(&self) -> &AwsArgs {
        &self.args
    }

    /// The session for a stack in `stack_region` (`--region` wins; `None`:
    /// the environment's or profile's region).
    pub async fn get(&self, stack_region: Option<&str>) -> Result<Arc<Aws>, Failure> {
        let key = self.args.region.clone().or_else(|| stack_region.map(str::to_owned));
        let mut open = self.open.lock().await;
        if let Some((_, aws)) = open.iter().find(|(k, _)| *k == key) {
            return Ok(Arc::clone(aws));
        }
        let aws = Arc::new(Aws::connect(&self.args, key.as_deref()).await?);
        open.push((key, Arc::clone(&aws)));
        Ok(aws)
    }
}

/// One AWS session: configuration, credentials, region and endpoint checked,
/// and the clients for them.
pub struct Aws {
    config: SdkConfig,
    cfn: aws_sdk_cloudformation::Client,
    account: OnceCell<String>,
}

/// The configuration files the SDK reads profiles from.
pub fn profile_files() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let config = std::env::var_os("AWS_CONFIG_FILE").map(PathBuf::from).unwrap_or_else(|| home.join(".aws/config"));
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".aws/credentials"));
    vec![config, credentials]
}

/// Refuses (exit 2, before any call) a profile that no configuration file
/// defines, naming it, where it was named (`from`: `--profile` or
/// `AWS_PROFILE`) and the files looked in.
// `aws_config::profile::load` takes the deprecated `ProfileFiles` alias;
// its default is the same file list the SDK's loader reads.
#[allow(deprecated)]
pub async fn check_profile(profile: &str, from: &str) -> Result<(), Failure> {
    use aws_config::profile::profile_file::ProfileFiles;
    use aws_types::os_shim_internal::{Env, Fs};
    let files: Vec<String> = profile_files().iter().map(|p| p.display().to_string()).collect();
    let set =
        aws_config::profile::load(&Fs::real(), &Env::real(), &ProfileFiles::default(), None).await.map_err(|e| {
            Failure::input(format!(
                "cannot read the AWS configuration files ({}): {}",
                files.join(", "),
                cause_chain(&e)
            ))
        })?;
    if set.get_profile(profile).is_some() {
        return Ok(());
    }
    let mut known: Vec<&str> = set.profiles().collect();
    known.sort_unstable();
    Err(Failure::input(format!("AWS profile `{profile}` ({from}) does not exist in {}", files.join(" or "))).help(
        if known.is_empty() {
            "define it with `aws configure --profile NAME`, or drop --profile".to_owned()
        } else {
            format!("the profiles defined there are: {}", known.join(", "))
        },
    ))
}

impl Aws {
    /// Loads the AWS configuration: `--profile` (which wins over environment
    /// keys, as in the AWS CLI and the CDK), else the standard credential
    /// chain (environment, profiles, SSO, IMDS); the region (`region`, else
    /// the environment/profile); the endpoint (`--endpoint-url`, then the
    /// standard `AWS_ENDPOINT_URL*` variables). Timeouts apply to every call,
    /// so nothing hangs.
    ///
    /// A `--profile` that does not exist is exit 2 before any call;
    /// credentials are resolved here, once, so a missing or broken credential
    /// setup is one clear message (exit 1) before any other call.
    pub async fn connect(args: &AwsArgs, region: Option<&str>) -> Result<Aws, Failure> {
        // A named profile must exist; `AWS_PROFILE=default` is the SDK's
        // fallback and may legitimately be absent (environment keys).
        let env_profile = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty() && p != "default");
        match (&args.profile, env_profile) {
            (Some(profile), _) => check_profile(profile, "--profile").await?,
            (None, Some(profile)) => check_profile(&profile, "AWS_PROFILE").await?,
            (None, None) => {}
        }
        let retry = RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS);
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(ATTEMPT_TIMEOUT)
            .operation_attempt_timeout(ATTEMPT_TIMEOUT)
            .operation_timeout(OPERATION_TIMEOUT)
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https_client())
            .retry_config(retry.clone())
            .timeout_config(timeouts.clone());
        if let Some(profile) = &args.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = region {
            loader = loader.region(Region::new(region.to_owned()));
        }
        if let Some(url) = &args.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(profile) = &args.profile {
            // The default chain reads environment keys before profiles; an
            // explicit profile must win, so it is the only provider.
            let provider_config = ProviderConfig::without_region()
                .with_http_client(https_client())
                .with_region(region.map(|r| Region::new(r.to_owned())))
                .with_retry_config(retry)
                .with_timeout_config(timeouts);
            loader = loader.credentials_provider(
                ProfileFileCredentialsProvider::builder().configure(&provider_config).profile_name(profile).build(),
            );
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
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(no_credentials(&cause_chain(&e))),
            Err(_) => {
                return Err(no_credentials(&format!(
                    "resolving credentials took longer than {} seconds",
                    CREDENTIALS_TIMEOUT.as_secs()
                )))
            }
        }
        let cfn = aws_sdk_cloudformation::Client::new(&config);
        Ok(Aws { config, cfn, account: OnceCell::new() })
    }

    /// The SDK configuration, for library users and tests that need a client
    /// rcdk does not wrap. Commands never use it.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    /// The region every call of this session goes to.
    pub fn region(&self) -> String {
        self.config.region().map(|r| r.to_string()).unwrap_or_default()
    }

    /// Where calls go, for messages: the custom endpoint, or AWS in the region.
    pub fn endpoint(&self) -> String {
        match (self.config.endpoint_url(), self.config.region()) {
            (Some(url), _) => url.to_owned(),
            (None, Some(region)) => format!("AWS in {region}"),
            (None, None) => "AWS".to_owned(),
        }
    }

    fn fail<E>(&self, action: &str, err: &SdkError<E, HttpResponse>) -> Failure
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        sdk_failure(&self.endpoint(), action, err)
    }

    /// The account the credentials belong to (STS GetCallerIdentity), asked
    /// once per session.
    pub async fn caller_account(&self) -> Result<String, Failure> {
        self.account
            .get_or_try_init(|| async {
                let out = aws_sdk_sts::Client::new(&self.config)
                    .get_caller_identity()
                    .send()
                    .await
                    .map_err(|e| self.fail("finding the account of the credentials (STS GetCallerIdentity)", &e))?;
                out.account.filter(|a| !a.is_empty()).ok_or_else(|| {
                    Failure::no(format!("{} answered GetCallerIdentity without an account", self.endpoint()))
                })
            })
            .await
            .cloned()
    }

    // -- CloudFormation: stacks ------------------------------------------------

    /// The deployed stack named `name` (or its ID), or `None` when there is none.
    pub async fn describe_stack(&self, name: &str) -> Result<Option<StackInfo>, Failure> {
        match self.cfn.describe_stacks().stack_name(name).send().await {
            Ok(out) => Ok(out.stacks.and_then(|s| s.into_iter().next()).map(StackInfo::from)),
            Err(e) if is_stack_missing(&e) => Ok(None),
            Err(e) => Err(self.fail(&format!("reading stack `{name}`"), &e)),
        }
    }

    /// The parameters of the deployed stack `name` with what CloudFormation
    /// resolved each to (`ResolvedValue`, set for SSM-typed parameters), or
    /// `None` when there is no such stack.
    pub async fn resolved_parameters(&self, name: &str) -> Result<Option<Vec<(String, Option<String>)>>, Failure> {
        match self.cfn.describe_stacks().stack_name(name).send().await {
            Ok(out) => Ok(out.stacks.and_then(|s| s.into_iter().next()).map(|s| {
                s.parameters()
                    .iter()
                    .map(|p| (p.parameter_key().unwrap_or("?").to_owned(), p.resolved_value().map(str::to_owned)))
                    .collect()
            })),
            Err(e) if is_stack_missing(&e) => Ok(None),
            Err(e) => Err(self.fail(&format!("reading stack `{name}`"), &e)),
        }
    }

    /// The template body of the deployed stack `name` as it was submitted
    /// (GetTemplate, `Original` stage), or `None` when there is no such stack.
    pub async fn deployed_template(&self, name: &str) -> Result<Option<String>, Failure> {
        match self.cfn.get_template().stack_name(name).template_stage(TemplateStage::Original).send().await {
            Ok(out) => Ok(out.template_body),
            Err(e) if is_stack_missing(&e) => Ok(None),
            Err(e) => Err(self.fail(&format!("reading the template of stack `{name}`"), &e)),
        }
    }

    /// Starts deleting a stack (by name or ID); `name` is for messages.
    pub async fn delete_stack(&self, name: &str, stack_id: &str) -> Result<(), Failure> {
        self.cfn
            .delete_stack()
            .stack_name(stack_id)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(&format!("deleting stack `{name}`"), &e))
    }

    /// A stack's events, newest first, down to (not including) the event
    /// `since`. Only the first pages are read: enough for one operation.
    pub async fn stack_events(&self, stack_id: &str, since: Option<&str>) -> Result<Vec<StackEvent>, Failure> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..10 {
            let page = self
                .cfn
                .describe_stack_events()
                .stack_name(stack_id)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| self.fail("reading stack events", &e))?;
            for event in page.stack_events() {
                if since.is_some() && event.event_id() == since {
                    return Ok(out);
                }
                out.push(StackEvent::from(event));
            }
            token = page.next_token.filter(|t| !t.is_empty());
            if token.is_none() || since.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// The newest event's ID: the mark to read new events from.
    pub async fn latest_event_id(&self, stack_id: &str) -> Result<Option<String>, Failure> {
        let page = self
            .cfn
            .describe_stack_events()
            .stack_name(stack_id)
            .send()
            .await
            .map_err(|e| self.fail("reading stack events", &e))?;
        Ok(page.stack_events().first().and_then(|e| e.event_id().map(str::to_owned)))
    }

    // -- CloudFormation: change sets -------------------------------------------

    /// Creates a change set. `Ok(None)` when CloudFormation refuses it because
    /// nothing changed (moto answers this way when parameters are passed).
    pub async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<Option<ChangeSetId>, Failure> {
        let mut call = self
            .cfn
            .create_change_set()
            .stack_name(&request.stack)
            .change_set_name(&request.name)
            .change_set_type(if request.create { ChangeSetType::Create } else { ChangeSetType::Update })
            .description("created by rcdk deploy");
        call = match &request.template {
            TemplateSource::Body(body) => call.template_body(body),
            TemplateSource::Url(url) => call.template_url(url),
        };
        for (key, value) in &request.parameters {
            call = call.parameters(Parameter::builder().parameter_key(key).parameter_value(value).build());
        }
        for cap in &request.capabilities {
            call = call.capabilities((*cap).into());
        }
        for (key, value) in &request.tags {
            call = call.tags(Tag::builder().key(key).value(value).build());
        }
        match call.send().await {
            Ok(out) => match (out.id, out.stack_id) {
                (Some(arn), Some(stack_id)) => Ok(Some(ChangeSetId { arn, stack_id, name: request.name.clone() })),
                _ => Err(Failure::no(format!(
                    "creating change set for stack `{}`: the response has no change set or stack ID",
                    request.stack
                ))),
            },
            Err(e) if e.message().is_some_and(is_no_changes_reason) => Ok(None),
            Err(e) => Err(self.fail(&format!("creating change set for stack `{}`", request.stack), &e)),
        }
    }

    /// Reads a change set (every page of changes). `name_or_arn` may be a
    /// name since `stack` is given.
    pub async fn describe_change_set(&self, stack: &str, name_or_arn: &str) -> Result<ChangeSetSummary, Failure> {
        let mut changes = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .cfn
                .describe_change_set()
                .change_set_name(name_or_arn)
                .stack_name(stack)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| self.fail(&format!("reading change set `{name_or_arn}` of `{stack}`"), &e))?;
            changes.extend(out.changes().iter().filter_map(row));
            token = out.next_token.clone().filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok(ChangeSetSummary {
                    id: ChangeSetId {
                        arn: out.change_set_id.unwrap_or_else(|| name_or_arn.to_owned()),
                        stack_id: out.stack_id.unwrap_or_else(|| stack.to_owned()),
                        name: out.change_set_name.unwrap_or_else(|| name_or_arn.to_owned()),
                    },
                    stack: stack.to_owned(),
                    change_set_type: None,
                    status: out.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
                    status_reason: out.status_reason,
                    execution_status: out.execution_status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
                    changes,
                });
            }
        }
    }

    /// The status of a change set (by ARN, or by name with its stack), or
    /// `None` when it (or its stack) does not exist.
    pub async fn change_set_status(&self, stack: &str, name_or_arn: &str) -> Result<Option<String>, Failure> {
        match self.cfn.describe_change_set().change_set_name(name_or_arn).stack_name(stack).send().await {
            Ok(out) => Ok(Some(out.status.map(|s| s.as_str().to_owned()).unwrap_or_default())),
            Err(e) if e.code() == Some("ChangeSetNotFound") || is_stack_missing(&e) => Ok(None),
            Err(e) => Err(self.fail(&format!("reading change set `{name_or_arn}` of `{stack}`"), &e)),
        }
    }

    /// Deletes a change set, by ARN (or by name when `stack` names its stack).
    /// A change set that no longer exists is not an error.
    pub async fn delete_change_set(&self, stack: &str, name_or_arn: &str) -> Result<(), Failure> {
        match self.cfn.delete_change_set().change_set_name(name_or_arn).stack_name(stack).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ChangeSetNotFound") || is_stack_missing(&e) => Ok(()),
            Err(e) => Err(self.fail(&format!("deleting change set `{name_or_arn}` of stack `{stack}`"), &e)),
        }
    }

    /// Executes a change set (by ARN); `name` and `stack` are for messages.
    pub async fn execute_change_set(&self, stack: &str, name: &str, arn: &str) -> Result<(), Failure> {
        self.cfn
            .execute_change_set()
            .change_set_name(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(&format!("executing change set {name} on stack `{stack}`"), &e))
    }

    // -- S3: the template bucket -----------------------------------------------

    /// Uploads a template body to `s3://bucket/key` unless an object with that
    /// key already exists (HeadObject): keys are content-addressed, so an
    /// existing object holds the same bytes. Returns whether it uploaded.
    pub async fn upload_template(&self, bucket: &str, key: &str, body: &str) -> Result<bool, Failure> {
        let s3 = self.s3();
        match s3.head_object().bucket(bucket).key(key).send().await {
            Ok(_) => return Ok(false),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => {}
            Err(e) => return Err(self.fail(&format!("checking for s3://{bucket}/{key}"), &e)),
        }
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .body(aws_sdk_s3::primitives::ByteStream::from(body.as_bytes().to_vec()))
            .send()
            .await
            .map_err(|e| self.fail(&format!("uploading the template to s3://{bucket}/{key}"), &e))?;
        Ok(true)
    }

    /// Makes sure rcdk's default template bucket exists: created when missing
    /// with all public access blocked, SSE-S3 encryption, and a lifecycle rule
    /// expiring objects after [`TEMPLATE_EXPIRY_DAYS`]. An existing bucket
    /// without any lifecycle configuration gets the rule; one with its own
    /// rules is left as it is.
    pub async fn ensure_template_bucket(&self, bucket: &str) -> Result<(), Failure> {
        use aws_sdk_s3::types::{
            BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration, ServerSideEncryption,
            ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
        };
        let s3 = self.s3();
        let region = self.region();
        match s3.head_bucket().bucket(bucket).send().await {
            Ok(_) => return self.ensure_expiry(bucket).await,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => {}
            Err(e) => return Err(self.fail(&format!("checking the template bucket `{bucket}`"), &e)),
        }
        let what = format!("creating the template bucket `{bucket}`");
        let mut create = s3.create_bucket().bucket(bucket);
        if region != "us-east-1" {
            create = create.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region.as_str()))
                    .build(),
            );
        }
        create.send().await.map_err(|e| self.fail(&what, &e))?;
        s3.put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| self.fail(&what, &e))?;
        let by_default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()
            .map_err(|e| Failure::no(format!("{what}: {e}")))?;
        let encryption = ServerSideEncryptionConfiguration::builder()
            .rules(ServerSideEncryptionRule::builder().apply_server_side_encryption_by_default(by_default).build())
            .build()
            .map_err(|e| Failure::no(format!("{what}: {e}")))?;
        s3.put_bucket_encryption()
            .bucket(bucket)
            .server_side_encryption_configuration(encryption)
            .send()
            .await
            .map_err(|e| self.fail(&what, &e))?;
        self.put_expiry(bucket).await
    }

    async fn ensure_expiry(&self, bucket: &str) -> Result<(), Failure> {
        match self.s3().get_bucket_lifecycle_configuration().bucket(bucket).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("NoSuchLifecycleConfiguration") => self.put_expiry(bucket).await,
            Err(e) => Err(self.fail(&format!("reading the lifecycle rules of bucket `{bucket}`"), &e)),
        }
    }

    async fn put_expiry(&self, bucket: &str) -> Result<(), Failure> {
        use aws_sdk_s3::types::{
            BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule, LifecycleRuleFilter,
        };
        let what = format!("setting the lifecycle rule of bucket `{bucket}`");
        let rule = LifecycleRule::builder()
            .id(TEMPLATE_EXPIRY_RULE_ID)
            .status(ExpirationStatus::Enabled)
            .filter(LifecycleRuleFilter::builder().prefix("").build())
            .expiration(LifecycleExpiration::builder().days(TEMPLATE_EXPIRY_DAYS).build())
            .build()
            .map_err(|e| Failure::no(format!("{what}: {e}")))?;
        let lifecycle = BucketLifecycleConfiguration::builder()
            .rules(rule)
            .build()
            .map_err(|e| Failure::no(format!("{what}: {e}")))?;
        self.s3()
            .put_bucket_lifecycle_configuration()
            .bucket(bucket)
            .lifecycle_configuration(lifecycle)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(&what, &e))
    }

    /// An S3 client. With a custom endpoint (moto_server, LocalStack)
    /// buckets are addressed by path, since `bucket.127.0.0.1` does not resolve.
    fn s3(&self) -> aws_sdk_s3::Client {
        let builder =
            aws_sdk_s3::config::Builder::from(&self.config).force_path_style(self.config.endpoint_url().is_some());
        aws_sdk_s3::Client::from_conf(builder.build())
    }
}

fn no_credentials(detail: &str) -> Failure {
    Failure::no(format!("no usable AWS credentials: {detail}")).help(
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE / --profile, or run `aws sso login`; \
         against moto_server any values work (AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing)",
    )
}
