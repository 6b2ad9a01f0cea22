//! API Gateway as AWS answers it where moto does not. moto 5.2.5 answers a
//! DeleteResource or DeleteRestApi of one that no longer exists (deleted already, or
//! with its parent) with an HTML 500; API Gateway answers 404
//! NotFoundException ("Invalid Resource identifier specified"), which is how
//! a repeated delete — a retry, or a command re-run after a crash — knows the
//! resource is gone.
//!
//! moto's PutMethod replaces a method that exists (losing its integration),
//! and it has no UpdateMethod. API Gateway refuses the first with 409
//! ConflictException ("Method already exists for this resource") and
//! changes a method in place with UpdateMethod's patch operations; the proxy
//! does both, so a client that changes a method's authorization the way AWS
//! needs works here and nowhere else is told otherwise.
//!
//! API Gateway's account settings (the CloudWatch role every stage in a
//! region logs with) are one per account and region. moto keeps one account
//! for every caller, while each caller here (each test) stands for an
//! account of its own: the proxy keeps the role per caller and region, so
//! one test's role never shows as another's drift. As AWS does, it refuses
//! access logging on a stage (UpdateStage `/accessLogSettings/...`) until the
//! caller's region has a role: "CloudWatch Logs role ARN must be set in
//! account settings to enable logging".

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use hyper::{HeaderMap, Method, StatusCode};

use crate::proxy::{Proxy, ProxyRequest};
use crate::request_info::RequestInfo;
use crate::upstream::Reply;

/// The CloudWatch role of each caller's account settings, by region.
#[derive(Debug, Default)]
pub(crate) struct Accounts(Mutex<HashMap<(String, String), String>>);

impl Accounts {
    fn role(&self, info: &RequestInfo) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(info.access_key.clone(), info.region.clone()))
            .cloned()
    }

    fn set(&self, info: &RequestInfo, role: &str) {
        let key = (info.access_key.clone(), info.region.clone());
        let mut roles = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if role.is_empty() {
            roles.remove(&key);
        } else {
            roles.insert(key, role.to_string());
        }
    }

    pub(crate) fn reset(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

fn json_reply(value: &serde_json::Value) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("static header"));
    Reply {
        status: StatusCode::OK,
        headers,
        body: Bytes::from(value.to_string()),
    }
}

/// GetAccount and UpdateAccount, with the caller's own CloudWatch role.
async fn account(proxy: &Proxy, info: &RequestInfo, request: &ProxyRequest) -> Result<Reply, String> {
    if request.method == Method::PATCH {
        let operations: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        for operation in operations["patchOperations"].as_array().into_iter().flatten() {
            if operation["path"] == "/cloudwatchRoleArn" {
                proxy
                    .api_accounts
                    .set(info, operation["value"].as_str().unwrap_or_default());
            } else {
                return Ok(error(
                    StatusCode::BAD_REQUEST,
                    "BadRequestException",
                    &format!("Invalid patch path {}", operation["path"]),
                ));
            }
        }
    }
    let found = proxy
        .forward(&self::request(
            request,
            Method::GET,
            "/account".into(),
            serde_json::Value::Null,
        ))
        .await?;
    let mut account = found.json().unwrap_or_else(|| serde_json::json!({}));
    match proxy.api_accounts.role(info) {
        Some(role) => account["cloudwatchRoleArn"] = serde_json::Value::String(role),
        None => {
            if let Some(fields) = account.as_object_mut() {
                fields.remove("cloudwatchRoleArn");
            }
        }
    }
    Ok(json_reply(&account))
}

/// UpdateStage that turns on access logging where the account has no role.
fn logs_without_role(proxy: &Proxy, info: &RequestInfo, request: &ProxyRequest) -> bool {
    let parts: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    let is_stage = parts.len() == 4 && parts[0] == "restapis" && parts[2] == "stages";
    if request.method != Method::PATCH || !is_stage {
        return false;
    }
    let operations: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let logs = operations["patchOperations"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|operation| {
            operation["op"] == "replace" && operation["path"] == "/accessLogSettings/destinationArn"
        });
    logs && proxy.api_accounts.role(info).is_none()
}

/// `/restapis/{api}/resources/{id}`, or the API itself, `/restapis/{api}`:
/// what moto answers a repeated DELETE of with a 500.
fn is_resource(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    parts[0] == "restapis" && (parts.len() == 2 || (parts.len() == 4 && parts[2] == "resources"))
}

/// `/restapis/{api}/resources/{id}/methods/{method}`, and nothing below it.
fn is_method(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    parts.len() == 6 && parts[0] == "restapis" && parts[2] == "resources" && parts[4] == "methods"
}

fn error(status: StatusCode, kind: &str, message: &str) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("static header"));
    headers.insert("x-amzn-errortype", kind.parse().expect("an error type"));
    headers.insert("x-amzn-requestid", "drx-emulator".parse().expect("static header"));
    Reply {
        status,
        headers,
        body: Bytes::from(serde_json::json!({ "message": message }).to_string()),
    }
}

