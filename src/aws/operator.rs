//! `Aws` as a `model::Operator`: Lambda's reserved concurrency, and a
//! function invoked with the proxy event API Gateway would send it.

use aws_sdk_lambda::primitives::Blob;

use super::{Aws, sdk_error};
use crate::model::{ErrorKind, Operator, ProviderError, RouteRequest, RouteResponse};

/// The REST API proxy event (API Gateway Developer Guide, "Input format of
/// a Lambda function for proxy integration").
fn proxy_event(request: &RouteRequest) -> serde_json::Value {
    let headers: serde_json::Map<String, serde_json::Value> = request
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    // Each `{name}` of the resource is the path's segment at its place.
    let mut parameters = serde_json::Map::new();
    for (template, segment) in request.resource.split('/').zip(request.path.split('/')) {
        if let Some(name) = template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            parameters.insert(name.to_string(), serde_json::Value::String(segment.to_string()));
        }
    }
    serde_json::json!({
        "resource": request.resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": {},
        "queryStringParameters": null,
        "multiValueQueryStringParameters": null,
        "pathParameters": if parameters.is_empty() { serde_json::Value::Null } else { parameters.into() },
        "stageVariables": null,
        "requestContext": {
            "resourcePath": request.resource,
            "httpMethod": request.method,
            "path": request.path,
            "identity": { "sourceIp": "127.0.0.1", "userAgent": "drx" }
        },
        "body": request.body,
        "isBase64Encoded": false
    })
}

impl Operator for Aws {
    async fn reserved_concurrency(&self, region: &str, function: &str) -> Result<Option<u32>, ProviderError> {
        let found = self
            .lambda(region)
            .await
            .get_function_concurrency()
            .function_name(function)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(found.reserved_concurrent_executions().map(|n| n.max(0) as u32))
    }

    async fn set_reserved_concurrency(
        &self,
        region: &str,
        function: &str,
        limit: Option<u32>,
    ) -> Result<(), ProviderError> {
        let lambda = self.lambda(region).await;
        match limit {
            Some(limit) => {
                lambda
                    .put_function_concurrency()
                    .function_name(function)
                    .reserved_concurrent_executions(limit as i32)
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
            None => {
                lambda
                    .delete_function_concurrency()
                    .function_name(function)
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
        }
        Ok(())
    }

    async fn call_route(
        &self,
        region: &str,
        function: &str,
        request: &RouteRequest,
    ) -> Result<RouteResponse, ProviderError> {
        let payload = serde_json::to_vec(&proxy_event(request)).unwrap_or_default();
        let invoked = self
            .lambda(region)
            .await
            .invoke()
            .function_name(function)
            .payload(Blob::new(payload))
            .send()
            .await
            .map_err(sdk_error)?;
        if let Some(error) = invoked.function_error() {
            let detail = invoked
                .payload()
                .map(|p| String::from_utf8_lossy(p.as_ref()).into_owned())
                .unwrap_or_default();
            return Err(ProviderError::new(
                ErrorKind::Other,
                format!("the function failed ({error}): {detail}"),
            ));
        }
        let answer: serde_json::Value = invoked
            .payload()
            .and_then(|p| serde_json::from_slice(p.as_ref()).ok())
            .unwrap_or_default();
        Ok(RouteResponse {
            status: answer["statusCode"].as_u64().unwrap_or(502) as u16,
            body: answer["body"].as_str().unwrap_or_default().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_names_the_path_parameters_as_api_gateway_does() {
        let event = proxy_event(&RouteRequest {
            method: "GET".into(),
            resource: "/payments/{id}".into(),
            path: "/payments/pay_1".into(),
            headers: vec![("idempotency-key".into(), "k".into())],
            body: None,
        });
        assert_eq!(event["pathParameters"]["id"], "pay_1");
        assert_eq!(event["httpMethod"], "GET");
        assert_eq!(event["headers"]["idempotency-key"], "k");
        assert_eq!(event["body"], serde_json::Value::Null);
    }
}
