//! How far each replicated store is behind, per direction: read from the
//! metrics AWS publishes — DynamoDB's `ReplicationLatency` (by
//! `ReceivingRegion`, in the region written) and S3 Replication Time
//! Control's `OperationsPendingReplication` and `ReplicationLatency` (by
//! source, destination and rule, in the source region) — or, with a probe,
//! timed: a marker written in one region and read in the other.
//!
//! AWS publishes these once a minute and not at all without activity, so
//! "no datapoint for a while" means nothing is replicating, not that the
//! metric is missing; a bucket rule without `metrics on` publishes nothing
//! and is reported as unmeasured.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::model::resources::Attributes;
use crate::model::{Marker, MetricQuery, Observer, ResourceState};
use crate::state::State;

/// A datapoint older than this describes a minute long past: AWS published
/// nothing since, because nothing replicated.
const STALE: Duration = Duration::from_secs(180);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    Table,
    Bucket,
}

/// One direction a store replicates in.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The block (`payment_transactions`).
    pub store: String,
    pub kind: StoreKind,
    pub from: String,
    pub to: String,
    /// What is written in `from`, and what is read in `to`, to probe it.
    source: Target,
    destination: Target,
    /// `None` when AWS publishes nothing for it (a bucket rule without
    /// replication metrics).
    metric: Option<MetricQuery>,
    /// The backlog metric, for buckets.
    backlog: Option<MetricQuery>,
}

#[derive(Debug, Clone, PartialEq)]
enum Target {
    Table {
        name: String,
        key: String,
        key_type: String,
    },
    Bucket(String),
}

impl Target {
    fn marker(&self, id: &str) -> Marker {
        match self {
            Target::Table { name, key, key_type } => Marker::Item {
                table: name.clone(),
                key: key.clone(),
                key_type: key_type.clone(),
                value: format!("drx-probe-{id}"),
            },
            Target::Bucket(bucket) => Marker::Object {
                bucket: bucket.clone(),
                key: format!("drx-probe/{id}"),
            },
        }
    }
}

impl Link {
    /// The marker `id` as written in `from` and as read in `to`.
    pub fn markers(&self, id: &str) -> (Marker, Marker) {
        (self.source.marker(id), self.destination.marker(id))
    }

    /// The bucket written to, for a bucket's link.
    pub fn source_bucket(&self) -> Option<&str> {
        match &self.source {
            Target::Bucket(bucket) => Some(bucket),
            Target::Table { .. } => None,
        }
    }

    /// The bucket copied to, for a bucket's link.
    pub fn destination_bucket(&self) -> Option<&str> {
        match &self.destination {
            Target::Bucket(bucket) => Some(bucket),
            Target::Table { .. } => None,
        }
    }

    /// The table, for a table's link.
    pub fn table(&self) -> Option<&str> {
        match &self.source {
            Target::Table { name, .. } => Some(name),
            Target::Bucket(_) => None,
        }
    }
}

/// What one direction of one store looks like now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkStatus {
    pub store: String,
    pub kind: StoreKind,
    pub from: String,
    pub to: String,
    /// Replication latency, in seconds, over the newest minute AWS
    /// published (0 when nothing replicated lately); `None` unmeasured.
    pub lag_seconds: Option<f64>,
    /// Operations waiting to replicate (buckets with metrics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_operations: Option<u64>,
    /// How long a marker took to arrive, when probed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_seconds: Option<f64>,
    /// Why something could not be measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl LinkStatus {
    /// What is still behind, when more than `max_lag` of writes or any
    /// operation is waiting; `None` when caught up.
    pub fn behind(&self, max_lag: Duration) -> Option<String> {
        let route = format!("{} {} → {}", self.store, self.from, self.to);
        if let Some(pending) = self.pending_operations.filter(|p| *p > 0) {
            return Some(format!(
                "{route}: {pending} operation{} pending replication",
                if pending == 1 { "" } else { "s" }
            ));
        }
        match self.lag_seconds {
            Some(lag) if lag > max_lag.as_secs_f64() => {
                Some(format!("{route}: replication latency {lag:.1} s"))
            }
            _ => None,
        }
    }
}

fn block_of(address: &str) -> String {
    address.split(['.', '@']).next().unwrap_or(address).to_string()
}

