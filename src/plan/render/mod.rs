//! Plans for people (Terraform-style text), for programs (JSON), and the
//! resource graph (Graphviz dot, Mermaid).

mod graph;
mod json;
mod text;

pub use graph::{dot, mermaid};
pub use json::json;
pub use text::text;

/// A value for display: parts known only at apply time become `<…>`.
pub(crate) fn display(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(template)) = map.get("template") {
                let mut text = String::new();
                for part in template {
                    match part {
                        serde_json::Value::Object(part) => {
                            if let Some(serde_json::Value::String(t)) = part.get("text") {
                                text.push_str(t);
                            } else if let Some(serde_json::Value::Array(reference)) = part.get("ref") {
                                let address = reference.first().and_then(|a| a.as_str()).unwrap_or_default();
                                let output = reference.get(1).and_then(|o| o.as_str()).unwrap_or_default();
                                text.push_str(&format!("<{address}.{output}>"));
                            }
                        }
                        serde_json::Value::String(tag) if tag == "account_id" => {
                            text.push_str("<account id>")
                        }
                        _ => {}
                    }
                }
                return serde_json::Value::String(text);
            }
            serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), display(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(display).collect()),
        other => other.clone(),
    }
}
