//! The Lambda functions callers made, as the proxy saw them made: moto keeps
//! a function's configuration but never runs its code, so the proxy keeps
//! what running it takes — the deployment package, the environment, the
//! timeout — from the CreateFunction, UpdateFunctionCode and
//! UpdateFunctionConfiguration requests that moto accepted, and starts the
//! code when the function is invoked (see `runtime`).
//!
//! moto 5.2.5 also ignores `TracingConfig` in UpdateFunctionConfiguration
//! (it keeps only CreateFunction's): the proxy keeps the mode last asked for
//! and answers with it, as Lambda does.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use hyper::Method;

use crate::proxy::ProxyRequest;
use crate::request_info::RequestInfo;
use crate::runtime::Instance;
use crate::upstream::{Reply, Upstream};

/// What running a function takes.
#[derive(Debug, Clone)]
pub(crate) struct Function {
    pub(crate) name: String,
    pub(crate) region: String,
    /// The caller that made it: its code's AWS calls are made as it.
    pub(crate) access_key: String,
    pub(crate) zip: Bytes,
    pub(crate) environment: BTreeMap<String, String>,
    pub(crate) timeout: Duration,
    pub(crate) memory: u64,
    /// `PutFunctionConcurrency`'s reserve: 0 throttles every invocation.
    pub(crate) reserved: Option<u64>,
    /// X-Ray tracing: `Active` or `PassThrough`.
    pub(crate) tracing: String,
}

fn tracing(config: &serde_json::Value) -> Option<String> {
    Some(config.get("TracingConfig")?.get("Mode")?.as_str()?.to_string())
}

/// How an invocation ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    Answered(Bytes),
    /// The function reported an error: Lambda's error document.
    Failed(Bytes),
    /// Reserved concurrency 0: Lambda's 429.
    Throttled,
    TimedOut(String),
    CannotStart(String),
}

#[derive(Debug, Default)]
pub(crate) struct Functions {
    defined: Mutex<HashMap<(String, String), Function>>,
    /// One warm instance per function, reused by every invocation.
    warm: Mutex<HashMap<(String, String), Arc<Instance>>>,
}

fn environment(config: &serde_json::Value) -> Option<BTreeMap<String, String>> {
    let variables = config.get("Environment")?.get("Variables")?.as_object()?;
    Some(
        variables
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect(),
    )
}

fn zip_of(code: &serde_json::Value) -> Option<Bytes> {
    let text = code.get("ZipFile")?.as_str()?;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .map(Bytes::from)
}

