//! An alarm in each of its regions, with actions on the same region's topic.

use std::collections::BTreeMap;

use super::{Lowering, address};
use crate::check::topology::{Alarm, Comparison, Region, ResourceKind};
use crate::model::resources::{Attributes, ComparisonOperator, MetricAlarm, Statistic, TreatMissingData};
use crate::model::template::Val;

impl Lowering<'_> {
    pub(super) fn alarm(&mut self, alarm: &Alarm) {
        for region in &alarm.regions {
            let topic_address = address(&alarm.topic, "topic", None, Some(region));
            let topic_arn = Val::concat([
                crate::model::template::Part::Text(format!("arn:aws:sns:{region}:")),
                crate::model::template::Part::AccountId,
                crate::model::template::Part::Text(format!(
                    ":{}",
                    self.service_name(&alarm.topic, Some(region))
                )),
            ]);
            let attributes = Attributes::MetricAlarm(MetricAlarm {
                name: self.service_name(&alarm.name, Some(region)),
                description: format!(
                    "drx alarm {}: {}.{} in {region}",
                    alarm.name, alarm.resource, alarm.metric.name
                ),
                namespace: alarm.metric.namespace.clone(),
                metric_name: alarm.metric.metric_name.clone(),
                statistic: Statistic::from_aws(&alarm.metric.statistic),
                dimensions: self.dimensions(alarm, region),
                comparison_operator: match alarm.comparison {
                    Comparison::GreaterThanThreshold => ComparisonOperator::GreaterThanThreshold,
                    Comparison::GreaterThanOrEqualToThreshold => {
                        ComparisonOperator::GreaterThanOrEqualToThreshold
                    }
                    Comparison::LessThanThreshold => ComparisonOperator::LessThanThreshold,
                    Comparison::LessThanOrEqualToThreshold => ComparisonOperator::LessThanOrEqualToThreshold,
                },
                threshold: alarm.threshold,
                period: alarm.period_seconds,
                evaluation_periods: alarm.evaluation_periods,
                // A health check with no data is broken, not healthy.
                treat_missing_data: if alarm.resource_kind == ResourceKind::Failover {
                    TreatMissingData::Breaching
                } else {
                    TreatMissingData::NotBreaching
                },
                alarm_actions: vec![topic_arn.clone()],
                ok_actions: vec![topic_arn],
                tags: self.tags(&alarm.name),
            });
            self.add(
                &alarm.name,
                alarm.span,
                address(&alarm.name, "alarm", None, Some(region)),
                Some(region),
                attributes,
                vec![topic_address],
            );
        }
    }

    /// The CloudWatch dimensions that select the watched resource.
    fn dimensions(&self, alarm: &Alarm, region: &Region) -> BTreeMap<String, Val> {
        let resource = &alarm.resource;
        let mut dimensions = BTreeMap::new();
        match alarm.resource_kind {
            ResourceKind::Function => {
                dimensions.insert(
                    "FunctionName".into(),
                    Val::known(self.service_name(resource, Some(region))),
                );
            }
            ResourceKind::Table => {
                dimensions.insert("TableName".into(), Val::known(self.table_name(resource)));
                if alarm.metric.name == "replication_latency"
                    && let Some(receiving) = self.other_regions(resource, region).first()
                {
                    dimensions.insert("ReceivingRegion".into(), Val::known(receiving.0.clone()));
                }
            }
            ResourceKind::Bucket => {
                dimensions.insert(
                    "SourceBucket".into(),
                    Val::known(self.bucket_name(resource, Some(region))),
                );
                if let Some(destination) = self.other_regions(resource, region).first() {
                    dimensions.insert(
                        "DestinationBucket".into(),
                        Val::known(self.bucket_name(resource, Some(destination))),
                    );
                    dimensions.insert("RuleId".into(), Val::known(format!("replicate-to-{destination}")));
                }
            }
            ResourceKind::Api => {
                dimensions.insert(
                    "ApiName".into(),
                    Val::known(self.service_name(resource, Some(region))),
                );
                let stage = self
                    .topology
                    .apis
                    .iter()
                    .find(|api| api.name == *resource)
                    .map(|api| api.stage.clone());
                dimensions.insert("Stage".into(), Val::known(stage.unwrap_or_default()));
            }
            ResourceKind::Failover => {
                dimensions.insert(
                    "HealthCheckId".into(),
                    Val::output(&address(resource, "health_check", None, None), "id"),
                );
            }
            ResourceKind::Alerts | ResourceKind::Alarm | ResourceKind::Role => {}
        }
        dimensions
    }

    /// The regions a store replicates to from `region`.
    fn other_regions(&self, store: &str, region: &Region) -> Vec<Region> {
        let regions = match self.topology.tables.iter().find(|t| t.name == store) {
            Some(table) => table.regions(),
            None => self
                .topology
                .buckets
                .iter()
                .find(|b| b.name == store)
                .map(|b| b.regions())
                .unwrap_or_default(),
        };
        regions.into_iter().filter(|r| r != region).collect()
    }
}
