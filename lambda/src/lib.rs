//! The payment processor: `POST /payments`, `GET /payments/{id}` and
//! `GET /health`, as plain functions over a `Store`, so the logic is tested
//! without the Lambda runtime. Route 53 fails over on `/health`, so what it
//! answers is part of the disaster-recovery design: 200 only when this
//! region's table answers.

mod payment;
mod store;

pub use payment::{NewPayment, Payment, validate};
pub use store::{AwsStore, Store, StoreError};

use std::collections::HashMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// An HTTP request as API Gateway hands it over (headers in lower case).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: Value,
}

impl Response {
    fn json(status: u16, body: Value) -> Response {
        Response { status, body }
    }

    /// A client error: always JSON, never a 500 for the client's mistake.
    fn error(status: u16, code: &str, message: impl Into<String>) -> Response {
        Response::json(status, json!({ "error": code, "message": message.into() }))
    }
}

/// The payment id an idempotency key stands for: the same key, the same id.
pub fn payment_id(idempotency_key: &str) -> String {
    let digest = hex::encode(Sha256::digest(idempotency_key.as_bytes()));
    format!("pay_{}", &digest[..24])
}

/// Answers one request; `region` is where this function runs.
pub async fn handle(request: &Request, store: &dyn Store, region: &str) -> Response {
    let segments: Vec<&str> = request
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["health"]) => health(store, region).await,
        ("POST", ["payments"]) => create(request, store, region).await,
        ("GET", ["payments", id]) => read(id, store, region).await,
        (_, ["health"]) | (_, ["payments"]) | (_, ["payments", _]) => Response::error(
            405,
            "method_not_allowed",
            format!("{} is not allowed on {}", request.method, request.path),
        ),
        _ => Response::error(
            404,
            "not_found",
            format!("no route {} {}", request.method, request.path),
        ),
    }
}

async fn health(store: &dyn Store, region: &str) -> Response {
    match store.ping().await {
        Ok(()) => Response::json(200, json!({ "status": "ok", "region": region })),
        Err(error) => Response::json(
            503,
            json!({ "status": "unavailable", "region": region, "error": error.to_string() }),
        ),
    }
}

async fn create(request: &Request, store: &dyn Store, region: &str) -> Response {
    let Some(key) = request
        .headers
        .get("idempotency-key")
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
    else {
        return Response::error(
            400,
            "missing_idempotency_key",
            "send an Idempotency-Key header to make retries safe",
        );
    };
    if key.len() > 128 {
        return Response::error(
            400,
            "invalid_idempotency_key",
            "the Idempotency-Key is at most 128 characters",
        );
    }
    let Some(body) = request.body.as_deref() else {
        return Response::error(400, "missing_body", "send the payment as a JSON body");
    };
    let new = match validate(body) {
        Ok(new) => new,
        Err(message) => return Response::error(422, "invalid_payment", message),
    };
    let request_hash = hex::encode(Sha256::digest(serde_json::to_vec(&new).unwrap_or_default()));
    let payment = Payment::new(payment_id(key), key, &request_hash, &new, region);
    match store.put_new(&payment).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists) => {
            return match store.get(&payment.payment_id).await {
                // A retry: the original payment, as it was created.
                Ok(Some(existing)) if existing.request_hash == request_hash => {
                    Response::json(200, json!({ "payment": existing, "region": region }))
                }
                Ok(Some(_)) => Response::error(
                    409,
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for a different payment",
                ),
                Ok(None) => Response::error(409, "conflict", "the payment is being written; retry"),
                Err(error) => Response::json(
                    503,
                    json!({ "error": "unavailable", "message": error.to_string(), "region": region }),
                ),
            };
        }
        Err(error) => {
            return Response::json(
                503,
                json!({ "error": "unavailable", "message": error.to_string(), "region": region }),
            );
        }
    }
    if let Err(error) = store.put_receipt(&payment).await {
        // The payment is recorded; the receipt can be written again later.
        return Response::json(
            201,
            json!({ "payment": payment, "region": region, "receipt_error": error.to_string() }),
        );
    }
    Response::json(201, json!({ "payment": payment, "region": region }))
}

async fn read(id: &str, store: &dyn Store, region: &str) -> Response {
    if !id.starts_with("pay_") || id.len() > 64 {
        return Response::error(404, "not_found", format!("no payment {id}"));
    }
    match store.get(id).await {
        Ok(Some(payment)) => Response::json(200, json!({ "payment": payment, "region": region })),
        Ok(None) => Response::error(404, "not_found", format!("no payment {id}")),
        Err(error) => Response::json(
            503,
            json!({ "error": "unavailable", "message": error.to_string(), "region": region }),
        ),
    }
}

#[cfg(test)]
mod tests;
