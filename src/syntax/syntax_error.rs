//! pest's failure → a `SyntaxError` a user can act on.
//!
//! pest knows the furthest position it reached and which rules and literal
//! tokens it would have accepted there. We turn rules into phrases
//! (`expected.rs`), merge phrases that mean "any value", name what was found
//! instead, and choose a help line from the context.

use super::expected::{ATTRIBUTE, VALUE, VALUE_PHRASES, declaration, describe};
use super::grammar::Rule;
use crate::model::blocks::declaration_keywords;
use crate::source::Span;
use crate::suggest::did_you_mean;

/// A syntax error: the file stops making sense at `span`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub kind: SyntaxErrorKind,
    pub help: String,
}

/// Each variant's code is its name in snake case (`drx::syntax::too_deep`).
#[derive(Debug, Clone, PartialEq, Eq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(SyntaxCode),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
pub enum SyntaxErrorKind {
    /// Something else was expected here, and the file went on.
    UnexpectedToken { expected: Vec<String>, found: String },
    /// Something was expected here, and the file ended.
    UnexpectedEnd { expected: Vec<String> },
    /// A string runs to the end of its line.
    UnterminatedString,
    /// A backslash that starts no known escape.
    InvalidEscape,
    /// A number that does not fit in 64 bits.
    NumberTooLarge,
    /// Brackets nested deeper than any real file needs.
    TooDeep,
}

impl SyntaxErrorKind {
    /// What was expected, and what was found instead: a token or the end.
    pub(super) fn unexpected(expected: Vec<String>, found: String) -> SyntaxErrorKind {
        if found == END_OF_FILE {
            SyntaxErrorKind::UnexpectedEnd { expected }
        } else {
            SyntaxErrorKind::UnexpectedToken { expected, found }
        }
    }

    /// The stable code, without its `drx::syntax::` prefix.
    pub fn code(&self) -> &'static str {
        SyntaxCode::from(self).into()
    }
}

/// How the end of the file is named where a token would be.
pub(super) const END_OF_FILE: &str = "end of file";

impl SyntaxError {
    /// A word where a declaration was expected.
    pub(super) fn unknown_declaration(span: Span, word: &str) -> SyntaxError {
        let expected = vec![declaration().to_string()];
        let found = format!("`{word}`");
        let help = help_for(&expected, &found, word, Span::new(0, word.len()));
        SyntaxError {
            span,
            kind: SyntaxErrorKind::unexpected(expected, found),
            help,
        }
    }

    pub(super) fn number_too_large(span: Span) -> SyntaxError {
        SyntaxError {
            span,
            kind: SyntaxErrorKind::NumberTooLarge,
            help: "numbers in drx must fit in 64 bits".to_string(),
        }
    }

    pub(super) fn too_deep(position: usize, limit: usize) -> SyntaxError {
        SyntaxError {
            span: Span::new(position, position + 1),
            kind: SyntaxErrorKind::TooDeep,
            help: format!("drx allows {limit} levels of `{{`, `[` and `(`; flatten the structure"),
        }
    }

    pub(super) fn from_pest(error: &pest::error::Error<Rule>, text: &str) -> SyntaxError {
        let reported = match error.location {
            pest::error::InputLocation::Pos(position) => position,
            pest::error::InputLocation::Span((start, _)) => start,
        };
        let attempts = error.parse_attempts();
        let positives = match &error.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
        };
        // pest's own location counts rule attempts only; a literal such as `=`
        // that failed further on is where the file actually went wrong, and
        // there the literal tokens say more than the enclosing rule.
        let (position, rules, tokens) = match attempts {
            Some(attempts) if attempts.max_position > reported => {
                let tokens = attempts.expected_tokens();
                let rules = if tokens
                    .iter()
                    .any(|t| PUNCTUATION.contains(&t.to_string().as_str()))
                {
                    Vec::new()
                } else {
                    attempts
                        .call_stacks()
                        .into_iter()
                        .filter_map(|stack| stack.deepest.get_rule().copied())
                        .collect()
                };
                (attempts.max_position, rules, tokens)
            }
            Some(attempts) => (reported, positives.clone(), attempts.expected_tokens()),
            None => (reported, positives.clone(), Vec::new()),
        };

