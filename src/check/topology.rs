//! The checked topology: what the planner consumes.
//!
//! Everything here is resolved and validated: names exist, units are
//! converted (seconds, megabytes), placements are concrete regions. Spans are
//! kept for later diagnostics but never serialized, so two files that mean the
//! same thing produce equal JSON.
//!
//! Longer than most files (about 500 lines) because it is the one
//! definition of the checked types, every block's beside the others, read
//! as a whole by the planner; it holds data types, not logic.

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::model::Region;
pub use crate::model::blocks::{MetricUnit, ResourceKind};
use crate::source::Span;

pub type Seconds = u64;

/// A value with the span it came from; serialized as the bare value.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// A value the file set (with where), or drx's default (no span).
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub span: Option<Span>,
}

impl<T> Setting<T> {
    pub fn default_value(value: T) -> Setting<T> {
        Setting { value, span: None }
    }

    pub fn set(value: T, span: Span) -> Setting<T> {
        Setting {
            value,
            span: Some(span),
        }
    }
}

impl<T: Serialize> Serialize for Setting<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topology {
    pub name: String,
    pub primary: Region,
    pub secondaries: Vec<Region>,
    pub naming: Naming,
    pub tags: BTreeMap<String, String>,
    /// Where the state is kept, when the file says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<crate::model::Location>,
    pub objectives: Objectives,
    pub assumptions: Assumptions,
    pub tables: Vec<Table>,
    pub buckets: Vec<Bucket>,
    pub functions: Vec<Function>,
    pub apis: Vec<Api>,
    pub failovers: Vec<Failover>,
    pub topics: Vec<Topic>,
    pub alarms: Vec<Alarm>,
    pub roles: Vec<Role>,
    pub outputs: Vec<Output>,
}

impl Topology {
    /// How many blocks of `kind` the file declares.
    pub fn count(&self, kind: ResourceKind) -> usize {
        match kind {
            ResourceKind::Table => self.tables.len(),
            ResourceKind::Bucket => self.buckets.len(),
            ResourceKind::Function => self.functions.len(),
            ResourceKind::Api => self.apis.len(),
            ResourceKind::Failover => self.failovers.len(),
            ResourceKind::Alerts => self.topics.len(),
            ResourceKind::Alarm => self.alarms.len(),
            ResourceKind::Role => self.roles.len(),
        }
    }

    /// The primary first, then each secondary.
    pub fn regions(&self) -> Vec<Region> {
        std::iter::once(self.primary.clone())
            .chain(self.secondaries.iter().cloned())
            .collect()
    }
}

/// The physical naming pattern, with variables already substituted:
/// `{service}-{region}-dev`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Naming {
    pub pattern: String,
    #[serde(skip)]
    pub span: Span,
}

impl Naming {
    /// The physical name of `service` in `region`; `None` for resources that
    /// have one name everywhere (a global table, IAM, Route 53), which drop
    /// `{region}` together with one separator next to it.
    pub fn name(&self, service: &str, region: Option<&Region>) -> String {
        let pattern = match region {
            Some(region) => self.pattern.replace("{region}", &region.0),
            None => remove_region(&self.pattern),
        };
        pattern.replace("{service}", service)
    }
}

fn remove_region(pattern: &str) -> String {
    for separator in ["-", "_", "."] {
        for candidate in [format!("{separator}{{region}}"), format!("{{region}}{separator}")] {
            if pattern.contains(&candidate) {
                return pattern.replacen(&candidate, "", 1);
            }
        }
    }
    pattern.replace("{region}", "")
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Objectives {
    pub rto: Option<Spanned<Seconds>>,
    pub rpo: Option<Spanned<Seconds>>,
}

/// What drx must assume where AWS publishes no bound; each feeds the RTO model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumptions {
    /// From the health check's verdict to Route 53 answering with the standby.
    pub route53_answer_change: Setting<Seconds>,
    /// How long clients (JVMs, resolvers) cache an answer regardless of its TTL.
    pub client_dns_cache: Setting<Seconds>,
    /// How long the standby needs before it serves at full capacity.
    pub standby_warm_up: Setting<Seconds>,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            route53_answer_change: Setting::default_value(0),
            client_dns_cache: Setting::default_value(0),
            standby_warm_up: Setting::default_value(0),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub name: String,
    pub service: String,
    pub partition_key: Key,
    pub sort_key: Option<Key>,
    pub billing: Billing,
    pub point_in_time_recovery: bool,
    pub deletion_protection: bool,
    /// The region the table is created in; replicas are added from there.
    pub home: Region,
    pub replicas: Vec<Region>,
    pub consistency: Setting<Consistency>,
    pub rpo: Option<Spanned<Seconds>>,
    /// The `replicate` statement, if any.
    #[serde(skip)]
    pub replication_span: Option<Span>,
    #[serde(skip)]
    pub span: Span,
}

