//! SNS: topics and subscriptions.

use aws_sdk_sns::types::Tag;

use super::iam::build_error;
use super::provider::text;
use super::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::resources::{SnsSubscription, SnsTopic, Tags};

impl Aws {
    async fn sns(&self, region: &str) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.config(region).await)
    }

    pub(super) async fn create_topic(
        &self,
        region: &str,
        topic: &SnsTopic,
    ) -> Result<Applied, ProviderError> {
        let mut request = self.sns(region).await.create_topic().name(&topic.name);
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

    pub(super) async fn topic_exists(&self, region: &str, arn: &str) -> Result<bool, ProviderError> {
        self.sns(region)
            .await
            .get_topic_attributes()
            .topic_arn(arn)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(true)
    }

    pub(super) async fn subscribe(
        &self,
        region: &str,
        subscription: &SnsSubscription,
    ) -> Result<Applied, ProviderError> {
        let created = self
            .sns(region)
            .await
            .subscribe()
            .topic_arn(text(&subscription.topic))
            .protocol(&subscription.protocol)
            .endpoint(&subscription.endpoint)
            .return_subscription_arn(true)
            .send()
            .await
            .map_err(sdk_error)?;
        let arn = created.subscription_arn.unwrap_or_default();
        Ok(Applied::new(&arn).with("arn", arn.clone()))
    }

    pub(super) async fn unsubscribe(&self, region: &str, arn: &str) -> Result<(), ProviderError> {
        self.sns(region)
            .await
            .unsubscribe()
            .subscription_arn(arn)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }
}
