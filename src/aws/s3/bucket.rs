//! S3 buckets: versioning, encryption, the public-access block, object
//! ownership, the bucket policy (TLS only; log delivery for a log bucket),
//! server access logging, expiry, tags; emptied of every version before
//! deletion.

use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, BucketLoggingStatus, BucketVersioningStatus,
    CreateBucketConfiguration, Delete, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleFilter, LoggingEnabled, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging, VersioningConfiguration,
};

use super::replication::identifier;
use crate::aws::iam::{build_error, policy_strings};
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error, unless_absent};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{self, S3Bucket, Tags};

impl Aws {
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
        let ownership = if bucket.acls_disabled {
            ObjectOwnership::BucketOwnerEnforced
        } else {
            ObjectOwnership::ObjectWriter
        };
        client
            .put_bucket_ownership_controls()
            .bucket(&bucket.name)
            .ownership_controls(
                OwnershipControls::builder()
                    .rules(
                        OwnershipControlsRule::builder()
                            .object_ownership(ownership)
                            .build()
                            .map_err(build_error)?,
                    )
                    .build()
                    .map_err(build_error)?,
            )
            .send()
            .await
            .map_err(sdk_error)?;
        let account = if bucket.log_sources.is_empty() {
            String::new()
        } else {
            self.caller_account().await?
        };
        match bucket_policy(bucket, &account) {
            Some(policy) => {
                client
                    .put_bucket_policy()
                    .bucket(&bucket.name)
                    .policy(policy)
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
            None => {
                unless_absent(
                    client.delete_bucket_policy().bucket(&bucket.name).send().await,
                    "NoSuchBucketPolicy",
                )?;
            }
        }
        match bucket.expire_after_days {
            Some(days) => {
                let rule = LifecycleRule::builder()
                    .id(EXPIRY_RULE)
                    .status(ExpirationStatus::Enabled)
                    .filter(LifecycleRuleFilter::builder().prefix("").build())
                    .expiration(LifecycleExpiration::builder().days(days as i32).build())
                    .build()
                    .map_err(build_error)?;
                client
                    .put_bucket_lifecycle_configuration()
                    .bucket(&bucket.name)
                    .lifecycle_configuration(
                        BucketLifecycleConfiguration::builder()
                            .rules(rule)
                            .build()
                            .map_err(build_error)?,
                    )
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
            None => {
                client
                    .delete_bucket_lifecycle()
                    .bucket(&bucket.name)
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
        }
        let logging = match &bucket.access_log {
            Some(target) => BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(&target.bucket)
                        .target_prefix(&target.prefix)
                        .build()
                        .map_err(build_error)?,
                )
                .build(),
            // An empty status turns logging off.
            None => BucketLoggingStatus::builder().build(),
        };
        client
            .put_bucket_logging()
            .bucket(&bucket.name)
            .bucket_logging_status(logging)
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

    /// The bucket's live settings: versioning, default encryption, the
    /// public-access block, ownership, policy, logging and expiry.
    pub(super) async fn read_bucket(
        &self,
        region: &str,
        mut bucket: S3Bucket,
    ) -> Result<Option<S3Bucket>, ProviderError> {
        if !self.bucket_exists(region, &bucket.name).await? {
            return Ok(None);
        }
        let client = self.s3(region).await;
        let name = bucket.name.clone();
        // Each setting is its own GET: all at once, one round trip.
        let (versioning, encryption, block, ownership, policy, logging, lifecycle) = tokio::join!(
            client.get_bucket_versioning().bucket(&name).send(),
            client.get_bucket_encryption().bucket(&name).send(),
            client.get_public_access_block().bucket(&name).send(),
            client.get_bucket_ownership_controls().bucket(&name).send(),
            client.get_bucket_policy().bucket(&name).send(),
            client.get_bucket_logging().bucket(&name).send(),
            client.get_bucket_lifecycle_configuration().bucket(&name).send(),
        );
        let versioning = versioning.map_err(sdk_error)?;
        bucket.versioning = versioning.status() == Some(&BucketVersioningStatus::Enabled);
        let encryption = unless_absent(encryption, "ServerSideEncryptionConfigurationNotFoundError")?;
        bucket.encryption = encryption
            .as_ref()
            .and_then(|found| found.server_side_encryption_configuration())
            .and_then(|c| c.rules().first())
            .and_then(|rule| rule.apply_server_side_encryption_by_default())
            .map_or(resources::Encryption::Other(String::new()), |default| {
                resources::Encryption::from_aws(default.sse_algorithm().as_str())
            });
        let block = unless_absent(block, "NoSuchPublicAccessBlockConfiguration")?;
        bucket.block_public_access = block
            .as_ref()
            .and_then(|found| found.public_access_block_configuration())
            .is_some_and(|block| {
                block.block_public_acls() == Some(true)
                    && block.ignore_public_acls() == Some(true)
                    && block.block_public_policy() == Some(true)
                    && block.restrict_public_buckets() == Some(true)
            });
        let ownership = unless_absent(ownership, "OwnershipControlsNotFoundError")?;
        bucket.acls_disabled = ownership
            .as_ref()
            .and_then(|found| found.ownership_controls())
            .and_then(|c| c.rules().first())
            .is_some_and(|rule| rule.object_ownership() == &ObjectOwnership::BucketOwnerEnforced);
        let policy =
            unless_absent(policy, "NoSuchBucketPolicy")?.and_then(|found| found.policy().map(str::to_string));
        bucket.tls_only = policy.as_deref().is_some_and(denies_plain_http);
        bucket.log_sources = policy.as_deref().map(log_sources).unwrap_or_default();
        let logging = logging.map_err(sdk_error)?;
        bucket.access_log = logging.logging_enabled().map(|enabled| resources::LogTarget {
            bucket: enabled.target_bucket().to_string(),
            prefix: enabled.target_prefix().to_string(),
        });
        let lifecycle = unless_absent(lifecycle, "NoSuchLifecycleConfiguration")?;
        bucket.expire_after_days = lifecycle.and_then(|found| {
            found
                .rules()
                .iter()
                .find(|rule| rule.status() == &ExpirationStatus::Enabled)
                .and_then(|rule| rule.expiration())
                .and_then(|expiration| expiration.days())
                .map(|days| days as u64)
        });
        Ok(Some(bucket))
    }
}

/// The lifecycle rule that expires a bucket's objects.
const EXPIRY_RULE: &str = "drx-expire";

/// The service that delivers server access logs.
const LOG_DELIVERY: &str = "logging.s3.amazonaws.com";

/// The bucket's policy, if it needs one. TLS only: every request to the
/// bucket and its objects not made over TLS is denied (S3 User Guide,
/// "Security best practices": enforce encryption of data in transit;
/// Security Hub control S3.5). A log bucket: S3's logging service may put
/// objects for the source buckets of this account only (S3 User Guide,
/// "Permissions for log delivery", the policy that replaces the
/// log-delivery ACL when ACLs are disabled).
fn bucket_policy(bucket: &S3Bucket, account: &str) -> Option<String> {
    let name = &bucket.name;
    let mut statements = Vec::new();
    if bucket.tls_only {
        statements.push(serde_json::json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{name}"), format!("arn:aws:s3:::{name}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } }
        }));
    }
    if !bucket.log_sources.is_empty() {
        let sources: Vec<String> = bucket
            .log_sources
            .iter()
            .map(|source| format!("arn:aws:s3:::{source}"))
            .collect();
        statements.push(serde_json::json!({
            "Sid": "S3ServerAccessLogsDelivery",
            "Effect": "Allow",
            "Principal": { "Service": LOG_DELIVERY },
            "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{name}/*"),
            "Condition": {
                "ArnLike": { "aws:SourceArn": sources },
                "StringEquals": { "aws:SourceAccount": account }
            }
        }));
    }
    (!statements.is_empty())
        .then(|| serde_json::json!({ "Version": "2012-10-17", "Statement": statements }).to_string())
}

