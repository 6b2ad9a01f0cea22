//! What can stop a plan, as data.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("cannot read the code of this function at {path}: {reason}")]
    CodeNotFound {
        path: String,
        reason: String,
        span: Span,
    },
    #[error("resources depend on each other in a cycle: {}", cycle.join(" → "))]
    DependencyCycle {
        cycle: Vec<String>,
        /// The drx blocks the resources come from, in cycle order.
        spans: Vec<Span>,
    },
}
