//! rcdk's own AWS client: SigV4-signed requests (the `aws-sigv4` crate)
//! over the HTTPS connector the SDK uses (hyper 1 + rustls with ring), for
//! the three wire protocols rcdk needs — Query (IAM, Auto Scaling, RDS,
//! ELBv2, EC2, CloudFormation), JSON 1.1 (ECR, ECS, CloudWatch Logs, SSM) and
//! REST-XML (S3) — so a service call costs a function here instead of an SDK
//! crate. Credentials come from the session's provider chain (the same as
//! the SDK's), the endpoint from `--endpoint-url`, `AWS_ENDPOINT_URL_<SERVICE>`,
//! `AWS_ENDPOINT_URL` (moto_server, LocalStack) or the region and partition.
//!
//! Every call has the SDK's budget: [`super::MAX_ATTEMPTS`] attempts with
//! jittered exponential backoff for throttling, 5xx and transport errors,
//! [`super::ATTEMPT_TIMEOUT`] per attempt, [`super::OPERATION_TIMEOUT`] in all.
//! Failures are [`ApiError`]s, formatted by the one formatter.
//!
//! ```no_run
//! # async fn example(aws: &rcdk::aws::Aws) -> Result<(), rcdk::aws::ApiError> {
//! use rcdk::aws::api::{Params, AUTO_SCALING, ECR};
//! let groups = aws.api().query(&AUTO_SCALING, "DescribeAutoScalingGroups",
//!     Params::new().list("AutoScalingGroupNames.member", ["web-asg"])).await?;
//! let images = aws.api().json(&ECR, "DescribeImages",
//!     serde_json::json!({"repositoryName": "web"})).await?;
//! # let _ = (groups, images); Ok(()) }
//! ```

use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_http_client::{proxy::ProxyConfig, tls, Connector};
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use tokio::sync::Mutex;

use super::error::{cause_chain, is_throttling, ApiError, ErrorResponse};
use super::xml::Element;
use super::{ATTEMPT_TIMEOUT, CONNECT_TIMEOUT, CREDENTIALS_TIMEOUT, MAX_ATTEMPTS, OPERATION_TIMEOUT};

/// How a service is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `Action=…&Version=…` form posts, XML answers (`awsQuery`, `ec2Query`).
    Query {
        /// The API version, e.g. `2011-01-01`.
        version: &'static str,
    },
    /// JSON 1.1 posts with an `X-Amz-Target: <prefix>.<Action>` header.
    Json {
        /// The target prefix, e.g. `AmazonEC2ContainerRegistry_V20150921`.
        target: &'static str,
    },
    /// REST with XML bodies (S3).
    RestXml,
}

/// One AWS service as rcdk calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Its name in messages, e.g. `ECR`.
    pub name: &'static str,
    /// The suffix of its `AWS_ENDPOINT_URL_<ID>` variable, e.g. `ECR`.
    pub env_id: &'static str,
    /// The SigV4 signing name, e.g. `ecr`.
    pub signing_name: &'static str,
    /// The host prefix of its regional endpoint, e.g. `api.ecr`.
    pub host: &'static str,
    /// Whether it has one endpoint per partition rather than per region (IAM).
    pub global: bool,
    /// Its wire protocol.
    pub protocol: Protocol,
}

const fn query(name: &'static str, env_id: &'static str, id: &'static str, version: &'static str) -> Service {
    Service { name, env_id, signing_name: id, host: id, global: false, protocol: Protocol::Query { version } }
}

const fn json(name: &'static str, env_id: &'static str, id: &'static str, target: &'static str) -> Service {
    Service { name, env_id, signing_name: id, host: id, global: false, protocol: Protocol::Json { target } }
}

/// Amazon S3 (REST-XML).
pub const S3: Service =
    Service { name: "S3", env_id: "S3", signing_name: "s3", host: "s3", global: false, protocol: Protocol::RestXml };
