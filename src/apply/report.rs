//! What an apply did.

use std::time::Duration;

/// One thing that happened to one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub address: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    Started(&'static str),
    Done { verb: &'static str, elapsed: Duration },
    Retrying { attempt: u32, error: String },
    Failed(String),
    Skipped(String),
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            EventKind::Started(verb) => write!(f, "{}: {verb}…", self.address),
            EventKind::Done { verb, elapsed } => {
                write!(f, "{}: {verb} ({:.1}s)", self.address, elapsed.as_secs_f64())
            }
            EventKind::Retrying { attempt, error } => {
                write!(f, "{}: retrying (attempt {attempt}): {error}", self.address)
            }
            EventKind::Failed(error) => write!(f, "{}: FAILED: {error}", self.address),
            EventKind::Skipped(reason) => write!(f, "{}: skipped: {reason}", self.address),
        }
    }
}

/// The outcome of an apply or destroy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub deleted: Vec<String>,
    /// Address and AWS's message.
    pub failed: Vec<(String, String)>,
    pub skipped: Vec<String>,
    /// Ctrl-C stopped scheduling before everything ran.
    pub interrupted: bool,
}

impl ApplyReport {
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty() && self.skipped.is_empty() && !self.interrupted
    }
}
