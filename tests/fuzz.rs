//! Property tests: no input, arbitrary or a mutation of a real file, panics
//! the parser, the checker, the formatter, the diagnostic renderer or the
//! language server's answers.

use std::collections::BTreeMap;

use proptest::prelude::*;

use drx::diagnostic::{ColorChoice, Diagnostic, render_json, render_terminal};
use drx::source::SourceFile;

fn pipeline(text: &str) {
    let source = SourceFile::new("fuzz.drx", text);
    let environment: BTreeMap<String, String> = BTreeMap::new();
    let diagnostics: Vec<Diagnostic> = match drx::syntax::parse(text) {
        Err(error) => vec![Diagnostic::from(&error)],
        Ok(file) => {
            let formatted = drx::syntax::format(&file, text);
            let reparsed = drx::syntax::parse(&formatted);
            assert!(reparsed.is_ok(), "formatted output does not parse:\n{formatted}");
            let checked = drx::check::check(&file, &environment);
            checked.problems.iter().map(Diagnostic::from).collect()
        }
    };
    for diagnostic in &diagnostics {
        let span = diagnostic.primary_span();
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "span {span:?} outside the input"
        );
    }
    render_terminal(&source, &diagnostics, ColorChoice::Never);
    render_json(&source, &diagnostics);
    // The editor's server answers every question, at 64 offsets or more.
    drx::lsp::probe::everything(std::path::Path::new("fuzz.drx"), text, (text.len() / 64).max(1));
}

fn example() -> String {
    std::fs::read_to_string(crate::test::root().join("examples/payments.drx")).expect("read example")
}

/// Pieces of drx syntax, so that random sequences get past the first token.
const TOKENS: &[&str] = &[
    "topology",
    "table",
    "bucket",
    "function",
    "api",
    "failover",
    "alerts",
    "alarm",
    "role",
    "let",
    "output",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ",",
    ":",
    "=",
    "->",
    "\"",
    "${",
    "in",
    "every",
    "region",
    "replicate",
    "globally",
    "to",
    "route",
    "GET",
    "/x/{id}",
    "when",
    ">",
    "over",
    "allow",
    "on",
    "30s",
    "256MB",
    "us-east-1",
    "primary",
    "secondary",
    "x",
    "a.b",
    "5",
    "-1.5",
    "\n",
    " ",
    "// c\n",
    "env",
    "default",
    "\\",
    "é",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        pipeline(&text);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..80)) {
        pipeline(&tokens.join(" "));
    }

    #[test]
    fn mutated_example_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..4, proptest::sample::select(TOKENS)), 1..6)
    ) {
        let mut text = example();
        for (index, operation, token) in edits {
            let mut at = index.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match operation {
                0 => text.insert_str(at, token),
                1 => {
                    let mut end = (at + 8).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(at..end, "");
                }
                2 => {
                    let mut end = (at + 20).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    let piece = text[at..end].to_string();
                    text.insert_str(at, &piece);
                }
                _ => text.replace_range(at..at, &token.to_uppercase()),
            }
        }
        pipeline(&text);
    }
}
