//! What a drill does to a live stack beyond steering traffic: makes a
//! region's function refuse work as an outage would (reserved concurrency
//! 0), and calls a function as API Gateway calls it, to write a canary
//! payment in one region and read it back in another. `aws::Aws`
//! implements it; the drill's tests use a fake.

use std::future::Future;

use super::ProviderError;

/// A request to a route, as API Gateway hands it to the function behind
/// it (a REST API proxy event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRequest {
    pub method: String,
    /// The resource path as declared (`/payments/{id}`).
    pub resource: String,
    /// The path called (`/payments/pay_123`).
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// What the function answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteResponse {
    pub status: u16,
    pub body: String,
}

pub trait Operator: Send + Sync {
    /// The function's reserved concurrency, `None` when it has none.
    fn reserved_concurrency(
        &self,
        region: &str,
        function: &str,
    ) -> impl Future<Output = Result<Option<u32>, ProviderError>> + Send;

    /// Sets it (`PutFunctionConcurrency`), or removes it with `None`.
    fn set_reserved_concurrency(
        &self,
        region: &str,
        function: &str,
        limit: Option<u32>,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;

    /// Invokes `function` with `request` as its proxy event.
    fn call_route(
        &self,
        region: &str,
        function: &str,
        request: &RouteRequest,
    ) -> impl Future<Output = Result<RouteResponse, ProviderError>> + Send;
}
