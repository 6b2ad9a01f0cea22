//! What drx reads of a live stack to say how it is doing, as opposed to what
//! it is (`Provider::read`): where Route 53 sends traffic now, what the
//! health checkers see, which alarms fire, the metrics AWS publishes of
//! replication — and the one kind of write a status may make, a marker
//! timed from one region to another (`--probe`, and a drill's canaries).
//! `aws::Aws` implements it; the operations' tests use fakes.

use std::future::Future;

use super::ProviderError;

/// What Route 53's checkers report of one health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckerReport {
    pub healthy: usize,
    pub checkers: usize,
}

/// A CloudWatch metric, by its namespace, name and dimensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricQuery {
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<(String, String)>,
}

/// The newest one-minute datapoint of a metric: its `Maximum` and
/// `Minimum`, and how long ago its minute began.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricPoint {
    pub maximum: f64,
    pub minimum: f64,
    pub age: std::time::Duration,
}

/// Where a marker is written and read: an item in a table (by its partition
/// key), or an object in a bucket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Marker {
    Item {
        table: String,
        key: String,
        /// `S`, `N` or `B`, as the key is declared.
        key_type: String,
        value: String,
    },
    Object {
        bucket: String,
        key: String,
    },
}

pub trait Observer: Send + Sync {
    /// The values Route 53 answers with for `name` now (`TestDNSAnswer`).
    fn dns_answer(
        &self,
        zone_id: &str,
        name: &str,
        record_type: &str,
    ) -> impl Future<Output = Result<Vec<String>, ProviderError>> + Send;

    /// How many of the health check's checkers see it healthy.
    fn health_check(&self, id: &str) -> impl Future<Output = Result<CheckerReport, ProviderError>> + Send;

    /// The state (`OK`, `ALARM`, `INSUFFICIENT_DATA`) of each alarm named, in
    /// `region`.
    fn alarm_states(
        &self,
        region: &str,
        names: &[String],
    ) -> impl Future<Output = Result<Vec<(String, String)>, ProviderError>> + Send;

    /// The newest datapoint of `metric` in `region` within the last ten
    /// minutes; `None` when AWS published none (no activity).
    fn latest_metric(
        &self,
        region: &str,
        metric: &MetricQuery,
    ) -> impl Future<Output = Result<Option<MetricPoint>, ProviderError>> + Send;

    /// Who the credentials belong to: a user or role ARN.
    fn caller(&self) -> impl Future<Output = Result<String, ProviderError>> + Send;

    /// Writes `marker` in `region` (its body names when it was written).
    fn write_marker(
        &self,
        region: &str,
        marker: &Marker,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;

    /// Whether `marker` can be read in `region` now.
    fn marker_arrived(
        &self,
        region: &str,
        marker: &Marker,
    ) -> impl Future<Output = Result<bool, ProviderError>> + Send;

    /// Removes `marker` from `region` (replication removes its copies, or
    /// the caller removes each).
    fn delete_marker(
        &self,
        region: &str,
        marker: &Marker,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
}
