//! Lambda invoke permissions (resource-based policy statements).

use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{LambdaPermission, Tags};

impl Aws {
    pub(super) async fn add_permission(
        &self,
        region: &str,
        permission: &LambdaPermission,
    ) -> Result<Applied, ProviderError> {
        let result = self
            .lambda(region)
            .await
            .add_permission()
            .function_name(&permission.function)
            .statement_id(&permission.statement_id)
            .action(&permission.action)
            .principal(&permission.principal)
            .source_arn(text(&permission.source_arn))
            .send()
            .await;
        if let Err(error) = result {
            let error = sdk_error(error);
            // The statement exists already: an earlier attempt made it.
            if error.code.as_deref() != Some("ResourceConflictException")
                || error.message.contains("in progress")
            {
                return Err(error);
            }
        }
        Ok(Applied::new(format!(
            "{}:{}",
            permission.function, permission.statement_id
        )))
    }

    pub(super) async fn remove_permission(
        &self,
        region: &str,
        permission: &LambdaPermission,
    ) -> Result<(), ProviderError> {
        self.lambda(region)
            .await
            .remove_permission()
            .function_name(&permission.function)
            .statement_id(&permission.statement_id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub(super) async fn permission_exists(
        &self,
        region: &str,
        permission: &LambdaPermission,
    ) -> Result<bool, ProviderError> {
        let policy = self
            .lambda(region)
            .await
            .get_policy()
            .function_name(&permission.function)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(policy
            .policy()
            .is_some_and(|policy| policy.contains(&format!("\"{}\"", permission.statement_id))))
    }
}

impl Operations<LambdaPermission> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["ResourceNotFoundException"];

    async fn find(
        &self,
        region: &str,
        desired: &LambdaPermission,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(
            region,
            desired,
            &format!("{}:{}", desired.function, desired.statement_id),
        )
        .await
    }

    async fn import(
        &self,
        region: &str,
        desired: &LambdaPermission,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let Some((function, statement)) = id.rsplit_once(':') else {
            return Err(ProviderError::other(format!(
                "a Lambda permission is imported as FUNCTION:STATEMENT_ID, not {id}"
            )));
        };
        named(function, &desired.function)?;
        named(statement, &desired.statement_id)?;
        Ok(self
            .permission_exists(region, desired)
            .await?
            .then(|| Applied::new(id)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &LambdaPermission,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.add_permission(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &LambdaPermission,
        _before: &LambdaPermission,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // Every attribute forces a replacement (Lambda has no
        // UpdatePermission): adding it is all an update can be.
        self.add_permission(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &LambdaPermission,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.remove_permission(region, recorded).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: LambdaPermission,
        _old: &ResourceState,
    ) -> Result<Option<LambdaPermission>, ProviderError> {
        // Only its existence can differ from what drx sent.
        Ok(self
            .permission_exists(region, &recorded)
            .await?
            .then_some(recorded))
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &LambdaPermission,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