/// Amazon ECR (JSON 1.1).
pub const ECR: Service = Service {
    name: "ECR",
    env_id: "ECR",
    signing_name: "ecr",
    host: "api.ecr",
    global: false,
    protocol: Protocol::Json { target: "AmazonEC2ContainerRegistry_V20150921" },
};
/// Amazon ECS (JSON 1.1).
pub const ECS: Service = json("ECS", "ECS", "ecs", "AmazonEC2ContainerServiceV20141113");
/// CloudWatch Logs (JSON 1.1).
pub const LOGS: Service = json("CloudWatch Logs", "CLOUDWATCH_LOGS", "logs", "Logs_20140328");
/// Systems Manager (JSON 1.1).
pub const SSM: Service = json("SSM", "SSM", "ssm", "AmazonSSM");
/// IAM (Query; one endpoint per partition).
pub const IAM: Service = Service {
    name: "IAM",
    env_id: "IAM",
    signing_name: "iam",
    host: "iam",
    global: true,
    protocol: Protocol::Query { version: "2010-05-08" },
};
/// EC2 Auto Scaling (Query).
pub const AUTO_SCALING: Service = query("Auto Scaling", "AUTO_SCALING", "autoscaling", "2011-01-01");
/// RDS (Query).
pub const RDS: Service = query("RDS", "RDS", "rds", "2014-10-31");
/// Elastic Load Balancing v2 (Query).
pub const ELBV2: Service =
    query("Elastic Load Balancing", "ELASTIC_LOAD_BALANCING_V2", "elasticloadbalancing", "2015-12-01");
/// EC2 (EC2 Query).
pub const EC2: Service = query("EC2", "EC2", "ec2", "2016-11-15");
/// STS (Query).
pub const STS: Service = query("STS", "STS", "sts", "2011-06-15");
/// CloudFormation (Query).
pub const CLOUDFORMATION: Service = query("CloudFormation", "CLOUDFORMATION", "cloudformation", "2010-05-15");

/// The partition's DNS suffix ([`rcdk_constructs::region::url_suffix`]) and
/// the region IAM signs in.
fn partition(region: &str) -> (&'static str, &'static str) {
    let signing_region = match rcdk_constructs::region::partition(region) {
        "aws-cn" => "cn-north-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    };
    (rcdk_constructs::region::url_suffix(region), signing_region)
}

/// Query parameters in order: `Name=value`, lists as `Name.member.N`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// No parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// One parameter.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Params {
        self.0.push((name.into(), value.into()));
        self
    }

    /// One parameter when `value` is `Some`.
    pub fn maybe(self, name: &str, value: Option<impl Into<String>>) -> Params {
        match value {
            Some(v) => self.set(name, v),
            None => self,
        }
    }

    /// A list: `prefix.1=a&prefix.2=b` (pass `Names.member` for the Query
    /// protocol's lists, `InstanceId` for EC2's).
    pub fn list<I, S>(mut self, prefix: &str, values: I) -> Params
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for (i, v) in values.into_iter().enumerate() {
            self.0.push((format!("{prefix}.{}", i + 1), v.into()));
        }
        self
    }

    /// A list of key/value structures: `prefix.N.<key_name>=k&prefix.N.<value_name>=v`
    /// (CloudFormation's `Parameters.member` and `Tags.member`).
    pub fn structs(mut self, prefix: &str, key_name: &str, value_name: &str, entries: &[(String, String)]) -> Params {
        for (i, (k, v)) in entries.iter().enumerate() {
            self.0.push((format!("{prefix}.{}.{key_name}", i + 1), k.clone()));
            self.0.push((format!("{prefix}.{}.{value_name}", i + 1), v.clone()));
        }
        self
    }

    /// The parameters as they are.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes one query value or path segment.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE).to_string()
}

/// A REST-XML answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// One raw HTTP answer.
struct Raw {
    status: u16,
    content_type: Option<String>,
    error_type: Option<String>,
    body: Vec<u8>,
}

