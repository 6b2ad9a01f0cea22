//! Refresh: every recorded resource read back through the provider, in
//! parallel, so what changed outside drx is known before planning.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::task::JoinSet;

use super::retry::retry;
use crate::model::Provider;
use crate::state::Outputs;
use crate::state::State;

/// One setting changed outside drx.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub address: String,
    pub attribute: String,
    /// As drx last applied it (references resolved).
    pub recorded: serde_json::Value,
    /// As AWS has it now.
    pub actual: serde_json::Value,
}

/// What a refresh found.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The state as AWS has it: resources that no longer exist taken out,
    /// settings changed outside drx set to their live values, so the plan
    /// sets them back.
    pub state: State,
    /// Resources deleted outside drx.
    pub missing: Vec<String>,
    /// Settings changed outside drx.
    pub drift: Vec<Drift>,
    /// Resources that could not be read: address and AWS's message.
    pub errors: Vec<(String, String)>,
}

/// Reads every recorded resource back, `parallelism` at a time.
pub async fn refresh<P: Provider>(state: &State, provider: Arc<P>, parallelism: usize) -> Refreshed {
    let outputs = Outputs::of(state);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(parallelism.max(1)));
    let mut reads = JoinSet::new();
    let mut errors = Vec::new();
    for resource in state.resources.clone() {
        let typed = match resource.typed_attributes() {
            Ok(typed) => typed,
            Err(error) => {
                errors.push((resource.address.clone(), error));
                continue;
            }
        };
        // References are resolved as they were when applied, so that what
        // AWS has compares with what drx sent.
        let recorded = outputs.attributes(&typed).unwrap_or(typed);
        let (provider, semaphore) = (provider.clone(), semaphore.clone());
        reads.spawn(async move {
            let _permit = semaphore.acquire().await;
            let live = retry(|| provider.read(&resource, recorded.clone()), |_, _| {}).await;
            (resource.address, recorded, live)
        });
    }
    let mut refreshed = state.clone();
    let position: HashMap<String, usize> = refreshed
        .resources
        .iter()
        .enumerate()
        .map(|(index, r)| (r.address.clone(), index))
        .collect();
    let (mut missing, mut drift) = (Vec::new(), Vec::new());
    while let Some(Ok((address, recorded, live))) = reads.join_next().await {
        match live {
            Ok(None) => missing.push(address),
            Ok(Some(live)) => {
                let (recorded, live) = (recorded.to_json(), live.to_json());
                let entry = &mut refreshed.resources[position[&address]];
                for (attribute, actual) in live.as_object().into_iter().flatten() {
                    let before = recorded.get(attribute).cloned().unwrap_or_default();
                    if before != *actual {
                        entry.attributes[attribute] = actual.clone();
                        drift.push(Drift {
                            address: address.clone(),
                            attribute: attribute.clone(),
                            recorded: before,
                            actual: actual.clone(),
                        });
                    }
                }
            }
            Err(error) => errors.push((address, error.to_string())),
        }
    }
    missing.sort();
    drift.sort_by(|a, b| (&a.address, &a.attribute).cmp(&(&b.address, &b.attribute)));
    errors.sort();
    let gone: HashSet<&String> = missing.iter().collect();
    refreshed.resources.retain(|r| !gone.contains(&r.address));
    Refreshed {
        state: refreshed,
        missing,
        drift,
        errors,
    }
}