        if positives.contains(&Rule::escape) && text[reported..].starts_with('\\') {
            let position = reported;
            let end = text[position + 1..]
                .chars()
                .next()
                .map_or(position + 1, |c| position + 1 + c.len_utf8());
            return SyntaxError {
                span: Span::new(position, end),
                kind: SyntaxErrorKind::InvalidEscape,
                help: "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\$`".to_string(),
            };
        }

        if rules
            .iter()
            .any(|rule| matches!(rule, Rule::string_text | Rule::escape | Rule::interpolation))
            && matches!(text[position..].chars().next(), None | Some('\n' | '\r'))
        {
            let start = text[..position].rfind('"').unwrap_or(position);
            return SyntaxError {
                span: Span::new(start, position),
                kind: SyntaxErrorKind::UnterminatedString,
                help: "a string ends on the line it starts: close it with `\"`".to_string(),
            };
        }

        let mut expected: Vec<String> = Vec::new();
        let mut push = |phrase: String| {
            if !expected.contains(&phrase) {
                expected.push(phrase);
            }
        };
        for rule in &rules {
            push(describe(*rule).to_string());
        }
        for token in tokens {
            let token = token.to_string();
            // Keywords are named by their rule's phrase; characters that only
            // continue a name or number would be noise.
            if PUNCTUATION.contains(&token.as_str()) {
                push(format!("`{token}`"));
            }
        }
        merge_values(&mut expected);
        expected.sort_by_key(|phrase| phrase.starts_with('`'));

        let (found_span, found) = found_at(text, position);
        let help = help_for(&expected, &found, text, found_span);
        SyntaxError {
            span: found_span,
            kind: SyntaxErrorKind::unexpected(expected, found),
            help,
        }
    }
}

const PUNCTUATION: [&str; 11] = ["}", "{", "]", "[", ")", "(", "=", "->", ",", ":", "\""];

/// Several value phrases at once read better as "a value".
fn merge_values(expected: &mut Vec<String>) {
    let values = expected
        .iter()
        .filter(|phrase| VALUE_PHRASES.contains(&phrase.as_str()))
        .count();
    if values >= 4 {
        let first = expected
            .iter()
            .position(|phrase| VALUE_PHRASES.contains(&phrase.as_str()))
            .unwrap_or(0);
        expected.retain(|phrase| !VALUE_PHRASES.contains(&phrase.as_str()));
        expected.insert(first.min(expected.len()), VALUE.to_string());
    }
    if expected.iter().any(|phrase| phrase == ATTRIBUTE) {
        expected.retain(|phrase| phrase != "a name" && phrase != "`in`");
    }
    if expected.iter().any(|phrase| phrase == VALUE) {
        expected.retain(|phrase| {
            !matches!(
                phrase.as_str(),
                "a name" | "a field `name: type`" | "`\"`" | "`[`" | "`{`"
            )
        });
    }
    if expected.len() > 1 {
        expected.retain(|phrase| phrase != "a map `{ key: value }`");
    }
    if expected.iter().any(|phrase| phrase == "a block `{ … }`")
        && expected.iter().any(|phrase| phrase == "`{`")
    {
        expected.retain(|phrase| phrase != "`{`");
    }
}

