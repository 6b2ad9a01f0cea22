//! Attribute values that may not be known until apply time.
//!
//! Most of what AWS receives is known when planning (names, sizes, policy
//! text). Some is known only once another resource exists (a REST API's id,
//! a role's ARN) or once the account is known. `Val` carries both, so a plan
//! can show `(known after apply)` and the executor can fill the gaps in
//! dependency order.

use serde::{Deserialize, Serialize};

/// A string that may contain parts known only at apply time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Val {
    /// Fully known now.
    Known(String),
    /// Built from parts, some of them references.
    Template { template: Vec<Part> },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Text(String),
    /// An output of another resource: `{ "ref": ["address", "arn"] }`.
    Ref(String, String),
    /// The AWS account id, learned from STS at apply time.
    AccountId,
}

impl Val {
    pub fn known(text: impl Into<String>) -> Val {
        Val::Known(text.into())
    }

    /// An output of another resource.
    pub fn output(address: &str, output: &str) -> Val {
        Val::Template {
            template: vec![Part::Ref(address.to_string(), output.to_string())],
        }
    }

    /// Concatenates parts, merging adjacent text.
    pub fn concat(parts: impl IntoIterator<Item = Part>) -> Val {
        let mut merged: Vec<Part> = Vec::new();
        for part in parts {
            match (merged.last_mut(), part) {
                (Some(Part::Text(previous)), Part::Text(text)) => previous.push_str(&text),
                (_, Part::Text(text)) if text.is_empty() => {}
                (_, part) => merged.push(part),
            }
        }
        match merged.as_slice() {
            [] => Val::Known(String::new()),
            [Part::Text(text)] => Val::Known(text.clone()),
            _ => Val::Template { template: merged },
        }
    }

    pub fn parts(&self) -> Vec<Part> {
        match self {
            Val::Known(text) => vec![Part::Text(text.clone())],
            Val::Template { template } => template.clone(),
        }
    }

    /// The addresses this value reads outputs of.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        let parts: &[Part] = match self {
            Val::Known(_) => &[],
            Val::Template { template } => template,
        };
        parts.iter().filter_map(|part| match part {
            Part::Ref(address, _) => Some(address.as_str()),
            _ => None,
        })
    }

    /// The value with every part it can resolve filled in.
    pub fn resolve(&self, lookup: &dyn Fn(&Part) -> Option<String>) -> Val {
        Val::concat(self.parts().into_iter().map(|part| match &part {
            Part::Text(_) => part,
            _ => lookup(&part).map(Part::Text).unwrap_or(part),
        }))
    }

    pub fn as_known(&self) -> Option<&str> {
        match self {
            Val::Known(text) => Some(text),
            Val::Template { .. } => None,
        }
    }
}

impl From<&str> for Val {
    fn from(text: &str) -> Val {
        Val::Known(text.to_string())
    }
}

impl From<String> for Val {
    fn from(text: String) -> Val {
        Val::Known(text)
    }
}

/// Calls `visit` with every part of every template inside a JSON value
/// holding `Val`s (as serialized).
fn template_parts(json: &serde_json::Value, visit: &mut dyn FnMut(&serde_json::Value)) {
    match json {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(template)) = map.get("template") {
                template.iter().for_each(&mut *visit);
            }
            for value in map.values() {
                template_parts(value, visit);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                template_parts(item, visit);
            }
        }
        _ => {}
    }
}

/// Whether a JSON value holding `Val`s (as serialized) names the account.
pub fn names_account(json: &serde_json::Value) -> bool {
    let mut named = false;
    template_parts(json, &mut |part| named |= part == "account_id");
    named
}

/// Every reference inside a JSON value holding `Val`s (as serialized).
pub fn references_in(json: &serde_json::Value, out: &mut Vec<String>) {
    template_parts(json, &mut |part| {
        if let Some(serde_json::Value::Array(reference)) = part.get("ref")
            && let Some(serde_json::Value::String(address)) = reference.first()
        {
            out.push(address.clone());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_merges_text_and_collapses_to_known() {
        assert_eq!(
            Val::concat([Part::Text("a".into()), Part::Text("b".into())]),
            Val::known("ab")
        );
        let template = Val::concat([
            Part::Text("arn:".into()),
            Part::AccountId,
            Part::Text(":x".into()),
        ]);
        assert_eq!(template.as_known(), None);
        let resolved = template.resolve(&|part| match part {
            Part::AccountId => Some("123456789012".into()),
            _ => None,
        });
        assert_eq!(resolved, Val::known("arn:123456789012:x"));
    }

    #[test]
    fn references_are_found_in_serialized_values() {
        let value = serde_json::json!({ "role": Val::output("a.role", "arn"), "name": Val::known("x") });
        let mut found = Vec::new();
        references_in(&value, &mut found);
        assert_eq!(found, ["a.role"]);
    }

    #[test]
    fn the_account_is_found_in_serialized_values() {
        let arn = Val::concat([Part::Text("arn:".into()), Part::AccountId]);
        let named = serde_json::json!({ "statements": [{ "resources": [arn] }] });
        assert!(names_account(&named));
        let not = serde_json::json!({ "role": Val::output("a.role", "arn"), "name": "account_id" });
        assert!(!names_account(&not));
    }
}
