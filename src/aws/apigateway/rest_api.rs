//! REST APIs.

use aws_sdk_apigateway::types::{EndpointConfiguration, EndpointType, Op, PatchOperation};

use super::all_pages;
use crate::aws::provider::Operations;
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{RestApi, Tags};

impl Aws {
    pub(super) async fn create_rest_api(
        &self,
        region: &str,
        api: &RestApi,
    ) -> Result<Applied, ProviderError> {
        let created = self
            .apigateway(region)
            .await
            .create_rest_api()
            .name(&api.name)
            .endpoint_configuration(
                EndpointConfiguration::builder()
                    .types(EndpointType::from(api.endpoint_type.as_str()))
                    .build(),
            )
            .set_tags(Some(api.tags.clone().into_iter().collect()))
            .send()
            .await
            .map_err(sdk_error)?;
        let id = created.id.unwrap_or_default();
        let root = match created.root_resource_id {
            Some(root) => root,
            None => self.root_resource(region, &id).await?,
        };
        Ok(Applied::new(&id)
            .with("id", id.clone())
            .with("root_resource_id", root))
    }

    /// The REST API of this name, if there is exactly one: drx's names carry
    /// the stack's suffix and region, so only drx makes one of this name.
    async fn find_rest_api(&self, region: &str, api: &RestApi) -> Result<Option<Applied>, ProviderError> {
        let client = self.apigateway(region).await;
        let apis = all_pages(|position| {
            let request = client.get_rest_apis().set_position(position).limit(500).send();
            async move {
                let page = request.await.map_err(sdk_error)?;
                let next = page.position().map(str::to_string);
                Ok((page.items.unwrap_or_default(), next))
            }
        })
        .await?;
        let found: Vec<String> = apis
            .iter()
            .filter(|candidate| candidate.name() == Some(api.name.as_str()))
            .filter_map(|candidate| candidate.id().map(str::to_string))
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [id] => {
                let root = self.root_resource(region, id).await?;
                Ok(Some(
                    Applied::new(id)
                        .with("id", id.clone())
                        .with("root_resource_id", root),
                ))
            }
            several => Err(ProviderError::other(format!(
                "{} REST APIs are named {} in {region} ({}); drx cannot tell which one it made — \
                 delete the extra ones, or `drx import` the right one",
                several.len(),
                api.name,
                several.join(", ")
            ))),
        }
    }

    async fn root_resource(&self, region: &str, api: &str) -> Result<String, ProviderError> {
        let resources = self
            .apigateway(region)
            .await
            .get_resources()
            .rest_api_id(api)
            .send()
            .await
            .map_err(sdk_error)?;
        resources
            .items()
            .iter()
            .find(|resource| resource.path() == Some("/"))
            .and_then(|resource| resource.id().map(str::to_string))
            .ok_or_else(|| ProviderError::other(format!("REST API {api} has no root resource")))
    }

    pub(super) async fn update_rest_api(
        &self,
        region: &str,
        api: &RestApi,
        old: &ResourceState,
    ) -> Result<Applied, ProviderError> {
        self.apigateway(region)
            .await
            .update_rest_api()
            .rest_api_id(&old.physical_id)
            .patch_operations(
                PatchOperation::builder()
                    .op(Op::Replace)
                    .path("/name")
                    .value(&api.name)
                    .build(),
            )
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Applied::unchanged(old))
    }

    pub(super) async fn delete_rest_api(&self, region: &str, id: &str) -> Result<(), ProviderError> {
        self.apigateway(region)
            .await
            .delete_rest_api()
            .rest_api_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub(super) async fn rest_api_exists(&self, region: &str, id: &str) -> Result<bool, ProviderError> {
        self.apigateway(region)
            .await
            .get_rest_api()
            .rest_api_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(true)
    }
}

impl Operations<RestApi> for Aws {
    // REST APIs are numbered, not named: a create cut short by a crash may
    // have made one drx never heard of.
    async fn find(
        &self,
        region: &str,
        desired: &RestApi,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.find_rest_api(region, desired).await
    }

    async fn import(
        &self,
        region: &str,
        _desired: &RestApi,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        self.apigateway(region)
            .await
            .get_rest_api()
            .rest_api_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        let root = self.root_resource(region, id).await?;
        Ok(Some(
            Applied::new(id).with("id", id).with("root_resource_id", root),
        ))
    }

    const NOT_FOUND: &'static [&'static str] = &["NotFoundException"];

    async fn create(
        &self,
        region: &str,
        desired: &RestApi,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_rest_api(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &RestApi,
        _before: &RestApi,
        old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.update_rest_api(region, desired, old).await
    }

    async fn delete(
        &self,
        region: &str,
        _recorded: &RestApi,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_rest_api(region, &old.physical_id).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: RestApi,
        old: &ResourceState,
    ) -> Result<Option<RestApi>, ProviderError> {
        // Only its existence can differ from what drx sent.
        Ok(self
            .rest_api_exists(region, &old.physical_id)
            .await?
            .then_some(recorded))
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &RestApi,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // Kept as created: the emulator has no API Gateway tagging to
        // test a retag against (docs/apply.md).
        Ok(())
    }
}
