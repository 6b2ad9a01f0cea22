//! API Gateway REST APIs: the API, its resources, methods with Lambda proxy
//! integrations, deployments and stages.

mod account;
mod deployment;
mod method;
mod resource;
mod rest_api;
mod stage;

use super::Aws;

/// The parts of a sub-resource's physical id `api/child[/method]`.
fn parts(id: &str) -> (&str, &str, &str) {
    let mut split = id.splitn(3, '/');
    let mut next = || split.next().unwrap_or_default();
    (next(), next(), next())
}

/// Every item of one of API Gateway's listings, page after page (`position`
/// to `position`); `page` fetches the page at a position, with the next one.
async fn all_pages<T, Page>(
    mut page: impl FnMut(Option<String>) -> Page,
) -> Result<Vec<T>, super::ProviderError>
where
    Page: std::future::Future<Output = Result<(Vec<T>, Option<String>), super::ProviderError>>,
{
    let mut items = Vec::new();
    let mut position = None;
    loop {
        let (found, next) = page(position).await?;
        items.extend(found);
        match next {
            Some(next) => position = Some(next),
            None => return Ok(items),
        }
    }
}

impl Aws {
    async fn apigateway(&self, region: &str) -> aws_sdk_apigateway::Client {
        aws_sdk_apigateway::Client::new(&self.config(region).await)
    }
}
