//! A fake provider for the executor's tests: resources live in a map, every
//! call is logged with when it started and ended, calls in flight are
//! counted, and errors can be scripted per address.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use crate::model::resources::{Attributes, Resolved, Resource};
use crate::model::{Applied, ErrorKind, Provider, ProviderError, ResourceState};

/// One call the fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Call {
    pub address: String,
    pub operation: &'static str,
    /// Ticks of one clock shared by every call: a call that `started` after
    /// another `ended` ran after it.
    pub started: u64,
    pub ended: u64,
}

#[derive(Debug, Default)]
struct Inner {
    clock: u64,
    calls: Vec<Call>,
    in_flight: usize,
    most_in_flight: usize,
    /// What exists, by address: the attributes it was given.
    live: BTreeMap<String, Attributes>,
    /// The token each live resource's create was given.
    tokens: BTreeMap<String, String>,
    /// Errors to answer with, in turn, before the address succeeds.
    scripted: HashMap<String, VecDeque<ErrorKind>>,
    /// Addresses that always fail.
    broken: Vec<String>,
    account_lookups: usize,
}

#[derive(Debug, Default)]
pub(super) struct FakeProvider {
    inner: Mutex<Inner>,
    /// How long every call takes.
    latency: Duration,
}

impl FakeProvider {
    pub(super) fn new(latency: Duration) -> FakeProvider {
        FakeProvider {
            inner: Mutex::default(),
            latency,
        }
    }

    /// `address` fails with these kinds of error, one call each, then works.
    pub(super) fn script(self, address: &str, errors: &[ErrorKind]) -> FakeProvider {
        self.lock()
            .scripted
            .insert(address.to_string(), errors.iter().copied().collect());
        self
    }

    /// Every call on `address` fails for good.
    pub(super) fn broken(self, address: &str) -> FakeProvider {
        self.lock().broken.push(address.to_string());
        self
    }

    pub(super) fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    pub(super) fn most_in_flight(&self) -> usize {
        self.lock().most_in_flight
    }

    pub(super) fn live(&self) -> BTreeMap<String, Attributes> {
        self.lock().live.clone()
    }

    pub(super) fn account_lookups(&self) -> usize {
        self.lock().account_lookups
    }

    /// Changes a live resource behind the executor's back.
    pub(super) fn tamper(&self, address: &str, attributes: Option<Attributes>) {
        let mut inner = self.lock();
        match attributes {
            Some(attributes) => inner.live.insert(address.to_string(), attributes),
            None => inner.live.remove(address),
        };
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Logs a call around `work`, which runs at its end.
    async fn call<T>(
        &self,
        address: &str,
        operation: &'static str,
        work: impl FnOnce(&mut Inner) -> Result<T, ProviderError>,
    ) -> Result<T, ProviderError> {
        // The account lookup runs beside the steps, outside their bound.
        let counted = operation != "account";
        let started = {
            let mut inner = self.lock();
            inner.clock += 1;
            if counted {
                inner.in_flight += 1;
                inner.most_in_flight = inner.most_in_flight.max(inner.in_flight);
            }
            inner.clock
        };
        tokio::time::sleep(self.latency).await;
        let mut inner = self.lock();
        inner.clock += 1;
        if counted {
            inner.in_flight -= 1;
        }
        let ended = inner.clock;
        inner.calls.push(Call {
            address: address.to_string(),
            operation,
            started,
            ended,
        });
        if inner.broken.iter().any(|b| b == address) {
            return Err(ProviderError::other(format!("{address} is broken")));
        }
        if let Some(kind) = inner.scripted.get_mut(address).and_then(VecDeque::pop_front) {
            return Err(ProviderError::new(kind, format!("scripted {kind:?}")));
        }
        work(&mut inner)
    }
}

fn applied(resource: &Resource) -> Applied {
    Applied::new(format!("id-{}", resource.address)).with("arn", format!("arn:fake:{}", resource.address))
}

impl Provider for FakeProvider {
    async fn create(
        &self,
        resource: &Resolved,
        _code: Option<&[u8]>,
        token: &str,
    ) -> Result<Applied, ProviderError> {
        self.call(&resource.address, "create", |inner| {
            inner
                .live
                .insert(resource.address.clone(), resource.attributes.clone());
            inner.tokens.insert(resource.address.clone(), token.to_string());
            Ok(applied(resource))
        })
        .await
    }

    async fn update(
        &self,
        resource: &Resolved,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.call(&resource.address, "update", |inner| {
            inner
                .live
                .insert(resource.address.clone(), resource.attributes.clone());
            Ok(applied(resource))
        })
        .await
    }

    async fn delete(&self, old: &ResourceState) -> Result<(), ProviderError> {
        self.call(&old.address, "delete", |inner| {
            inner.live.remove(&old.address);
            Ok(())
        })
        .await
    }

    async fn read(
        &self,
        old: &ResourceState,
        _recorded: Attributes,
    ) -> Result<Option<Attributes>, ProviderError> {
        self.call(&old.address, "read", |inner| {
            Ok(inner.live.get(&old.address).cloned())
        })
        .await
    }

    /// Found by address, as AWS finds by name; a token, when given, must be
    /// the create's, as Route 53 matches a caller reference.
    async fn find(&self, desired: &Resolved, token: Option<&str>) -> Result<Option<Applied>, ProviderError> {
        self.call(&desired.address, "find", |inner| {
            let same_token =
                token.is_none_or(|token| inner.tokens.get(&desired.address).is_some_and(|t| t == token));
            Ok((inner.live.contains_key(&desired.address) && same_token).then(|| applied(desired)))
        })
        .await
    }

    async fn import(&self, desired: &Resource, id: &str) -> Result<Option<Applied>, ProviderError> {
        self.call(&desired.address, "import", |inner| {
            Ok(
                (inner.live.contains_key(&desired.address) && applied(desired).physical_id == id)
                    .then(|| applied(desired)),
            )
        })
        .await
    }

    async fn account_id(&self) -> Result<String, ProviderError> {
        self.call("(account)", "account", |inner| {
            inner.account_lookups += 1;
            Ok("123456789012".to_string())
        })
        .await
    }
}
