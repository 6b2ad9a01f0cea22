//! What can stop a plan, as data.

use crate::source::Span;

/// Each variant's code is its name in snake case (`drx::plan::code_not_found`).
#[derive(Debug, Clone, PartialEq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(PlanCode),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
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

impl PlanError {
    /// The stable code, without its `drx::plan::` prefix.
    pub fn code(&self) -> &'static str {
        PlanCode::from(self).into()
    }
}
