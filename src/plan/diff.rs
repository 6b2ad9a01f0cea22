//! Desired resources against recorded state → a change per resource.
//!
//! Resources are compared in dependency order, so that a replaced (or newly
//! created) resource makes every value read from it "known after apply" in
//! the resources that depend on it, which then change too.

use std::collections::{HashMap, HashSet};

use super::change::{Action, AttributeChange, Change};
use crate::model::Graph;
use crate::model::ResourceState;
use crate::model::resources::Resource;
use crate::model::template::{Part, contains_template, fill_templates_with, references_in};
use crate::state::State;

/// `attributes` and `dependencies` are those of `resources`, by index.
pub(super) fn diff(
    resources: &[Resource],
    mut attributes: Vec<serde_json::Value>,
    mut dependencies: Vec<Vec<String>>,
    graph: &Graph,
    state: Option<&State>,
    replace: &[String],
) -> Vec<Change> {
    let recorded: HashMap<&str, &ResourceState> = state
        .map(|state| state.resources.iter().map(|r| (r.address.as_str(), r)).collect())
        .unwrap_or_default();
    let mut changing: HashSet<String> = HashSet::new();
    let mut changes: Vec<Change> = Vec::with_capacity(resources.len());
    for index in graph.topological_order() {
        let resource = &resources[index];
        let desired = std::mem::take(&mut attributes[index]);
        let depends_on = std::mem::take(&mut dependencies[index]);
        let old = recorded.get(resource.address.as_str()).copied();
        let mut change = compare(resource, desired, depends_on, old, &changing, state);
        if old.is_some() && replace.contains(&resource.address) && change.action != Action::Create {
            change.replace_because.push("--replace".into());
            change.action = Action::Replace;
            change.destroys_data = resource.resource_type().holds_data();
        }
        if matches!(change.action, Action::Create | Action::Replace) {
            changing.insert(resource.address.clone());
        }
        changes.push(change);
    }

    let desired: HashSet<&str> = resources.iter().map(|r| r.address.as_str()).collect();
    for old in state.map(|state| state.resources.as_slice()).unwrap_or_default() {
        if desired.contains(old.address.as_str()) {
            continue;
        }
        changes.push(Change {
            address: old.address.clone(),
            resource_type: old.resource_type,
            region: old.region.clone(),
            action: Action::Delete,
            attributes: attributes_of(&old.attributes)
                .into_iter()
                .map(|(name, before)| AttributeChange {
                    name,
                    before: Some(before),
                    after: None,
                    known_after_apply: false,
                    changed: true,
                    forces_replacement: false,
                })
                .collect(),
            replace_because: Vec::new(),
            destroys_data: old.resource_type.holds_data(),
            depends_on: old.depends_on.clone(),
            block: old.address.split('.').next().unwrap_or_default().to_string(),
            span: Default::default(),
        });
    }
    changes.sort_by(|a, b| a.address.cmp(&b.address));
    changes
}

fn attributes_of(json: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    match json {
        serde_json::Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    }
}

fn into_attributes(json: serde_json::Value) -> Vec<(String, serde_json::Value)> {
    match json {
        serde_json::Value::Object(map) => map.into_iter().collect(),
        _ => Vec::new(),
    }
}

fn compare(
    resource: &Resource,
    desired: serde_json::Value,
    depends_on: Vec<String>,
    old: Option<&ResourceState>,
    changing: &HashSet<String>,
    state: Option<&State>,
) -> Change {
    let resource_type = resource.resource_type();
    let old = old.filter(|old| old.resource_type == resource_type);
    let mut attributes = Vec::new();
    let mut replace_because = Vec::new();
    let mut any_change = false;
    for (name, after) in into_attributes(desired) {
        let mut references = Vec::new();
        references_in(&after, &mut references);
        let upstream_changes = references.iter().any(|address| changing.contains(address));
        let before = old.and_then(|old| old.attributes.get(&name).cloned());
        let changed = match &before {
            None => old.is_some(),
            Some(before) => *before != after || upstream_changes,
        };
        let forces_replacement = changed && old.is_some() && resource_type.forces_replacement(&name);
        if forces_replacement {
            replace_because.push(name.clone());
        }
        any_change |= changed;
        let resolved = if contains_template(&after) {
            resolve(&after, state, changing)
        } else {
            after
        };
        let known_after_apply = contains_template(&resolved);
        attributes.push(AttributeChange {
            name,
            before,
            after: Some(resolved),
            known_after_apply,
            changed: changed || old.is_none(),
            forces_replacement,
        });
    }
    if old.is_some() {
        for other in &resource.replaced_with {
            if changing.contains(other) {
                replace_because.push(format!("{other} is replaced"));
            }
        }
    }
    let action = match old {
        None => Action::Create,
        Some(_) if !replace_because.is_empty() => Action::Replace,
        Some(_) if any_change => Action::Update,
        Some(_) => Action::NoOp,
    };
    Change {
        address: resource.address.clone(),
        resource_type,
        region: resource.region.clone(),
        action,
        attributes,
        replace_because,
        destroys_data: action == Action::Replace && resource_type.holds_data(),
        depends_on,
        block: resource.block.clone(),
        span: resource.span,
    }
}

/// Fills in what state already knows: the account id, and outputs of
/// resources that stay as they are.
fn resolve(
    value: &serde_json::Value,
    state: Option<&State>,
    changing: &HashSet<String>,
) -> serde_json::Value {
    fill_templates_with(value, &mut |template| {
        let mut text = String::new();
        for part in template.parts() {
            let piece = match part {
                Part::Text(piece) => Some(piece),
                Part::Ref(address, output) => state
                    .filter(|_| !changing.contains(&address))
                    .and_then(|state| state.resource(&address))
                    .and_then(|resource| resource.outputs.get(&output).cloned()),
                Part::AccountId => state.and_then(|state| state.account_id.clone()),
            };
            text.push_str(&piece?);
        }
        Some(text)
    })
}
