//! The block catalog: every kind of block a .drx file declares, once — its
//! keyword, its attributes with what they take and their defaults, the
//! statements it allows, what a reference to it may name, the metrics an
//! alarm can watch on it, the permissions a role can grant on it, and the AWS
//! resource types it lowers to. The parser's keywords, its "expected …"
//! phrase and "did you mean" list, the checker's vocabularies and `drx
//! check`'s summary are read from here; editors (completion, hover) read the
//! same.

use serde::Serialize;

use super::resources::ResourceType;

/// A block that declares AWS resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Table,
    Bucket,
    Function,
    Api,
    Failover,
    Alerts,
    Alarm,
    Role,
}

/// Every kind of block: the one topology, or a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    Topology,
    Resource(ResourceKind),
}

/// One attribute a block takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeSpec {
    pub name: &'static str,
    /// What it takes, as a phrase: "a duration", "`on` or `off`".
    pub takes: &'static str,
    /// Its value when not set; `None` when it is required or has no default.
    pub default: Option<&'static str>,
    pub required: bool,
    /// What it means, for help and editors.
    pub about: &'static str,
    /// The attributes of its `{ … }`, for an attribute that is a block.
    pub nested: &'static [AttributeSpec],
}

/// A statement other than an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// `in …`
    Placement,
    /// `replicate …`
    Replicate,
    /// `route METHOD /path -> function`
    Route,
    /// `when metric > threshold over period`
    Condition,
    /// `allow [actions] on resource`
    Allow,
}

/// Which of a block's references are the same in every region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    None,
    All,
    Only(&'static [&'static str]),
}

/// A CloudWatch metric an alarm can watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricSpec {
    /// Its drx name: `payment_processor.errors`.
    pub name: &'static str,
    pub namespace: &'static str,
    pub metric_name: &'static str,
    pub statistic: &'static str,
    pub unit: MetricUnit,
    /// Published only in the resource's home region (S3 replication metrics
    /// are reported by the source bucket).
    pub only_at_home: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    Count,
    Seconds,
    Milliseconds,
    Bytes,
}

/// A permission a `role` can grant on a block of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    /// Its drx name: `route53.update_health_check`.
    pub name: &'static str,
    /// The IAM actions it grants.
    pub iam: &'static [&'static str],
}

/// Everything about one kind of block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSpec {
    pub keyword: &'static str,
    /// How `drx check` counts it: "1 alert topic".
    pub counted_as: &'static str,
    /// What it is, for help and editors.
    pub about: &'static str,
    pub attributes: &'static [AttributeSpec],
    /// The options of its `replicate … { … }`.
    pub replicate: &'static [AttributeSpec],
    pub statements: &'static [StatementKind],
    /// What `name.attribute` may name.
    pub references: &'static [&'static str],
    pub global_references: Global,
    pub metrics: &'static [MetricSpec],
    pub actions: &'static [ActionSpec],
    pub lowers_to: &'static [ResourceType],
}

impl BlockSpec {
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSpec> {
        self.attributes.iter().find(|attribute| attribute.name == name)
    }

    /// The attributes of the nested block `name`; none if it has no such.
    pub fn nested(&self, name: &str) -> &'static [AttributeSpec] {
        self.attribute(name).map_or(&[], |attribute| attribute.nested)
    }

    pub fn allows(&self, statement: StatementKind) -> bool {
        self.statements.contains(&statement)
    }

    pub fn is_global_reference(&self, attribute: &str) -> bool {
        match self.global_references {
            Global::None => false,
            Global::All => true,
            Global::Only(names) => names.contains(&attribute),
        }
    }
}

impl ResourceKind {
    /// Every resource kind, in the order `drx check` counts them.
    pub const ALL: [ResourceKind; 8] = [
        ResourceKind::Table,
        ResourceKind::Bucket,
        ResourceKind::Function,
        ResourceKind::Api,
        ResourceKind::Failover,
        ResourceKind::Alerts,
        ResourceKind::Alarm,
        ResourceKind::Role,
    ];

