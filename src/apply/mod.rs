//! Plan → AWS: the executor walks the plan's steps on tokio, a bounded
//! number of operations at a time, through any `model::Provider` (AWS, or a
//! fake in tests), retrying what the provider says to retry, writing state to
//! any `state::StateStore` after every operation, and reporting what was
//! done, what failed and what was skipped.
//!
//! By concept: `steps` (the steps and their edges, as named rules), `walk`
//! (the scheduler), `record` (what state keeps), `refresh` (reading back),
//! `reconcile` (what a crash left pending), `import` (adopting what exists),
//! `packages` and `package` (function code), `resolve` (values known at
//! apply time), `retry`, `schedule` (which ready step first).

mod frontier;
mod glibc;
mod import;
mod package;
mod packages;
mod reconcile;
mod record;
mod refresh;
mod report;
mod retry;
mod schedule;
mod steps;
mod walk;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

pub use crate::state::Outputs;
pub use import::{ImportError, import};
pub use package::{Package, package};
pub use reconcile::{Reconciled, reconcile};
pub use refresh::{Drift, Refreshed, refresh};
pub use report::{ApplyReport, Event, EventKind};
pub use walk::{ApplyOptions, Listener, apply};
