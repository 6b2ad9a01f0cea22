//! The emulator harness, through the Rust SDK: the DR behaviours moto lacks,
//! CloudWatch through the pinned SDK, and fault injection.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, CreateReplicationGroupMemberAction,
    DeleteReplicationGroupMemberAction, KeySchemaElement, KeyType, ReplicaStatus, ReplicationGroupUpdate,
    ScalarAttributeType, StreamSpecification, StreamViewType,
};
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration, DeleteMarkerReplication,
    DeleteMarkerReplicationStatus, Destination, ReplicationConfiguration, ReplicationRule,
    ReplicationRuleFilter, ReplicationRuleStatus, ReplicationStatus, VersioningConfiguration,
};

use crate::aws::{Aws, eventually};

/// A request for an on-demand table keyed by a string `id`.
fn on_demand_table(
    client: &aws_sdk_dynamodb::Client,
    name: &str,
) -> aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder {
    client
        .create_table()
        .table_name(name)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .expect("key"),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute"),
        )
        .billing_mode(BillingMode::PayPerRequest)
}

async fn global_table(aws: &Aws, name: &str) -> (aws_sdk_dynamodb::Client, aws_sdk_dynamodb::Client) {
    let east1 = aws.dynamodb("us-east-1").await;
    let east2 = aws.dynamodb("us-east-2").await;
    on_demand_table(&east1, name)
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
    east1
        .update_table()
        .table_name(name)
        .replica_updates(
            ReplicationGroupUpdate::builder()
                .create(
                    CreateReplicationGroupMemberAction::builder()
                        .region_name("us-east-2")
                        .build()
                        .expect("replica"),
                )
                .build(),
        )
        .send()
        .await
        .expect("add replica");
    (east1, east2)
}

async fn replica_status(client: &aws_sdk_dynamodb::Client, name: &str) -> Option<ReplicaStatus> {
    let table = client
        .describe_table()
        .table_name(name)
        .send()
        .await
        .ok()?
        .table?;
    table
        .replicas?
        .into_iter()
        .find(|r| r.region_name() == Some("us-east-2"))?
        .replica_status
}

#[tokio::test]
async fn a_replica_appears_in_the_other_region_and_becomes_active() {
    let aws = Aws::new("replica_active");
    let name = aws.name("table");
    let (east1, east2) = global_table(&aws, &name).await;
    let first = replica_status(&east1, &name).await;
    assert!(
        matches!(first, Some(ReplicaStatus::Creating | ReplicaStatus::Active)),
        "{first:?}"
    );
    let active = eventually(10, || async {
        (replica_status(&east1, &name).await == Some(ReplicaStatus::Active)).then_some(())
    })
    .await;
    assert!(active.is_some(), "the replica never became ACTIVE");
    let replica = east2
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .expect("the table exists in us-east-2");
    let table = replica.table.expect("table");
    assert_eq!(table.global_table_version(), Some("2019.11.21"));
    assert_eq!(table.key_schema()[0].attribute_name(), "id");
}

#[tokio::test]
async fn items_replicate_both_ways() {
    let aws = Aws::new("items_replicate");
    let name = aws.name("table");
    let (east1, east2) = global_table(&aws, &name).await;
    eventually(10, || async {
        (replica_status(&east1, &name).await == Some(ReplicaStatus::Active)).then_some(())
    })
    .await
    .expect("replica active");
    let put = |client: aws_sdk_dynamodb::Client, id: &'static str, region: &'static str| {
        let name = name.clone();
        async move {
            client
                .put_item()
                .table_name(name)
                .item("id", AttributeValue::S(id.into()))
                .item("written_in", AttributeValue::S(region.into()))
                .send()
                .await
                .expect("put item");
        }
    };
    put(east1.clone(), "from-east-1", "us-east-1").await;
    put(east2.clone(), "from-east-2", "us-east-2").await;
    let read = |client: aws_sdk_dynamodb::Client, id: &'static str| {
        let name = name.clone();
        async move {
            client
                .get_item()
                .table_name(name)
                .key("id", AttributeValue::S(id.into()))
                .send()
                .await
                .ok()?
                .item
        }
    };
    let copied = eventually(10, || read(east2.clone(), "from-east-1"))
        .await
        .expect("us-east-1 → us-east-2");
    assert_eq!(copied["written_in"], AttributeValue::S("us-east-1".into()));
    let copied = eventually(10, || read(east1.clone(), "from-east-2"))
        .await
        .expect("us-east-2 → us-east-1");
    assert_eq!(copied["written_in"], AttributeValue::S("us-east-2".into()));

    // Deletes replicate too.
    east1
        .delete_item()
        .table_name(&name)
        .key("id", AttributeValue::S("from-east-1".into()))
        .send()
        .await
        .expect("delete");
    let gone = eventually(10, || async {
        read(east2.clone(), "from-east-1").await.is_none().then_some(())
    })
    .await;
    assert!(gone.is_some(), "the delete did not replicate");
}

#[tokio::test]
async fn deleting_a_replica_removes_its_table() {
    let aws = Aws::new("replica_delete");
    let name = aws.name("table");
    let (east1, east2) = global_table(&aws, &name).await;
    eventually(10, || async {
        (replica_status(&east1, &name).await == Some(ReplicaStatus::Active)).then_some(())
    })
    .await
    .expect("replica active");
    east1
        .update_table()
        .table_name(&name)
        .replica_updates(
            ReplicationGroupUpdate::builder()
                .delete(
                    DeleteReplicationGroupMemberAction::builder()
                        .region_name("us-east-2")
                        .build()
                        .expect("replica"),
                )
                .build(),
        )
        .send()
        .await
        .expect("delete replica");
    let gone = eventually(10, || async {
        east2
            .describe_table()
            .table_name(&name)
            .send()
            .await
            .is_err()
            .then_some(())
    })
    .await;
    assert!(gone.is_some(), "the replica's table still exists");
    let table = east1
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .expect("the table stays")
        .table
        .expect("table");
    assert!(table.replicas().is_empty(), "{:?}", table.replicas());
}

