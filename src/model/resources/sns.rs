//! SNS topics and subscriptions.

use serde::{Deserialize, Serialize};

use super::Tags;
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnsTopic {
    pub name: String,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnsSubscription {
    pub topic: Val,
    pub protocol: String,
    pub endpoint: String,
}
