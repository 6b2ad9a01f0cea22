//! The emulator runs what drx deploys: after `drx apply` of the example, the
//! payment API answers through API Gateway from the real Rust function (its
//! `bootstrap`, speaking the Lambda Runtime API), in both regions, over plain
//! HTTP in both of execute-api's address forms; Lambda's Invoke runs it too,
//! and a reserved concurrency of 0 throttles it.

use std::io::{Read, Write};

use crate::apply::*;
use crate::aws::{Aws, eventually};

/// One HTTP/1.1 request to the emulator; the status and the body.
fn http(method: &str, path: &str, host: Option<&str>, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").expect("the emulator");
    let address = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        host.unwrap_or(address),
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

async fn api_id(aws: &Aws, region: &str, suffix: &str) -> String {
    let apis = aws_sdk_apigateway::Client::new(&aws.config(region).await)
        .get_rest_apis()
        .limit(500)
        .send()
        .await
        .expect("apis");
    apis.items()
        .iter()
        .find(|api| api.name().is_some_and(|n| n.contains(suffix)))
        .and_then(|api| api.id())
        .expect("the stack's API")
        .to_string()
}

#[tokio::test]
async fn the_payment_api_answers_from_the_real_function_in_both_regions() {
    let aws = Aws::new("emulator_live");
    let suffix = suffix(&aws);
    let dir = project(&example());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);
    let (east, west) = (
        api_id(&aws, "us-east-1", &suffix).await,
        api_id(&aws, "us-east-2", &suffix).await,
    );

    let payment = r#"{"amount":1250,"currency":"USD","merchant":"m-42","reference":"order-7"}"#;
    let payments = format!("/restapis/{east}/prod/_user_request_/payments");
    let emulator = std::env::var("AWS_ENDPOINT_URL").expect("the emulator");
    let emulator = emulator.trim_start_matches("http://").trim_end_matches('/');
    // The payment routes require IAM by default: unsigned is refused as API
    // Gateway refuses it, a request signed with another secret too.
    let plain = [
        ("Content-Type", "application/json"),
        ("Idempotency-Key", "live-1"),
    ];
    let (status, body) = http("POST", &payments, None, &plain, payment);
    assert_eq!(status, 403, "unsigned POST /payments: {body}");
    assert!(body.contains("Missing Authentication Token"), "{body}");
    let forged = with(
        &plain,
        signed(
            "POST",
            &payments,
            emulator,
            "us-east-1",
            "not-the-secret",
            payment,
        ),
    );
    let (status, body) = http("POST", &payments, None, &pairs(&forged), payment);
    assert_eq!(status, 403, "POST /payments signed with another secret: {body}");
    let authorized = with(
        &plain,
        signed("POST", &payments, emulator, "us-east-1", "testing", payment),
    );
    let (status, body) = http("POST", &payments, None, &pairs(&authorized), payment);
    assert_eq!(status, 201, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(created["region"], "us-east-1", "{body}");
    let id = created["payment"]["paymentId"]
        .as_str()
        .unwrap_or_else(|| panic!("an id in {body}"))
        .to_string();

    // The retry with the same key is the same payment, as the function
    // promises: the warm instance served it, from the table.
    let authorized = with(
        &plain,
        signed("POST", &payments, emulator, "us-east-1", "testing", payment),
    );
    let (status, again) = http("POST", &payments, None, &pairs(&authorized), payment);
    assert_eq!(status, 200, "{again}");
    assert!(again.contains(&id), "{again}");

    // Read through the other region's API once the global table has it.
    let host = format!("{west}.execute-api.us-east-2.amazonaws.com");
    let read = eventually(20, || {
        let (path, host) = (format!("/prod/payments/{id}"), host.clone());
        async move {
            let headers = signed("GET", &path, &host, "us-east-2", "testing", "");
            let (status, body) = http("GET", &path, Some(&host), &pairs(&headers), "");
            (status == 200).then_some(body)
        }
    })
    .await
    .expect("the payment replicated to us-east-2");
    assert!(read.contains("\"region\":\"us-east-2\""), "{read}");

    let (status, health) = http(
        "GET",
        &format!("/restapis/{east}/prod/_user_request_/health"),
        None,
        &[],
        "",
    );
    assert_eq!(status, 200, "{health}");
    let (status, missing) = http(
        "GET",
        &format!("/restapis/{east}/prod/_user_request_/nowhere"),
        None,
        &[],
        "",
    );
    assert_eq!(status, 403, "API Gateway's answer for no route: {missing}");
    assert!(missing.contains("Missing Authentication Token"), "{missing}");
    let (status, _) = http(
        "GET",
        &format!("/restapis/{east}/staging/_user_request_/health"),
        None,
        &[],
        "",
    );
    assert_eq!(status, 403, "no such stage");

    // Lambda's Invoke runs the same code.
    let lambda = aws_sdk_lambda::Client::new(&aws.config("us-east-1").await);
    let functions = lambda.list_functions().send().await.expect("functions");
    let function = functions
        .functions()
        .iter()
        .filter_map(|f| f.function_name())
        .find(|name| name.contains(&suffix))
        .expect("the stack's function")
        .to_string();
    let event = serde_json::json!({
        "resource": "/health", "path": "/health", "httpMethod": "GET",
        "headers": {}, "multiValueHeaders": {}, "queryStringParameters": null,
        "multiValueQueryStringParameters": null, "pathParameters": null, "stageVariables": null,
        "requestContext": { "httpMethod": "GET", "resourcePath": "/health", "stage": "prod" },
        "body": null, "isBase64Encoded": false,
    });
    let invoked = lambda
        .invoke()
        .function_name(&function)
        .payload(aws_sdk_lambda::primitives::Blob::new(event.to_string()))
        .send()
        .await
        .expect("invoke");
    assert_eq!(
        invoked.function_error(),
        None,
        "{}",
        String::from_utf8_lossy(invoked.payload().map(|p| p.as_ref()).unwrap_or_default())
    );
    let answer: serde_json::Value =
        serde_json::from_slice(invoked.payload().expect("a payload").as_ref()).expect("json");
    assert_eq!(answer["statusCode"], 200, "{answer}");

    // Reserved concurrency 0 throttles every invocation, as in AWS.
    lambda
        .put_function_concurrency()
        .function_name(&function)
        .reserved_concurrent_executions(0)
        .send()
        .await
        .expect("reserve 0");
    let health = || {
        http(
            "GET",
            &format!("/restapis/{east}/prod/_user_request_/health"),
            None,
            &[],
            "",
        )
        .0
    };
    let status = health();
    assert_eq!(status, 429);
    let throttled = lambda
        .invoke()
        .function_name(&function)
        .payload(aws_sdk_lambda::primitives::Blob::new(event.to_string()))
        .send()
        .await
        .expect_err("throttled");
    assert!(
        matches!(throttled.as_service_error(), Some(e) if e.is_too_many_requests_exception()),
        "{throttled:?}"
    );
    lambda
        .delete_function_concurrency()
        .function_name(&function)
        .send()
        .await
        .expect("unreserve");
    let status = health();
    assert_eq!(status, 200);

    // Lambda writes each invocation's START, END and REPORT to the
    // function's log group, as AWS does.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&aws.config("us-east-1").await);
    let group = format!("/aws/lambda/{function}");
    let reported = eventually(10, || {
        let (logs, group) = (logs.clone(), group.clone());
        async move {
            let events = logs
                .filter_log_events()
                .log_group_name(&group)
                .send()
                .await
                .ok()?;
            let text: Vec<&str> = events.events().iter().filter_map(|e| e.message()).collect();
            (text.iter().any(|m| m.starts_with("START RequestId:"))
                && text.iter().any(|m| m.starts_with("REPORT RequestId:")))
            .then_some(())
        }
    })
    .await;
    assert!(reported.is_some(), "no START/REPORT lines in {group}");

    // A region's outage: its API fails, the other region's serves.
    let health = |api: &str| {
        http(
            "GET",
            &format!("/restapis/{api}/prod/_user_request_/health"),
            None,
            &[],
            "",
        )
        .0
    };
    aws.inject(serde_json::json!({ "service": "execute-api", "region": "us-east-1", "error_rate": 1.0, "error": "503" }));
    assert_eq!(
        (health(&east), health(&west)),
        (503, 200),
        "us-east-1's API is down"
    );
    aws.clear_faults();
    aws.inject(
        serde_json::json!({ "service": "lambda", "region": "us-east-2", "error_rate": 1.0, "error": "500" }),
    );
    assert_eq!(
        (health(&east), health(&west)),
        (200, 500),
        "Lambda in us-east-2 is down"
    );
    aws.clear_faults();
    assert_eq!((health(&east), health(&west)), (200, 200), "both recovered");

    // An AWS_IAM route answers only requests signed with SigV4.
    iam_route_needs_a_signature(&aws, &lambda, &function).await;

    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
}

/// `headers` with `more` after them.
fn with(headers: &[(&str, &str)], more: Vec<(String, String)>) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .chain(more)
        .collect()
}

