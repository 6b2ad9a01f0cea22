//! Topology → the AWS resources it needs.
//!
//! One line of intent expands here into all of its wiring: a replicated
//! bucket becomes two buckets, a replication role and policy and the
//! replication rule; a route becomes a path, a method with its Lambda proxy
//! integration, an invoke permission, and a new deployment of the stage.

mod alarm;
mod alerts;
mod api;
mod bucket;
mod code_hash;
mod failover;
mod function;
mod outputs;
mod role;
mod table;

pub use outputs::{StackOutput, StackOutputValue};

use std::path::Path;

use super::plan_error::PlanError;
use crate::check::topology::{AttributeRef, Region, RegionRef, ResourceKind, Text, TextPart, Topology};
use crate::model::resources::{Attributes, Resource, Tags};
use crate::model::template::{Part, Val};
use crate::source::Span;

/// What the topology lowers to.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Desired {
    pub resources: Vec<Resource>,
    pub outputs: Vec<StackOutput>,
}

/// Lowers a checked topology. `base` is the directory of the .drx file, where
/// function code paths start.
pub fn lower(topology: &Topology, base: &Path) -> Result<Desired, Vec<PlanError>> {
    let mut lowering = Lowering {
        topology,
        base,
        resources: Vec::new(),
        errors: Vec::new(),
        code_hashes: std::collections::HashMap::new(),
    };
    for table in &topology.tables {
        lowering.table(table);
    }
    for bucket in &topology.buckets {
        lowering.bucket(bucket);
    }
    lowering.log_buckets();
    for function in &topology.functions {
        lowering.function(function);
    }
    for api in &topology.apis {
        lowering.api(api);
    }
    lowering.api_logging();
    for failover in &topology.failovers {
        lowering.failover(failover);
    }
    for topic in &topology.topics {
        lowering.alerts(topic);
    }
    for alarm in &topology.alarms {
        lowering.alarm(alarm);
    }
    for role in &topology.roles {
        lowering.role(role);
    }
    let outputs = topology
        .outputs
        .iter()
        .map(|output| lowering.output(output))
        .collect();
    if lowering.errors.is_empty() {
        Ok(Desired {
            resources: lowering.resources,
            outputs,
        })
    } else {
        Err(lowering.errors)
    }
}

struct Lowering<'t> {
    topology: &'t Topology,
    base: &'t Path,
    resources: Vec<Resource>,
    errors: Vec<PlanError>,
    /// Functions often share their code: hash each source once.
    code_hashes: std::collections::HashMap<std::path::PathBuf, Result<String, String>>,
}

/// `block.component["key"]@region`: stable across plans, readable in output.
pub fn address(block: &str, component: &str, key: Option<&str>, region: Option<&Region>) -> String {
    let mut address = format!("{block}.{component}");
    if let Some(key) = key {
        address.push_str(&format!("[{key:?}]"));
    }
    if let Some(region) = region {
        address.push('@');
        address.push_str(&region.0);
    }
    address
}

/// The ARN of something in this account in `region`:
/// `arn:aws:SERVICE:REGION:ACCOUNT` followed by `rest` (`:table/t`, say),
/// the account filled in at apply time.
fn account_arn(service: &str, region: &impl std::fmt::Display, rest: impl Into<String>) -> Val {
    Val::concat([
        Part::Text(format!("arn:aws:{service}:{region}:")),
        Part::AccountId,
        Part::Text(rest.into()),
    ])
}

/// This account's root principal, `arn:aws:iam::ACCOUNT:root`: the account
/// itself, whose IAM policies then decide.
fn account_root() -> Val {
    Val::concat([
        Part::Text("arn:aws:iam::".into()),
        Part::AccountId,
        Part::Text(":root".into()),
    ])
}

/// The account id alone, for `aws:SourceAccount` conditions.
fn account_id() -> Val {
    Val::concat([Part::AccountId])
}

