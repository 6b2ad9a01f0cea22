//! SNS topics.

use aws_sdk_sns::types::Tag;

use crate::aws::iam::build_error;
use crate::aws::provider::{Operations, named, text};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{SnsTopic, Tags};
use crate::model::template::Val;

/// The topic attribute naming its key (SNS Developer Guide, "Encryption at
/// rest").
const KMS_KEY: &str = "KmsMasterKeyId";

impl Aws {
    pub(super) async fn create_topic(
        &self,
        region: &str,
        topic: &SnsTopic,
    ) -> Result<Applied, ProviderError> {
        let mut request = self.sns(region).await.create_topic().name(&topic.name);
        if let Some(key) = &topic.kms_key {
            request = request.attributes(KMS_KEY, text(key));
        }
        for (key, value) in &topic.tags {
            request = request.tags(
                Tag::builder()
                    .key(key)
                    .value(value)
                    .build()
                    .map_err(build_error)?,
            );
        }
        // CreateTopic returns the existing topic for an existing name.
        let created = request.send().await.map_err(sdk_error)?;
        let arn = created.topic_arn.unwrap_or_default();
        Ok(Applied::new(&arn).with("arn", arn.clone()))
    }

    /// Sets the topic's tags and removes the `removed` keys.
    pub(super) async fn retag_topic(
        &self,
        region: &str,
        arn: &str,
        tags: &Tags,
        removed: &[String],
    ) -> Result<(), ProviderError> {
        let client = self.sns(region).await;
        if !removed.is_empty() {
            client
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(removed.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        if !tags.is_empty() {
            let mut request = client.tag_resource().resource_arn(arn);
            for (key, value) in tags {
                request = request.tags(
                    Tag::builder()
                        .key(key)
                        .value(value)
                        .build()
                        .map_err(build_error)?,
                );
            }
            request.send().await.map_err(sdk_error)?;
        }
        Ok(())
    }

    pub(super) async fn delete_topic(&self, region: &str, arn: &str) -> Result<(), ProviderError> {
        self.sns(region)
            .await
            .delete_topic()
            .topic_arn(arn)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The topic's KMS key, as SNS keeps it (empty: none).
    async fn topic_key(&self, region: &str, arn: &str) -> Result<String, ProviderError> {
        let found = self
            .sns(region)
            .await
            .get_topic_attributes()
            .topic_arn(arn)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(found
            .attributes()
            .and_then(|attributes| attributes.get(KMS_KEY))
            .cloned()
            .unwrap_or_default())
    }

    async fn set_topic_key(&self, region: &str, arn: &str, topic: &SnsTopic) -> Result<(), ProviderError> {
        self.sns(region)
            .await
            .set_topic_attributes()
            .topic_arn(arn)
            .attribute_name(KMS_KEY)
            .attribute_value(topic.kms_key.as_ref().map(text).unwrap_or_default())
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }
}

impl Operations<SnsTopic> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NotFound", "NotFoundException"];

    /// A topic's ARN follows from its name, region and account.
    async fn find(
        &self,
        region: &str,
        desired: &SnsTopic,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        let account = self.caller_account().await?;
        let arn = format!("arn:aws:sns:{region}:{account}:{}", desired.name);
        self.import(region, desired, &arn).await
    }

    async fn import(
        &self,
        region: &str,
        desired: &SnsTopic,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        named(id.rsplit(':').next().unwrap_or_default(), &desired.name)?;
        self.sns(region)
            .await
            .get_topic_attributes()
            .topic_arn(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(id).with("arn", id)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &SnsTopic,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_topic(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &SnsTopic,
        _before: &SnsTopic,
        old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // Its key changes in place; its tags are `retag`'s.
        self.set_topic_key(region, &old.physical_id, desired).await?;
        Ok(Applied::unchanged(old))
    }

    async fn delete(
        &self,
        region: &str,
        _recorded: &SnsTopic,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_topic(region, &old.physical_id).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: SnsTopic,
        old: &ResourceState,
    ) -> Result<Option<SnsTopic>, ProviderError> {
        let live = self.topic_key(region, &old.physical_id).await?;
        Ok(Some(SnsTopic {
            kms_key: (!live.is_empty()).then(|| Val::known(live)),
            ..recorded
        }))
    }

    async fn retag(
        &self,
        region: &str,
        _desired: &SnsTopic,
        tags: &Tags,
        removed: &[String],
        old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        self.retag_topic(region, &old.physical_id, tags, removed).await
    }
}
