//! Operations on a live stack, beyond building it: `status` says how the
//! stack is doing now — where Route 53 sends traffic, what the health
//! checkers see, which alarms fire — from its state and a `model::Observer`.

mod status;

pub use status::{AlarmStatus, CheckStatus, FailoverStatus, StackStatus, status};
