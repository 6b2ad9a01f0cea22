//! The provider interface: how a resource is created, read, updated and
//! deleted, and the errors that come back, classified by what the caller
//! should do about them. `aws::Aws` implements it against AWS; the
//! executor's tests implement it with a fake.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;

use super::ResourceState;
use super::resources::{Attributes, Resolved, Resource};

/// What the provider said about a resource it created or updated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    pub physical_id: String,
    /// Outputs others read (ARNs, ids), and what deleting it later needs.
    pub outputs: BTreeMap<String, String>,
}

impl Applied {
    pub fn new(physical_id: impl Into<String>) -> Applied {
        Applied {
            physical_id: physical_id.into(),
            outputs: BTreeMap::new(),
        }
    }

    /// What an update in place leaves: the resource as it was recorded,
    /// its id and outputs unchanged.
    pub fn unchanged(old: &ResourceState) -> Applied {
        Applied {
            physical_id: old.physical_id.clone(),
            outputs: old.outputs.clone(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Applied {
        self.outputs.insert(key.to_string(), value.into());
        self
    }
}

/// Creates, updates, deletes and reads resources. What is created or
/// updated arrives `Resolved`: every template value is known.
pub trait Provider: Send + Sync + 'static {
    /// `token` is unique to this create and the same on every retry of it:
    /// where AWS takes an idempotency token (Route 53's `CallerReference`),
    /// this is it, so a repeated create returns what the first one made.
    fn create(
        &self,
        resource: &Resolved,
        code: Option<&[u8]>,
        token: &str,
    ) -> impl Future<Output = Result<Applied, ProviderError>> + Send;
    fn update(
        &self,
        resource: &Resolved,
        old: &ResourceState,
        code: Option<&[u8]>,
    ) -> impl Future<Output = Result<Applied, ProviderError>> + Send;
    /// `old` is the record, with its references filled in where they can
    /// be.
    fn delete(&self, old: &ResourceState) -> impl Future<Output = Result<(), ProviderError>> + Send;
    /// The resource as it exists now: `recorded` (its attributes as last
    /// applied, resolved) with every setting that can be read back replaced
    /// by its live value; `None` when it no longer exists.
    fn read(
        &self,
        old: &ResourceState,
        recorded: Attributes,
    ) -> impl Future<Output = Result<Option<Attributes>, ProviderError>> + Send;
    /// The resource `desired` describes, if AWS already has it, as its
    /// create would have returned it: how a create a crash cut short is
    /// resolved. `token` is the one that create was given, when known.
    fn find(
        &self,
        desired: &Resolved,
        token: Option<&str>,
    ) -> impl Future<Output = Result<Option<Applied>, ProviderError>> + Send;
    /// The resource AWS knows by `id` (each type's id is in `docs/apply.md`),
    /// as its create would have returned it; `None` when there is none. How
    /// `drx import` adopts what drx did not make. `desired` is what the file
    /// declares there; references it cannot resolve yet are left unfilled.
    fn import(
        &self,
        desired: &Resource,
        id: &str,
    ) -> impl Future<Output = Result<Option<Applied>, ProviderError>> + Send;
    /// The account the credentials belong to.
    fn account_id(&self) -> impl Future<Output = Result<String, ProviderError>> + Send;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Slow down and try again.
    Throttling,
    /// A 5xx, a timeout or a dropped connection: try again.
    Transient,
    /// Eventual consistency (a new IAM role not yet assumable, a Lambda
    /// update in progress): try again after a pause.
    NotYet,
    /// The resource does not exist.
    NotFound,
    /// Anything else: report it.
    Other,
}

/// An error from a provider, with the service's own code when it sent one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    pub kind: ErrorKind,
    pub code: Option<String>,
    pub message: String,
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ProviderError {}

impl ProviderError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ProviderError {
        ProviderError {
            kind,
            code: None,
            message: message.into(),
        }
    }

    pub fn other(message: impl Into<String>) -> ProviderError {
        ProviderError::new(ErrorKind::Other, message)
    }

    pub fn not_yet(message: impl Into<String>) -> ProviderError {
        ProviderError::new(ErrorKind::NotYet, message)
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// Whether trying again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Throttling | ErrorKind::Transient | ErrorKind::NotYet
        )
    }
}
