//! execute-api: the REST APIs callers made in moto, served. A request to
//! `/restapis/{api}/{stage}/_user_request_/{path}` (the convention LocalStack
//! uses), or whose Host is `{api}.execute-api.{region}.amazonaws.com`, is
//! routed as API Gateway routes it — the stage must exist, the resource whose
//! path template matches (a literal part before a `{param}`), its method —
//! an `AWS_IAM` method's caller must sign with SigV4 (see `sigv4`),
//! and an `AWS_PROXY` integration invokes the function with the REST API
//! proxy event (payload format 1.0), its answer becoming the response. What
//! API Gateway answers without a route is kept: 403 "Missing Authentication
//! Token", 502 for a function that fails or answers malformed, 504 when it
//! times out.
//!
//! Routes are read from the API as it is now, not from the deployment the
//! stage serves: drx deploys after every route change, so the two agree.

use std::collections::BTreeMap;

use bytes::Bytes;
use hyper::{HeaderMap, Method, StatusCode};

use crate::functions::Outcome;
use crate::proxy::{Proxy, ProxyRequest};
use crate::request_info::{Protocol, RequestInfo};
use crate::upstream::{Reply, Upstream};

/// Regions an API without a region in its address is looked for in.
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
];

/// What a request to execute-api names.
#[derive(Debug, PartialEq)]
pub(crate) struct Target {
    pub(crate) api: String,
    pub(crate) region: Option<String>,
    pub(crate) stage: String,
    pub(crate) path: String,
}

/// The API, stage and path a request is for, if it is for execute-api.
pub(crate) fn target(path: &str, headers: &HeaderMap) -> Option<Target> {
    if let Some(rest) = path.strip_prefix("/restapis/")
        && let Some((head, user)) = rest.split_once("/_user_request_")
        && let Some((api, stage)) = head.split_once('/')
    {
        return Some(Target {
            api: api.to_string(),
            region: None,
            stage: stage.to_string(),
            path: if user.is_empty() {
                "/".into()
            } else {
                user.to_string()
            },
        });
    }
    let host = headers.get("host")?.to_str().ok()?;
    let host = host.split(':').next().unwrap_or(host);
    let (api, rest) = host.split_once(".execute-api.")?;
    let region = rest.strip_suffix(".amazonaws.com")?;
    let (stage, user) = path
        .trim_start_matches('/')
        .split_once('/')
        .unwrap_or((path.trim_start_matches('/'), ""));
    Some(Target {
        api: api.to_string(),
        region: Some(region.to_string()),
        stage: stage.to_string(),
        path: format!("/{user}"),
    })
}

/// The path parameters if `template` (`/payments/{id}`) matches `path`.
fn matches(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let want: Vec<&str> = template
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let have: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let mut parameters = BTreeMap::new();
    for (index, part) in want.iter().enumerate() {
        if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix("+}")) {
            parameters.insert(name.to_string(), have.get(index..)?.join("/"));
            return Some(parameters);
        }
        let given = have.get(index)?;
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                parameters.insert(name.to_string(), (*given).to_string());
            }
            None if part == given => {}
            None => return None,
        }
    }
    (want.len() == have.len()).then_some(parameters)
}

/// How specific a template is: literal parts count most, so `/payments/new`
/// wins over `/payments/{id}`.
fn specificity(template: &str) -> (usize, usize) {
    let parts: Vec<&str> = template
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let literal = parts.iter().filter(|p| !p.starts_with('{')).count();
    (literal, parts.len())
}

fn json_reply(status: StatusCode, body: serde_json::Value) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("static header"));
    Reply {
        status,
        headers,
        body: Bytes::from(body.to_string()),
    }
}

fn message(status: StatusCode, text: &str) -> Reply {
    json_reply(status, serde_json::json!({ "message": text }))
}

async fn apigateway(
    upstream: &Upstream,
    region: &str,
    path: &str,
) -> Result<Option<serde_json::Value>, String> {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        Upstream::authorization("", region, "apigateway")
            .parse()
            .map_err(|_| "header")?,
    );
    let reply = upstream.send(Method::GET, path, &headers, Bytes::new()).await?;
    Ok(reply.status.is_success().then(|| reply.json()).flatten())
}

/// `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`
/// → the function's region and name.
fn function_of(uri: &str) -> Option<(String, String)> {
    let arn = uri.split("/functions/").nth(1)?.split("/invocations").next()?;
    let fields: Vec<&str> = arn.split(':').collect();
    // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    (fields.len() >= 7 && fields[2] == "lambda" && fields[5] == "function")
        .then(|| (fields[3].to_string(), fields[6].to_string()))
}

pub(crate) async fn handle(proxy: &Proxy, request: &ProxyRequest, target: Target) -> Reply {
    match serve(proxy, request, target).await {
        Ok(reply) => reply,
        Err(error) => message(StatusCode::INTERNAL_SERVER_ERROR, &format!("emulator: {error}")),
    }
}

