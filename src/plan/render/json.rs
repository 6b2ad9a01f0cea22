//! A plan as JSON (`drx plan --json`); the schema is in docs/plan.md.

use super::display;
use crate::plan::Plan;

pub fn json(plan: &Plan) -> serde_json::Value {
    let summary = plan.summary();
    serde_json::json!({
        "format_version": 1,
        "drx_version": env!("CARGO_PKG_VERSION"),
        "stack": plan.stack,
        "state": plan.state,
        "summary": { "add": summary.add, "change": summary.change, "destroy": summary.destroy },
        "changes": plan.changes.iter().map(|change| serde_json::json!({
            "address": change.address,
            "type": change.resource_type.name(),
            "region": change.region,
            "block": change.block,
            "action": change.action,
            "replace_because": change.replace_because,
            "destroys_data": change.destroys_data,
            "depends_on": change.depends_on,
            "attributes": change.attributes.iter().map(|attribute| serde_json::json!({
                "name": attribute.name,
                "before": attribute.before,
                "after": attribute.after.as_ref().map(display),
                "known_after_apply": attribute.known_after_apply,
                "changed": attribute.changed,
                "forces_replacement": attribute.forces_replacement,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "failovers": plan.failovers,
        "outputs": plan.desired.outputs.iter().map(|output| serde_json::json!({
            "name": output.name,
            "value": display(&serde_json::to_value(&output.value).unwrap_or_default()),
        })).collect::<Vec<_>>(),
    })
}
