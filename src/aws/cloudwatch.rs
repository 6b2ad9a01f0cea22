//! CloudWatch metric alarms.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic, Tag};

use super::provider::{Applied, text};
use super::{Aws, AwsError};
use crate::plan::resources::MetricAlarm;

impl Aws {
    async fn cloudwatch(&self, region: &str) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.config(region).await)
    }

    /// `PutMetricAlarm` creates or replaces the alarm of that name.
    pub(super) async fn put_alarm(&self, region: &str, alarm: &MetricAlarm) -> Result<Applied, AwsError> {
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
            .treat_missing_data(&alarm.treat_missing_data);
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
        request.send().await.map_err(AwsError::from_sdk)?;
        // The plan knows the ARN (account, region, name); no need to ask.
        Ok(Applied::new(&alarm.name))
    }

    pub(super) async fn delete_alarm(&self, region: &str, name: &str) -> Result<(), AwsError> {
        self.cloudwatch(region)
            .await
            .delete_alarms()
            .alarm_names(name)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(())
    }

    pub(super) async fn alarm_exists(&self, region: &str, name: &str) -> Result<bool, AwsError> {
        let described = self
            .cloudwatch(region)
            .await
            .describe_alarms()
            .alarm_names(name)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(!described.metric_alarms().is_empty())
    }
}