/// The token at `position`, described for "found …", and its span.
fn found_at(text: &str, position: usize) -> (Span, String) {
    let rest = &text[position..];
    let Some(first) = rest.chars().next() else {
        // Point just after the last thing written, not at a blank last line.
        let end = text.trim_end().len();
        return (Span::new(end, end), END_OF_FILE.to_string());
    };
    if first == '\n' || first == '\r' {
        return (Span::new(position, position), "end of line".to_string());
    }
    let word_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .unwrap_or(rest.len());
    if word_len > 0 {
        let word = rest[..word_len].trim_end_matches(['.', '-']);
        return (
            Span::new(position, position + word.len().max(1)),
            format!("`{word}`"),
        );
    }
    if first == '"' {
        let end = rest[1..]
            .find(['"', '\n'])
            .map_or(rest.len(), |i| i + 2)
            .min(rest.len());
        return (Span::new(position, position + end), "a string".to_string());
    }
    (
        Span::new(position, position + first.len_utf8()),
        format!("`{first}`"),
    )
}

fn help_for(expected: &[String], found: &str, text: &str, span: Span) -> String {
    let has = |phrase: &str| expected.iter().any(|p| p == phrase);
    let word = text.get(span.start..span.end).unwrap_or("");

    if has(declaration()) {
        if let Some(suggestion) = did_you_mean(word, declaration_keywords()) {
            return format!("did you mean `{suggestion}`?");
        }
        return "a drx file is a list of declarations such as `table transactions { … }` or `let suffix = \"dev\"`".to_string();
    }
    if has("a placement (`primary`, `secondary`, `every region` or a region code)") {
        if let Some(suggestion) = did_you_mean(word, ["primary", "secondary", "secondaries", "every"]) {
            return format!("did you mean `{suggestion}`?");
        }
        return "write `in primary`, `in secondary`, `in every region` or `in us-west-2`".to_string();
    }
    if has("`region`") {
        return "write `in every region`".to_string();
    }
    if has("`globally` or `to`") {
        return "write `replicate globally` or `replicate to secondary`".to_string();
    }
    if has("an HTTP method such as `GET` or `POST`") {
        if word.chars().any(|c| c.is_ascii_lowercase()) && !word.is_empty() {
            return format!("HTTP methods are upper case: `{}`", word.to_ascii_uppercase());
        }
        return "a route is `route METHOD /path -> function`, for example `route GET /health -> processor`"
            .to_string();
    }
    if has("a route path such as `/payments/{id}`") {
        return "a route path starts with `/`, has no trailing `/`, and names parameters as `{id}`"
            .to_string();
    }
    if has("`->`") {
        return "a route is `route METHOD /path -> function`".to_string();
    }
    if has("a comparison (`>`, `>=`, `<` or `<=`)") {
        return "a condition is `when resource.metric > threshold over period`, for example `when processor.errors > 5 over 1m`".to_string();
    }
    if has("`on`") {
        return "a permission is `allow [service.action, …] on resource`".to_string();
    }
    if has("`:`") && expected.len() == 1 {
        return "a map entry is `key: value`".to_string();
    }
    if has("`=`") {
        return "a variable or output is `name = value`".to_string();
    }
    if has(ATTRIBUTE) && has("`}`") {
        if found == END_OF_FILE {
            return "a block was opened with `{` and never closed: add `}`".to_string();
        }
        if let Some(keyword) = ["in", "route", "replicate", "when", "allow"]
            .into_iter()
            .find(|keyword| *keyword == word)
        {
            return format!("`{keyword}` is a keyword and cannot name an attribute");
        }
        return "inside a block each line is an attribute such as `memory 256MB`, or a statement such as `in every region`".to_string();
    }
    if has(VALUE) || has("a map `{ key: value }`") {
        return "a value is a string (\"…\"), a number, a duration (`30s`), a size (`256MB`), `on`/`off`, a region, a list `[…]`, a map `{ key: value }` or a reference".to_string();
    }
    if has("a name") {
        return "names start with a letter or `_` and contain letters, digits and `_`".to_string();
    }
    if has("`]`") {
        return "separate list items with `,` and close the list with `]`".to_string();
    }
    if has("`)`") {
        return "an environment lookup is `env(\"NAME\")` or `env(\"NAME\", default: \"value\")`".to_string();
    }
    "see docs/language.md for the syntax of drx".to_string()
}
