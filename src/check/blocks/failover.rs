//! `failover name { domain … zone … targets … standby … health_check { … } ttl … rto … }`

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::statements::Statements;
use super::super::topology::{Failover, HealthCheck, Protocol, Region, ResourceKind, Setting};
use super::super::vocabulary;
use super::table::optional;
use crate::syntax::ast::{self, ValueKind};

impl<'a> Checker<'a> {
    pub(in super::super) fn check_failover(&mut self, block: &'a ast::Block) -> Option<Failover> {
        let mut statements = Statements::new(
            self,
            "failover",
            ResourceKind::Failover.spec().attributes,
            &block.body,
        );

        let domain = statements.value(self, "domain").and_then(|value| {
            let domain = self.literal_string(value)?.to_ascii_lowercase();
            self.check_domain(&domain, value.span)
                .then_some((domain, value.span))
        });
        let domain = statements.require(
            self,
            domain,
            "domain",
            &block.name,
            "domain \"api.payments.test.local\"",
        );

        let zone = match statements.value(self, "zone") {
            Some(value) => self.literal_string(value).and_then(|zone| {
                let zone = zone.to_ascii_lowercase();
                self.check_domain(&zone, value.span).then_some((zone, value.span))
            }),
            None => domain.as_ref().and_then(|(domain, span)| {
                domain
                    .split_once('.')
                    .map(|(_, parent)| (parent.to_string(), *span))
            }),
        };
        if let (Some((domain, domain_span)), Some((zone, zone_span))) = (&domain, &zone)
            && domain != zone
            && !domain.ends_with(&format!(".{zone}"))
        {
            self.error(
                *domain_span,
                CheckErrorKind::DomainOutsideZone {
                    domain: domain.clone(),
                    zone: zone.clone(),
                    zone_span: *zone_span,
                },
            );
        }

        let api = statements
            .value(self, "targets")
            .and_then(|value| match &value.kind {
                ValueKind::Ref(reference) => self
                    .resource_named(reference, &[ResourceKind::Api])
                    .map(|found| (found, reference.span)),
                _ => {
                    self.mismatch(value, "the name of an api", None);
                    None
                }
            });
        let api = statements.require(self, api, "targets", &block.name, "targets payments");

        let standby = match statements.value(self, "standby") {
            Some(value) => self.standby(value),
            None => match self.secondaries.as_slice() {
                [only] => Some(only.clone()),
                [] => None,
                many => {
                    self.error(
                        block.name.span,
                        CheckErrorKind::AmbiguousStandby {
                            name: block.name.name.clone(),
                            secondaries: many.iter().map(|r| r.0.clone()).collect(),
                        },
                    );
                    None
                }
            },
        };
        let primary = self.primary.clone();
        if let (Some(((api_name, _, api_regions), span)), Some(primary), Some(standby)) =
            (&api, &primary, &standby)
        {
            for region in [primary, standby] {
                self.require_in_region(api_name, ResourceKind::Api, api_regions, region, *span);
            }
        }

        let health_check = match statements.body(self, "health_check") {
            Some(body) => self.health_check(body),
            None => {
                if !statements_has(&block.body, "health_check") {
                    self.error(
                        block.name.span,
                        CheckErrorKind::FailoverWithoutHealthCheck {
                            name: block.name.name.clone(),
                        },
                    );
                }
                None
            }
        };
        let ttl = match statements.value(self, "ttl") {
            Some(value) => self.duration(value).and_then(|ttl| {
                if ttl.value > 2_147_483_647 {
                    self.error(
                        value.span,
                        CheckErrorKind::OutOfRange {
                            what: "a Route 53 TTL".into(),
                            value: format!("{} s", ttl.value),
                            range: "at most 2147483647 s".into(),
                        },
                    );
                    return None;
                }
                Some(Setting::set(ttl.value, value.span))
            }),
            None => Some(Setting::default_value(60)),
        };
        let warm_up = statements
            .value(self, "warm_up")
            .map(|value| self.duration(value));
        let rto = statements.value(self, "rto").map(|value| self.duration(value));
        statements.finish_resource(self, ResourceKind::Failover);

        Some(Failover {
            name: block.name.name.clone(),
            domain: domain?.0,
            zone: zone?.0,
            api: api?.0.0,
            primary: primary?,
            standby: standby?,
            health_check: health_check?,
            ttl: ttl?,
            warm_up: optional(warm_up)?,
            rto: optional(rto)?,
            span: block.span,
        })
    }

