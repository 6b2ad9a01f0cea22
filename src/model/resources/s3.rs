//! S3 buckets (with their versioning, encryption and public-access settings)
//! and cross-region replication.

use serde::{Deserialize, Serialize};

use super::aws_enum::aws_enum;
use super::{ResourceSpec, Tags};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct S3Bucket {
    pub name: String,
    pub versioning: bool,
    pub encryption: Encryption,
    pub block_public_access: bool,
    /// A bucket policy denying every request not made over TLS; older
    /// states lack it.
    #[serde(default)]
    pub tls_only: bool,
    /// Object ownership `BucketOwnerEnforced`: ACLs off, the bucket owns
    /// every object.
    #[serde(default)]
    pub acls_disabled: bool,
    pub tags: Tags,
}

/// `PutBucketReplication` on the source bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct S3Replication {
    pub bucket: String,
    pub role: Val,
    pub rules: Vec<ReplicationRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicationRule {
    pub id: String,
    pub priority: u64,
    pub destination_bucket: Val,
    /// S3 Replication Time Control threshold (15), when enabled.
    pub time_control_minutes: Option<u64>,
    pub metrics: bool,
    pub delete_marker_replication: bool,
}

impl ResourceSpec for S3Bucket {
    const REPLACED_BY: &'static [&'static str] = &["name"];
    const HOLDS_DATA: bool = true;
    const OUTPUTS: &'static [&'static str] = &["arn"];
    const WEIGHT: u32 = 4;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

impl ResourceSpec for S3Replication {
    const REPLACED_BY: &'static [&'static str] = &["bucket"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

aws_enum! {
    /// A bucket's default encryption (its SSE algorithm).
    Encryption {
        Aes256 = "AES256",
        Kms = "aws:kms",
    }
}
