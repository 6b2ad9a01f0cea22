//! Symmetric keys with their alias, policy and rotation.
//!
//! A key has no name: drx finds it by its alias, made right after the key,
//! or — when a crash fell between the two — by the create's idempotency
//! token, which the key carries as a tag. KMS has no lookup by tag, so only
//! reconciliation after a crash scans the account's keys for it; a create
//! retried in the same command looks only for the alias.
//! A key is never deleted at once: ScheduleKeyDeletion starts its waiting
//! period (7 to 30 days, AWS KMS Developer Guide, "Deleting AWS KMS keys"),
//! during which CancelKeyDeletion brings it back; drx removes the alias
//! first, so the next apply makes a new key under the same alias.

use aws_sdk_kms::types::{KeyState, Tag};

use crate::aws::iam::{build_error, live_document};
use crate::aws::provider::{Operations, text};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::resources::{KmsKey, Tags};
use crate::model::{Applied, ResourceState};

/// The one policy a key has.
const POLICY_NAME: &str = "default";

/// The tag that carries the create's token.
const TOKEN_TAG: &str = "drx:create-token";

fn tag(key: &str, value: &str) -> Result<Tag, ProviderError> {
    Tag::builder()
        .tag_key(key)
        .tag_value(value)
        .build()
        .map_err(build_error)
}

fn applied(id: &str, arn: &str) -> Applied {
    Applied::new(id).with("arn", arn).with("id", id)
}

/// Turns the key's automatic rotation on or off.
async fn rotate(client: &aws_sdk_kms::Client, id: &str, on: bool) -> Result<(), ProviderError> {
    if on {
        client
            .enable_key_rotation()
            .key_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
    } else {
        client
            .disable_key_rotation()
            .key_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
    }
    Ok(())
}

impl Aws {
    /// The key `alias` names, unless it is being deleted.
    async fn key_by_alias(&self, region: &str, alias: &str) -> Result<Option<Applied>, ProviderError> {
        let found = self.kms(region).await.describe_key().key_id(alias).send().await;
        let metadata = match found.map_err(sdk_error) {
            Ok(found) => found.key_metadata,
            Err(error) if error.code.as_deref() == Some("NotFoundException") => return Ok(None),
            Err(error) => return Err(error),
        };
        Ok(metadata
            .filter(|key| !matches!(key.key_state(), Some(KeyState::PendingDeletion)))
            .map(|key| applied(key.key_id(), key.arn().unwrap_or_default())))
    }

    /// The key a create with `token` made, not yet deleted; its alias is
    /// made if the crash came before it.
    async fn key_by_token(
        &self,
        region: &str,
        key: &KmsKey,
        token: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let client = self.kms(region).await;
        let mut marker = None;
        loop {
            let page = client
                .list_keys()
                .set_marker(marker.take())
                .send()
                .await
                .map_err(sdk_error)?;
            for entry in page.keys() {
                let Some(id) = entry.key_id() else { continue };
                let tags = client
                    .list_resource_tags()
                    .key_id(id)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                let ours = tags
                    .tags()
                    .iter()
                    .any(|tag| tag.tag_key() == TOKEN_TAG && tag.tag_value() == token);
                if !ours {
                    continue;
                }
                let found = client.describe_key().key_id(id).send().await.map_err(sdk_error)?;
                let Some(metadata) = found
                    .key_metadata
                    .filter(|k| !matches!(k.key_state(), Some(KeyState::PendingDeletion)))
                else {
                    continue;
                };
                client
                    .create_alias()
                    .alias_name(&key.alias)
                    .target_key_id(id)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                return Ok(Some(applied(id, metadata.arn().unwrap_or_default())));
            }
            match page.next_marker() {
                Some(next) if page.truncated() => marker = Some(next.to_string()),
                _ => return Ok(None),
            }
        }
    }

    async fn create_key(&self, region: &str, key: &KmsKey, token: &str) -> Result<Applied, ProviderError> {
        // A create whose answer was lost made the key and its alias: that is
        // the key.
        if let Some(found) = self.key_by_alias(region, &key.alias).await? {
            self.configure_key(region, &found.physical_id, key).await?;
            return Ok(found);
        }
        let client = self.kms(region).await;
        let mut request = client
            .create_key()
            .description(&key.description)
            .policy(key.policy.render(&text).to_string())
            .tags(tag(TOKEN_TAG, token)?);
        for (name, value) in &key.tags {
            request = request.tags(tag(name, value)?);
        }
        let created = request.send().await.map_err(sdk_error)?;
        let metadata = created
            .key_metadata
            .ok_or_else(|| ProviderError::other("CreateKey answered without the key"))?;
        let id = metadata.key_id().to_string();
        client
            .create_alias()
            .alias_name(&key.alias)
            .target_key_id(&id)
            .send()
            .await
            .map_err(sdk_error)?;
        // A new key does not rotate: only turning it on is asked.
        if key.rotation {
            rotate(&client, &id, true).await?;
        }
        Ok(applied(&id, metadata.arn().unwrap_or_default()))
    }

