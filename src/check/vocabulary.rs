//! The fixed facts about AWS the checker validates against. Each list says
//! where it comes from; update it when AWS does.

use super::topology::{MetricUnit, ResourceKind};

/// Commercial and GovCloud regions (AWS General Reference, "Regions and
/// Availability Zones", 2026).
pub(super) const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
];

/// Route 53 health checks publish their CloudWatch metrics here only
/// (Route 53 Developer Guide, "Monitoring health checks using CloudWatch").
pub(super) const HEALTH_CHECK_METRIC_REGION: &str = "us-east-1";

/// Lambda's reserved environment variables (Lambda Developer Guide, "Defined
/// runtime environment variables"): setting one fails CreateFunction.
pub(super) const RESERVED_ENV_KEYS: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_XRAY_CONTEXT_MISSING",
    "AWS_XRAY_DAEMON_ADDRESS",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// Any key with this prefix is reserved too (`AWS_LAMBDA_FUNCTION_NAME`, …).
pub(super) const RESERVED_ENV_PREFIX: &str = "AWS_LAMBDA_";

/// The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy).
pub(super) const LOG_RETENTION_DAYS: &[u64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/// Lambda runtimes that accept new functions (Lambda Developer Guide, "Lambda runtimes").
pub(super) const RUNTIMES: &[&str] = &[
    "provided.al2023",
    "provided.al2",
    "nodejs22.x",
    "nodejs20.x",
    "python3.13",
    "python3.12",
    "python3.11",
    "python3.10",
    "java21",
    "java17",
    "java11",
    "dotnet8",
    "ruby3.3",
    "ruby3.4",
];

/// Domains AWS refuses hosted zones for (RFC 2606 names).
pub(super) const RESERVED_DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "example",
    "invalid",
    "localhost",
];

pub(super) const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];

/// What `resource.attribute` may name, per kind.
pub(super) fn attributes(kind: ResourceKind) -> &'static [&'static str] {
    match kind {
        ResourceKind::Table => &["name", "arn", "stream_arn"],
        ResourceKind::Bucket => &["name", "arn", "domain_name"],
        ResourceKind::Function => &["name", "arn"],
        ResourceKind::Api => &["id", "url", "host", "execution_arn"],
        ResourceKind::Failover => &["domain", "zone_id", "health_check_id", "name_servers"],
        ResourceKind::Alerts => &["name", "arn"],
        ResourceKind::Alarm => &["name", "arn"],
        ResourceKind::Role => &["name", "arn"],
    }
}

/// Attributes that are the same in every region, so a reference needs no region.
pub(super) fn is_global_attribute(kind: ResourceKind, attribute: &str) -> bool {
    matches!(
        (kind, attribute),
        (ResourceKind::Table, "name") | (ResourceKind::Failover, _) | (ResourceKind::Role, _)
    )
}

pub(super) struct MetricSpec {
    pub name: &'static str,
    pub namespace: &'static str,
    pub metric_name: &'static str,
    pub statistic: &'static str,
    pub unit: MetricUnit,
}

const fn metric(
    name: &'static str,
    namespace: &'static str,
    metric_name: &'static str,
    statistic: &'static str,
    unit: MetricUnit,
) -> MetricSpec {
    MetricSpec {
        name,
        namespace,
        metric_name,
        statistic,
        unit,
    }
}

