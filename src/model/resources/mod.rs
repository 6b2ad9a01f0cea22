//! The AWS resources a plan can contain: one file per service, each type with
//! every attribute AWS receives, which attributes force a replacement, and
//! which outputs apply records.

mod apigateway;
mod cloudwatch;
mod dynamodb;
mod iam;
mod lambda;
mod logs;
mod route53;
mod s3;
mod sns;

pub use apigateway::{ApiDeployment, ApiResource, ApiRoute, ApiStage, LambdaPermission, RestApi};
pub use cloudwatch::MetricAlarm;
pub use dynamodb::{DynamoReplica, DynamoTable, KeyAttribute};
pub use iam::{IamRole, IamRolePolicy, PolicyDocument, PolicyStatement, Principal};
pub use lambda::{LambdaCode, LambdaFunction};
pub use logs::LogGroup;
pub use route53::{DnsRecord, HealthCheck, HostedZone};
pub use s3::{ReplicationRule, S3Bucket, S3Replication};
pub use sns::{SnsSubscription, SnsTopic};

use serde::{Deserialize, Serialize};

use crate::model::Region;
use crate::source::Span;

/// Everything drx can ask AWS to create, with its attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "attributes", rename_all = "snake_case")]
pub enum Attributes {
    IamRole(IamRole),
    IamRolePolicy(IamRolePolicy),
    DynamodbTable(DynamoTable),
    DynamodbReplica(DynamoReplica),
    S3Bucket(S3Bucket),
    S3Replication(S3Replication),
    LambdaFunction(LambdaFunction),
    LogGroup(LogGroup),
    RestApi(RestApi),
    ApiResource(ApiResource),
    ApiRoute(ApiRoute),
    LambdaPermission(LambdaPermission),
    ApiDeployment(ApiDeployment),
    ApiStage(ApiStage),
    HostedZone(HostedZone),
    HealthCheck(HealthCheck),
    DnsRecord(DnsRecord),
    SnsTopic(SnsTopic),
    SnsSubscription(SnsSubscription),
    MetricAlarm(MetricAlarm),
}

/// The kind of an `Attributes` value, for rules that do not need the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    IamRole,
    IamRolePolicy,
    DynamodbTable,
    DynamodbReplica,
    S3Bucket,
    S3Replication,
    LambdaFunction,
    LogGroup,
    RestApi,
    ApiResource,
    ApiRoute,
    LambdaPermission,
    ApiDeployment,
    ApiStage,
    HostedZone,
    HealthCheck,
    DnsRecord,
    SnsTopic,
    SnsSubscription,
    MetricAlarm,
}

impl Attributes {
    pub fn resource_type(&self) -> ResourceType {
        match self {
            Attributes::IamRole(_) => ResourceType::IamRole,
            Attributes::IamRolePolicy(_) => ResourceType::IamRolePolicy,
            Attributes::DynamodbTable(_) => ResourceType::DynamodbTable,
            Attributes::DynamodbReplica(_) => ResourceType::DynamodbReplica,
            Attributes::S3Bucket(_) => ResourceType::S3Bucket,
            Attributes::S3Replication(_) => ResourceType::S3Replication,
            Attributes::LambdaFunction(_) => ResourceType::LambdaFunction,
            Attributes::LogGroup(_) => ResourceType::LogGroup,
            Attributes::RestApi(_) => ResourceType::RestApi,
            Attributes::ApiResource(_) => ResourceType::ApiResource,
            Attributes::ApiRoute(_) => ResourceType::ApiRoute,
            Attributes::LambdaPermission(_) => ResourceType::LambdaPermission,
            Attributes::ApiDeployment(_) => ResourceType::ApiDeployment,
            Attributes::ApiStage(_) => ResourceType::ApiStage,
            Attributes::HostedZone(_) => ResourceType::HostedZone,
            Attributes::HealthCheck(_) => ResourceType::HealthCheck,
            Attributes::DnsRecord(_) => ResourceType::DnsRecord,
            Attributes::SnsTopic(_) => ResourceType::SnsTopic,
            Attributes::SnsSubscription(_) => ResourceType::SnsSubscription,
            Attributes::MetricAlarm(_) => ResourceType::MetricAlarm,
        }
    }

    /// The attributes as a JSON object, for diffs and state.
    pub fn to_json(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut map)) => map.remove("attributes").unwrap_or_default(),
            _ => serde_json::Value::Null,
        }
    }
}

