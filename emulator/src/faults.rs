//! Injected latency and errors, switched per test through the control API.
//!
//! A rule matches by caller (access key), service, operation and a substring
//! of the request (a resource name); it adds a fixed or jittered delay and
//! answers a fraction of matching requests with the service's own throttling
//! error or an HTTP 500/503, the way the real service would.

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use hyper::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::request_info::{Protocol, RequestInfo};
use crate::upstream::Reply;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Rule {
    /// Only requests signed with this access key.
    pub(crate) access_key: Option<String>,
    /// `dynamodb`, `s3`, `lambda`, … (the signing name), or `execute-api`
    /// for requests to the APIs themselves.
    pub(crate) service: Option<String>,
    /// Only requests to this region: with `execute-api` or `lambda`, a
    /// region's outage.
    pub(crate) region: Option<String>,
    /// `PutItem`, `CreateFunction`, … as the counter names it.
    pub(crate) operation: Option<String>,
    /// Only requests whose path or body contains this text.
    pub(crate) contains: Option<String>,
    #[serde(default)]
    pub(crate) delay_ms: u64,
    #[serde(default)]
    pub(crate) jitter_ms: u64,
    /// The fraction of matching requests to fail, 0 to 1.
    #[serde(default)]
    pub(crate) error_rate: f64,
    /// `throttling` (the default), `500`, `503`, or `access_denied` (not retryable).
    pub(crate) error: Option<String>,
    /// Fail at most this many requests, then stop failing.
    pub(crate) times: Option<u64>,
}

#[derive(Debug)]
pub(crate) struct Faults {
    rules: Mutex<Vec<(Rule, u64)>>,
    random: Mutex<u64>,
}

/// What to do with one request.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    pub(crate) delay: Duration,
    pub(crate) error: Option<String>,
}

impl Faults {
    pub(crate) fn new() -> Faults {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Faults {
            rules: Mutex::new(Vec::new()),
            random: Mutex::new(seed | 1),
        }
    }

    pub(crate) fn add(&self, rule: Rule) -> usize {
        let mut rules = self.rules.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        rules.push((rule, 0));
        rules.len()
    }

    /// Removes the rules of one caller, or all.
    pub(crate) fn clear(&self, access_key: Option<&str>) {
        let mut rules = self.rules.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        rules.retain(|(rule, _)| access_key.is_some_and(|key| rule.access_key.as_deref() != Some(key)));
    }

    /// A number in [0, 1) (xorshift64*: plenty for sampling faults).
    fn next(&self) -> f64 {
        let mut state = self
            .random
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        let value = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (value >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn decide(&self, info: &RequestInfo, text: &str) -> Decision {
        let mut decision = Decision::default();
        let mut rules = self.rules.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (rule, failed) in rules.iter_mut() {
            let matches = rule.access_key.as_deref().is_none_or(|k| k == info.access_key)
                && rule.service.as_deref().is_none_or(|s| s == info.service)
                && rule.region.as_deref().is_none_or(|r| r == info.region)
                && rule.operation.as_deref().is_none_or(|o| o == info.operation)
                && rule.contains.as_deref().is_none_or(|c| text.contains(c));
            if !matches {
                continue;
            }
            let jitter = if rule.jitter_ms > 0 {
                (self.next() * rule.jitter_ms as f64) as u64
            } else {
                0
            };
            decision.delay += Duration::from_millis(rule.delay_ms + jitter);
            let budget_left = rule.times.is_none_or(|times| *failed < times);
            if decision.error.is_none()
                && rule.error_rate > 0.0
                && budget_left
                && self.next() < rule.error_rate
            {
                *failed += 1;
                decision.error = Some(rule.error.clone().unwrap_or_else(|| "throttling".into()));
            }
        }
        decision
    }
}

/// The error the service itself would send, in its protocol.
pub(crate) fn error_reply(info: &RequestInfo, kind: &str) -> Reply {
    let (status, code, message) = match kind {
        "access_denied" => match info.protocol {
            Protocol::Json => (
                StatusCode::BAD_REQUEST,
                "AccessDeniedException",
                "User is not authorized to perform this action",
            ),
            Protocol::RestJson => (
                StatusCode::FORBIDDEN,
                "AccessDeniedException",
                "User is not authorized to perform this action",
            ),
            _ => (
                StatusCode::FORBIDDEN,
                "AccessDenied",
                "User is not authorized to perform this action",
            ),
        },
        "500" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "We encountered an internal error. Please try again.",
        ),
        "503" => (
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "Service is unavailable. Please try again.",
        ),
        _ => match info.protocol {
            Protocol::Json => (StatusCode::BAD_REQUEST, "ThrottlingException", "Rate exceeded"),
            Protocol::Query | Protocol::RestXml => (StatusCode::BAD_REQUEST, "Throttling", "Rate exceeded"),
            Protocol::S3 => (
                StatusCode::SERVICE_UNAVAILABLE,
                "SlowDown",
                "Please reduce your request rate.",
            ),
            Protocol::RestJson => (
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequestsException",
                "Rate exceeded",
            ),
        },
    };
    let mut headers = HeaderMap::new();
    let body = match info.protocol {
        Protocol::Json => {
            headers.insert(
                "content-type",
                "application/x-amz-json-1.0".parse().expect("static header"),
            );
            serde_json::json!({ "__type": code, "message": message }).to_string()
        }
        Protocol::RestJson => {
            headers.insert("content-type", "application/json".parse().expect("static header"));
            headers.insert("x-amzn-errortype", code.parse().expect("static header"));
            serde_json::json!({ "message": message }).to_string()
        }
        Protocol::S3 => {
            headers.insert("content-type", "application/xml".parse().expect("static header"));
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>drx-emulator</RequestId></Error>"
            )
        }
        Protocol::Query | Protocol::RestXml => {
            headers.insert("content-type", "text/xml".parse().expect("static header"));
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>drx-emulator</RequestId></ErrorResponse>"
            )
        }
    };
    headers.insert("x-amzn-requestid", "drx-emulator".parse().expect("static header"));
    Reply {
        status,
        headers,
        body: Bytes::from(body),
    }
}
