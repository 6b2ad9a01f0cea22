//! Health checks.

use aws_sdk_route53::types::{HealthCheckConfig, HealthCheckType, TagResourceType};

use super::*;
use crate::aws::iam::build_error;
use crate::aws::provider::Operations;
use crate::aws::provider::text;
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{self, HealthCheck, Tags};
use crate::model::template::Val;

impl Aws {
    pub(super) async fn create_health_check(
        &self,
        check: &HealthCheck,
        token: &str,
    ) -> Result<Applied, ProviderError> {
        let mut config = HealthCheckConfig::builder()
            .r#type(HealthCheckType::from(check.check_type.as_str()))
            .fully_qualified_domain_name(text(&check.fqdn))
            .port(check.port as i32)
            .request_interval(check.request_interval as i32)
            .failure_threshold(check.failure_threshold as i32);
        if let Some(path) = &check.resource_path {
            config = config.resource_path(path);
        }
        let created = self
            .route53()
            .await
            .create_health_check()
            .caller_reference(caller_reference(token))
            .health_check_config(config.build().map_err(build_error)?)
            .send()
            .await
            .map_err(sdk_error)?;
        let id = created.health_check.map(|c| c.id).unwrap_or_default();
        self.tag(TagResourceType::Healthcheck, &id, &check.tags, &[])
            .await?;
        Ok(Applied::new(&id).with("id", id.clone()))
    }

    pub(super) async fn update_health_check(
        &self,
        check: &HealthCheck,
        old: &ResourceState,
    ) -> Result<Applied, ProviderError> {
        let mut request = self
            .route53()
            .await
            .update_health_check()
            .health_check_id(&old.physical_id)
            .fully_qualified_domain_name(text(&check.fqdn))
            .port(check.port as i32)
            .failure_threshold(check.failure_threshold as i32);
        if let Some(path) = &check.resource_path {
            request = request.resource_path(path);
        }
        request.send().await.map_err(sdk_error)?;
        Ok(Applied::unchanged(old))
    }

    pub(super) async fn delete_health_check(&self, id: &str) -> Result<(), ProviderError> {
        self.route53()
            .await
            .delete_health_check()
            .health_check_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The health check's live configuration.
    pub(super) async fn read_health_check(
        &self,
        mut check: HealthCheck,
        id: &str,
    ) -> Result<Option<HealthCheck>, ProviderError> {
        let found = self
            .route53()
            .await
            .get_health_check()
            .health_check_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(config) = found.health_check().and_then(|c| c.health_check_config()) else {
            return Ok(None);
        };
        check.check_type = resources::HealthCheckType::from_aws(config.r#type().as_str());
        if let Some(fqdn) = config.fully_qualified_domain_name() {
            check.fqdn = Val::known(fqdn);
        }
        if let Some(port) = config.port() {
            check.port = port as u64;
        }
        check.resource_path = config.resource_path().map(str::to_string);
        if let Some(interval) = config.request_interval() {
            check.request_interval = interval as u64;
        }
        if let Some(threshold) = config.failure_threshold() {
            check.failure_threshold = threshold as u64;
        }
        Ok(Some(check))
    }
}

impl Operations<HealthCheck> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NoSuchHealthCheck"];
    // The caller reference of a create with other settings, or of a deleted
    // check.
    const ALREADY_EXISTS: &'static [&'static str] = &["HealthCheckAlreadyExists"];

    /// Health checks are numbered and unnamed: found by the caller
    /// reference their create was given.
    async fn find(
        &self,
        _region: &str,
        _desired: &HealthCheck,
        token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        let Some(token) = token else { return Ok(None) };
        let reference = caller_reference(token);
        let client = self.route53().await;
        let mut marker = None;
        loop {
            let page = client
                .list_health_checks()
                .set_marker(marker)
                .send()
                .await
                .map_err(sdk_error)?;
            if let Some(found) = page
                .health_checks()
                .iter()
                .find(|check| check.caller_reference() == reference)
            {
                let id = found.id().to_string();
                return Ok(Some(Applied::new(&id).with("id", id)));
            }
            marker = page.next_marker().map(str::to_string);
            if !page.is_truncated() || marker.is_none() {
                return Ok(None);
            }
        }
    }

    async fn import(
        &self,
        _region: &str,
        _desired: &HealthCheck,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        self.route53()
            .await
            .get_health_check()
            .health_check_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(id).with("id", id)))
    }

    async fn create(
        &self,
        _region: &str,
        desired: &HealthCheck,
        _code: Option<&[u8]>,
        token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_health_check(desired, token).await
    }

    async fn update(
        &self,
        _region: &str,
        desired: &HealthCheck,
        _before: &HealthCheck,
        old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.update_health_check(desired, old).await
    }

    async fn delete(
        &self,
        _region: &str,
        _recorded: &HealthCheck,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_health_check(&old.physical_id).await
    }

    async fn read(
        &self,
        _region: &str,
        recorded: HealthCheck,
        old: &ResourceState,
    ) -> Result<Option<HealthCheck>, ProviderError> {
        self.read_health_check(recorded, &old.physical_id).await
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &HealthCheck,
        tags: &Tags,
        removed: &[String],
        old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        self.tag(TagResourceType::Healthcheck, &old.physical_id, tags, removed)
            .await
    }
}
