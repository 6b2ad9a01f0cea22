//! The worst-case recovery point of each replicated store.

use super::constants;
use super::{Objective, RpoBound, StoreRpo, Verdict};
use crate::check::topology::{Consistency, ResourceKind, Spanned, Topology};

pub(super) fn derive_all(topology: &Topology) -> Vec<StoreRpo> {
    let mut stores = Vec::new();
    for table in topology.tables.iter().filter(|table| !table.replicas.is_empty()) {
        let (mechanism, bound, source) = match table.consistency.value {
            Consistency::Eventual => (
                "DynamoDB global table, eventual consistency (MREC)",
                RpoBound::Typical {
                    seconds: constants::DYNAMODB_EVENTUAL_TYPICAL.seconds,
                },
                constants::DYNAMODB_EVENTUAL_TYPICAL.source,
            ),
            Consistency::Strong => (
                "DynamoDB global table, strong consistency (MRSC)",
                RpoBound::Bounded {
                    seconds: constants::DYNAMODB_STRONG.seconds,
                    percentile: None,
                },
                constants::DYNAMODB_STRONG.source,
            ),
        };
        stores.push(store(
            topology,
            &table.name,
            ResourceKind::Table,
            mechanism,
            bound,
            source,
            table.rpo.as_ref(),
            table
                .consistency
                .span
                .or(table.replication_span)
                .unwrap_or(table.span),
        ));
    }
    for bucket in &topology.buckets {
        let Some(replication) = &bucket.replication else {
            continue;
        };
        let (mechanism, bound, source, span) = match &replication.time_control {
            Some(time_control) => (
                "S3 replication with Replication Time Control",
                RpoBound::Bounded {
                    seconds: constants::S3_RTC.seconds,
                    percentile: Some("99.99 %"),
                },
                constants::S3_RTC.source,
                time_control.span,
            ),
            None => (
                "S3 replication without Replication Time Control",
                RpoBound::Unbounded,
                constants::S3_WITHOUT_RTC,
                replication.span,
            ),
        };
        stores.push(store(
            topology,
            &bucket.name,
            ResourceKind::Bucket,
            mechanism,
            bound,
            source,
            bucket.rpo.as_ref(),
            span,
        ));
    }
    stores
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call per store kind, each naming every part"
)]
fn store(
    topology: &Topology,
    name: &str,
    kind: ResourceKind,
    mechanism: &str,
    bound: RpoBound,
    source: &'static str,
    own: Option<&Spanned<u64>>,
    span: crate::source::Span,
) -> StoreRpo {
    let objective = match (own, &topology.objectives.rpo) {
        (Some(own), _) => Some(Objective {
            seconds: own.value,
            declared_by: format!("{} {name}", kind.word()),
            span: own.span,
        }),
        (None, Some(topology_wide)) => Some(Objective {
            seconds: topology_wide.value,
            declared_by: "topology".to_string(),
            span: topology_wide.span,
        }),
        (None, None) => None,
    };
    let verdict = match (&objective, bound) {
        (None, _) => Verdict::NoObjective,
        (Some(_), RpoBound::Unbounded) => Verdict::Unbounded,
        (Some(objective), RpoBound::Bounded { seconds, .. }) if seconds <= objective.seconds => {
            Verdict::Holds {
                spare: objective.seconds - seconds,
            }
        }
        (Some(objective), RpoBound::Typical { seconds }) if seconds <= objective.seconds => {
            Verdict::HoldsTypically {
                spare: objective.seconds - seconds,
            }
        }
        (Some(objective), RpoBound::Bounded { seconds, .. } | RpoBound::Typical { seconds }) => {
            Verdict::Violated {
                excess: seconds - objective.seconds,
            }
        }
    };
    let watched_by = topology
        .alarms
        .iter()
        .filter(|alarm| alarm.resource == name && alarm.metric.name.contains("replication"))
        .map(|alarm| alarm.name.clone())
        .collect();
    StoreRpo {
        store: name.to_string(),
        kind: kind.word(),
        mechanism: mechanism.to_string(),
        bound,
        source,
        objective,
        verdict,
        watched_by,
        span,
    }
}
