//! The control API, under `/__drx/`:
//!
//! - `POST /__drx/faults` with a rule (see `faults::Rule`) adds it;
//!   `DELETE /__drx/faults[?access_key=K]` removes rules.
//! - `GET /__drx/requests[?access_key=K]` counts requests by operation;
//!   `DELETE /__drx/requests` resets the count.
//! - `GET`/`POST /__drx/settings` reads or changes the delays and the time
//!   scale; with `?access_key=K`, one caller's time scale.
//! - `POST /__drx/pause` with a pause (see `pauses::Pause`) pauses
//!   replication between two regions; `DELETE /__drx/pause[?access_key=K]`
//!   resumes it, delivering the backlog.
//! - `POST /__drx/reset` clears faults, counts, pauses, and replication
//!   bookkeeping.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Method, Response};

use crate::faults::Rule;
use crate::proxy::{Proxy, ProxyRequest, Settings, json_response, plain};

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

pub(crate) async fn handle(proxy: &Arc<Proxy>, request: &ProxyRequest) -> Response<Full<Bytes>> {
    let access_key = query_value(&request.query, "access_key");
    match (&request.method, request.path.as_str()) {
        (&Method::POST, "/__drx/faults") => match serde_json::from_slice::<Rule>(&request.body) {
            Ok(rule) => json_response(&serde_json::json!({ "rule": proxy.faults.add(rule) })),
            Err(error) => plain(400, &format!("not a fault rule: {error}")),
        },
        (&Method::DELETE, "/__drx/faults") => {
            proxy.faults.clear(access_key);
            json_response(&serde_json::json!({ "cleared": true }))
        }
        (&Method::POST, "/__drx/pause") => {
            match serde_json::from_slice::<crate::pauses::Pause>(&request.body) {
                Ok(pause) => {
                    proxy.pauses.pause(pause);
                    json_response(&serde_json::json!({ "paused": true }))
                }
                Err(error) => plain(400, &format!("not a pause: {error}")),
            }
        }
        (&Method::DELETE, "/__drx/pause") => {
            proxy.pauses.resume(access_key);
            json_response(&serde_json::json!({ "resumed": true }))
        }
        (&Method::GET, "/__drx/requests") => json_response(&proxy.counter.report(access_key)),
        (&Method::DELETE, "/__drx/requests") => {
            proxy.counter.reset();
            json_response(&serde_json::json!({ "cleared": true }))
        }
        (&Method::GET, "/__drx/settings") => {
            let mut settings = serde_json::to_value(proxy.settings()).unwrap_or_default();
            if let Some(key) = access_key {
                settings["time_scale"] = serde_json::json!(proxy.time_scale(key));
            }
            json_response(&settings)
        }
        // One caller's time scale: its health checks and its replication.
        (&Method::POST, "/__drx/settings") if access_key.is_some() => {
            let given: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
            match given.get("time_scale").and_then(serde_json::Value::as_f64) {
                Some(scale) if scale > 0.0 => {
                    proxy.set_time_scale(access_key, Some(scale));
                    json_response(&serde_json::json!({ "time_scale": scale }))
                }
                _ => plain(400, "a caller's settings are {\"time_scale\": a number above 0}"),
            }
        }
        // Only the settings given change; the others keep their values.
        (&Method::POST, "/__drx/settings") => {
            match serde_json::from_slice::<serde_json::Value>(&request.body).and_then(|given| {
                let mut merged = serde_json::to_value(proxy.settings()).unwrap_or_default();
                if let (Some(merged), Some(given)) = (merged.as_object_mut(), given.as_object()) {
                    merged.extend(given.clone());
                }
                serde_json::from_value::<Settings>(merged)
            }) {
                Ok(settings) => {
                    *proxy
                        .settings
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner()) = settings;
                    json_response(&serde_json::to_value(settings).unwrap_or_default())
                }
                Err(error) => plain(400, &format!("not settings: {error}")),
            }
        }
        (&Method::POST, "/__drx/reset") => {
            proxy.faults.clear(None);
            proxy.counter.reset();
            proxy.dynamodb.reset();
            proxy.s3.reset();
            proxy.s3_regions.reset();
            proxy.policies.reset();
            proxy.conditional.reset();
            proxy.functions.reset();
            proxy.api_accounts.reset();
            proxy.pauses.resume(None);
            proxy.health_checks.reset();
            proxy.set_time_scale(None, None);
            json_response(&serde_json::json!({ "reset": true }))
        }
        (&Method::GET, "/__drx/health") => json_response(&serde_json::json!({ "ok": true })),
        _ => plain(404, "unknown control endpoint; see docs/emulator.md"),
    }
}
