//! What state remembers of a finished step, and the stack's outputs once the
//! apply is done.

use std::collections::{BTreeMap, HashMap};

use super::steps::StepKind;
use crate::model::{Applied, ResourceState};
use crate::plan::{Plan, StackOutputValue};
use crate::state::Outputs;
use crate::state::{JournalRecord, Operation, PendingOperation, State};

/// Where each address is in `state.resources`, so that recording a step
/// costs the same in a stack of ten resources as in one of ten thousand.
#[derive(Debug)]
pub(super) struct Positions(HashMap<String, usize>);

impl Positions {
    pub(super) fn of(state: &State) -> Positions {
        Positions(
            state
                .resources
                .iter()
                .enumerate()
                .map(|(index, resource)| (resource.address.clone(), index))
                .collect(),
        )
    }

    fn upsert(&mut self, state: &mut State, entry: ResourceState) {
        match self.0.get(&entry.address) {
            Some(&index) => state.resources[index] = entry,
            None => {
                self.0.insert(entry.address.clone(), state.resources.len());
                state.resources.push(entry);
            }
        }
    }

    /// Removes `address`; the last resource takes its place.
    fn get(&self, address: &str) -> Option<usize> {
        self.0.get(address).copied()
    }

    fn remove(&mut self, state: &mut State, address: &str) {
        let Some(index) = self.0.remove(address) else {
            return;
        };
        state.resources.swap_remove(index);
        if let Some(moved) = state.resources.get(index) {
            self.0.insert(moved.address.clone(), index);
        }
    }
}

/// Records a finished step in `state`, and its outputs for the steps after;
/// returns what the journal records of it.
pub(super) fn record(
    state: &mut State,
    positions: &mut Positions,
    outputs: &mut Outputs,
    kind: &StepKind,
    applied: Applied,
) -> JournalRecord {
    match kind {
        StepKind::Create(resource) | StepKind::Update(resource, _) => {
            // Serialised once: the record keeps it and the dependencies are
            // read from it.
            let attributes = resource.attributes.to_json();
            let entry = ResourceState {
                address: resource.address.clone(),
                resource_type: resource.resource_type(),
                region: resource.region.clone(),
                physical_id: applied.physical_id,
                depends_on: resource.dependencies_given(&attributes),
                attributes,
                outputs: applied.outputs.clone(),
            };
            outputs
                .by_address
                .insert(resource.address.clone(), applied.outputs);
            if !state.pending.is_empty() {
                state.pending.retain(|p| p.address != resource.address);
            }
            positions.upsert(state, entry.clone());
            JournalRecord::Applied { resource: entry }
        }
        StepKind::Delete(old) => {
            // A create-before-destroy replacement recorded the successor at
            // this address already: the old one's delete leaves it.
            let successor = positions
                .get(&old.address)
                .is_some_and(|index| state.resources[index].physical_id != old.physical_id);
            if !successor {
                if !state.pending.is_empty() {
                    state.pending.retain(|p| p.address != old.address);
                }
                positions.remove(state, &old.address);
                outputs.by_address.remove(&old.address);
            }
            JournalRecord::Deleted {
                address: old.address.clone(),
                physical_id: Some(old.physical_id.clone()),
            }
        }
    }
}

/// A create's idempotency token: unique to one create of one address in one
/// stack (the serial changes with every command that writes state) and, being
/// recorded in the intent, the same when a later drx looks for what it made.
pub(super) fn create_token(state: &State, address: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{}\n{}\n{address}", state.lineage, state.serial));
    format!("drx-{}", hex::encode(&digest[..16]))
}

/// What the journal records before a step calls AWS: enough to find what AWS
/// made if no answer comes back.
pub(super) fn intent(kind: &StepKind, token: &str) -> PendingOperation {
    let (address, operation, resource_type, region, name) = match kind {
        StepKind::Create(resource) | StepKind::Update(resource, _) => (
            &resource.address,
            if matches!(kind, StepKind::Create(_)) {
                Operation::Create
            } else {
                Operation::Update
            },
            resource.resource_type(),
            &resource.region,
            resource
                .attributes
                .to_json()
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_string),
        ),
        StepKind::Delete(old) => (
            &old.address,
            Operation::Delete,
            old.resource_type,
            &old.region,
            old.attributes
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_string),
        ),
    };
    PendingOperation {
        address: address.clone(),
        operation,
        resource_type,
        region: region.clone(),
        name,
        token: (operation == Operation::Create).then(|| token.to_string()),
    }
}

/// The stack's outputs, where every part is known.
pub(super) fn stack_outputs(plan: &Plan, outputs: &Outputs) -> BTreeMap<String, serde_json::Value> {
    let mut values = BTreeMap::new();
    for output in &plan.desired.outputs {
        let value = match &output.value {
            StackOutputValue::Single(val) => outputs.value(val).map(serde_json::Value::String),
            StackOutputValue::List(vals) => vals
                .iter()
                .map(|val| outputs.value(val).map(serde_json::Value::String))
                .collect::<Result<Vec<_>, _>>()
                .map(serde_json::Value::Array),
        };
        if let Ok(value) = value {
            values.insert(output.name.clone(), value);
        }
    }
    values
}