fn pairs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

/// The headers that sign `method path` (with `body`) with SigV4 for
/// execute-api in `region`, with the emulator's secret or another.
fn signed(
    method: &str,
    path: &str,
    host: &str,
    region: &str,
    secret: &str,
    body: &str,
) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let identity =
        aws_credential_types::Credentials::new("AKIASIGNED00001", secret, None, None, "test").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("execute-api")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .expect("params")
        .into();
    let url = format!("http://{host}{path}");
    let request = SignableRequest::new(
        method,
        url.as_str(),
        [("host", host)].into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .expect("signable");
    let (instructions, _) = sign(request, &params).expect("signed").into_parts();
    instructions
        .headers()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

async fn iam_route_needs_a_signature(aws: &Aws, lambda: &aws_sdk_lambda::Client, function: &str) {
    let gateway = aws_sdk_apigateway::Client::new(&aws.config("us-east-1").await);
    let (api, health) = crate::emulator::api_with_health_resource(&gateway, &aws.name("iam")).await;
    gateway
        .put_method()
        .rest_api_id(&api)
        .resource_id(&health)
        .http_method("GET")
        .authorization_type("AWS_IAM")
        .send()
        .await
        .expect("method");
    let arn = lambda
        .get_function()
        .function_name(function)
        .send()
        .await
        .expect("function")
        .configuration()
        .and_then(|c| c.function_arn())
        .expect("arn")
        .to_string();
    gateway
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&health)
        .http_method("GET")
        .r#type(aws_sdk_apigateway::types::IntegrationType::AwsProxy)
        .integration_http_method("POST")
        .uri(format!(
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
        ))
        .send()
        .await
        .expect("integration");
    let deployment = gateway
        .create_deployment()
        .rest_api_id(&api)
        .send()
        .await
        .expect("deployment");
    gateway
        .create_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .deployment_id(deployment.id().expect("id"))
        .send()
        .await
        .expect("stage");

    let host = format!("{api}.execute-api.us-east-1.amazonaws.com");
    let (status, body) = http("GET", "/prod/health", Some(&host), &[], "");
    assert_eq!(status, 403, "unsigned: {body}");
    assert!(body.contains("Missing Authentication Token"), "{body}");
    let wrong = signed("GET", "/prod/health", &host, "us-east-1", "not-the-secret", "");
    let (status, body) = http("GET", "/prod/health", Some(&host), &pairs(&wrong), "");
    assert_eq!(status, 403, "another secret: {body}");
    assert!(body.contains("signature"), "{body}");
    let right = signed("GET", "/prod/health", &host, "us-east-1", "testing", "");
    let (status, body) = http("GET", "/prod/health", Some(&host), &pairs(&right), "");
    assert_eq!(status, 200, "signed: {body}");
    crate::emulator::remove_api(&gateway, &api).await;
}

