//! Planning errors as diagnostics.

use super::{Diagnostic, Label};
use crate::plan::PlanError;

impl From<&PlanError> for Diagnostic {
    fn from(error: &PlanError) -> Diagnostic {
        let code = format!("drx::plan::{}", error.code());
        match error {
            PlanError::CodeNotFound { span, .. } => Diagnostic::error(
                &code,
                error.to_string(),
                *span,
                "no code here",
                "`code` is a path relative to the .drx file: a Cargo package, a directory or a zip",
            ),
            PlanError::DependencyCycle { spans, cycle } => {
                let mut diagnostic = Diagnostic::error(
                    &code,
                    error.to_string(),
                    spans.first().copied().unwrap_or_default(),
                    format!(
                        "{} needs {}",
                        cycle.first().cloned().unwrap_or_default(),
                        cycle.get(1).or(cycle.first()).cloned().unwrap_or_default()
                    ),
                    "break the cycle: one of these resources must not read a value of the other",
                );
                for (span, address) in spans.iter().zip(cycle.iter()).skip(1) {
                    diagnostic.labels.push(Label {
                        span: *span,
                        text: format!("{address} is part of the cycle"),
                    });
                }
                diagnostic
            }
        }
    }
}
