//! Which AWS service, region, operation and caller a request is for, read
//! from its signature and protocol.

use hyper::{HeaderMap, Method};

/// How a service encodes requests and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// `X-Amz-Target` with a JSON body (DynamoDB, CloudWatch Logs).
    Json,
    /// A form body with `Action=` (IAM, SNS, STS, CloudWatch).
    Query,
    /// REST with XML (Route 53).
    RestXml,
    /// S3's own REST-XML dialect.
    S3,
    /// REST with JSON (Lambda, API Gateway).
    RestJson,
}

#[derive(Debug, Clone)]
pub(crate) struct RequestInfo {
    pub(crate) service: String,
    pub(crate) region: String,
    pub(crate) access_key: String,
    pub(crate) operation: String,
    pub(crate) protocol: Protocol,
    pub(crate) mutating: bool,
}

/// Reads `Credential=AKID/DATE/REGION/SERVICE/aws4_request` from SigV4.
fn credential(headers: &HeaderMap) -> (String, String, String) {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let scope = authorization
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split([',', ' ']).next())
        .unwrap_or("");
    let parts: Vec<&str> = scope.split('/').collect();
    let get = |i: usize| parts.get(i).copied().unwrap_or("").to_string();
    (get(0), get(2), get(3))
}

pub(crate) fn identify(
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> RequestInfo {
    let (access_key, region, service) = credential(headers);
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
    let (operation, protocol) = if let Some(target) = target {
        (
            target.rsplit('.').next().unwrap_or(target).to_string(),
            Protocol::Json,
        )
    } else if let Some(action) = form_action(headers, body) {
        (action, Protocol::Query)
    } else {
        let protocol = match service.as_str() {
            "s3" => Protocol::S3,
            "route53" => Protocol::RestXml,
            _ => Protocol::RestJson,
        };
        (rest_operation(&service, method, path, query), protocol)
    };
    let mutating = match protocol {
        Protocol::Json | Protocol::Query => !is_read(&operation),
        _ => !matches!(*method, Method::GET | Method::HEAD),
    };
    RequestInfo {
        service,
        region,
        access_key,
        operation,
        protocol,
        mutating,
    }
}

fn is_read(operation: &str) -> bool {
    [
        "Get", "Describe", "List", "Query", "Scan", "BatchGet", "Head", "Lookup", "Filter", "Test",
    ]
    .iter()
    .any(|prefix| operation.starts_with(prefix))
}

fn form_action(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return None;
    }
    let body = std::str::from_utf8(body).ok()?;
    body.split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .map(str::to_string)
}

/// A readable name for a REST call: S3's subresources name their operation;
/// otherwise the method and the path with ids elided.
fn rest_operation(service: &str, method: &Method, path: &str, query: &str) -> String {
    if service == "s3" {
        let segments = path
            .trim_start_matches('/')
            .splitn(2, '/')
            .filter(|s| !s.is_empty())
            .count();
        let subresource = query
            .split('&')
            .map(|p| p.split('=').next().unwrap_or(""))
            .find(|k| {
                matches!(
                    *k,
                    "versioning"
                        | "encryption"
                        | "replication"
                        | "publicAccessBlock"
                        | "tagging"
                        | "policy"
                        | "versions"
                        | "uploads"
                        | "uploadId"
                        | "location"
                        | "acl"
                        | "lifecycle"
                        | "delete"
                )
            });
        let object = segments == 2;
        let noun = match (subresource, object) {
            (Some("versioning"), _) => "BucketVersioning",
            (Some("encryption"), _) => "BucketEncryption",
            (Some("replication"), _) => "BucketReplication",
            (Some("publicAccessBlock"), _) => "PublicAccessBlock",
            (Some("tagging"), true) => "ObjectTagging",
            (Some("tagging"), false) => "BucketTagging",
            (Some("policy"), _) => "BucketPolicy",
            (Some("versions"), _) => "ObjectVersions",
            (Some("uploads"), _) => "MultipartUpload",
            (Some("uploadId"), _) => "MultipartUploadPart",
            (Some("location"), _) => "BucketLocation",
            (Some("acl"), _) => "Acl",
            (Some("lifecycle"), _) => "BucketLifecycle",
            (Some("delete"), _) => "Objects",
            (_, true) => "Object",
            (_, false) => "Bucket",
        };
        let verb = match *method {
            Method::GET if noun == "Bucket" || noun == "ObjectVersions" => "List",
            Method::GET => "Get",
            Method::HEAD => "Head",
            Method::PUT if noun == "Bucket" => "Create",
            Method::PUT => "Put",
            Method::DELETE => "Delete",
            Method::POST => "Post",
            _ => "Other",
        };
        return format!("{verb}{noun}");
    }
    let shape: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, s)| {
            if i > 0 && s.chars().any(|c| c.is_ascii_digit()) {
                "{id}"
            } else {
                s
            }
        })
        .collect();
    format!("{method} /{}", shape.join("/"))
}
