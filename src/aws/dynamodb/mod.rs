//! DynamoDB: tables (with point-in-time recovery and streams) and global-table
//! replicas, waiting for ACTIVE as AWS requires before the next change.

mod replica;
mod table;

use std::time::Duration;

use super::Aws;

/// How long to wait for a table or replica to settle.
const SETTLE: Duration = Duration::from_secs(600);

impl Aws {
    pub(super) async fn dynamodb(&self, region: &str) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.config(region).await)
    }
}
