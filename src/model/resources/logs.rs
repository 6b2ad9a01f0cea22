//! CloudWatch Logs groups.

use serde::{Deserialize, Serialize};

use super::{ResourceSpec, Tags};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogGroup {
    pub name: String,
    pub retention_days: Option<u64>,
    pub tags: Tags,
}

impl ResourceSpec for LogGroup {
    const REPLACED_BY: &'static [&'static str] = &["name"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 2;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}
