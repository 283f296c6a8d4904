//! The one AWS adapter. Every AWS call rcdk makes is a named function here
//! (`describe_stack`, `create_change_set`, `caller_account`,
//! `upload_template`, ...) or in the service modules below it; commands
//! (`deploy`, `destroy`, `diff --against-stack`, `list`) call them and see
//! only plain types, never an SDK's. Every service — CloudFormation
//! ([`cloudformation`]'s calls), STS, S3, ECS, ... — goes through rcdk's own
//! signed client ([`api`]: SigV4 over one HTTPS connector); the SDK's
//! `aws-config` only resolves the configuration and the credentials (the
//! profile chain, SSO, the deploy role's AssumeRole). Every failed call
//! becomes one clear [`Failure`] through one formatter ([`api_failure`]):
//! AWS's error code and message, or a plain description of what came back,
//! and a `help:` line — never a `Debug` dump.
//!
//! ```no_run
//! # async fn example() -> Result<(), rcdk::failure::Failure> {
//! use rcdk::{aws, cli::AwsArgs};
//! let sessions = aws::Sessions::new(AwsArgs::default());
//! let aws = sessions.get(Some("eu-west-1"), None).await?;
//! let account = aws.caller_account().await?;
//! let body = aws.deployed_template("network-prod").await?;
//! # let _ = (account, body); Ok(()) }
//! ```
//!
//! The plain types live in `types`, the error formatter in `error`; both are
//! re-exported here. The signed client is [`api`], its XML reader [`xml`].
//! The runtime is created by the commands that need it ([`runtime`]);
//! `rcdk synth` never starts one.

use std::path::PathBuf;
use std::sync::Arc;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use tokio::sync::{Mutex, OnceCell};

use crate::cli::AwsArgs;
use crate::failure::Failure;

pub mod api;
pub mod autoscaling;
pub mod cloudformation;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
mod error;
mod iam;
mod limits;
mod rds;
pub mod ssm;
mod types;
pub mod xml;

pub use api::Api;
use error::no_credentials;
pub use error::{api_failure, cause_chain, ApiError, ErrorKind, ErrorResponse};
pub use limits::{ATTEMPT_TIMEOUT, CONNECT_TIMEOUT, CREDENTIALS_TIMEOUT, MAX_ATTEMPTS, OPERATION_TIMEOUT};
pub use types::{
    is_no_changes_reason, ChangeSetId, ChangeSetRequest, ChangeSetSummary, OperationFailure, ResourceChangeRow,
    StackEvent, StackInfo, StackResource, TemplateSource,
};

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

/// The HTTPS client `aws-config` resolves credentials with (SSO, STS
/// AssumeRole, IMDS): hyper 1 with rustls and the ring crypto provider,
/// trusting the platform's root certificates. Built here because the SDK
/// crates' default client (aws-lc) is not compiled in.
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
    open: Mutex<Vec<(SessionKey, Arc<Aws>)>>,
}

/// What makes two sessions different within one run: the region and the
/// deploy role assumed (`None`: the credentials as they are).
type SessionKey = (Option<String>, Option<String>);

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
    /// the environment's or profile's region) deployed through `role` (the
    /// stack's deploy role, assumed from the run's credentials; `None`: the
    /// credentials as they are).
    pub async fn get(&self, stack_region: Option<&str>, role: Option<&str>) -> Result<Arc<Aws>, Failure> {
        let key = (self.args.region.clone().or_else(|| stack_region.map(str::to_owned)), role.map(str::to_owned));
        let mut open = self.open.lock().await;
        if let Some((_, aws)) = open.iter().find(|(k, _)| *k == key) {
            return Ok(Arc::clone(aws));
        }
        let aws = Arc::new(Aws::connect_as(&self.args, key.0.as_deref(), role).await?);
        open.push((key, Arc::clone(&aws)));
        Ok(aws)
    }
}

