//! S3 buckets: versioning, encryption, the public-access block, object
//! ownership, the TLS-only policy, tags; emptied of every version before
//! deletion.

use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration, Delete, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging,
    VersioningConfiguration,
};

use super::replication::identifier;
use crate::aws::iam::build_error;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
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
        if bucket.tls_only {
            client
                .put_bucket_policy()
                .bucket(&bucket.name)
                .policy(tls_only_policy(&bucket.name))
                .send()
                .await
                .map_err(sdk_error)?;
        } else if let Err(error) = client.delete_bucket_policy().bucket(&bucket.name).send().await {
            let error = sdk_error(error);
            if error.code.as_deref() != Some("NoSuchBucketPolicy") {
                return Err(error);
            }
        }
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
                    .map_or(resources::Encryption::Other(String::new()), |default| {
                        resources::Encryption::from_aws(default.sse_algorithm().as_str())
                    });
            }
            Err(error) => {
                let error = sdk_error(error);
                if error.code.as_deref() != Some("ServerSideEncryptionConfigurationNotFoundError") {
                    return Err(error);
                }
                bucket.encryption = resources::Encryption::Other(String::new());
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
        bucket.acls_disabled = match client
            .get_bucket_ownership_controls()
            .bucket(&bucket.name)
            .send()
            .await
        {
            Ok(found) => found
                .ownership_controls()
                .and_then(|c| c.rules().first())
                .is_some_and(|rule| rule.object_ownership() == &ObjectOwnership::BucketOwnerEnforced),
            Err(error) => {
                let error = sdk_error(error);
                if error.code.as_deref() != Some("OwnershipControlsNotFoundError") {
                    return Err(error);
                }
                false
            }
        };
        bucket.tls_only = match client.get_bucket_policy().bucket(&bucket.name).send().await {
            Ok(found) => found.policy().is_some_and(denies_plain_http),
            Err(error) => {
                let error = sdk_error(error);
                if error.code.as_deref() != Some("NoSuchBucketPolicy") {
                    return Err(error);
                }
                false
            }
        };
        Ok(Some(bucket))
    }
}

/// Denies every request to the bucket and its objects not made over TLS
/// (S3 User Guide, "Security best practices": enforce encryption of data in
/// transit; Security Hub control S3.5).
fn tls_only_policy(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } }
        }]
    })
    .to_string()
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

    #[test]
    fn the_tls_policy_is_recognised_and_others_are_not() {
        assert!(denies_plain_http(&tls_only_policy("b")));
        assert!(!denies_plain_http(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}}"#
        ));
        assert!(!denies_plain_http("not json"));
    }
}