/// A function that does not answer within its timeout is stopped, as
/// Lambda stops it: the invocation fails with "Task timed out".
#[tokio::test]
async fn a_function_past_its_timeout_is_stopped() {
    let aws = Aws::new("emulator_timeout");
    let config = aws.config("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&config);
    let role = iam
        .create_role()
        .role_name(aws.name("role"))
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .expect("role");
    let arn = role.role().map(|r| r.arn().to_string()).expect("arn");
    // A runtime that never asks for its event.
    let mut package = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut package));
        let options = zip::write::SimpleFileOptions::default().unix_permissions(0o755);
        zip.start_file("bootstrap", options).expect("entry");
        std::io::Write::write_all(&mut zip, b"#!/bin/sh\nexec sleep 60\n").expect("write");
        zip.finish().expect("zip");
    }
    let lambda = aws_sdk_lambda::Client::new(&config);
    let name = aws.name("sleeper");
    lambda
        .create_function()
        .function_name(&name)
        .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
        .handler("bootstrap")
        .role(&arn)
        .timeout(1)
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(package))
                .build(),
        )
        .send()
        .await
        .expect("function");
    let started = std::time::Instant::now();
    let invoked = lambda.invoke().function_name(&name).send().await.expect("invoke");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "answered before its timeout"
    );
    assert_eq!(invoked.function_error(), Some("Unhandled"));
    let report =
        String::from_utf8_lossy(invoked.payload().map(|p| p.as_ref()).unwrap_or_default()).into_owned();
    assert!(report.contains("Task timed out after 1.00 seconds"), "{report}");
    lambda
        .delete_function()
        .function_name(&name)
        .send()
        .await
        .expect("cleanup");
}