/// The metrics an alarm can watch, per kind (CloudWatch metric references of
/// each service).
pub(super) fn metrics(kind: ResourceKind) -> &'static [MetricSpec] {
    use MetricUnit::*;
    const FUNCTION: &[MetricSpec] = &[
        metric("errors", "AWS/Lambda", "Errors", "Sum", Count),
        metric("throttles", "AWS/Lambda", "Throttles", "Sum", Count),
        metric("invocations", "AWS/Lambda", "Invocations", "Sum", Count),
        metric("duration", "AWS/Lambda", "Duration", "Maximum", Milliseconds),
    ];
    const TABLE: &[MetricSpec] = &[
        metric("system_errors", "AWS/DynamoDB", "SystemErrors", "Sum", Count),
        metric("user_errors", "AWS/DynamoDB", "UserErrors", "Sum", Count),
        metric(
            "throttled_requests",
            "AWS/DynamoDB",
            "ThrottledRequests",
            "Sum",
            Count,
        ),
        metric(
            "replication_latency",
            "AWS/DynamoDB",
            "ReplicationLatency",
            "Maximum",
            Milliseconds,
        ),
    ];
    const BUCKET: &[MetricSpec] = &[
        metric(
            "replication_latency",
            "AWS/S3",
            "ReplicationLatency",
            "Maximum",
            Seconds,
        ),
        metric(
            "operations_pending_replication",
            "AWS/S3",
            "OperationsPendingReplication",
            "Maximum",
            Count,
        ),
        metric(
            "operations_failed_replication",
            "AWS/S3",
            "OperationsFailedReplication",
            "Sum",
            Count,
        ),
        metric(
            "bytes_pending_replication",
            "AWS/S3",
            "BytesPendingReplication",
            "Maximum",
            Bytes,
        ),
    ];
    const API: &[MetricSpec] = &[
        metric("server_errors", "AWS/ApiGateway", "5XXError", "Sum", Count),
        metric("client_errors", "AWS/ApiGateway", "4XXError", "Sum", Count),
        metric("requests", "AWS/ApiGateway", "Count", "Sum", Count),
        metric("latency", "AWS/ApiGateway", "Latency", "Maximum", Milliseconds),
    ];
    const FAILOVER: &[MetricSpec] = &[
        metric("health", "AWS/Route53", "HealthCheckStatus", "Minimum", Count),
        metric(
            "healthy_percentage",
            "AWS/Route53",
            "HealthCheckPercentageHealthy",
            "Average",
            Count,
        ),
    ];
    match kind {
        ResourceKind::Function => FUNCTION,
        ResourceKind::Table => TABLE,
        ResourceKind::Bucket => BUCKET,
        ResourceKind::Api => API,
        ResourceKind::Failover => FAILOVER,
        ResourceKind::Alerts | ResourceKind::Alarm | ResourceKind::Role => &[],
    }
}

/// Whether a metric is published only in the resource's home region (S3
/// replication metrics are reported by the source bucket).
pub(super) fn metric_only_at_home(kind: ResourceKind, metric: &str) -> bool {
    kind == ResourceKind::Bucket && metric.contains("replication")
}

pub(super) struct ActionSpec {
    pub name: &'static str,
    pub target: ResourceKind,
    pub iam: &'static [&'static str],
}

/// The permissions a `role` can grant, by drx name.
pub(super) const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "route53.update_health_check",
        target: ResourceKind::Failover,
        iam: &["route53:UpdateHealthCheck"],
    },
    ActionSpec {
        name: "route53.get_health_check",
        target: ResourceKind::Failover,
        iam: &["route53:GetHealthCheck", "route53:GetHealthCheckStatus"],
    },
    ActionSpec {
        name: "route53.change_records",
        target: ResourceKind::Failover,
        iam: &["route53:ChangeResourceRecordSets"],
    },
    ActionSpec {
        name: "route53.list_records",
        target: ResourceKind::Failover,
        iam: &["route53:ListResourceRecordSets"],
    },
    ActionSpec {
        name: "dynamodb.read",
        target: ResourceKind::Table,
        iam: &[
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:BatchGetItem",
        ],
    },
    ActionSpec {
        name: "dynamodb.write",
        target: ResourceKind::Table,
        iam: &[
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
        ],
    },
    ActionSpec {
        name: "dynamodb.describe",
        target: ResourceKind::Table,
        iam: &["dynamodb:DescribeTable"],
    },
    ActionSpec {
        name: "s3.read",
        target: ResourceKind::Bucket,
        iam: &["s3:GetObject", "s3:ListBucket"],
    },
    ActionSpec {
        name: "s3.write",
        target: ResourceKind::Bucket,
        iam: &["s3:PutObject", "s3:DeleteObject"],
    },
    ActionSpec {
        name: "lambda.invoke",
        target: ResourceKind::Function,
        iam: &["lambda:InvokeFunction"],
    },
    ActionSpec {
        name: "lambda.update",
        target: ResourceKind::Function,
        iam: &["lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionCode"],
    },
    ActionSpec {
        name: "sns.publish",
        target: ResourceKind::Alerts,
        iam: &["sns:Publish"],
    },
    ActionSpec {
        name: "cloudwatch.describe_alarms",
        target: ResourceKind::Alarm,
        iam: &["cloudwatch:DescribeAlarms"],
    },
    ActionSpec {
        name: "cloudwatch.set_alarm_state",
        target: ResourceKind::Alarm,
        iam: &["cloudwatch:SetAlarmState"],
    },
];
