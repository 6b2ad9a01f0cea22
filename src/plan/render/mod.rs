//! Plans for people (Terraform-style text), for programs (JSON), and the
//! resource graph (Graphviz dot, Mermaid).

mod graph;
mod json;
mod text;

pub use graph::{dot, mermaid};
pub use json::json;
pub use text::text;

use crate::model::template::{Part, fill_templates_with};

/// A value for display: parts known only at apply time become `<…>`.
pub(crate) fn display(value: &serde_json::Value) -> serde_json::Value {
    fill_templates_with(value, &mut |template| {
        Some(
            template
                .parts()
                .into_iter()
                .map(|part| match part {
                    Part::Text(text) => text,
                    Part::Ref(address, output) => format!("<{address}.{output}>"),
                    Part::AccountId => "<account id>".to_string(),
                })
                .collect(),
        )
    })
}
