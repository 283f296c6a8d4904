//! How long, and how often, rcdk waits for AWS.

use std::time::Duration;

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
