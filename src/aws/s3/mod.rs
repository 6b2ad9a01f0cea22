//! S3: buckets with versioning, encryption and public-access blocks, and
//! replication configurations. Deleting a bucket first empties every version
//! and delete marker, as S3 requires.

mod bucket;
mod replication;

use super::Aws;

impl Aws {
    pub(super) async fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.config(region).await)
            .force_path_style(self.path_style)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }
}
