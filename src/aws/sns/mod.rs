//! SNS: topics and subscriptions.

mod subscription;
mod topic;

use super::Aws;

impl Aws {
    async fn sns(&self, region: &str) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.config(region).await)
    }
}