    fn standby(&mut self, value: &ast::Value) -> Option<Region> {
        let region = match &value.kind {
            ValueKind::Ref(reference)
                if reference.head().name == "secondary" && reference.segments.len() == 1 =>
            {
                let placement = ast::Placement {
                    target: ast::PlacementTarget::One(value.clone()),
                    span: value.span,
                };
                self.placement(&placement)?.into_iter().next()?
            }
            _ => self.region(value)?,
        };
        if !self.secondaries.contains(&region) {
            self.error(
                value.span,
                CheckErrorKind::UnknownValue {
                    found: region.0.clone(),
                    what: "standby region: it must be a secondary of the topology".into(),
                    suggestion: self.secondaries.first().map(|r| r.0.clone()),
                    allowed: self.secondaries.iter().map(|r| r.0.clone()).collect(),
                },
            );
            return None;
        }
        Some(region)
    }

    fn health_check(&mut self, body: &'a ast::Body) -> Option<HealthCheck> {
        let mut statements = Statements::new(
            self,
            "health check",
            ResourceKind::Failover.spec().nested("health_check"),
            body,
        );
        let protocol = match statements.value(self, "protocol") {
            Some(value) => self
                .symbol(value, "health-check protocol", &["https", "http", "tcp"])
                .map(|word| {
                    let protocol = match word {
                        "https" => Protocol::Https,
                        "http" => Protocol::Http,
                        _ => Protocol::Tcp,
                    };
                    Setting::set(protocol, value.span)
                }),
            None => Some(Setting::default_value(Protocol::Https)),
        };
        let path = match statements.value(self, "path") {
            Some(value) => self.literal_string(value).and_then(|path| {
                if path.starts_with('/') {
                    Some(path)
                } else {
                    self.mismatch(
                        value,
                        "a path starting with `/`",
                        Some(format!("write \"/{path}\"")),
                    );
                    None
                }
            }),
            None => Some("/".to_string()),
        };
        let port = match statements.value(self, "port") {
            Some(value) => self.integer(value).and_then(|port| {
                if (1..=65_535).contains(&port.value) {
                    Some(port.value)
                } else {
                    self.error(
                        value.span,
                        CheckErrorKind::OutOfRange {
                            what: "a port".into(),
                            value: port.value.to_string(),
                            range: "1 to 65535".into(),
                        },
                    );
                    None
                }
            }),
            None => Some(if protocol.as_ref().map(|p| p.value) == Some(Protocol::Http) {
                80
            } else {
                443
            }),
        };
        // Route 53 offers standard (30 s) and fast (10 s) intervals only.
        let interval = match statements.value(self, "interval") {
            Some(value) => self.duration(value).and_then(|interval| {
                if interval.value == 10 || interval.value == 30 {
                    Some(Setting::set(interval.value, interval.span))
                } else {
                    self.error(
                        value.span,
                        CheckErrorKind::HealthCheckInterval {
                            seconds: interval.value,
                        },
                    );
                    None
                }
            }),
            None => Some(Setting::default_value(30)),
        };
        let failures = match statements.value(self, "failures") {
            Some(value) => self.integer(value).and_then(|failures| {
                if (1..=10).contains(&failures.value) {
                    Some(Setting::set(failures.value, failures.span))
                } else {
                    self.error(
                        value.span,
                        CheckErrorKind::FailureThreshold {
                            value: failures.value,
                        },
                    );
                    None
                }
            }),
            None => Some(Setting::default_value(3)),
        };
        statements.finish(self, &[]);
        Some(HealthCheck {
            protocol: protocol?,
            path: path?,
            port: port?,
            interval: interval?,
            failures: failures?,
            span: body.span,
        })
    }

    /// Route 53 hosted-zone names: labels of letters, digits and `-`, at
    /// most 63 each and 253 in all, and not a domain AWS reserves.
    fn check_domain(&mut self, domain: &str, span: crate::source::Span) -> bool {
        if let Some(reserved) = vocabulary::RESERVED_DOMAINS
            .iter()
            .find(|reserved| domain == **reserved || domain.ends_with(&format!(".{reserved}")))
        {
            self.error(
                span,
                CheckErrorKind::ReservedDomain {
                    domain: domain.to_string(),
                    reserved: reserved.to_string(),
                },
            );
            return false;
        }
        let problem = if domain.len() > 253 {
            Some("it is longer than 253 characters".to_string())
        } else if !domain.contains('.') {
            Some("it needs at least two labels, such as `payments.test`".to_string())
        } else if let Some(label) = domain
            .split('.')
            .find(|label| label.is_empty() || label.len() > 63)
        {
            Some(if label.is_empty() {
                "it has an empty label".to_string()
            } else {
                format!("label `{label}` is longer than 63 characters")
            })
        } else {
            domain
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
                .map(|c| format!("`{c}` is not allowed"))
        };
        if let Some(problem) = problem {
            self.error(
                span,
                CheckErrorKind::InvalidDomain {
                    domain: domain.to_string(),
                    problem,
                },
            );
            return false;
        }
        true
    }
}

fn statements_has(body: &ast::Body, name: &str) -> bool {
    body.statements.iter().any(|statement| {
        matches!(&statement.kind, ast::StatementKind::Attribute { name: ident, .. } if ident.name == name)
    })
}
