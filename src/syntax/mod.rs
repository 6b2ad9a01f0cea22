//! Text → spanned AST, and the formatter that prints an AST back as text.
//!
//! This is the only module that knows about pest.

pub mod ast;
mod expected;
mod format;
mod grammar;
mod parser;
mod syntax_error;

pub use format::format;
pub use syntax_error::{SyntaxCode, SyntaxError, SyntaxErrorKind};

/// Deeper nesting than this is refused before parsing: the parser and the
/// tree builder recurse, and no real file nests more than a handful of levels.
const MAX_NESTING: usize = 64;

/// Parses one file.
pub fn parse(text: &str) -> Result<ast::File, SyntaxError> {
    if let Some(position) = too_deep(text) {
        return Err(SyntaxError::too_deep(position, MAX_NESTING));
    }
    // pest records which literal tokens (`=`, `}`, `->`) it expected only with
    // error detail on, which makes every parse slower; so a file is parsed
    // without it, and again with it only to describe an error. The setting is
    // process-wide and only ever switched on, so concurrent parses at worst
    // record detail they do not need.
    match parser::parse(text) {
        Ok(file) => Ok(file),
        Err(_) => {
            pest::set_error_detail(true);
            parser::parse(text)
        }
    }
}

/// The offset of the first bracket that nests deeper than `MAX_NESTING`.
/// Brackets inside strings and comments do not count.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    let mut previous = '\0';
    for (offset, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
        } else if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_string = true,
                '/' if previous == '/' => in_comment = true,
                '{' | '[' | '(' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(offset);
                    }
                }
                '}' | ']' | ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("let x = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let error = parse(&deep).expect_err("too deep");
        assert_eq!(error.kind, SyntaxErrorKind::TooDeep);
        let fine = format!("let x = {}1{}", "[".repeat(10), "]".repeat(10));
        assert!(parse(&fine).is_ok());
        let in_string = format!("let x = \"{}\"", "[".repeat(1000));
        assert!(parse(&in_string).is_ok());
    }
}
