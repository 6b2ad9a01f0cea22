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
    /// Where S3 delivers the bucket's server access logs.
    #[serde(default)]
    pub access_log: Option<LogTarget>,
    /// The buckets whose server access logs this one receives (a log
    /// bucket): its policy lets S3's logging service write for them.
    #[serde(default)]
    pub log_sources: Vec<String>,
    /// Objects expire this many days after they are written.
    #[serde(default)]
    pub expire_after_days: Option<u64>,
    pub tags: Tags,
}

/// `PutBucketLogging`'s target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogTarget {
    pub bucket: String,
    /// The key prefix of the logs, the source bucket's name and a `/`.
    pub prefix: String,
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
