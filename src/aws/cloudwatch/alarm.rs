//! CloudWatch metric alarms.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic, Tag};

use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{self, MetricAlarm, Tags};
use crate::model::template::Val;

impl Aws {
    /// `PutMetricAlarm` creates or replaces the alarm of that name.
    pub(super) async fn put_alarm(
        &self,
        region: &str,
        alarm: &MetricAlarm,
    ) -> Result<Applied, ProviderError> {
        let client = self.cloudwatch(region).await;
        let mut request = client
            .put_metric_alarm()
            .alarm_name(&alarm.name)
            .alarm_description(&alarm.description)
            .namespace(&alarm.namespace)
            .metric_name(&alarm.metric_name)
            .statistic(Statistic::from(alarm.statistic.as_str()))
            .comparison_operator(ComparisonOperator::from(alarm.comparison_operator.as_str()))
            .threshold(alarm.threshold)
            .period(alarm.period as i32)
            .evaluation_periods(alarm.evaluation_periods as i32)
            .treat_missing_data(alarm.treat_missing_data.as_str());
        for (name, value) in &alarm.dimensions {
            request = request.dimensions(Dimension::builder().name(name).value(text(value)).build());
        }
        for action in &alarm.alarm_actions {
            request = request.alarm_actions(text(action));
        }
        for action in &alarm.ok_actions {
            request = request.ok_actions(text(action));
        }
        for (key, value) in &alarm.tags {
            request = request.tags(Tag::builder().key(key).value(value).build());
        }
        request.send().await.map_err(sdk_error)?;
        // The plan knows the ARN (account, region, name); no need to ask.
        Ok(Applied::new(&alarm.name))
    }

    pub(super) async fn delete_alarm(&self, region: &str, name: &str) -> Result<(), ProviderError> {
        self.cloudwatch(region)
            .await
            .delete_alarms()
            .alarm_names(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The alarm's live metric, threshold, evaluation and actions.
    pub(super) async fn read_alarm(
        &self,
        region: &str,
        mut alarm: MetricAlarm,
    ) -> Result<Option<MetricAlarm>, ProviderError> {
        let described = self
            .cloudwatch(region)
            .await
            .describe_alarms()
            .alarm_names(&alarm.name)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(live) = described.metric_alarms().first() else {
            return Ok(None);
        };
        alarm.description = live.alarm_description().unwrap_or_default().to_string();
        alarm.namespace = live.namespace().unwrap_or_default().to_string();
        alarm.metric_name = live.metric_name().unwrap_or_default().to_string();
        alarm.statistic = resources::Statistic::from_aws(live.statistic().map_or("", |s| s.as_str()));
        alarm.dimensions = live
            .dimensions()
            .iter()
            .map(|d| {
                (
                    d.name().unwrap_or_default().to_string(),
                    Val::known(d.value().unwrap_or_default()),
                )
            })
            .collect();
        alarm.comparison_operator =
            resources::ComparisonOperator::from_aws(live.comparison_operator().map_or("", |c| c.as_str()));
        alarm.threshold = live.threshold().unwrap_or_default();
        alarm.period = live.period().unwrap_or_default() as u64;
        alarm.evaluation_periods = live.evaluation_periods().unwrap_or_default() as u64;
        alarm.treat_missing_data =
            resources::TreatMissingData::from_aws(live.treat_missing_data().unwrap_or_default());
        alarm.alarm_actions = live.alarm_actions().iter().map(Val::known).collect();
        alarm.ok_actions = live.ok_actions().iter().map(Val::known).collect();
        Ok(Some(alarm))
    }

    /// Sets the alarm's tags and removes the `removed` keys: `PutMetricAlarm`
    /// ignores tags for an alarm that exists.
    pub(super) async fn retag_alarm(
        &self,
        region: &str,
        name: &str,
        tags: &Tags,
        removed: &[String],
    ) -> Result<(), ProviderError> {
        let client = self.cloudwatch(region).await;
        let described = client
            .describe_alarms()
            .alarm_names(name)
            .send()
            .await
            .map_err(sdk_error)?;
        let arn = described
            .metric_alarms()
            .first()
            .and_then(|alarm| alarm.alarm_arn())
            .ok_or_else(|| ProviderError::other(format!("alarm {name} has no ARN")))?
            .to_string();
        if !removed.is_empty() {
            client
                .untag_resource()
                .resource_arn(&arn)
                .set_tag_keys(Some(removed.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        if !tags.is_empty() {
            let mut request = client.tag_resource().resource_arn(&arn);
            for (key, value) in tags {
                request = request.tags(Tag::builder().key(key).value(value).build());
            }
            request.send().await.map_err(sdk_error)?;
        }
        Ok(())
    }
}

impl Operations<MetricAlarm> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["ResourceNotFound", "ResourceNotFoundException"];

    async fn find(
        &self,
        region: &str,
        desired: &MetricAlarm,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(region, desired, &desired.name).await
    }

    async fn import(
        &self,
        region: &str,
        desired: &MetricAlarm,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        named(id, &desired.name)?;
        let found = self
            .cloudwatch(region)
            .await
            .describe_alarms()
            .alarm_names(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok((!found.metric_alarms().is_empty()).then(|| Applied::new(id)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &MetricAlarm,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.put_alarm(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &MetricAlarm,
        _before: &MetricAlarm,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // PutMetricAlarm replaces the alarm (but not its tags: `retag`).
        self.put_alarm(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &MetricAlarm,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_alarm(region, &recorded.name).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: MetricAlarm,
        _old: &ResourceState,
    ) -> Result<Option<MetricAlarm>, ProviderError> {
        self.read_alarm(region, recorded).await
    }

    async fn retag(
        &self,
        region: &str,
        desired: &MetricAlarm,
        tags: &Tags,
        removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        self.retag_alarm(region, &desired.name, tags, removed).await
    }
}
