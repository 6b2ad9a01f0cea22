//! API Gateway as AWS answers it where moto does not. moto 5.2.5 answers a
//! DeleteResource of a resource that no longer exists (deleted already, or
//! with its parent) with an HTML 500; API Gateway answers 404
//! NotFoundException ("Invalid Resource identifier specified"), which is how
//! a repeated delete — a retry, or a command re-run after a crash — knows the
//! resource is gone.

use bytes::Bytes;
use hyper::{HeaderMap, Method, StatusCode};

use crate::proxy::{Proxy, ProxyRequest};
use crate::upstream::Reply;

/// `/restapis/{api}/resources/{id}`, and nothing below it.
fn is_resource(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    parts.len() == 4 && parts[0] == "restapis" && parts[2] == "resources"
}

fn not_found() -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("static header"));
    headers.insert(
        "x-amzn-errortype",
        "NotFoundException".parse().expect("static header"),
    );
    headers.insert("x-amzn-requestid", "drx-emulator".parse().expect("static header"));
    Reply {
        status: StatusCode::NOT_FOUND,
        headers,
        body: Bytes::from(r#"{"message":"Invalid Resource identifier specified"}"#),
    }
}

pub(crate) async fn handle(proxy: &Proxy, request: &ProxyRequest) -> Result<Reply, String> {
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
        assert!(!is_resource("/restapis/a1"));
    }
}
