//! The request path: control API, counting, faults, then the service hooks
//! (global tables, S3 replication) or plain forwarding to moto.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};

use crate::counter::Counter;
use crate::faults::{Faults, error_reply};
use crate::request_info::identify;
use crate::upstream::{Reply, Upstream};
use crate::{control, dynamodb, s3};

/// Delays of the behaviours the proxy adds, settable through the control API
/// (any subset of them at once).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
    /// From a write in one region to the item in the others.
    pub(crate) dynamodb_replication_ms: u64,
    /// From `UpdateTable` `ReplicaUpdates` to the replica being ACTIVE (or gone).
    pub(crate) replica_transition_ms: u64,
    /// From `PutObject` to the copy in the destination bucket.
    pub s3_replication_ms: u64,
    /// Multiplies Route 53's intervals and timeouts, so a failover takes
    /// seconds: 0.02 makes a 30 s interval 0.6 s.
    pub(crate) time_scale: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            dynamodb_replication_ms: 200,
            replica_transition_ms: 500,
            s3_replication_ms: 300,
            time_scale: 1.0,
        }
    }
}

/// A request as the hooks see it.
#[derive(Debug, Clone)]
pub(crate) struct ProxyRequest {
    pub(crate) method: hyper::Method,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: hyper::HeaderMap,
    pub(crate) body: Bytes,
}

impl ProxyRequest {
    pub(crate) fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

#[derive(Debug)]
pub(crate) struct Proxy {
    pub(crate) upstream: Upstream,
    pub(crate) counter: Counter,
    pub(crate) faults: Faults,
    pub(crate) settings: Mutex<Settings>,
    pub(crate) dynamodb: dynamodb::GlobalTables,
    pub s3: s3::Replication,
    pub(crate) s3_regions: crate::s3_regions::Regions,
    pub(crate) policies: crate::bucket_policy::Policies,
    pub(crate) conditional: crate::conditional::ConditionalWrites,
    pub(crate) functions: crate::functions::Functions,
    pub(crate) pauses: crate::pauses::Pauses,
    pub(crate) health_checks: crate::health_checks::HealthChecks,
    pub(crate) api_accounts: crate::apigateway::Accounts,
    /// The emulator's own address, for the functions it runs to call back.
    pub(crate) endpoint: String,
    /// Time scales set for one caller, over the settings' own.
    scales: Mutex<std::collections::HashMap<String, f64>>,
}

impl Proxy {
    pub(crate) fn new(upstream: String, endpoint: String) -> Proxy {
        Proxy {
            upstream: Upstream::new(upstream),
            counter: Counter::default(),
            faults: Faults::new(),
            settings: Mutex::new(Settings::default()),
            dynamodb: dynamodb::GlobalTables::default(),
            s3: s3::Replication::default(),
            s3_regions: crate::s3_regions::Regions::default(),
            policies: crate::bucket_policy::Policies::default(),
            conditional: crate::conditional::ConditionalWrites::default(),
            functions: crate::functions::Functions::default(),
            pauses: crate::pauses::Pauses::default(),
            health_checks: crate::health_checks::HealthChecks::default(),
            api_accounts: crate::apigateway::Accounts::default(),
            scales: Mutex::new(std::collections::HashMap::new()),
            endpoint,
        }
    }

    /// The time scale for `access_key`'s resources: its own if it set one,
    /// else the settings'.
    pub(crate) fn time_scale(&self, access_key: &str) -> f64 {
        let own = self
            .scales
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(access_key)
            .copied();
        own.unwrap_or_else(|| self.settings().time_scale)
            .clamp(0.001, 1_000.0)
    }

    pub(crate) fn set_time_scale(&self, access_key: Option<&str>, scale: Option<f64>) {
        let mut scales = self.scales.lock().unwrap_or_else(|p| p.into_inner());
        match (access_key, scale) {
            (Some(key), Some(scale)) => {
                scales.insert(key.to_string(), scale);
            }
            (Some(key), None) => {
                scales.remove(key);
            }
            (None, _) => scales.clear(),
        }
    }

    /// A replication delay for `access_key`'s writes: shortened by a time
    /// scale under 1 (a failover at 1/50 time sees replication at 1/50 too),
    /// never lengthened.
    pub(crate) fn replication_delay(&self, ms: u64, access_key: &str) -> Duration {
        Duration::from_millis(ms).mul_f64(self.time_scale(access_key).min(1.0))
    }

    pub(crate) fn settings(&self) -> Settings {
        *self
            .settings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) async fn handle(self: Arc<Self>, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) => return plain(400, &format!("cannot read the request body: {error}")),
        };
        let incoming = ProxyRequest {
            method: parts.method,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or("").to_string(),
            headers: parts.headers,
            body,
        };
        if incoming.path.starts_with("/__drx/") {
            return control::handle(&self, &incoming).await;
        }
        if incoming.path.starts_with("/moto-api") {
            return respond(self.forward(&incoming).await);
        }
        if let Some(target) = crate::execute_api::target(&incoming.path, &incoming.headers) {
            return respond(Ok(crate::execute_api::handle(&self, &incoming, target).await));
        }

        let info = identify(
            &incoming.method,
            &incoming.path,
            &incoming.query,
            &incoming.headers,
            &incoming.body,
        );
        self.counter.record(&info);
        let text = format!(
            "{} {}",
            incoming.path_and_query(),
            String::from_utf8_lossy(&incoming.body)
        );
        let decision = self.faults.decide(&info, &text);
        if decision.delay > Duration::ZERO {
            tokio::time::sleep(decision.delay).await;
        }
        if let Some(error) = decision.error {
            return respond(Ok(error_reply(&info, &error)));
        }
        let reply = match info.service.as_str() {
            "dynamodb" => dynamodb::handle(&self, &info, &incoming).await,
            "s3" => s3::handle(&self, &info, &incoming).await,
            "apigateway" => crate::apigateway::handle(&self, &info, &incoming).await,
            "route53" => crate::health_checks::handle(&self, &info, &incoming).await,
            "lambda" => {
                if let Some(name) = crate::invoke::invoked(&incoming)
                    && let Some(reply) = crate::invoke::handle(&self, &info, &incoming, &name).await
                {
                    return respond(Ok(reply));
                }
                let reply = self.forward(&incoming).await;
                if let Ok(reply) = &reply {
                    self.functions.observe(&info, &incoming, reply);
                }
                reply.map(|reply| self.functions.amend(&info, &incoming, reply))
            }
            _ => self.forward(&incoming).await,
        };
        respond(reply)
    }

    pub(crate) async fn forward(&self, incoming: &ProxyRequest) -> Result<Reply, String> {
        self.upstream
            .send(
                incoming.method.clone(),
                &incoming.path_and_query(),
                &incoming.headers,
                incoming.body.clone(),
            )
            .await
    }
}

fn respond(reply: Result<Reply, String>) -> Response<Full<Bytes>> {
    match reply {
        Ok(reply) => {
            let mut response = Response::builder().status(reply.status);
            for (name, value) in &reply.headers {
                if name == "content-length" || name == "transfer-encoding" || name == "connection" {
                    continue;
                }
                response = response.header(name, value);
            }
            response
                .body(Full::new(reply.body))
                .unwrap_or_else(|_| plain(500, "cannot build the response"))
        }
        Err(error) => plain(502, &error),
    }
}

pub(crate) fn plain(status: u16, text: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_string())));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response
}

pub(crate) fn json_response(value: &serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    response
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("static header"));
    response
}
