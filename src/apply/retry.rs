//! Jittered exponential backoff for what AWS says to retry.

use std::future::Future;
use std::time::Duration;

use crate::model::{ErrorKind, ProviderError};

/// Attempts before giving up. The SDK retries each call three times too, so
/// a throttled call gets up to 30 tries over a minute or two.
const ATTEMPTS: u32 = 10;
const BASE: Duration = Duration::from_millis(200);
const CAP: Duration = Duration::from_secs(10);

/// A number in [0, 1) from the clock: jitter needs no more.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut x = u64::from(nanos) ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x % 10_000) as f64 / 10_000.0
}

/// Runs `operation` until it succeeds, fails for good, or runs out of
/// attempts; `on_retry` hears of each retry.
pub(crate) async fn retry<T, F, Fut>(
    mut operation: F,
    mut on_retry: impl FnMut(u32, &ProviderError),
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let mut attempt = 1;
    loop {
        match operation().await {
            Ok(value) => return Ok(value),
            Err(error) if error.is_retryable() && attempt < ATTEMPTS => {
                on_retry(attempt, &error);
                // Eventual consistency wants a steady pause more than a
                // quick first retry.
                let base = if error.kind == ErrorKind::NotYet {
                    Duration::from_secs(1)
                } else {
                    BASE
                };
                let ceiling = (base * 2u32.saturating_pow(attempt - 1)).min(CAP);
                tokio::time::sleep(ceiling.mul_f64(0.5 + jitter() / 2.0)).await;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}