/// One AWS session: configuration, credentials, region and endpoint checked,
/// and the clients for them.
pub struct Aws {
    config: SdkConfig,
    api: Api,
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
        Aws::connect_as(args, region, None).await
    }

    /// Like [`Aws::connect`], then assumes `role` (STS AssumeRole, through
    /// the same endpoint) when given: every call of the session then runs as
    /// that role, in its account. A role that cannot be assumed is one clear
    /// message (exit 1) naming it.
    pub async fn connect_as(args: &AwsArgs, region: Option<&str>, role: Option<&str>) -> Result<Aws, Failure> {
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
        let Some(mut provider) = config.credentials_provider() else {
            return Err(no_credentials("no credentials provider is configured"));
        };
        let mut config = config;
        if let Some(role) = role {
            let assumed = aws_config::sts::AssumeRoleProvider::builder(role)
                .session_name(format!("rcdk-{}", std::process::id()))
                .configure(&config)
                .build_from_provider(provider)
                .await;
            provider = aws_credential_types::provider::SharedCredentialsProvider::new(assumed);
            config = config.into_builder().credentials_provider(provider.clone()).build();
        }
        let api = Api::new(
            provider,
            &config.region().map(|r| r.to_string()).unwrap_or_default(),
            args.endpoint_url.clone(),
            config.endpoint_url().map(str::to_owned),
        );
        // Resolved here, once, so a broken credential setup is one message
        // before any other call (and the signed client keeps them).
        api.credentials().await.map_err(|e| match role {
            Some(role) => Failure::no(format!("cannot assume the deploy role {role}: {}", e.describe())).help(
                "the role must exist and trust the credentials rcdk starts from (sts:AssumeRole); \
                 check `deploy_role_arn` on the stack or in rcdk.toml",
            ),
            None => no_credentials(&e.describe()),
        })?;
        Ok(Aws { config, api, account: OnceCell::new() })
    }

    /// The SDK configuration, for library users that need an SDK client rcdk
    /// does not wrap. Commands never use it.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    /// The signed client of this session (every call rcdk makes goes through
    /// it; also for library users and tests).
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// The region every call of this session goes to.
    pub fn region(&self) -> String {
        self.config.region().map(|r| r.to_string()).unwrap_or_default()
    }

    /// Where the stacks' calls (CloudFormation) go, for messages: the custom
    /// endpoint (`--endpoint-url`, `AWS_ENDPOINT_URL_CLOUDFORMATION`,
    /// `AWS_ENDPOINT_URL`), or AWS in the region.
    pub fn endpoint(&self) -> String {
        self.api.describe_endpoint(&api::CLOUDFORMATION)
    }

    /// The one formatter, for a call of the signed client to `service`.
    pub fn api_fail(&self, service: &api::Service, action: &str, err: &ApiError) -> Failure {
        api_failure(&self.api.describe_endpoint(service), action, err)
    }

    /// The account the credentials belong to (STS GetCallerIdentity), asked
    /// once per session.
    pub async fn caller_account(&self) -> Result<String, Failure> {
        self.account
            .get_or_try_init(|| async {
                let out = self.api.query(&api::STS, "GetCallerIdentity", api::Params::new()).await.map_err(|e| {
                    self.api_fail(&api::STS, "finding the account of the credentials (STS GetCallerIdentity)", &e)
                })?;
                out.text_of("Account").ok_or_else(|| {
                    Failure::no(format!("{} answered GetCallerIdentity without an account", self.endpoint()))
                })
            })
            .await
            .cloned()
    }

    // -- S3: the template bucket -----------------------------------------------

    /// Uploads a template body to `s3://bucket/key` unless an object with that
    /// key already exists (HeadObject): keys are content-addressed, so an
    /// existing object holds the same bytes. Returns whether it uploaded.
    pub async fn upload_template(&self, bucket: &str, key: &str, body: &str) -> Result<bool, Failure> {
        match self.api.s3("HEAD", bucket, key, "", Vec::new()).await {
            Ok(_) => return Ok(false),
            Err(e) if e.code() == Some("NotFound") => {}
            Err(e) => return Err(self.api_fail(&api::S3, &format!("checking for s3://{bucket}/{key}"), &e)),
        }
        self.api
            .s3("PUT", bucket, key, "", body.as_bytes().to_vec())
            .await
            .map_err(|e| self.api_fail(&api::S3, &format!("uploading the template to s3://{bucket}/{key}"), &e))?;
        Ok(true)
    }

    /// Makes sure rcdk's default template bucket exists: created when missing
    /// with all public access blocked, SSE-S3 encryption, and a lifecycle rule
    /// expiring objects after [`TEMPLATE_EXPIRY_DAYS`]. An existing bucket
    /// without any lifecycle configuration gets the rule; one with its own
    /// rules is left as it is.
    pub async fn ensure_template_bucket(&self, bucket: &str) -> Result<(), Failure> {
        let s3 = &self.api;
        match s3.s3("HEAD", bucket, "", "", Vec::new()).await {
            Ok(_) => return self.ensure_expiry(bucket).await,
            Err(e) if e.code() == Some("NotFound") => {}
            Err(e) => return Err(self.api_fail(&api::S3, &format!("checking the template bucket `{bucket}`"), &e)),
        }
        let what = format!("creating the template bucket `{bucket}`");
        let region = self.region();
        let location = if region == "us-east-1" {
            Vec::new()
        } else {
            format!(
                "<CreateBucketConfiguration xmlns=\"{S3_XMLNS}\"><LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                xml::escape(&region)
            )
            .into_bytes()
        };
        let fail = |e: ApiError| self.api_fail(&api::S3, &what, &e);
        s3.s3("PUT", bucket, "", "", location).await.map_err(fail)?;
        let block = format!(
            "<PublicAccessBlockConfiguration xmlns=\"{S3_XMLNS}\"><BlockPublicAcls>true</BlockPublicAcls>\
             <IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>\
             <RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>"
        );
        s3.s3("PUT", bucket, "", "publicAccessBlock", block.into_bytes()).await.map_err(fail)?;
        let encryption = format!(
            "<ServerSideEncryptionConfiguration xmlns=\"{S3_XMLNS}\"><Rule><ApplyServerSideEncryptionByDefault>\
             <SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"
        );
        s3.s3("PUT", bucket, "", "encryption", encryption.into_bytes()).await.map_err(fail)?;
        self.put_expiry(bucket).await
    }

    async fn ensure_expiry(&self, bucket: &str) -> Result<(), Failure> {
        match self.api.s3("GET", bucket, "", "lifecycle", Vec::new()).await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("NoSuchLifecycleConfiguration") => self.put_expiry(bucket).await,
            Err(e) => Err(self.api_fail(&api::S3, &format!("reading the lifecycle rules of bucket `{bucket}`"), &e)),
        }
    }

    async fn put_expiry(&self, bucket: &str) -> Result<(), Failure> {
        let rule = format!(
            "<LifecycleConfiguration xmlns=\"{S3_XMLNS}\"><Rule><ID>{TEMPLATE_EXPIRY_RULE_ID}</ID>\
             <Filter><Prefix></Prefix></Filter><Status>Enabled</Status>\
             <Expiration><Days>{TEMPLATE_EXPIRY_DAYS}</Days></Expiration></Rule></LifecycleConfiguration>"
        );
        self.api
            .s3("PUT", bucket, "", "lifecycle", rule.into_bytes())
            .await
            .map(|_| ())
            .map_err(|e| self.api_fail(&api::S3, &format!("setting the lifecycle rule of bucket `{bucket}`"), &e))
    }
}

/// The namespace of S3's XML documents.
const S3_XMLNS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