impl Functions {
    /// Learns from a Lambda request moto answered.
    pub(crate) fn observe(&self, info: &RequestInfo, request: &ProxyRequest, reply: &Reply) {
        if !reply.status.is_success() {
            return;
        }
        let parts: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let key = |name: &str| (info.region.clone(), name.to_string());
        match (&request.method, parts.as_slice()) {
            (&Method::POST, ["2015-03-31", "functions"]) => {
                let Some(name) = body.get("FunctionName").and_then(|n| n.as_str()) else {
                    return;
                };
                let function = Function {
                    name: name.to_string(),
                    region: info.region.clone(),
                    access_key: info.access_key.clone(),
                    zip: body.get("Code").and_then(zip_of).unwrap_or_default(),
                    environment: environment(&body).unwrap_or_default(),
                    timeout: Duration::from_secs(body.get("Timeout").and_then(|t| t.as_u64()).unwrap_or(3)),
                    memory: body.get("MemorySize").and_then(|m| m.as_u64()).unwrap_or(128),
                    reserved: None,
                    tracing: tracing(&body).unwrap_or_else(|| "PassThrough".into()),
                };
                self.define(key(name), function);
            }
            (&Method::PUT, ["2015-03-31", "functions", name, "code"]) => {
                if let Some(zip) = zip_of(&body) {
                    self.change(key(name), |function| function.zip = zip);
                }
            }
            (&Method::PUT, ["2015-03-31", "functions", name, "configuration"]) => {
                self.change(key(name), |function| {
                    if let Some(environment) = environment(&body) {
                        function.environment = environment;
                    }
                    if let Some(timeout) = body.get("Timeout").and_then(|t| t.as_u64()) {
                        function.timeout = Duration::from_secs(timeout);
                    }
                    if let Some(memory) = body.get("MemorySize").and_then(|m| m.as_u64()) {
                        function.memory = memory;
                    }
                    if let Some(mode) = tracing(&body) {
                        function.tracing = mode;
                    }
                });
            }
            (&Method::PUT, ["2017-10-31", "functions", name, "concurrency"]) => {
                let reserved = body.get("ReservedConcurrentExecutions").and_then(|r| r.as_u64());
                self.adjust(key(name), |function| function.reserved = reserved);
            }
            (&Method::DELETE, ["2017-10-31", "functions", name, "concurrency"]) => {
                self.adjust(key(name), |function| function.reserved = None);
            }
            (&Method::DELETE, ["2015-03-31", "functions", name]) => {
                self.defined
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&key(name));
                self.retire(&key(name));
            }
            _ => {}
        }
    }

    /// moto's answer about a function, with the tracing mode the proxy
    /// keeps: a function's configuration (GetFunctionConfiguration,
    /// UpdateFunctionConfiguration) or GetFunction's `Configuration`.
    pub(crate) fn amend(&self, info: &RequestInfo, request: &ProxyRequest, mut reply: Reply) -> Reply {
        let parts: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        let (name, inside) = match (&request.method, parts.as_slice()) {
            (&Method::GET | &Method::PUT, ["2015-03-31", "functions", name, "configuration"]) => {
                (*name, false)
            }
            (&Method::GET, ["2015-03-31", "functions", name]) => (*name, true),
            _ => return reply,
        };
        let Some(function) = self.get(&info.region, name) else {
            return reply;
        };
        let Some(mut body) = reply.json().filter(|_| reply.status.is_success()) else {
            return reply;
        };
        let configuration = if inside {
            &mut body["Configuration"]
        } else {
            &mut body
        };
        if configuration.is_object() {
            configuration["TracingConfig"] = serde_json::json!({ "Mode": function.tracing });
            reply.body = Bytes::from(body.to_string());
            reply.headers.remove("content-length");
        }
        reply
    }

    fn define(&self, key: (String, String), function: Function) {
        self.defined
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.clone(), function);
        self.retire(&key);
    }

    /// A changed function's warm instance runs the old code: it goes.
    fn change(&self, key: (String, String), edit: impl FnOnce(&mut Function)) {
        if let Some(function) = self
            .defined
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&key)
        {
            edit(function);
        }
        self.retire(&key);
    }

    /// A setting that leaves the running code as it is.
    fn adjust(&self, key: (String, String), edit: impl FnOnce(&mut Function)) {
        if let Some(function) = self
            .defined
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&key)
        {
            edit(function);
        }
    }

    fn retire(&self, key: &(String, String)) {
        let instance = self.warm.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
        if let Some(instance) = instance {
            instance.stop();
        }
    }

    /// The function `name` in `region`, if a caller made it.
    pub(crate) fn get(&self, region: &str, name: &str) -> Option<Function> {
        self.defined
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(region.to_string(), name.to_string()))
            .cloned()
    }

    /// Runs `function` on `event`, as Lambda would: throttled when its
    /// reserved concurrency is 0, on its warm instance otherwise.
    pub(crate) async fn invoke(
        &self,
        function: &Function,
        event: Bytes,
        endpoint: &str,
        upstream: &Upstream,
    ) -> Outcome {
        if function.reserved == Some(0) {
            return Outcome::Throttled;
        }
        let instance = match self.instance(function, endpoint, upstream) {
            Ok(instance) => instance,
            Err(error) => return Outcome::CannotStart(error),
        };
        match instance.invoke(event, function.timeout).await {
            Ok(crate::runtime::Answer::Response(body)) => Outcome::Answered(body),
            Ok(crate::runtime::Answer::Error(body)) => Outcome::Failed(body),
            Err(error) => {
                // A timed-out execution environment is not reused.
                self.forget(function);
                Outcome::TimedOut(error)
            }
        }
    }

    /// The warm instance of `function`, started if there is none.
    fn instance(
        &self,
        function: &Function,
        endpoint: &str,
        upstream: &Upstream,
    ) -> Result<Arc<Instance>, String> {
        let key = (function.region.clone(), function.name.clone());
        let mut warm = self.warm.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(instance) = warm.get(&key).filter(|i| i.alive()) {
            return Ok(instance.clone());
        }
        let instance = Arc::new(Instance::start(function, endpoint, upstream.clone())?);
        warm.insert(key, instance.clone());
        Ok(instance)
    }

    /// Drops an instance that failed (a timeout kills it, as Lambda does).
    fn forget(&self, function: &Function) {
        self.retire(&(function.region.clone(), function.name.clone()));
    }

    pub(crate) fn reset(&self) {
        self.defined.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let warm: Vec<Arc<Instance>> = self
            .warm
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
            .map(|(_, instance)| instance)
            .collect();
        for instance in warm {
            instance.stop();
        }
    }
}
