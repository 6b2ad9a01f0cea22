//! Completion from the text before the cursor, so it works while the file
//! is half-typed and does not parse: the blocks the cursor is inside come
//! from the `{` left open before it, the word being typed from the line.
//! What is offered comes from the block catalog — kinds, attributes, their
//! values, statements, a block's references and metrics, IAM actions —
//! and the file's own names.

use crate::model::blocks::{self, AttributeSpec, BlockKind, BlockSpec};

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Suggestion {
    pub label: String,
    pub detail: String,
    pub kind: SuggestionKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SuggestionKind {
    Keyword,
    Property,
    Value,
    Reference,
}

fn suggestion(label: &str, detail: &str, kind: SuggestionKind) -> Suggestion {
    Suggestion {
        label: label.to_string(),
        detail: detail.to_string(),
        kind,
    }
}

/// The `{` still open before `offset`: the first two words of the text
/// before each (`table payments`, `health_check`), outermost first.
fn open_blocks(text: &str) -> Vec<Vec<String>> {
    let mut open: Vec<Vec<String>> = Vec::new();
    let (mut in_string, mut in_comment) = (false, false);
    let mut line_start = 0;
    for (at, c) in text.char_indices() {
        match c {
            '\n' => {
                in_comment = false;
                line_start = at + 1;
            }
            _ if in_comment => {}
            '"' => in_string = !in_string,
            '/' if !in_string && text[at..].starts_with("//") => in_comment = true,
            '{' if !in_string => {
                let header = text[line_start..at]
                    .split_whitespace()
                    .take(2)
                    .map(str::to_string)
                    .collect();
                open.push(header);
            }
            '}' if !in_string => {
                open.pop();
            }
            _ => {}
        }
    }
    open
}

/// The kind of each block the text declares, by name: `payments` → table.
fn declared(text: &str) -> Vec<(String, BlockKind)> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let kind = BlockKind::from_keyword(words.next()?)?;
            let name = words.next()?.trim_end_matches('{');
            (!name.is_empty()).then(|| (name.to_string(), kind))
        })
        .collect()
}

/// The words a `takes` phrase offers: its `code` spans (`on_demand`).
fn options(takes: &str) -> Vec<String> {
    takes
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| {
            word.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        })
        .map(str::to_string)
        .collect()
}

fn attributes(specs: &[AttributeSpec]) -> Vec<Suggestion> {
    specs
        .iter()
        .map(|a| suggestion(a.name, a.about, SuggestionKind::Property))
        .collect()
}

