//! The state document of one stack.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::journal::PendingOperation;
use crate::model::ResourceState;

/// The version of the state format this drx reads and writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format_version: u32,
    /// A random id given when the stack is first applied: two states with
    /// different lineages describe different stacks.
    pub lineage: String,
    /// Incremented on every write, so a saved plan can tell it is stale.
    pub serial: u64,
    pub stack: String,
    /// The drx that last wrote this state.
    pub drx_version: String,
    /// The AWS account the stack lives in, once known.
    pub account_id: Option<String>,
    pub resources: Vec<ResourceState>,
    /// Stack outputs as of the last apply.
    #[serde(default)]
    pub outputs: BTreeMap<String, serde_json::Value>,
    /// Operations an interrupted apply started and never saw the end of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<PendingOperation>,
    /// Failovers drx made that are still in force.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failovers: Vec<super::FailoverRecord>,
    /// A drill under way (or cut short).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<super::DrillRecord>,
}

impl State {
    /// A state for a stack that has never been applied.
    pub fn new(stack: &str) -> State {
        State {
            format_version: FORMAT_VERSION,
            lineage: uuid::Uuid::new_v4().to_string(),
            serial: 0,
            stack: stack.to_string(),
            drx_version: env!("CARGO_PKG_VERSION").to_string(),
            account_id: None,
            pending: Vec::new(),
            failovers: Vec::new(),
            drill: None,
            resources: Vec::new(),
            outputs: BTreeMap::new(),
        }
    }

    pub fn resource(&self, address: &str) -> Option<&ResourceState> {
        self.resources.iter().find(|resource| resource.address == address)
    }
}