/// The signed client of one session (credentials, region, endpoint).
pub struct Api {
    connector: Connector,
    credentials: SharedCredentialsProvider,
    cached: Mutex<Option<Credentials>>,
    region: String,
    /// `--endpoint-url` (wins over everything).
    flag_endpoint: Option<String>,
    /// The configuration's endpoint (`AWS_ENDPOINT_URL`, the profile's `endpoint_url`).
    config_endpoint: Option<String>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("region", &self.region).field("endpoint", &self.flag_endpoint).finish()
    }
}

impl Api {
    /// A client for `region`. `flag_endpoint` is `--endpoint-url`;
    /// `config_endpoint` the configuration's (`AWS_ENDPOINT_URL`).
    pub fn new(
        credentials: SharedCredentialsProvider,
        region: &str,
        flag_endpoint: Option<String>,
        config_endpoint: Option<String>,
    ) -> Api {
        let settings = aws_smithy_runtime_api::client::http::HttpConnectorSettings::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(ATTEMPT_TIMEOUT)
            .build();
        let connector = Connector::builder()
            .connector_settings(settings)
            .proxy_config(ProxyConfig::from_env())
            .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
            .build();
        Api {
            connector,
            credentials,
            cached: Mutex::new(None),
            region: region.to_owned(),
            flag_endpoint,
            config_endpoint,
        }
    }

    /// The region calls go to.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// A custom endpoint for `service`, when one is configured:
    /// `--endpoint-url`, then `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`
    /// (or the profile's `endpoint_url`).
    pub fn custom_endpoint(&self, service: &Service) -> Option<String> {
        self.flag_endpoint
            .clone()
            .or_else(|| std::env::var(format!("AWS_ENDPOINT_URL_{}", service.env_id)).ok().filter(|u| !u.is_empty()))
            .or_else(|| self.config_endpoint.clone())
            .map(|u| u.trim_end_matches('/').to_owned())
    }

    /// The base URL of `service`: the custom endpoint, else
    /// `https://<host>.<region>.<partition suffix>` (IAM: one per partition).
    pub fn endpoint(&self, service: &Service) -> String {
        if let Some(url) = self.custom_endpoint(service) {
            return url;
        }
        let (suffix, _) = partition(&self.region);
        if service.global {
            if self.region.starts_with("cn-") {
                return format!("https://{}.{}.{suffix}", service.host, partition(&self.region).1);
            }
            if self.region.starts_with("us-gov-") {
                return format!("https://{}.us-gov.{suffix}", service.host);
            }
            return format!("https://{}.{suffix}", service.host);
        }
        format!("https://{}.{}.{suffix}", service.host, self.region)
    }

    /// Where `service` calls go, for messages: the custom endpoint, or AWS in the region.
    pub fn describe_endpoint(&self, service: &Service) -> String {
        self.custom_endpoint(service).unwrap_or_else(|| format!("AWS in {}", self.region))
    }

    /// A Query-protocol call: `Action` with `params`. Returns the
    /// `<Action>Result` element (or the response root, for EC2, whose
    /// answers have no result wrapper).
    pub async fn query(&self, service: &Service, action: &str, params: Params) -> Result<Element, ApiError> {
        let Protocol::Query { version } = service.protocol else {
            return Err(ApiError::Other(format!("{} is not called with the Query protocol", service.name)));
        };
        let mut body = format!("Action={}&Version={}", encode(action), encode(version));
        for (k, v) in params.pairs() {
            body.push('&');
            body.push_str(&encode(k));
            body.push('=');
            body.push_str(&encode(v));
        }
        let url = format!("{}/", self.endpoint(service));
        let headers = [("content-type", "application/x-www-form-urlencoded; charset=utf-8".to_owned())];
        let raw = self.send(service, "POST", &url, &headers, body.into_bytes()).await?;
        let root = parse_xml(&raw)?;
        // Every Query and EC2 answer is an `<Action>Response` document;
        // anything else (a captive portal's HTML page) is not AWS's answer.
        if root.name != format!("{action}Response") {
            return Err(unreadable(&raw, "not an AWS answer"));
        }
        let result = format!("{action}Result");
        Ok(match root.children.iter().position(|c| c.name == result) {
            Some(i) => root.children.into_iter().nth(i).unwrap_or_default(),
            None => root,
        })
    }

