//! KMS: the customer-managed keys drx encrypts its resources with.

mod key;

use super::Aws;

impl Aws {
    async fn kms(&self, region: &str) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(&self.config(region).await)
    }
}
