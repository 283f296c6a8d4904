//! SSM Parameter Store `GetParameter`, the one SSM call rcdk makes (for
//! `rcdk diff --against-stack`: what a deploy would resolve an SSM-typed
//! template parameter to now). A SigV4-signed JSON request over the same
//! rustls stack as the SDK clients, with the session's credentials, region
//! and endpoint (`AWS_ENDPOINT_URL_SSM`, else `--endpoint-url` /
//! `AWS_ENDPOINT_URL`, else `https://ssm.<region>.amazonaws.com`), rather
//! than a whole SDK crate for one operation.
//!
//! Request and response shapes:
//! <https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html>
//! (`X-Amz-Target: AmazonSSM.GetParameter`, `Content-Type:
//! application/x-amz-json-1.1`; the answer is `{"Parameter": {"Name", "Type",
//! "Value", "Version", ...}}`, or an error `{"__type":
//! "ParameterNotFound", "message": ...}`).

use std::time::{Duration, SystemTime};

use aws_sdk_cloudformation::config::ProvideCredentials;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use super::Aws;
use crate::failure::Failure;

/// How long one GetParameter may take.
const TIMEOUT: Duration = Duration::from_secs(20);

/// What SSM answered for one parameter name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsmValue {
    /// The parameter's current value.
    Value(String),
    /// No such parameter (`ParameterNotFound`).
    NotFound,
}

/// Reads a `GetParameter` response body (see the module documentation).
pub fn parse_get_parameter(status: u16, body: &[u8]) -> Result<SsmValue, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|_| format!("SSM answered HTTP {status} with a body that is not JSON"))?;
    if (200..300).contains(&status) {
        return v["Parameter"]["Value"]
            .as_str()
            .map(|s| SsmValue::Value(s.to_owned()))
            .ok_or_else(|| "SSM answered GetParameter without Parameter.Value".to_owned());
    }
    let kind = v["__type"].as_str().unwrap_or("").rsplit('#').next().unwrap_or("");
    let message = v["message"].as_str().or(v["Message"].as_str()).unwrap_or("");
    if kind == "ParameterNotFound" {
        return Ok(SsmValue::NotFound);
    }
    Err(format!(
        "SSM refused GetParameter (HTTP {status}): {kind}{}",
        if message.is_empty() { String::new() } else { format!(": {message}") }
    ))
}

impl Aws {
    /// The SSM endpoint of this session.
    fn ssm_endpoint(&self) -> String {
        if let Some(url) = std::env::var("AWS_ENDPOINT_URL_SSM").ok().filter(|u| !u.is_empty()) {
            return url;
        }
        match self.config.endpoint_url() {
            Some(url) => url.to_owned(),
            None => format!("https://ssm.{}.amazonaws.com", self.region()),
        }
    }

    /// The current value of SSM parameter `name` (GetParameter, decrypted
    /// `SecureString`s are not asked for: rcdk shows no secret).
    pub async fn ssm_parameter(&self, name: &str) -> Result<SsmValue, Failure> {
        let body = serde_json::json!({"Name": name}).to_string();
        let fail =
            |what: String| Failure::no(format!("reading SSM parameter {name} from {}: {what}", self.ssm_endpoint()));
        let (status, answer) = tokio::time::timeout(TIMEOUT, self.ssm_call("AmazonSSM.GetParameter", body))
            .await
            .map_err(|_| fail(format!("no answer within {} seconds", TIMEOUT.as_secs())))?
            .map_err(fail)?;
        parse_get_parameter(status, &answer).map_err(fail)
    }

    async fn ssm_call(&self, target: &str, body: String) -> Result<(u16, Vec<u8>), String> {
        use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
        use aws_sigv4::sign::v4;

        let provider = self.config.credentials_provider().ok_or("no credentials provider")?;
        let credentials = provider.provide_credentials().await.map_err(|e| super::cause_chain(&e))?;
        let identity: aws_smithy_runtime_api::client::identity::Identity = credentials.into();
        let region = self.region();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name("ssm")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let url = self.ssm_endpoint();
        let headers = [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", target)];
        let signable = SignableRequest::new("POST", &url, headers.into_iter(), SignableBody::Bytes(body.as_bytes()))
            .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params).map_err(|e| e.to_string())?.into_parts();
        let mut request = http::Request::builder().method("POST").uri(&url);
        for (k, v) in headers.into_iter().chain(instructions.headers()) {
            request = request.header(k, v);
        }
        let request = request.body(Full::new(bytes::Bytes::from(body))).map_err(|e| e.to_string())?;
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| format!("no TLS root certificates: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        let client: Client<_, Full<bytes::Bytes>> = Client::builder(TokioExecutor::new()).build(https);
        let response = client.request(request).await.map_err(|e| super::cause_chain(&e))?;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((status, bytes.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recorded shapes of the GetParameter API reference.
    #[test]
    fn get_parameter_answers_are_read() {
        let ok = br#"{"Parameter": {"ARN": "arn:aws:ssm:us-east-1:111122223333:parameter/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            "DataType": "aws:ec2:image", "LastModifiedDate": 1.7e9, "Name": "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            "Type": "String", "Value": "ami-0b1c2d3e4f5a6b7c8", "Version": 42}}"#;
        assert_eq!(parse_get_parameter(200, ok), Ok(SsmValue::Value("ami-0b1c2d3e4f5a6b7c8".into())));
        let missing = br#"{"__type": "ParameterNotFound", "message": ""}"#;
        assert_eq!(parse_get_parameter(400, missing), Ok(SsmValue::NotFound));
        let denied = br#"{"__type": "com.amazon.coral.service#AccessDeniedException", "Message": "not allowed"}"#;
        assert_eq!(
            parse_get_parameter(400, denied),
            Err("SSM refused GetParameter (HTTP 400): AccessDeniedException: not allowed".into())
        );
        assert!(parse_get_parameter(502, b"<html>").is_err());
    }
}
