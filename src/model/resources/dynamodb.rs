//! DynamoDB tables and their global-table replicas (version 2019.11.21).

use serde::{Deserialize, Serialize};

use super::aws_enum::aws_enum;
use super::{ResourceSpec, Tags};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamoTable {
    pub name: String,
    pub partition_key: KeyAttribute,
    pub sort_key: Option<KeyAttribute>,
    pub billing_mode: BillingMode,
    pub read_capacity: Option<u64>,
    pub write_capacity: Option<u64>,
    /// `NEW_AND_OLD_IMAGES` when the table has replicas (AWS requires it).
    pub stream_view_type: Option<StreamViewType>,
    pub point_in_time_recovery: bool,
    /// DeleteTable refused until it is turned off; older states lack it.
    #[serde(default)]
    pub deletion_protection: bool,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyAttribute {
    pub name: String,
    pub attribute_type: AttributeType,
}

/// A replica added with `UpdateTable` `ReplicaUpdates`, in `region_name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamoReplica {
    pub table: Val,
    /// Where the table lives: `UpdateTable` is called there.
    pub home_region: String,
    pub region_name: String,
    pub point_in_time_recovery: bool,
    /// Each replica's own: its removal is refused until it is turned off.
    #[serde(default)]
    pub deletion_protection: bool,
}

impl ResourceSpec for DynamoTable {
    const REPLACED_BY: &'static [&'static str] = &["name", "partition_key", "sort_key"];
    const HOLDS_DATA: bool = true;
    const OUTPUTS: &'static [&'static str] = &["arn", "stream_arn"];
    const WEIGHT: u32 = 4;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

impl ResourceSpec for DynamoReplica {
    // Adding a replica takes minutes on AWS.
    const REPLACED_BY: &'static [&'static str] = &["table", "region_name"];
    const HOLDS_DATA: bool = true;
    const OUTPUTS: &'static [&'static str] = &["arn"];
    const WEIGHT: u32 = 12;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

aws_enum! {
    BillingMode {
        PayPerRequest = "PAY_PER_REQUEST",
        Provisioned = "PROVISIONED",
    }
}

aws_enum! {
    /// A key attribute's scalar type.
    AttributeType {
        String = "S",
        Number = "N",
        Binary = "B",
    }
}

aws_enum! {
    /// What a table's stream carries.
    StreamViewType {
        KeysOnly = "KEYS_ONLY",
        NewImage = "NEW_IMAGE",
        OldImage = "OLD_IMAGE",
        NewAndOldImages = "NEW_AND_OLD_IMAGES",
    }
}
