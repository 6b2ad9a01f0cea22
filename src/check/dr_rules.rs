//! Rules about the topology as a whole: what disaster recovery needs beyond
//! each resource being valid on its own.

use super::Checker;
use super::check_error::CheckErrorKind;
use super::recovery::{Origin, Recovery, RpoBound, Verdict, human};
use super::topology::{Protocol, RouteAuth, Topology};

impl Checker<'_> {
    /// Finds the route each failover's health check probes (a probe of a
    /// path no GET route serves fails forever) and opens it — Route 53's
    /// checkers cannot sign with SigV4 — and warns of every other route
    /// anyone may call. Only a route serving the health path alone is
    /// opened: a `{param}` route serving it would open every path it serves.
    pub(super) fn open_health_routes(&mut self, topology: &mut Topology) {
        let mut opened: Vec<(String, usize)> = Vec::new();
        for failover in &topology.failovers {
            let check = &failover.health_check;
            if check.protocol.value == Protocol::Tcp {
                continue;
            }
            let Some(api) = topology.apis.iter_mut().find(|api| api.name == failover.api) else {
                continue;
            };
            let pattern = |route: &super::topology::Route| format!("/{}{}", api.stage, route.path);
            let serving: Vec<usize> = api
                .routes
                .iter()
                .enumerate()
                .filter(|(_, route)| matches!(route.method.as_str(), "GET" | "ANY"))
                .filter(|(_, route)| path_matches(&pattern(route), &check.path))
                .map(|(index, _)| index)
                .collect();
            if serving.is_empty() {
                let served = api
                    .routes
                    .iter()
                    .filter(|route| matches!(route.method.as_str(), "GET" | "ANY"))
                    .map(pattern)
                    .collect();
                self.error(
                    check.span,
                    CheckErrorKind::HealthPathUnrouted {
                        path: check.path.clone(),
                        api: api.name.clone(),
                        served,
                    },
                );
                continue;
            }
            let exact = |index: &usize| !api.routes[*index].path.contains('{');
            // API Gateway answers a GET with the GET method where a resource
            // has both, and with the most specific resource.
            let chosen = serving
                .iter()
                .copied()
                .filter(exact)
                .min_by_key(|index| api.routes[*index].method != "GET");
            let Some(index) = chosen else {
                let route = &api.routes[serving[0]];
                self.error(
                    route.span,
                    CheckErrorKind::HealthRouteShared {
                        route: format!("{} {}", route.method, route.path),
                        failover: failover.name.clone(),
                        path: check.path.clone(),
                        health_check: check.span,
                    },
                );
                continue;
            };
            let route = &mut api.routes[index];
            if let (RouteAuth::Iam, Some(span)) = (route.auth, route.auth_set) {
                self.error(
                    span,
                    CheckErrorKind::HealthRouteSigned {
                        route: format!("{} {}", route.method, route.path),
                        failover: failover.name.clone(),
                        health_check: check.span,
                    },
                );
            }
            route.auth = RouteAuth::None;
            opened.push((api.name.clone(), index));
        }
        for api in &topology.apis {
            for (index, route) in api.routes.iter().enumerate() {
                let health = opened.iter().any(|(name, i)| *name == api.name && *i == index);
                if route.auth == RouteAuth::None && !health {
                    self.error(
                        route.auth_set.unwrap_or(route.span),
                        CheckErrorKind::PublicRoute {
                            route: format!("{} {}", route.method, route.path),
                            api: api.name.clone(),
                        },
                    );
                }
            }
        }
    }

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

        // A warm standby takes the primary's whole load once failed over: each
        // function behind the failed-over API needs as much concurrency there.
        for failover in &topology.failovers {
            let Some(api) = topology.apis.iter().find(|api| api.name == failover.api) else {
                continue;
            };
            let mut seen: Vec<&str> = Vec::new();
            for route in &api.routes {
                if seen.contains(&route.function.as_str()) {
                    continue;
                }
                seen.push(&route.function);
                let Some(function) = topology.functions.iter().find(|f| f.name == route.function) else {
                    continue;
                };
                let (Some(&primary), Some(&standby)) = (
                    function.concurrency.get(&failover.primary),
                    function.concurrency.get(&failover.standby),
                ) else {
                    continue;
                };
                if standby < primary {
                    self.error(
                        function.concurrency_span.unwrap_or(function.span),
                        CheckErrorKind::StandbyConcurrency {
                            function: function.name.clone(),
                            failover: failover.name.clone(),
                            primary,
                            primary_region: failover.primary.0.clone(),
                            standby,
                            standby_region: failover.standby.0.clone(),
                        },
                    );
                }
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
