//! The AWS resources a plan can contain: one file per service, each type with
//! every attribute AWS receives, which attributes force a replacement, and
//! which outputs apply records.

mod apigateway;
mod aws_enum;
mod cloudwatch;
mod dynamodb;
mod iam;
mod kms;
mod lambda;
mod logs;
mod route53;
mod s3;
mod sns;

pub use apigateway::{
    AccessLog, ApiAccount, ApiDeployment, ApiResource, ApiRoute, ApiStage, Authorization, EndpointType,
    IntegrationType, LambdaPermission, RestApi, Throttle,
};
pub use cloudwatch::{ComparisonOperator, MetricAlarm, Statistic, TreatMissingData};
pub use dynamodb::{AttributeType, BillingMode, DynamoReplica, DynamoTable, KeyAttribute, StreamViewType};
pub use iam::{Conditions, IamRole, IamRolePolicy, PolicyDocument, PolicyStatement, Principal, condition};
pub use kms::KmsKey;
pub use lambda::{Architecture, LambdaCode, LambdaFunction, TracingMode};
pub use logs::LogGroup;
pub use route53::{DnsRecord, FailoverRole, HealthCheck, HealthCheckType, HostedZone, RecordType};
pub use s3::{Encryption, LogTarget, ReplicationRule, S3Bucket, S3Replication};
pub use sns::{SnsProtocol, SnsSubscription, SnsTopic};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::model::Region;
use crate::source::Span;

/// What drx knows of one AWS resource type apart from how it talks to AWS.
/// Implemented once per type, beside its attributes; the catalog below lists
/// every type once, and everything else (the `Attributes` and `ResourceType`
/// enums, their names, the per-type rules, the provider's dispatch) is
/// derived from the two, so a type that forgets a piece does not compile.
pub trait ResourceSpec:
    Clone + PartialEq + std::fmt::Debug + Serialize + DeserializeOwned + Send + Sync + 'static
{
    /// Attributes AWS cannot change on an existing resource: changing one
    /// means deleting the resource and creating it again.
    const REPLACED_BY: &'static [&'static str];
    /// Whether deleting or replacing it destroys data.
    const HOLDS_DATA: bool;
    /// What apply records about a created resource, for others to read.
    const OUTPUTS: &'static [&'static str];
    /// Roughly how long an operation on it takes, in AWS round trips: most
    /// are one call, some several, and a few wait for AWS to settle. Apply
    /// schedules the heaviest chains first.
    const WEIGHT: u32;
    /// Its tags, for the types AWS lets drx tag.
    fn tags(&self) -> Option<&Tags>;
}

/// The catalog: every AWS resource type drx manages, once — its variant, its
/// attributes type and its one name (in state, plans, JSON and docs), with
/// the name older states used, where it differed. A callback macro, so each
/// layer derives what it needs from the same list: this module the enums,
/// `aws` the provider's dispatch.
macro_rules! resource_catalog {
    ($callback:ident) => {
        $callback! {
            IamRole(IamRole) = "iam_role",
            IamRolePolicy(IamRolePolicy) = "iam_role_policy",
            DynamodbTable(DynamoTable) = "dynamodb_table",
            DynamodbReplica(DynamoReplica) = "dynamodb_table_replica" | "dynamodb_replica",
            S3Bucket(S3Bucket) = "s3_bucket",
            S3Replication(S3Replication) = "s3_bucket_replication" | "s3_replication",
            LambdaFunction(LambdaFunction) = "lambda_function",
            LogGroup(LogGroup) = "cloudwatch_log_group" | "log_group",
            RestApi(RestApi) = "api_gateway_rest_api" | "rest_api",
            ApiResource(ApiResource) = "api_gateway_resource" | "api_resource",
            ApiRoute(ApiRoute) = "api_gateway_method" | "api_route",
            LambdaPermission(LambdaPermission) = "lambda_permission",
            ApiDeployment(ApiDeployment) = "api_gateway_deployment" | "api_deployment",
            ApiStage(ApiStage) = "api_gateway_stage" | "api_stage",
            ApiAccount(ApiAccount) = "api_gateway_account",
            HostedZone(HostedZone) = "route53_zone" | "hosted_zone",
            HealthCheck(HealthCheck) = "route53_health_check" | "health_check",
            DnsRecord(DnsRecord) = "route53_record" | "dns_record",
            KmsKey(KmsKey) = "kms_key",
            SnsTopic(SnsTopic) = "sns_topic",
            SnsSubscription(SnsSubscription) = "sns_subscription",
            MetricAlarm(MetricAlarm) = "cloudwatch_metric_alarm" | "metric_alarm",
        }
    };
}
pub(crate) use resource_catalog;

