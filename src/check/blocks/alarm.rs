//! `alarm name { when resource.metric > threshold over period  notify topic  in … }`

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::naming::NameRule;
use super::super::service_name;
use super::super::statements::Statements;
use super::super::topology::{Alarm, Comparison, Metric, MetricUnit, Region, ResourceKind};
use super::super::vocabulary;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, DurationUnit, SizeUnit, ValueKind};

impl<'a> Checker<'a> {
    pub(in super::super) fn check_alarm(&mut self, block: &'a ast::Block) -> Option<Alarm> {
        let mut statements =
            Statements::new(self, "alarm", ResourceKind::Alarm.spec().attributes, &block.body);
        let regions = self.regions_of(&block.name.name);
        let service = service_name(&block.name.name);

        let condition = match statements.conditions.as_slice() {
            [] => {
                statements.require(
                    self,
                    None::<()>,
                    "when",
                    &block.name,
                    "when processor.errors > 5 over 1m",
                );
                None
            }
            [(first, first_span), rest @ ..] => {
                for (_, span) in rest {
                    self.error(
                        *span,
                        CheckErrorKind::DuplicateAttribute {
                            name: "when".into(),
                            first: *first_span,
                        },
                    );
                }
                self.condition(first, &regions)
            }
        };

        let topic = statements
            .value(self, "notify")
            .and_then(|value| match &value.kind {
                ValueKind::Ref(reference) => {
                    let (topic, _, topic_regions) =
                        self.resource_named(reference, &[ResourceKind::Alerts])?;
                    let declared = self.scope.span_of(&topic).unwrap_or_default();
                    let mut ok = true;
                    for region in &regions {
                        if !topic_regions.contains(region) {
                            self.error(
                                reference.span,
                                CheckErrorKind::AlarmTopicRegion {
                                    topic: topic.clone(),
                                    region: region.0.clone(),
                                    topic_span: declared,
                                },
                            );
                            ok = false;
                        }
                    }
                    ok.then_some(topic)
                }
                _ => {
                    self.mismatch(value, "the name of an `alerts` block", None);
                    None
                }
            });
        let topic = statements.require(self, topic, "notify", &block.name, "notify failover_alerts");
        let evaluation_periods = match statements.value(self, "evaluations") {
            Some(value) => self.integer(value).and_then(|n| {
                if n.value >= 1 && n.value * condition.as_ref().map_or(60, |c| c.period) <= 86_400 {
                    Some(n.value)
                } else {
                    self.error(
                        value.span,
                        CheckErrorKind::OutOfRange {
                            what: "evaluations × period".into(),
                            value: n.value.to_string(),
                            range: "at least 1 and at most one day in all".into(),
                        },
                    );
                    None
                }
            }),
            None => Some(1),
        };
        statements.finish_resource(self, ResourceKind::Alarm);

        let region_refs: Vec<Option<&Region>> = regions.iter().map(Some).collect();
        self.check_resource_name(NameRule::Alarm, &service, &region_refs, block.name.span);

        let condition = condition?;
        Some(Alarm {
            name: block.name.name.clone(),
            service,
            resource: condition.resource,
            resource_kind: condition.kind,
            metric: condition.metric,
            comparison: condition.comparison,
            threshold: condition.threshold,
            period_seconds: condition.period,
            evaluation_periods: evaluation_periods?,
            topic: topic?,
            regions,
            span: block.span,
        })
    }

