//! Drawing diagnostics: miette's graphical handler for people, JSON for editors.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Always,
    Never,
}

/// Renders diagnostics the way a terminal shows them, with source excerpts.
pub fn render_terminal(source: &SourceFile, diagnostics: &[Diagnostic], color: ColorChoice) -> String {
    let theme = match color {
        ColorChoice::Always => GraphicalTheme::unicode(),
        ColorChoice::Never => GraphicalTheme::unicode_nocolor(),
    };
    // Lines are not wrapped: a terminal wraps them anyway, and wrapping would
    // split region codes such as `us-east-1` at their hyphens.
    let handler = GraphicalReportHandler::new_themed(theme).with_wrap_lines(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report {
            diagnostic,
            source: NamedSource::new(&source.name, source.text.clone()),
        };
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
    }
    out
}

/// A miette view of one diagnostic.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("diagnostic", self.diagnostic)
            .finish()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.diagnostic.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.source.inner().len();
        Some(Box::new(self.diagnostic.labels.iter().enumerate().map(
            move |(index, label)| {
                let start = label.span.start.min(len);
                let end = label.span.end.clamp(start, len);
                let span = (start, end - start);
                if index == 0 {
                    LabeledSpan::new_primary_with_span(Some(label.text.clone()), span)
                } else {
                    LabeledSpan::new_with_span(Some(label.text.clone()), span)
                }
            },
        )))
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    start: JsonPosition,
    end: JsonPosition,
    labels: Vec<JsonLabel<'a>>,
    help: &'a str,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    primary: bool,
    start: JsonPosition,
    end: JsonPosition,
}

/// 1-based line and column (in characters), plus the byte offset.
#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    offset: usize,
}

fn position(source: &SourceFile, offset: usize) -> JsonPosition {
    let (line, column) = source.line_col(offset);
    JsonPosition { line, column, offset }
}

/// One JSON object per diagnostic, for editors and CI annotations.
pub fn render_json(source: &SourceFile, diagnostics: &[Diagnostic]) -> Vec<serde_json::Value> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let primary = diagnostic.primary_span();
            let json = JsonDiagnostic {
                file: &source.name,
                severity: diagnostic.severity,
                code: &diagnostic.code,
                message: &diagnostic.message,
                start: position(source, primary.start),
                end: position(source, primary.end),
                labels: diagnostic
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(index, label)| JsonLabel {
                        message: &label.text,
                        primary: index == 0,
                        start: position(source, label.span.start),
                        end: position(source, label.span.end),
                    })
                    .collect(),
                help: &diagnostic.help,
            };
            serde_json::to_value(json).unwrap_or(serde_json::Value::Null)
        })
        .collect()
}