    /// The kind's declaration. Exhaustive: a new kind does not compile until
    /// it is declared.
    pub const fn spec(self) -> &'static BlockSpec {
        match self {
            ResourceKind::Table => &TABLE,
            ResourceKind::Bucket => &BUCKET,
            ResourceKind::Function => &FUNCTION,
            ResourceKind::Api => &API,
            ResourceKind::Failover => &FAILOVER,
            ResourceKind::Alerts => &ALERTS,
            ResourceKind::Alarm => &ALARM,
            ResourceKind::Role => &ROLE,
        }
    }

    /// The keyword, which is also how messages name the kind.
    pub fn word(self) -> &'static str {
        self.spec().keyword
    }
}

impl BlockKind {
    /// Every block kind: the topology, then the resources.
    pub fn all() -> impl Iterator<Item = BlockKind> {
        std::iter::once(BlockKind::Topology).chain(ResourceKind::ALL.into_iter().map(BlockKind::Resource))
    }

    pub fn spec(self) -> &'static BlockSpec {
        match self {
            BlockKind::Topology => &TOPOLOGY,
            BlockKind::Resource(kind) => kind.spec(),
        }
    }

    pub fn keyword(self) -> &'static str {
        self.spec().keyword
    }

    pub fn from_keyword(keyword: &str) -> Option<BlockKind> {
        BlockKind::all().find(|kind| kind.keyword() == keyword)
    }
}

/// Declarations that are not blocks.
pub const OTHER_DECLARATIONS: [&str; 2] = ["let", "output"];

/// Every keyword that starts a declaration, blocks first.
pub fn declaration_keywords() -> impl Iterator<Item = &'static str> {
    BlockKind::all().map(BlockKind::keyword).chain(OTHER_DECLARATIONS)
}

const fn attribute(
    name: &'static str,
    takes: &'static str,
    default: Option<&'static str>,
    about: &'static str,
) -> AttributeSpec {
    AttributeSpec {
        name,
        takes,
        default,
        required: false,
        about,
        nested: &[],
    }
}

const fn required(name: &'static str, takes: &'static str, about: &'static str) -> AttributeSpec {
    AttributeSpec {
        required: true,
        ..attribute(name, takes, None, about)
    }
}

const fn block(name: &'static str, about: &'static str, nested: &'static [AttributeSpec]) -> AttributeSpec {
    AttributeSpec {
        nested,
        ..attribute(name, "a block `{ … }`", None, about)
    }
}

const fn metric(
    name: &'static str,
    namespace: &'static str,
    metric_name: &'static str,
    statistic: &'static str,
    unit: MetricUnit,
) -> MetricSpec {
    MetricSpec {
        name,
        namespace,
        metric_name,
        statistic,
        unit,
        only_at_home: false,
    }
}

