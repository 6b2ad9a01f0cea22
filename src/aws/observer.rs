//! `Aws` as a `model::Observer`: Route 53's answers and checkers, CloudWatch's
//! alarm states and metrics, and markers written to a table or a bucket.

use std::time::{Duration, SystemTime};

use aws_sdk_cloudwatch::types::{Dimension, Statistic};
use aws_sdk_dynamodb::types::AttributeValue;

use super::{Aws, GLOBAL_REGION, sdk_error};
use crate::model::{CheckerReport, Marker, MetricPoint, MetricQuery, Observer, ProviderError};

/// A marker's key as DynamoDB takes it.
fn key_value(key_type: &str, value: &str) -> AttributeValue {
    match key_type {
        "N" => AttributeValue::N(value.to_string()),
        "B" => AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(value.as_bytes())),
        _ => AttributeValue::S(value.to_string()),
    }
}

fn written_at() -> String {
    let since = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:03}", since.as_secs(), since.subsec_millis())
}

impl Observer for Aws {
    async fn dns_answer(
        &self,
        zone_id: &str,
        name: &str,
        record_type: &str,
    ) -> Result<Vec<String>, ProviderError> {
        let route53 = aws_sdk_route53::Client::new(&self.config(GLOBAL_REGION).await);
        let answer = route53
            .test_dns_answer()
            .hosted_zone_id(zone_id)
            .record_name(name)
            .record_type(aws_sdk_route53::types::RrType::from(record_type))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(answer.record_data().to_vec())
    }

    async fn health_check(&self, id: &str) -> Result<CheckerReport, ProviderError> {
        let route53 = aws_sdk_route53::Client::new(&self.config(GLOBAL_REGION).await);
        let status = route53
            .get_health_check_status()
            .health_check_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        let observations = status.health_check_observations();
        // Route 53's checkers report "Success: …" or "Failure: …".
        let healthy = observations
            .iter()
            .filter(|o| {
                o.status_report()
                    .and_then(|r| r.status())
                    .is_some_and(|s| s.starts_with("Success"))
            })
            .count();
        Ok(CheckerReport {
            healthy,
            checkers: observations.len(),
        })
    }

    async fn alarm_states(
        &self,
        region: &str,
        names: &[String],
    ) -> Result<Vec<(String, String)>, ProviderError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let cloudwatch = aws_sdk_cloudwatch::Client::new(&self.config(region).await);
        let mut states = Vec::new();
        // DescribeAlarms takes up to 100 names at once.
        for chunk in names.chunks(100) {
            let found = cloudwatch
                .describe_alarms()
                .set_alarm_names(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
            states.extend(found.metric_alarms().iter().filter_map(|alarm| {
                Some((
                    alarm.alarm_name()?.to_string(),
                    alarm.state_value()?.as_str().to_string(),
                ))
            }));
        }
        Ok(states)
    }

    async fn latest_metric(
        &self,
        region: &str,
        metric: &MetricQuery,
    ) -> Result<Option<MetricPoint>, ProviderError> {
        let now = SystemTime::now();
        let start = now - Duration::from_secs(600);
        let dimensions: Vec<Dimension> = metric
            .dimensions
            .iter()
            .map(|(name, value)| Dimension::builder().name(name).value(value).build())
            .collect();
        let found = self
            .cloudwatch(region)
            .await
            .get_metric_statistics()
            .namespace(&metric.namespace)
            .metric_name(&metric.name)
            .set_dimensions(Some(dimensions))
            .start_time(aws_sdk_cloudwatch::primitives::DateTime::from(start))
            // A minute ahead, so the minute under way is included.
            .end_time(aws_sdk_cloudwatch::primitives::DateTime::from(
                now + Duration::from_secs(60),
            ))
            .period(60)
            .statistics(Statistic::Maximum)
            .statistics(Statistic::Minimum)
            .send()
            .await
            .map_err(sdk_error)?;
        let newest = found
            .datapoints()
            .iter()
            .filter_map(|point| {
                Some((
                    point.timestamp()?.secs(),
                    point.maximum()?,
                    point.minimum().or(point.maximum())?,
                ))
            })
            .max_by_key(|(at, ..)| *at);
        Ok(newest.map(|(at, maximum, minimum)| {
            let now = now
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs() as i64;
            MetricPoint {
                maximum,
                minimum,
                age: Duration::from_secs(now.saturating_sub(at).max(0) as u64),
            }
        }))
    }

    async fn caller(&self) -> Result<String, ProviderError> {
        self.caller_identity()
            .await?
            .arn
            .ok_or_else(|| ProviderError::other("STS returned no ARN"))
    }

    async fn write_marker(&self, region: &str, marker: &Marker) -> Result<(), ProviderError> {
        match marker {
            Marker::Item {
                table,
                key,
                key_type,
                value,
            } => {
                self.dynamodb(region)
                    .await
                    .put_item()
                    .table_name(table)
                    .item(key, key_value(key_type, value))
                    .item("drxMarkerWrittenAt", AttributeValue::S(written_at()))
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
            Marker::Object { bucket, key } => {
                self.s3(region)
                    .await
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .body(aws_sdk_s3::primitives::ByteStream::from(
                        written_at().into_bytes(),
                    ))
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
        }
        Ok(())
    }

    async fn marker_arrived(&self, region: &str, marker: &Marker) -> Result<bool, ProviderError> {
        match marker {
            Marker::Item {
                table,
                key,
                key_type,
                value,
            } => {
                let found = self
                    .dynamodb(region)
                    .await
                    .get_item()
                    .table_name(table)
                    .key(key, key_value(key_type, value))
                    .consistent_read(true)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                Ok(found.item().is_some())
            }
            Marker::Object { bucket, key } => {
                match self
                    .s3(region)
                    .await
                    .head_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                {
                    Ok(_) => Ok(true),
                    Err(error) => {
                        let error = sdk_error(error);
                        if error.kind == crate::model::ErrorKind::NotFound
                            || error.code.as_deref() == Some("NotFound")
                            || error.message.contains("404")
                        {
                            Ok(false)
                        } else {
                            Err(error)
                        }
                    }
                }
            }
        }
    }

    async fn delete_marker(&self, region: &str, marker: &Marker) -> Result<(), ProviderError> {
        match marker {
            Marker::Item {
                table,
                key,
                key_type,
                value,
            } => {
                self.dynamodb(region)
                    .await
                    .delete_item()
                    .table_name(table)
                    .key(key, key_value(key_type, value))
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
            Marker::Object { bucket, key } => {
                // Every version, so a versioned bucket keeps nothing of it.
                let s3 = self.s3(region).await;
                let versions = s3
                    .list_object_versions()
                    .bucket(bucket)
                    .prefix(key)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                let ids = versions
                    .versions()
                    .iter()
                    .filter(|v| v.key() == Some(key.as_str()))
                    .filter_map(|v| v.version_id())
                    .chain(
                        versions
                            .delete_markers()
                            .iter()
                            .filter(|m| m.key() == Some(key.as_str()))
                            .filter_map(|m| m.version_id()),
                    );
                for id in ids {
                    s3.delete_object()
                        .bucket(bucket)
                        .key(key)
                        .version_id(id)
                        .send()
                        .await
                        .map_err(sdk_error)?;
                }
            }
        }
        Ok(())
    }
}
