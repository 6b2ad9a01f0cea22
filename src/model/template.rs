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

/// The template a JSON object holds, if it is one (`{"template": [...]}`, as
/// `Val` serializes).
fn template_of(map: &serde_json::Map<String, serde_json::Value>) -> Option<Val> {
    if !map.contains_key("template") {
        return None;
    }
    serde_json::from_value(serde_json::Value::Object(map.clone())).ok()
}

/// The one walk over attributes as JSON (as they are in plans and state):
/// `visit` sees every template value inside `json`.
pub fn visit_templates(json: &serde_json::Value, visit: &mut dyn FnMut(&Val)) {
    match json {
        serde_json::Value::Object(map) => match template_of(map) {
            Some(template) => visit(&template),
            None => map.values().for_each(|value| visit_templates(value, visit)),
        },
        serde_json::Value::Array(items) => items.iter().for_each(|item| visit_templates(item, visit)),
        _ => {}
    }
}

/// The one rewriting walk: `json` with every template value replaced by the
/// JSON `map` gives it; one `map` leaves as it is (`Ok(None)`) stays.
fn map_templates<E>(
    json: &serde_json::Value,
    map: &mut dyn FnMut(&Val) -> Result<Option<serde_json::Value>, E>,
) -> Result<serde_json::Value, E> {
    Ok(match json {
        serde_json::Value::Object(object) => match template_of(object) {
            Some(template) => map(&template)?.unwrap_or_else(|| json.clone()),
            None => serde_json::Value::Object(
                object
                    .iter()
                    .map(|(key, value)| Ok((key.clone(), map_templates(value, map)?)))
                    .collect::<Result<_, E>>()?,
            ),
        },
        serde_json::Value::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|item| map_templates(item, map))
                .collect::<Result<_, E>>()?,
        ),
        other => other.clone(),
    })
}

/// `json` with every template value replaced by the text `fill` gives it;
/// one `fill` leaves as it is (`Ok(None)`) stays a template.
pub fn fill_templates<E>(
    json: &serde_json::Value,
    fill: &mut dyn FnMut(&Val) -> Result<Option<String>, E>,
) -> Result<serde_json::Value, E> {
    map_templates(json, &mut |template| {
        Ok(fill(template)?.map(serde_json::Value::String))
    })
}

/// `fill_templates` for a `fill` that cannot fail.
pub fn fill_templates_with(
    json: &serde_json::Value,
    fill: &mut dyn FnMut(&Val) -> Option<String>,
) -> serde_json::Value {
    match fill_templates::<std::convert::Infallible>(json, &mut |template| Ok(fill(template))) {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// `json` with every reference to `from` made a reference to `to`: what
/// moving an address in state does to the resources that read it.
pub fn rename_references(json: &serde_json::Value, from: &str, to: &str) -> serde_json::Value {
    let renamed = map_templates::<std::convert::Infallible>(json, &mut |template| {
        let parts = template.parts().into_iter().map(|part| match part {
            Part::Ref(address, output) if address == from => Part::Ref(to.to_string(), output),
            other => other,
        });
        Ok(serde_json::to_value(Val::concat(parts)).ok())
    });
    match renamed {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// Whether a JSON value holding `Val`s has any part not yet known.
pub fn contains_template(json: &serde_json::Value) -> bool {
    let mut found = false;
    visit_templates(json, &mut |_| found = true);
    found
}

/// Whether a JSON value holding `Val`s (as serialized) names the account.
pub fn names_account(json: &serde_json::Value) -> bool {
    let mut named = false;
    visit_templates(json, &mut |template| {
        named |= template.parts().contains(&Part::AccountId)
    });
    named
}

/// Every reference inside a JSON value holding `Val`s (as serialized).
pub fn references_in(json: &serde_json::Value, out: &mut Vec<String>) {
    visit_templates(json, &mut |template| {
        out.extend(template.references().map(str::to_string))
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
