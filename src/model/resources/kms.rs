//! KMS keys drx makes to encrypt its own resources.

use serde::{Deserialize, Serialize};

use super::iam::PolicyDocument;
use super::{ResourceSpec, Tags};

/// A symmetric customer-managed key, found again by its alias.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmsKey {
    /// `alias/…`: a key has no name of its own, so drx finds it by this.
    pub alias: String,
    pub description: String,
    /// The key policy: who may use and manage the key.
    pub policy: PolicyDocument,
    /// Yearly automatic rotation of the key material.
    pub rotation: bool,
    /// Days a deleted key waits, recoverable, before KMS destroys it (7–30).
    pub deletion_window_days: u32,
    pub tags: Tags,
}

impl ResourceSpec for KmsKey {
    // A key's alias can be moved, but what the key encrypted stays with the
    // key: a new alias is a new key.
    const REPLACED_BY: &'static [&'static str] = &["alias"];
    // Deleting a key is scheduled and recoverable within its window; what it
    // encrypts here (messages in flight) is not kept data.
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["arn", "id"];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}