const fn action(name: &'static str, iam: &'static [&'static str]) -> ActionSpec {
    ActionSpec { name, iam }
}

const DURATION: &str = "a duration such as `30s`";

static TOPOLOGY: BlockSpec = BlockSpec {
    keyword: "topology",
    counted_as: "topology",
    about: "The regions, naming, tags and recovery objectives of the stack; exactly one per file.",
    attributes: &[
        required("primary", "a region code", "The region that serves traffic."),
        required(
            "secondary",
            "a region code or a list of them",
            "The standby regions.",
        ),
        attribute(
            "naming",
            "a string with `{service}` and `{region}`",
            Some("\"{service}-{region}\""),
            "How physical names are made; `{service}` is the block's name with `_` as `-`.",
        ),
        attribute(
            "tags",
            "a map `{ key: \"value\" }`",
            None,
            "Tags applied to every resource.",
        ),
        block(
            "objectives",
            "The recovery objectives every failover and store is proved against.",
            &[
                attribute("rto", DURATION, None, "Recovery time objective."),
                attribute("rpo", DURATION, None, "Recovery point objective."),
            ],
        ),
        block(
            "assumptions",
            "What AWS publishes no bound for, assumed by the RTO model.",
            &[
                attribute(
                    "route53_answer_change",
                    DURATION,
                    Some("0s"),
                    "How soon Route 53's answer follows the health check.",
                ),
                attribute(
                    "client_dns_cache",
                    DURATION,
                    Some("0s"),
                    "How long clients cache answers past their TTL.",
                ),
                attribute(
                    "standby_warm_up",
                    DURATION,
                    Some("0s"),
                    "Time before the standby serves at full capacity.",
                ),
            ],
        ),
    ],
    replicate: &[],
    statements: &[],
    references: &[],
    global_references: Global::None,
    metrics: &[],
    actions: &[],
    lowers_to: &[],
};

static TABLE: BlockSpec = BlockSpec {
    keyword: "table",
    counted_as: "table",
    about: "A DynamoDB table in the primary; `replicate globally` makes it a global table with a replica in every secondary.",
    attributes: &[
        required(
            "key",
            "a key such as `paymentId: string`",
            "The partition key: string, number or binary.",
        ),
        attribute(
            "sort_key",
            "a key such as `createdAt: number`",
            None,
            "The sort key.",
        ),
        attribute(
            "billing",
            "`on_demand` or `provisioned`",
            Some("on_demand"),
            "The billing mode; replicated tables bill on demand.",
        ),
        block(
            "capacity",
            "Provisioned capacity, with `billing provisioned`.",
            &[
                required("read", "a number", "Read capacity units."),
                required("write", "a number", "Write capacity units."),
            ],
        ),
        attribute(
            "recovery",
            "`point_in_time` or `none`",
            Some("point_in_time"),
            "Point-in-time recovery.",
        ),
        attribute(
            "rpo",
            DURATION,
            None,
            "This store's own recovery point objective.",
        ),
    ],
    replicate: &[attribute(
        "consistency",
        "`eventual` or `strong`",
        Some("eventual"),
        "Multi-Region eventual (MREC) or strong (MRSC, exactly three regions) consistency.",
    )],
    statements: &[StatementKind::Replicate],
    references: &["name", "arn", "stream_arn"],
    global_references: Global::Only(&["name"]),
    metrics: &[
        metric(
            "system_errors",
            "AWS/DynamoDB",
            "SystemErrors",
            "Sum",
            MetricUnit::Count,
        ),
        metric(
            "user_errors",
            "AWS/DynamoDB",
            "UserErrors",
            "Sum",
            MetricUnit::Count,
        ),
        metric(
            "throttled_requests",
            "AWS/DynamoDB",
            "ThrottledRequests",
            "Sum",
            MetricUnit::Count,
        ),
        metric(
            "replication_latency",
            "AWS/DynamoDB",
            "ReplicationLatency",
            "Maximum",
            MetricUnit::Milliseconds,
        ),
    ],
    actions: &[
        action(
            "dynamodb.read",
            &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:BatchGetItem",
            ],
        ),
        action(
            "dynamodb.write",
            &[
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
            ],
        ),
        action("dynamodb.describe", &["dynamodb:DescribeTable"]),
    ],
    lowers_to: &[ResourceType::DynamodbTable, ResourceType::DynamodbReplica],
};

const fn home_metric(spec: MetricSpec) -> MetricSpec {
    MetricSpec {
        only_at_home: true,
        ..spec
    }
}

