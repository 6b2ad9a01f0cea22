//! `table`: a DynamoDB table, global when replicated.

use super::super::resources::ResourceType;
use super::{
    BlockSpec, DURATION, Global, MetricUnit, StatementKind, action, attribute, block, metric, required,
};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "table",
    counted_as: "table",
    about: "A DynamoDB table in the primary; `replicate globally` makes it a global table with a replica in every secondary.",
    attributes: &[
        required(
            "key",
            "a key such as `paymentId: string`",
            "The partition key: string, number or binary.",
        ),
        attribute(
            "sort_key",
            "a key such as `createdAt: number`",
            None,
            "The sort key.",
        ),
        attribute(
            "billing",
            "`on_demand` or `provisioned`",
            Some("on_demand"),
            "The billing mode; replicated tables bill on demand.",
        ),
        block(
            "capacity",
            "Provisioned capacity, with `billing provisioned`.",
            &[
                required("read", "a number", "Read capacity units."),
                required("write", "a number", "Write capacity units."),
            ],
        ),
        attribute(
            "recovery",
            "`point_in_time` or `none`",
            Some("point_in_time"),
            "Point-in-time recovery.",
        ),
        attribute(
            "deletion_protection",
            "`on` or `off`",
            Some("on"),
            "DynamoDB refuses to delete the table and its replicas while it is on; `drx destroy --allow-data-loss` turns it off first.",
        ),
        attribute(
            "rpo",
            DURATION,
            None,
            "This store's own recovery point objective.",
        ),
    ],
    replicate: &[attribute(
        "consistency",
        "`eventual` or `strong`",
        Some("eventual"),
        "Multi-Region eventual (MREC) or strong (MRSC, exactly three regions) consistency.",
    )],
    route: &[],
    statements: &[StatementKind::Replicate],
    references: &["name", "arn", "stream_arn"],
    global_references: Global::Only(&["name"]),
    metrics: &[
        metric(
            "system_errors",
            "AWS/DynamoDB",
            "SystemErrors",
            "Sum",
            MetricUnit::Count,
        ),
        metric(
            "user_errors",
            "AWS/DynamoDB",
            "UserErrors",
            "Sum",
            MetricUnit::Count,
        ),
        metric(
            "throttled_requests",
            "AWS/DynamoDB",
            "ThrottledRequests",
            "Sum",
            MetricUnit::Count,
        ),
        metric(
            "replication_latency",
            "AWS/DynamoDB",
            "ReplicationLatency",
            "Maximum",
            MetricUnit::Milliseconds,
        ),
    ],
    actions: &[
        action(
            "dynamodb.read",
            &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:BatchGetItem",
            ],
        ),
        action(
            "dynamodb.write",
            &[
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
            ],
        ),
        action("dynamodb.describe", &["dynamodb:DescribeTable"]),
    ],
    lowers_to: &[ResourceType::DynamodbTable, ResourceType::DynamodbReplica],
};
