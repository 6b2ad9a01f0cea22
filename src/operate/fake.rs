//! A stack in memory for the operations' tests: a state as an apply of a
//! failover, a global table and a replicated bucket would leave it, and a
//! fake AWS that answers as Route 53 does (the standby once the primary's
//! check probes a path nobody answers), publishes the metrics it is told
//! to, and keeps markers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use crate::model::resources::{
    ApiResource, ApiRoute, AttributeType, Attributes, Authorization, BillingMode, DnsRecord, DynamoReplica,
    DynamoTable, Encryption, FailoverRole, HealthCheck, HealthCheckType, IntegrationType, KeyAttribute,
    RecordType, ReplicationRule, Resolved, Resource, S3Bucket, S3Replication,
};
use crate::model::template::{Part, Val};
use crate::model::{
    Applied, CheckerReport, Marker, MetricPoint, MetricQuery, Observer, Operator, Provider, ProviderError,
    Region, ResourceState, RouteRequest, RouteResponse,
};
use crate::state::State;

pub(super) const PRIMARY_HOST: &str = "a1.execute-api.us-east-1.amazonaws.com";
pub(super) const STANDBY_HOST: &str = "b2.execute-api.us-east-2.amazonaws.com";

fn record(
    address: &str,
    region: Option<&str>,
    id: &str,
    attributes: Attributes,
    outputs: &[(&str, &str)],
) -> ResourceState {
    ResourceState {
        address: address.into(),
        resource_type: attributes.resource_type(),
        region: region.map(|r| Region(r.into())),
        physical_id: id.into(),
        attributes: attributes.to_json(),
        outputs: outputs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        depends_on: vec![],
    }
}