static BUCKET: BlockSpec = BlockSpec {
    keyword: "bucket",
    counted_as: "bucket",
    about: "An S3 bucket in the primary; `replicate to …` adds a replica bucket per target region with the rule, role and versioning that requires.",
    attributes: &[
        attribute(
            "versioning",
            "`on` or `off`",
            Some("on"),
            "Object versioning; replication requires it.",
        ),
        attribute(
            "encryption",
            "`aes256` or `kms`",
            Some("aes256"),
            "Default encryption.",
        ),
        attribute(
            "public_access",
            "`blocked` or `allowed`",
            Some("blocked"),
            "The public-access block.",
        ),
        attribute(
            "rpo",
            DURATION,
            None,
            "This store's own recovery point objective.",
        ),
    ],
    replicate: &[
        attribute(
            "time_control",
            DURATION,
            None,
            "S3 Replication Time Control: its one threshold is 15m.",
        ),
        attribute(
            "metrics",
            "`on` or `off`",
            None,
            "Replication metrics; implied by `time_control`.",
        ),
    ],
    statements: &[StatementKind::Replicate],
    references: &["name", "arn", "domain_name"],
    global_references: Global::None,
    metrics: &[
        home_metric(metric(
            "replication_latency",
            "AWS/S3",
            "ReplicationLatency",
            "Maximum",
            MetricUnit::Seconds,
        )),
        home_metric(metric(
            "operations_pending_replication",
            "AWS/S3",
            "OperationsPendingReplication",
            "Maximum",
            MetricUnit::Count,
        )),
        home_metric(metric(
            "operations_failed_replication",
            "AWS/S3",
            "OperationsFailedReplication",
            "Sum",
            MetricUnit::Count,
        )),
        home_metric(metric(
            "bytes_pending_replication",
            "AWS/S3",
            "BytesPendingReplication",
            "Maximum",
            MetricUnit::Bytes,
        )),
    ],
    actions: &[
        action("s3.read", &["s3:GetObject", "s3:ListBucket"]),
        action("s3.write", &["s3:PutObject", "s3:DeleteObject"]),
    ],
    lowers_to: &[
        ResourceType::S3Bucket,
        ResourceType::S3Replication,
        ResourceType::IamRole,
        ResourceType::IamRolePolicy,
    ],
};

