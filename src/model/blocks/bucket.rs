//! `bucket`: an S3 bucket and its replicas.

use super::super::resources::ResourceType;
use super::{BlockSpec, DURATION, Global, MetricUnit, StatementKind, action, attribute, home_metric, metric};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "bucket",
    counted_as: "bucket",
    about: "An S3 bucket in the primary; `replicate to …` adds a replica bucket per target region with the rule, role and versioning that requires.",
    attributes: &[
        attribute(
            "versioning",
            "`on` or `off`",
            Some("on"),
            "Object versioning; replication requires it.",
        ),
        attribute(
            "encryption",
            "`aes256` or `kms`",
            Some("aes256"),
            "Default encryption.",
        ),
        attribute(
            "public_access",
            "`blocked` or `allowed`",
            Some("blocked"),
            "The public-access block.",
        ),
        attribute(
            "tls_only",
            "`on` or `off`",
            Some("on"),
            "A bucket policy that denies every request not made over TLS (`aws:SecureTransport`).",
        ),
        attribute(
            "acls",
            "`disabled` or `enabled`",
            Some("disabled"),
            "Object ownership: `disabled` is BucketOwnerEnforced (ACLs off, the bucket owns every object).",
        ),
        attribute(
            "access_logs",
            "`on` or `off`",
            Some("on"),
            "S3 server access logs, one record per request, delivered to a log bucket drx makes in each region (private, encrypted, TLS only, expiring after a year, not logging itself).",
        ),
        attribute(
            "rpo",
            DURATION,
            None,
            "This store's own recovery point objective.",
        ),
    ],
    replicate: &[
        attribute(
            "time_control",
            DURATION,
            None,
            "S3 Replication Time Control: its one threshold is 15m.",
        ),
        attribute(
            "metrics",
            "`on` or `off`",
            None,
            "Replication metrics; implied by `time_control`.",
        ),
    ],
    route: &[],
    statements: &[StatementKind::Replicate],
    references: &["name", "arn", "domain_name"],
    global_references: Global::None,
    metrics: &[
        home_metric(metric(
            "replication_latency",
            "AWS/S3",
            "ReplicationLatency",
            "Maximum",
            MetricUnit::Seconds,
        )),
        home_metric(metric(
            "operations_pending_replication",
            "AWS/S3",
            "OperationsPendingReplication",
            "Maximum",
            MetricUnit::Count,
        )),
        home_metric(metric(
            "operations_failed_replication",
            "AWS/S3",
            "OperationsFailedReplication",
            "Sum",
            MetricUnit::Count,
        )),
        home_metric(metric(
            "bytes_pending_replication",
            "AWS/S3",
            "BytesPendingReplication",
            "Maximum",
            MetricUnit::Bytes,
        )),
    ],
    actions: &[
        action("s3.read", &["s3:GetObject", "s3:ListBucket"]),
        action("s3.write", &["s3:PutObject", "s3:DeleteObject"]),
    ],
    lowers_to: &[
        ResourceType::S3Bucket,
        ResourceType::S3Replication,
        ResourceType::IamRole,
        ResourceType::IamRolePolicy,
    ],
};