    /// A JSON 1.1 call: `Action` with `input`; the answer's JSON (`{}` when empty).
    pub async fn json(&self, service: &Service, action: &str, input: Value) -> Result<Value, ApiError> {
        let Protocol::Json { target } = service.protocol else {
            return Err(ApiError::Other(format!("{} is not called with the JSON protocol", service.name)));
        };
        let url = format!("{}/", self.endpoint(service));
        let headers =
            [("content-type", "application/x-amz-json-1.1".to_owned()), ("x-amz-target", format!("{target}.{action}"))];
        let raw = self.send(service, "POST", &url, &headers, input.to_string().into_bytes()).await?;
        if raw.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(serde_json::Map::new()));
        }
        serde_json::from_slice(&raw.body).map_err(|e| unreadable(&raw, &format!("the JSON answer cannot be read: {e}")))
    }

    /// An S3 call on `bucket` (path-style with a custom endpoint or a dotted
    /// bucket name, virtual-hosted otherwise): `method` on `/key` with the
    /// sub-resource `query` (e.g. `lifecycle`, `publicAccessBlock`; empty for
    /// none). Bodies of bucket configuration calls get a `Content-MD5`, as S3
    /// requires. An error status is an [`ApiError`]; HEAD errors have no body,
    /// so 404 becomes the code `NotFound` and 403 `Forbidden`.
    pub async fn s3(
        &self,
        method: &str,
        bucket: &str,
        key: &str,
        query: &str,
        body: Vec<u8>,
    ) -> Result<RestResponse, ApiError> {
        let path: String = key.split('/').map(encode).collect::<Vec<_>>().join("/");
        let query = if query.is_empty() { String::new() } else { format!("?{query}") };
        let url = match self.custom_endpoint(&S3) {
            Some(base) => format!("{base}/{bucket}/{path}{query}"),
            None if bucket.contains('.') => format!("{}/{bucket}/{path}{query}", self.endpoint(&S3)),
            None => {
                let (suffix, _) = partition(&self.region);
                format!("https://{bucket}.s3.{}.{suffix}/{path}{query}", self.region)
            }
        };
        let mut headers = Vec::new();
        if method == "PUT" && !query.is_empty() {
            use md5::{Digest, Md5};
            headers.push(("content-md5", aws_smithy_types::base64::encode(Md5::digest(&body))));
        }
        match self.send(&S3, method, &url, &headers, body).await {
            Ok(raw) => Ok(RestResponse { status: raw.status, body: raw.body }),
            Err(ApiError::Response(mut r)) if method == "HEAD" && r.code.is_none() => {
                r.code = match r.status {
                    404 => Some("NotFound".to_owned()),
                    403 => Some("Forbidden".to_owned()),
                    _ => None,
                };
                Err(ApiError::Response(r))
            }
            Err(e) => Err(e),
        }
    }

    /// Credentials from the provider chain, kept until five minutes before they expire.
    pub(crate) async fn credentials(&self) -> Result<Credentials, ApiError> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref() {
            let fresh = c.expiry().is_none_or(|e| e > SystemTime::now() + Duration::from_secs(300));
            if fresh {
                return Ok(c.clone());
            }
        }
        let resolved = tokio::time::timeout(CREDENTIALS_TIMEOUT, self.credentials.provide_credentials()).await;
        let credentials = match resolved {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => return Err(ApiError::NoCredentials(cause_chain(&e))),
            Err(_) => {
                return Err(ApiError::NoCredentials(format!(
                    "resolving credentials took longer than {} seconds",
                    CREDENTIALS_TIMEOUT.as_secs()
                )))
            }
        };
        *cached = Some(credentials.clone());
        Ok(credentials)
    }

    /// Signs and sends one request, retrying throttling, 5xx and transport
    /// errors with jittered exponential backoff within the operation budget.
    async fn send(
        &self,
        service: &Service,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Raw, ApiError> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let credentials = self.credentials().await?;
            let request = self.signed(service, method, url, headers, &body, credentials)?;
            let outcome = match tokio::time::timeout(ATTEMPT_TIMEOUT, self.dispatch(request)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(ApiError::Unreachable(format!("no answer within {} seconds", ATTEMPT_TIMEOUT.as_secs()))),
            };
            let retry = match &outcome {
                Ok(_) => false,
                Err(ApiError::Unreachable(_)) => true,
                Err(ApiError::Response(r)) => {
                    r.code.as_deref().is_some_and(is_throttling) || matches!(r.status, 500 | 502 | 503 | 504)
                }
                Err(_) => false,
            };
            if !retry || attempt >= MAX_ATTEMPTS {
                return outcome;
            }
            let backoff = Duration::from_millis((fastrand::f64() * f64::from(1u32 << attempt.min(4)) * 500.0) as u64);
            if started.elapsed() + backoff > OPERATION_TIMEOUT {
                return outcome;
            }
            tokio::time::sleep(backoff).await;
        }
    }

    fn signed(
        &self,
        service: &Service,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: &[u8],
        credentials: Credentials,
    ) -> Result<http::Request<SdkBody>, ApiError> {
        let uri: http::Uri = url.parse().map_err(|e| ApiError::Other(format!("bad endpoint URL `{url}`: {e}")))?;
        let host = uri.authority().map(|a| a.as_str().to_owned()).unwrap_or_default();
        let mut builder = http::Request::builder().method(method).uri(url).header("host", &host);
        for (k, v) in headers {
            builder = builder.header(*k, v);
        }
        let mut request = builder
            .header("user-agent", concat!("rcdk/", env!("CARGO_PKG_VERSION")))
            .body(SdkBody::from(body.to_vec()))
            .map_err(|e| ApiError::Other(format!("cannot build the request: {e}")))?;
        let mut settings = SigningSettings::default();
        if service.protocol == Protocol::RestXml {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        }
        let signing_region = if service.global { partition(&self.region).1 } else { self.region.as_str() };
        let identity = Identity::from(credentials);
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(signing_region)
            .name(service.signing_name)
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| ApiError::Other(format!("cannot sign the request: {e}")))?
            .into();
        let signable_headers: Vec<(&str, &str)> =
            request.headers().iter().filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v))).collect();
        let signable = SignableRequest::new(method, url, signable_headers.into_iter(), SignableBody::Bytes(body))
            .map_err(|e| ApiError::Other(format!("cannot sign the request: {e}")))?;
        let (instructions, _) =
            sign(signable, &params).map_err(|e| ApiError::Other(format!("cannot sign the request: {e}")))?.into_parts();
        instructions.apply_to_request_http1x(&mut request);
        Ok(request)
    }

    async fn dispatch(&self, request: http::Request<SdkBody>) -> Result<Raw, ApiError> {
        let request = aws_smithy_runtime_api::http::Request::try_from(request)
            .map_err(|e| ApiError::Other(format!("cannot build the request: {e}")))?;
        let response = self.connector.call(request).await.map_err(|e| ApiError::Unreachable(cause_chain(&e)))?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).map(str::to_owned);
        let content_type = header("content-type");
        let error_type = header("x-amzn-errortype");
        let body = ByteStream::new(response.into_body())
            .collect()
            .await
            .map_err(|e| ApiError::Unreachable(format!("the answer was cut off: {}", cause_chain(&e))))?
            .into_bytes()
            .to_vec();
        let raw = Raw { status, content_type, error_type, body };
        if (200..300).contains(&status) {
            Ok(raw)
        } else {
            let text = String::from_utf8_lossy(&raw.body);
            Err(ApiError::Response(Box::new(ErrorResponse::read(
                status,
                raw.content_type.clone(),
                raw.error_type.as_deref(),
                &text,
            ))))
        }
    }
}

