//! Requests to moto: forwarding a client's request, and the proxy's own calls
//! made "as" a region (moto takes the region from the signature's scope and
//! does not verify the signature).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A response with its whole body.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Upstream {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Upstream {
    pub(crate) fn new(base: String) -> Upstream {
        Upstream {
            base: base.trim_end_matches('/').to_string(),
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Reply, String> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path_and_query}", self.base));
        for (name, value) in headers {
            if name == "host"
                || name == "content-length"
                || name == "transfer-encoding"
                || name == "connection"
            {
                continue;
            }
            request = request.header(name, value);
        }
        let request = request.body(Full::new(body)).map_err(|e| e.to_string())?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| format!("moto did not answer: {e}"))?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// A signature-shaped Authorization header for `region` and `service`.
    pub(crate) fn authorization(access_key: &str, region: &str, service: &str) -> String {
        let key = if access_key.is_empty() {
            "AKIDEMULATOR"
        } else {
            access_key
        };
        format!(
            "AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0"
        )
    }

    /// A DynamoDB call in `region`.
    pub(crate) async fn dynamodb(
        &self,
        access_key: &str,
        region: &str,
        operation: &str,
        body: &serde_json::Value,
    ) -> Result<Reply, String> {
        self.json(
            access_key,
            region,
            "dynamodb",
            &format!("DynamoDB_20120810.{operation}"),
            "1.0",
            body,
        )
        .await
    }

    /// A call to a JSON-protocol service (`X-Amz-Target`) in `region`.
    pub(crate) async fn json(
        &self,
        access_key: &str,
        region: &str,
        service: &str,
        target: &str,
        version: &str,
        body: &serde_json::Value,
    ) -> Result<Reply, String> {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-target", target.parse().map_err(|_| "header")?);
        headers.insert(
            "content-type",
            format!("application/x-amz-json-{version}")
                .parse()
                .map_err(|_| "header")?,
        );
        headers.insert(
            "authorization",
            Self::authorization(access_key, region, service)
                .parse()
                .map_err(|_| "header")?,
        );
        self.send(Method::POST, "/", &headers, Bytes::from(body.to_string()))
            .await
    }

    /// An S3 call (path style).
    pub(crate) async fn s3(
        &self,
        access_key: &str,
        method: Method,
        path_and_query: &str,
        extra: &HeaderMap,
        body: Bytes,
    ) -> Result<Reply, String> {
        let mut headers = extra.clone();
        headers.insert(
            "authorization",
            Self::authorization(access_key, "us-east-1", "s3")
                .parse()
                .map_err(|_| "header")?,
        );
        headers.insert(
            "x-amz-content-sha256",
            "UNSIGNED-PAYLOAD".parse().map_err(|_| "header")?,
        );
        self.send(method, path_and_query, &headers, body).await
    }
}
