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

/// Pages through one of API Gateway's listings (`position` to `position`)
/// until `pick` finds an item in a page: what it found, or `None` when no
/// page had it. `page` fetches the page at a position, with the next one.
async fn first_in_pages<T, Page>(
    mut page: impl FnMut(Option<String>) -> Page,
    mut pick: impl FnMut(&T) -> Option<String>,
) -> Result<Option<String>, super::ProviderError>
where
    Page: std::future::Future<Output = Result<(Vec<T>, Option<String>), super::ProviderError>>,
{
    let mut position = None;
    loop {
        let (items, next) = page(position).await?;
        if let Some(found) = items.iter().find_map(&mut pick) {
            return Ok(Some(found));
        }
        match next {
            Some(next) => position = Some(next),
            None => return Ok(None),
        }
    }
}

impl Aws {
    async fn apigateway(&self, region: &str) -> aws_sdk_apigateway::Client {
        aws_sdk_apigateway::Client::new(&self.config(region).await)
    }
}
