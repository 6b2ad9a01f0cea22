//! SNS topics and subscriptions.

use serde::{Deserialize, Serialize};

use super::aws_enum::aws_enum;
use super::{ResourceSpec, Tags};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnsTopic {
    pub name: String,
    /// The KMS key messages are encrypted with (`KmsMasterKeyId`, its ARN);
    /// none is unencrypted.
    #[serde(default)]
    pub kms_key: Option<Val>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnsSubscription {
    pub topic: Val,
    pub protocol: SnsProtocol,
    pub endpoint: String,
}

impl ResourceSpec for SnsTopic {
    const REPLACED_BY: &'static [&'static str] = &["name"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["arn"];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

impl ResourceSpec for SnsSubscription {
    const REPLACED_BY: &'static [&'static str] = &["topic", "protocol", "endpoint"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["arn"];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

aws_enum! {
    /// How a subscription delivers.
    SnsProtocol {
        Email = "email",
        Https = "https",
        Sqs = "sqs",
        Lambda = "lambda",
    }
}
