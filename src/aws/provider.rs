//! One entry point per operation, dispatching on the resource type to the
//! service files. Attributes arrive resolved: every `Val` is known.

use super::{Aws, GLOBAL_REGION};
use aws_sdk_route53::types::TagResourceType;

use crate::model::ResourceState;
use crate::model::resources::{Attributes, Resource, Tags};
use crate::model::template::Val;
use crate::model::{Applied, Provider, ProviderError};

/// The text of a resolved value.
pub(super) fn text(value: &Val) -> String {
    match value {
        Val::Known(text) => text.clone(),
        Val::Template { .. } => String::new(),
    }
}

pub(super) fn region_of(resource_region: Option<&crate::model::Region>) -> &str {
    resource_region.map_or(GLOBAL_REGION, |r| r.0.as_str())
}

/// The typed attributes recorded in state.
pub(super) fn recorded(old: &ResourceState) -> Result<Attributes, ProviderError> {
    old.typed_attributes().map_err(ProviderError::other)
}

/// A resource's tags, for the types that have them.
fn tags_of(attributes: &Attributes) -> Option<&Tags> {
    match attributes {
        Attributes::IamRole(role) => Some(&role.tags),
        Attributes::DynamodbTable(table) => Some(&table.tags),
        Attributes::S3Bucket(bucket) => Some(&bucket.tags),
        Attributes::LambdaFunction(function) => Some(&function.tags),
        Attributes::LogGroup(group) => Some(&group.tags),
        Attributes::RestApi(api) => Some(&api.tags),
        Attributes::ApiStage(stage) => Some(&stage.tags),
        Attributes::HostedZone(zone) => Some(&zone.tags),
        Attributes::HealthCheck(check) => Some(&check.tags),
        Attributes::SnsTopic(topic) => Some(&topic.tags),
        Attributes::MetricAlarm(alarm) => Some(&alarm.tags),
        _ => None,
    }
}

impl Aws {
    /// Brings an updated resource's tags from `previous`'s to `desired`'s:
    /// the new set is written and keys no longer wanted are removed (each
    /// service's tag call only adds).
    async fn retag(
        &self,
        region: &str,
        desired: &Attributes,
        previous: &Attributes,
        old: &ResourceState,
        applied: &Applied,
    ) -> Result<(), ProviderError> {
        let (Some(tags), Some(before)) = (tags_of(desired), tags_of(previous)) else {
            return Ok(());
        };
        if tags == before {
            return Ok(());
        }
        let removed: Vec<String> = before
            .keys()
            .filter(|key| !tags.contains_key(*key))
            .cloned()
            .collect();
        let arn = || {
            applied
                .outputs
                .get("arn")
                .or_else(|| old.outputs.get("arn"))
                .cloned()
                .unwrap_or_default()
        };
        match desired {
            Attributes::IamRole(role) => self.retag_role(&role.name, tags, &removed).await,
            Attributes::DynamodbTable(_) => self.retag_table(region, &arn(), tags, &removed).await,
            Attributes::LambdaFunction(_) => self.retag_function(region, &arn(), tags, &removed).await,
            Attributes::LogGroup(group) => self.retag_log_group(region, &group.name, tags, &removed).await,
            Attributes::HostedZone(_) => {
                self.tag(TagResourceType::Hostedzone, &old.physical_id, tags, &removed)
                    .await
            }
            Attributes::HealthCheck(_) => {
                self.tag(TagResourceType::Healthcheck, &old.physical_id, tags, &removed)
                    .await
            }
            Attributes::SnsTopic(_) => self.retag_topic(region, &old.physical_id, tags, &removed).await,
            Attributes::MetricAlarm(alarm) => self.retag_alarm(region, &alarm.name, tags, &removed).await,
            // A bucket's update puts its whole tag set. REST APIs and stages
            // keep the tags they were created with: the emulator has no API
            // Gateway tagging to test a retag against.
            _ => Ok(()),
        }
    }
}

/// The recorded attributes, if the resource still exists.
fn kept(exists: bool, attributes: Attributes) -> Option<Attributes> {
    exists.then_some(attributes)
}