    /// Policy, description and rotation as `key` says.
    async fn configure_key(&self, region: &str, id: &str, key: &KmsKey) -> Result<(), ProviderError> {
        let client = self.kms(region).await;
        client
            .put_key_policy()
            .key_id(id)
            .policy_name(POLICY_NAME)
            .policy(key.policy.render(&text).to_string())
            .send()
            .await
            .map_err(sdk_error)?;
        client
            .update_key_description()
            .key_id(id)
            .description(&key.description)
            .send()
            .await
            .map_err(sdk_error)?;
        rotate(&client, id, key.rotation).await
    }

    async fn read_key(
        &self,
        region: &str,
        mut key: KmsKey,
        id: &str,
    ) -> Result<Option<KmsKey>, ProviderError> {
        let client = self.kms(region).await;
        let found = client.describe_key().key_id(id).send().await.map_err(sdk_error)?;
        let Some(metadata) = found.key_metadata else {
            return Ok(None);
        };
        // A key waiting to be deleted is gone: it encrypts nothing more.
        if matches!(
            metadata.key_state(),
            Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
        ) {
            return Ok(None);
        }
        key.description = metadata.description().unwrap_or_default().to_string();
        let (policy, rotation, aliases) = tokio::join!(
            client.get_key_policy().key_id(id).policy_name(POLICY_NAME).send(),
            client.get_key_rotation_status().key_id(id).send(),
            client.list_aliases().key_id(id).send(),
        );
        let policy = policy.map_err(sdk_error)?;
        key.policy = live_document(&key.policy, policy.policy().unwrap_or_default());
        key.rotation = rotation.map_err(sdk_error)?.key_rotation_enabled();
        let aliases = aliases.map_err(sdk_error)?;
        let names: Vec<&str> = aliases
            .aliases()
            .iter()
            .filter_map(|alias| alias.alias_name())
            .collect();
        if !names.contains(&key.alias.as_str()) {
            key.alias = names.first().map(|name| name.to_string()).unwrap_or_default();
        }
        Ok(Some(key))
    }

    async fn delete_key(&self, region: &str, key: &KmsKey, id: &str) -> Result<(), ProviderError> {
        let client = self.kms(region).await;
        match client
            .delete_alias()
            .alias_name(&key.alias)
            .send()
            .await
            .map_err(sdk_error)
        {
            Ok(_) => {}
            Err(error) if error.code.as_deref() == Some("NotFoundException") => {}
            Err(error) => return Err(error),
        }
        let scheduled = client
            .schedule_key_deletion()
            .key_id(id)
            .pending_window_in_days(key.deletion_window_days as i32)
            .send()
            .await
            .map_err(sdk_error);
        match scheduled {
            Ok(_) => Ok(()),
            // Scheduled already, by a delete whose answer was lost.
            Err(error)
                if error.code.as_deref() == Some("KMSInvalidStateException")
                    && error.message.contains("pending") =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}

impl Operations<KmsKey> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NotFoundException"];

    async fn find(
        &self,
        region: &str,
        desired: &KmsKey,
        token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        if let Some(found) = self.key_by_alias(region, &desired.alias).await? {
            return Ok(Some(found));
        }
        match token {
            Some(token) => self.key_by_token(region, desired, token).await,
            None => Ok(None),
        }
    }

    async fn import(
        &self,
        region: &str,
        _desired: &KmsKey,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let found = self
            .kms(region)
            .await
            .describe_key()
            .key_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(found
            .key_metadata
            .map(|key| applied(key.key_id(), key.arn().unwrap_or_default())))
    }

    async fn create(
        &self,
        region: &str,
        desired: &KmsKey,
        _code: Option<&[u8]>,
        token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_key(region, desired, token).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &KmsKey,
        _before: &KmsKey,
        old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.configure_key(region, &old.physical_id, desired).await?;
        Ok(Applied::unchanged(old))
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &KmsKey,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_key(region, recorded, &old.physical_id).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: KmsKey,
        old: &ResourceState,
    ) -> Result<Option<KmsKey>, ProviderError> {
        self.read_key(region, recorded, &old.physical_id).await
    }

    async fn retag(
        &self,
        region: &str,
        _desired: &KmsKey,
        tags: &Tags,
        removed: &[String],
        old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        let client = self.kms(region).await;
        if !removed.is_empty() {
            client
                .untag_resource()
                .key_id(&old.physical_id)
                .set_tag_keys(Some(removed.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        if !tags.is_empty() {
            let mut request = client.tag_resource().key_id(&old.physical_id);
            for (name, value) in tags {
                request = request.tags(tag(name, value)?);
            }
            request.send().await.map_err(sdk_error)?;
        }
        Ok(())
    }
}
