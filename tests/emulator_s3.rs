//! The emulator's S3 replication, through the Rust SDK: replica status,
//! versioning.

use std::time::Duration;

use aws_sdk_s3::types::{
    BucketLocationConstraint, DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination,
    ReplicationConfiguration, ReplicationRule, ReplicationRuleFilter, ReplicationRuleStatus,
    ReplicationStatus,
};

use crate::aws::{Aws, eventually};

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

/// A versioned source bucket in us-east-1 replicating to a versioned
/// destination in us-east-2 by the rule `rule` makes for the destination;
/// a client for each region, the source's and the destination's.
async fn replicating(
    aws: &Aws,
    rule: impl FnOnce(&str) -> ReplicationRule,
) -> (aws_sdk_s3::Client, aws_sdk_s3::Client, String, String) {
    let s3 = aws.s3("us-east-1").await;
    let (source, destination) = (aws.name("source"), aws.name("destination"));
    aws.versioned_bucket(&source, "us-east-1").await;
    aws.versioned_bucket(&destination, "us-east-2").await;
    s3.put_bucket_replication()
        .bucket(&source)
        .replication_configuration(
            ReplicationConfiguration::builder()
                .role("arn:aws:iam::123456789012:role/replication")
                .rules(rule(&destination))
                .build()
                .expect("config"),
        )
        .send()
        .await
        .expect("replication configuration");
    (s3, aws.s3("us-east-2").await, source, destination)
}

#[tokio::test]
async fn objects_replicate_with_their_status() {
    let aws = Aws::new("s3_replication");
    let (s3, replica, source, destination) = replicating(&aws, |destination| {
        replication_rule(Some("receipts"), "receipts/", destination)
    })
    .await;

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
    let copy = replica
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
        replica
            .head_object()
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
    aws.versioned_bucket(&destination, "us-east-2").await;
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

/// S3 replication paused between two regions: the copy waits for the
/// resume, then arrives.
#[tokio::test]
async fn paused_s3_replication_delivers_its_backlog_on_resume() {
    let aws = Aws::new("s3_replication_paused");
    let (s3, replica, source, destination) =
        replicating(&aws, |destination| replication_rule(Some("all"), "", destination)).await;
    aws.pause("s3", "us-east-1", "us-east-2");
    s3.put_object()
        .bucket(&source)
        .key("receipt.json")
        .body(b"{}".to_vec().into())
        .send()
        .await
        .expect("put");
    let copied = || async {
        replica
            .head_object()
            .bucket(&destination)
            .key("receipt.json")
            .send()
            .await
            .ok()
    };
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert!(copied().await.is_none(), "replicated while paused");
    aws.resume();
    assert!(
        eventually(10, copied).await.is_some(),
        "the backlog was not delivered"
    );
}

/// S3 Replication Time Control's metrics, as S3 publishes them in the
/// source region: the rule's backlog while replication is paused, then the
/// copy's latency and an empty backlog.
#[tokio::test]
async fn replication_metrics_report_the_backlog_and_the_latency() {
    let aws = Aws::new("s3_replication_metrics");
    let (s3, _, source, destination) = replicating(&aws, |destination| {
        let mut rule = replication_rule(Some("measured"), "", destination);
        rule.destination = Some(
            Destination::builder()
                .bucket(format!("arn:aws:s3:::{destination}"))
                .metrics(
                    aws_sdk_s3::types::Metrics::builder()
                        .status(aws_sdk_s3::types::MetricsStatus::Enabled)
                        .build()
                        .expect("metrics"),
                )
                .build()
                .expect("destination"),
        );
        rule
    })
    .await;
    aws.pause("s3", "us-east-1", "us-east-2");
    s3.put_object()
        .bucket(&source)
        .key("receipt.json")
        .body(b"{}".to_vec().into())
        .send()
        .await
        .expect("put");
    let points = |name: &'static str| {
        let (aws, source, destination) = (&aws, source.clone(), destination.clone());
        async move {
            let dimensions = [
                ("SourceBucket", source.as_str()),
                ("DestinationBucket", destination.as_str()),
                ("RuleId", "measured"),
            ];
            aws.metric("us-east-1", "AWS/S3", name, &dimensions).await
        }
    };
    assert_eq!(
        points("OperationsPendingReplication").await,
        [(1.0, 1.0)],
        "one operation waits"
    );
    assert!(
        points("ReplicationLatency").await.is_empty(),
        "nothing copied yet"
    );
    aws.resume();
    let latency = eventually(10, || async {
        let found = points("ReplicationLatency").await;
        (!found.is_empty()).then_some(found)
    })
    .await
    .expect("a latency published once the copy arrived");
    assert!(latency[0].0 >= 0.0, "{latency:?}");
    // The backlog published after the copy is empty.
    let backlog = points("OperationsPendingReplication").await;
    assert!(backlog.iter().any(|(_, minimum)| *minimum == 0.0), "{backlog:?}");
}

