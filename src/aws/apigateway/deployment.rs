//! Deployments: snapshots of an API a stage serves.

use super::*;
use crate::aws::provider::Operations;
use crate::aws::provider::text;
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{ApiDeployment, Tags};

impl Aws {
    pub(super) async fn create_deployment(
        &self,
        region: &str,
        deployment: &ApiDeployment,
    ) -> Result<Applied, ProviderError> {
        let api = text(&deployment.rest_api);
        let created = self
            .apigateway(region)
            .await
            .create_deployment()
            .rest_api_id(&api)
            .description(&deployment.description)
            .send()
            .await
            .map_err(sdk_error)?;
        let id = created.id.unwrap_or_default();
        Ok(Applied::new(format!("{api}/{id}")).with("id", id))
    }

    pub(super) async fn delete_deployment(
        &self,
        region: &str,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        let (api, child, _) = parts(&old.physical_id);
        self.apigateway(region)
            .await
            .delete_deployment()
            .rest_api_id(api)
            .deployment_id(child)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub(super) async fn deployment_exists(
        &self,
        region: &str,
        old: &ResourceState,
    ) -> Result<bool, ProviderError> {
        let (api, child, _) = parts(&old.physical_id);
        self.apigateway(region)
            .await
            .get_deployment()
            .rest_api_id(api)
            .deployment_id(child)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(true)
    }
}

impl Operations<ApiDeployment> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NotFoundException"];

    /// Deployments are numbered: found by their description, which names
    /// the routes they snapshot.
    async fn find(
        &self,
        region: &str,
        desired: &ApiDeployment,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        let api = text(&desired.rest_api);
        let client = self.apigateway(region).await;
        let deployments = all_pages(|position| {
            let request = client
                .get_deployments()
                .rest_api_id(&api)
                .set_position(position)
                .limit(500)
                .send();
            async move {
                let page = request.await.map_err(sdk_error)?;
                let next = page.position().map(str::to_string);
                Ok((page.items.unwrap_or_default(), next))
            }
        })
        .await?;
        // The newest of that description, should there be several.
        let newest = deployments
            .iter()
            .filter(|candidate| candidate.description() == Some(desired.description.as_str()))
            .filter_map(|candidate| {
                let id = candidate.id()?.to_string();
                Some((candidate.created_date().map_or(0, |date| date.secs()), id))
            })
            .max_by_key(|(created, _)| *created);
        Ok(newest.map(|(_, id)| Applied::new(format!("{api}/{id}")).with("id", id)))
    }

    async fn import(
        &self,
        region: &str,
        _desired: &ApiDeployment,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let (api, child, _) = parts(id);
        self.apigateway(region)
            .await
            .get_deployment()
            .rest_api_id(api)
            .deployment_id(child)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(format!("{api}/{child}")).with("id", child)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &ApiDeployment,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_deployment(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &ApiDeployment,
        _before: &ApiDeployment,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // A deployment is a snapshot: a new one is the only change.
        self.create_deployment(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        _recorded: &ApiDeployment,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_deployment(region, old).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: ApiDeployment,
        old: &ResourceState,
    ) -> Result<Option<ApiDeployment>, ProviderError> {
        // Only its existence can differ from what drx sent.
        Ok(self.deployment_exists(region, old).await?.then_some(recorded))
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &ApiDeployment,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
