//! What state remembers of a finished step, and the stack's outputs once the
//! apply is done.

use std::collections::BTreeMap;

use super::resolve::Outputs;
use super::steps::StepKind;
use crate::model::{Applied, ResourceState};
use crate::plan::{Plan, StackOutputValue};
use crate::state::State;

/// Records a finished step in `state`, and its outputs for the steps after.
pub(super) fn record(state: &mut State, outputs: &mut Outputs, kind: &StepKind, applied: Applied) {
    match kind {
        StepKind::Create(resource) | StepKind::Update(resource, _) => {
            let entry = ResourceState {
                address: resource.address.clone(),
                resource_type: resource.resource_type(),
                region: resource.region.clone(),
                physical_id: applied.physical_id,
                attributes: resource.attributes.to_json(),
                outputs: applied.outputs.clone(),
                depends_on: resource.dependencies(),
            };
            outputs
                .by_address
                .insert(resource.address.clone(), applied.outputs);
            match state.resources.iter_mut().find(|r| r.address == resource.address) {
                Some(existing) => *existing = entry,
                None => state.resources.push(entry),
            }
        }
        StepKind::Delete(old) => {
            state.resources.retain(|r| r.address != old.address);
            outputs.by_address.remove(&old.address);
        }
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