    fn condition(&mut self, condition: &ast::Condition, regions: &[Region]) -> Option<CheckedCondition> {
        let reference = &condition.metric;
        let head = reference.head();
        let Some((kind, resource_regions)) = self.scope.resource(&head.name).map(|(k, r)| (k, r.to_vec()))
        else {
            self.unknown_name(head);
            return None;
        };
        let specs = kind.spec().metrics;
        let metric_name = reference.segments[1..]
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let Some(spec) = specs.iter().find(|spec| spec.name == metric_name) else {
            let names: Vec<&str> = specs.iter().map(|spec| spec.name).collect();
            self.error(
                reference
                    .segments
                    .get(1)
                    .map_or(reference.span, |s| s.span.to(reference.span)),
                CheckErrorKind::UnknownMetric {
                    resource: head.name.clone(),
                    kind: kind.word().into(),
                    metric: metric_name.clone(),
                    suggestion: did_you_mean(&metric_name, names.iter().copied()).map(str::to_string),
                    allowed: names.iter().map(|s| s.to_string()).collect(),
                },
            );
            return None;
        };

        let mut ok = true;
        for region in regions {
            if kind == ResourceKind::Failover {
                if region.0 != vocabulary::HEALTH_CHECK_METRIC_REGION {
                    self.error(
                        reference.span,
                        CheckErrorKind::HealthCheckMetricRegion {
                            region: region.0.clone(),
                        },
                    );
                    ok = false;
                }
                continue;
            }
            let metric_regions = if spec.only_at_home {
                resource_regions.iter().take(1).cloned().collect::<Vec<_>>()
            } else {
                resource_regions.clone()
            };
            if self
                .require_in_region(&head.name, kind, &metric_regions, region, reference.span)
                .is_none()
            {
                ok = false;
            }
        }

        let comparison = match condition.comparison.name.as_str() {
            ">" => Comparison::GreaterThanThreshold,
            ">=" => Comparison::GreaterThanOrEqualToThreshold,
            "<" => Comparison::LessThanThreshold,
            "<=" => Comparison::LessThanOrEqualToThreshold,
            other => unreachable!("the grammar allows only four comparisons, got {other}"),
        };
        let threshold = self.threshold(&condition.threshold, spec.unit, &metric_name);
        let period = match &condition.period {
            Some(value) => self.duration(value).and_then(|period| {
                let seconds = period.value;
                if seconds == 10 || seconds == 30 || (seconds >= 60 && seconds % 60 == 0 && seconds <= 86_400)
                {
                    Some(seconds)
                } else {
                    self.error(value.span, CheckErrorKind::AlarmPeriod { seconds });
                    None
                }
            }),
            None => Some(60),
        };
        ok.then_some(())?;
        Some(CheckedCondition {
            resource: head.name.clone(),
            kind,
            metric: Metric {
                name: spec.name.to_string(),
                namespace: spec.namespace.to_string(),
                metric_name: spec.metric_name.to_string(),
                statistic: spec.statistic.to_string(),
                unit: spec.unit,
            },
            comparison,
            threshold: threshold?,
            period: period?,
        })
    }

    /// The threshold in the metric's own unit.
    fn threshold(&mut self, value: &ast::Value, unit: MetricUnit, metric: &str) -> Option<f64> {
        let value = self.resolve(value);
        let mismatch = |checker: &mut Self, unit_word: &str, expected: &str| {
            checker.error(
                value.span,
                CheckErrorKind::ThresholdUnit {
                    metric: metric.to_string(),
                    unit: unit_word.into(),
                    expected: expected.into(),
                },
            );
            None
        };
        match (unit, &value.kind) {
            (MetricUnit::Count, ValueKind::Number { value, .. }) => Some(*value),
            (MetricUnit::Count, _) => mismatch(self, "a count", "a plain number such as `5`"),
            (
                MetricUnit::Seconds | MetricUnit::Milliseconds,
                ValueKind::Duration {
                    amount,
                    unit: duration_unit,
                    ..
                },
            ) => {
                let milliseconds = *amount as f64
                    * match duration_unit {
                        DurationUnit::Milliseconds => 1.0,
                        DurationUnit::Seconds => 1e3,
                        DurationUnit::Minutes => 60e3,
                        DurationUnit::Hours => 3600e3,
                        DurationUnit::Days => 86_400e3,
                    };
                Some(if unit == MetricUnit::Seconds {
                    milliseconds / 1e3
                } else {
                    milliseconds
                })
            }
            (MetricUnit::Seconds | MetricUnit::Milliseconds, _) => {
                mismatch(self, "time", "a duration such as `15m`")
            }
            (
                MetricUnit::Bytes,
                ValueKind::Size {
                    amount,
                    unit: size_unit,
                    ..
                },
            ) => Some(
                *amount as f64
                    * match size_unit {
                        SizeUnit::Kilobytes => 1024.0,
                        SizeUnit::Megabytes => 1024.0 * 1024.0,
                        SizeUnit::Gigabytes => 1024.0 * 1024.0 * 1024.0,
                        SizeUnit::Terabytes => 1024.0 * 1024.0 * 1024.0 * 1024.0,
                    },
            ),
            (MetricUnit::Bytes, _) => mismatch(self, "bytes", "a size such as `100MB`"),
        }
    }
}

struct CheckedCondition {
    resource: String,
    kind: ResourceKind,
    metric: Metric,
    comparison: Comparison,
    threshold: f64,
    period: u64,
}
