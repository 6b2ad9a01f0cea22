//! Route 53: hosted zones, health checks and failover records.

mod health_check;
mod record;
mod zone;

use aws_sdk_route53::types::{Tag, TagResourceType};

use super::{Aws, GLOBAL_REGION, ProviderError, sdk_error};

/// Route 53 ids come back as `/hostedzone/Z123`; ARNs and calls use `Z123`.
fn bare(id: &str) -> String {
    id.rsplit('/').next().unwrap_or(id).to_string()
}

/// The create's token as Route 53's `CallerReference`: the same on every
/// retry of one create, so a repeated CreateHealthCheck returns the check
/// the first made and a repeated CreateHostedZone says it exists; never
/// the same for two creates (Route 53 refuses the reference of a deleted
/// check). At most 128 characters.
fn caller_reference(token: &str) -> &str {
    let mut end = token.len().min(128);
    while !token.is_char_boundary(end) {
        end -= 1;
    }
    &token[..end]
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
}
