//! What drx has created: the state of a stack, and where it is kept.
//!
//! The state is the only record of which physical resource belongs to which
//! address, so it is written atomically (temporary file, fsync, rename) with
//! the previous version kept as a backup, readable by its owner only, and
//! guarded by a lock that names its holder.

mod backend;
mod journal;
mod lock;
mod memory;
mod stack_state;
mod state_error;
mod store;

pub use backend::LocalBackend;
pub use journal::{JournalRecord, Operation, PendingOperation, Recovery, replay};
pub use lock::{Lock, LockHolder, Unlocked, force_unlock};
pub use memory::MemoryStore;
pub use stack_state::{FORMAT_VERSION, State};
pub use state_error::StateError;
pub use store::StateStore;