impl Provider for Aws {
    async fn create(&self, resource: &Resource, code: Option<&[u8]>) -> Result<Applied, ProviderError> {
        let region = region_of(resource.region.as_ref());
        match &resource.attributes {
            Attributes::IamRole(role) => self.create_role(role).await,
            Attributes::IamRolePolicy(policy) => self.put_role_policy(policy).await,
            Attributes::DynamodbTable(table) => self.create_table(region, table).await,
            Attributes::DynamodbReplica(replica) => self.create_replica(replica).await,
            Attributes::S3Bucket(bucket) => self.create_bucket(region, bucket).await,
            Attributes::S3Replication(replication) => self.put_replication(region, replication).await,
            Attributes::LambdaFunction(function) => {
                self.create_function(region, function, code.unwrap_or_default())
                    .await
            }
            Attributes::LogGroup(group) => self.create_log_group(region, group).await,
            Attributes::RestApi(api) => self.create_rest_api(region, api).await,
            Attributes::ApiResource(api_resource) => self.create_api_resource(region, api_resource).await,
            Attributes::ApiRoute(route) => self.put_route(region, route).await,
            Attributes::LambdaPermission(permission) => self.add_permission(region, permission).await,
            Attributes::ApiDeployment(deployment) => self.create_deployment(region, deployment).await,
            Attributes::ApiStage(stage) => self.create_stage(region, stage).await,
            Attributes::HostedZone(zone) => self.create_zone(zone).await,
            Attributes::HealthCheck(check) => self.create_health_check(check).await,
            Attributes::DnsRecord(record) => self.upsert_record(record).await,
            Attributes::SnsTopic(topic) => self.create_topic(region, topic).await,
            Attributes::SnsSubscription(subscription) => self.subscribe(region, subscription).await,
            Attributes::MetricAlarm(alarm) => self.put_alarm(region, alarm).await,
        }
    }

    async fn update(
        &self,
        resource: &Resource,
        old: &ResourceState,
        code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        let region = region_of(resource.region.as_ref());
        let previous = recorded(old)?;
        let unchanged = || Applied {
            physical_id: old.physical_id.clone(),
            outputs: old.outputs.clone(),
        };
        let applied = match (&resource.attributes, &previous) {
            (Attributes::IamRole(role), _) => self.update_role(role).await,
            (Attributes::DynamodbTable(table), Attributes::DynamodbTable(before)) => {
                self.update_table(region, table, before).await
            }
            (Attributes::DynamodbReplica(replica), _) => self.update_replica(replica).await,
            (Attributes::S3Bucket(bucket), _) => self.configure_bucket(region, bucket).await,
            (Attributes::LambdaFunction(function), Attributes::LambdaFunction(before)) => {
                self.update_function(region, function, Some(before), code.unwrap_or_default())
                    .await
            }
            (Attributes::LogGroup(group), _) => self.update_log_group(region, group).await,
            (Attributes::RestApi(api), _) => self.update_rest_api(region, api, old).await,
            (Attributes::ApiStage(stage), _) => self.update_stage(region, stage).await,
            (Attributes::HealthCheck(check), _) => self.update_health_check(check, old).await,
            // What changes in place is their tags, set below.
            (Attributes::HostedZone(_) | Attributes::SnsTopic(_), _) => Ok(unchanged()),
            // Everything else is written whole by a put that also updates.
            _ => self.create(resource, code).await,
        }?;
        self.retag(region, &resource.attributes, &previous, old, &applied)
            .await?;
        Ok(applied)
    }

    async fn delete(&self, old: &ResourceState) -> Result<(), ProviderError> {
        let region = region_of(old.region.as_ref());
        let result = match recorded(old)? {
            Attributes::IamRole(role) => self.delete_role(&role.name).await,
            Attributes::IamRolePolicy(policy) => {
                self.delete_role_policy(&text(&policy.role), &policy.name).await
            }
            Attributes::DynamodbTable(table) => self.delete_table(region, &table.name).await,
            Attributes::DynamodbReplica(replica) => self.delete_replica(&replica).await,
            Attributes::S3Bucket(bucket) => self.delete_bucket(region, &bucket.name).await,
            Attributes::S3Replication(replication) => {
                self.delete_replication(region, &replication.bucket).await
            }
            Attributes::LambdaFunction(function) => self.delete_function(region, &function.name).await,
            Attributes::LogGroup(group) => self.delete_log_group(region, &group.name).await,
            Attributes::RestApi(_) => self.delete_rest_api(region, &old.physical_id).await,
            Attributes::ApiResource(_) => self.delete_api_resource(region, old).await,
            Attributes::ApiRoute(_) => self.delete_route(region, old).await,
            Attributes::LambdaPermission(permission) => self.remove_permission(region, &permission).await,
            Attributes::ApiDeployment(_) => self.delete_deployment(region, old).await,
            Attributes::ApiStage(stage) => self.delete_stage(region, old, &stage.stage_name).await,
            Attributes::HostedZone(_) => self.delete_zone(&old.physical_id).await,
            Attributes::HealthCheck(_) => self.delete_health_check(&old.physical_id).await,
            Attributes::DnsRecord(record) => self.delete_record(&record, old).await,
            Attributes::SnsTopic(_) => self.delete_topic(region, &old.physical_id).await,
            Attributes::SnsSubscription(_) => self.unsubscribe(region, &old.physical_id).await,
            Attributes::MetricAlarm(alarm) => self.delete_alarm(region, &alarm.name).await,
        };
        // Deleting what is already gone has succeeded.
        match result {
            Err(error) if error.is_not_found() => Ok(()),
            other => other,
        }
    }

