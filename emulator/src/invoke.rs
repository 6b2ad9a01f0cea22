//! Lambda's `Invoke` (`POST /2015-03-31/functions/{name}/invocations`) for the
//! functions the proxy runs (see `functions`): moto would start a Docker
//! container. Synchronous (`RequestResponse`, the default) answers with the
//! function's payload, or 200 with `X-Amz-Function-Error: Unhandled` and
//! Lambda's error document when the function fails or times out; `Event`
//! is accepted with 202 and run in the background; `DryRun` is 204. A
//! reserved concurrency of 0 throttles: 429 TooManyRequestsException,
//! reason ReservedFunctionConcurrentInvocationLimitExceeded.

use std::sync::Arc;

use bytes::Bytes;
use hyper::{HeaderMap, Method, StatusCode};

use crate::functions::Outcome;
use crate::proxy::{Proxy, ProxyRequest};
use crate::request_info::RequestInfo;
use crate::upstream::Reply;

/// The function an Invoke request names, if it is one.
pub(crate) fn invoked(request: &ProxyRequest) -> Option<String> {
    let parts: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (&request.method, parts.as_slice()) {
        (&Method::POST, ["2015-03-31", "functions", name, "invocations"]) => {
            // A name, an ARN, or a partial ARN: the name is its last part.
            Some(name.rsplit(':').next().unwrap_or(name).to_string())
        }
        _ => None,
    }
}

fn reply(status: StatusCode, headers: &[(&str, &str)], body: Bytes) -> Reply {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (name.parse::<hyper::header::HeaderName>(), value.parse()) {
            map.insert(name, value);
        }
    }
    Reply {
        status,
        headers: map,
        body,
    }
}

pub(crate) async fn handle(
    proxy: &Arc<Proxy>,
    info: &RequestInfo,
    request: &ProxyRequest,
    name: &str,
) -> Option<Reply> {
    let function = proxy.functions.get(&info.region, name)?;
    let kind = request
        .headers
        .get("x-amz-invocation-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("RequestResponse")
        .to_string();
    let event = if request.body.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        request.body.clone()
    };
    if kind == "DryRun" {
        return Some(reply(StatusCode::NO_CONTENT, &[], Bytes::new()));
    }
    if kind == "Event" {
        let proxy = proxy.clone();
        tokio::spawn(async move {
            proxy
                .functions
                .invoke(&function, event, &proxy.endpoint, &proxy.upstream)
                .await;
        });
        return Some(reply(StatusCode::ACCEPTED, &[], Bytes::new()));
    }
    let json = ("content-type", "application/json");
    Some(
        match proxy
            .functions
            .invoke(&function, event, &proxy.endpoint, &proxy.upstream)
            .await
        {
            Outcome::Answered(payload) => reply(
                StatusCode::OK,
                &[json, ("x-amz-executed-version", "$LATEST")],
                payload,
            ),
            Outcome::Failed(report) => reply(
                StatusCode::OK,
                &[
                    json,
                    ("x-amz-function-error", "Unhandled"),
                    ("x-amz-executed-version", "$LATEST"),
                ],
                report,
            ),
            Outcome::TimedOut(why) => reply(
                StatusCode::OK,
                &[
                    json,
                    ("x-amz-function-error", "Unhandled"),
                    ("x-amz-executed-version", "$LATEST"),
                ],
                Bytes::from(
                    serde_json::json!({ "errorMessage": why, "errorType": "Sandbox.Timedout" }).to_string(),
                ),
            ),
            Outcome::Throttled => reply(
                StatusCode::TOO_MANY_REQUESTS,
                &[json, ("x-amzn-errortype", "TooManyRequestsException")],
                Bytes::from(
                    serde_json::json!({
                        "message": "Rate Exceeded.",
                        "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
                        "Type": "User",
                    })
                    .to_string(),
                ),
            ),
            Outcome::CannotStart(why) => reply(
                StatusCode::OK,
                &[json, ("x-amz-function-error", "Unhandled")],
                Bytes::from(
                    serde_json::json!({ "errorMessage": why, "errorType": "Runtime.InvalidEntrypoint" })
                        .to_string(),
                ),
            ),
        },
    )
}
