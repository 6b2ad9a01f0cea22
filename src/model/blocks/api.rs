//! `api`: an API Gateway REST API per region.

use super::super::resources::ResourceType;
use super::{BlockSpec, Global, MetricUnit, StatementKind, metric, required};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "api",
    counted_as: "api",
    about: "An API Gateway REST API in each region it is placed in: a resource per path, a Lambda proxy integration per route, a deployment and the stage.",
    attributes: &[required(
        "stage",
        "a stage name",
        "The stage the API is served under.",
    )],
    replicate: &[],
    statements: &[StatementKind::Route, StatementKind::Placement],
    references: &["id", "url", "host", "execution_arn"],
    global_references: Global::None,
    metrics: &[
        metric(
            "server_errors",
            "AWS/ApiGateway",
            "5XXError",
            "Sum",
            MetricUnit::Count,
        ),
        metric(
            "client_errors",
            "AWS/ApiGateway",
            "4XXError",
            "Sum",
            MetricUnit::Count,
        ),
        metric("requests", "AWS/ApiGateway", "Count", "Sum", MetricUnit::Count),
        metric(
            "latency",
            "AWS/ApiGateway",
            "Latency",
            "Maximum",
            MetricUnit::Milliseconds,
        ),
    ],
    actions: &[],
    lowers_to: &[
        ResourceType::RestApi,
        ResourceType::ApiResource,
        ResourceType::ApiRoute,
        ResourceType::LambdaPermission,
        ResourceType::ApiDeployment,
        ResourceType::ApiStage,
    ],
};