    async fn account_id(&self) -> Result<String, ProviderError> {
        self.caller_account().await
    }

    async fn read(
        &self,
        old: &ResourceState,
        recorded: Attributes,
    ) -> Result<Option<Attributes>, ProviderError> {
        use Attributes as A;
        let region = region_of(old.region.as_ref());
        let result = match recorded {
            A::IamRole(role) => self.read_role(role).await.map(|r| r.map(A::IamRole)),
            A::IamRolePolicy(policy) => self
                .read_role_policy(policy)
                .await
                .map(|p| p.map(A::IamRolePolicy)),
            A::DynamodbTable(table) => self
                .read_table(region, table)
                .await
                .map(|t| t.map(A::DynamodbTable)),
            A::DynamodbReplica(replica) => self
                .read_replica(replica)
                .await
                .map(|r| r.map(A::DynamodbReplica)),
            A::S3Bucket(bucket) => self.read_bucket(region, bucket).await.map(|b| b.map(A::S3Bucket)),
            A::S3Replication(replication) => self
                .read_replication(region, replication)
                .await
                .map(|r| r.map(A::S3Replication)),
            A::LambdaFunction(function) => self
                .read_function(region, function, old)
                .await
                .map(|f| f.map(A::LambdaFunction)),
            A::LogGroup(group) => self
                .read_log_group(region, group)
                .await
                .map(|g| g.map(A::LogGroup)),
            A::RestApi(api) => self
                .rest_api_exists(region, &old.physical_id)
                .await
                .map(|exists| kept(exists, A::RestApi(api))),
            A::ApiResource(resource) => self
                .api_resource_exists(region, old)
                .await
                .map(|exists| kept(exists, A::ApiResource(resource))),
            A::ApiRoute(route) => self
                .read_route(region, route, old)
                .await
                .map(|r| r.map(A::ApiRoute)),
            A::LambdaPermission(permission) => self
                .permission_exists(region, &permission)
                .await
                .map(|exists| kept(exists, A::LambdaPermission(permission))),
            A::ApiDeployment(deployment) => self
                .deployment_exists(region, old)
                .await
                .map(|exists| kept(exists, A::ApiDeployment(deployment))),
            A::ApiStage(stage) => self
                .read_stage(region, stage, old)
                .await
                .map(|s| s.map(A::ApiStage)),
            A::HostedZone(zone) => self
                .zone_exists(&old.physical_id)
                .await
                .map(|exists| kept(exists, A::HostedZone(zone))),
            A::HealthCheck(check) => self
                .read_health_check(check, &old.physical_id)
                .await
                .map(|c| c.map(A::HealthCheck)),
            A::DnsRecord(record) => self.read_record(record, old).await.map(|r| r.map(A::DnsRecord)),
            A::SnsTopic(topic) => self
                .topic_exists(region, &old.physical_id)
                .await
                .map(|exists| kept(exists, A::SnsTopic(topic))),
            A::SnsSubscription(subscription) => Ok(Some(A::SnsSubscription(subscription))),
            A::MetricAlarm(alarm) => self
                .read_alarm(region, alarm)
                .await
                .map(|a| a.map(A::MetricAlarm)),
        };
        match result {
            Err(error) if error.is_not_found() => Ok(None),
            other => other,
        }
    }
}