#[tokio::test]
async fn replicas_need_streams() {
    let aws = Aws::new("replica_streams");
    let name = aws.name("table");
    let east1 = aws.dynamodb("us-east-1").await;
    on_demand_table(&east1, &name).send().await.expect("create table");
    let error = east1
        .update_table()
        .table_name(&name)
        .replica_updates(
            ReplicationGroupUpdate::builder()
                .create(
                    CreateReplicationGroupMemberAction::builder()
                        .region_name("us-east-2")
                        .build()
                        .expect("replica"),
                )
                .build(),
        )
        .send()
        .await
        .expect_err("refused without streams");
    assert_eq!(
        aws_sdk_dynamodb::error::ProvideErrorMetadata::code(&error),
        Some("ValidationException")
    );
}

/// An enabled rule replicating keys under `prefix` to `destination`,
/// delete markers not replicated.
fn replication_rule(id: Option<&str>, prefix: &str, destination: &str) -> ReplicationRule {
    ReplicationRule::builder()
        .set_id(id.map(str::to_string))
        .priority(1)
        .status(ReplicationRuleStatus::Enabled)
        .filter(ReplicationRuleFilter::builder().prefix(prefix).build())
        .destination(
            Destination::builder()
                .bucket(format!("arn:aws:s3:::{destination}"))
                .build()
                .expect("destination"),
        )
        .delete_marker_replication(
            DeleteMarkerReplication::builder()
                .status(DeleteMarkerReplicationStatus::Disabled)
                .build(),
        )
        .build()
        .expect("rule")
}

async fn versioned_bucket(s3: &aws_sdk_s3::Client, name: &str, region: Option<&str>) {
    let mut create = s3.create_bucket().bucket(name);
    if let Some(region) = region {
        create = create.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build(),
        );
    }
    create.send().await.expect("create bucket");
    s3.put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
}

#[tokio::test]
async fn objects_replicate_with_their_status() {
    let aws = Aws::new("s3_replication");
    let s3 = aws.s3("us-east-1").await;
    let (source, destination) = (aws.name("source"), aws.name("destination"));
    versioned_bucket(&s3, &source, None).await;
    versioned_bucket(&s3, &destination, Some("us-east-2")).await;
    let rule = replication_rule(Some("receipts"), "receipts/", &destination);
    s3.put_bucket_replication()
        .bucket(&source)
        .replication_configuration(
            ReplicationConfiguration::builder()
                .role("arn:aws:iam::123456789012:role/replication")
                .rules(rule)
                .build()
                .expect("config"),
        )
        .send()
        .await
        .expect("replication configuration");

    // The configuration reads back as it was put (moto alone loses the prefix).
    let stored = s3
        .get_bucket_replication()
        .bucket(&source)
        .send()
        .await
        .expect("get replication");
    let rules = stored.replication_configuration().expect("configuration").rules();
    assert_eq!(rules[0].filter().and_then(|f| f.prefix()), Some("receipts/"));

    for key in ["receipts/1.json", "other/2.json"] {
        s3.put_object()
            .bucket(&source)
            .key(key)
            .body(b"{\"amount\":100}".to_vec().into())
            .send()
            .await
            .expect("put");
    }
    let pending = s3
        .head_object()
        .bucket(&source)
        .key("receipts/1.json")
        .send()
        .await
        .expect("head");
    assert_eq!(pending.replication_status(), Some(&ReplicationStatus::Pending));
    let completed = eventually(10, || async {
        let head = s3
            .head_object()
            .bucket(&source)
            .key("receipts/1.json")
            .send()
            .await
            .ok()?;
        (head.replication_status() == Some(&ReplicationStatus::Completed)).then_some(())
    })
    .await;
    assert!(completed.is_some(), "the source never reported COMPLETED");
    let copy = s3
        .get_object()
        .bucket(&destination)
        .key("receipts/1.json")
        .send()
        .await
        .expect("the copy exists");
    assert_eq!(copy.replication_status(), Some(&ReplicationStatus::Replica));
    let body = copy.body.collect().await.expect("body").into_bytes();
    assert_eq!(&body[..], b"{\"amount\":100}");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        s3.head_object()
            .bucket(&destination)
            .key("other/2.json")
            .send()
            .await
            .is_err(),
        "objects outside the rule's filter are not replicated"
    );
}

#[tokio::test]
async fn replication_needs_versioning() {
    let aws = Aws::new("s3_versioning");
    let s3 = aws.s3("us-east-1").await;
    let (source, destination) = (aws.name("source"), aws.name("destination"));
    s3.create_bucket().bucket(&source).send().await.expect("create");
    versioned_bucket(&s3, &destination, Some("us-east-2")).await;
    let rule = replication_rule(None, "", &destination);
    let error = s3
        .put_bucket_replication()
        .bucket(&source)
        .replication_configuration(
            ReplicationConfiguration::builder()
                .role("arn:aws:iam::123456789012:role/r")
                .rules(rule)
                .build()
                .expect("config"),
        )
        .send()
        .await
        .expect_err("refused without versioning");
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&error),
        Some("InvalidRequest")
    );
}

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
