//! A bucket lives in one region, and S3 answers a request that reaches
//! another region's endpoint with `301 PermanentRedirect`, naming the
//! bucket's region in the `x-amz-bucket-region` header (S3 User Guide,
//! "Request redirection and the REST API"; S3 API Reference, "Error
//! responses"). moto serves every bucket from every region, so a client that
//! addresses a bucket through the wrong region would pass here and fail in
//! AWS; the proxy answers it as S3 does. `GetBucketLocation` is answered from
//! any region (it is how a client finds the right one), and `CreateBucket`
//! is where a bucket gets its region.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use hyper::{HeaderMap, Method, StatusCode};

use crate::proxy::{Proxy, ProxyRequest};
use crate::request_info::RequestInfo;
use crate::upstream::Reply;
use crate::xml;

/// Each bucket's region, asked of moto once.
#[derive(Debug, Default)]
pub(crate) struct Regions {
    known: Mutex<HashMap<String, String>>,
}

impl Regions {
    /// S3's answer to `request` when it reached the wrong region for
    /// `bucket`; `None` when it may go on.
    pub(crate) async fn misdirected(
        &self,
        proxy: &Proxy,
        info: &RequestInfo,
        request: &ProxyRequest,
        bucket: &str,
        key: &str,
    ) -> Option<Reply> {
        let creates_bucket = key.is_empty() && request.method == Method::PUT && request.query.is_empty();
        let locates = key.is_empty()
            && request
                .query
                .split('&')
                .any(|pair| pair.split('=').next() == Some("location"));
        // A presigned or unsigned request names no region to be wrong about.
        if bucket.is_empty() || creates_bucket || locates || info.region.is_empty() {
            return None;
        }
        let region = self.region_of(proxy, &info.access_key, bucket).await?;
        if region == info.region {
            return None;
        }
        Some(redirect(bucket, &region, request.method == Method::HEAD))
    }

    /// `bucket`'s region; `None` when it does not exist.
    pub(crate) async fn region_of(&self, proxy: &Proxy, access_key: &str, bucket: &str) -> Option<String> {
        if let Some(region) = self.known.lock().unwrap_or_else(|p| p.into_inner()).get(bucket) {
            return Some(region.clone());
        }
        let reply = proxy
            .upstream
            .s3(
                access_key,
                Method::GET,
                &format!("/{bucket}?location"),
                &HeaderMap::new(),
                Bytes::new(),
            )
            .await
            .ok()?;
        // No such bucket (or no answer): moto's own reply to the request
        // says so better than a redirect would.
        if !reply.status.is_success() {
            return None;
        }
        let text = reply.text();
        // The root is LocationConstraint itself; no text is us-east-1.
        let region = roxmltree::Document::parse(&text)
            .ok()
            .and_then(|d| d.root_element().text().map(|t| t.trim().to_string()))
            .filter(|region| !region.is_empty())
            .unwrap_or_else(|| "us-east-1".into());
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(bucket.to_string(), region.clone());
        Some(region)
    }

    /// A bucket deleted may be created again elsewhere.
    pub(crate) fn forget(&self, bucket: &str) {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(bucket);
    }

    pub(crate) fn reset(&self) {
        self.known.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// S3's 301: the header always, the XML error only when a body may be sent.
fn redirect(bucket: &str, region: &str, head: bool) -> Reply {
    let mut headers = HeaderMap::new();
    if let Ok(value) = region.parse() {
        headers.insert("x-amz-bucket-region", value);
    }
    let body = if head {
        Bytes::new()
    } else {
        headers.insert("content-type", "application/xml".parse().expect("static header"));
        Bytes::from(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PermanentRedirect</Code>\
             <Message>The bucket you are attempting to access must be addressed using the specified endpoint. \
             Please send all future requests to this endpoint.</Message><Endpoint>{}</Endpoint>\
             <Bucket>{}</Bucket><RequestId>drx-emulator</RequestId></Error>",
            xml::escape(&format!("s3.{region}.amazonaws.com")),
            xml::escape(bucket)
        ))
    };
    Reply {
        status: StatusCode::MOVED_PERMANENTLY,
        headers,
        body,
    }
}