/// The state of an applied stack with one failover (`api`), a global table
/// (`payments`, us-east-1 and us-east-2) and a bucket replicating one way.
pub(super) fn applied_state() -> State {
    let mut state = State::new("stack");
    let check = HealthCheck {
        check_type: HealthCheckType::Https,
        // As recorded: the reference, resolved from the API's outputs.
        fqdn: Val::concat([
            Part::Ref("payment_api.rest_api@us-east-1".into(), "id".into()),
            Part::Text(".execute-api.us-east-1.amazonaws.com".into()),
        ]),
        port: 443,
        resource_path: Some("/prod/health".into()),
        request_interval: 30,
        failure_threshold: 3,
        tags: Default::default(),
    };
    for (region, id) in [("us-east-1", "a1"), ("us-east-2", "b2")] {
        state.resources.push(ResourceState {
            address: format!("payment_api.rest_api@{region}"),
            resource_type: crate::model::resources::ResourceType::RestApi,
            region: Some(Region(region.into())),
            physical_id: id.into(),
            attributes: serde_json::json!({}),
            outputs: [("id".to_string(), id.to_string())].into(),
            depends_on: vec![],
        });
    }
    state.resources.push(record(
        "api.health_check",
        None,
        "hc-1",
        Attributes::HealthCheck(check),
        &[("id", "hc-1")],
    ));
    for (role, host, region) in [
        (FailoverRole::Primary, PRIMARY_HOST, "us-east-1"),
        (FailoverRole::Secondary, STANDBY_HOST, "us-east-2"),
    ] {
        let attributes = Attributes::DnsRecord(DnsRecord {
            zone: Val::known("Z1"),
            name: "api.example.test".into(),
            record_type: RecordType::Cname,
            ttl: 60,
            set_identifier: role.as_str().to_ascii_lowercase(),
            health_check: (role == FailoverRole::Primary).then(|| Val::output("api.health_check", "id")),
            failover: role.clone(),
            value: Val::concat([
                Part::Ref(format!("payment_api.rest_api@{region}"), "id".into()),
                Part::Text(format!(".execute-api.{region}.amazonaws.com")),
            ]),
        });
        state.resources.push(record(
            &format!("api.record[\"{}\"]", role.as_str()),
            None,
            "Z1/api.example.test/x",
            attributes,
            &[("zone", "Z1"), ("value", host)],
        ));
    }
    let table = DynamoTable {
        name: "payments-use1".into(),
        partition_key: KeyAttribute {
            name: "paymentId".into(),
            attribute_type: AttributeType::String,
        },
        sort_key: None,
        billing_mode: BillingMode::PayPerRequest,
        read_capacity: None,
        write_capacity: None,
        stream_view_type: None,
        point_in_time_recovery: true,
        deletion_protection: true,
        tags: Default::default(),
    };
    state.resources.push(record(
        "payments.table@us-east-1",
        Some("us-east-1"),
        "payments-use1",
        Attributes::DynamodbTable(table),
        &[],
    ));
    state.resources.push(record(
        "payments.replica@us-east-2",
        Some("us-east-2"),
        "payments-use1/us-east-2",
        Attributes::DynamodbReplica(DynamoReplica {
            table: Val::known("payments-use1"),
            home_region: "us-east-1".into(),
            region_name: "us-east-2".into(),
            point_in_time_recovery: true,
            deletion_protection: true,
        }),
        &[],
    ));
    for (region, name) in [("us-east-1", "docs-use1"), ("us-east-2", "docs-use2")] {
        state.resources.push(record(
            &format!("docs.bucket@{region}"),
            Some(region),
            name,
            Attributes::S3Bucket(S3Bucket {
                name: name.into(),
                versioning: true,
                encryption: Encryption::Aes256,
                block_public_access: true,
                tls_only: true,
                acls_disabled: true,
                access_log: None,
                log_sources: Vec::new(),
                expire_after_days: None,
                tags: Default::default(),
            }),
            &[],
        ));
    }
    // The API in each region: its health and payment routes, and the
    // function behind them.
    for (region, short) in [("us-east-1", "use1"), ("us-east-2", "use2")] {
        for (path, part) in [
            ("/health", "health"),
            ("/payments", "payments"),
            ("/payments/{id}", "{id}"),
        ] {
            state.resources.push(record(
                &format!("payment_api.resource[\"{path}\"]@{region}"),
                Some(region),
                &format!("r-{part}"),
                Attributes::ApiResource(ApiResource {
                    rest_api: Val::output(&format!("payment_api.rest_api@{region}"), "id"),
                    parent: Val::known("root"),
                    path_part: part.into(),
                    path: path.into(),
                }),
                &[("id", "r")],
            ));
        }
        for (method, path) in [
            ("GET", "/health"),
            ("POST", "/payments"),
            ("GET", "/payments/{id}"),
        ] {
            state.resources.push(record(
                &format!("payment_api.route[\"{method} {path}\"]@{region}"),
                Some(region),
                "m",
                Attributes::ApiRoute(ApiRoute {
                    rest_api: Val::output(&format!("payment_api.rest_api@{region}"), "id"),
                    resource: Val::output(&format!("payment_api.resource[\"{path}\"]@{region}"), "id"),
                    http_method: method.into(),
                    authorization: Authorization::None,
                    integration_type: IntegrationType::AwsProxy,
                    integration_http_method: "POST".into(),
                    integration_uri: Val::known(format!(
                        "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/arn:aws:lambda:{region}:123456789012:function:processor-{short}/invocations"
                    )),
                }),
                &[],
            ));
        }
        let mut function = record(
            &format!("processor.function@{region}"),
            Some(region),
            &format!("processor-{short}"),
            Attributes::S3Bucket(S3Bucket {
                name: String::new(),
                versioning: false,
                encryption: Encryption::Aes256,
                block_public_access: true,
                tls_only: true,
                acls_disabled: true,
                access_log: None,
                log_sources: Vec::new(),
                expire_after_days: None,
                tags: Default::default(),
            }),
            &[],
        );
        // Only its type and environment matter here.
        function.resource_type = crate::model::resources::ResourceType::LambdaFunction;
        function.attributes = serde_json::json!({
            "environment": { "TABLE_NAME": "payments-use1", "BUCKET_NAME": if region == "us-east-1" { "docs-use1" } else { "docs-use2" } }
        });
        state.resources.push(function);
    }
    state.resources.push(record(
        "docs.replication@us-east-1",
        Some("us-east-1"),
        "docs-use1",
        Attributes::S3Replication(S3Replication {
            bucket: "docs-use1".into(),
            role: Val::known("arn:aws:iam::123456789012:role/r"),
            rules: vec![ReplicationRule {
                id: "to-us-east-2".into(),
                priority: 1,
                destination_bucket: Val::known("arn:aws:s3:::docs-use2"),
                time_control_minutes: Some(15),
                metrics: true,
                delete_marker_replication: true,
            }],
        }),
        &[],
    ));
    state
}

