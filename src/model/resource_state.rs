//! The record of one applied resource: what state keeps of it, what the
//! planner compares against and what a provider reads, updates and deletes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Region;
use super::resources::{Attributes, ResourceType};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceState {
    pub address: String,
    #[serde(rename = "type")]
    pub resource_type: ResourceType,
    pub region: Option<Region>,
    /// AWS's own id: a name, an ARN or a generated id.
    pub physical_id: String,
    /// The attributes as planned when last applied (references unresolved).
    pub attributes: serde_json::Value,
    /// What AWS returned that others read: ARNs, ids.
    #[serde(default)]
    pub outputs: BTreeMap<String, String>,
    /// What it depended on, for deleting it in the right order once it is no
    /// longer wanted.
    #[serde(default)]
    pub depends_on: Vec<String>,
}

impl ResourceState {
    /// The recorded attributes, typed.
    pub fn typed_attributes(&self) -> Result<Attributes, String> {
        serde_json::from_value(
            serde_json::json!({ "type": self.resource_type, "attributes": self.attributes }),
        )
        .map_err(|e| format!("state of {} is unreadable: {e}", self.address))
    }
}