impl Table {
    /// The home region, then each replica region.
    pub fn regions(&self) -> Vec<Region> {
        std::iter::once(self.home.clone())
            .chain(self.replicas.iter().cloned())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Key {
    pub name: String,
    pub ty: KeyType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyType {
    String,
    Number,
    Binary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    OnDemand,
    Provisioned { read: u64, write: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Consistency {
    /// Multi-Region eventual consistency (MREC): asynchronous, typically < 1 s.
    Eventual,
    /// Multi-Region strong consistency (MRSC): synchronous, RPO 0.
    Strong,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub name: String,
    pub service: String,
    pub home: Region,
    pub versioning: bool,
    pub encryption: Encryption,
    pub block_public_access: bool,
    pub tls_only: bool,
    pub acls_disabled: bool,
    /// Server access logs into the region's log bucket.
    pub access_logs: bool,
    pub replication: Option<BucketReplication>,
    pub rpo: Option<Spanned<Seconds>>,
    #[serde(skip)]
    pub span: Span,
}

impl Bucket {
    /// The home region, then each replica region.
    pub fn regions(&self) -> Vec<Region> {
        let mut regions = vec![self.home.clone()];
        if let Some(replication) = &self.replication {
            regions.extend(replication.regions.iter().cloned());
        }
        regions
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketReplication {
    pub regions: Vec<Region>,
    /// S3 Replication Time Control: the only threshold AWS offers is 15 min.
    pub time_control: Option<Spanned<Seconds>>,
    pub metrics: bool,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encryption {
    /// SSE-S3.
    Aes256,
    /// SSE-KMS with the AWS managed key.
    Kms,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Function {
    pub name: String,
    pub service: String,
    /// Path of the code, relative to the .drx file.
    pub code: Spanned<String>,
    pub runtime: String,
    pub handler: String,
    pub architecture: Architecture,
    pub memory_mb: u64,
    pub timeout_seconds: u64,
    pub env: BTreeMap<String, Text>,
    pub log_retention_days: Option<u64>,
    /// X-Ray active tracing.
    pub tracing: bool,
    /// Reserved concurrency, in each of its regions.
    pub concurrency: BTreeMap<Region, u64>,
    /// Where `concurrency` is set, if it is.
    #[serde(skip)]
    pub concurrency_span: Option<Span>,
    pub regions: Vec<Region>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    Arm64,
    X86_64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Api {
    pub name: String,
    pub service: String,
    pub stage: String,
    pub routes: Vec<Route>,
    /// X-Ray tracing of the stage.
    pub tracing: bool,
    /// Access logs, with their retention in days (none: kept forever); none
    /// with `logs off`.
    pub access_logs: Option<Option<u64>>,
    /// Requests per second and burst.
    pub throttle: (f64, u64),
    pub regions: Vec<Region>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub function: String,
    pub auth: RouteAuth,
    /// Where the route itself sets `auth`, if it does.
    #[serde(skip)]
    pub auth_set: Option<Span>,
    #[serde(skip)]
    pub span: Span,
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteAuth {
    /// SigV4-signed requests from principals allowed `execute-api:Invoke`.
    Iam,
    /// Anyone.
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failover {
    pub name: String,
    pub domain: String,
    pub zone: String,
    /// The API whose regional endpoints the records point at.
    pub api: String,
    pub primary: Region,
    /// Route 53 failover has exactly one SECONDARY record.
    pub standby: Region,
    pub health_check: HealthCheck,
    pub ttl: Setting<Seconds>,
    /// Overrides the topology's `standby_warm_up` assumption for this path.
    pub warm_up: Option<Spanned<Seconds>>,
    pub rto: Option<Spanned<Seconds>>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthCheck {
    pub protocol: Setting<Protocol>,
    pub path: String,
    pub port: u64,
    pub interval: Setting<Seconds>,
    pub failures: Setting<u64>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    Https,
    Http,
    Tcp,
}

/// An SNS topic per region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    pub name: String,
    pub service: String,
    pub regions: Vec<Region>,
    pub emails: Vec<String>,
    /// Encrypted with a customer-managed KMS key.
    pub encrypted: bool,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    pub name: String,
    pub service: String,
    pub resource: String,
    pub resource_kind: ResourceKind,
    pub metric: Metric,
    pub comparison: Comparison,
    /// In the metric's unit: a count, seconds, or bytes.
    pub threshold: f64,
    pub period_seconds: u64,
    pub evaluation_periods: u64,
    pub topic: String,
    pub regions: Vec<Region>,
    #[serde(skip)]
    pub span: Span,
}

/// A metric drx knows how to alarm on, with its CloudWatch identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metric {
    /// The drx name, e.g. `errors`.
    pub name: String,
    pub namespace: String,
    pub metric_name: String,
    pub statistic: String,
    pub unit: MetricUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    GreaterThanThreshold,
    GreaterThanOrEqualToThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub name: String,
    pub service: String,
    pub trust: Trust,
    /// Assuming it needs MFA.
    pub mfa: bool,
    pub grants: Vec<Grant>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// The account the stack is deployed in.
    AccountRoot,
    /// Another account, by its 12-digit id.
    Account(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grant {
    /// IAM actions, e.g. `route53:ChangeResourceRecordSets`.
    pub actions: Vec<String>,
    pub target: String,
    pub target_kind: ResourceKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Output {
    pub name: String,
    pub value: OutputValue,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputValue {
    Single(Text),
    List(Vec<Text>),
}

/// A string some of whose parts are known only once resources exist.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct Text {
    pub parts: Vec<TextPart>,
}

impl Text {
    pub fn literal(text: impl Into<String>) -> Text {
        Text {
            parts: vec![TextPart::Literal(text.into())],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextPart {
    Literal(String),
    Ref(AttributeRef),
}

/// `transactions.name`, read in a region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeRef {
    pub resource: String,
    pub kind: ResourceKind,
    pub attribute: String,
    pub region: RegionRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionRef {
    /// The region of whatever uses the value (a function's env in each region).
    Local,
    /// A fixed region.
    In(Region),
    /// One name everywhere (IAM, Route 53, a global table's name).
    Global,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_names_drop_the_region_and_one_separator() {
        let naming = Naming {
            pattern: "{service}-{region}-dev".into(),
            span: Span::default(),
        };
        assert_eq!(
            naming.name("payment-docs", Some(&Region("us-east-2".into()))),
            "payment-docs-us-east-2-dev"
        );
        assert_eq!(naming.name("transactions", None), "transactions-dev");
        let prefixed = Naming {
            pattern: "{region}.{service}".into(),
            span: Span::default(),
        };
        assert_eq!(prefixed.name("x", None), "x");
    }
}
