//! Operations on a live stack, beyond building it: `status` says how the
//! stack is doing now — where Route 53 sends traffic, what the health
//! checkers see, which alarms fire, how far replication is behind —;
//! `failover` and `failback` move traffic between a failover's regions
//! and record it in the state; `drill` makes the primary fail, measures
//! what `drx explain` proves, and puts everything back. All work from the state and the
//! `model::Observer` and `model::Provider` interfaces, never the file.

mod drill;
mod drill_report;
mod failover;
#[cfg(test)]
mod fake;
mod replication;
mod status;

pub use drill::{ApiCanary, DrillOptions, Printed, RestoreLog, drill, restore, route_function};
pub use drill_report::{
    Action, DrillReport, Measured, Proofs, ProvenPath, ProvenStore, ProvenTerm, StoreRpo, Verdict,
};
pub use failover::{
    OperateError, Progress, Report, Request, STEERED_SUFFIX, Steering, choose, failback, failover, steerings,
};
pub use replication::{Link, LinkStatus, StoreKind, links, measure, probe, replication};
pub use status::{AlarmStatus, CheckStatus, DriftSummary, FailoverStatus, StackStatus, status};
