//! Requests counted by caller, service and operation, so a test can assert
//! how many calls (and how many mutating ones) its client made.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::request_info::RequestInfo;

#[derive(Debug, Default)]
pub(crate) struct Counter {
    seen: Mutex<Vec<(String, String, bool)>>,
}

impl Counter {
    pub(crate) fn record(&self, info: &RequestInfo) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push((
                info.access_key.clone(),
                format!("{}:{}", info.service, info.operation),
                info.mutating,
            ));
        }
    }

    pub(crate) fn reset(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }

    /// `{"total": n, "mutating": m, "operations": {"dynamodb:PutItem": 3}, "mutating_operations": {…}}`,
    /// for one caller or for all.
    pub(crate) fn report(&self, access_key: Option<&str>) -> serde_json::Value {
        let seen = self.seen.lock().map(|seen| seen.clone()).unwrap_or_default();
        let mut operations: BTreeMap<String, u64> = BTreeMap::new();
        let mut mutating_operations: BTreeMap<String, u64> = BTreeMap::new();
        let (mut total, mut mutating) = (0u64, 0u64);
        for (key, operation, is_mutating) in seen {
            if access_key.is_some_and(|wanted| wanted != key) {
                continue;
            }
            total += 1;
            *operations.entry(operation.clone()).or_default() += 1;
            if is_mutating {
                mutating += 1;
                *mutating_operations.entry(operation).or_default() += 1;
            }
        }
        serde_json::json!({
            "total": total,
            "mutating": mutating,
            "operations": operations,
            "mutating_operations": mutating_operations,
        })
    }
}
