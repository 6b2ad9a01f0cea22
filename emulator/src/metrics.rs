//! Metrics AWS services publish on their own, which moto never does: the
//! proxy puts them into moto's CloudWatch as the service would, in the
//! region the service publishes them — Route 53's `HealthCheckStatus` (in
//! us-east-1), DynamoDB's `ReplicationLatency` (in the region a write was
//! made, by `ReceivingRegion`) and S3 Replication Time Control's
//! `ReplicationLatency`, `OperationsPendingReplication` and
//! `BytesPendingReplication` (in the source bucket's region, by source,
//! destination and rule). AWS aggregates and publishes them once a minute;
//! the proxy publishes a datapoint at each change, so a reader sees a
//! minute's maximum as AWS would give it.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use hyper::{HeaderMap, Method};

use crate::upstream::Upstream;

/// One datapoint to publish.
pub(crate) struct Metric<'a> {
    pub(crate) namespace: &'a str,
    pub(crate) name: &'a str,
    pub(crate) value: f64,
    pub(crate) unit: &'a str,
    pub(crate) dimensions: &'a [(&'a str, &'a str)],
}

/// `application/x-www-form-urlencoded`, as the Query protocol reads it.
fn form(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => encoded.push(byte as char),
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

/// The PutMetricData body for `metric`.
fn body(metric: &Metric<'_>) -> String {
    let mut body = format!(
        "Action=PutMetricData&Version=2010-08-01&Namespace={}\
         &MetricData.member.1.MetricName={}&MetricData.member.1.Value={}\
         &MetricData.member.1.Unit={}",
        form(metric.namespace),
        form(metric.name),
        metric.value,
        form(metric.unit)
    );
    for (n, (name, value)) in metric.dimensions.iter().enumerate() {
        body.push_str(&format!(
            "&MetricData.member.1.Dimensions.member.{i}.Name={}&MetricData.member.1.Dimensions.member.{i}.Value={}",
            form(name),
            form(value),
            i = n + 1
        ));
    }
    body
}

/// Publishes `metric` in `region` for the account of `access_key`; a
/// metric lost is not an error of the request that caused it.
pub(crate) async fn publish(upstream: &Upstream, access_key: &str, region: &str, metric: Metric<'_>) {
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        "application/x-www-form-urlencoded"
            .parse()
            .expect("static header"),
    );
    if let Ok(authorization) = Upstream::authorization(access_key, region, "monitoring").parse() {
        headers.insert("authorization", authorization);
    }
    let _ = upstream
        .send(Method::POST, "/", &headers, Bytes::from(body(&metric)))
        .await;
}

/// Operations and bytes waiting to replicate, per source bucket,
/// destination bucket and rule: what `OperationsPendingReplication` and
/// `BytesPendingReplication` report.
/// Source bucket, destination bucket, rule id.
type Link = (String, String, String);

#[derive(Debug, Default)]
pub(crate) struct Backlog {
    /// Operations and bytes, per link.
    pending: Mutex<HashMap<Link, (u64, u64)>>,
}

impl Backlog {
    /// Adds (`true`) or removes one operation of `bytes`; the backlog after.
    pub(crate) fn change(&self, link: (&str, &str, &str), bytes: u64, add: bool) -> (u64, u64) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let key = (link.0.to_string(), link.1.to_string(), link.2.to_string());
        let entry = pending.entry(key).or_default();
        if add {
            entry.0 += 1;
            entry.1 += bytes;
        } else {
            entry.0 = entry.0.saturating_sub(1);
            entry.1 = entry.1.saturating_sub(bytes);
        }
        *entry
    }

    pub(crate) fn reset(&self) {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_form_encoded_with_every_dimension() {
        let text = body(&Metric {
            namespace: "AWS/S3",
            name: "OperationsPendingReplication",
            value: 2.0,
            unit: "Count",
            dimensions: &[("SourceBucket", "docs-us-east-1"), ("RuleId", "to us-east-2")],
        });
        assert!(text.contains("Namespace=AWS%2FS3"), "{text}");
        assert!(
            text.contains("Dimensions.member.2.Value=to%20us-east-2"),
            "{text}"
        );
        assert!(text.contains("MetricData.member.1.Value=2"), "{text}");
    }

    #[test]
    fn the_backlog_counts_up_and_down_and_never_below_zero() {
        let backlog = Backlog::default();
        assert_eq!(backlog.change(("a", "b", "r"), 10, true), (1, 10));
        assert_eq!(backlog.change(("a", "b", "r"), 5, true), (2, 15));
        assert_eq!(backlog.change(("a", "b", "r"), 10, false), (1, 5));
        assert_eq!(backlog.change(("a", "b", "r"), 10, false), (0, 0));
        assert_eq!(backlog.change(("a", "b", "r"), 10, false), (0, 0));
    }
}