impl ResourceType {
    /// The name shown in plans, after the AWS service and API noun.
    pub fn name(self) -> &'static str {
        match self {
            ResourceType::IamRole => "iam_role",
            ResourceType::IamRolePolicy => "iam_role_policy",
            ResourceType::DynamodbTable => "dynamodb_table",
            ResourceType::DynamodbReplica => "dynamodb_table_replica",
            ResourceType::S3Bucket => "s3_bucket",
            ResourceType::S3Replication => "s3_bucket_replication",
            ResourceType::LambdaFunction => "lambda_function",
            ResourceType::LogGroup => "cloudwatch_log_group",
            ResourceType::RestApi => "api_gateway_rest_api",
            ResourceType::ApiResource => "api_gateway_resource",
            ResourceType::ApiRoute => "api_gateway_method",
            ResourceType::LambdaPermission => "lambda_permission",
            ResourceType::ApiDeployment => "api_gateway_deployment",
            ResourceType::ApiStage => "api_gateway_stage",
            ResourceType::HostedZone => "route53_zone",
            ResourceType::HealthCheck => "route53_health_check",
            ResourceType::DnsRecord => "route53_record",
            ResourceType::SnsTopic => "sns_topic",
            ResourceType::SnsSubscription => "sns_subscription",
            ResourceType::MetricAlarm => "cloudwatch_metric_alarm",
        }
    }

    /// Attributes AWS cannot change on an existing resource: changing one
    /// means deleting the resource and creating it again.
    pub fn forces_replacement(self, attribute: &str) -> bool {
        let fields: &[&str] = match self {
            ResourceType::IamRole => &["name"],
            ResourceType::IamRolePolicy => &["role", "name"],
            ResourceType::DynamodbTable => &["name", "partition_key", "sort_key"],
            ResourceType::DynamodbReplica => &["table", "region_name"],
            ResourceType::S3Bucket => &["name"],
            ResourceType::S3Replication => &["bucket"],
            ResourceType::LambdaFunction => &["name"],
            ResourceType::LogGroup => &["name"],
            ResourceType::RestApi => &["endpoint_type"],
            ResourceType::ApiResource => &["rest_api", "parent", "path_part"],
            ResourceType::ApiRoute => &["rest_api", "resource", "http_method"],
            // Lambda has no UpdatePermission.
            ResourceType::LambdaPermission => {
                &["function", "statement_id", "action", "principal", "source_arn"]
            }
            // A deployment is a snapshot: a new one is the only way to change it.
            ResourceType::ApiDeployment => &["rest_api", "trigger"],
            ResourceType::ApiStage => &["rest_api", "stage_name"],
            ResourceType::HostedZone => &["name"],
            // Route 53 cannot change a health check's type or request interval.
            ResourceType::HealthCheck => &["type", "request_interval"],
            ResourceType::DnsRecord => &["zone", "name", "record_type", "set_identifier"],
            ResourceType::SnsTopic => &["name"],
            ResourceType::SnsSubscription => &["topic", "protocol", "endpoint"],
            ResourceType::MetricAlarm => &["name"],
        };
        fields.contains(&attribute)
    }

    /// Resources that hold data: deleting or replacing one destroys it.
    pub fn holds_data(self) -> bool {
        matches!(
            self,
            ResourceType::DynamodbTable | ResourceType::DynamodbReplica | ResourceType::S3Bucket
        )
    }

    /// What apply records about a created resource, for others to read.
    pub fn outputs(self) -> &'static [&'static str] {
        match self {
            ResourceType::IamRole => &["arn", "id"],
            ResourceType::DynamodbTable => &["arn", "stream_arn"],
            ResourceType::DynamodbReplica => &["arn"],
            ResourceType::S3Bucket => &["arn"],
            ResourceType::LambdaFunction => &["arn", "version", "code_sha256"],
            ResourceType::RestApi => &["id", "root_resource_id"],
            ResourceType::ApiResource => &["id"],
            ResourceType::ApiDeployment => &["id"],
            ResourceType::HostedZone => &["id", "name_servers"],
            ResourceType::HealthCheck => &["id"],
            ResourceType::SnsTopic => &["arn"],
            ResourceType::SnsSubscription => &["arn"],
            ResourceType::IamRolePolicy
            | ResourceType::LogGroup
            | ResourceType::MetricAlarm
            | ResourceType::S3Replication
            | ResourceType::ApiRoute
            | ResourceType::LambdaPermission
            | ResourceType::ApiStage
            | ResourceType::DnsRecord => &[],
        }
    }
}

/// One resource the topology needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Stable identity across plans: `payment_api.route["GET /health"]@us-east-1`.
    pub address: String,
    /// `None` for global services (IAM, Route 53).
    pub region: Option<Region>,
    #[serde(flatten)]
    pub attributes: Attributes,
    /// Ordering AWS requires beyond what the attributes reference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Resources this one lives and dies with: when one of them is replaced,
    /// this one is lost with it and must be created again (a Lambda
    /// permission with its function, a replica with its table).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaced_with: Vec<String>,
    /// The drx block it comes from.
    pub block: String,
    #[serde(skip)]
    pub span: Span,
}

impl Resource {
    pub fn resource_type(&self) -> ResourceType {
        self.attributes.resource_type()
    }

    /// Every address this resource must come after: references in its
    /// attributes, then explicit ordering.
    pub fn dependencies(&self) -> Vec<String> {
        self.dependencies_given(&self.attributes.to_json())
    }

    /// `dependencies`, for a caller that already has the attributes as JSON.
    pub fn dependencies_given(&self, attributes: &serde_json::Value) -> Vec<String> {
        let mut found = Vec::new();
        crate::model::template::references_in(attributes, &mut found);
        found.extend(self.depends_on.iter().cloned());
        found.extend(self.replaced_with.iter().cloned());
        found.sort();
        found.dedup();
        found
    }
}

/// AWS tags: sorted, so plans and state are stable.
pub type Tags = std::collections::BTreeMap<String, String>;
