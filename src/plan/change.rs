//! What a plan does to each resource, and why.

use serde::{Deserialize, Serialize};

use crate::model::Region;
use crate::model::resources::ResourceType;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Create,
    Update,
    /// Delete, then create again: an attribute AWS cannot change has changed.
    Replace,
    Delete,
    NoOp,
}

impl Action {
    /// `+`, `~`, `-/+`, `-`.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
            Action::NoOp => " ",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: String,
    #[serde(rename = "type")]
    pub resource_type: ResourceType,
    pub region: Option<Region>,
    pub action: Action,
    /// Every attribute, with its value before and after (for a create only
    /// after, for a delete only before).
    pub attributes: Vec<AttributeChange>,
    /// The attributes that force a replacement.
    pub replace_because: Vec<String>,
    /// Deleting or replacing this resource destroys the data in it; apply
    /// refuses unless told to allow it.
    pub destroys_data: bool,
    pub depends_on: Vec<String>,
    pub block: String,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeChange {
    pub name: String,
    pub before: Option<serde_json::Value>,
    /// `None` on delete. Parts known only at apply time remain as
    /// `{"template": [...]}` values.
    pub after: Option<serde_json::Value>,
    /// Whether any part of `after` is known only at apply time.
    pub known_after_apply: bool,
    pub changed: bool,
    pub forces_replacement: bool,
}

/// `Plan: 3 to add, 1 to change, 0 to destroy.`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

impl Summary {
    pub fn of(changes: &[Change]) -> Summary {
        let mut summary = Summary::default();
        for change in changes {
            match change.action {
                Action::Create => summary.add += 1,
                Action::Update => summary.change += 1,
                Action::Replace => {
                    summary.add += 1;
                    summary.destroy += 1;
                }
                Action::Delete => summary.destroy += 1,
                Action::NoOp => {}
            }
        }
        summary
    }

    pub fn is_empty(self) -> bool {
        self.add + self.change + self.destroy == 0
    }
}
