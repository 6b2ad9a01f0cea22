//! Reconciliation: before a plan is made, every operation a crash left
//! pending is resolved against AWS. A pending create is looked up
//! (`Provider::find`) and adopted into state when AWS has it, so the plan
//! neither makes it twice nor leaves the first one behind; when AWS does not
//! have it, the plan creates it. A pending update or delete left the old
//! record in place, so the plan does it again (a delete of what is already
//! gone has succeeded).

use std::sync::Arc;

use super::retry::retry;
use crate::model::resources::{Resolved, Resource};
use crate::model::{Provider, ResourceState};
use crate::plan::Plan;
use crate::state::Outputs;
use crate::state::{Operation, PendingOperation, State};

/// What reconciliation did.
#[derive(Debug, Clone, Default)]
pub struct Reconciled {
    /// Creates AWS had done: now recorded, with the AWS id.
    pub adopted: Vec<(String, String)>,
    /// Creates AWS had not done: the plan makes them.
    pub not_found: Vec<String>,
    /// Still pending, and why: the file no longer asks for it, a value it
    /// needs is not recorded, or AWS could not be asked.
    pub unresolved: Vec<(String, String)>,
}

/// Resolves `state`'s pending operations against what `plan` wants. A crash
/// leaves pending only what was in flight, and a create starts only once what
/// it reads is recorded; but a journal can say more (pending creates that read
/// each other), so creates are resolved in rounds until one adopts nothing.
pub async fn reconcile<P: Provider>(plan: &Plan, state: &mut State, provider: Arc<P>) -> Reconciled {
    let mut reconciled = Reconciled::default();
    let mut outputs = Outputs::of(state);
    let mut waiting: Vec<PendingOperation> = Vec::new();
    for pending in std::mem::take(&mut state.pending) {
        if pending.operation == Operation::Create && state.resource(&pending.address).is_none() {
            waiting.push(pending);
        }
    }
    loop {
        let mut progress = false;
        let mut unresolved = Vec::new();
        for pending in std::mem::take(&mut waiting) {
            match resolve_create(plan, &outputs, &provider, &pending).await {
                Resolution::Adopted(record) => {
                    reconciled
                        .adopted
                        .push((record.address.clone(), record.physical_id.clone()));
                    outputs
                        .by_address
                        .insert(record.address.clone(), record.outputs.clone());
                    state.resources.push(record);
                    progress = true;
                }
                Resolution::NotFound => reconciled.not_found.push(pending.address.clone()),
                Resolution::Unresolved(why) => unresolved.push((pending, why)),
            }
        }
        if !progress || unresolved.is_empty() {
            for (pending, why) in unresolved {
                reconciled.unresolved.push((pending.address.clone(), why));
                state.pending.push(pending);
            }
            return reconciled;
        }
        waiting = unresolved.into_iter().map(|(pending, _)| pending).collect();
    }
}

enum Resolution {
    Adopted(ResourceState),
    NotFound,
    Unresolved(String),
}

/// Looks one pending create up in AWS.
async fn resolve_create<P: Provider>(
    plan: &Plan,
    outputs: &Outputs,
    provider: &Arc<P>,
    pending: &PendingOperation,
) -> Resolution {
    let Some(resource) = plan
        .desired
        .resources
        .iter()
        .find(|r| r.address == pending.address)
    else {
        return Resolution::Unresolved(
            "the file no longer declares it; if AWS made it, it is not managed".into(),
        );
    };
    let resolved = outputs.attributes(&resource.attributes).and_then(|attributes| {
        Resolved::new(Resource {
            attributes,
            ..resource.clone()
        })
    });
    let resolved = match resolved {
        Ok(resolved) => resolved,
        Err(why) => return Resolution::Unresolved(why),
    };
    match retry(|| provider.find(&resolved, pending.token.as_deref()), |_, _| {}).await {
        Ok(Some(applied)) => Resolution::Adopted(ResourceState {
            address: resource.address.clone(),
            resource_type: resource.resource_type(),
            region: resource.region.clone(),
            physical_id: applied.physical_id,
            attributes: resource.attributes.to_json(),
            outputs: applied.outputs,
            depends_on: resource.dependencies(),
        }),
        Ok(None) => Resolution::NotFound,
        Err(error) => Resolution::Unresolved(error.to_string()),
    }
}
