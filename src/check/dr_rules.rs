//! Rules about the topology as a whole: what disaster recovery needs beyond
//! each resource being valid on its own.

use super::Checker;
use super::check_error::CheckErrorKind;
use super::topology::{ResourceKind, Topology};

impl Checker<'_> {
    pub(super) fn check_dr_rules(&mut self, topology: &Topology) {
        let regions = topology.regions();

        // Every stateful store must survive the loss of any one region.
        let stores = topology
            .tables
            .iter()
            .map(|table| (&table.name, "table", table.regions(), table.span))
            .chain(
                topology
                    .buckets
                    .iter()
                    .map(|bucket| (&bucket.name, "bucket", bucket.regions(), bucket.span)),
            );
        for (name, kind, present, span) in stores {
            let missing: Vec<String> = regions
                .iter()
                .filter(|region| !present.contains(region))
                .map(|region| region.0.clone())
                .collect();
            if !missing.is_empty() {
                let span = self.scope.span_of(name).unwrap_or(span);
                self.error(
                    span,
                    CheckErrorKind::UnreplicatedStore {
                        name: name.clone(),
                        kind: kind.into(),
                        missing: missing.join(", "),
                    },
                );
            }
        }

        // Route 53 probes a path: it must be one the API serves, with a GET.
        for failover in &topology.failovers {
            let check = &failover.health_check;
            if check.protocol.value == super::topology::Protocol::Tcp {
                continue;
            }
            let Some(api) = topology.apis.iter().find(|api| api.name == failover.api) else {
                continue;
            };
            let served: Vec<String> = api
                .routes
                .iter()
                .filter(|route| matches!(route.method.as_str(), "GET" | "ANY"))
                .map(|route| format!("/{}{}", api.stage, route.path))
                .collect();
            if !served.iter().any(|pattern| path_matches(pattern, &check.path)) {
                let span = self.health_path_span(failover);
                self.error(
                    span,
                    CheckErrorKind::HealthPathUnrouted {
                        path: check.path.clone(),
                        api: api.name.clone(),
                        served,
                    },
                );
            }
        }

        // An objective nobody watches is found out during the disaster.
        if let Some(rpo) = &topology.objectives.rpo {
            let watched = |store: &str| {
                topology.alarms.iter().any(|alarm| {
                    alarm.resource == store
                        && matches!(alarm.resource_kind, ResourceKind::Bucket | ResourceKind::Table)
                        && alarm.metric.name.contains("replication")
                })
            };
            let unwatched: Vec<&str> = topology
                .buckets
                .iter()
                .filter(|bucket| bucket.replication.is_some())
                .map(|bucket| bucket.name.as_str())
                .chain(
                    topology
                        .tables
                        .iter()
                        .filter(|t| !t.replicas.is_empty())
                        .map(|t| t.name.as_str()),
                )
                .filter(|store| !watched(store))
                .collect();
            if !unwatched.is_empty() {
                self.error(
                    rpo.span,
                    CheckErrorKind::UnmonitoredObjective {
                        objective: "RPO".into(),
                        what: format!("replication of {}", unwatched.join(", ")),
                    },
                );
            }
        }
        if let Some(rto) = &topology.objectives.rto {
            let unwatched: Vec<&str> = topology
                .failovers
                .iter()
                .filter(|failover| {
                    !topology
                        .alarms
                        .iter()
                        .any(|alarm| alarm.resource == failover.name)
                })
                .map(|failover| failover.name.as_str())
                .collect();
            if !unwatched.is_empty() {
                self.error(
                    rto.span,
                    CheckErrorKind::UnmonitoredObjective {
                        objective: "RTO".into(),
                        what: format!("the health of failover {}", unwatched.join(", ")),
                    },
                );
            }
        }
    }

    fn health_path_span(&self, failover: &super::topology::Failover) -> crate::source::Span {
        failover.health_check.span
    }
}

/// Whether a concrete path matches a route pattern with `{param}` segments.
fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
    let path: Vec<&str> = path
        .split('?')
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .split('/')
        .collect();
    if pattern.last().is_some_and(|last| last.ends_with("+}")) {
        return path.len() >= pattern.len()
            && pattern[..pattern.len() - 1]
                .iter()
                .zip(&path)
                .all(|(p, s)| segment_matches(p, s));
    }
    pattern.len() == path.len() && pattern.iter().zip(&path).all(|(p, s)| segment_matches(p, s))
}

fn segment_matches(pattern: &str, segment: &str) -> bool {
    (pattern.starts_with('{') && pattern.ends_with('}') && !segment.is_empty()) || pattern == segment
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn paths() {
        assert!(path_matches("/prod/health", "/prod/health"));
        assert!(path_matches("/prod/payments/{id}", "/prod/payments/42"));
        assert!(!path_matches("/prod/payments/{id}", "/prod/payments"));
        assert!(path_matches("/prod/{proxy+}", "/prod/a/b"));
        assert!(!path_matches("/prod/health", "/health"));
    }
}
