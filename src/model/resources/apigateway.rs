//! API Gateway REST APIs: the API, its resources (paths), methods with their
//! Lambda proxy integrations, the Lambda permission, deployment and stage.

use serde::{Deserialize, Serialize};

use super::Tags;
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestApi {
    pub name: String,
    /// `REGIONAL`.
    pub endpoint_type: String,
    pub tags: Tags,
}

/// One path segment, under the root or another resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiResource {
    pub rest_api: Val,
    pub parent: Val,
    pub path_part: String,
    /// The whole path, for people.
    pub path: String,
}

/// `PutMethod` plus `PutIntegration`: a route to a Lambda function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiRoute {
    pub rest_api: Val,
    pub resource: Val,
    pub http_method: String,
    pub authorization: String,
    /// `AWS_PROXY`.
    pub integration_type: String,
    /// Lambda integrations are always invoked with POST, whatever the route.
    pub integration_http_method: String,
    pub integration_uri: Val,
}

/// Lets API Gateway invoke the function for one route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LambdaPermission {
    pub function: String,
    pub statement_id: String,
    pub action: String,
    pub principal: String,
    /// `arn:aws:execute-api:<region>:<account>:<api-id>/*/<METHOD>/<path>`
    pub source_arn: Val,
}

/// A snapshot of the API's routes; `trigger` changes whenever a route does,
/// so a route change always produces a new deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiDeployment {
    pub rest_api: Val,
    pub trigger: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiStage {
    pub rest_api: Val,
    pub stage_name: String,
    pub deployment: Val,
    pub tags: Tags,
}
