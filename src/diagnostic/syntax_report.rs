//! Syntax errors as diagnostics.

use super::Diagnostic;
use crate::syntax::{SyntaxError, SyntaxErrorKind};

impl From<&SyntaxError> for Diagnostic {
    fn from(error: &SyntaxError) -> Diagnostic {
        let (message, label) = match &error.kind {
            SyntaxErrorKind::UnexpectedEnd { expected } => (
                format!("expected {}, found end of file", one_of(expected)),
                "the file ends here".to_string(),
            ),
            SyntaxErrorKind::UnexpectedToken { expected, found } => (
                format!("expected {}, found {found}", one_of(expected)),
                if one_of(expected).len() > 60 {
                    format!("unexpected {found}")
                } else {
                    format!("expected {}", one_of(expected))
                },
            ),
            SyntaxErrorKind::UnterminatedString => (
                "this string is never closed".to_string(),
                "string starts here and runs to the end of the line".to_string(),
            ),
            SyntaxErrorKind::InvalidEscape => (
                "unknown escape sequence".to_string(),
                "not an escape drx knows".to_string(),
            ),
            SyntaxErrorKind::TooDeep => (
                "brackets nested too deeply".to_string(),
                "one level too many".to_string(),
            ),
            SyntaxErrorKind::NumberTooLarge => (
                "this number is too large".to_string(),
                "does not fit in 64 bits".to_string(),
            ),
        };
        let code = format!("drx::syntax::{}", error.kind.code());
        Diagnostic::error(&code, message, error.span, label, error.help.clone())
    }
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(phrases: &[String]) -> String {
    match phrases {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