/// The enums and per-type rules, from the catalog.
macro_rules! define_catalog {
    ($($variant:ident($kind:ty) = $name:literal $(| $old:literal)?),* $(,)?) => {
        /// Everything drx can ask AWS to create, with its attributes.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type", content = "attributes")]
        pub enum Attributes {
            $(
                #[serde(rename = $name $(, alias = $old)?)]
                $variant($kind),
            )*
        }

        /// The kind of an `Attributes` value, for rules that do not need the data.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ResourceType {
            $(
                #[serde(rename = $name $(, alias = $old)?)]
                $variant,
            )*
        }

        impl ResourceType {
            /// Every type, in catalog order.
            pub const ALL: &'static [ResourceType] = &[$(ResourceType::$variant),*];

            /// The type's one name: in state, plans, JSON and docs.
            pub fn name(self) -> &'static str {
                match self {
                    $(ResourceType::$variant => $name,)*
                }
            }

            /// Attributes AWS cannot change on an existing resource.
            fn replaced_by(self) -> &'static [&'static str] {
                match self {
                    $(ResourceType::$variant => <$kind as ResourceSpec>::REPLACED_BY,)*
                }
            }

            /// Resources that hold data: deleting or replacing one destroys it.
            pub fn holds_data(self) -> bool {
                match self {
                    $(ResourceType::$variant => <$kind as ResourceSpec>::HOLDS_DATA,)*
                }
            }

            /// What apply records about a created resource, for others to read.
            pub fn outputs(self) -> &'static [&'static str] {
                match self {
                    $(ResourceType::$variant => <$kind as ResourceSpec>::OUTPUTS,)*
                }
            }

            /// Expected AWS round trips of an operation, for scheduling.
            pub fn weight(self) -> u32 {
                match self {
                    $(ResourceType::$variant => <$kind as ResourceSpec>::WEIGHT,)*
                }
            }
        }

        impl Attributes {
            pub fn resource_type(&self) -> ResourceType {
                match self {
                    $(Attributes::$variant(_) => ResourceType::$variant,)*
                }
            }

            /// The resource's tags, for the types that have them.
            pub fn tags(&self) -> Option<&Tags> {
                match self {
                    $(Attributes::$variant(kind) => kind.tags(),)*
                }
            }
        }
    };
}

resource_catalog!(define_catalog);

impl Attributes {
    /// The attributes as a JSON object, for diffs and state.
    pub fn to_json(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut map)) => map.remove("attributes").unwrap_or_default(),
            _ => serde_json::Value::Null,
        }
    }
}

impl ResourceType {
    /// Whether changing `attribute` means deleting the resource and creating
    /// it again.
    pub fn forces_replacement(self, attribute: &str) -> bool {
        self.replaced_by().contains(&attribute)
    }
}

impl std::fmt::Display for ResourceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
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

/// A resource whose every value is known: what a provider is given to
/// create or update. Only `Resolved::new` makes one, and it refuses a
/// resource with a value still to be filled in, so no provider can send AWS a
/// half-made name.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved(Resource);

impl Resolved {
    pub fn new(resource: Resource) -> Result<Resolved, String> {
        if crate::model::template::contains_template(&resource.attributes.to_json()) {
            return Err(format!("{} has values that are not known yet", resource.address));
        }
        Ok(Resolved(resource))
    }
}

impl std::ops::Deref for Resolved {
    type Target = Resource;

    fn deref(&self) -> &Resource {
        &self.0
    }
}

/// AWS tags: sorted, so plans and state are stable.
pub type Tags = std::collections::BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_one_name_everywhere() {
        for &resource_type in ResourceType::ALL {
            let serialized = serde_json::to_value(resource_type).expect("serializes");
            assert_eq!(serialized, resource_type.name(), "state and plans spell it alike");
        }
        let mut names: Vec<&str> = ResourceType::ALL.iter().map(|t| t.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ResourceType::ALL.len(), "names are unique");
    }

    #[test]
    fn only_a_resource_with_every_value_known_is_resolved() {
        let subscription = |topic: crate::model::template::Val| Resource {
            address: "a.subscription".into(),
            region: None,
            attributes: Attributes::SnsSubscription(SnsSubscription {
                topic,
                protocol: crate::model::resources::SnsProtocol::Email,
                endpoint: "a@example.com".into(),
            }),
            depends_on: Vec::new(),
            replaced_with: Vec::new(),
            block: "a".into(),
            span: Span::default(),
        };
        let pending = subscription(crate::model::template::Val::output("a.topic", "arn"));
        assert!(Resolved::new(pending).is_err());
        let known = subscription(crate::model::template::Val::known("arn:aws:sns:us-east-1:1:a"));
        assert_eq!(
            Resolved::new(known.clone()).map(|r| r.address.clone()),
            Ok(known.address)
        );
    }

    #[test]
    fn states_written_with_the_older_names_still_read() {
        let old: ResourceType = serde_json::from_value(serde_json::json!("dynamodb_replica")).expect("alias");
        assert_eq!(old, ResourceType::DynamodbReplica);
        let attributes: Attributes = serde_json::from_value(serde_json::json!({
            "type": "log_group",
            "attributes": { "name": "g", "retention_days": 14, "tags": {} },
        }))
        .expect("an older state's attributes");
        assert_eq!(attributes.resource_type(), ResourceType::LogGroup);
        assert_eq!(
            serde_json::to_value(&attributes).expect("serializes")["type"],
            "cloudwatch_log_group",
            "written back with the one name"
        );
    }
}