/// A route opened with `auth none` and closed again is changed in place
/// (UpdateMethod, as API Gateway refuses a second PutMethod) and redeployed:
/// each time the stage answers as the file says.
#[tokio::test]
async fn a_route_opened_and_closed_again_is_updated_in_place_and_redeployed() {
    let aws = Aws::new("emulator_route_auth");
    let suffix = suffix(&aws);
    let closed = example();
    let open = closed.replace(
        "route POST /payments -> payment_processor",
        "route POST /payments -> payment_processor { auth none }",
    );
    assert_ne!(open, closed);
    let dir = project(&open);
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert!(
        applied.stderr.contains("drx::check::public_route"),
        "a public route is a warning: {}",
        applied.stderr
    );
    let east = api_id(&aws, "us-east-1", &suffix).await;
    let payments = format!("/restapis/{east}/prod/_user_request_/payments");
    let payment = r#"{"amount":5,"currency":"USD","merchant":"m-1","reference":"open"}"#;
    let headers = [
        ("Content-Type", "application/json"),
        ("Idempotency-Key", "open-1"),
    ];
    let (status, body) = http("POST", &payments, None, &headers, payment);
    assert_eq!(status, 201, "open: {body}");

    // The same project (its state), the file as the example has it.
    let example = project(&closed);
    std::fs::copy(
        example.path().join("examples/payments.drx"),
        dir.path().join("examples/payments.drx"),
    )
    .expect("copy");
    let planned = drx(&aws, &suffix, dir.path(), &["plan"]);
    assert!(
        planned.stdout.contains("payment_api.route[\"POST /payments\"]"),
        "{}",
        planned.stdout
    );
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);
    let (status, body) = http("POST", &payments, None, &headers, payment);
    assert_eq!(status, 403, "closed again: {body}");
    let replanned = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(replanned.status, 0, "{}", replanned.stdout);

    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
}
