//! `drx status`: for each failover name, the region Route 53 answers with
//! now and the drx failover in force, if one is; for each health check, the
//! share of checkers that see it healthy; each replicated store's lag per
//! direction; the alarms in ALARM; drift. Read from the recorded resources,
//! so it needs no plan, and every AWS call is a read (a probe's marker
//! aside, which it removes).

use std::collections::BTreeMap;

use serde::Serialize;

use super::failover::region_of;
use super::replication::{LinkStatus, replication};
use crate::model::resources::ResourceType;
use crate::model::{Observer, ResourceState};
use crate::state::{DrillRecord, FailoverRecord, State};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailoverStatus {
    /// The DNS name failed over.
    pub name: String,
    /// The region Route 53 answers with now, when the answer is one of the
    /// stack's targets.
    pub serving: Option<String>,
    /// `PRIMARY` or `SECONDARY`: the record answering.
    pub role: Option<String>,
    pub answer: Vec<String>,
    /// The failover drx made that is in force, who made it, when and why.
    pub in_force: Option<FailoverRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckStatus {
    pub address: String,
    pub id: String,
    pub healthy: usize,
    pub checkers: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmStatus {
    pub address: String,
    pub region: String,
    pub name: String,
}

/// What reading every resource back found changed outside drx.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DriftSummary {
    pub resources: usize,
    /// `address attribute`, for each setting changed.
    pub changed: Vec<String>,
    /// Addresses deleted outside drx.
    pub missing: Vec<String>,
}

impl DriftSummary {
    /// The one line `drx status` prints.
    pub fn line(&self) -> String {
        if self.changed.is_empty() && self.missing.is_empty() {
            return format!("no drift ({} resources read back)", self.resources);
        }
        let mut parts = Vec::new();
        if !self.changed.is_empty() {
            parts.push(format!("changed outside drx: {}", self.changed.join(", ")));
        }
        if !self.missing.is_empty() {
            parts.push(format!("deleted outside drx: {}", self.missing.join(", ")));
        }
        format!("drift: {}; `drx plan` shows how to put it back", parts.join("; "))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StackStatus {
    pub stack: String,
    pub failovers: Vec<FailoverStatus>,
    pub health_checks: Vec<CheckStatus>,
    /// Each replicated store, per direction.
    pub replication: Vec<LinkStatus>,
    /// Alarms in ALARM now.
    pub alarms: Vec<AlarmStatus>,
    /// What changed outside drx, when it was read back.
    pub drift: Option<DriftSummary>,
    /// A drill under way, or one cut short.
    pub drill: Option<DrillRecord>,
    /// What could not be read, and why.
    pub errors: Vec<String>,
}

fn text<'a>(json: &'a serde_json::Value, key: &str) -> &'a str {
    json.get(key).and_then(|v| v.as_str()).unwrap_or_default()
}

/// How the stack recorded in `state` is doing, as `observer` sees it now;
/// with `probe`, replication is also timed by markers (up to that long).
pub async fn status<O: Observer>(
    state: &State,
    observer: &O,
    probe: Option<std::time::Duration>,
) -> StackStatus {
    let mut status = StackStatus {
        stack: state.stack.clone(),
        drill: state.drill.clone(),
        ..StackStatus::default()
    };
    let of = |kind: ResourceType| state.resources.iter().filter(move |r| r.resource_type == kind);

    // Failover records, by zone and name.
    let mut names: BTreeMap<(String, String, String), Vec<&ResourceState>> = BTreeMap::new();
    for record in of(ResourceType::DnsRecord) {
        let key = (
            text(&serde_json::to_value(&record.outputs).unwrap_or_default(), "zone").to_string(),
            text(&record.attributes, "name").to_string(),
            text(&record.attributes, "record_type").to_string(),
        );
        names.entry(key).or_default().push(record);
    }
    for ((zone, name, kind), records) in names {
        match observer
            .dns_answer(&zone, &name, &kind.to_ascii_uppercase())
            .await
        {
            Ok(answer) => {
                let matched = records.iter().find(|record| {
                    let value = record
                        .outputs
                        .get("value")
                        .map(String::as_str)
                        .unwrap_or_default();
                    answer
                        .iter()
                        .any(|a| a.trim_end_matches('.') == value.trim_end_matches('.'))
                });
                let in_force = state.failovers.iter().find(|f| f.domain == name).cloned();
                status.failovers.push(FailoverStatus {
                    in_force,
                    name,
                    serving: matched.and_then(|r| region_of(r.outputs.get("value")?)),
                    role: matched.map(|r| text(&r.attributes, "failover").to_ascii_uppercase()),
                    answer,
                });
            }
            Err(error) => status
                .errors
                .push(format!("Route 53's answer for {name}: {error}")),
        }
    }

    for check in of(ResourceType::HealthCheck) {
        match observer.health_check(&check.physical_id).await {
            Ok(report) => status.health_checks.push(CheckStatus {
                address: check.address.clone(),
                id: check.physical_id.clone(),
                healthy: report.healthy,
                checkers: report.checkers,
            }),
            Err(error) => status
                .errors
                .push(format!("health check {}: {error}", check.address)),
        }
    }

    status.replication = replication(state, observer, probe).await;

    let mut alarms: BTreeMap<String, Vec<&ResourceState>> = BTreeMap::new();
    for alarm in of(ResourceType::MetricAlarm) {
        let region = alarm
            .region
            .as_ref()
            .map(|r| r.0.clone())
            .unwrap_or_else(|| "us-east-1".into());
        alarms.entry(region).or_default().push(alarm);
    }
    for (region, recorded) in alarms {
        let names: Vec<String> = recorded.iter().map(|a| a.physical_id.clone()).collect();
        match observer.alarm_states(&region, &names).await {
            Ok(states) => {
                for (name, _) in states.into_iter().filter(|(_, s)| s == "ALARM") {
                    if let Some(alarm) = recorded.iter().find(|a| a.physical_id == name) {
                        status.alarms.push(AlarmStatus {
                            address: alarm.address.clone(),
                            region: region.clone(),
                            name,
                        });
                    }
                }
            }
            Err(error) => status.errors.push(format!("alarms in {region}: {error}")),
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Region;
    use crate::operate::fake::{FakeAws, applied_state};

    #[tokio::test]
    async fn the_status_names_the_region_serving_the_checkers_the_lag_and_the_alarms() {
        let mut state = applied_state();
        for name in ["hot", "calm"] {
            let mut alarm = state.resources[0].clone();
            alarm.address = format!("{name}.alarm@us-east-1");
            alarm.resource_type = ResourceType::MetricAlarm;
            alarm.physical_id = name.into();
            alarm.region = Some(Region("us-east-1".into()));
            state.resources.push(alarm);
        }
        let aws = FakeAws::new();
        aws.set_metric("ReplicationLatency", 800.0);
        aws.set_metric("OperationsPendingReplication", 2.0);
        let seen = status(&state, &aws, None).await;
        assert_eq!(seen.failovers.len(), 1);
        assert_eq!(seen.failovers[0].serving.as_deref(), Some("us-east-1"));
        assert_eq!(seen.failovers[0].role.as_deref(), Some("PRIMARY"));
        assert_eq!(seen.failovers[0].in_force, None);
        assert_eq!(
            (seen.health_checks[0].healthy, seen.health_checks[0].checkers),
            (3, 3)
        );
        assert_eq!(
            seen.alarms.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["hot"]
        );
        // Both directions of the table (milliseconds read as seconds), the
        // bucket's one with its backlog.
        let lags: Vec<String> = seen
            .replication
            .iter()
            .map(|l| {
                format!(
                    "{} {}>{} {:?} {:?}",
                    l.store, l.from, l.to, l.lag_seconds, l.pending_operations
                )
            })
            .collect();
        assert_eq!(
            lags,
            [
                "payments us-east-1>us-east-2 Some(0.8) None",
                "payments us-east-2>us-east-1 Some(0.8) None",
                "docs us-east-1>us-east-2 Some(800.0) Some(2)",
            ]
        );
        assert!(seen.errors.is_empty());
    }

    #[tokio::test]
    async fn a_probe_times_a_marker_and_removes_it() {
        let (state, aws) = (applied_state(), FakeAws::new());
        let seen = status(&state, &aws, Some(std::time::Duration::from_secs(1))).await;
        assert!(
            seen.replication.iter().all(|l| l.probe_seconds.is_some()),
            "{:?}",
            seen.replication
        );
        assert!(aws.markers.lock().unwrap().is_empty(), "markers removed");
    }

    #[test]
    fn drift_is_one_line() {
        let none = DriftSummary {
            resources: 51,
            ..DriftSummary::default()
        };
        assert_eq!(none.line(), "no drift (51 resources read back)");
        let some = DriftSummary {
            resources: 51,
            changed: vec!["api.health_check resource_path".into()],
            missing: vec!["x.alarm@us-east-1".into()],
        };
        assert_eq!(
            some.line(),
            "drift: changed outside drx: api.health_check resource_path; deleted outside drx: x.alarm@us-east-1; `drx plan` shows how to put it back"
        );
    }
}
