//! Topology → AWS resources → dependency graph → changes against state.
//!
//! Planning needs no AWS credentials: it compares what the file asks for with
//! what the state says was created.

mod change;
mod diff;
mod lower;
mod plan_error;
pub mod render;
mod saved_plan;

use crate::model::Graph;
pub use change::{Action, AttributeChange, Change, Summary};
pub use lower::{Desired, StackOutput, StackOutputValue, address, lower};
pub use plan_error::{PlanCode, PlanError};
pub use saved_plan::{SavedPlan, StalePlan};

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::check::Topology;
use crate::state::State;

/// Everything apply needs: what to create, the changes, and which state the
/// changes were computed against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub stack: String,
    pub desired: Desired,
    pub changes: Vec<Change>,
    /// The state the plan was made against, if the stack was applied before.
    pub state: Option<StateVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateVersion {
    pub lineage: String,
    pub serial: u64,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.changes)
    }

    /// The dependency graph of the desired resources.
    pub fn graph(&self) -> Graph {
        Graph::new(
            self.desired
                .resources
                .iter()
                .map(|r| (r.address.as_str(), r.dependencies())),
        )
    }
}

/// The stack a topology is kept as: its name, plus whatever the naming
/// pattern adds (the environment suffix), so that `dev` and `prod` of one
/// file never share state.
pub fn stack_name(topology: &Topology) -> String {
    let extra = topology
        .naming
        .pattern
        .replace("{service}", "")
        .replace("{region}", "");
    let extra = extra.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let cleaned: String = extra
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if cleaned.is_empty() {
        topology.name.clone()
    } else {
        format!("{}-{cleaned}", topology.name)
    }
}

/// A plan that deletes everything `state` records: `drx destroy`.
pub fn destroy_plan(stack: &str, state: &State) -> Plan {
    let nothing = Desired {
        resources: Vec::new(),
        outputs: Vec::new(),
    };
    let changes = diff::diff(
        &[],
        Vec::new(),
        Vec::new(),
        &Graph::new(std::iter::empty()),
        Some(state),
        &[],
    );
    Plan {
        stack: stack.to_string(),
        desired: nothing,
        changes,
        state: Some(StateVersion {
            lineage: state.lineage.clone(),
            serial: state.serial,
        }),
    }
}

/// Plans `topology` (from a file in `base`) against `state`.
pub fn plan(topology: &Topology, base: &Path, state: Option<&State>) -> Result<Plan, Vec<PlanError>> {
    plan_with(topology, base, state, &PlanOptions::default())
}

/// What a plan is asked beyond the file and the state.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Addresses to replace even if nothing about them changed.
    pub replace: Vec<String>,
}

/// `plan`, with `options`.
pub fn plan_with(
    topology: &Topology,
    base: &Path,
    state: Option<&State>,
    options: &PlanOptions,
) -> Result<Plan, Vec<PlanError>> {
    plan_desired_with(&stack_name(topology), lower(topology, base)?, state, options)
}

/// Plans the resources of `desired` for `stack` against `state`.
pub fn plan_desired(stack: &str, desired: Desired, state: Option<&State>) -> Result<Plan, Vec<PlanError>> {
    plan_desired_with(stack, desired, state, &PlanOptions::default())
}

/// `plan_desired`, with `options`.
pub fn plan_desired_with(
    stack: &str,
    desired: Desired,
    state: Option<&State>,
    options: &PlanOptions,
) -> Result<Plan, Vec<PlanError>> {
    // Each resource's attributes as JSON, computed once: the graph reads the
    // references in them and the diff compares them with state.
    let attributes: Vec<serde_json::Value> =
        desired.resources.iter().map(|r| r.attributes.to_json()).collect();
    let dependencies: Vec<Vec<String>> = desired
        .resources
        .iter()
        .zip(&attributes)
        .map(|(r, json)| r.dependencies_given(json))
        .collect();
    let graph = Graph::new(
        desired
            .resources
            .iter()
            .zip(&dependencies)
            .map(|(r, d)| (r.address.as_str(), d.clone())),
    );
    if let Some(cycle) = graph.find_cycle() {
        let resources: Vec<&crate::model::resources::Resource> =
            cycle.iter().map(|&i| &desired.resources[i]).collect();
        return Err(vec![PlanError::DependencyCycle {
            cycle: resources.iter().map(|r| r.address.clone()).collect(),
            spans: resources.iter().map(|r| r.span).collect(),
        }]);
    }
    let changes = diff::diff(
        &desired.resources,
        attributes,
        dependencies,
        &graph,
        state,
        &options.replace,
    );
    Ok(Plan {
        stack: stack.to_string(),
        desired,
        changes,
        state: state.map(|state| StateVersion {
            lineage: state.lineage.clone(),
            serial: state.serial,
        }),
    })
}
