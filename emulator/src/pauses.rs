//! Replication paused between two regions, as AWS FIS's
//! `aws:dynamodb:global-table-pause-replication` and
//! `aws:s3:bucket-pause-replication` actions do: writes in the source region
//! go on, their copies wait, and the backlog is delivered once replication
//! resumes. A pause may be one caller's alone (its `access_key`).

use std::sync::Mutex;

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Pause {
    /// `dynamodb` or `s3`.
    pub(crate) service: String,
    pub(crate) from: String,
    pub(crate) to: String,
    /// Only this caller's writes.
    pub(crate) access_key: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Pauses {
    paused: Mutex<Vec<Pause>>,
    resumed: tokio::sync::Notify,
}

impl Pauses {
    pub(crate) fn pause(&self, pause: Pause) {
        let mut paused = self.paused.lock().unwrap_or_else(|p| p.into_inner());
        if !paused.contains(&pause) {
            paused.push(pause);
        }
    }

    /// Resumes one caller's pauses, or all.
    pub(crate) fn resume(&self, access_key: Option<&str>) {
        self.paused
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|pause| access_key.is_some_and(|key| pause.access_key.as_deref() != Some(key)));
        self.resumed.notify_waiters();
    }

    fn is_paused(&self, service: &str, from: &str, to: &str, access_key: &str) -> bool {
        self.paused
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|pause| {
                pause.service == service
                    && pause.from == from
                    && pause.to == to
                    && pause.access_key.as_deref().is_none_or(|key| key == access_key)
            })
    }

    /// Returns once replication `from` → `to` of `service` is not paused.
    pub(crate) async fn wait(&self, service: &str, from: &str, to: &str, access_key: &str) {
        loop {
            let resumed = self.resumed.notified();
            tokio::pin!(resumed);
            // Registered before the check: a resume between the two is seen.
            resumed.as_mut().enable();
            if !self.is_paused(service, from, to, access_key) {
                return;
            }
            resumed.await;
        }
    }
}