/// Every direction the stores of `state` replicate in.
pub fn links(state: &State) -> Vec<Link> {
    // Each record typed once: a stack has thousands, and every lookup
    // below would otherwise parse them all again.
    let typed: Vec<(&ResourceState, Attributes)> = state
        .resources
        .iter()
        .filter_map(|r| Some((r, r.typed_attributes().ok()?)))
        .collect();
    let region_of = |r: &ResourceState| {
        r.region
            .as_ref()
            .map(|r| r.0.clone())
            .unwrap_or_else(|| "us-east-1".into())
    };
    let mut links = Vec::new();
    // Tables: every region of a global table with every other, both ways.
    for (table, attributes) in &typed {
        let Attributes::DynamodbTable(attributes) = attributes else {
            continue;
        };
        let mut regions = vec![region_of(table)];
        regions.extend(typed.iter().filter_map(|(_, a)| match a {
            Attributes::DynamodbReplica(replica)
                if replica.table.as_known() == Some(attributes.name.as_str()) =>
            {
                Some(replica.region_name.clone())
            }
            _ => None,
        }));
        let target = Target::Table {
            name: attributes.name.clone(),
            key: attributes.partition_key.name.clone(),
            key_type: attributes.partition_key.attribute_type.as_str().to_string(),
        };
        for from in &regions {
            for to in regions.iter().filter(|to| *to != from) {
                links.push(Link {
                    store: block_of(&table.address),
                    kind: StoreKind::Table,
                    from: from.clone(),
                    to: to.clone(),
                    source: target.clone(),
                    destination: target.clone(),
                    metric: Some(MetricQuery {
                        namespace: "AWS/DynamoDB".into(),
                        name: "ReplicationLatency".into(),
                        dimensions: vec![
                            ("TableName".into(), attributes.name.clone()),
                            ("ReceivingRegion".into(), to.clone()),
                        ],
                    }),
                    backlog: None,
                });
            }
        }
    }
    // Buckets: each replication rule, from its bucket to its destination.
    for (replication, attributes) in &typed {
        let Attributes::S3Replication(attributes) = attributes else {
            continue;
        };
        for rule in &attributes.rules {
            let destination = rule
                .destination_bucket
                .as_known()
                .unwrap_or_default()
                .trim_start_matches("arn:aws:s3:::")
                .to_string();
            let to = typed
                .iter()
                .find(|(_, a)| matches!(a, Attributes::S3Bucket(b) if b.name == destination))
                .map(|(r, _)| region_of(r))
                .unwrap_or_default();
            let query = |name: &str| MetricQuery {
                namespace: "AWS/S3".into(),
                name: name.into(),
                dimensions: vec![
                    ("SourceBucket".into(), attributes.bucket.clone()),
                    ("DestinationBucket".into(), destination.clone()),
                    ("RuleId".into(), rule.id.clone()),
                ],
            };
            links.push(Link {
                store: block_of(&replication.address),
                kind: StoreKind::Bucket,
                from: region_of(replication),
                to,
                source: Target::Bucket(attributes.bucket.clone()),
                destination: Target::Bucket(destination.clone()),
                metric: rule.metrics.then(|| query("ReplicationLatency")),
                backlog: rule.metrics.then(|| query("OperationsPendingReplication")),
            });
        }
    }
    links
}

/// The newest datapoint's maximum, 0 when AWS published none lately.
async fn latest<O: Observer>(observer: &O, region: &str, query: &MetricQuery) -> Result<f64, String> {
    match observer.latest_metric(region, query).await {
        Ok(Some(point)) if point.age <= STALE => Ok(point.maximum),
        Ok(_) => Ok(0.0),
        Err(error) => Err(format!("{} of {}: {error}", query.name, query.namespace)),
    }
}

/// How `link` is doing, read from its metrics.
pub async fn measure<O: Observer>(observer: &O, link: &Link) -> LinkStatus {
    let mut status = LinkStatus {
        store: link.store.clone(),
        kind: link.kind,
        from: link.from.clone(),
        to: link.to.clone(),
        lag_seconds: None,
        pending_operations: None,
        probe_seconds: None,
        note: None,
    };
    let Some(metric) = &link.metric else {
        status.note =
            Some("no replication metrics (`metrics on` in its `replicate` block publishes them)".into());
        return status;
    };
    match latest(observer, &link.from, metric).await {
        // DynamoDB reports milliseconds, S3 seconds.
        Ok(value) => {
            status.lag_seconds = Some(match link.kind {
                StoreKind::Table => value / 1000.0,
                StoreKind::Bucket => value,
            })
        }
        Err(error) => status.note = Some(error),
    }
    if let Some(backlog) = &link.backlog {
        match latest(observer, &link.from, backlog).await {
            Ok(value) => status.pending_operations = Some(value.max(0.0) as u64),
            Err(error) => status.note = Some(error),
        }
    }
    status
}

/// Writes a marker in `link.from`, times its arrival in `link.to` (up to
/// `timeout`), and removes it from both.
pub async fn probe<O: Observer>(observer: &O, link: &Link, timeout: Duration) -> Result<Duration, String> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (written, read) = link.markers(&id);
    observer
        .write_marker(&link.from, &written)
        .await
        .map_err(|e| format!("cannot write a marker in {}: {e}", link.from))?;
    let started = Instant::now();
    let arrived = loop {
        match observer.marker_arrived(&link.to, &read).await {
            Ok(true) => break Ok(started.elapsed()),
            Ok(false) if started.elapsed() >= timeout => {
                break Err(format!(
                    "the marker written in {} had not arrived in {} after {:.0} s",
                    link.from,
                    link.to,
                    timeout.as_secs_f64()
                ));
            }
            Ok(false) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(error) => break Err(format!("cannot read the marker in {}: {error}", link.to)),
        }
    };
    // A table's delete replicates; a bucket's copy is removed where it is.
    let _ = observer.delete_marker(&link.from, &written).await;
    if link.kind == StoreKind::Bucket && arrived.is_ok() {
        let _ = observer.delete_marker(&link.to, &read).await;
    }
    arrived
}

/// Every link of `state`, measured; with `probe`, each also timed by a
/// marker (up to that long).
pub async fn replication<O: Observer>(
    state: &State,
    observer: &O,
    probe_timeout: Option<Duration>,
) -> Vec<LinkStatus> {
    let mut found = Vec::new();
    for link in links(state) {
        let mut status = measure(observer, &link).await;
        if let Some(timeout) = probe_timeout {
            match probe(observer, &link, timeout).await {
                Ok(took) => status.probe_seconds = Some(took.as_secs_f64()),
                Err(error) => status.note = Some(error),
            }
        }
        found.push(status);
    }
    found
}
