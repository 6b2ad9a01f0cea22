//! IAM: roles and their inline policies.

mod role;
mod role_policy;

pub(super) use role_policy::{live_document, policy_strings};

use super::{Aws, GLOBAL_REGION, ProviderError};

impl Aws {
    async fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.config(GLOBAL_REGION).await)
    }
}

pub(super) fn build_error(error: impl std::fmt::Display) -> ProviderError {
    ProviderError::other(format!("cannot build the request: {error}"))
}
