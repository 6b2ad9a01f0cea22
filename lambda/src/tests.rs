//! The handler against the emulator (DynamoDB and S3 through the SDK):
//! `scripts/test` starts it and exports `AWS_ENDPOINT_URL`.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateReplicationGroupMemberAction, KeySchemaElement, KeyType,
    ReplicaStatus, ReplicationGroupUpdate, ScalarAttributeType, StreamSpecification, StreamViewType,
};

use super::*;

fn unique(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("lambda-{what}-{:x}{:x}", nanos % 0xffff_ffff, std::process::id())
}

async fn config(region: &str) -> aws_config::SdkConfig {
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .expect("AWS_ENDPOINT_URL is not set: run the tests with scripts/test, which starts the emulator");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "AKIALAMBDATESTS",
            "testing",
            None,
            None,
            "tests",
        ))
        .load()
        .await
}

/// A table and a bucket in `region`, the table global when `replica` is given.
async fn store(region: &str, replica: Option<&str>) -> (AwsStore, String, String) {
    let config = config(region).await;
    let (table, bucket) = (unique("table"), unique("bucket"));
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    dynamodb
        .create_table()
        .table_name(&table)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("paymentId")
                .key_type(KeyType::Hash)
                .build()
                .expect("key"),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("paymentId")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attr"),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("stream"),
        )
        .send()
        .await
        .expect("create table");
    if let Some(replica) = replica {
        dynamodb
            .update_table()
            .table_name(&table)
            .replica_updates(
                ReplicationGroupUpdate::builder()
                    .create(
                        CreateReplicationGroupMemberAction::builder()
                            .region_name(replica)
                            .build()
                            .expect("replica"),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("add replica");
        for _ in 0..100 {
            let described = dynamodb
                .describe_table()
                .table_name(&table)
                .send()
                .await
                .expect("describe");
            let active = described
                .table()
                .map(|t| t.replicas())
                .unwrap_or_default()
                .iter()
                .all(|r| r.replica_status() == Some(&ReplicaStatus::Active));
            if active {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let mut create = s3.create_bucket().bucket(&bucket);
    if region != "us-east-1" {
        create = create.create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
                .build(),
        );
    }
    create.send().await.expect("create bucket");
    (
        AwsStore::new(&config, true, table.clone(), bucket.clone()),
        table,
        bucket,
    )
}

fn post(key: Option<&str>, body: &str) -> Request {
    let mut headers = HashMap::new();
    if let Some(key) = key {
        headers.insert("idempotency-key".to_string(), key.to_string());
    }
    Request {
        method: "POST".into(),
        path: "/payments".into(),
        headers,
        body: Some(body.into()),
    }
}

fn get(path: &str) -> Request {
    Request {
        method: "GET".into(),
        path: path.into(),
        ..Request::default()
    }
}

const PAYMENT: &str = r#"{"amount": 1250, "currency": "EUR", "merchant": "m-42", "reference": "order 7"}"#;

#[tokio::test]
async fn a_payment_is_created_once_and_retries_return_it() {
    let (store, _, bucket) = store("us-east-1", None).await;
    let created = handle(&post(Some("key-1"), PAYMENT), &store, "us-east-1").await;
    assert_eq!(created.status, 201, "{}", created.body);
    let payment = &created.body["payment"];
    assert_eq!(payment["amount"], 1250);
    assert_eq!(created.body["region"], "us-east-1");
    assert!(
        payment.get("idempotencyKey").is_none(),
        "internal fields stay internal"
    );
    let id = payment["paymentId"].as_str().expect("id").to_string();

    // The receipt is in the region's bucket.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config("us-east-1").await)
            .force_path_style(true)
            .build(),
    );
    let receipt = s3
        .get_object()
        .bucket(&bucket)
        .key(format!("receipts/{id}.json"))
        .send()
        .await
        .expect("receipt");
    let receipt: serde_json::Value =
        serde_json::from_slice(&receipt.body.collect().await.expect("body").into_bytes()).expect("json");
    assert_eq!(receipt["paymentId"], id);

    // The same key and body again: the original payment, not a second one.
    let retried = handle(&post(Some("key-1"), PAYMENT), &store, "us-east-1").await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(retried.body["payment"], created.body["payment"]);

    // The same key with another body is a conflict.
    let other = PAYMENT.replace("1250", "9999");
    let conflict = handle(&post(Some("key-1"), &other), &store, "us-east-1").await;
    assert_eq!(conflict.status, 409, "{}", conflict.body);
    assert_eq!(conflict.body["error"], "idempotency_key_reused");

    let read = handle(&get(&format!("/payments/{id}")), &store, "us-east-1").await;
    assert_eq!(
        (read.status, &read.body["payment"]),
        (200, &created.body["payment"])
    );
    let missing = handle(
        &get("/payments/pay_000000000000000000000000"),
        &store,
        "us-east-1",
    )
    .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn bad_input_gets_a_4xx_with_a_json_error() {
    let (store, _, _) = store("us-east-1", None).await;
    let cases = [
        (post(None, PAYMENT), 400, "missing_idempotency_key"),
        (post(Some("k"), "{not json"), 422, "invalid_payment"),
        (
            post(
                Some("k"),
                r#"{"amount": 5, "currency": "XYZ", "merchant": "m", "reference": "r"}"#,
            ),
            422,
            "invalid_payment",
        ),
        (
            Request {
                body: None,
                ..post(Some("k"), "")
            },
            400,
            "missing_body",
        ),
        (get("/nowhere"), 404, "not_found"),
        (
            Request {
                method: "DELETE".into(),
                ..get("/payments")
            },
            405,
            "method_not_allowed",
        ),
        (get("/payments/not-an-id"), 404, "not_found"),
    ];
    for (request, status, code) in cases {
        let response = handle(&request, &store, "us-east-1").await;
        assert_eq!(
            response.status, status,
            "{} {}: {}",
            request.method, request.path, response.body
        );
        assert_eq!(response.body["error"], code, "{}", response.body);
        assert!(response.body["message"].is_string());
    }
}

#[tokio::test]
async fn health_is_200_with_the_table_and_503_without() {
    let (store, _, bucket) = store("us-east-2", None).await;
    let healthy = handle(&get("/health"), &store, "us-east-2").await;
    assert_eq!(healthy.status, 200);
    assert_eq!(
        healthy.body,
        serde_json::json!({ "status": "ok", "region": "us-east-2" })
    );

    let config = config("us-east-2").await;
    let broken = AwsStore::new(&config, true, unique("missing-table"), bucket);
    let unhealthy = handle(&get("/health"), &broken, "us-east-2").await;
    assert_eq!(unhealthy.status, 503, "{}", unhealthy.body);
    assert_eq!(unhealthy.body["status"], "unavailable");
    assert_eq!(unhealthy.body["region"], "us-east-2");
}

#[tokio::test]
async fn a_payment_written_in_one_region_is_read_in_the_other() {
    let (east1, table, _) = store("us-east-1", Some("us-east-2")).await;
    let config2 = config("us-east-2").await;
    let s3_2 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config2)
            .force_path_style(true)
            .build(),
    );
    let bucket2 = unique("bucket2");
    s3_2.create_bucket()
        .bucket(&bucket2)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::UsEast2)
                .build(),
        )
        .send()
        .await
        .expect("bucket");
    let east2 = AwsStore::new(&config2, true, table, bucket2);
    let created = handle(&post(Some("cross-region"), PAYMENT), &east1, "us-east-1").await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["payment"]["paymentId"]
        .as_str()
        .expect("id")
        .to_string();
    let mut found = None;
    for _ in 0..100 {
        let read = handle(&get(&format!("/payments/{id}")), &east2, "us-east-2").await;
        if read.status == 200 {
            found = Some(read);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let found = found.expect("the payment reached us-east-2");
    assert_eq!(
        found.body["region"], "us-east-2",
        "served by the us-east-2 handler"
    );
    assert_eq!(
        found.body["payment"]["region"], "us-east-1",
        "accepted in us-east-1"
    );
}
