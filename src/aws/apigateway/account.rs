//! API Gateway's account settings in one region: the CloudWatch Logs role.
//!
//! The setting is one per account and region, shared by every stack there
//! (aws/aws-cdk#10878: a stack that overwrote it and was deleted broke logging
//! for every API in the account). drx sets it, reads it back, and on destroy
//! clears it only while it still names drx's own role.

use aws_sdk_apigateway::types::{Op, PatchOperation};

use crate::aws::provider::{Operations, text};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::resources::{ApiAccount, Tags};
use crate::model::template::Val;
use crate::model::{Applied, ResourceState};

const ROLE_PATH: &str = "/cloudwatchRoleArn";

impl Aws {
    /// `UpdateAccount` with the role's ARN as the CloudWatch role.
    async fn set_cloudwatch_role(&self, region: &str, role_arn: &str) -> Result<(), ProviderError> {
        let result = self
            .apigateway(region)
            .await
            .update_account()
            .patch_operations(
                PatchOperation::builder()
                    .op(Op::Replace)
                    .path(ROLE_PATH)
                    .value(role_arn)
                    .build(),
            )
            .send()
            .await;
        match result.map_err(sdk_error) {
            Ok(_) => Ok(()),
            // A role created a moment ago is not yet one API Gateway can
            // assume (IAM is eventually consistent): it says so with a 400.
            Err(error)
                if error.code.as_deref() == Some("BadRequestException")
                    && error.message.contains("role ARN") =>
            {
                Err(ProviderError::not_yet(error.message))
            }
            Err(error) => Err(error),
        }
    }

    /// The CloudWatch role set now, if any (an unset one reads as empty).
    async fn cloudwatch_role(&self, region: &str) -> Result<Option<String>, ProviderError> {
        let account = self
            .apigateway(region)
            .await
            .get_account()
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(account
            .cloudwatch_role_arn()
            .filter(|arn| !arn.is_empty())
            .map(str::to_string))
    }

    async fn apply_account(&self, region: &str, account: &ApiAccount) -> Result<Applied, ProviderError> {
        self.set_cloudwatch_role(region, &text(&account.cloudwatch_role))
            .await?;
        // The setting has no id of its own: it is the region's.
        Ok(Applied::new(format!("api-gateway-account/{region}")))
    }
}

impl Operations<ApiAccount> for Aws {
    // GetAccount and UpdateAccount always find the account.
    const NOT_FOUND: &'static [&'static str] = &[];

    /// The setting always exists; it is drx's once it names the role.
    async fn find(
        &self,
        region: &str,
        desired: &ApiAccount,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        let role = text(&desired.cloudwatch_role);
        Ok(
            (self.cloudwatch_role(region).await?.as_deref() == Some(role.as_str()))
                .then(|| Applied::new(format!("api-gateway-account/{region}"))),
        )
    }

    async fn import(
        &self,
        region: &str,
        _desired: &ApiAccount,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let expected = format!("api-gateway-account/{region}");
        if id != expected {
            return Err(ProviderError::other(format!(
                "API Gateway's account settings in {region} are imported as {expected}"
            )));
        }
        Ok(Some(Applied::new(expected)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &ApiAccount,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.apply_account(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &ApiAccount,
        _before: &ApiAccount,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.apply_account(region, desired).await
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &ApiAccount,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        // Another stack (or a person) may have set its own role since; that
        // one is not drx's to clear.
        if self.cloudwatch_role(region).await?.as_deref() == Some(text(&recorded.cloudwatch_role).as_str()) {
            self.set_cloudwatch_role(region, "").await?;
        }
        Ok(())
    }

    async fn read(
        &self,
        region: &str,
        _recorded: ApiAccount,
        _old: &ResourceState,
    ) -> Result<Option<ApiAccount>, ProviderError> {
        // Unset is as good as deleted: the next apply sets it again.
        Ok(self.cloudwatch_role(region).await?.map(|arn| ApiAccount {
            cloudwatch_role: Val::known(arn),
        }))
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &ApiAccount,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
