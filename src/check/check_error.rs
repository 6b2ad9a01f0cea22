//! Everything the checker can find wrong with a file, as data.
//!
//! Messages live here (one `#[error]` each); codes, secondary labels and help
//! lines live in `src/diagnostic/check_report.rs`, so rendering stays out of
//! the checker.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckError {
    pub span: Span,
    pub kind: Box<CheckErrorKind>,
}

impl CheckError {
    pub fn new(span: Span, kind: CheckErrorKind) -> CheckError {
        CheckError {
            span,
            kind: Box::new(kind),
        }
    }

    pub fn severity(&self) -> Severity {
        match *self.kind {
            CheckErrorKind::UnusedVariable { .. }
            | CheckErrorKind::UnmonitoredObjective { .. }
            | CheckErrorKind::RecoveryOff { .. }
            | CheckErrorKind::PublicRoute { .. }
            | CheckErrorKind::StandbyConcurrency { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Each variant's code is its name in snake case (`UnknownAttribute` is
/// `drx::check::unknown_attribute`); `CheckCode` lists them all.
#[derive(Debug, Clone, PartialEq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(CheckCode),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
pub enum CheckErrorKind {
    // ------------------------------------------------------------ names
    #[error("`{name}` is declared twice")]
    DuplicateName { name: String, first: Span },
    #[error("`{name}` is set twice")]
    DuplicateAttribute { name: String, first: Span },
    #[error("a {block} has no attribute `{name}`")]
    UnknownAttribute {
        name: String,
        block: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    #[error("{block} `{name}` needs `{attribute}`")]
    MissingAttribute {
        block: String,
        name: String,
        attribute: String,
        example: String,
    },
    #[error("`{statement}` is not allowed in a {block}")]
    StatementNotAllowed {
        statement: String,
        block: String,
        hint: String,
    },
    #[error("nothing is called `{name}`")]
    UnknownName {
        name: String,
        suggestion: Option<String>,
    },
    #[error("{kind} `{resource}` has no attribute `{attribute}`")]
    UnknownReferenceAttribute {
        resource: String,
        kind: String,
        attribute: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    #[error("`{resource}` is a {kind}, not a value")]
    IncompleteReference {
        resource: String,
        kind: String,
        allowed: Vec<String>,
    },
    #[error("`{name}` is a {found}, but a {expected} is needed here")]
    WrongKind {
        name: String,
        expected: String,
        found: String,
        declared: Span,
    },
    #[error("the file has no `topology` block")]
    MissingTopology,
    #[error("only one `topology` block is allowed")]
    DuplicateTopology { first: Span },

    // ------------------------------------------------------------ types and values
    #[error("expected {expected}, found {found}")]
    TypeMismatch {
        expected: String,
        found: String,
        hint: Option<String>,
    },
    #[error("`{found}` is not a valid {what}")]
    UnknownValue {
        found: String,
        what: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    #[error("{what} must be {range}, not {value}")]
    OutOfRange {
        what: String,
        value: String,
        range: String,
    },
    #[error("environment variable `{variable}` is not set and has no default")]
    MissingEnv { variable: String },
    #[error("variable `{name}` is defined in terms of itself")]
    VariableCycle { name: String },
    #[error("variable `{name}` is never used")]
    UnusedVariable { name: String },

    // ------------------------------------------------------------ regions and placement
    #[error("`{region}` is not an AWS region")]
    UnknownRegion {
        region: String,
        suggestion: Option<String>,
    },
    #[error("region `{region}` is used twice in the topology")]
    SameRegion { region: String, first: Span },
    #[error("`{placement}` is not a placement")]
    UnknownPlacement {
        placement: String,
        suggestion: Option<String>,
    },
    #[error("`secondary` is ambiguous: the topology has {count} secondaries")]
    AmbiguousSecondary { count: usize, secondaries: Vec<String> },
    #[error("{kind} `{name}` is not in {region}")]
    NotInRegion {
        name: String,
        kind: String,
        region: String,
        regions: Vec<String>,
        declared: Span,
    },
    #[error("`{name}` exists in {count} regions; say which one")]
    AmbiguousRegion {
        name: String,
        count: usize,
        regions: Vec<String>,
    },
    #[error("failover `{name}` does not say which secondary takes over")]
    AmbiguousStandby { name: String, secondaries: Vec<String> },
    #[error("a {kind} lives where the topology puts it; `in` does not apply")]
    PlacementNotAllowed { kind: String, hint: String },

    // ------------------------------------------------------------ naming
    #[error("naming pattern {problem}")]
    NamingPattern { problem: String },
    #[error("invalid state location {problem}")]
    StateLocation { problem: String },
    #[error("bucket name `{name}` is invalid: {problem}")]
    BucketName {
        name: String,
        problem: String,
        naming: Span,
    },
    #[error("{service} name `{name}` is invalid: {problem}")]
    ResourceName {
        name: String,
        service: String,
        problem: String,
        naming: Span,
    },
    #[error("tag `{key}` is invalid: {problem}")]
    InvalidTag { key: String, problem: String },

    // ------------------------------------------------------------ Lambda
    #[error("`{key}` is reserved by Lambda and cannot be set")]
    ReservedEnvKey { key: String },
    #[error("`{key}` is not a valid environment variable name")]
    EnvKeyName { key: String },
    #[error("the environment of `{function}` is {bytes} bytes; Lambda allows 4096")]
    EnvTooLarge { function: String, bytes: usize },
    #[error("Lambda memory must be between 128 MB and 10240 MB, not {megabytes} MB")]
    LambdaMemory { megabytes: u64 },
    #[error("Lambda timeout must be between 1 s and 900 s, not {seconds} s")]
    LambdaTimeout { seconds: u64 },
    #[error("CloudWatch Logs cannot keep logs for {days} days")]
    LogRetention { days: u64, nearest: u64 },

    // ------------------------------------------------------------ Route 53
    #[error("a Route 53 health check runs every 10 s or 30 s, not {seconds} s")]
    HealthCheckInterval { seconds: u64 },
    #[error("a Route 53 failure threshold is 1 to 10, not {value}")]
    FailureThreshold { value: u64 },
    #[error("`{domain}` is under `{reserved}`, which AWS reserves")]
    ReservedDomain { domain: String, reserved: String },
    #[error("`{domain}` is not a valid domain name: {problem}")]
    InvalidDomain { domain: String, problem: String },
    #[error("`{domain}` is not inside zone `{zone}`")]
    DomainOutsideZone {
        domain: String,
        zone: String,
        zone_span: Span,
    },
    #[error("failover `{name}` has no health check")]
    FailoverWithoutHealthCheck { name: String },
    #[error("the health check asks for `{path}`, which API `{api}` does not serve")]
    HealthPathUnrouted {
        path: String,
        api: String,
        served: Vec<String>,
    },
    #[error(
        "route {route} is the health path of failover `{failover}`, which Route 53 probes without signing: it cannot require IAM"
    )]
    HealthRouteSigned {
        route: String,
        failover: String,
        health_check: Span,
    },
    #[error(
        "failover `{failover}` probes {path}, served only by route {route}, which serves other paths too"
    )]
    HealthRouteShared {
        route: String,
        failover: String,
        path: String,
        health_check: Span,
    },
    #[error(
        "function `{function}` may run {standby} at once in {standby_region}, the standby of failover `{failover}`, against {primary} in {primary_region}"
    )]
    StandbyConcurrency {
        function: String,
        failover: String,
        primary: u64,
        primary_region: String,
        standby: u64,
        standby_region: String,
    },
    #[error("route {route} of api `{api}` can be called by anyone on the internet")]
    PublicRoute { route: String, api: String },
    #[error("Route 53 health-check metrics exist only in us-east-1, not in {region}")]
    HealthCheckMetricRegion { region: String },

    // ------------------------------------------------------------ S3
    #[error("S3 Replication Time Control has one threshold, 15 minutes, not {shown}")]
    RtcThreshold { shown: String },
    #[error("S3 Replication Time Control requires replication metrics")]
    RtcNeedsMetrics { time_control: Span },
    #[error("replication needs versioning on both buckets")]
    ReplicationNeedsVersioning { replicate: Span },

    // ------------------------------------------------------------ DynamoDB
    #[error("a global table needs on-demand billing")]
    ReplicaNeedsOnDemand { billing: Span },
    #[error("strong consistency needs exactly 3 regions; this table spans {count}")]
    StrongConsistencyRegions { count: usize },

    // ------------------------------------------------------------ DR rules
    #[error("{kind} `{name}` is not replicated to {missing}")]
    UnreplicatedStore {
        name: String,
        kind: String,
        missing: String,
    },
    #[error(
        "failover `{failover}` can take {} to recover; the RTO objective is {}",
        super::recovery::human(*worst_case),
        super::recovery::human(*objective)
    )]
    RtoNotMet {
        failover: String,
        worst_case: u64,
        objective: u64,
        declared_by: String,
        largest: String,
        largest_seconds: u64,
        objective_span: Span,
    },
    #[error("{kind} `{store}` may lag behind by {bound}; the RPO objective is {}", super::recovery::human(*objective))]
    RpoNotMet {
        store: String,
        kind: String,
        bound: String,
        objective: u64,
        declared_by: String,
        objective_span: Span,
    },
    #[error("{kind} `{store}` replicates with no bound on its lag, so no RPO objective can be proved")]
    RpoUnbounded {
        store: String,
        kind: String,
        objective: u64,
        objective_span: Span,
    },
    #[error("the {objective} objective is not watched by any alarm")]
    UnmonitoredObjective { objective: String, what: String },
    /// Replication copies a delete or a corrupting write to every region
    /// within a second; only point-in-time recovery restores what was there.
    #[error(
        "table `{table}` has point-in-time recovery off: replication copies deletes and corruption to every region, and PITR is the only way back"
    )]
    RecoveryOff { table: String },

    // ------------------------------------------------------------ API Gateway
    #[error("`{method}` is not an HTTP method API Gateway supports")]
    InvalidHttpMethod {
        method: String,
        suggestion: Option<String>,
    },
    #[error("route {method} {path} is declared twice")]
    DuplicateRoute {
        method: String,
        path: String,
        first: Span,
    },
    #[error("`{stage}` is not a valid stage name")]
    StageName { stage: String },

    // ------------------------------------------------------------ alarms and alerts
    #[error("{kind} `{resource}` has no metric `{metric}`")]
    UnknownMetric {
        resource: String,
        kind: String,
        metric: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    #[error("`{metric}` is measured in {unit}, so the threshold must be {expected}")]
    ThresholdUnit {
        metric: String,
        unit: String,
        expected: String,
    },
    #[error("an alarm period must be 10 s, 30 s or a multiple of 60 s, not {seconds} s")]
    AlarmPeriod { seconds: u64 },
    #[error("alarm actions must go to a topic in the alarm's region, and `{topic}` is not in {region}")]
    AlarmTopicRegion {
        topic: String,
        region: String,
        topic_span: Span,
    },
    #[error("`{email}` is not an email address")]
    InvalidEmail { email: String },

    // ------------------------------------------------------------ IAM
    #[error("`{action}` is not an action drx knows")]
    UnknownAction {
        action: String,
        suggestion: Option<String>,
    },
    #[error("`{action}` applies to a {expected}, but `{target}` is a {found}")]
    ActionTarget {
        action: String,
        expected: String,
        target: String,
        found: String,
    },
    #[error("`{value}` is not a principal drx can trust")]
    InvalidPrincipal { value: String },
}

impl CheckErrorKind {
    /// The stable code, without its `drx::check::` prefix.
    pub fn code(&self) -> &'static str {
        CheckCode::from(self).into()
    }
}