impl Lowering<'_> {
    fn add(
        &mut self,
        block: &str,
        span: Span,
        address: String,
        region: Option<&Region>,
        attributes: Attributes,
        depends_on: Vec<String>,
    ) {
        self.resources.push(Resource {
            address,
            region: region.cloned(),
            attributes,
            depends_on,
            replaced_with: Vec::new(),
            block: block.to_string(),
            span,
        });
    }

    /// Marks the last added resource as lost whenever one of `others` is replaced.
    fn replaced_with(&mut self, others: Vec<String>) {
        if let Some(resource) = self.resources.last_mut() {
            resource.replaced_with = others;
        }
    }

    fn name(&self, service: &str, region: Option<&Region>) -> String {
        self.topology.naming.name(service, region)
    }

    /// The topology's tags, plus drx's own so resources can be traced back.
    fn tags(&self, block: &str) -> Tags {
        let mut tags = self.topology.tags.clone();
        tags.insert("drx:topology".to_string(), self.topology.name.clone());
        tags.insert("drx:block".to_string(), block.to_string());
        tags
    }

    /// A drx string (with attribute references) as a value read in `region`.
    fn text(&self, text: &Text, region: Option<&Region>) -> Val {
        Val::concat(text.parts.iter().flat_map(|part| match part {
            TextPart::Literal(literal) => vec![Part::Text(literal.clone())],
            TextPart::Ref(reference) => self.attribute(reference, region).parts(),
        }))
    }

    /// The value of `resource.attribute`, read in `consumer` (for `Local`).
    fn attribute(&self, reference: &AttributeRef, consumer: Option<&Region>) -> Val {
        let region = match &reference.region {
            RegionRef::Local => consumer.cloned(),
            RegionRef::In(region) => Some(region.clone()),
            RegionRef::Global => None,
        };
        let region = region.as_ref();
        let name = &reference.resource;
        let text = |text: String| Part::Text(text);
        let region_code = region.map(|r| r.0.clone()).unwrap_or_default();
        match (reference.kind, reference.attribute.as_str()) {
            (ResourceKind::Table, "name") => Val::known(self.table_name(name)),
            (ResourceKind::Table, "arn") => account_arn(
                "dynamodb",
                &region_code,
                format!(":table/{}", self.table_name(name)),
            ),
            (ResourceKind::Table, "stream_arn") => {
                let home = self
                    .topology
                    .tables
                    .iter()
                    .find(|t| t.name == *name)
                    .map(|t| t.home.clone());
                match (region, home) {
                    (Some(region), Some(home)) if *region != home => {
                        Val::output(&address(name, "replica", None, Some(region)), "stream_arn")
                    }
                    _ => Val::output(&address(name, "table", None, region), "stream_arn"),
                }
            }
            (ResourceKind::Bucket, "name") => Val::known(self.bucket_name(name, region)),
            (ResourceKind::Bucket, "arn") => {
                Val::known(format!("arn:aws:s3:::{}", self.bucket_name(name, region)))
            }
            (ResourceKind::Bucket, "domain_name") => Val::known(format!(
                "{}.s3.{region_code}.amazonaws.com",
                self.bucket_name(name, region)
            )),
            (ResourceKind::Function, "name") => Val::known(self.service_name(name, region)),
            (ResourceKind::Function, "arn") => account_arn(
                "lambda",
                &region_code,
                format!(":function:{}", self.service_name(name, region)),
            ),
            (ResourceKind::Api, attribute) => {
                let api_id = Part::Ref(address(name, "rest_api", None, region), "id".into());
                let stage = self
                    .topology
                    .apis
                    .iter()
                    .find(|a| a.name == *name)
                    .map(|a| a.stage.clone())
                    .unwrap_or_default();
                match attribute {
                    "id" => Val::concat([api_id]),
                    "url" => Val::concat([
                        text("https://".into()),
                        api_id,
                        text(format!(".execute-api.{region_code}.amazonaws.com/{stage}")),
                    ]),
                    "host" => {
                        Val::concat([api_id, text(format!(".execute-api.{region_code}.amazonaws.com"))])
                    }
                    _ => Val::concat([
                        text(format!("arn:aws:execute-api:{region_code}:")),
                        Part::AccountId,
                        text(":".into()),
                        api_id,
                    ]),
                }
            }
            (ResourceKind::Failover, "domain") => Val::known(
                self.topology
                    .failovers
                    .iter()
                    .find(|f| f.name == *name)
                    .map(|f| f.domain.clone())
                    .unwrap_or_default(),
            ),
            (ResourceKind::Failover, "zone_id") => Val::output(&address(name, "zone", None, None), "id"),
            (ResourceKind::Failover, "name_servers") => {
                Val::output(&address(name, "zone", None, None), "name_servers")
            }
            (ResourceKind::Failover, _) => Val::output(&address(name, "health_check", None, None), "id"),
            (ResourceKind::Alerts, "name") => Val::known(self.service_name(name, region)),
            (ResourceKind::Alerts, _) => account_arn(
                "sns",
                &region_code,
                format!(":{}", self.service_name(name, region)),
            ),
            (ResourceKind::Alarm, "name") => Val::known(self.service_name(name, region)),
            (ResourceKind::Alarm, _) => account_arn(
                "cloudwatch",
                &region_code,
                format!(":alarm:{}", self.service_name(name, region)),
            ),
            (ResourceKind::Role, "name") => Val::known(self.service_name(name, None)),
            (ResourceKind::Role, _) => Val::concat([
                text("arn:aws:iam::".into()),
                Part::AccountId,
                text(format!(":role/{}", self.service_name(name, None))),
            ]),
            (kind, attribute) => {
                // The checker admits only the references the block catalog
                // declares, and tests/plan.rs lowers every one of them.
                unreachable!("the checker admits only catalog references, got {kind:?}.{attribute}")
            }
        }
    }

    /// The physical name of a drx block's resource in `region`.
    fn service_name(&self, block: &str, region: Option<&Region>) -> String {
        self.name(&block.replace('_', "-"), region)
    }

    fn table_name(&self, block: &str) -> String {
        self.service_name(block, None)
    }

    fn bucket_name(&self, block: &str, region: Option<&Region>) -> String {
        self.service_name(block, region)
    }

    fn role_arn(&self, role_name: &str) -> Val {
        Val::concat([
            Part::Text("arn:aws:iam::".into()),
            Part::AccountId,
            Part::Text(format!(":role/{role_name}")),
        ])
    }
}