/// A bucket that denies requests without TLS still serves the emulator's
/// callers, who stand for HTTPS clients, and its policy reads back as put.
#[tokio::test]
async fn a_tls_only_policy_reads_back_and_lets_tls_callers_in() {
    let aws = Aws::new("s3_tls_only");
    let s3 = aws.s3("us-east-1").await;
    let bucket = aws.name("tls");
    aws.versioned_bucket(&bucket, "us-east-1").await;
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } }
        }]
    })
    .to_string();
    s3.put_bucket_policy()
        .bucket(&bucket)
        .policy(&policy)
        .send()
        .await
        .expect("put the policy");
    s3.put_object()
        .bucket(&bucket)
        .key("a.json")
        .body(b"{}".to_vec().into())
        .send()
        .await
        .expect("a TLS caller writes");
    let read = s3.get_bucket_policy().bucket(&bucket).send().await.expect("read");
    assert_eq!(read.policy(), Some(policy.as_str()));
    s3.delete_bucket_policy()
        .bucket(&bucket)
        .send()
        .await
        .expect("delete");
    let gone = s3
        .get_bucket_policy()
        .bucket(&bucket)
        .send()
        .await
        .expect_err("no policy");
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&gone),
        Some("NoSuchBucketPolicy")
    );
}

/// A bucket answers in its own region only: anywhere else S3 says 301
/// PermanentRedirect and names the region in `x-amz-bucket-region`;
/// GetBucketLocation answers anywhere; a bucket deleted and made again in
/// another region is found there.
#[tokio::test]
async fn a_bucket_answers_in_its_own_region_only() {
    let aws = Aws::new("s3_regions");
    let bucket = aws.name("east2");
    aws.versioned_bucket(&bucket, "us-east-2").await;
    let (east1, east2) = (aws.s3("us-east-1").await, aws.s3("us-east-2").await);
    let put = |client: &aws_sdk_s3::Client| {
        client
            .put_object()
            .bucket(&bucket)
            .key("k")
            .body(b"x".to_vec().into())
            .send()
    };
    let error = put(&east1).await.expect_err("redirected");
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&error),
        Some("PermanentRedirect")
    );
    let raw = error.raw_response().expect("an answer");
    assert_eq!(raw.status().as_u16(), 301);
    assert_eq!(raw.headers().get("x-amz-bucket-region"), Some("us-east-2"));
    let location = east1
        .get_bucket_location()
        .bucket(&bucket)
        .send()
        .await
        .expect("answered from any region");
    assert_eq!(
        location.location_constraint(),
        Some(&BucketLocationConstraint::UsEast2)
    );
    put(&east2).await.expect("answered in its own region");

    let versions = east2
        .list_object_versions()
        .bucket(&bucket)
        .send()
        .await
        .expect("versions");
    for version in versions.versions() {
        east2
            .delete_object()
            .bucket(&bucket)
            .key(version.key().unwrap_or_default())
            .set_version_id(version.version_id().map(str::to_string))
            .send()
            .await
            .expect("delete version");
    }
    east2
        .delete_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("deleted");
    east1
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("made again in us-east-1");
    put(&east1).await.expect("found in its new region");
    assert!(put(&east2).await.is_err(), "no longer answered in us-east-2");
}
