//! The fixed facts about AWS the checker validates against. Each list says
//! where it comes from; update it when AWS does.

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
