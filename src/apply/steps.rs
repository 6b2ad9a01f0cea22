//! The steps of an apply and the edges between them. A change becomes one
//! step (create, update, delete) or two (a replacement: delete and create);
//! each ordering AWS needs is one named rule that adds one kind of edge, in
//! the manner of OpenTofu's graph transformers. The walk knows nothing of
//! them.

use std::collections::{HashMap, HashSet};

use crate::model::ResourceState;
use crate::model::resources::{Resource, ResourceType};
use crate::plan::{Action, Plan};
use crate::state::State;

#[derive(Debug, Clone)]
pub(super) enum StepKind {
    Create(Resource),
    Update(Resource, ResourceState),
    Delete(ResourceState),
}

impl StepKind {
    /// What the step is doing, and what it did.
    pub(super) fn verb(&self) -> (&'static str, &'static str) {
        match self {
            StepKind::Create(_) => ("creating", "created"),
            StepKind::Update(..) => ("updating", "updated"),
            StepKind::Delete(_) => ("deleting", "deleted"),
        }
    }

    pub(super) fn resource_type(&self) -> ResourceType {
        match self {
            StepKind::Create(resource) | StepKind::Update(resource, _) => resource.resource_type(),
            StepKind::Delete(old) => old.resource_type,
        }
    }

    /// The resource the step brings about, if it does not delete.
    pub(super) fn desired(&self) -> Option<&Resource> {
        match self {
            StepKind::Create(resource) | StepKind::Update(resource, _) => Some(resource),
            StepKind::Delete(_) => None,
        }
    }
}

#[derive(Debug)]
pub(super) struct Step {
    pub address: String,
    pub kind: StepKind,
    /// Steps that must be done before this one starts.
    pub waits_for: Vec<usize>,
}

/// Deleting the old one waits until the new one took its place: API Gateway
/// refuses to delete a deployment a stage still points at.
fn create_before_destroy(resource_type: ResourceType) -> bool {
    resource_type == ResourceType::ApiDeployment
}

/// What the edge rules look things up in.
struct Index<'a> {
    /// The step that creates or updates each address.
    applies: HashMap<&'a str, usize>,
    /// The step that deletes each address first (not deferred).
    deletes: HashMap<&'a str, usize>,
    /// Deletes that wait for their replacement (create before destroy).
    deferred: HashSet<usize>,
    /// Each desired resource's dependencies, computed once.
    dependencies: HashMap<&'a str, Vec<String>>,
    /// For each recorded address, the recorded resources that depended on
    /// it when they were applied.
    dependents: HashMap<&'a str, Vec<&'a str>>,
}

