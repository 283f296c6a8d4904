//! SSM Parameter Store `GetParameter`, the one SSM call rcdk makes (for
//! `rcdk diff --against-stack`: what a deploy would resolve an SSM-typed
//! template parameter to now), through the session's signed client
//! ([`super::api`], JSON 1.1; endpoint `AWS_ENDPOINT_URL_SSM`, else
//! `--endpoint-url` / `AWS_ENDPOINT_URL`, else `https://ssm.<region>.amazonaws.com`).
//!
//! Request and response shapes:
//! <https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html>
//! (`X-Amz-Target: AmazonSSM.GetParameter`; the answer is `{"Parameter":
//! {"Name", "Type", "Value", "Version", ...}}`, or an error `{"__type":
//! "ParameterNotFound", "message": ...}`).

use serde_json::Value;

use super::api::SSM;
use super::{ApiError, Aws};
use crate::failure::Failure;

/// What SSM answered for one parameter name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsmValue {
    /// The parameter's current value.
    Value(String),
    /// No such parameter (`ParameterNotFound`).
    NotFound,
}

/// Reads a `GetParameter` answer: the value, `NotFound`, or the error.
pub fn read_get_parameter(answer: Result<Value, ApiError>) -> Result<SsmValue, ApiError> {
    match answer {
        Ok(v) => v["Parameter"]["Value"]
            .as_str()
            .map(|s| SsmValue::Value(s.to_owned()))
            .ok_or_else(|| ApiError::Other("SSM answered GetParameter without Parameter.Value".to_owned())),
        Err(e) if e.code() == Some("ParameterNotFound") => Ok(SsmValue::NotFound),
        Err(e) => Err(e),
    }
}

impl Aws {
    /// The current value of SSM parameter `name` (GetParameter, decrypted
    /// `SecureString`s are not asked for: rcdk shows no secret).
    pub async fn ssm_parameter(&self, name: &str) -> Result<SsmValue, Failure> {
        let answer = self.api().json(&SSM, "GetParameter", serde_json::json!({ "Name": name })).await;
        read_get_parameter(answer).map_err(|e| self.api_fail(&SSM, &format!("reading SSM parameter {name}"), &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ErrorResponse;

    fn error(body: &str) -> Result<Value, ApiError> {
        Err(ApiError::Response(Box::new(ErrorResponse::read(400, None, None, body))))
    }

    /// Recorded shapes of the GetParameter API reference.
    #[test]
    fn get_parameter_answers_are_read() {
        let ok: Value = serde_json::from_str(
            r#"{"Parameter": {"ARN": "arn:aws:ssm:us-east-1:111122223333:parameter/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            "DataType": "aws:ec2:image", "LastModifiedDate": 1.7e9, "Name": "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            "Type": "String", "Value": "ami-0b1c2d3e4f5a6b7c8", "Version": 42}}"#,
        )
        .expect("json");
        assert_eq!(read_get_parameter(Ok(ok)), Ok(SsmValue::Value("ami-0b1c2d3e4f5a6b7c8".into())));
        assert_eq!(
            read_get_parameter(error(r#"{"__type": "ParameterNotFound", "message": ""}"#)),
            Ok(SsmValue::NotFound)
        );
        let denied = read_get_parameter(error(
            r#"{"__type": "com.amazon.coral.service#AccessDeniedException", "Message": "not allowed"}"#,
        ))
        .unwrap_err();
        assert_eq!(denied.describe(), "not allowed (AccessDeniedException)");
        assert!(read_get_parameter(Ok(serde_json::json!({}))).is_err());
    }
}
