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

impl Aws {
    async fn apigateway(&self, region: &str) -> aws_sdk_apigateway::Client {
        aws_sdk_apigateway::Client::new(&self.config(region).await)
    }
}
