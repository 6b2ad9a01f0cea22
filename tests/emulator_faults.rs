//! CloudWatch through the pinned SDK, fault injection and the call
//! counter of the emulator.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::aws::Aws;
use crate::emulator::global_table;

#[tokio::test]
async fn cloudwatch_alarms_round_trip_through_the_sdk() {
    let aws = Aws::new("cloudwatch");
    let cloudwatch = aws.cloudwatch("us-east-2").await;
    let name = aws.name("errors");
    let topic = "arn:aws:sns:us-east-2:123456789012:alerts";
    cloudwatch
        .put_metric_alarm()
        .alarm_name(&name)
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .dimensions(
            aws_sdk_cloudwatch::types::Dimension::builder()
                .name("FunctionName")
                .value("processor")
                .build(),
        )
        .period(60)
        .evaluation_periods(2)
        .threshold(5.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .alarm_actions(topic)
        .send()
        .await
        .expect("put alarm");
    let described = cloudwatch
        .describe_alarms()
        .alarm_names(&name)
        .send()
        .await
        .expect("describe");
    let alarm = &described.metric_alarms()[0];
    assert_eq!(alarm.alarm_name(), Some(name.as_str()));
    assert_eq!(alarm.threshold(), Some(5.0));
    assert_eq!(alarm.evaluation_periods(), Some(2));
    assert_eq!(alarm.alarm_actions(), [topic.to_string()]);
    assert!(
        alarm
            .alarm_arn()
            .is_some_and(|arn| arn.starts_with("arn:aws:cloudwatch:us-east-2:"))
    );
}

#[tokio::test]
async fn injected_throttling_is_seen_and_retried_by_the_sdk() {
    let aws = Aws::new("throttling");
    let dynamodb = aws.dynamodb("us-east-1").await;
    // Two failures, then success: the SDK's standard retry (3 attempts) hides them.
    aws.inject(serde_json::json!({ "service": "dynamodb", "operation": "ListTables", "error_rate": 1.0, "times": 2 }));
    dynamodb
        .list_tables()
        .send()
        .await
        .expect("retried through two throttles");
    assert_eq!(aws.requests()["operations"]["dynamodb:ListTables"], 3);

    // Always throttled: the SDK gives up and says why.
    aws.clear_faults();
    aws.inject(serde_json::json!({ "service": "dynamodb", "operation": "ListTables", "error_rate": 1.0 }));
    let error = dynamodb
        .list_tables()
        .send()
        .await
        .expect_err("throttled every time");
    assert_eq!(
        aws_sdk_dynamodb::error::ProvideErrorMetadata::code(&error),
        Some("ThrottlingException")
    );
    assert_eq!(
        aws.requests()["operations"]["dynamodb:ListTables"],
        6,
        "three more attempts"
    );

    // S3 throttles with 503 SlowDown.
    aws.clear_faults();
    aws.inject(serde_json::json!({ "service": "s3", "error_rate": 1.0, "times": 1 }));
    let s3 = aws.s3("us-east-1").await;
    s3.create_bucket()
        .bucket(aws.name("bucket"))
        .send()
        .await
        .expect("retried through SlowDown");
}

#[tokio::test]
async fn injected_latency_shows_in_call_times() {
    let aws = Aws::new("latency");
    let dynamodb = aws.dynamodb("us-east-1").await;
    dynamodb.list_tables().send().await.expect("warm up");
    // The quickest of a few calls: other tests share the machine, and one
    // slow answer must not decide.
    let quickest = || async {
        let mut quickest = Duration::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            dynamodb.list_tables().send().await.expect("list");
            quickest = quickest.min(started.elapsed());
        }
        quickest
    };
    let plain = quickest().await;
    aws.inject(serde_json::json!({ "service": "dynamodb", "delay_ms": 300, "jitter_ms": 50 }));
    let delayed = quickest().await;
    assert!(delayed >= Duration::from_millis(300), "{delayed:?}");
    assert!(
        delayed > plain + Duration::from_millis(200),
        "plain {plain:?}, delayed {delayed:?}"
    );
}

#[tokio::test]
async fn the_counter_counts_by_operation_and_mutation() {
    let aws = Aws::new("counter");
    let name = aws.name("table");
    let (east1, _east2) = global_table(&aws, &name).await;
    east1
        .put_item()
        .table_name(&name)
        .item("id", AttributeValue::S("1".into()))
        .send()
        .await
        .expect("put");
    east1
        .get_item()
        .table_name(&name)
        .key("id", AttributeValue::S("1".into()))
        .send()
        .await
        .expect("get");
    let requests = aws.requests();
    assert_eq!(requests["operations"]["dynamodb:CreateTable"], 1);
    assert_eq!(requests["operations"]["dynamodb:UpdateTable"], 1);
    assert_eq!(requests["operations"]["dynamodb:PutItem"], 1);
    assert_eq!(requests["operations"]["dynamodb:GetItem"], 1);
    assert_eq!(requests["mutating"], 3, "{requests}");
    assert_eq!(requests["total"], 4, "{requests}");
}

/// A request the client gave up on is still carried out, as AWS carries out
/// what it received: the emulator's work is not cancelled with the
/// connection (a drx killed mid-call must find what that call made).
#[tokio::test]
async fn a_request_whose_caller_hung_up_is_still_carried_out() {
    let aws = Aws::new("hung_up");
    let s3 = aws.s3("us-east-1").await;
    let bucket = aws.name("bucket");
    s3.create_bucket().bucket(&bucket).send().await.expect("bucket");
    let impatient = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&aws.config("us-east-1").await)
            .force_path_style(true)
            .timeout_config(
                aws_sdk_s3::config::timeout::TimeoutConfig::builder()
                    .operation_timeout(Duration::from_millis(200))
                    .build(),
            )
            .build(),
    );
    aws.inject(serde_json::json!({ "service": "s3", "operation": "PutObject", "delay_ms": 1_000 }));
    impatient
        .put_object()
        .bucket(&bucket)
        .key("k")
        .body(b"x".to_vec().into())
        .send()
        .await
        .expect_err("the caller gives up before the answer");
    aws.clear_faults();
    let arrived = crate::aws::eventually(5, || async {
        s3.head_object().bucket(&bucket).key("k").send().await.ok()
    })
    .await;
    assert!(arrived.is_some(), "the request was dropped with its caller");
}
