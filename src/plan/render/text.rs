//! A plan as people read it: `+ ~ -/+ -`, attribute-level diffs, a summary.

use super::display;
use crate::plan::{Action, AttributeChange, Change, Plan};

/// The plan in Terraform's familiar layout.
pub fn text(plan: &Plan) -> String {
    let mut out = String::new();
    for failover in &plan.failovers {
        out.push_str(&format!(
            "Failover in force: {}.\n  The plan keeps it: {} probes {} until `drx failback`.\n\n",
            failover.describe(),
            failover.health_check,
            failover.steered_path
        ));
    }
    let summary = plan.summary();
    if summary.is_empty() {
        out.push_str(&format!(
            "No changes. Stack {} matches the configuration ({} resources).\n",
            plan.stack,
            plan.desired.resources.len()
        ));
        return out;
    }
    out.push_str(&format!(
        "drx will perform these actions on stack {}:\n",
        plan.stack
    ));
    out.push_str("  (+ create, ~ update in place, -/+ replace, - destroy; <…> known after apply)\n\n");
    for change in plan.changes.iter().filter(|change| change.action != Action::NoOp) {
        resource(&mut out, change);
    }
    out.push_str(&format!(
        "Plan: {} to add, {} to change, {} to destroy.\n",
        summary.add, summary.change, summary.destroy
    ));
    let losing: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|change| change.destroys_data)
        .collect();
    if !losing.is_empty() {
        out.push_str(&format!(
            "\nWarning: {} change{} destroy{} data, and apply refuses {} unless allowed explicitly:\n",
            losing.len(),
            if losing.len() == 1 { "" } else { "s" },
            if losing.len() == 1 { "s" } else { "" },
            if losing.len() == 1 { "it" } else { "them" },
        ));
        for change in losing {
            out.push_str(&format!("  {} ({})\n", change.address, verb(change.action)));
        }
    }
    out
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "will be created",
        Action::Update => "will be updated in place",
        Action::Replace => "must be replaced",
        Action::Delete => "will be destroyed",
        Action::NoOp => "is unchanged",
    }
}

fn resource(out: &mut String, change: &Change) {
    out.push_str(&format!("  # {} {}", change.address, verb(change.action)));
    if change.replace_because.iter().any(|reason| reason == "--replace") {
        out.push_str(" (requested with --replace)");
    }
    if change.destroys_data {
        out.push_str(" — DESTROYS DATA");
    }
    out.push('\n');
    out.push_str(&format!(
        "  {} {} {{\n",
        change.action.symbol(),
        change.resource_type.name()
    ));
    let width = change.attributes.iter().map(|a| a.name.len()).max().unwrap_or(0);
    let mut hidden = 0;
    for attribute in &change.attributes {
        if matches!(change.action, Action::Update | Action::Replace) && !attribute.changed {
            hidden += 1;
            continue;
        }
        line(out, change.action, attribute, width);
    }
    if hidden > 0 {
        out.push_str(&format!(
            "        # ({hidden} unchanged attribute{} hidden)\n",
            if hidden == 1 { "" } else { "s" }
        ));
    }
    out.push_str("    }\n\n");
}

fn line(out: &mut String, action: Action, attribute: &AttributeChange, width: usize) {
    let symbol = match action {
        Action::Create => "+",
        Action::Delete => "-",
        Action::Replace if attribute.before.is_none() => "+",
        _ => "~",
    };
    let name = format!("{:<width$}", attribute.name);
    let indent = "      ";
    let after = attribute.after.as_ref().map(display);
    let value = match (action, &attribute.before, &after) {
        (Action::Delete, Some(before), _) => value(before, indent),
        (Action::Create, _, Some(after)) => value(after, indent),
        (_, Some(before), Some(after)) => {
            format!("{} -> {}", value(&display(before), indent), value(after, indent))
        }
        (_, None, Some(after)) => value(after, indent),
        _ => "null".to_string(),
    };
    out.push_str(&format!("{indent}{symbol} {name} = {value}"));
    if attribute.forces_replacement {
        out.push_str(" # forces replacement");
    }
    out.push('\n');
}

/// A JSON value, indented to sit under its attribute.
fn value(value: &serde_json::Value, indent: &str) -> String {
    match value {
        serde_json::Value::Object(map) if map.is_empty() => "{}".to_string(),
        serde_json::Value::Array(items) if items.is_empty() => "[]".to_string(),
        serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
            let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
            pretty.replace('\n', &format!("\n{indent}    "))
        }
        other => other.to_string(),
    }
}
