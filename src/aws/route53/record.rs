//! Failover record sets.

use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, ResourceRecordSetFailover, RrType,
};

use super::bare;
use crate::aws::iam::build_error;
use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{self, DnsRecord, Tags};
use crate::model::template::Val;

impl Aws {
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
            record.failover = resources::FailoverRole::from_aws(failover.as_str());
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

impl Operations<DnsRecord> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NoSuchHostedZone"];

    async fn find(
        &self,
        region: &str,
        desired: &DnsRecord,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        let id = format!(
            "{}/{}/{}",
            text(&desired.zone),
            desired.name,
            desired.set_identifier
        );
        self.import(region, desired, &id).await
    }

    async fn import(
        &self,
        _region: &str,
        desired: &DnsRecord,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let mut split = id.splitn(3, '/');
        let (Some(zone), Some(name), Some(set_identifier)) = (split.next(), split.next(), split.next())
        else {
            return Err(ProviderError::other(format!(
                "a failover record is imported as ZONE_ID/NAME/SET_IDENTIFIER, not {id}"
            )));
        };
        named(name.trim_end_matches('.'), desired.name.trim_end_matches('.'))?;
        named(set_identifier, &desired.set_identifier)?;
        let zone = bare(zone);
        let listed = self
            .route53()
            .await
            .list_resource_record_sets()
            .hosted_zone_id(&zone)
            .start_record_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        let wanted = name.trim_end_matches('.');
        let Some(set) = listed.resource_record_sets().iter().find(|set| {
            set.name().trim_end_matches('.') == wanted && set.set_identifier() == Some(set_identifier)
        }) else {
            return Ok(None);
        };
        // What a DELETE must repeat, as the live record has it.
        let value = set
            .resource_records()
            .first()
            .map(|r| r.value().to_string())
            .unwrap_or_default();
        Ok(Some(
            Applied::new(format!("{zone}/{}/{set_identifier}", desired.name))
                .with("zone", zone)
                .with("value", value)
                .with("health_check", set.health_check_id().unwrap_or_default()),
        ))
    }

    async fn create(
        &self,
        _region: &str,
        desired: &DnsRecord,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.upsert_record(desired).await
    }

    async fn update(
        &self,
        _region: &str,
        desired: &DnsRecord,
        _before: &DnsRecord,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // An UPSERT replaces the record set.
        self.upsert_record(desired).await
    }

    async fn delete(
        &self,
        _region: &str,
        recorded: &DnsRecord,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_record(recorded, old).await
    }

    async fn read(
        &self,
        _region: &str,
        recorded: DnsRecord,
        old: &ResourceState,
    ) -> Result<Option<DnsRecord>, ProviderError> {
        self.read_record(recorded, old).await
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &DnsRecord,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