async fn serve(proxy: &Proxy, request: &ProxyRequest, target: Target) -> Result<Reply, String> {
    let candidates: Vec<&str> = match &target.region {
        Some(region) => vec![region.as_str()],
        None => REGIONS.to_vec(),
    };
    let mut found = None;
    for region in candidates {
        if apigateway(&proxy.upstream, region, &format!("/restapis/{}", target.api))
            .await?
            .is_some()
        {
            found = Some(region.to_string());
            break;
        }
    }
    let Some(region) = found else {
        return Ok(message(StatusCode::FORBIDDEN, "Forbidden"));
    };
    let api = &target.api;
    if apigateway(
        &proxy.upstream,
        &region,
        &format!("/restapis/{api}/stages/{}", target.stage),
    )
    .await?
    .is_none()
    {
        return Ok(message(StatusCode::FORBIDDEN, "Forbidden"));
    }
    let resources = apigateway(
        &proxy.upstream,
        &region,
        &format!("/restapis/{api}/resources?limit=500"),
    )
    .await?
    .unwrap_or_default();
    let items = resources
        .get("item")
        .or_else(|| resources.get("items"))
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default();
    let route = items
        .iter()
        .filter_map(|item| {
            let template = item.get("path")?.as_str()?;
            let parameters = matches(template, &target.path)?;
            Some((
                specificity(template),
                template.to_string(),
                item.get("id")?.as_str()?.to_string(),
                parameters,
            ))
        })
        .max_by_key(|(rank, ..)| *rank);
    let missing = || message(StatusCode::FORBIDDEN, "Missing Authentication Token");
    let Some((_, template, resource, parameters)) = route else {
        return Ok(missing());
    };
    let method = request.method.as_str().to_string();
    let Some(found) = apigateway(
        &proxy.upstream,
        &region,
        &format!("/restapis/{api}/resources/{resource}/methods/{method}"),
    )
    .await?
    else {
        return Ok(missing());
    };
    if found.get("authorizationType").and_then(|a| a.as_str()) == Some("AWS_IAM") {
        let signed = crate::sigv4::verify(
            request.method.as_str(),
            &request.path,
            &request.query,
            &request.headers,
            &request.body,
            "execute-api",
        );
        match signed {
            Ok(()) => {}
            // API Gateway's answers: no signature at all, or a wrong one.
            Err(_) if !request.headers.contains_key("authorization") => return Ok(missing()),
            Err(why) => {
                return Ok(message(
                    StatusCode::FORBIDDEN,
                    &format!(
                        "The request signature we calculated does not match the signature you provided ({why})"
                    ),
                ));
            }
        }
    }
    let integration = found.get("methodIntegration").cloned().unwrap_or_default();
    let uri = integration
        .get("uri")
        .and_then(|u| u.as_str())
        .unwrap_or_default();
    let Some((function_region, name)) = function_of(uri) else {
        return Ok(message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error",
        ));
    };
    let Some(function) = proxy.functions.get(&function_region, &name) else {
        return Ok(message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error",
        ));
    };
    // An outage of the API's region, or of Lambda in the function's, as a
    // fault rule says (as the function's caller: rules are per caller).
    for (service, in_region) in [("execute-api", &region), ("lambda", &function.region)] {
        let info = RequestInfo {
            service: service.to_string(),
            region: in_region.clone(),
            access_key: function.access_key.clone(),
            operation: format!("{method} {template}"),
            protocol: Protocol::RestJson,
            mutating: false,
        };
        let decision = proxy
            .faults
            .decide(&info, &format!("{} {}", request.path, target.path));
        if decision.delay > std::time::Duration::ZERO {
            tokio::time::sleep(decision.delay).await;
        }
        if let Some(error) = decision.error {
            return Ok(match error.as_str() {
                "access_denied" => message(StatusCode::FORBIDDEN, "Forbidden"),
                "500" => message(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
                "503" => message(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"),
                _ => message(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests"),
            });
        }
    }
    let event = event(request, &target, &template, &resource, &region, parameters);
    let outcome = proxy
        .functions
        .invoke(
            &function,
            Bytes::from(event.to_string()),
            &proxy.endpoint,
            &proxy.upstream,
        )
        .await;
    Ok(match outcome {
        Outcome::Answered(body) => response(&body),
        Outcome::Throttled => message(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests"),
        Outcome::TimedOut(_) => message(StatusCode::GATEWAY_TIMEOUT, "Endpoint request timed out"),
        Outcome::Failed(report) => {
            eprintln!("function {name} failed: {}", String::from_utf8_lossy(&report));
            message(StatusCode::BAD_GATEWAY, "Internal server error")
        }
        Outcome::CannotStart(error) => {
            eprintln!("function {name} cannot start: {error}");
            message(StatusCode::BAD_GATEWAY, "Internal server error")
        }
    })
}

/// The REST API proxy event, payload format 1.0.
fn event(
    request: &ProxyRequest,
    target: &Target,
    template: &str,
    resource: &str,
    region: &str,
    parameters: BTreeMap<String, String>,
) -> serde_json::Value {
    let mut headers = serde_json::Map::new();
    let mut multi = serde_json::Map::new();
    for (name, value) in &request.headers {
        let value = value.to_str().unwrap_or_default().to_string();
        headers.insert(name.as_str().to_string(), serde_json::json!(value));
        if let Some(values) = multi
            .entry(name.as_str().to_string())
            .or_insert_with(|| serde_json::json!([]))
            .as_array_mut()
        {
            values.push(serde_json::json!(value));
        }
    }
    let mut query = serde_json::Map::new();
    let mut multi_query = serde_json::Map::new();
    for pair in request.query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        query.insert(key.to_string(), serde_json::json!(value));
        if let Some(values) = multi_query
            .entry(key.to_string())
            .or_insert_with(|| serde_json::json!([]))
            .as_array_mut()
        {
            values.push(serde_json::json!(value));
        }
    }
    let body = (!request.body.is_empty()).then(|| String::from_utf8_lossy(&request.body).into_owned());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    serde_json::json!({
        "resource": template,
        "path": target.path,
        "httpMethod": request.method.as_str(),
        "headers": headers,
        "multiValueHeaders": multi,
        "queryStringParameters": if query.is_empty() { serde_json::Value::Null } else { query.into() },
        "multiValueQueryStringParameters": if multi_query.is_empty() { serde_json::Value::Null } else { multi_query.into() },
        "pathParameters": if parameters.is_empty() { serde_json::Value::Null } else { serde_json::json!(parameters) },
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": target.api,
            "resourceId": resource,
            "resourcePath": template,
            "httpMethod": request.method.as_str(),
            "path": format!("/{}{}", target.stage, target.path),
            "stage": target.stage,
            "requestId": format!("{nanos:032x}"),
            "domainName": format!("{}.execute-api.{region}.amazonaws.com", target.api),
            "protocol": "HTTP/1.1",
            "identity": { "sourceIp": "127.0.0.1" },
        },
        "body": body,
        "isBase64Encoded": false,
    })
}

/// The function's proxy response as the HTTP response; anything else is
/// API Gateway's 502 "Malformed Lambda proxy response".
fn response(body: &[u8]) -> Reply {
    let Ok(answer) = serde_json::from_slice::<serde_json::Value>(body) else {
        return message(StatusCode::BAD_GATEWAY, "Internal server error");
    };
    let Some(status) = answer
        .get("statusCode")
        .and_then(|s| s.as_u64())
        .and_then(|s| StatusCode::from_u16(u16::try_from(s).ok()?).ok())
    else {
        return message(StatusCode::BAD_GATEWAY, "Internal server error");
    };
    let mut headers = HeaderMap::new();
    if let Some(given) = answer.get("headers").and_then(|h| h.as_object()) {
        for (name, value) in given {
            if let (Ok(name), Some(Ok(value))) = (
                name.parse::<hyper::header::HeaderName>(),
                value.as_str().map(str::parse::<hyper::header::HeaderValue>),
            ) {
                headers.insert(name, value);
            }
        }
    }
    let text = answer.get("body").and_then(|b| b.as_str()).unwrap_or_default();
    let body = if answer.get("isBase64Encoded").and_then(|b| b.as_bool()) == Some(true) {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Bytes::from)
            .unwrap_or_default()
    } else {
        Bytes::from(text.to_string())
    };
    Reply {
        status,
        headers,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_address_forms_name_the_api() {
        let path = target("/restapis/a1b2/prod/_user_request_/payments/7", &HeaderMap::new());
        assert_eq!(
            path,
            Some(Target {
                api: "a1b2".into(),
                region: None,
                stage: "prod".into(),
                path: "/payments/7".into()
            })
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            "host",
            "a1b2.execute-api.us-east-2.amazonaws.com".parse().expect("host"),
        );
        let host = target("/prod/health", &headers).expect("execute-api");
        assert_eq!(
            (host.region.as_deref(), host.path.as_str()),
            (Some("us-east-2"), "/health")
        );
        assert_eq!(target("/2015-03-31/functions", &HeaderMap::new()), None);
    }

    #[test]
    fn templates_match_with_literals_first() {
        assert_eq!(
            matches("/payments/{id}", "/payments/7").map(|p| p["id"].clone()),
            Some("7".into())
        );
        assert_eq!(matches("/payments", "/payments/7"), None);
        assert_eq!(matches("/", "/"), Some(BTreeMap::new()));
        assert_eq!(
            matches("/{proxy+}", "/a/b").map(|p| p["proxy"].clone()),
            Some("a/b".into())
        );
        assert!(specificity("/payments/new") > specificity("/payments/{id}"));
        assert_eq!(
            function_of(
                "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-2:123456789012:function:pay/invocations"
            ),
            Some(("us-east-2".into(), "pay".into()))
        );
    }
}
