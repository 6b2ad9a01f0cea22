//! Reconciliation: before a plan is made, every operation a crash left
//! pending is resolved against AWS. A pending create is looked up
//! (`Provider::find`) and adopted into state when AWS has it, so the plan
//! neither makes it twice nor leaves the first one behind; when AWS does not
//! have it, the plan creates it. A pending update or delete left the old
//! record in place, so the plan does it again (a delete of what is already
//! gone has succeeded).

use std::sync::Arc;

use super::resolve::Outputs;
use super::retry::retry;
use crate::model::resources::{Resolved, Resource};
use crate::model::{Provider, ResourceState};
use crate::plan::Plan;
use crate::state::{Operation, State};

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

/// Resolves `state`'s pending operations against what `plan` wants.
pub async fn reconcile<P: Provider>(plan: &Plan, state: &mut State, provider: Arc<P>) -> Reconciled {
    let mut reconciled = Reconciled::default();
    let outputs = Outputs::of(state);
    for pending in std::mem::take(&mut state.pending) {
        if pending.operation != Operation::Create || state.resource(&pending.address).is_some() {
            continue;
        }
        let Some(resource) = plan
            .desired
            .resources
            .iter()
            .find(|r| r.address == pending.address)
        else {
            reconciled.unresolved.push((
                pending.address.clone(),
                "the file no longer declares it; if AWS made it, it is not managed".into(),
            ));
            state.pending.push(pending);
            continue;
        };
        let resolved = outputs.attributes(&resource.attributes).and_then(|attributes| {
            Resolved::new(Resource {
                attributes,
                ..resource.clone()
            })
        });
        let resolved = match resolved {
            Ok(resolved) => resolved,
            Err(why) => {
                reconciled.unresolved.push((pending.address.clone(), why));
                state.pending.push(pending);
                continue;
            }
        };
        match retry(|| provider.find(&resolved), |_, _| {}).await {
            Ok(Some(applied)) => {
                reconciled
                    .adopted
                    .push((resource.address.clone(), applied.physical_id.clone()));
                state.resources.push(ResourceState {
                    address: resource.address.clone(),
                    resource_type: resource.resource_type(),
                    region: resource.region.clone(),
                    physical_id: applied.physical_id,
                    attributes: resource.attributes.to_json(),
                    outputs: applied.outputs,
                    depends_on: resource.dependencies(),
                });
            }
            Ok(None) => reconciled.not_found.push(resource.address.clone()),
            Err(error) => {
                reconciled
                    .unresolved
                    .push((pending.address.clone(), error.to_string()));
                state.pending.push(pending);
            }
        }
    }
    reconciled
}
