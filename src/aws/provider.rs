//! `Aws` as a `model::Provider`: each operation dispatched, by the resource
//! catalog, to the `Operations` its type implements in its service file.
//! Attributes arrive resolved: every `Val` is known.

use std::future::Future;

use super::{Aws, GLOBAL_REGION};
// Every type of the catalog, by the names the catalog gives them.
#[allow(clippy::wildcard_imports)]
use crate::model::resources::*;
use crate::model::template::Val;
use crate::model::{Applied, ErrorKind, Provider, ProviderError, ResourceState};

/// How one resource type is created, read, updated, deleted and tagged in
/// AWS. Every method is required: a type added to the catalog without all
/// of them does not compile.
pub(super) trait Operations<K: ResourceSpec> {
    /// The error codes with which AWS says a resource of this type does not
    /// exist: a delete of it has succeeded, a read finds it gone.
    const NOT_FOUND: &'static [&'static str];

    /// The error codes with which a create says the resource exists
    /// already. A retried create that an earlier attempt made gets one; it is
    /// resolved by `find`, not reported.
    const ALREADY_EXISTS: &'static [&'static str] = &[];

    /// `token` is unique to this create and the same on each retry of it.
    fn create(
        &self,
        region: &str,
        desired: &K,
        code: Option<&[u8]>,
        token: &str,
    ) -> impl Future<Output = Result<Applied, ProviderError>> + Send;

    /// `before` is the resource as last applied; `old` its record.
    fn update(
        &self,
        region: &str,
        desired: &K,
        before: &K,
        old: &ResourceState,
        code: Option<&[u8]>,
    ) -> impl Future<Output = Result<Applied, ProviderError>> + Send;

    fn delete(
        &self,
        region: &str,
        recorded: &K,
        old: &ResourceState,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;

    /// `recorded` with every setting that can be read back replaced by its
    /// live value; `None` when the resource no longer exists.
    fn read(
        &self,
        region: &str,
        recorded: K,
        old: &ResourceState,
    ) -> impl Future<Output = Result<Option<K>, ProviderError>> + Send;

    /// The resource `desired` describes, if AWS has it, as its create would
    /// have returned it. Where drx chooses the id (a name), it is looked up
    /// by that; where AWS assigns one, by what drx gave the create that
    /// AWS keeps (a REST API's name, a health check's caller reference `token`,
    /// a deployment's description).
    fn find(
        &self,
        region: &str,
        desired: &K,
        token: Option<&str>,
    ) -> impl Future<Output = Result<Option<Applied>, ProviderError>> + Send;

    /// The resource AWS knows by `id`, as its create would have returned it
    /// (`drx import`). `desired` is what the file declares, its unresolved
    /// references empty; where the file chooses the id (a name), an `id`
    /// that is not it is refused, since the next plan would replace it.
    fn import(
        &self,
        region: &str,
        desired: &K,
        id: &str,
    ) -> impl Future<Output = Result<Option<Applied>, ProviderError>> + Send;

    /// Brings an updated resource's tags to `tags`, removing the `removed`
    /// keys (each service's tag call only adds). `arn` is the resource's ARN
    /// where it has one.
    fn retag(
        &self,
        region: &str,
        desired: &K,
        tags: &Tags,
        removed: &[String],
        old: &ResourceState,
        arn: &str,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;
}

/// The text of a value of a `Resolved` resource, where every value is
/// known (a template cannot reach a provider).
pub(super) fn text(value: &Val) -> String {
    match value {
        Val::Known(text) => text.clone(),
        Val::Template { .. } => String::new(),
    }
}

/// Refuses to import `id` where the file names the resource `declared`:
/// the name is how AWS knows it, so the next plan would replace it.
pub(super) fn named(id: &str, declared: &str) -> Result<(), ProviderError> {
    if id == declared || declared.is_empty() {
        return Ok(());
    }
    Err(ProviderError::other(format!(
        "the file names it {declared}, so importing {id} would only replace it; import {declared}, or \
         change the name in the file"
    )))
}

pub(super) fn region_of(resource_region: Option<&crate::model::Region>) -> &str {
    resource_region.map_or(GLOBAL_REGION, |r| r.0.as_str())
}

/// An error of an operation on a `K`, with AWS's "no such resource" for
/// that type said as such.
fn classified<K: ResourceSpec>(error: ProviderError) -> ProviderError
where
    Aws: Operations<K>,
{
    let gone = error
        .code
        .as_deref()
        .is_some_and(|code| <Aws as Operations<K>>::NOT_FOUND.contains(&code));
    if gone {
        ProviderError {
            kind: ErrorKind::NotFound,
            ..error
        }
    } else {
        error
    }
}

/// A lookup that AWS answered with "no such resource" found none.
fn gone_is_none(found: Result<Option<Applied>, ProviderError>) -> Result<Option<Applied>, ProviderError> {
    match found {
        Err(error) if error.is_not_found() => Ok(None),
        other => other,
    }
}

impl Aws {
    /// A create; one that AWS says exists already is looked up, so that a
    /// retry of a create whose answer was lost (by drx or by the SDK, which
    /// retries on its own) returns what the first attempt made.
    async fn create_kind<K: ResourceSpec>(
        &self,
        region: &str,
        desired: &K,
        code: Option<&[u8]>,
        token: &str,
    ) -> Result<Applied, ProviderError>
    where
        Aws: Operations<K>,
    {
        match Operations::create(self, region, desired, code, token).await {
            Ok(applied) => Ok(applied),
            Err(error)
                if error
                    .code
                    .as_deref()
                    .is_some_and(|code| <Aws as Operations<K>>::ALREADY_EXISTS.contains(&code)) =>
            {
                match gone_is_none(
                    Operations::find(self, region, desired, Some(token))
                        .await
                        .map_err(classified::<K>),
                )? {
                    Some(applied) => Ok(applied),
                    None => Err(error),
                }
            }
            Err(error) => Err(classified::<K>(error)),
        }
    }

    async fn update_kind<K: ResourceSpec>(
        &self,
        region: &str,
        desired: &K,
        before: &K,
        old: &ResourceState,
        code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError>
    where
        Aws: Operations<K>,
    {
        let applied = Operations::update(self, region, desired, before, old, code)
            .await
            .map_err(classified::<K>)?;
        if let (Some(tags), Some(previous)) = (desired.tags(), before.tags())
            && tags != previous
        {
            let removed: Vec<String> = previous
                .keys()
                .filter(|key| !tags.contains_key(*key))
                .cloned()
                .collect();
            let arn = applied
                .outputs
                .get("arn")
                .or_else(|| old.outputs.get("arn"))
                .cloned()
                .unwrap_or_default();
            Operations::retag(self, region, desired, tags, &removed, old, &arn)
                .await
                .map_err(classified::<K>)?;
        }
        Ok(applied)
    }

    async fn delete_kind<K: ResourceSpec>(
        &self,
        region: &str,
        recorded: &K,
        old: &ResourceState,
    ) -> Result<(), ProviderError>
    where
        Aws: Operations<K>,
    {
        match Operations::delete(self, region, recorded, old)
            .await
            .map_err(classified::<K>)
        {
            // Deleting what is already gone has succeeded.
            Err(error) if error.is_not_found() => Ok(()),
            other => other,
        }
    }

    async fn read_kind<K: ResourceSpec>(
        &self,
        region: &str,
        recorded: K,
        old: &ResourceState,
    ) -> Result<Option<K>, ProviderError>
    where
        Aws: Operations<K>,
    {
        match Operations::read(self, region, recorded, old)
            .await
            .map_err(classified::<K>)
        {
            Err(error) if error.is_not_found() => Ok(None),
            other => other,
        }
    }
}

/// The provider's dispatch, from the catalog: one arm per type.
macro_rules! define_provider {
    ($($variant:ident($kind:ty) = $name:literal $(| $old:literal)?),* $(,)?) => {
        impl Provider for Aws {
            async fn create(&self, resource: &Resolved, code: Option<&[u8]>, token: &str) -> Result<Applied, ProviderError> {
                let region = region_of(resource.region.as_ref());
                match &resource.attributes {
                    $(Attributes::$variant(desired) => self.create_kind::<$kind>(region, desired, code, token).await,)*
                }
            }

            async fn update(
                &self,
                resource: &Resolved,
                old: &ResourceState,
                code: Option<&[u8]>,
            ) -> Result<Applied, ProviderError> {
                let region = region_of(resource.region.as_ref());
                let before = old.typed_attributes().map_err(ProviderError::other)?;
                match (&resource.attributes, &before) {
                    $((Attributes::$variant(desired), Attributes::$variant(before)) => {
                        self.update_kind::<$kind>(region, desired, before, old, code).await
                    })*
                    _ => Err(ProviderError::other(format!(
                        "{} is recorded as a {}, not a {}",
                        resource.address,
                        before.resource_type(),
                        resource.resource_type()
                    ))),
                }
            }

            async fn delete(&self, old: &ResourceState) -> Result<(), ProviderError> {
                let region = region_of(old.region.as_ref());
                match old.typed_attributes().map_err(ProviderError::other)? {
                    $(Attributes::$variant(recorded) => self.delete_kind::<$kind>(region, &recorded, old).await,)*
                }
            }

            async fn read(&self, old: &ResourceState, recorded: Attributes) -> Result<Option<Attributes>, ProviderError> {
                let region = region_of(old.region.as_ref());
                match recorded {
                    $(Attributes::$variant(recorded) => Ok(self
                        .read_kind::<$kind>(region, recorded, old)
                        .await?
                        .map(Attributes::$variant)),)*
                }
            }

            async fn find(&self, desired: &Resolved, token: Option<&str>) -> Result<Option<Applied>, ProviderError> {
                let region = region_of(desired.region.as_ref());
                match &desired.attributes {
                    $(Attributes::$variant(kind) => gone_is_none(Operations::<$kind>::find(self, region, kind, token)
                        .await
                        .map_err(classified::<$kind>)),)*
                }
            }

            async fn import(&self, desired: &Resource, id: &str) -> Result<Option<Applied>, ProviderError> {
                let region = region_of(desired.region.as_ref());
                match &desired.attributes {
                    $(Attributes::$variant(kind) => gone_is_none(Operations::<$kind>::import(self, region, kind, id)
                        .await
                        .map_err(classified::<$kind>)),)*
                }
            }

            async fn account_id(&self) -> Result<String, ProviderError> {
                self.caller_account().await
            }
        }
    };
}

resource_catalog!(define_provider);

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: &str) -> ProviderError {
        ProviderError {
            kind: ErrorKind::Other,
            code: Some(code.into()),
            message: String::new(),
        }
    }

    #[test]
    fn each_type_says_what_not_found_is() {
        assert!(classified::<IamRole>(error("NoSuchEntity")).is_not_found());
        assert!(classified::<S3Bucket>(error("NoSuchBucket")).is_not_found());
        assert!(classified::<HealthCheck>(error("NoSuchHealthCheck")).is_not_found());
        // Another service's "not found" is not this type's.
        assert!(!classified::<IamRole>(error("NoSuchBucket")).is_not_found());
        assert!(!classified::<DynamoTable>(error("ValidationException")).is_not_found());
    }
}
