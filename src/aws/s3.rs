//! S3: buckets with versioning, encryption and public-access blocks, and
//! replication configurations. Deleting a bucket first empties every version
//! and delete marker, as S3 requires.

use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration, Delete,
    DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination, Metrics, MetricsStatus,
    ObjectIdentifier, PublicAccessBlockConfiguration, ReplicationConfiguration, ReplicationRule,
    ReplicationRuleFilter, ReplicationRuleStatus, ReplicationTime, ReplicationTimeStatus,
    ReplicationTimeValue, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging, VersioningConfiguration,
};

use super::iam::build_error;
use super::provider::text;
use super::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::resources::{ReplicationRule as PlannedRule, S3Bucket, S3Replication};
use crate::model::template::Val;

impl Aws {
    async fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.config(region).await)
            .force_path_style(self.path_style)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    pub(super) async fn create_bucket(
        &self,
        region: &str,
        bucket: &S3Bucket,
    ) -> Result<Applied, ProviderError> {
        let client = self.s3(region).await;
        let mut request = client.create_bucket().bucket(&bucket.name);
        // us-east-1 is the default location and must not be named.
        if region != "us-east-1" {
            request = request.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        if let Err(error) = request.send().await {
            let error = sdk_error(error);
            if error.code.as_deref() != Some("BucketAlreadyOwnedByYou") {
                return Err(error);
            }
        }
        self.configure_bucket(region, bucket).await
    }

    /// Puts every setting: each put is idempotent, so this also updates.
    pub(super) async fn configure_bucket(
        &self,
        region: &str,
        bucket: &S3Bucket,
    ) -> Result<Applied, ProviderError> {
        let client = self.s3(region).await;
        let status = if bucket.versioning {
            BucketVersioningStatus::Enabled
        } else {
            BucketVersioningStatus::Suspended
        };
        client
            .put_bucket_versioning()
            .bucket(&bucket.name)
            .versioning_configuration(VersioningConfiguration::builder().status(status).build())
            .send()
            .await
            .map_err(sdk_error)?;
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::from(bucket.encryption.as_str()))
                    .build()
                    .map_err(build_error)?,
            )
            .build();
        client
            .put_bucket_encryption()
            .bucket(&bucket.name)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()
                    .map_err(build_error)?,
            )
            .send()
            .await
            .map_err(sdk_error)?;
        let block = bucket.block_public_access;
        client
            .put_public_access_block()
            .bucket(&bucket.name)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(block)
                    .ignore_public_acls(block)
                    .block_public_policy(block)
                    .restrict_public_buckets(block)
                    .build(),
            )
            .send()
            .await
            .map_err(sdk_error)?;
        let mut tagging = Tagging::builder();
        for (key, value) in &bucket.tags {
            tagging = tagging.tag_set(
                Tag::builder()
                    .key(key)
                    .value(value)
                    .build()
                    .map_err(build_error)?,
            );
        }
        client
            .put_bucket_tagging()
            .bucket(&bucket.name)
            .tagging(tagging.build().map_err(build_error)?)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Applied::new(&bucket.name).with("arn", format!("arn:aws:s3:::{}", bucket.name)))
    }

    pub(super) async fn delete_bucket(&self, region: &str, name: &str) -> Result<(), ProviderError> {
        let client = self.s3(region).await;
        // Every version and delete marker must go before the bucket can.
        loop {
            let listed = client
                .list_object_versions()
                .bucket(name)
                .max_keys(1000)
                .send()
                .await
                .map_err(sdk_error)?;
            let mut objects = Vec::new();
            for version in listed.versions() {
                objects.push(identifier(version.key(), version.version_id())?);
            }
            for marker in listed.delete_markers() {
                objects.push(identifier(marker.key(), marker.version_id())?);
            }
            if objects.is_empty() {
                break;
            }
            client
                .delete_objects()
                .bucket(name)
                .delete(
                    Delete::builder()
                        .set_objects(Some(objects))
                        .quiet(true)
                        .build()
                        .map_err(build_error)?,
                )
                .send()
                .await
                .map_err(sdk_error)?;
        }
        client
            .delete_bucket()
            .bucket(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub(super) async fn bucket_exists(&self, region: &str, name: &str) -> Result<bool, ProviderError> {
        match self.s3(region).await.head_bucket().bucket(name).send().await {
            Ok(_) => Ok(true),
            Err(error) => {
                // HEAD answers 404 without a code.
                if error.raw_response().is_some_and(|r| r.status().as_u16() == 404) {
                    return Ok(false);
                }
                Err(sdk_error(error))
            }
        }
    }

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

    /// The bucket's live versioning, default encryption and public-access block.
    pub(super) async fn read_bucket(
        &self,
        region: &str,
        mut bucket: S3Bucket,
    ) -> Result<Option<S3Bucket>, ProviderError> {
        if !self.bucket_exists(region, &bucket.name).await? {
            return Ok(None);
        }
        let client = self.s3(region).await;
        let versioning = client
            .get_bucket_versioning()
            .bucket(&bucket.name)
            .send()
            .await
            .map_err(sdk_error)?;
        bucket.versioning = versioning.status() == Some(&BucketVersioningStatus::Enabled);
        match client.get_bucket_encryption().bucket(&bucket.name).send().await {
            Ok(found) => {
                bucket.encryption = found
                    .server_side_encryption_configuration()
                    .and_then(|c| c.rules().first())
                    .and_then(|rule| rule.apply_server_side_encryption_by_default())
                    .map(|default| default.sse_algorithm().as_str().to_string())
                    .unwrap_or_default();
            }
            Err(error) => {
                let error = sdk_error(error);
                if error.code.as_deref() != Some("ServerSideEncryptionConfigurationNotFoundError") {
                    return Err(error);
                }
                bucket.encryption = String::new();
            }
        }
        bucket.block_public_access = match client.get_public_access_block().bucket(&bucket.name).send().await
        {
            Ok(found) => found.public_access_block_configuration().is_some_and(|block| {
                block.block_public_acls() == Some(true)
                    && block.ignore_public_acls() == Some(true)
                    && block.block_public_policy() == Some(true)
                    && block.restrict_public_buckets() == Some(true)
            }),
            Err(error) => {
                let error = sdk_error(error);
                if error.code.as_deref() != Some("NoSuchPublicAccessBlockConfiguration") {
                    return Err(error);
                }
                false
            }
        };
        Ok(Some(bucket))
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

fn identifier(key: Option<&str>, version: Option<&str>) -> Result<ObjectIdentifier, ProviderError> {
    let mut identifier = ObjectIdentifier::builder().key(key.unwrap_or_default());
    if let Some(version) = version {
        identifier = identifier.version_id(version);
    }
    identifier.build().map_err(build_error)
}
