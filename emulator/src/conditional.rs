//! S3 conditional writes made atomic. A PutObject with `If-None-Match: *` or
//! `If-Match: <etag>` must have exactly one winner among racing writers of
//! one key (S3 User Guide, "conditional requests"): the others get 412. moto
//! checks the condition and then writes, so two requests can both pass the
//! check; the proxy lets one conditional write of a key reach moto at a time,
//! so each check sees the write before it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One gate per bucket and key.
type Gates = HashMap<(String, String), Arc<tokio::sync::Mutex<()>>>;

#[derive(Debug, Default)]
pub(crate) struct ConditionalWrites {
    keys: Mutex<Gates>,
}

impl ConditionalWrites {
    /// Waits for this key's turn; the turn lasts as long as the guard.
    pub(crate) async fn turn(&self, bucket: &str, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let gate = self
            .keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((bucket.to_string(), key.to_string()))
            .or_default()
            .clone();
        gate.lock_owned().await
    }

    pub(crate) fn reset(&self) {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
