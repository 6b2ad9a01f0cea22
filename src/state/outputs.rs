//! Filling in what was known only at apply time: the account id and the
//! outputs of resources applied earlier in dependency order. Kept with the
//! state, which records both: apply fills what it creates from it, and the
//! operations on a live stack fill what they touch.

use std::collections::{BTreeMap, HashMap};

use super::State;
use crate::model::resources::Attributes;
use crate::model::template::{Part, Val, fill_templates, fill_templates_with};

/// Known outputs, by address.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    pub account_id: String,
    pub by_address: HashMap<String, BTreeMap<String, String>>,
}

impl Outputs {
    /// What a state knows: its account and every recorded resource's outputs.
    pub fn of(state: &State) -> Outputs {
        Outputs {
            account_id: state.account_id.clone().unwrap_or_default(),
            by_address: state
                .resources
                .iter()
                .map(|r| (r.address.clone(), r.outputs.clone()))
                .collect(),
        }
    }

    pub fn value(&self, value: &Val) -> Result<String, String> {
        let mut text = String::new();
        for part in value.parts() {
            match part {
                Part::Text(chunk) => text.push_str(&chunk),
                Part::AccountId => text.push_str(&self.account_id),
                Part::Ref(address, output) => {
                    let found = self
                        .by_address
                        .get(&address)
                        .and_then(|outputs| outputs.get(&output))
                        .ok_or_else(|| format!("{address} has no output {output} yet"))?;
                    text.push_str(found);
                }
            }
        }
        Ok(text)
    }

    /// Recorded attributes (as JSON, references unresolved) with every value
    /// that can be known filled in: what a delete needs to name what it
    /// deletes.
    pub fn recorded(&self, attributes: &serde_json::Value) -> serde_json::Value {
        fill_templates_with(attributes, &mut |template| self.value(template).ok())
    }

    /// The attributes with every value known.
    pub fn attributes(&self, attributes: &Attributes) -> Result<Attributes, String> {
        let json = serde_json::to_value(attributes).map_err(|e| e.to_string())?;
        let resolved = fill_templates(&json, &mut |template| self.value(template).map(Some))?;
        serde_json::from_value(resolved).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_account_and_references() {
        let mut outputs = Outputs {
            account_id: "123456789012".into(),
            ..Outputs::default()
        };
        outputs.by_address.insert(
            "api.rest_api@us-east-1".into(),
            BTreeMap::from([("id".to_string(), "abc".to_string())]),
        );
        let val = Val::concat([
            Part::Text("arn:".into()),
            Part::AccountId,
            Part::Text(":".into()),
            Part::Ref("api.rest_api@us-east-1".into(), "id".into()),
        ]);
        assert_eq!(outputs.value(&val), Ok("arn:123456789012:abc".to_string()));
        assert!(outputs.value(&Val::output("missing", "id")).is_err());
    }
}
