//! What drx has created: the state of a stack, and where it is kept.
//!
//! The state is the only record of which physical resource belongs to which
//! address, so nothing a crash can do may lose it: the document is written
//! whole atomically (temporary file, fsync, rename) with the previous version
//! kept as a backup, readable by its owner only; between two such writes a
//! journal records every operation's intent and result, one fsync'd line
//! each, and reading replays it; and one writer at a time holds an OS lock
//! that no dead process keeps.

mod backend;
mod drill_record;
mod failover_record;
mod journal;
mod lock;
mod memory;
mod outputs;
mod stack_state;
mod state_error;
mod store;

pub use crate::model::Location;
pub use backend::{LocalBackend, parse_document};
pub use drill_record::{Canary, DrillPhase, DrillRecord};
pub use failover_record::{FailoverPhase, FailoverRecord};
pub use journal::{JournalRecord, Operation, PendingOperation, Recovery, replay};
pub use lock::{Lock, LockHolder, Unlocked, force_unlock};
pub use memory::MemoryStore;
pub use outputs::Outputs;
pub use stack_state::{FORMAT_VERSION, State};
pub use state_error::StateError;
pub use store::{StateStore, conformance};
