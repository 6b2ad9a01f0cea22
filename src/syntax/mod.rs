//! Text → spanned AST, and the formatter that prints an AST back as text.
//!
//! This is the only module that knows about pest.

pub mod ast;
mod expected;
mod format;
mod parser;
mod syntax_error;

pub use format::format;
pub use syntax_error::{SyntaxError, SyntaxErrorKind};

/// Parses one file.
pub fn parse(text: &str) -> Result<ast::File, SyntaxError> {
    // pest records which literal tokens (`=`, `}`, `->`) it expected only with
    // error detail on; without them "expected `}`" could not be said.
    pest::set_error_detail(true);
    parser::parse(text)
}