/// A 2xx answer whose body cannot be read: described like any answer that is not AWS's.
fn unreadable(raw: &Raw, _why: &str) -> ApiError {
    ApiError::Response(Box::new(ErrorResponse {
        status: raw.status,
        content_type: raw.content_type.clone(),
        code: None,
        message: None,
        body: String::from_utf8_lossy(&raw.body).into_owned(),
    }))
}

fn parse_xml(raw: &Raw) -> Result<Element, ApiError> {
    let text = String::from_utf8_lossy(&raw.body);
    Element::parse(&text).map_err(|why| unreadable(raw, &why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(region: &str, endpoint: Option<&str>) -> Api {
        let creds = SharedCredentialsProvider::new(Credentials::new("ANOTREAL", "notrealsecret", None, None, "test"));
        Api::new(creds, region, endpoint.map(str::to_owned), None)
    }

    #[test]
    fn endpoints_follow_region_and_partition() {
        let a = api("eu-west-1", None);
        assert_eq!(a.endpoint(&ECR), "https://api.ecr.eu-west-1.amazonaws.com");
        assert_eq!(a.endpoint(&IAM), "https://iam.amazonaws.com");
        assert_eq!(a.endpoint(&ELBV2), "https://elasticloadbalancing.eu-west-1.amazonaws.com");
        assert_eq!(api("cn-north-1", None).endpoint(&ECS), "https://ecs.cn-north-1.amazonaws.com.cn");
        assert_eq!(api("cn-northwest-1", None).endpoint(&IAM), "https://iam.cn-north-1.amazonaws.com.cn");
        assert_eq!(api("us-gov-west-1", None).endpoint(&IAM), "https://iam.us-gov.amazonaws.com");
        let moto = api("eu-west-1", Some("http://127.0.0.1:5000/"));
        assert_eq!(moto.endpoint(&ECR), "http://127.0.0.1:5000");
        assert_eq!(moto.describe_endpoint(&ECR), "http://127.0.0.1:5000");
        assert_eq!(a.describe_endpoint(&ECR), "AWS in eu-west-1");
    }

    #[test]
    fn query_parameters_are_encoded_and_numbered() {
        let tags = [("team".to_owned(), "web".to_owned()), ("env".to_owned(), "prod".to_owned())];
        let p = Params::new().set("A b", "x/y+z~").list("Names.member", ["a", "b"]).maybe("N", None::<String>).structs(
            "Tags.member",
            "Key",
            "Value",
            &tags,
        );
        let pairs: Vec<(&str, &str)> = p.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("A b", "x/y+z~"),
                ("Names.member.1", "a"),
                ("Names.member.2", "b"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "web"),
                ("Tags.member.2.Key", "env"),
                ("Tags.member.2.Value", "prod")
            ]
        );
        assert_eq!(encode("x/y+z~ é"), "x%2Fy%2Bz~%20%C3%A9");
    }

    #[test]
    fn requests_are_signed_for_the_service_and_region() {
        let a = api("eu-west-1", None);
        let r = a
            .signed(
                &IAM,
                "POST",
                "https://iam.amazonaws.com/",
                &[],
                b"Action=GetRole",
                Credentials::new("ANOTREAL", "notrealsecret", None, None, "test"),
            )
            .expect("signs");
        let auth = r.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=ANOTREAL/"), "{auth}");
        assert!(auth.contains("/us-east-1/iam/aws4_request"), "IAM signs in us-east-1: {auth}");
        let r = a.signed(
            &S3,
            "PUT",
            "https://b.s3.eu-west-1.amazonaws.com/k",
            &[],
            b"x",
            Credentials::new("ANOTREAL", "notrealsecret", None, None, "test"),
        );
        let r = r.expect("signs");
        assert!(r.headers().contains_key("x-amz-content-sha256"), "S3 signs the payload hash");
    }
}
