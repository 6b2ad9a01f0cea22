//! API Gateway REST APIs: the API, its resources, methods with Lambda proxy
//! integrations, deployments and stages.

use aws_sdk_apigateway::types::{EndpointConfiguration, EndpointType, IntegrationType, Op, PatchOperation};

use super::provider::text;
use super::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{ApiDeployment, ApiResource, ApiRoute, ApiStage, RestApi};
use crate::model::template::Val;

/// The parts of a sub-resource's physical id `api/child[/method]`.
fn parts(id: &str) -> (&str, &str, &str) {
    let mut split = id.splitn(3, '/');
    let mut next = || split.next().unwrap_or_default();
    (next(), next(), next())
}

impl Aws {
    async fn apigateway(&self, region: &str) -> aws_sdk_apigateway::Client {
        aws_sdk_apigateway::Client::new(&self.config(region).await)
    }

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
        Ok(Applied {
            physical_id: old.physical_id.clone(),
            outputs: old.outputs.clone(),
        })
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

    /// `PutMethod` and `PutIntegration`: both replace what is there.
    pub(super) async fn put_route(&self, region: &str, route: &ApiRoute) -> Result<Applied, ProviderError> {
        let client = self.apigateway(region).await;
        let (api, resource) = (text(&route.rest_api), text(&route.resource));
        let method = client
            .put_method()
            .rest_api_id(&api)
            .resource_id(&resource)
            .http_method(&route.http_method)
            .authorization_type(&route.authorization)
            .send()
            .await;
        if let Err(error) = method {
            let error = sdk_error(error);
            if error.code.as_deref() != Some("ConflictException") {
                return Err(error);
            }
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
            route.authorization = authorization.to_string();
        }
        match found.method_integration() {
            Some(integration) => {
                if let Some(kind) = integration.r#type() {
                    route.integration_type = kind.as_str().to_string();
                }
                if let Some(method) = integration.http_method() {
                    route.integration_http_method = method.to_string();
                }
                route.integration_uri = Val::known(integration.uri().unwrap_or_default());
            }
            None => {
                route.integration_type = String::new();
                route.integration_uri = Val::known("");
            }
        }
        Ok(Some(route))
    }

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

    pub(super) async fn create_stage(
        &self,
        region: &str,
        stage: &ApiStage,
    ) -> Result<Applied, ProviderError> {
        let api = text(&stage.rest_api);
        let created = self
            .apigateway(region)
            .await
            .create_stage()
            .rest_api_id(&api)
            .stage_name(&stage.stage_name)
            .deployment_id(text(&stage.deployment))
            .set_tags(Some(stage.tags.clone().into_iter().collect()))
            .send()
            .await;
        if let Err(error) = created {
            let error = sdk_error(error);
            if error.code.as_deref() != Some("ConflictException") {
                return Err(error);
            }
            return self.move_stage(region, &api, stage).await;
        }
        Ok(Applied::new(format!("{api}/{}", stage.stage_name)))
    }

    /// Points the stage at the new deployment.
    async fn move_stage(&self, region: &str, api: &str, stage: &ApiStage) -> Result<Applied, ProviderError> {
        self.apigateway(region)
            .await
            .update_stage()
            .rest_api_id(api)
            .stage_name(&stage.stage_name)
            .patch_operations(
                PatchOperation::builder()
                    .op(Op::Replace)
                    .path("/deploymentId")
                    .value(text(&stage.deployment))
                    .build(),
            )
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Applied::new(format!("{api}/{}", stage.stage_name)))
    }

    pub(super) async fn update_stage(
        &self,
        region: &str,
        stage: &ApiStage,
    ) -> Result<Applied, ProviderError> {
        self.move_stage(region, &text(&stage.rest_api), stage).await
    }

    pub(super) async fn delete_stage(
        &self,
        region: &str,
        old: &ResourceState,
        name: &str,
    ) -> Result<(), ProviderError> {
        let (api, _, _) = parts(&old.physical_id);
        self.apigateway(region)
            .await
            .delete_stage()
            .rest_api_id(api)
            .stage_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The deployment the stage serves now.
    pub(super) async fn read_stage(
        &self,
        region: &str,
        mut stage: ApiStage,
        old: &ResourceState,
    ) -> Result<Option<ApiStage>, ProviderError> {
        let (api, _, _) = parts(&old.physical_id);
        let found = self
            .apigateway(region)
            .await
            .get_stage()
            .rest_api_id(api)
            .stage_name(&stage.stage_name)
            .send()
            .await
            .map_err(sdk_error)?;
        if let Some(deployment) = found.deployment_id() {
            stage.deployment = Val::known(deployment);
        }
        Ok(Some(stage))
    }
}