/// AWS, as far as the operations use it.
#[derive(Debug)]
pub(super) struct FakeAws {
    /// The path the health check probes now.
    pub(super) path: Mutex<String>,
    /// Metric maxima by name (`OperationsPendingReplication`, …).
    pub(super) metrics: Mutex<HashMap<String, f64>>,
    /// Every health check update, as the path it set.
    pub(super) updates: Mutex<Vec<String>>,
    pub(super) markers: Mutex<HashSet<(String, String)>>,
    /// Answers given so far; the fake answers with the primary for this
    /// many after a steer, as Route 53 takes a while.
    pub(super) lag_answers: usize,
    pub(super) answered_since_steer: Mutex<usize>,
    /// Reserved concurrency by function.
    pub(super) concurrency: Mutex<HashMap<String, Option<u32>>>,
    /// Payments written through the API.
    pub(super) payments: Mutex<HashSet<String>>,
}

impl FakeAws {
    pub(super) fn new() -> FakeAws {
        FakeAws {
            path: Mutex::new("/prod/health".into()),
            metrics: Mutex::new(HashMap::new()),
            updates: Mutex::new(Vec::new()),
            markers: Mutex::new(HashSet::new()),
            lag_answers: 1,
            // Settled on the primary before any steer.
            answered_since_steer: Mutex::new(usize::MAX / 2),
            concurrency: Mutex::new(HashMap::new()),
            payments: Mutex::new(HashSet::new()),
        }
    }

    pub(super) fn set_metric(&self, name: &str, value: f64) {
        self.metrics.lock().unwrap().insert(name.into(), value);
    }

    /// Whether the primary's function refuses work.
    fn outage(&self) -> bool {
        self.concurrency.lock().unwrap().get("processor-use1") == Some(&Some(0))
    }

    fn marker_key(region: &str, marker: &Marker) -> (String, String) {
        let name = match marker {
            Marker::Item { value, .. } => value.clone(),
            Marker::Object { key, .. } => key.clone(),
        };
        (region.to_string(), name)
    }
}

impl Observer for FakeAws {
    async fn dns_answer(&self, _: &str, _: &str, _: &str) -> Result<Vec<String>, ProviderError> {
        let steered = self.path.lock().unwrap().ends_with(super::STEERED_SUFFIX) || self.outage();
        let mut answered = self.answered_since_steer.lock().unwrap();
        *answered = answered.saturating_add(1);
        // Route 53 keeps its last answer for a while after a change.
        let settled = *answered > self.lag_answers;
        let standby = if settled { steered } else { !steered };
        Ok(vec![if standby { STANDBY_HOST } else { PRIMARY_HOST }.into()])
    }

    async fn health_check(&self, _: &str) -> Result<CheckerReport, ProviderError> {
        Ok(CheckerReport {
            healthy: if self.outage() { 0 } else { 3 },
            checkers: 3,
        })
    }

    async fn alarm_states(&self, _: &str, names: &[String]) -> Result<Vec<(String, String)>, ProviderError> {
        Ok(names
            .iter()
            .map(|n| (n.clone(), if n == "hot" { "ALARM" } else { "OK" }.to_string()))
            .collect())
    }

    async fn latest_metric(
        &self,
        _: &str,
        metric: &MetricQuery,
    ) -> Result<Option<MetricPoint>, ProviderError> {
        if metric.name == "HealthCheckStatus" {
            let status = if self.outage() { 0.0 } else { 1.0 };
            return Ok(Some(MetricPoint {
                maximum: status,
                minimum: status,
                age: std::time::Duration::from_secs(1),
            }));
        }
        Ok(self
            .metrics
            .lock()
            .unwrap()
            .get(&metric.name)
            .map(|&maximum| MetricPoint {
                maximum,
                minimum: maximum,
                age: std::time::Duration::from_secs(30),
            }))
    }

    async fn caller(&self) -> Result<String, ProviderError> {
        Ok("arn:aws:iam::123456789012:user/alice".into())
    }

    async fn write_marker(&self, region: &str, marker: &Marker) -> Result<(), ProviderError> {
        let mut markers = self.markers.lock().unwrap();
        markers.insert(Self::marker_key(region, marker));
        // Replication, at once: both regions of the fake have it.
        for other in ["us-east-1", "us-east-2"] {
            markers.insert(Self::marker_key(other, marker));
        }
        Ok(())
    }

