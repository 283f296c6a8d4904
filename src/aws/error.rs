//! One formatter for every failed AWS call (rcdk's signed client,
//! [`super::api`], makes them all): each failure
//! is first an [`ApiError`] — AWS's code and message, or what
//! came back instead, or why nothing came back — and [`api_failure`] turns
//! that into one clear message with a `help:` line, never a `Debug` dump.

use std::error::Error as StdError;

use super::limits::MAX_ATTEMPTS;
use crate::failure::Failure;

/// What kind of error a call returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The endpoint could not be reached (connection refused, DNS, timeout).
    Unreachable,
    /// The credentials were rejected (invalid, expired, unsigned) or could
    /// not be resolved.
    Credentials,
    /// The caller may not do this (IAM).
    AccessDenied,
    /// Still throttled after the retries.
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

/// A failed AWS call, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Nothing came back: connection refused, DNS, TLS, or a timeout. The
    /// text is the transport's cause chain.
    Unreachable(String),
    /// The credentials could not be resolved (before any request).
    NoCredentials(String),
    /// The endpoint answered with an error status or a body that could not be read.
    Response(Box<ErrorResponse>),
    /// The request could not be made for another reason (described).
    Other(String),
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, when there was one.
    pub content_type: Option<String>,
    /// AWS's error code (`ValidationError`, `RepositoryNotFoundException`),
    /// without a `prefix#` namespace; `None` when the body is not an AWS error.
    pub code: Option<String>,
    /// AWS's error message.
    pub message: Option<String>,
    /// The body as text (for describing a body that is not an AWS error).
    pub body: String,
}

impl ErrorResponse {
    /// Reads AWS's code and message from an error body: XML `<Code>` and
    /// `<Message>` (Query, EC2, REST-XML), JSON `__type`/`code` and
    /// `message` (JSON protocols), or the `x-amzn-ErrorType` header.
    pub fn read(status: u16, content_type: Option<String>, header_code: Option<&str>, body: &str) -> ErrorResponse {
        let mut code = xml_element(body, "Code").or_else(|| json_field(body, &["__type", "code", "Code"]));
        if code.is_none() {
            code = header_code.map(|h| h.split(':').next().unwrap_or(h).to_owned());
        }
        let message =
            xml_element(body, "Message").or_else(|| json_field(body, &["message", "Message", "errorMessage"]));
        ErrorResponse {
            status,
            content_type,
            code: clean_code(code),
            message: message.filter(|m| !m.is_empty()),
            body: body.to_owned(),
        }
    }
}

/// `aws.protocol#Error` types arrive as `prefix#Code`.
fn clean_code(code: Option<String>) -> Option<String> {
    code.map(|c| c.rsplit('#').next().unwrap_or_default().to_owned()).filter(|c| !c.is_empty())
}

impl ApiError {
    /// AWS's error code, when the endpoint answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Response(r) => r.code.as_deref(),
            _ => None,
        }
    }

    /// AWS's error message, when the endpoint answered with one.
    pub fn aws_message(&self) -> Option<&str> {
        match self {
            ApiError::Response(r) => r.message.as_deref(),
            _ => None,
        }
    }

    /// The kind of error, from the transport failure or the error code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Unreachable(_) => ErrorKind::Unreachable,
            ApiError::NoCredentials(_) => ErrorKind::Credentials,
            ApiError::Other(_) => ErrorKind::Other,
            ApiError::Response(r) => match r.code.as_deref() {
                None => ErrorKind::Unparseable,
                Some(
                    "AccessDenied"
                    | "AccessDeniedException"
                    | "UnauthorizedOperation"
                    | "AuthorizationError"
                    | "Forbidden",
                ) => ErrorKind::AccessDenied,
                Some(code) if is_throttling(code) => ErrorKind::Throttled,
                Some(
                    "InvalidClientTokenId"
                    | "ExpiredToken"
                    | "ExpiredTokenException"
                    | "SignatureDoesNotMatch"
                    | "UnrecognizedClientException"
                    | "InvalidAccessKeyId"
                    | "InvalidSignatureException"
                    | "MissingAuthenticationToken",
                ) => ErrorKind::Credentials,
                Some("ValidationError" | "ValidationException" | "InvalidParameterValue") => ErrorKind::Validation,
                Some(_) => ErrorKind::Other,
            },
        }
    }

    /// AWS's own message and code (`message (Code)`), or a plain description
    /// of what came back (HTTP status, content type and the start of the
    /// body as text), or the transport failure's causes. Never a `Debug` dump.
    pub fn describe(&self) -> String {
        match self {
            ApiError::Unreachable(s) | ApiError::NoCredentials(s) | ApiError::Other(s) => s.clone(),
            ApiError::Response(r) => match (&r.code, &r.message) {
                (Some(code), Some(message)) => format!("{message} ({code})"),
                (Some(code), None) if r.status >= 300 && !r.body.trim().is_empty() => {
                    format!("{code}: {}", describe_response(r))
                }
                (Some(code), None) => code.clone(),
                (None, Some(message)) => message.clone(),
                (None, None) => describe_response(r),
            },
        }
    }
}