fn not_found() -> Reply {
    error(
        StatusCode::NOT_FOUND,
        "NotFoundException",
        "Invalid Resource identifier specified",
    )
}

fn request(like: &ProxyRequest, method: Method, path: String, body: serde_json::Value) -> ProxyRequest {
    let mut headers = like.headers.clone();
    headers.remove("content-length");
    ProxyRequest {
        method,
        path,
        query: String::new(),
        headers,
        body: if body.is_null() {
            Bytes::new()
        } else {
            Bytes::from(body.to_string())
        },
    }
}

/// The method's fields UpdateMethod can replace, by patch path.
const PATCHABLE: [(&str, &str); 4] = [
    ("/authorizationType", "authorizationType"),
    ("/authorizerId", "authorizerId"),
    ("/apiKeyRequired", "apiKeyRequired"),
    ("/operationName", "operationName"),
];

/// UpdateMethod: the method as it is, the patch applied, put back whole
/// with its integration.
async fn update_method(proxy: &Proxy, patch: &ProxyRequest) -> Result<Reply, String> {
    let found = proxy
        .forward(&request(
            patch,
            Method::GET,
            patch.path.clone(),
            serde_json::Value::Null,
        ))
        .await?;
    if found.status != StatusCode::OK {
        return Ok(found);
    }
    let mut method = found.json().ok_or("a method that is not JSON")?;
    let operations: serde_json::Value = serde_json::from_slice(&patch.body).unwrap_or_default();
    for operation in operations["patchOperations"].as_array().into_iter().flatten() {
        let path = operation["path"].as_str().unwrap_or_default();
        let Some((_, field)) = PATCHABLE.iter().find(|(patchable, _)| *patchable == path) else {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "BadRequestException",
                &format!("Invalid patch path '{path}' specified for op 'replace'."),
            ));
        };
        let value = operation["value"].clone();
        method[*field] = if *field == "apiKeyRequired" {
            serde_json::Value::Bool(value.as_str() == Some("true"))
        } else {
            value
        };
    }
    let integration = method["methodIntegration"].take();
    let put = proxy
        .forward(&request(patch, Method::PUT, patch.path.clone(), method))
        .await?;
    if put.status.as_u16() >= 300 {
        return Ok(put);
    }
    if integration.is_object() {
        let body: serde_json::Map<String, serde_json::Value> = [
            "type",
            "httpMethod",
            "uri",
            "passthroughBehavior",
            "timeoutInMillis",
        ]
        .into_iter()
        .filter(|field| !integration[*field].is_null())
        .map(|field| (field.to_string(), integration[field].clone()))
        .collect();
        let body = serde_json::Value::Object(body);
        let put = proxy
            .forward(&request(
                patch,
                Method::PUT,
                format!("{}/integration", patch.path),
                body,
            ))
            .await?;
        if put.status.as_u16() >= 300 {
            return Ok(put);
        }
    }
    proxy
        .forward(&request(
            patch,
            Method::GET,
            patch.path.clone(),
            serde_json::Value::Null,
        ))
        .await
}

pub(crate) async fn handle(
    proxy: &Proxy,
    info: &RequestInfo,
    request: &ProxyRequest,
) -> Result<Reply, String> {
    if request.path.trim_end_matches('/') == "/account" {
        return account(proxy, info, request).await;
    }
    if logs_without_role(proxy, info, request) {
        return Ok(error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "CloudWatch Logs role ARN must be set in account settings to enable logging",
        ));
    }
    if is_method(&request.path) && request.method == Method::PATCH {
        return update_method(proxy, request).await;
    }
    if is_method(&request.path) && request.method == Method::PUT {
        let lookup = self::request(
            request,
            Method::GET,
            request.path.clone(),
            serde_json::Value::Null,
        );
        if proxy.forward(&lookup).await?.status == StatusCode::OK {
            return Ok(error(
                StatusCode::CONFLICT,
                "ConflictException",
                "Method already exists for this resource",
            ));
        }
    }
    let reply = proxy.forward(request).await?;
    if request.method != Method::DELETE
        || !is_resource(&request.path)
        || reply.status != StatusCode::INTERNAL_SERVER_ERROR
    {
        return Ok(reply);
    }
    let lookup = ProxyRequest {
        method: Method::GET,
        path: request.path.clone(),
        query: String::new(),
        headers: request.headers.clone(),
        body: Bytes::new(),
    };
    let found = proxy.forward(&lookup).await?;
    Ok(if found.status == StatusCode::NOT_FOUND {
        not_found()
    } else {
        reply
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_resource_itself_is_matched() {
        assert!(is_resource("/restapis/a1/resources/r2"));
        assert!(!is_resource("/restapis/a1/resources/r2/methods/GET"));
        assert!(is_resource("/restapis/a1"));
        assert!(!is_resource("/restapis/a1/deployments"));
        assert!(is_method("/restapis/a1/resources/r2/methods/GET"));
        assert!(!is_method("/restapis/a1/resources/r2/methods/GET/integration"));
    }
}