    async fn marker_arrived(&self, region: &str, marker: &Marker) -> Result<bool, ProviderError> {
        Ok(self
            .markers
            .lock()
            .unwrap()
            .contains(&Self::marker_key(region, marker)))
    }

    async fn delete_marker(&self, region: &str, marker: &Marker) -> Result<(), ProviderError> {
        self.markers
            .lock()
            .unwrap()
            .remove(&Self::marker_key(region, marker));
        if matches!(marker, Marker::Item { .. }) {
            self.markers
                .lock()
                .unwrap()
                .retain(|(_, name)| *name != Self::marker_key(region, marker).1);
        }
        Ok(())
    }
}

fn not_here() -> ProviderError {
    ProviderError::other("the operations' fake only updates health checks")
}

impl Provider for FakeAws {
    async fn create(&self, _: &Resolved, _: Option<&[u8]>, _: &str) -> Result<Applied, ProviderError> {
        Err(not_here())
    }

    async fn update(
        &self,
        resource: &Resolved,
        old: &ResourceState,
        _: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        let Attributes::HealthCheck(check) = &resource.attributes else {
            return Err(not_here());
        };
        let path = check.resource_path.clone().unwrap_or_default();
        *self.path.lock().unwrap() = path.clone();
        *self.answered_since_steer.lock().unwrap() = 0;
        self.updates.lock().unwrap().push(path);
        Ok(Applied {
            physical_id: old.physical_id.clone(),
            outputs: old.outputs.clone(),
        })
    }

    async fn delete(&self, _: &ResourceState) -> Result<(), ProviderError> {
        Err(not_here())
    }

    async fn read(&self, _: &ResourceState, _: Attributes) -> Result<Option<Attributes>, ProviderError> {
        Err(not_here())
    }

    async fn find(&self, _: &Resolved, _: Option<&str>) -> Result<Option<Applied>, ProviderError> {
        Err(not_here())
    }

    async fn import(&self, _: &Resource, _: &str) -> Result<Option<Applied>, ProviderError> {
        Err(not_here())
    }

    async fn account_id(&self) -> Result<String, ProviderError> {
        Ok("123456789012".into())
    }
}

impl Operator for FakeAws {
    async fn reserved_concurrency(&self, _: &str, function: &str) -> Result<Option<u32>, ProviderError> {
        Ok(self.concurrency.lock().unwrap().get(function).copied().flatten())
    }

    async fn set_reserved_concurrency(
        &self,
        _: &str,
        function: &str,
        limit: Option<u32>,
    ) -> Result<(), ProviderError> {
        self.concurrency.lock().unwrap().insert(function.into(), limit);
        // Route 53 takes a while to see it.
        *self.answered_since_steer.lock().unwrap() = 0;
        Ok(())
    }

    async fn call_route(
        &self,
        _: &str,
        function: &str,
        request: &RouteRequest,
    ) -> Result<RouteResponse, ProviderError> {
        if self.concurrency.lock().unwrap().get(function) == Some(&Some(0)) {
            return Err(ProviderError::other("TooManyRequestsException: Rate Exceeded."));
        }
        let answer = |status: u16, body: serde_json::Value| RouteResponse {
            status,
            body: body.to_string(),
        };
        Ok(match (request.method.as_str(), request.resource.as_str()) {
            ("GET", "/health") => answer(200, serde_json::json!({ "status": "ok" })),
            ("POST", "/payments") => {
                let id = format!(
                    "pay_{}",
                    request
                        .headers
                        .iter()
                        .find(|(k, _)| k == "idempotency-key")
                        .map(|(_, v)| v.len())
                        .unwrap_or(0)
                );
                self.payments.lock().unwrap().insert(id.clone());
                self.markers
                    .lock()
                    .unwrap()
                    .insert(("us-east-1".into(), format!("receipts/{id}.json")));
                answer(201, serde_json::json!({ "payment": { "payment_id": id } }))
            }
            ("GET", "/payments/{id}") => {
                let id = request.path.rsplit('/').next().unwrap_or_default();
                if self.payments.lock().unwrap().contains(id) {
                    answer(200, serde_json::json!({ "payment": { "payment_id": id } }))
                } else {
                    answer(404, serde_json::json!({ "error": "not_found" }))
                }
            }
            _ => answer(404, serde_json::json!({})),
        })
    }
}