/// What may be written at `offset` of `text`.
pub(crate) fn complete(text: &str, offset: usize) -> Vec<Suggestion> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.rsplit('\n').next().unwrap_or_default();
    // The word being typed, and what comes before it on the line.
    let word_start = line
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
        .map_or(0, |(at, c)| at + c.len_utf8());
    let word = &line[word_start..];
    let earlier: Vec<&str> = line[..word_start].split_whitespace().collect();
    let open = open_blocks(before);

    // `name.` → that block's references (and metrics after `when`).
    if let Some((name, _)) = word.split_once('.') {
        let Some((_, kind)) = declared(text).into_iter().find(|(n, _)| n == name) else {
            return Vec::new();
        };
        let spec = kind.spec();
        let mut found: Vec<Suggestion> = spec
            .references
            .iter()
            .map(|r| suggestion(r, &format!("{} {name}", spec.keyword), SuggestionKind::Reference))
            .collect();
        if earlier.first() == Some(&"when") {
            found = spec
                .metrics
                .iter()
                .map(|m| suggestion(m.name, m.metric_name, SuggestionKind::Reference))
                .collect();
        }
        return found;
    }

    let Some(outer) = open.first() else {
        // Top level: a declaration.
        return blocks::declaration_keywords()
            .map(|k| {
                let about = BlockKind::from_keyword(k).map_or("", |kind| kind.spec().about);
                suggestion(k, about, SuggestionKind::Keyword)
            })
            .collect();
    };
    let Some(kind) = outer.first().and_then(|k| BlockKind::from_keyword(k)) else {
        return Vec::new();
    };
    let spec: &BlockSpec = kind.spec();
    let nested: Option<&str> = open.get(1).and_then(|h| h.first()).map(String::as_str);
    let specs: &[AttributeSpec] = match nested {
        None => spec.attributes,
        Some("replicate") => spec.replicate,
        Some("route") => spec.route,
        Some(parent) => spec.nested(parent),
    };

    match earlier.as_slice() {
        // The start of a statement: an attribute or a statement keyword.
        [] => {
            let mut found = attributes(specs);
            if nested.is_none() {
                found.extend(
                    spec.statements
                        .iter()
                        .map(|s| suggestion(s.keyword(), "statement", SuggestionKind::Keyword)),
                );
            }
            found
        }
        // After `in`, `to`: a region or a role.
        [.., "in"] | ["replicate", "to"] => {
            let mut found: Vec<Suggestion> = ["primary", "secondary", "every"]
                .iter()
                .map(|r| suggestion(r, "region role", SuggestionKind::Value))
                .collect();
            found.extend(
                crate::check::known_regions()
                    .iter()
                    .map(|r| suggestion(r, "AWS region", SuggestionKind::Value)),
            );
            found
        }
        ["allow", ..] => blocks::actions()
            .map(|(kind, action)| suggestion(action.name, kind.spec().keyword, SuggestionKind::Value))
            .collect(),
        // After `route`, `when`, `notify`…: the file's names.
        ["route", ..] | ["when"] | ["notify"] | ["targets"] => declared(text)
            .into_iter()
            .map(|(name, kind)| suggestion(&name, kind.spec().keyword, SuggestionKind::Reference))
            .collect(),
        // An attribute's value.
        [name] => {
            let Some(attribute) = specs.iter().find(|a| a.name == *name) else {
                return Vec::new();
            };
            let mut found: Vec<Suggestion> = options(attribute.takes)
                .iter()
                .map(|o| suggestion(o, attribute.about, SuggestionKind::Value))
                .collect();
            if attribute.takes.contains("duration") {
                found.extend(
                    ["30s", "1m", "5m", "15m", "1h", "14d"]
                        .iter()
                        .map(|d| suggestion(d, "a duration: ms, s, m, h, d", SuggestionKind::Value)),
                );
            }
            if attribute.takes.contains("size") {
                found.extend(
                    ["128MB", "256MB", "512MB", "1GB"]
                        .iter()
                        .map(|d| suggestion(d, "a size: KB, MB, GB, TB", SuggestionKind::Value)),
                );
            }
            if attribute.takes.contains("region") {
                found.extend(
                    crate::check::known_regions()
                        .iter()
                        .map(|r| suggestion(r, "AWS region", SuggestionKind::Value)),
                );
            }
            found
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<String> {
        let at = text.find('|').expect("a cursor");
        let text = text.replacen('|', "", 1);
        complete(&text, at).into_iter().map(|s| s.label).collect()
    }

    #[test]
    fn completion_follows_where_the_cursor_is() {
        let top = labels("|");
        assert!(
            top.contains(&"table".to_string()) && top.contains(&"let".to_string()),
            "{top:?}"
        );
        let function = labels("function f {\n  mem|\n");
        assert!(
            function.contains(&"memory".to_string()) && function.contains(&"in".to_string()),
            "{function:?}"
        );
        let billing = labels("table t {\n  billing |\n}");
        assert_eq!(billing, ["on_demand", "provisioned"]);
        let nested = labels("failover f {\n  health_check {\n    |\n  }\n}");
        assert!(nested.contains(&"interval".to_string()), "{nested:?}");
        let reference = labels("table payments {\n}\nfunction f {\n  env { T: payments.| }\n}");
        assert!(
            reference.contains(&"name".to_string()) && reference.contains(&"arn".to_string()),
            "{reference:?}"
        );
        let metric = labels("function f {\n}\nalarm a {\n  when f.|\n}");
        assert!(metric.contains(&"errors".to_string()), "{metric:?}");
        let region = labels("function f {\n  in |\n}");
        assert!(region.contains(&"us-west-2".to_string()), "{region:?}");
        let action = labels("role r {\n  allow [|\n}");
        assert!(action.iter().any(|a| a.starts_with("route53.")), "{action:?}");
        // Braces in strings and comments do not count.
        let string = labels("table t {\n  // {\n  tags { a: \"{\" }\n  |\n}");
        assert!(string.contains(&"billing".to_string()), "{string:?}");
    }
}
