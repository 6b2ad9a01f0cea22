//! Plan → AWS: the executor walks the plan's graph on tokio, a bounded
//! number of operations at a time, retrying what AWS says to retry, writing
//! state after every operation, and reporting what was done, what failed and
//! what was skipped.

mod executor;
mod package;
mod report;
mod resolve;
mod retry;
mod schedule;

pub use executor::{ApplyOptions, Drift, Refreshed, apply, refresh};
pub use package::{Package, package};
pub use report::{ApplyReport, Event, EventKind};
pub use resolve::Outputs;
