//! Route 53: hosted zones, health checks and failover records.

use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, HealthCheckConfig, HealthCheckType, ResourceRecord, ResourceRecordSet,
    ResourceRecordSetFailover, RrType, Tag, TagResourceType,
};

use super::iam::build_error;
use super::provider::text;
use super::{Aws, GLOBAL_REGION, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{DnsRecord, HealthCheck, HostedZone};
use crate::model::template::Val;

/// Route 53 ids come back as `/hostedzone/Z123`; ARNs and calls use `Z123`.
fn bare(id: &str) -> String {
    id.rsplit('/').next().unwrap_or(id).to_string()
}

/// A unique, idempotency-safe caller reference.
fn caller_reference(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("drx-{what}-{nanos}")
}

impl Aws {
    async fn route53(&self) -> aws_sdk_route53::Client {
        aws_sdk_route53::Client::new(&self.config(GLOBAL_REGION).await)
    }

    /// Sets `tags` and removes the `removed` keys, in one call.
    pub(super) async fn tag(
        &self,
        kind: TagResourceType,
        id: &str,
        tags: &crate::model::resources::Tags,
        removed: &[String],
    ) -> Result<(), ProviderError> {
        if tags.is_empty() && removed.is_empty() {
            return Ok(());
        }
        let mut request = self
            .route53()
            .await
            .change_tags_for_resource()
            .resource_type(kind)
            .resource_id(id);
        for (key, value) in tags {
            request = request.add_tags(Tag::builder().key(key).value(value).build());
        }
        for key in removed {
            request = request.remove_tag_keys(key);
        }
        request.send().await.map_err(sdk_error)?;
        Ok(())
    }

    pub(super) async fn create_zone(&self, zone: &HostedZone) -> Result<Applied, ProviderError> {
        let created = self
            .route53()
            .await
            .create_hosted_zone()
            .name(&zone.name)
            .caller_reference(caller_reference("zone"))
            .hosted_zone_config(
                aws_sdk_route53::types::HostedZoneConfig::builder()
                    .comment(&zone.comment)
                    .build(),
            )
            .send()
            .await
            .map_err(sdk_error)?;
        let id = bare(created.hosted_zone.as_ref().map(|z| z.id()).unwrap_or_default());
        let servers = created
            .delegation_set
            .map(|set| set.name_servers().join(","))
            .unwrap_or_default();
        self.tag(TagResourceType::Hostedzone, &id, &zone.tags, &[])
            .await?;
        Ok(Applied::new(&id)
            .with("id", id.clone())
            .with("name_servers", servers))
    }

    pub(super) async fn delete_zone(&self, id: &str) -> Result<(), ProviderError> {
        self.route53()
            .await
            .delete_hosted_zone()
            .id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub(super) async fn zone_exists(&self, id: &str) -> Result<bool, ProviderError> {
        self.route53()
            .await
            .get_hosted_zone()
            .id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(true)
    }

    pub(super) async fn create_health_check(&self, check: &HealthCheck) -> Result<Applied, ProviderError> {
        let mut config = HealthCheckConfig::builder()
            .r#type(HealthCheckType::from(check.check_type.as_str()))
            .fully_qualified_domain_name(text(&check.fqdn))
            .port(check.port as i32)
            .request_interval(check.request_interval as i32)
            .failure_threshold(check.failure_threshold as i32);
        if let Some(path) = &check.resource_path {
            config = config.resource_path(path);
        }
        let created = self
            .route53()
            .await
            .create_health_check()
            .caller_reference(caller_reference("check"))
            .health_check_config(config.build().map_err(build_error)?)
            .send()
            .await
            .map_err(sdk_error)?;
        let id = created.health_check.map(|c| c.id).unwrap_or_default();
        self.tag(TagResourceType::Healthcheck, &id, &check.tags, &[])
            .await?;
        Ok(Applied::new(&id).with("id", id.clone()))
    }

    pub(super) async fn update_health_check(
        &self,
        check: &HealthCheck,
        old: &ResourceState,
    ) -> Result<Applied, ProviderError> {
        let mut request = self
            .route53()
            .await
            .update_health_check()
            .health_check_id(&old.physical_id)
            .fully_qualified_domain_name(text(&check.fqdn))
            .port(check.port as i32)
            .failure_threshold(check.failure_threshold as i32);
        if let Some(path) = &check.resource_path {
            request = request.resource_path(path);
        }
        request.send().await.map_err(sdk_error)?;
        Ok(Applied {
            physical_id: old.physical_id.clone(),
            outputs: old.outputs.clone(),
        })
    }

    pub(super) async fn delete_health_check(&self, id: &str) -> Result<(), ProviderError> {
        self.route53()
            .await
            .delete_health_check()
            .health_check_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The health check's live configuration.
    pub(super) async fn read_health_check(
        &self,
        mut check: HealthCheck,
        id: &str,
    ) -> Result<Option<HealthCheck>, ProviderError> {
        let found = self
            .route53()
            .await
            .get_health_check()
            .health_check_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(config) = found.health_check().and_then(|c| c.health_check_config()) else {
            return Ok(None);
        };
        check.check_type = config.r#type().as_str().to_string();
        if let Some(fqdn) = config.fully_qualified_domain_name() {
            check.fqdn = Val::known(fqdn);
        }
        if let Some(port) = config.port() {
            check.port = port as u64;
        }
        check.resource_path = config.resource_path().map(str::to_string);
        if let Some(interval) = config.request_interval() {
            check.request_interval = interval as u64;
        }
        if let Some(threshold) = config.failure_threshold() {
            check.failure_threshold = threshold as u64;
        }
        Ok(Some(check))
    }

    fn record_set(
        record: &DnsRecord,
        value: &str,
        health_check: Option<&str>,
    ) -> Result<ResourceRecordSet, ProviderError> {
        let mut set = ResourceRecordSet::builder()
            .name(&record.name)
            .r#type(RrType::from(record.record_type.as_str()))
            .ttl(record.ttl as i64)
            .set_identifier(&record.set_identifier)
            .failover(ResourceRecordSetFailover::from(record.failover.as_str()))
            .resource_records(
                ResourceRecord::builder()
                    .value(value)
                    .build()
                    .map_err(build_error)?,
            );
        if let Some(check) = health_check.filter(|c| !c.is_empty()) {
            set = set.health_check_id(check);
        }
        set.build().map_err(build_error)
    }

    async fn change_record(
        &self,
        zone: &str,
        action: ChangeAction,
        set: ResourceRecordSet,
    ) -> Result<(), ProviderError> {
        self.route53()
            .await
            .change_resource_record_sets()
            .hosted_zone_id(zone)
            .change_batch(
                ChangeBatch::builder()
                    .changes(
                        Change::builder()
                            .action(action)
                            .resource_record_set(set)
                            .build()
                            .map_err(build_error)?,
                    )
                    .build()
                    .map_err(build_error)?,
            )
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub(super) async fn upsert_record(&self, record: &DnsRecord) -> Result<Applied, ProviderError> {
        let (zone, value) = (text(&record.zone), text(&record.value));
        let health_check = record.health_check.as_ref().map(text);
        self.change_record(
            &zone,
            ChangeAction::Upsert,
            Self::record_set(record, &value, health_check.as_deref())?,
        )
        .await?;
        // A DELETE must repeat the record exactly: keep what was sent.
        Ok(
            Applied::new(format!("{zone}/{}/{}", record.name, record.set_identifier))
                .with("zone", zone)
                .with("value", value)
                .with("health_check", health_check.unwrap_or_default()),
        )
    }

    pub(super) async fn delete_record(
        &self,
        record: &DnsRecord,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        let get = |key: &str| old.outputs.get(key).cloned().unwrap_or_default();
        let set = Self::record_set(record, &get("value"), Some(&get("health_check")))?;
        let result = self.change_record(&get("zone"), ChangeAction::Delete, set).await;
        match result {
            // Route 53 answers InvalidChangeBatch for a record that is gone.
            Err(error)
                if error.code.as_deref() == Some("InvalidChangeBatch")
                    && error.message.contains("not found") =>
            {
                Ok(())
            }
            other => other,
        }
    }

    /// The record's live TTL, failover role, health check and value.
    pub(super) async fn read_record(
        &self,
        mut record: DnsRecord,
        old: &ResourceState,
    ) -> Result<Option<DnsRecord>, ProviderError> {
        let zone = old.outputs.get("zone").cloned().unwrap_or_default();
        let listed = self
            .route53()
            .await
            .list_resource_record_sets()
            .hosted_zone_id(&zone)
            .start_record_name(&record.name)
            .send()
            .await
            .map_err(sdk_error)?;
        let wanted = record.name.trim_end_matches('.');
        let Some(set) = listed.resource_record_sets().iter().find(|set| {
            set.name().trim_end_matches('.') == wanted
                && set.set_identifier() == Some(record.set_identifier.as_str())
        }) else {
            return Ok(None);
        };
        if let Some(ttl) = set.ttl() {
            record.ttl = ttl as u64;
        }
        if let Some(failover) = set.failover() {
            record.failover = failover.as_str().to_string();
        }
        record.health_check = set.health_check_id().map(Val::known);
        // Route 53 may answer a name with its trailing dot.
        let live = set
            .resource_records()
            .first()
            .map(|r| r.value().trim_end_matches('.'))
            .unwrap_or_default();
        if live != text(&record.value).trim_end_matches('.') {
            record.value = Val::known(live);
        }
        Ok(Some(record))
    }
}
