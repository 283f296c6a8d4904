//! An AWS endpoint that answers with recorded responses of the documented
//! shapes, for behaviour moto_server cannot show (CloudFormation's early
//! validation events, ECS service events and stopped tasks' reasons, ...).
//! Requests are routed by action: the `Action=` of a Query form post, or
//! the operation of a JSON call's `X-Amz-Target`. Every request is recorded,
//! so a test can assert which calls were made.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One canned answer.
#[derive(Clone)]
pub struct Answer {
    /// e.g. `200 OK`.
    pub status: &'static str,
    /// The body.
    pub body: String,
}

impl Answer {
    /// A 200 answer with this body.
    pub fn ok(body: impl Into<String>) -> Answer {
        Answer { status: "200 OK", body: body.into() }
    }

    /// An error answer with this status and body.
    pub fn error(status: &'static str, body: impl Into<String>) -> Answer {
        Answer { status, body: body.into() }
    }
}

/// A running recorded endpoint (its thread ends with the test process).
pub struct Recorded {
    url: String,
    calls: Arc<Mutex<Vec<(String, String)>>>,
}

impl Recorded {
    /// Starts the endpoint: `answers` maps an action to its answers, given
    /// in turn (the last one repeats). An action with no answer gets a 400
    /// `InvalidAction` error, as AWS answers an unknown action.
    pub fn start(answers: Vec<(&str, Vec<Answer>)>) -> Recorded {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let answers: BTreeMap<String, Vec<Answer>> = answers.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let answers = Arc::new(Mutex::new(answers));
        let calls = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&calls);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let (mut length, mut target) = (0usize, None);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("x-amz-target:") {
                        target = line.split_once(':').map(|(_, v)| v.trim().to_owned());
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body);
                let body = String::from_utf8_lossy(&body).into_owned();
                let action = match &target {
                    Some(t) => t.rsplit('.').next().unwrap_or_default().to_owned(),
                    None => body.split('&').find_map(|kv| kv.strip_prefix("Action=")).unwrap_or_default().to_owned(),
                };
                recorded.lock().expect("lock").push((action.clone(), body));
                let answer = {
                    let mut all = answers.lock().expect("lock");
                    match all.get_mut(&action) {
                        Some(list) if list.len() > 1 => list.remove(0),
                        Some(list) if !list.is_empty() => list[0].clone(),
                        _ => Answer::error(
                            "400 Bad Request",
                            format!(
                                "<ErrorResponse><Error><Code>InvalidAction</Code><Message>no recorded answer for {action}</Message></Error></ErrorResponse>"
                            ),
                        ),
                    }
                };
                let kind =
                    if answer.body.trim_start().starts_with('{') { "application/x-amz-json-1.1" } else { "text/xml" };
                let response = format!(
                    "HTTP/1.1 {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                    answer.status,
                    answer.body.len(),
                    answer.body
                );
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Recorded { url, calls }
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The actions called so far, in order.
    pub fn actions(&self) -> Vec<String> {
        self.calls.lock().expect("lock").iter().map(|(a, _)| a.clone()).collect()
    }

    /// The body of every call of `action`.
    pub fn bodies(&self, action: &str) -> Vec<String> {
        self.calls.lock().expect("lock").iter().filter(|(a, _)| a == action).map(|(_, b)| b.clone()).collect()
    }
}

/// STS GetCallerIdentity for account `account`.
pub fn caller_identity(account: &str) -> Answer {
    Answer::ok(format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
         <Arn>arn:aws:iam::{account}:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>{account}</Account>\
         </GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    ))
}

/// A Query-protocol error answer (`400`, CloudFormation/IAM/... shape).
pub fn query_error(code: &str, message: &str) -> Answer {
    Answer::error(
        "400 Bad Request",
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
             <RequestId>1</RequestId></ErrorResponse>"
        ),
    )
}

/// An empty successful Query answer for `action`.
pub fn query_ok(action: &str) -> Answer {
    Answer::ok(format!("<{action}Response><{action}Result/><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></{action}Response>"))
}
