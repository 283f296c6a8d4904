//! One formatter for every SDK error: AWS's code and message, or a plain
//! description of what came back, and a `help:` line — never a `Debug` dump.

use std::error::Error as StdError;

use aws_sdk_cloudformation::error::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::limits::MAX_ATTEMPTS;
use crate::failure::Failure;

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
    /// The endpoint answered something that is not an AWS response (an HTML
    /// page, an error status without an AWS error body).
    Unparseable,
    /// Anything else.
    Other,
}

/// The kind of an SDK error, from its transport failure or error code.
pub fn error_kind<E>(err: &SdkError<E, HttpResponse>) -> ErrorKind
where
    E: ProvideErrorMetadata,
{
    match err {
        SdkError::TimeoutError(_) => ErrorKind::Unreachable,
        SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => ErrorKind::Unreachable,
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => match code_and_message(err).0.as_deref() {
            None => ErrorKind::Unparseable,
            Some("AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" | "AuthorizationError") => {
                ErrorKind::AccessDenied
            }
            Some(
                "Throttling" | "ThrottlingException" | "RequestLimitExceeded" | "TooManyRequestsException" | "SlowDown",
            ) => ErrorKind::Throttled,
            Some(
                "InvalidClientTokenId"
                | "ExpiredToken"
                | "ExpiredTokenException"
                | "SignatureDoesNotMatch"
                | "UnrecognizedClientException"
                | "InvalidAccessKeyId"
                | "MissingAuthenticationToken",
            ) => ErrorKind::Credentials,
            Some("ValidationError" | "ValidationException" | "InvalidParameterValue") => ErrorKind::Validation,
            Some(_) => ErrorKind::Other,
        },
        _ => ErrorKind::Other,
    }
}

/// AWS's error code and message: as the SDK parsed them, else read from the
/// raw body (an XML `<Code>`/`<Message>`, or a JSON `__type`/`code` and
/// `message`) when the body has a shape the SDK did not expect.
pub fn code_and_message<E>(err: &SdkError<E, HttpResponse>) -> (Option<String>, Option<String>)
where
    E: ProvideErrorMetadata,
{
    let mut code = err.code().map(str::to_owned);
    let mut message = err.message().map(str::to_owned);
    if code.is_none() {
        if let Some(body) = err.raw_response().and_then(|r| r.body().bytes()) {
            let body = String::from_utf8_lossy(body);
            code = xml_element(&body, "Code").or_else(|| json_field(&body, &["__type", "code", "Code"]));
            if code.is_some() && message.is_none() {
                message = xml_element(&body, "Message").or_else(|| json_field(&body, &["message", "Message"]));
            }
        }
    }
    // `aws.protocol#Error` types arrive as `prefix#Code`.
    let code = code.map(|c| c.rsplit('#').next().unwrap_or_default().to_owned()).filter(|c| !c.is_empty());
    (code, message.filter(|m| !m.is_empty()))
}

fn xml_element(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{name}>"))? + start;
    let text = body[start..end].trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn json_field(body: &str, names: &[&str]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    names.iter().find_map(|n| value.get(*n).and_then(|v| v.as_str()).map(str::to_owned))
}

/// AWS's own message and code for a service error (`message (Code)`), or a
/// plain description of what came back (HTTP status, content type and the
/// start of the body as text), or the transport failure's causes. Built from
/// `Display` only: never a `Debug` dump.
pub fn error_message<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    match code_and_message(err) {
        (Some(code), Some(message)) => format!("{message} ({code})"),
        (Some(code), None) => {
            describe_response(err.raw_response()).map_or_else(|| code.clone(), |r| format!("{code}: {r}"))
        }
        (None, Some(message)) => message,
        (None, None) => describe_response(err.raw_response()).unwrap_or_else(|| source_chain(err)),
    }
}

/// `HTTP 500 (text/html): <start of the body, tags removed>`.
fn describe_response(response: Option<&HttpResponse>) -> Option<String> {
    let response = response?;
    let status = response.status().as_u16();
    let kind = response.headers().get("content-type").map(|c| format!(" ({c})")).unwrap_or_default();
    let text = response.body().bytes().map(|b| plain_text(&String::from_utf8_lossy(b))).unwrap_or_default();
    let body = if text.is_empty() { "an empty body".to_owned() } else { format!("\"{text}\"") };
    Some(format!("the endpoint answered HTTP {status}{kind} that is not an AWS response: {body}"))
}

/// The first 160 characters of `body` with markup removed and whitespace collapsed.
fn plain_text(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(160) {
        Some((i, _)) => format!("{}...", &collapsed[..i]),
        None => collapsed,
    }
}

/// One clear [`Failure`] (exit 1) for an SDK error: what was being done
/// (`action`, e.g. "creating change set for stack `web`"), AWS's code and
/// message or what came back instead, and a `help:` line.
pub fn sdk_failure<E>(endpoint: &str, action: &str, err: &SdkError<E, HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
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
            "the credentials lack a permission; deploy needs cloudformation:* on the stack, \
             sts:GetCallerIdentity, and s3 on the template bucket for large templates",
        ),
        ErrorKind::Throttled => {
            Failure::no(format!("{action}: still throttled after {MAX_ATTEMPTS} attempts: {}", error_message(err)))
                .help("wait a minute and run the command again")
        }
        ErrorKind::Unparseable => Failure::no(format!("{action}: {endpoint}: {}", error_message(err))).help(
            "the endpoint is not an AWS API (or is failing): check --endpoint-url / AWS_ENDPOINT_URL and any proxy \
             (HTTPS_PROXY); against AWS, check https://health.aws.amazon.com and try again",
        ),
        ErrorKind::Validation => Failure::no(format!("{action}: {}", error_message(err)))
            .help("AWS refused the request; its message above says why"),
        ErrorKind::Other => Failure::no(format!("{action}: {}", error_message(err)))
            .help(format!("AWS ({endpoint}) refused the request; its message above says why")),
    }
}

fn source_chain<E: StdError>(err: &E) -> String {
    match err.source() {
        Some(source) => cause_chain(source),
        None => err.to_string(),
    }
}

/// An error and its sources, each once, as one line (`a: b: c`), from
/// `Display` only.
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
pub(super) fn is_stack_missing<E>(err: &SdkError<E, HttpResponse>) -> bool
where
    E: ProvideErrorMetadata,
{
    error_kind(err) == ErrorKind::Validation && err.message().is_some_and(|m| m.contains("does not exist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_reduced_to_its_text() {
        assert_eq!(
            plain_text("<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>"),
            "502 Bad Gateway Bad Gateway"
        );
        assert_eq!(plain_text(&"x".repeat(500)).len(), 163);
    }

    #[test]
    fn codes_are_read_from_bodies_the_sdk_did_not_parse() {
        let xml = "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>bad token</Message></Error></Errors></ErrorResponse>";
        assert_eq!(xml_element(xml, "Code").as_deref(), Some("InvalidClientTokenId"));
        assert_eq!(xml_element(xml, "Message").as_deref(), Some("bad token"));
        assert_eq!(xml_element("<html></html>", "Code"), None);
        let json = r#"{"__type": "com.amazon.coral#ThrottlingException", "message": "slow down"}"#;
        assert_eq!(json_field(json, &["__type"]).as_deref(), Some("com.amazon.coral#ThrottlingException"));
    }
}
