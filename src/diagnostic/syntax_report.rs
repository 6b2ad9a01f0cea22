//! Syntax errors as diagnostics.

use super::Diagnostic;
use crate::syntax::{SyntaxError, SyntaxErrorKind};

impl From<&SyntaxError> for Diagnostic {
    fn from(error: &SyntaxError) -> Diagnostic {
        let (code, message, label) = match &error.kind {
            SyntaxErrorKind::Unexpected { expected, found } => (
                if found == "end of file" {
                    "drx::syntax::unexpected_end"
                } else {
                    "drx::syntax::unexpected_token"
                },
                format!("expected {}, found {found}", one_of(expected)),
                match found.as_str() {
                    "end of file" => "the file ends here".to_string(),
                    _ if one_of(expected).len() > 60 => format!("unexpected {found}"),
                    _ => format!("expected {}", one_of(expected)),
                },
            ),
            SyntaxErrorKind::UnterminatedString => (
                "drx::syntax::unterminated_string",
                "this string is never closed".to_string(),
                "string starts here and runs to the end of the line".to_string(),
            ),
            SyntaxErrorKind::InvalidEscape => (
                "drx::syntax::invalid_escape",
                "unknown escape sequence".to_string(),
                "not an escape drx knows".to_string(),
            ),
            SyntaxErrorKind::TooDeep => (
                "drx::syntax::too_deep",
                "brackets nested too deeply".to_string(),
                "one level too many".to_string(),
            ),
            SyntaxErrorKind::NumberTooLarge => (
                "drx::syntax::number_too_large",
                "this number is too large".to_string(),
                "does not fit in 64 bits".to_string(),
            ),
        };
        Diagnostic::error(code, message, error.span, label, error.help.clone())
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
