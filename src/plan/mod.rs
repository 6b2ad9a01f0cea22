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
use crate::state::{FailoverRecord, State};

/// Everything apply needs: what to create, the changes, and which state the
/// changes were computed against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub stack: String,
    pub desired: Desired,
    pub changes: Vec<Change>,
    /// The state the plan was made against, if the stack was applied before.
    pub state: Option<StateVersion>,
    /// Failovers in force, which the plan keeps (see `keep_failovers`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failovers: Vec<FailoverRecord>,
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
        failovers: state.failovers.clone(),
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
    mut desired: Desired,
    state: Option<&State>,
    options: &PlanOptions,
) -> Result<Plan, Vec<PlanError>> {
    if let Some(state) = state {
        keep_failovers(&mut desired, state);
    }
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
        failovers: state.map(|s| s.failovers.clone()).unwrap_or_default(),
    })
}

/// While a failover is recorded, whatever its phase, the health check it
/// steers is planned as the state records it (as refreshed from AWS): a
/// plan neither undoes a failover in force nor re-steers one `drx failback`
/// is undoing. Everything else about the check still follows the file.
fn keep_failovers(desired: &mut Desired, state: &State) {
    use crate::model::resources::Attributes;
    for failover in &state.failovers {
        let recorded = state
            .resources
            .iter()
            .find(|r| r.address == failover.health_check)
            .and_then(|r| r.typed_attributes().ok());
        let Some(Attributes::HealthCheck(recorded)) = recorded else {
            continue;
        };
        for resource in &mut desired.resources {
            if resource.address == failover.health_check
                && let Attributes::HealthCheck(check) = &mut resource.attributes
            {
                check.resource_path = recorded.resource_path.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceState;
    use crate::model::resources::{Attributes, HealthCheck, HealthCheckType, Resource};
    use crate::model::template::Val;
    use crate::state::{FailoverPhase, FailoverRecord};

    fn check(path: &str) -> Resource {
        Resource {
            address: "api.health_check".into(),
            region: None,
            attributes: Attributes::HealthCheck(HealthCheck {
                check_type: HealthCheckType::Https,
                fqdn: Val::known("a.execute-api.us-east-1.amazonaws.com"),
                port: 443,
                resource_path: Some(path.into()),
                request_interval: 30,
                failure_threshold: 3,
                tags: Default::default(),
            }),
            depends_on: vec![],
            replaced_with: vec![],
            block: "api".into(),
            span: Default::default(),
        }
    }

    fn applied(resource: &Resource) -> ResourceState {
        ResourceState {
            address: resource.address.clone(),
            resource_type: resource.resource_type(),
            region: None,
            physical_id: "hc-1".into(),
            attributes: resource.attributes.to_json(),
            outputs: [("id".to_string(), "hc-1".to_string())].into(),
            depends_on: vec![],
        }
    }

    fn desired(path: &str) -> Desired {
        Desired {
            resources: vec![check(path)],
            outputs: vec![],
        }
    }

    #[test]
    fn a_plan_keeps_a_failover_in_force_and_shows_it() {
        let steered = "/prod/health/drx-failover-in-force";
        let mut state = State::new("stack");
        state.resources.push(applied(&check(steered)));
        // Without a failover recorded, the steered path is drift to undo.
        let plan = plan_desired("stack", desired("/prod/health"), Some(&state)).unwrap();
        assert_eq!(plan.summary().change, 1);

        state.failovers.push(FailoverRecord {
            failover: "api".into(),
            domain: "api.example.test".into(),
            from: "us-east-1".into(),
            to: "us-east-2".into(),
            health_check: "api.health_check".into(),
            steered_path: steered.into(),
            phase: FailoverPhase::InForce,
            by: "arn:aws:iam::123456789012:user/alice".into(),
            host: "laptop".into(),
            since: "2026-12-01T19:00:00Z".into(),
            reason: Some("drill".into()),
            forced: false,
            drill: false,
            took_seconds: Some(1.5),
        });
        let plan = plan_desired("stack", desired("/prod/health"), Some(&state)).unwrap();
        assert!(plan.summary().is_empty(), "{:?}", plan.changes);
        let text = render::text(&plan);
        assert!(
            text.starts_with("Failover in force: api.example.test failed over from us-east-1 to us-east-2"),
            "{text}"
        );
        assert_eq!(render::json(&plan)["failovers"][0]["to"], "us-east-2");

        // Other changes to the check still follow the file.
        let mut changed = desired("/prod/health");
        if let Attributes::HealthCheck(check) = &mut changed.resources[0].attributes {
            check.failure_threshold = 2;
        }
        let plan = plan_desired("stack", changed, Some(&state)).unwrap();
        let change = &plan.changes[0];
        let names: Vec<&str> = change
            .attributes
            .iter()
            .filter(|a| a.changed)
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["failure_threshold"]);
    }
}
