//! `drx status`: for each failover name, the region Route 53 answers with
//! now; for each health check, the share of checkers that see it healthy;
//! the alarms in ALARM. Read from the recorded resources, so it needs no
//! plan, and every AWS call is a read.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::resources::ResourceType;
use crate::model::{Observer, ResourceState};
use crate::state::State;

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

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StackStatus {
    pub stack: String,
    pub failovers: Vec<FailoverStatus>,
    pub health_checks: Vec<CheckStatus>,
    /// Alarms in ALARM now.
    pub alarms: Vec<AlarmStatus>,
    /// What could not be read, and why.
    pub errors: Vec<String>,
}

fn text<'a>(json: &'a serde_json::Value, key: &str) -> &'a str {
    json.get(key).and_then(|v| v.as_str()).unwrap_or_default()
}

/// The region of a failover target: an execute-api or regional AWS host
/// names it (`….execute-api.us-east-2.amazonaws.com`).
fn region_of(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.');
    let parts: Vec<&str> = host.split('.').collect();
    let at = parts.iter().position(|p| *p == "amazonaws")?;
    let region = parts.get(at.checked_sub(1)?)?;
    region.contains('-').then(|| (*region).to_string())
}

/// How the stack recorded in `state` is doing, as `observer` sees it now.
pub async fn status<O: Observer>(state: &State, observer: &O) -> StackStatus {
    let mut status = StackStatus {
        stack: state.stack.clone(),
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
                status.failovers.push(FailoverStatus {
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
    use crate::model::{CheckerReport, ProviderError, Region};

    struct Seen {
        answer: &'static str,
    }

    impl Observer for Seen {
        async fn dns_answer(&self, _: &str, _: &str, _: &str) -> Result<Vec<String>, ProviderError> {
            Ok(vec![self.answer.to_string()])
        }
        async fn health_check(&self, _: &str) -> Result<CheckerReport, ProviderError> {
            Ok(CheckerReport {
                healthy: 2,
                checkers: 3,
            })
        }
        async fn alarm_states(
            &self,
            _: &str,
            names: &[String],
        ) -> Result<Vec<(String, String)>, ProviderError> {
            Ok(names
                .iter()
                .map(|n| (n.clone(), if n == "hot" { "ALARM" } else { "OK" }.to_string()))
                .collect())
        }
    }

    fn resource(
        address: &str,
        kind: ResourceType,
        id: &str,
        attributes: serde_json::Value,
        outputs: &[(&str, &str)],
    ) -> ResourceState {
        ResourceState {
            address: address.into(),
            resource_type: kind,
            region: None,
            physical_id: id.into(),
            attributes,
            outputs: outputs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            depends_on: vec![],
        }
    }

    #[tokio::test]
    async fn the_answer_names_the_region_serving() {
        let mut state = State::new("stack");
        for (role, host) in [
            ("primary", "a.execute-api.us-east-1.amazonaws.com"),
            ("secondary", "b.execute-api.us-east-2.amazonaws.com"),
        ] {
            state.resources.push(resource(
                &format!("api.record[\"{role}\"]"),
                ResourceType::DnsRecord,
                "z/api/x",
                serde_json::json!({ "name": "api.example.test", "record_type": "cname", "failover": role }),
                &[("zone", "Z1"), ("value", host)],
            ));
        }
        state.resources.push(resource(
            "api.health_check",
            ResourceType::HealthCheck,
            "hc-1",
            serde_json::json!({}),
            &[],
        ));
        for name in ["hot", "calm"] {
            let mut alarm = resource(
                &format!("{name}.alarm@us-east-1"),
                ResourceType::MetricAlarm,
                name,
                serde_json::json!({}),
                &[],
            );
            alarm.region = Some(Region("us-east-1".into()));
            state.resources.push(alarm);
        }
        let seen = status(
            &state,
            &Seen {
                answer: "b.execute-api.us-east-2.amazonaws.com",
            },
        )
        .await;
        assert_eq!(seen.failovers.len(), 1);
        assert_eq!(seen.failovers[0].serving.as_deref(), Some("us-east-2"));
        assert_eq!(seen.failovers[0].role.as_deref(), Some("SECONDARY"));
        assert_eq!(seen.health_checks[0].healthy, 2);
        assert_eq!(
            seen.alarms.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["hot"]
        );
        assert!(seen.errors.is_empty());
        assert_eq!(region_of("example.com"), None);
    }
}
