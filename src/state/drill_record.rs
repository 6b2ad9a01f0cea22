//! A drill under way, kept in the state from before it touches the stack
//! until it has put everything back: what it made fail (and how to undo
//! it) and which canaries it wrote. A drill cut short by Ctrl-C or a crash
//! leaves this record, so the next command says so and `drx drill
//! --restore` finishes the job.

use serde::{Deserialize, Serialize};

use crate::model::Marker;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillPhase {
    /// Writing canaries; nothing made to fail yet.
    Canaries,
    /// The primary's function refuses work.
    Outage,
    /// Putting the stack back.
    Restoring,
}

/// A canary to remove: where it was written, and the copies replication
/// made that are removed by hand (a bucket does not replicate deleting a
/// version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canary {
    pub store: String,
    pub region: String,
    pub marker: Marker,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<(String, Marker)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillRecord {
    pub id: String,
    /// The failover drilled.
    pub failover: String,
    /// RFC 3339.
    pub started: String,
    pub by: String,
    pub phase: DrillPhase,
    /// The function made to refuse work, where, and its reserved
    /// concurrency before (`None`: it had none).
    pub function: String,
    pub region: String,
    pub previous_concurrency: Option<u32>,
    pub canaries: Vec<Canary>,
}
