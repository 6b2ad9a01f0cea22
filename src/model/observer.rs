//! What drx reads of a live stack to say how it is doing, as opposed to what
//! it is (`Provider::read`): where Route 53 sends traffic now, what the
//! health checkers see, which alarms fire. `aws::Aws` implements it; the
//! status computation's tests use a fake.

use std::future::Future;

use super::ProviderError;

/// What Route 53's checkers report of one health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckerReport {
    pub healthy: usize,
    pub checkers: usize,
}

pub trait Observer: Send + Sync {
    /// The values Route 53 answers with for `name` now (`TestDNSAnswer`).
    fn dns_answer(
        &self,
        zone_id: &str,
        name: &str,
        record_type: &str,
    ) -> impl Future<Output = Result<Vec<String>, ProviderError>> + Send;

    /// How many of the health check's checkers see it healthy.
    fn health_check(&self, id: &str) -> impl Future<Output = Result<CheckerReport, ProviderError>> + Send;

    /// The state (`OK`, `ALARM`, `INSUFFICIENT_DATA`) of each alarm named, in
    /// `region`.
    fn alarm_states(
        &self,
        region: &str,
        names: &[String],
    ) -> impl Future<Output = Result<Vec<(String, String)>, ProviderError>> + Send;
}
