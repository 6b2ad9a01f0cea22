//! SNS subscriptions.

use crate::aws::provider::Operations;
use crate::aws::provider::text;
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{SnsSubscription, Tags};

impl Aws {
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
            .protocol(subscription.protocol.as_str())
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

impl Operations<SnsSubscription> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NotFound", "NotFoundException"];

    /// Found among the topic's subscriptions by protocol and endpoint (as
    /// Subscribe itself matches them). One awaiting confirmation has no ARN
    /// to list; subscribing again returns it.
    async fn find(
        &self,
        region: &str,
        desired: &SnsSubscription,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        let client = self.sns(region).await;
        let mut next = None;
        loop {
            let page = client
                .list_subscriptions_by_topic()
                .topic_arn(text(&desired.topic))
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk_error)?;
            let found = page.subscriptions().iter().find(|candidate| {
                candidate.protocol() == Some(desired.protocol.as_str())
                    && candidate.endpoint() == Some(desired.endpoint.as_str())
                    && candidate
                        .subscription_arn()
                        .is_some_and(|arn| arn.starts_with("arn:"))
            });
            if let Some(arn) = found.and_then(|candidate| candidate.subscription_arn()) {
                return Ok(Some(Applied::new(arn).with("arn", arn)));
            }
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                return Ok(None);
            }
        }
    }

    async fn import(
        &self,
        region: &str,
        _desired: &SnsSubscription,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        self.sns(region)
            .await
            .get_subscription_attributes()
            .subscription_arn(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(id).with("arn", id)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &SnsSubscription,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.subscribe(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &SnsSubscription,
        _before: &SnsSubscription,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // Every attribute forces a replacement: subscribing is all an
        // update can be.
        self.subscribe(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        _recorded: &SnsSubscription,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.unsubscribe(region, &old.physical_id).await
    }

    async fn read(
        &self,
        _region: &str,
        recorded: SnsSubscription,
        _old: &ResourceState,
    ) -> Result<Option<SnsSubscription>, ProviderError> {
        // Nothing of a subscription can be read back before it is
        // confirmed; it is kept as recorded.
        Ok(Some(recorded))
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &SnsSubscription,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
