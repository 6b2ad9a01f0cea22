//! A plan saved with `drx plan -o plan.json`, to be applied later exactly as
//! reviewed — or refused if the file or the state moved on since.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Plan, StateVersion};
use crate::state::State;

const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format_version: u32,
    pub drx_version: String,
    /// The .drx file the plan was made from, and a hash of its text.
    pub source_file: String,
    pub source_sha256: String,
    pub plan: Plan,
    /// The state the plan was computed against, as refreshed from AWS: what
    /// changed outside drx is in it, so applying sets exactly that back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_state: Option<State>,
}

/// Why a saved plan may no longer be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StalePlan {
    #[error("{file} changed after the plan was made; plan again")]
    SourceChanged { file: String },
    #[error(
        "the state changed after the plan was made (planned against {}, now {}); plan again",
        describe(planned),
        describe(current)
    )]
    StateChanged {
        planned: Option<StateVersion>,
        current: Option<StateVersion>,
    },
    #[error("the plan is for stack {planned}, not {current}")]
    OtherStack { planned: String, current: String },
    #[error("cannot read saved plan {path}: {reason}")]
    Unreadable { path: String, reason: String },
}

fn describe(version: &Option<StateVersion>) -> String {
    match version {
        Some(version) => format!("serial {} of lineage {}", version.serial, version.lineage),
        None => "no state".to_string(),
    }
}

pub(crate) fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl SavedPlan {
    pub fn new(plan: Plan, source_file: &str, source_text: &str, prior_state: Option<State>) -> SavedPlan {
        SavedPlan {
            format_version: FORMAT_VERSION,
            drx_version: env!("CARGO_PKG_VERSION").to_string(),
            source_file: source_file.to_string(),
            source_sha256: sha256(source_text),
            plan,
            prior_state,
        }
    }

    /// The state to apply from: the refreshed one the plan was made
    /// against, when it is of the state found now (`check_fresh` has
    /// compared that with the plan), else the one found now.
    pub fn starting_state(&self, found: Option<State>) -> Option<State> {
        match (&self.prior_state, &found) {
            (Some(prior), Some(found)) if prior.lineage == found.lineage && prior.serial == found.serial => {
                Some(prior.clone())
            }
            _ => found,
        }
    }

    pub fn read(path: &Path) -> Result<SavedPlan, StalePlan> {
        let unreadable = |reason: String| StalePlan::Unreadable {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
        let saved: SavedPlan = serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?;
        if saved.format_version != FORMAT_VERSION {
            return Err(unreadable(format!(
                "format version {} (this drx reads {FORMAT_VERSION})",
                saved.format_version
            )));
        }
        Ok(saved)
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let temporary = path.with_extension("tmp");
        // It holds the state (ids, outputs): readable by its owner only, as
        // the state file is.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        std::io::Write::write_all(&mut options.open(&temporary)?, (text + "\n").as_bytes())?;
        std::fs::rename(&temporary, path)
    }

    /// Whether the plan still describes what applying it would do: the same
    /// source text, and the same state it was computed against.
    pub fn check_fresh(&self, source_text: &str, state: Option<&State>) -> Result<(), StalePlan> {
        if sha256(source_text) != self.source_sha256 {
            return Err(StalePlan::SourceChanged {
                file: self.source_file.clone(),
            });
        }
        let current = state.map(|state| StateVersion {
            lineage: state.lineage.clone(),
            serial: state.serial,
        });
        if current != self.plan.state {
            return Err(StalePlan::StateChanged {
                planned: self.plan.state.clone(),
                current,
            });
        }
        if let Some(state) = state
            && state.stack != self.plan.stack
        {
            return Err(StalePlan::OtherStack {
                planned: self.plan.stack.clone(),
                current: state.stack.clone(),
            });
        }
        Ok(())
    }
}
