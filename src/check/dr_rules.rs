//! Rules about the topology as a whole: what disaster recovery needs beyond
//! each resource being valid on its own.

use super::Checker;
use super::check_error::CheckErrorKind;
use super::recovery::{Origin, Recovery, RpoBound, Verdict, human};
use super::topology::Topology;

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
                let span = failover.health_check.span;
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
    }

    /// Judges every objective against the derivation, and warns where an
    /// objective has no alarm watching it.
    pub(super) fn check_objectives(&mut self, topology: &Topology, recovery: &Recovery) {
        for path in &recovery.paths {
            let Some(objective) = &path.objective else {
                continue;
            };
            if let Verdict::Violated { .. } = path.verdict {
                let largest = path.terms.iter().max_by_key(|term| term.seconds);
                let span = largest
                    .and_then(|term| match &term.origin {
                        Origin::File { spans, .. } => spans.first().copied(),
                        Origin::Assumption { span, .. } => *span,
                        Origin::Constant { .. } => None,
                    })
                    .or_else(|| self.scope.span_of(&path.failover))
                    .unwrap_or(path.span);
                self.error(
                    span,
                    CheckErrorKind::RtoNotMet {
                        failover: path.failover.clone(),
                        worst_case: path.worst_case,
                        objective: objective.seconds,
                        declared_by: objective.declared_by.clone(),
                        largest: largest.map(|term| term.name.to_string()).unwrap_or_default(),
                        largest_seconds: largest.map_or(0, |term| term.seconds),
                        objective_span: objective.span,
                    },
                );
            }
            let watched = topology
                .alarms
                .iter()
                .any(|alarm| alarm.resource == path.failover);
            if !watched {
                self.error(
                    objective.span,
                    CheckErrorKind::UnmonitoredObjective {
                        objective: "RTO".into(),
                        what: format!("the health of failover {}", path.failover),
                    },
                );
            }
        }
        for store in &recovery.stores {
            let Some(objective) = &store.objective else {
                continue;
            };
            match store.verdict {
                Verdict::Violated { .. } => {
                    let bound = match store.bound {
                        RpoBound::Bounded { seconds, percentile } => match percentile {
                            Some(percentile) => format!("{} for {percentile} of writes", human(seconds)),
                            None => human(seconds),
                        },
                        RpoBound::Typical { seconds } => format!("about {}", human(seconds)),
                        RpoBound::Unbounded => "without bound".into(),
                    };
                    self.error(
                        store.span,
                        CheckErrorKind::RpoNotMet {
                            store: store.store.clone(),
                            kind: store.kind.into(),
                            bound,
                            objective: objective.seconds,
                            declared_by: objective.declared_by.clone(),
                            objective_span: objective.span,
                        },
                    );
                }
                Verdict::Unbounded => self.error(
                    store.span,
                    CheckErrorKind::RpoUnbounded {
                        store: store.store.clone(),
                        kind: store.kind.into(),
                        objective: objective.seconds,
                        objective_span: objective.span,
                    },
                ),
                _ => {}
            }
        }
        // One warning per objective, naming every store it leaves unwatched.
        let mut unwatched: Vec<(crate::source::Span, Vec<&str>)> = Vec::new();
        for store in &recovery.stores {
            let Some(objective) = &store.objective else {
                continue;
            };
            if !store.watched_by.is_empty() {
                continue;
            }
            match unwatched.iter_mut().find(|(span, _)| *span == objective.span) {
                Some((_, stores)) => stores.push(&store.store),
                None => unwatched.push((objective.span, vec![&store.store])),
            }
        }
        for (span, stores) in unwatched {
            self.error(
                span,
                CheckErrorKind::UnmonitoredObjective {
                    objective: "RPO".into(),
                    what: format!("replication of {}", stores.join(", ")),
                },
            );
        }
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