/// Whether an error code means "slow down" (retried, then [`ErrorKind::Throttled`]).
pub fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "RequestLimitExceeded"
            | "TooManyRequestsException"
            | "SlowDown"
            | "PriorRequestNotComplete"
    )
}

fn xml_element(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{name}>"))? + start;
    let text = body[start..end].trim();
    (!text.is_empty()).then(|| super::xml::unescape(text))
}

fn json_field(body: &str, names: &[&str]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    names.iter().find_map(|n| value.get(*n).and_then(|v| v.as_str()).map(str::to_owned))
}

/// `the endpoint answered HTTP 500 (text/html) that is not an AWS response: "<start of the body>"`.
fn describe_response(r: &ErrorResponse) -> String {
    let kind = r.content_type.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
    let text = plain_text(&r.body);
    let body = if text.is_empty() { "an empty body".to_owned() } else { format!("\"{text}\"") };
    format!("the endpoint answered HTTP {}{kind} that is not an AWS response: {body}", r.status)
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

/// One clear [`Failure`] (exit 1) for a failed call: what was being done
/// (`action`, e.g. "creating change set for stack `web`"), AWS's code and
/// message or what came back instead, and a `help:` line.
pub fn api_failure(endpoint: &str, action: &str, err: &ApiError) -> Failure {
    match err.kind() {
        ErrorKind::Unreachable => Failure::no(format!("{action}: cannot reach {endpoint}: {}", err.describe())).help(
            "check the network and the endpoint (--endpoint-url / AWS_ENDPOINT_URL); \
             for moto_server, start it first: moto_server -p 5000",
        ),
        ErrorKind::Credentials if matches!(err, ApiError::NoCredentials(_)) => no_credentials(&err.describe()),
        ErrorKind::Credentials => {
            Failure::no(format!("{action}: {endpoint} rejected the credentials: {}", err.describe()))
                .help("refresh the credentials (e.g. `aws sso login`) or pick another --profile")
        }
        ErrorKind::AccessDenied => Failure::no(format!("{action}: access denied: {}", err.describe())).help(
            "the credentials lack a permission; deploy needs cloudformation:* on the stack, \
             sts:GetCallerIdentity, and s3 on the template bucket for large templates \
             (README, \"Permissions\", lists the read calls of the pre-deploy checks)",
        ),
        ErrorKind::Throttled => {
            Failure::no(format!("{action}: still throttled after {MAX_ATTEMPTS} attempts: {}", err.describe()))
                .help("wait a minute and run the command again")
        }
        ErrorKind::Unparseable => Failure::no(format!("{action}: {endpoint}: {}", err.describe())).help(
            "the endpoint is not an AWS API (or is failing): check --endpoint-url / AWS_ENDPOINT_URL and any proxy \
             (HTTPS_PROXY); against AWS, check https://health.aws.amazon.com and try again",
        ),
        ErrorKind::Validation => Failure::no(format!("{action}: {}", err.describe()))
            .help("AWS refused the request; its message above says why"),
        ErrorKind::Other => Failure::no(format!("{action}: {}", err.describe()))
            .help(format!("AWS ({endpoint}) refused the request; its message above says why")),
    }
}

/// Credentials that could not be resolved: one message (exit 1) that says
/// how to provide them.
pub fn no_credentials(detail: &str) -> Failure {
    Failure::no(format!("no usable AWS credentials: {detail}")).help(
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE / --profile, or run `aws sso login`; \
         against moto_server any values work (AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing)",
    )
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
pub fn is_stack_missing(err: &ApiError) -> bool {
    err.kind() == ErrorKind::Validation && err.aws_message().is_some_and(|m| m.contains("does not exist"))
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
    fn codes_are_read_from_every_protocol() {
        let xml = "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>bad token</Message></Error></Errors></ErrorResponse>";
        let r = ErrorResponse::read(403, None, None, xml);
        assert_eq!((r.code.as_deref(), r.message.as_deref()), (Some("InvalidClientTokenId"), Some("bad token")));
        let json = r#"{"__type": "com.amazon.coral#ThrottlingException", "message": "slow down"}"#;
        let e = ApiError::Response(Box::new(ErrorResponse::read(400, None, None, json)));
        assert_eq!(e.code(), Some("ThrottlingException"));
        assert_eq!(e.kind(), ErrorKind::Throttled);
        assert_eq!(e.describe(), "slow down (ThrottlingException)");
        let header = ErrorResponse::read(400, None, Some("RepositoryNotFoundException:http://internal"), "{}");
        assert_eq!(header.code.as_deref(), Some("RepositoryNotFoundException"));
        let html = ApiError::Response(Box::new(ErrorResponse::read(
            502,
            Some("text/html".into()),
            None,
            "<html><body>Bad Gateway</body></html>",
        )));
        assert_eq!(html.kind(), ErrorKind::Unparseable);
        assert_eq!(
            html.describe(),
            "the endpoint answered HTTP 502 (text/html) that is not an AWS response: \"Bad Gateway\""
        );
    }

    #[test]
    fn query_error_messages_are_decoded() {
        // CloudFormation's error document (Query protocol), a message with escaped quotes.
        let xml = r#"<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <Error><Type>Sender</Type><Code>ValidationError</Code>
    <Message>Template format error: Unresolved resource dependencies [&quot;Vpc&quot;] &amp; more</Message></Error>
  <RequestId>1</RequestId></ErrorResponse>"#;
        let e = ApiError::Response(Box::new(ErrorResponse::read(400, Some("text/xml".into()), None, xml)));
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.aws_message(), Some("Template format error: Unresolved resource dependencies [\"Vpc\"] & more"));
        let missing = ErrorResponse::read(
            400,
            None,
            None,
            "<ErrorResponse><Error><Code>ValidationError</Code><Message>Stack with id web does not exist</Message></Error></ErrorResponse>",
        );
        assert!(is_stack_missing(&ApiError::Response(Box::new(missing))));
    }

    #[test]
    fn failures_have_one_message_and_a_help_line() {
        let denied = ApiError::Response(Box::new(ErrorResponse::read(
            400,
            None,
            None,
            r#"{"__type":"AccessDeniedException","Message":"not authorized to perform: ecr:DescribeImages"}"#,
        )));
        let f = api_failure("AWS in eu-west-1", "reading images", &denied);
        assert_eq!(
            f.message,
            "reading images: access denied: not authorized to perform: ecr:DescribeImages (AccessDeniedException)"
        );
        assert!(f.help.is_some_and(|h| h.starts_with("the credentials lack a permission")));
        let f = api_failure("http://127.0.0.1:1", "x", &ApiError::Unreachable("connection refused".into()));
        assert_eq!(f.message, "x: cannot reach http://127.0.0.1:1: connection refused");
    }
}
