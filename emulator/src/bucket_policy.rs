//! Bucket policies that deny requests without TLS. Requests reach the
//! emulator over plain HTTP, but they stand for the HTTPS requests every
//! SDK sends AWS, so `aws:SecureTransport` is true for each of them and a
//! statement denying `"aws:SecureTransport": "false"` never applies. moto
//! evaluates a policy's conditions without any request context and would
//! deny everything instead, so the proxy keeps the policy as put (and
//! serves it back) and gives moto the policy without those statements.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use hyper::Method;
use serde_json::Value;

use crate::proxy::{Proxy, ProxyRequest};
use crate::upstream::Reply;

#[derive(Debug, Default)]
pub(crate) struct Policies {
    documents: Mutex<HashMap<String, Bytes>>,
}

impl Policies {
    pub(crate) fn reset(&self) {
        self.documents.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    pub(crate) fn forget(&self, bucket: &str) {
        self.documents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(bucket);
    }
}

/// Whether a statement only denies requests made without TLS.
fn denies_insecure_transport(statement: &Value) -> bool {
    statement["Effect"] == "Deny"
        && statement["Condition"]["Bool"]["aws:SecureTransport"]
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("false"))
}

/// The policy moto is given: without the statements no emulated request
/// can match. `None` when nothing is left.
fn for_moto(policy: &[u8]) -> Option<Vec<u8>> {
    let mut document: Value = serde_json::from_slice(policy).ok()?;
    let statements = match document["Statement"].take() {
        Value::Array(all) => all,
        one => vec![one],
    };
    let kept: Vec<Value> = statements
        .into_iter()
        .filter(|s| !denies_insecure_transport(s))
        .collect();
    if kept.is_empty() {
        return None;
    }
    document["Statement"] = Value::Array(kept);
    serde_json::to_vec(&document).ok()
}

fn no_content() -> Reply {
    Reply {
        status: hyper::StatusCode::NO_CONTENT,
        headers: hyper::HeaderMap::new(),
        body: Bytes::new(),
    }
}

/// `PUT`, `GET` and `DELETE` of `?policy` on `bucket`.
pub(crate) async fn handle(
    proxy: &Arc<Proxy>,
    request: &ProxyRequest,
    bucket: &str,
) -> Result<Reply, String> {
    let documents = &proxy.policies.documents;
    match request.method {
        Method::PUT => {
            if serde_json::from_slice::<Value>(&request.body).is_err() {
                return proxy.forward(request).await;
            }
            let reply = match for_moto(&request.body) {
                Some(body) => {
                    let mut rest = request.clone();
                    rest.body = Bytes::from(body);
                    proxy.forward(&rest).await?
                }
                // Nothing moto needs to know; any policy it had is gone.
                None => {
                    let mut delete = request.clone();
                    delete.method = Method::DELETE;
                    delete.body = Bytes::new();
                    let _ = proxy.forward(&delete).await?;
                    no_content()
                }
            };
            if reply.status.is_success() {
                documents
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(bucket.to_string(), request.body.clone());
            }
            Ok(reply)
        }
        Method::GET => {
            let kept = documents
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(bucket)
                .cloned();
            // Served from what was put: moto may hold less, or nothing.
            let Some(document) = kept else {
                return proxy.forward(request).await;
            };
            let mut headers = hyper::HeaderMap::new();
            headers.insert("content-type", "application/json".parse().expect("static header"));
            Ok(Reply {
                status: hyper::StatusCode::OK,
                headers,
                body: document,
            })
        }
        Method::DELETE => {
            documents.lock().unwrap_or_else(|p| p.into_inner()).remove(bucket);
            let reply = proxy.forward(request).await?;
            // Nothing at moto to delete is still a deleted policy.
            Ok(if reply.status.as_u16() == 404 {
                no_content()
            } else {
                reply
            })
        }
        _ => proxy.forward(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_insecure_transport_statements_are_kept_from_moto() {
        let policy = br#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
            {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        let kept: Value = serde_json::from_slice(&for_moto(policy).expect("one left")).unwrap();
        assert_eq!(kept["Statement"].as_array().map(Vec::len), Some(1));
        assert_eq!(kept["Statement"][0]["Effect"], "Allow");
        let only = br#"{"Statement":{"Effect":"Deny","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#;
        assert_eq!(for_moto(only), None);
    }
}