static FUNCTION: BlockSpec = BlockSpec {
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

static API: BlockSpec = BlockSpec {
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

static FAILOVER: BlockSpec = BlockSpec {
    keyword: "failover",
    counted_as: "failover",
    about: "A Route 53 hosted zone, a health check on the primary API and PRIMARY/SECONDARY failover records.",
    attributes: &[
        required("domain", "a domain name", "The name clients resolve."),
        attribute(
            "zone",
            "a domain name",
            None,
            "The hosted zone; by default the domain minus its first label.",
        ),
        required("targets", "an api", "The API the records point at."),
        attribute(
            "standby",
            "a region code",
            None,
            "The region failed over to; by default the only secondary.",
        ),
        AttributeSpec {
            required: true,
            ..block(
                "health_check",
                "How Route 53 decides the primary is unhealthy.",
                &[
                    attribute(
                        "protocol",
                        "`https`, `http` or `tcp`",
                        Some("https"),
                        "What the checkers speak.",
                    ),
                    attribute(
                        "path",
                        "a string",
                        None,
                        "The path requested: the stage, then a GET route.",
                    ),
                    attribute("port", "a number", Some("443"), "The port (80 for http)."),
                    attribute(
                        "interval",
                        "`10s` or `30s`",
                        Some("30s"),
                        "How often each checker probes.",
                    ),
                    attribute(
                        "failures",
                        "a number from 1 to 10",
                        Some("3"),
                        "Failed probes before unhealthy.",
                    ),
                ],
            )
        },
        attribute(
            "ttl",
            DURATION,
            Some("60s"),
            "How long resolvers cache the answer.",
        ),
        attribute("rto", DURATION, None, "This path's own recovery time objective."),
        attribute(
            "warm_up",
            DURATION,
            None,
            "The standby's warm-up, for the RTO model.",
        ),
    ],
    replicate: &[],
    statements: &[],
    references: &["domain", "zone_id", "health_check_id", "name_servers"],
    global_references: Global::All,
    metrics: &[
        metric(
            "health",
            "AWS/Route53",
            "HealthCheckStatus",
            "Minimum",
            MetricUnit::Count,
        ),
        metric(
            "healthy_percentage",
            "AWS/Route53",
            "HealthCheckPercentageHealthy",
            "Average",
            MetricUnit::Count,
        ),
    ],
    actions: &[
        action("route53.update_health_check", &["route53:UpdateHealthCheck"]),
        action(
            "route53.get_health_check",
            &["route53:GetHealthCheck", "route53:GetHealthCheckStatus"],
        ),
        action("route53.change_records", &["route53:ChangeResourceRecordSets"]),
        action("route53.list_records", &["route53:ListResourceRecordSets"]),
    ],
    lowers_to: &[
        ResourceType::HostedZone,
        ResourceType::HealthCheck,
        ResourceType::DnsRecord,
    ],
};

static ALERTS: BlockSpec = BlockSpec {
    keyword: "alerts",
    counted_as: "alert topic",
    about: "An SNS topic in each region it is placed in, with its subscriptions.",
    attributes: &[attribute(
        "email",
        "a list of addresses",
        None,
        "Email subscriptions.",
    )],
    replicate: &[],
    statements: &[StatementKind::Placement],
    references: &["name", "arn"],
    global_references: Global::None,
    metrics: &[],
    actions: &[action("sns.publish", &["sns:Publish"])],
    lowers_to: &[ResourceType::SnsTopic, ResourceType::SnsSubscription],
};

static ALARM: BlockSpec = BlockSpec {
    keyword: "alarm",
    counted_as: "alarm",
    about: "A CloudWatch alarm on one metric, in each region it is placed in.",
    attributes: &[
        attribute(
            "evaluations",
            "a number",
            Some("1"),
            "Periods evaluated before the alarm fires.",
        ),
        required("notify", "an alerts block", "The topic the alarm notifies."),
    ],
    replicate: &[],
    statements: &[StatementKind::Condition, StatementKind::Placement],
    references: &["name", "arn"],
    global_references: Global::None,
    metrics: &[],
    actions: &[
        action("cloudwatch.describe_alarms", &["cloudwatch:DescribeAlarms"]),
        action("cloudwatch.set_alarm_state", &["cloudwatch:SetAlarmState"]),
    ],
    lowers_to: &[ResourceType::MetricAlarm],
};

static ROLE: BlockSpec = BlockSpec {
    keyword: "role",
    counted_as: "role",
    about: "An IAM role others assume, with least-privilege grants on drx resources.",
    attributes: &[required(
        "trust",
        "`account_root` or a 12-digit account id",
        "Who may assume the role.",
    )],
    replicate: &[],
    statements: &[StatementKind::Allow],
    references: &["name", "arn"],
    global_references: Global::All,
    metrics: &[],
    actions: &[],
    lowers_to: &[ResourceType::IamRole, ResourceType::IamRolePolicy],
};

/// Every permission a role can grant, with the kind it is granted on.
pub fn actions() -> impl Iterator<Item = (ResourceKind, &'static ActionSpec)> {
    ResourceKind::ALL
        .into_iter()
        .flat_map(|kind| kind.spec().actions.iter().map(move |action| (kind, action)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_unique_and_found_again() {
        let mut keywords: Vec<&str> = declaration_keywords().collect();
        assert_eq!(keywords.len(), 11);
        for kind in BlockKind::all() {
            assert_eq!(BlockKind::from_keyword(kind.keyword()), Some(kind));
        }
        keywords.sort_unstable();
        keywords.dedup();
        assert_eq!(keywords.len(), 11, "no keyword twice");
    }

    #[test]
    fn every_resource_kind_lowers_to_something_and_names_are_unique() {
        for kind in ResourceKind::ALL {
            let spec = kind.spec();
            assert!(!spec.lowers_to.is_empty(), "{} lowers to nothing", spec.keyword);
            let mut names: Vec<&str> = spec.attributes.iter().map(|a| a.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                spec.attributes.len(),
                "{}: an attribute twice",
                spec.keyword
            );
        }
        let mut actions: Vec<&str> = actions().map(|(_, a)| a.name).collect();
        let count = actions.len();
        actions.sort_unstable();
        actions.dedup();
        assert_eq!(actions.len(), count, "no action twice");
    }
}