type Rule = fn(&Index<'_>, &[Step], usize) -> Vec<usize>;

/// Every ordering an apply respects, each one rule.
const EDGE_RULES: &[(&str, Rule)] = &[
    ("references come first", references_first),
    ("a replaced resource is gone before its successor", replaced_first),
    ("create before destroy", successor_first),
    ("dependents are deleted first", dependents_deleted_first),
];

/// A create or update waits for what it reads (references and explicit
/// ordering) to be created or updated.
fn references_first(index: &Index<'_>, steps: &[Step], step: usize) -> Vec<usize> {
    let Some(resource) = steps[step].kind.desired() else {
        return Vec::new();
    };
    index.dependencies[resource.address.as_str()]
        .iter()
        .filter_map(|dependency| index.applies.get(dependency.as_str()).copied())
        .collect()
}

/// The new resource of a replacement waits for the old one to be deleted
/// (its name is free again only then).
fn replaced_first(index: &Index<'_>, steps: &[Step], step: usize) -> Vec<usize> {
    let Some(resource) = steps[step].kind.desired() else {
        return Vec::new();
    };
    index
        .deletes
        .get(resource.address.as_str())
        .filter(|delete| **delete != step)
        .copied()
        .into_iter()
        .collect()
}

/// A deferred delete waits for its successor and for everything that reads
/// the successor, so nothing points at the old one when it goes.
fn successor_first(index: &Index<'_>, steps: &[Step], step: usize) -> Vec<usize> {
    let StepKind::Delete(old) = &steps[step].kind else {
        return Vec::new();
    };
    if !index.deferred.contains(&step) {
        return Vec::new();
    }
    let mut waits: Vec<usize> = index
        .applies
        .get(old.address.as_str())
        .copied()
        .into_iter()
        .collect();
    for (address, apply) in &index.applies {
        if index
            .dependencies
            .get(address)
            .is_some_and(|dependencies| dependencies.contains(&old.address))
        {
            waits.push(*apply);
        }
    }
    waits
}

/// A delete waits until everything that depended on the deleted resource is
/// deleted too.
fn dependents_deleted_first(index: &Index<'_>, steps: &[Step], step: usize) -> Vec<usize> {
    let StepKind::Delete(old) = &steps[step].kind else {
        return Vec::new();
    };
    if index.deferred.contains(&step) {
        return Vec::new();
    }
    index
        .dependents
        .get(old.address.as_str())
        .into_iter()
        .flatten()
        .filter_map(|dependent| index.deletes.get(dependent).copied())
        .filter(|delete| *delete != step)
        .collect()
}

/// The steps that carry out `plan` from `state`, with their edges.
pub(super) fn steps(plan: &Plan, state: &State) -> Vec<Step> {
    let desired: HashMap<&str, &Resource> = plan
        .desired
        .resources
        .iter()
        .map(|r| (r.address.as_str(), r))
        .collect();
    let recorded: HashMap<&str, &ResourceState> =
        state.resources.iter().map(|r| (r.address.as_str(), r)).collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut push = |address: &str, kind: StepKind| {
        steps.push(Step {
            address: address.to_string(),
            kind,
            waits_for: Vec::new(),
        });
        steps.len() - 1
    };
    let (mut applies, mut deletes, mut deferred) = (HashMap::new(), HashMap::new(), HashSet::new());
    for change in &plan.changes {
        let address = change.address.as_str();
        let resource = desired.get(address).map(|r| (*r).clone());
        let old = recorded.get(address).map(|r| (*r).clone());
        match (change.action, resource, old) {
            (Action::Create, Some(resource), _) => {
                applies.insert(address, push(address, StepKind::Create(resource)));
            }
            (Action::Update, Some(resource), Some(old)) => {
                applies.insert(address, push(address, StepKind::Update(resource, old)));
            }
            (Action::Replace, Some(resource), Some(old)) => {
                let later = create_before_destroy(old.resource_type);
                let delete = push(address, StepKind::Delete(old));
                if later {
                    deferred.insert(delete);
                } else {
                    deletes.insert(address, delete);
                }
                applies.insert(address, push(address, StepKind::Create(resource)));
            }
            (Action::Delete, _, Some(old)) => {
                deletes.insert(address, push(address, StepKind::Delete(old)));
            }
            _ => {}
        }
    }
    let dependencies = applies
        .keys()
        .filter_map(|address| desired.get(address).map(|r| (*address, r.dependencies())))
        .collect();
    let mut dependents: HashMap<&str, Vec<&str>> = HashMap::new();
    for resource in &state.resources {
        for dependency in &resource.depends_on {
            dependents
                .entry(dependency.as_str())
                .or_default()
                .push(resource.address.as_str());
        }
    }
    let index = Index {
        applies,
        deletes,
        deferred,
        dependencies,
        dependents,
    };
    let waits: Vec<Vec<usize>> = (0..steps.len())
        .map(|step| {
            let mut waits: Vec<usize> = EDGE_RULES
                .iter()
                .flat_map(|(_, rule)| rule(&index, &steps, step))
                .collect();
            waits.sort_unstable();
            waits.dedup();
            waits
        })
        .collect();
    for (step, waits) in steps.iter_mut().zip(waits) {
        step.waits_for = waits;
    }
    steps
}
