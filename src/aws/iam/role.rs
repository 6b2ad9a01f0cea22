//! IAM roles: created, their trust policy updated, read back and tagged.

use super::role_policy::live_document;
use super::*;
use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{IamRole, Tags};

impl Aws {
    pub(super) async fn create_role(&self, role: &IamRole) -> Result<Applied, ProviderError> {
        let iam = self.iam().await;
        let document = role.assume_role_policy.render(&text).to_string();
        let mut request = iam
            .create_role()
            .role_name(&role.name)
            .assume_role_policy_document(document)
            .description(&role.description);
        for (key, value) in &role.tags {
            request = request.tags(
                aws_sdk_iam::types::Tag::builder()
                    .key(key)
                    .value(value)
                    .build()
                    .map_err(build_error)?,
            );
        }
        let created = match request.send().await {
            Ok(created) => created.role,
            Err(error) => {
                let error = sdk_error(error);
                // A retry after a lost response finds the role already made.
                if error.code.as_deref() == Some("EntityAlreadyExists") {
                    return self.update_role(role).await;
                }
                return Err(error);
            }
        };
        let role_out = created.ok_or_else(|| ProviderError::other("CreateRole returned no role"))?;
        Ok(Applied::new(&role.name)
            .with("arn", role_out.arn)
            .with("id", role_out.role_id))
    }

    pub(super) async fn update_role(&self, role: &IamRole) -> Result<Applied, ProviderError> {
        let iam = self.iam().await;
        let document = role.assume_role_policy.render(&text).to_string();
        iam.update_assume_role_policy()
            .role_name(&role.name)
            .policy_document(document)
            .send()
            .await
            .map_err(sdk_error)?;
        iam.update_role()
            .role_name(&role.name)
            .description(&role.description)
            .send()
            .await
            .map_err(sdk_error)?;
        let current = iam
            .get_role()
            .role_name(&role.name)
            .send()
            .await
            .map_err(sdk_error)?;
        let current = current
            .role
            .ok_or_else(|| ProviderError::other("GetRole returned no role"))?;
        Ok(Applied::new(&role.name)
            .with("arn", current.arn)
            .with("id", current.role_id))
    }

    pub(super) async fn delete_role(&self, name: &str) -> Result<(), ProviderError> {
        self.iam()
            .await
            .delete_role()
            .role_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The role's live trust policy and description.
    pub(super) async fn read_role(&self, mut role: IamRole) -> Result<Option<IamRole>, ProviderError> {
        let found = self
            .iam()
            .await
            .get_role()
            .role_name(&role.name)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(live) = found.role else {
            return Ok(None);
        };
        if let Some(document) = live.assume_role_policy_document() {
            role.assume_role_policy = live_document(&role.assume_role_policy, document);
        }
        role.description = live.description().unwrap_or_default().to_string();
        Ok(Some(role))
    }

    /// Sets the role's tags and removes the `removed` keys.
    pub(super) async fn retag_role(
        &self,
        name: &str,
        tags: &Tags,
        removed: &[String],
    ) -> Result<(), ProviderError> {
        let iam = self.iam().await;
        if !removed.is_empty() {
            iam.untag_role()
                .role_name(name)
                .set_tag_keys(Some(removed.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        if !tags.is_empty() {
            let mut request = iam.tag_role().role_name(name);
            for (key, value) in tags {
                request = request.tags(
                    aws_sdk_iam::types::Tag::builder()
                        .key(key)
                        .value(value)
                        .build()
                        .map_err(build_error)?,
                );
            }
            request.send().await.map_err(sdk_error)?;
        }
        Ok(())
    }
}

impl Operations<IamRole> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NoSuchEntity"];

    async fn find(
        &self,
        region: &str,
        desired: &IamRole,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(region, desired, &desired.name).await
    }

    async fn import(
        &self,
        _region: &str,
        desired: &IamRole,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        named(id, &desired.name)?;
        let found = self
            .iam()
            .await
            .get_role()
            .role_name(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(found
            .role
            .map(|role| Applied::new(id).with("arn", role.arn).with("id", role.role_id)))
    }

    async fn create(
        &self,
        _region: &str,
        desired: &IamRole,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_role(desired).await
    }

    async fn update(
        &self,
        _region: &str,
        desired: &IamRole,
        _before: &IamRole,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.update_role(desired).await
    }

    async fn delete(
        &self,
        _region: &str,
        recorded: &IamRole,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_role(&recorded.name).await
    }

    async fn read(
        &self,
        _region: &str,
        recorded: IamRole,
        _old: &ResourceState,
    ) -> Result<Option<IamRole>, ProviderError> {
        self.read_role(recorded).await
    }

    async fn retag(
        &self,
        _region: &str,
        desired: &IamRole,
        tags: &Tags,
        removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        self.retag_role(&desired.name, tags, removed).await
    }
}
