//! API resources (path parts).

use super::*;
use crate::aws::provider::Operations;
use crate::aws::provider::text;
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{ApiResource, Tags};

impl Aws {
    pub(super) async fn create_api_resource(
        &self,
        region: &str,
        resource: &ApiResource,
    ) -> Result<Applied, ProviderError> {
        let api = text(&resource.rest_api);
        let created = self
            .apigateway(region)
            .await
            .create_resource()
            .rest_api_id(&api)
            .parent_id(text(&resource.parent))
            .path_part(&resource.path_part)
            .send()
            .await
            .map_err(sdk_error)?;
        let id = created.id.unwrap_or_default();
        Ok(Applied::new(format!("{api}/{id}")).with("id", id))
    }

    pub(super) async fn delete_api_resource(
        &self,
        region: &str,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        let (api, child, _) = parts(&old.physical_id);
        self.apigateway(region)
            .await
            .delete_resource()
            .rest_api_id(api)
            .resource_id(child)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub(super) async fn api_resource_exists(
        &self,
        region: &str,
        old: &ResourceState,
    ) -> Result<bool, ProviderError> {
        let (api, child, _) = parts(&old.physical_id);
        self.apigateway(region)
            .await
            .get_resource()
            .rest_api_id(api)
            .resource_id(child)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(true)
    }
}

impl Operations<ApiResource> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NotFoundException"];

    // "Another resource with the same parent already has this name."
    const ALREADY_EXISTS: &'static [&'static str] = &["ConflictException"];

    /// API resources are numbered: found by their parent and path part,
    /// which API Gateway keeps unique.
    async fn find(
        &self,
        region: &str,
        desired: &ApiResource,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        let api = text(&desired.rest_api);
        let parent = text(&desired.parent);
        let client = self.apigateway(region).await;
        let resources = all_pages(|position| {
            let request = client
                .get_resources()
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
        let found = resources
            .iter()
            .find(|candidate| {
                candidate.parent_id() == Some(parent.as_str())
                    && candidate.path_part() == Some(desired.path_part.as_str())
            })
            .and_then(|candidate| candidate.id());
        Ok(found.map(|id| Applied::new(format!("{api}/{id}")).with("id", id)))
    }

    async fn import(
        &self,
        region: &str,
        _desired: &ApiResource,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let (api, child, _) = parts(id);
        self.apigateway(region)
            .await
            .get_resource()
            .rest_api_id(api)
            .resource_id(child)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(format!("{api}/{child}")).with("id", child)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &ApiResource,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_api_resource(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &ApiResource,
        _before: &ApiResource,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // Every attribute forces a replacement: creating it is all an
        // update can be.
        self.create_api_resource(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        _recorded: &ApiResource,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_api_resource(region, old).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: ApiResource,
        old: &ResourceState,
    ) -> Result<Option<ApiResource>, ProviderError> {
        // Only its existence can differ from what drx sent.
        Ok(self.api_resource_exists(region, old).await?.then_some(recorded))
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &ApiResource,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
