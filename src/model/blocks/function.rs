//! `function`: a Lambda function per region.

use super::super::resources::ResourceType;
use super::{BlockSpec, Global, MetricUnit, StatementKind, action, attribute, block, metric, required};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "function",
    counted_as: "function",
    about: "A Lambda function in each region it is placed in, with the same code and configuration, and its log group.",
    attributes: &[
        required(
            "code",
            "a path relative to this file",
            "A Cargo package (its `bootstrap`), a directory or a `.zip`.",
        ),
        attribute(
            "runtime",
            "a Lambda runtime",
            Some("provided.al2023"),
            "The Lambda runtime.",
        ),
        attribute("handler", "a string", Some("\"bootstrap\""), "The handler."),
        attribute(
            "architecture",
            "`arm64` or `x86_64`",
            Some("arm64"),
            "The instruction set the code is built for.",
        ),
        attribute(
            "memory",
            "a size from 128MB to 10240MB",
            Some("128MB"),
            "Memory, which also sets CPU.",
        ),
        attribute(
            "timeout",
            "a duration from 1s to 15m",
            Some("3s"),
            "How long one invocation may run.",
        ),
        attribute(
            "tracing",
            "`on` or `off`",
            Some("on"),
            "AWS X-Ray active tracing: a trace of every invocation, sampled, with the AWS calls it makes.",
        ),
        attribute(
            "concurrency",
            "a whole number, or a map by region such as `{ primary: 200, secondary: 200 }`",
            Some("100"),
            "Reserved concurrency in each region: at most this many instances run at once, and this many are always available to the function. A warm standby needs as many as its primary.",
        ),
        attribute(
            "env",
            "a map `{ KEY: value }`",
            None,
            "Environment variables; values may read other resources.",
        ),
        block(
            "logs",
            "The function's CloudWatch Logs group.",
            &[attribute(
                "retention",
                "one of CloudWatch's retention periods",
                None,
                "How long logs are kept.",
            )],
        ),
    ],
    replicate: &[],
    route: &[],
    statements: &[StatementKind::Placement],
    references: &["name", "arn"],
    global_references: Global::None,
    metrics: &[
        metric("errors", "AWS/Lambda", "Errors", "Sum", MetricUnit::Count),
        metric("throttles", "AWS/Lambda", "Throttles", "Sum", MetricUnit::Count),
        metric(
            "invocations",
            "AWS/Lambda",
            "Invocations",
            "Sum",
            MetricUnit::Count,
        ),
        metric(
            "duration",
            "AWS/Lambda",
            "Duration",
            "Maximum",
            MetricUnit::Milliseconds,
        ),
    ],
    actions: &[
        action("lambda.invoke", &["lambda:InvokeFunction"]),
        action(
            "lambda.update",
            &["lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionCode"],
        ),
    ],
    lowers_to: &[
        ResourceType::LambdaFunction,
        ResourceType::LogGroup,
        ResourceType::IamRole,
        ResourceType::IamRolePolicy,
    ],
};
