//! Import: an existing AWS resource adopted into state at the address the file
//! gives it, as if drx had made it. What is recorded is what the file declares
//! there, so the next plan's refresh reads the resource back and shows only
//! how it differs from the file.

use std::sync::Arc;

use super::retry::retry;
use crate::model::resources::{Attributes, Resource};
use crate::model::{Provider, ResourceState};
use crate::plan::Plan;
use crate::state::Outputs;
use crate::state::State;

/// Why an import was refused; nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the state already records {address} ({id}); `drx state rm {address}` first to import another")]
    AlreadyManaged { address: String, id: String },
    #[error("the file declares no {address}{hint}")]
    NotDeclared { address: String, hint: String },
    #[error("AWS has no {resource_type} with the id {id} (in {region})")]
    NotFound {
        resource_type: &'static str,
        id: String,
        region: String,
    },
    #[error("{id} is already recorded, as {address}: one AWS resource is managed at one address")]
    Duplicate { id: String, address: String },
    #[error("cannot import {address}: {why}")]
    Provider { address: String, why: String },
}

/// Looks `id` up as the resource `plan` declares at `address` and records it
/// in `state`.
pub async fn import<P: Provider>(
    plan: &Plan,
    state: &mut State,
    provider: Arc<P>,
    address: &str,
    id: &str,
) -> Result<ResourceState, ImportError> {
    if let Some(recorded) = state.resource(address) {
        return Err(ImportError::AlreadyManaged {
            address: address.to_string(),
            id: recorded.physical_id.clone(),
        });
    }
    let Some(resource) = plan.desired.resources.iter().find(|r| r.address == address) else {
        let declared = plan.desired.resources.iter().map(|r| r.address.as_str());
        let hint = crate::suggest::did_you_mean(address, declared)
            .map(|close| format!("; did you mean `{close}`?"))
            .unwrap_or_else(|| "; `drx plan` shows every address".into());
        return Err(ImportError::NotDeclared {
            address: address.to_string(),
            hint,
        });
    };
    // The account, as an apply learns it: values name it (ARNs), and the
    // next plan can compare them only once it is known.
    if state.account_id.is_none() {
        let account = retry(|| provider.account_id(), |_, _| {})
            .await
            .map_err(|error| ImportError::Provider {
                address: address.to_string(),
                why: error.to_string(),
            })?;
        state.account_id = Some(account);
    }
    // References to what is recorded already are filled in; the rest stay
    // empty, and the id says what the lookup needs.
    let outputs = Outputs::of(state);
    let filled: Attributes = serde_json::from_value(outputs.recorded(&resource.attributes.to_json()))
        .unwrap_or_else(|_| resource.attributes.clone());
    let lookup = Resource {
        attributes: filled,
        ..resource.clone()
    };
    let found = retry(|| provider.import(&lookup, id), |_, _| {})
        .await
        .map_err(|error| ImportError::Provider {
            address: address.to_string(),
            why: error.to_string(),
        })?;
    let Some(applied) = found else {
        return Err(ImportError::NotFound {
            resource_type: resource.resource_type().name(),
            id: id.to_string(),
            region: resource
                .region
                .as_ref()
                .map_or_else(|| "its global region".to_string(), |r| r.0.clone()),
        });
    };
    if let Some(other) = state
        .resources
        .iter()
        .find(|r| r.resource_type == resource.resource_type() && r.physical_id == applied.physical_id)
    {
        return Err(ImportError::Duplicate {
            id: applied.physical_id,
            address: other.address.clone(),
        });
    }
    let record = ResourceState {
        address: resource.address.clone(),
        resource_type: resource.resource_type(),
        region: resource.region.clone(),
        physical_id: applied.physical_id,
        attributes: resource.attributes.to_json(),
        outputs: applied.outputs,
        depends_on: resource.dependencies(),
    };
    state.resources.push(record.clone());
    Ok(record)
}
