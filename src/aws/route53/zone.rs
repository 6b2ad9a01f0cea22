//! Hosted zones. A repeated CreateHostedZone with the same caller reference
//! says HostedZoneAlreadyExists rather than returning the zone, and Route 53
//! lets several zones share a name, so a create cut short is found again by
//! the zone's name (drx's names carry the stack's suffix).

use aws_sdk_route53::types::TagResourceType;

use super::*;
use crate::aws::provider::Operations;
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{HostedZone, Tags};

impl Aws {
    pub(super) async fn create_zone(&self, zone: &HostedZone, token: &str) -> Result<Applied, ProviderError> {
        let created = self
            .route53()
            .await
            .create_hosted_zone()
            .name(&zone.name)
            .caller_reference(caller_reference(token))
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

    /// The one zone of this name, if there is one.
    async fn find_zone(&self, zone: &HostedZone) -> Result<Option<Applied>, ProviderError> {
        let client = self.route53().await;
        let listed = client
            .list_hosted_zones_by_name()
            .dns_name(&zone.name)
            .send()
            .await
            .map_err(sdk_error)?;
        let wanted = format!("{}.", zone.name.trim_end_matches('.'));
        let ids: Vec<String> = listed
            .hosted_zones()
            .iter()
            .filter(|candidate| candidate.name() == wanted)
            .map(|candidate| bare(candidate.id()))
            .collect();
        let id = match ids.as_slice() {
            [] => return Ok(None),
            [id] => id.clone(),
            several => {
                return Err(ProviderError::other(format!(
                    "{} hosted zones are named {} ({}); drx cannot tell which one it made — delete the \
                     extra ones",
                    several.len(),
                    zone.name,
                    several.join(", ")
                )));
            }
        };
        let found = client.get_hosted_zone().id(&id).send().await.map_err(sdk_error)?;
        Ok(Some(zone_applied(&id, &found)))
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
}

/// A zone's record, as its create returns it: its id and name servers.
fn zone_applied(
    id: &str,
    found: &aws_sdk_route53::operation::get_hosted_zone::GetHostedZoneOutput,
) -> Applied {
    let servers = found
        .delegation_set()
        .map(|set| set.name_servers().join(","))
        .unwrap_or_default();
    Applied::new(id).with("id", id).with("name_servers", servers)
}

impl Operations<HostedZone> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NoSuchHostedZone"];

    const ALREADY_EXISTS: &'static [&'static str] = &["HostedZoneAlreadyExists"];

    async fn find(
        &self,
        _region: &str,
        desired: &HostedZone,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.find_zone(desired).await
    }

    async fn import(
        &self,
        _region: &str,
        _desired: &HostedZone,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let id = bare(id);
        let found = self
            .route53()
            .await
            .get_hosted_zone()
            .id(&id)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(zone_applied(&id, &found)))
    }

    async fn create(
        &self,
        _region: &str,
        desired: &HostedZone,
        _code: Option<&[u8]>,
        token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_zone(desired, token).await
    }

    async fn update(
        &self,
        _region: &str,
        _desired: &HostedZone,
        _before: &HostedZone,
        old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // What changes in place is its tags, which `retag` sets.
        Ok(Applied::unchanged(old))
    }

    async fn delete(
        &self,
        _region: &str,
        _recorded: &HostedZone,
        old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_zone(&old.physical_id).await
    }

    async fn read(
        &self,
        _region: &str,
        recorded: HostedZone,
        old: &ResourceState,
    ) -> Result<Option<HostedZone>, ProviderError> {
        // Only its existence can differ from what drx sent.
        Ok(self.zone_exists(&old.physical_id).await?.then_some(recorded))
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &HostedZone,
        tags: &Tags,
        removed: &[String],
        old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        self.tag(TagResourceType::Hostedzone, &old.physical_id, tags, removed)
            .await
    }
}
