//! Stack outputs: values resolved at apply time and shown by `drx output`.

use serde::{Deserialize, Serialize};

use super::Lowering;
use crate::check::topology::{Output, OutputValue};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackOutput {
    pub name: String,
    pub value: StackOutputValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StackOutputValue {
    Single(Val),
    List(Vec<Val>),
}

impl Lowering<'_> {
    pub(super) fn output(&self, output: &Output) -> StackOutput {
        // Region-pinned references carry their region, so none is needed here.
        let value = match &output.value {
            OutputValue::Single(text) => StackOutputValue::Single(self.text(text, None)),
            OutputValue::List(texts) => {
                StackOutputValue::List(texts.iter().map(|text| self.text(text, None)).collect())
            }
        };
        StackOutput {
            name: output.name.clone(),
            value,
        }
    }
}
