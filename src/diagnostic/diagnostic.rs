//! The report shape shared by all stages.

use serde::Serialize;

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem: a stable code, a message, where (labels), and what to do (help).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, documented in docs/language.md: `drx::check::reserved_env_key`.
    pub code: String,
    pub message: String,
    /// The first label is the primary one.
    pub labels: Vec<Label>,
    pub help: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

impl Diagnostic {
    pub fn error(
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            message: message.into(),
            labels: vec![Label {
                span,
                text: label.into(),
            }],
            help: help.into(),
        }
    }

    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn primary_span(&self) -> Span {
        self.labels.first().map(|label| label.span).unwrap_or_default()
    }
}
