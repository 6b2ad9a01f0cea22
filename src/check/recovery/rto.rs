//! The worst-case recovery time of one failover path.

use super::constants::{self, CLIENT_DNS_CACHE_NOTE, ROUTE53_ANSWER_CHANGE_NOTE, STANDBY_WARM_UP_NOTE};
use super::{Objective, Origin, RtoPath, Term, Verdict};
use crate::check::topology::{Failover, Protocol, Setting, Topology};

pub(super) fn derive(topology: &Topology, failover: &Failover) -> RtoPath {
    let check = &failover.health_check;
    let assumptions = &topology.assumptions;
    let mut terms = Vec::new();

    let detection = check.interval.value * check.failures.value;
    terms.push(Term {
        name: "detection",
        seconds: detection,
        formula: format!(
            "interval {} s × failures {}",
            check.interval.value, check.failures.value
        ),
        origin: settings(&[
            ("interval", &check.interval.span),
            ("failures", &check.failures.span),
        ]),
    });

    let (check_time, protocol) = match check.protocol.value {
        Protocol::Https => (constants::HTTP_CHECK_TIME, "HTTPS"),
        Protocol::Http => (constants::HTTP_CHECK_TIME, "HTTP"),
        Protocol::Tcp => (constants::TCP_CHECK_TIME, "TCP"),
    };
    terms.push(Term {
        name: "health check",
        seconds: check_time.seconds,
        formula: match check.protocol.value {
            Protocol::Tcp => "TCP: 10 s to connect".to_string(),
            _ => format!("{protocol}: 4 s to connect + 2 s to respond"),
        },
        origin: Origin::Constant {
            source: check_time.source,
        },
    });

    terms.push(assumption_term(
        "Route 53 answer",
        "route53_answer_change",
        &assumptions.route53_answer_change,
        ROUTE53_ANSWER_CHANGE_NOTE,
    ));

    let ttl = failover.ttl.value;
    let cache = assumptions.client_dns_cache.value;
    let mut caching_spans: Vec<_> = failover.ttl.span.into_iter().collect();
    caching_spans.extend(assumptions.client_dns_cache.span);
    let mut defaults = Vec::new();
    if failover.ttl.span.is_none() {
        defaults.push("ttl".to_string());
    }
    if assumptions.client_dns_cache.span.is_none() {
        defaults.push(format!("client_dns_cache ({CLIENT_DNS_CACHE_NOTE})"));
    }
    terms.push(Term {
        name: "DNS caching",
        seconds: ttl.max(cache),
        formula: format!("max(ttl {ttl} s, client_dns_cache {cache} s)"),
        origin: Origin::File {
            spans: caching_spans,
            defaults,
        },
    });

    let warm_up = match &failover.warm_up {
        Some(warm_up) => Term {
            name: "standby warm-up",
            seconds: warm_up.value,
            formula: format!("warm_up {} s", warm_up.value),
            origin: Origin::File {
                spans: vec![warm_up.span],
                defaults: Vec::new(),
            },
        },
        None => assumption_term(
            "standby warm-up",
            "standby_warm_up",
            &assumptions.standby_warm_up,
            STANDBY_WARM_UP_NOTE,
        ),
    };
    terms.push(warm_up);

    let worst_case = terms.iter().map(|term| term.seconds).sum();
    let objective = match (&failover.rto, &topology.objectives.rto) {
        (Some(own), _) => Some(Objective {
            seconds: own.value,
            declared_by: format!("failover {}", failover.name),
            span: own.span,
        }),
        (None, Some(topology_wide)) => Some(Objective {
            seconds: topology_wide.value,
            declared_by: "topology".to_string(),
            span: topology_wide.span,
        }),
        (None, None) => None,
    };
    let verdict = match &objective {
        None => Verdict::NoObjective,
        Some(objective) if worst_case <= objective.seconds => Verdict::Holds {
            spare: objective.seconds - worst_case,
        },
        Some(objective) => Verdict::Violated {
            excess: worst_case - objective.seconds,
        },
    };
    RtoPath {
        failover: failover.name.clone(),
        from: failover.primary.clone(),
        to: failover.standby.clone(),
        terms,
        worst_case,
        objective,
        verdict,
        mechanisms: Vec::new(),
        stability_warnings: Vec::new(),
        span: failover.span,
    }
}

fn settings(settings: &[(&str, &Option<crate::source::Span>)]) -> Origin {
    Origin::File {
        spans: settings.iter().filter_map(|(_, span)| **span).collect(),
        defaults: settings
            .iter()
            .filter(|(_, span)| span.is_none())
            .map(|(name, _)| name.to_string())
            .collect(),
    }
}

fn assumption_term(
    name: &'static str,
    parameter: &'static str,
    setting: &Setting<u64>,
    note: &'static str,
) -> Term {
    Term {
        name,
        seconds: setting.value,
        formula: format!("{parameter} {} s", setting.value),
        origin: Origin::Assumption {
            name: parameter,
            note,
            span: setting.span,
        },
    }
}
