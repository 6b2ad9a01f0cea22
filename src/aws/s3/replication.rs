//! S3 replication configurations, with Replication Time Control.

use aws_sdk_s3::types::{
    DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination, Metrics, MetricsStatus,
    ObjectIdentifier, ReplicationConfiguration, ReplicationRule, ReplicationRuleFilter,
    ReplicationRuleStatus, ReplicationTime, ReplicationTimeStatus, ReplicationTimeValue,
};

use crate::aws::iam::build_error;
use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{ReplicationRule as PlannedRule, S3Replication, Tags};
use crate::model::template::Val;

impl Aws {
    pub(super) async fn put_replication(
        &self,
        region: &str,
        replication: &S3Replication,
    ) -> Result<Applied, ProviderError> {
        let mut configuration = ReplicationConfiguration::builder().role(text(&replication.role));
        for rule in &replication.rules {
            let mut destination = Destination::builder().bucket(text(&rule.destination_bucket));
            if let Some(minutes) = rule.time_control_minutes {
                let minutes = minutes as i32;
                destination = destination
                    .replication_time(
                        ReplicationTime::builder()
                            .status(ReplicationTimeStatus::Enabled)
                            .time(ReplicationTimeValue::builder().minutes(minutes).build())
                            .build()
                            .map_err(build_error)?,
                    )
                    .metrics(
                        Metrics::builder()
                            .status(MetricsStatus::Enabled)
                            .event_threshold(ReplicationTimeValue::builder().minutes(minutes).build())
                            .build()
                            .map_err(build_error)?,
                    );
            } else if rule.metrics {
                destination = destination.metrics(
                    Metrics::builder()
                        .status(MetricsStatus::Enabled)
                        .build()
                        .map_err(build_error)?,
                );
            }
            let marker = if rule.delete_marker_replication {
                DeleteMarkerReplicationStatus::Enabled
            } else {
                DeleteMarkerReplicationStatus::Disabled
            };
            configuration = configuration.rules(
                ReplicationRule::builder()
                    .id(&rule.id)
                    .priority(rule.priority as i32)
                    .status(ReplicationRuleStatus::Enabled)
                    .filter(ReplicationRuleFilter::builder().prefix("").build())
                    .destination(destination.build().map_err(build_error)?)
                    .delete_marker_replication(DeleteMarkerReplication::builder().status(marker).build())
                    .build()
                    .map_err(build_error)?,
            );
        }
        self.s3(region)
            .await
            .put_bucket_replication()
            .bucket(&replication.bucket)
            .replication_configuration(configuration.build().map_err(build_error)?)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Applied::new(&replication.bucket))
    }

    pub(super) async fn delete_replication(&self, region: &str, bucket: &str) -> Result<(), ProviderError> {
        self.s3(region)
            .await
            .delete_bucket_replication()
            .bucket(bucket)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The bucket's live replication rules.
    pub(super) async fn read_replication(
        &self,
        region: &str,
        mut replication: S3Replication,
    ) -> Result<Option<S3Replication>, ProviderError> {
        let found = self
            .s3(region)
            .await
            .get_bucket_replication()
            .bucket(&replication.bucket)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(configuration) = found.replication_configuration() else {
            return Ok(None);
        };
        replication.role = Val::known(configuration.role());
        replication.rules = configuration
            .rules()
            .iter()
            .map(|rule| {
                let destination = rule.destination();
                let time = destination
                    .and_then(|d| d.replication_time())
                    .filter(|time| time.status() == &ReplicationTimeStatus::Enabled);
                PlannedRule {
                    id: rule.id().unwrap_or_default().to_string(),
                    priority: rule.priority().unwrap_or_default() as u64,
                    destination_bucket: Val::known(destination.map(|d| d.bucket()).unwrap_or_default()),
                    time_control_minutes: time
                        .and_then(|time| time.time())
                        .and_then(|value| value.minutes())
                        .map(|minutes| minutes as u64),
                    metrics: destination
                        .and_then(|d| d.metrics())
                        .is_some_and(|metrics| metrics.status() == &MetricsStatus::Enabled),
                    delete_marker_replication: rule
                        .delete_marker_replication()
                        .and_then(|marker| marker.status())
                        == Some(&DeleteMarkerReplicationStatus::Enabled),
                }
            })
            .collect();
        Ok(Some(replication))
    }
}

pub(super) fn identifier(
    key: Option<&str>,
    version: Option<&str>,
) -> Result<ObjectIdentifier, ProviderError> {
    let mut identifier = ObjectIdentifier::builder().key(key.unwrap_or_default());
    if let Some(version) = version {
        identifier = identifier.version_id(version);
    }
    identifier.build().map_err(build_error)
}

impl Operations<S3Replication> for Aws {
    const NOT_FOUND: &'static [&'static str] = &[
        "NoSuchBucket",
        "NotFound",
        "ReplicationConfigurationNotFoundError",
    ];

    async fn find(
        &self,
        region: &str,
        desired: &S3Replication,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(region, desired, &desired.bucket).await
    }

    async fn import(
        &self,
        region: &str,
        desired: &S3Replication,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        named(id, &desired.bucket)?;
        self.s3(region)
            .await
            .get_bucket_replication()
            .bucket(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(id)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &S3Replication,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.put_replication(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &S3Replication,
        _before: &S3Replication,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // PutBucketReplication replaces the configuration.
        self.put_replication(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &S3Replication,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_replication(region, &recorded.bucket).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: S3Replication,
        _old: &ResourceState,
    ) -> Result<Option<S3Replication>, ProviderError> {
        self.read_replication(region, recorded).await
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &S3Replication,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
