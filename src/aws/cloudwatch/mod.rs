//! CloudWatch metric alarms.

mod alarm;

use super::Aws;

impl Aws {
    pub(super) async fn cloudwatch(&self, region: &str) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.config(region).await)
    }
}
