//! API Gateway REST APIs: the API, its resources (paths), methods with their
//! Lambda proxy integrations, the Lambda permission, deployment and stage.

use serde::{Deserialize, Serialize};

use super::aws_enum::aws_enum;
use super::{ResourceSpec, Tags};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestApi {
    pub name: String,
    pub endpoint_type: EndpointType,
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
    pub authorization: Authorization,
    pub integration_type: IntegrationType,
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
    /// X-Ray tracing of requests (`tracingEnabled`); states before it read
    /// as off, API Gateway's default.
    #[serde(default)]
    pub tracing: bool,
    /// Where and how each request is logged.
    #[serde(default)]
    pub access_log: Option<AccessLog>,
    /// Every method's throttling (`methodSettings` `*/*`).
    #[serde(default)]
    pub throttle: Option<Throttle>,
    pub tags: Tags,
}

/// A stage's access logging (`accessLogSettings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessLog {
    /// The log group's ARN, without the `:*` suffix.
    pub destination: Val,
    /// One line per request, with `$context` variables.
    pub format: String,
}

/// Steady-state requests per second and the burst above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throttle {
    pub rate: f64,
    pub burst: u64,
}

/// API Gateway's settings for the whole account in one region: the role it
/// writes CloudWatch Logs with (`UpdateAccount` `/cloudwatchRoleArn`). A
/// stage cannot log until it is set (API Gateway Developer Guide, "Set up
/// CloudWatch logging for REST APIs in API Gateway").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiAccount {
    /// The role's ARN, from the role resource.
    pub cloudwatch_role: Val,
}

impl ResourceSpec for ApiAccount {
    // One per account and region: there is nothing to replace it with.
    const REPLACED_BY: &'static [&'static str] = &[];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

impl ResourceSpec for RestApi {
    const REPLACED_BY: &'static [&'static str] = &["endpoint_type"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["id", "root_resource_id"];
    const WEIGHT: u32 = 2;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

impl ResourceSpec for ApiResource {
    const REPLACED_BY: &'static [&'static str] = &["rest_api", "parent", "path_part"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["id"];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

impl ResourceSpec for ApiRoute {
    const REPLACED_BY: &'static [&'static str] = &["rest_api", "resource", "http_method"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 2;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

impl ResourceSpec for LambdaPermission {
    // Lambda has no UpdatePermission.
    const REPLACED_BY: &'static [&'static str] =
        &["function", "statement_id", "action", "principal", "source_arn"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

impl ResourceSpec for ApiDeployment {
    // A deployment is a snapshot: a new one is the only way to change it.
    const REPLACED_BY: &'static [&'static str] = &["rest_api", "trigger"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["id"];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

impl ResourceSpec for ApiStage {
    const REPLACED_BY: &'static [&'static str] = &["rest_api", "stage_name"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

aws_enum! {
    EndpointType {
        Regional = "REGIONAL",
        Edge = "EDGE",
        Private = "PRIVATE",
    }
}

aws_enum! {
    /// Who may call a method.
    Authorization {
        None = "NONE",
        AwsIam = "AWS_IAM",
    }
}

aws_enum! {
    IntegrationType {
        /// Lambda proxy integration: the function gets the whole request.
        AwsProxy = "AWS_PROXY",
    }
}
