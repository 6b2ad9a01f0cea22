//! Methods with their Lambda proxy integrations.

use aws_sdk_apigateway::types::{IntegrationType, Op, PatchOperation};

use super::*;
use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{self, ApiRoute, Tags};
use crate::model::template::Val;

impl Aws {
    /// `PutMethod`, or `UpdateMethod` where the method exists (PutMethod then
    /// answers 409 ConflictException, "Method already exists for this
    /// resource"), and `PutIntegration`, which replaces what is there.
    pub(super) async fn put_route(&self, region: &str, route: &ApiRoute) -> Result<Applied, ProviderError> {
        let client = self.apigateway(region).await;
        let (api, resource) = (text(&route.rest_api), text(&route.resource));
        let method = client
            .put_method()
            .rest_api_id(&api)
            .resource_id(&resource)
            .http_method(&route.http_method)
            .authorization_type(route.authorization.as_str())
            .send()
            .await;
        if let Err(error) = method {
            let error = sdk_error(error);
            if error.code.as_deref() != Some("ConflictException") {
                return Err(error);
            }
            client
                .update_method()
                .rest_api_id(&api)
                .resource_id(&resource)
                .http_method(&route.http_method)
                .patch_operations(
                    PatchOperation::builder()
                        .op(Op::Replace)
                        .path("/authorizationType")
                        .value(route.authorization.as_str())
                        .build(),
                )
                .send()
                .await
                .map_err(sdk_error)?;
        }
        client
            .put_integration()
            .rest_api_id(&api)
            .resource_id(&resource)
            .http_method(&route.http_method)
            .r#type(IntegrationType::from(route.integration_type.as_str()))
            .integration_http_method(&route.integration_http_method)
            .uri(text(&route.integration_uri))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Applied::new(format!("{api}/{resource}/{}", route.http_method)))
    }

    pub(super) async fn delete_route(&self, region: &str, old: &ResourceState) -> Result<(), ProviderError> {
        let (api, child, method) = parts(&old.physical_id);
        self.apigateway(region)
            .await
            .delete_method()
            .rest_api_id(api)
            .resource_id(child)
            .http_method(method)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The method's live authorization and integration.
    pub(super) async fn read_route(
        &self,
        region: &str,
        mut route: ApiRoute,
        old: &ResourceState,
    ) -> Result<Option<ApiRoute>, ProviderError> {
        let (api, child, method) = parts(&old.physical_id);
        let found = self
            .apigateway(region)
            .await
            .get_method()
            .rest_api_id(api)
            .resource_id(child)
            .http_method(method)
            .send()
            .await
            .map_err(sdk_error)?;
        if let Some(authorization) = found.authorization_type() {
            route.authorization = resources::Authorization::from_aws(authorization);
        }
        match found.method_integration() {
            Some(integration) => {
                if let Some(kind) = integration.r#type() {
                    route.integration_type = resources::IntegrationType::from_aws(kind.as_str());
                }
                if let Some(method) = integration.http_method() {
                    route.integration_http_method = method.to_string();
                }
                route.integration_uri = Val::known(integration.uri().unwrap_or_default());
            }
            None => {
                route.integration_type = resources::IntegrationType::Other(String::new());
                route.integration_uri = Val::known("");
            }
        }
        Ok(Some(route))
    }
}

impl Operations<ApiRoute> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NotFoundException"];

    async fn find(
        &self,
        region: &str,
        desired: &ApiRoute,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        let id = format!(
            "{}/{}/{}",
            text(&desired.rest_api),
            text(&desired.resource),
            desired.http_method
        );
        self.import(region, desired, &id).await
    }

    async fn import(
        &self,
        region: &str,
        desired: &ApiRoute,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let (api, resource, method) = parts(id);
        named(method, &desired.http_method)?;
        self.apigateway(region)
            .await
            .get_method()
            .rest_api_id(api)
            .resource_id(resource)
            .http_method(method)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(id)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &ApiRoute,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.put_route(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &ApiRoute,
        _before: &ApiRoute,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.put_route(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        _recorded: &ApiRoute,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_route(region, old).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: ApiRoute,
        old: &ResourceState,
    ) -> Result<Option<ApiRoute>, ProviderError> {
        self.read_route(region, recorded, old).await
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &ApiRoute,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
