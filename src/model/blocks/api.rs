//! `api`: an API Gateway REST API per region.

use super::super::resources::ResourceType;
use super::{
    AttributeSpec, BlockSpec, Global, MetricUnit, StatementKind, attribute, block, metric, required,
};

const AUTH: &str = "`iam` or `none`";

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "api",
    counted_as: "api",
    about: "An API Gateway REST API in each region it is placed in: a resource per path, a Lambda proxy integration per route, a deployment and the stage.",
    attributes: &[
        required("stage", "a stage name", "The stage the API is served under."),
        attribute(
            "auth",
            AUTH,
            Some("iam"),
            "How callers of its routes are authorized, unless a route says otherwise: `iam` requires a request signed with SigV4 by a principal allowed `execute-api:Invoke`; `none` lets anyone call. The path a failover's health check probes is always open: Route 53 cannot sign.",
        ),
        attribute(
            "tracing",
            "`on` or `off`",
            Some("on"),
            "AWS X-Ray tracing of the stage's requests.",
        ),
        AttributeSpec {
            takes: "a block `{ retention … }`, or `off`",
            default: Some("on, kept forever"),
            ..block(
                "logs",
                "The stage's access log: one JSON line per request (request id, caller, method, path, status, latency) in a CloudWatch Logs group per region. `logs off` turns it off.",
                &[attribute(
                    "retention",
                    "one of CloudWatch's retention periods",
                    None,
                    "How long access logs are kept.",
                )],
            )
        },
        block(
            "throttle",
            "How many requests the stage serves, across all its methods; the rest get 429.",
            &[
                attribute(
                    "rate",
                    "requests per second, up to 10000",
                    Some("1000"),
                    "Steady-state requests per second.",
                ),
                attribute(
                    "burst",
                    "a whole number of requests, up to 5000",
                    Some("2000"),
                    "Requests served at once above the rate.",
                ),
            ],
        ),
    ],
    replicate: &[],
    route: &[attribute(
        "auth",
        AUTH,
        Some("the api's `auth`"),
        "How callers of this route are authorized: `iam` (SigV4) or `none` (anyone).",
    )],
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
        ResourceType::IamRole,
        ResourceType::IamRolePolicy,
        ResourceType::ApiAccount,
        ResourceType::LogGroup,
        ResourceType::RestApi,
        ResourceType::ApiResource,
        ResourceType::ApiRoute,
        ResourceType::LambdaPermission,
        ResourceType::ApiDeployment,
        ResourceType::ApiStage,
    ],
};
