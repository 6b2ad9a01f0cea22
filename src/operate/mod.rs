//! Operations on a live stack, beyond building it: `status` says how the
//! stack is doing now — where Route 53 sends traffic, what the health
//! checkers see, which alarms fire, how far replication is behind —;
//! `failover` and `failback` move traffic between a failover's regions
//! and record it in the state. All work from the state and the
//! `model::Observer` and `model::Provider` interfaces, never the file.

mod failover;
#[cfg(test)]
mod fake;
mod replication;
mod status;

pub use failover::{
    OperateError, Progress, Report, Request, STEERED_SUFFIX, Steering, failback, failover, steerings,
};
pub use replication::{Link, LinkStatus, StoreKind, links, measure, probe, replication};
pub use status::{AlarmStatus, CheckStatus, DriftSummary, FailoverStatus, StackStatus, status};