/// The buckets a policy lets S3's logging service deliver for.
fn log_sources(policy: &str) -> Vec<String> {
    let Ok(policy) = serde_json::from_str::<serde_json::Value>(policy) else {
        return Vec::new();
    };
    let statements = match &policy["Statement"] {
        serde_json::Value::Array(all) => all.clone(),
        one => vec![one.clone()],
    };
    let mut sources: Vec<String> = statements
        .iter()
        .filter(|statement| {
            statement["Effect"] == "Allow" && statement["Principal"]["Service"] == LOG_DELIVERY
        })
        .flat_map(|statement| policy_strings(&statement["Condition"]["ArnLike"]["aws:SourceArn"]))
        .map(|arn| arn.trim_start_matches("arn:aws:s3:::").to_string())
        .collect();
    sources.sort();
    sources
}

/// Whether a bucket policy denies requests made without TLS.
fn denies_plain_http(policy: &str) -> bool {
    let Ok(policy) = serde_json::from_str::<serde_json::Value>(policy) else {
        return false;
    };
    let statements = match &policy["Statement"] {
        serde_json::Value::Array(all) => all.clone(),
        one => vec![one.clone()],
    };
    statements.iter().any(|statement| {
        statement["Effect"] == "Deny"
            && statement["Condition"]["Bool"]["aws:SecureTransport"]
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    })
}

impl Operations<S3Bucket> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NoSuchBucket", "NotFound"];

    async fn find(
        &self,
        region: &str,
        desired: &S3Bucket,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(region, desired, &desired.name).await
    }

    async fn import(
        &self,
        region: &str,
        desired: &S3Bucket,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        named(id, &desired.name)?;
        self.s3(region)
            .await
            .head_bucket()
            .bucket(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(id).with("arn", format!("arn:aws:s3:::{id}"))))
    }

    async fn create(
        &self,
        region: &str,
        desired: &S3Bucket,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_bucket(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &S3Bucket,
        _before: &S3Bucket,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.configure_bucket(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &S3Bucket,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_bucket(region, &recorded.name).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: S3Bucket,
        _old: &ResourceState,
    ) -> Result<Option<S3Bucket>, ProviderError> {
        self.read_bucket(region, recorded).await
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &S3Bucket,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The bucket's update puts its whole tag set.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TLS-only bucket that receives the access logs of `sources`.
    fn bucket(sources: &[&str]) -> S3Bucket {
        S3Bucket {
            name: "b".into(),
            versioning: true,
            encryption: resources::Encryption::Aes256,
            block_public_access: true,
            tls_only: true,
            acls_disabled: true,
            access_log: None,
            log_sources: sources.iter().map(|s| s.to_string()).collect(),
            expire_after_days: None,
            tags: Tags::new(),
        }
    }

    #[test]
    fn a_log_buckets_sources_are_read_back_from_its_policy() {
        let policy = bucket_policy(&bucket(&["docs-a", "docs-b"]), "123456789012").expect("a policy");
        assert_eq!(log_sources(&policy), ["docs-a", "docs-b"]);
        assert!(denies_plain_http(&policy));
        assert!(log_sources(&bucket_policy(&bucket(&[]), "").expect("TLS only")).is_empty());
    }

    #[test]
    fn the_tls_policy_is_recognised_and_others_are_not() {
        assert!(denies_plain_http(
            &bucket_policy(&bucket(&[]), "").unwrap_or_default()
        ));
        assert!(!denies_plain_http(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}}"#
        ));
        assert!(!denies_plain_http("not json"));
    }
}
