//! CloudWatch Logs: log groups with retention.

mod log_group;

use super::Aws;

impl Aws {
    async fn logs(&self, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::new(&self.config(region).await)
    }
}
