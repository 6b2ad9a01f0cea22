//! IAM: roles and their inline policies.

use super::provider::{Applied, text};
use super::{Aws, AwsError, GLOBAL_REGION};
use crate::plan::resources::{IamRole, IamRolePolicy};

impl Aws {
    async fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.config(GLOBAL_REGION).await)
    }

    pub(super) async fn create_role(&self, role: &IamRole) -> Result<Applied, AwsError> {
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
                let error = AwsError::from_sdk(error);
                // A retry after a lost response finds the role already made.
                if error.code.as_deref() == Some("EntityAlreadyExists") {
                    return self.update_role(role).await;
                }
                return Err(error);
            }
        };
        let role_out = created.ok_or_else(|| AwsError::other("CreateRole returned no role"))?;
        Ok(Applied::new(&role.name)
            .with("arn", role_out.arn)
            .with("id", role_out.role_id))
    }

    pub(super) async fn update_role(&self, role: &IamRole) -> Result<Applied, AwsError> {
        let iam = self.iam().await;
        let document = role.assume_role_policy.render(&text).to_string();
        iam.update_assume_role_policy()
            .role_name(&role.name)
            .policy_document(document)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        iam.update_role()
            .role_name(&role.name)
            .description(&role.description)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        let mut tag = iam.tag_role().role_name(&role.name);
        for (key, value) in &role.tags {
            tag = tag.tags(
                aws_sdk_iam::types::Tag::builder()
                    .key(key)
                    .value(value)
                    .build()
                    .map_err(build_error)?,
            );
        }
        tag.send().await.map_err(AwsError::from_sdk)?;
        let current = iam
            .get_role()
            .role_name(&role.name)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        let current = current
            .role
            .ok_or_else(|| AwsError::other("GetRole returned no role"))?;
        Ok(Applied::new(&role.name)
            .with("arn", current.arn)
            .with("id", current.role_id))
    }

    pub(super) async fn delete_role(&self, name: &str) -> Result<(), AwsError> {
        self.iam()
            .await
            .delete_role()
            .role_name(name)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(())
    }

    pub(super) async fn role_exists(&self, name: &str) -> Result<bool, AwsError> {
        self.iam()
            .await
            .get_role()
            .role_name(name)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(true)
    }

    pub(super) async fn put_role_policy(&self, policy: &IamRolePolicy) -> Result<Applied, AwsError> {
        let role = text(&policy.role);
        self.iam()
            .await
            .put_role_policy()
            .role_name(&role)
            .policy_name(&policy.name)
            .policy_document(policy.document.render(&text).to_string())
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(Applied::new(format!("{role}:{}", policy.name)))
    }

    pub(super) async fn delete_role_policy(&self, role: &str, name: &str) -> Result<(), AwsError> {
        self.iam()
            .await
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(())
    }

    pub(super) async fn role_policy_exists(&self, role: &str, name: &str) -> Result<bool, AwsError> {
        self.iam()
            .await
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(true)
    }
}

pub(super) fn build_error(error: impl std::fmt::Display) -> AwsError {
    AwsError::other(format!("cannot build the request: {error}"))
}
