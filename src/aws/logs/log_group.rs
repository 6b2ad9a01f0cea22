//! CloudWatch Logs groups with retention.

use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{LogGroup, Tags};

impl Aws {
    pub(super) async fn create_log_group(
        &self,
        region: &str,
        group: &LogGroup,
    ) -> Result<Applied, ProviderError> {
        let client = self.logs(region).await;
        let mut request = client.create_log_group().log_group_name(&group.name);
        for (key, value) in &group.tags {
            request = request.tags(key, value);
        }
        if let Err(error) = request.send().await {
            let error = sdk_error(error);
            if error.code.as_deref() != Some("ResourceAlreadyExistsException") {
                return Err(error);
            }
        }
        self.retention(&client, group).await?;
        Ok(Applied::new(&group.name))
    }

    async fn retention(
        &self,
        client: &aws_sdk_cloudwatchlogs::Client,
        group: &LogGroup,
    ) -> Result<(), ProviderError> {
        match group.retention_days {
            Some(days) => {
                client
                    .put_retention_policy()
                    .log_group_name(&group.name)
                    .retention_in_days(days as i32)
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
            None => {
                client
                    .delete_retention_policy()
                    .log_group_name(&group.name)
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
        }
        Ok(())
    }

    pub(super) async fn update_log_group(
        &self,
        region: &str,
        group: &LogGroup,
    ) -> Result<Applied, ProviderError> {
        let client = self.logs(region).await;
        self.retention(&client, group).await?;
        Ok(Applied::new(&group.name))
    }

    pub(super) async fn delete_log_group(&self, region: &str, name: &str) -> Result<(), ProviderError> {
        self.logs(region)
            .await
            .delete_log_group()
            .log_group_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The log group's live retention.
    pub(super) async fn read_log_group(
        &self,
        region: &str,
        mut group: LogGroup,
    ) -> Result<Option<LogGroup>, ProviderError> {
        let found = self
            .logs(region)
            .await
            .describe_log_groups()
            .log_group_name_prefix(&group.name)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(live) = found
            .log_groups()
            .iter()
            .find(|live| live.log_group_name() == Some(group.name.as_str()))
        else {
            return Ok(None);
        };
        group.retention_days = live.retention_in_days().map(|days| days as u64);
        Ok(Some(group))
    }

    /// Sets the log group's tags and removes the `removed` keys (by ARN:
    /// the by-name tagging calls are deprecated).
    pub(super) async fn retag_log_group(
        &self,
        region: &str,
        name: &str,
        tags: &Tags,
        removed: &[String],
    ) -> Result<(), ProviderError> {
        let client = self.logs(region).await;
        let found = client
            .describe_log_groups()
            .log_group_name_prefix(name)
            .send()
            .await
            .map_err(sdk_error)?;
        let arn = found
            .log_groups()
            .iter()
            .find(|group| group.log_group_name() == Some(name))
            .and_then(|group| group.arn())
            .map(|arn| arn.trim_end_matches(":*").to_string())
            .ok_or_else(|| ProviderError::other(format!("log group {name} has no ARN")))?;
        if !removed.is_empty() {
            client
                .untag_resource()
                .resource_arn(&arn)
                .set_tag_keys(Some(removed.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        if !tags.is_empty() {
            client
                .tag_resource()
                .resource_arn(&arn)
                .set_tags(Some(tags.clone().into_iter().collect()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        Ok(())
    }
}

impl Operations<LogGroup> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["ResourceNotFoundException"];

    async fn find(
        &self,
        region: &str,
        desired: &LogGroup,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(region, desired, &desired.name).await
    }

    async fn import(
        &self,
        region: &str,
        desired: &LogGroup,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        named(id, &desired.name)?;
        let group = LogGroup {
            name: id.to_string(),
            ..desired.clone()
        };
        Ok(self
            .read_log_group(region, group)
            .await?
            .map(|_| Applied::new(id)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &LogGroup,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_log_group(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &LogGroup,
        _before: &LogGroup,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.update_log_group(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &LogGroup,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_log_group(region, &recorded.name).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: LogGroup,
        _old: &ResourceState,
    ) -> Result<Option<LogGroup>, ProviderError> {
        self.read_log_group(region, recorded).await
    }

    async fn retag(
        &self,
        region: &str,
        desired: &LogGroup,
        tags: &Tags,
        removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        self.retag_log_group(region, &desired.name, tags, removed).await
    }
}
