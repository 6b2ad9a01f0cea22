//! pest pairs → the spanned AST. The only code besides `syntax_error.rs` that
//! sees pest types.
//!
//! Functions named `presume_*` state invariants the grammar guarantees; a
//! failure there is a bug in drx, not in the user's file.

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::*;
use super::grammar::{DrxParser, Rule};
use super::syntax_error::SyntaxError;
use crate::source::Span;

type Pairs<'a> = pest::iterators::Pairs<'a, Rule>;

impl From<pest::Span<'_>> for Span {
    fn from(span: pest::Span<'_>) -> Self {
        Span::new(span.start(), span.end())
    }
}

/// Parses a whole file, or returns its first syntax error.
pub(super) fn parse(text: &str) -> Result<File, SyntaxError> {
    let mut pairs =
        DrxParser::parse(Rule::file, text).map_err(|error| SyntaxError::from_pest(&error, text))?;
    let file = presume_next(&mut pairs, "file");
    let mut items = Vec::new();
    for pair in file.into_inner() {
        match pair.as_rule() {
            Rule::let_item => items.push(Item::Let(build_let(pair)?)),
            Rule::output_item => items.push(Item::Output(build_output(pair)?)),
            Rule::block_item => items.push(Item::Block(build_block(pair)?)),
            Rule::EOI => {}
            rule => unreachable!("the grammar allows only items in a file, got {rule:?}"),
        }
    }
    Ok(File {
        items,
        comments: comments(text),
    })
}

/// All `//` comments of a file that parses, found with the grammar's own string
/// rule so that `//` inside a string is never taken for a comment.
fn comments(text: &str) -> Vec<Comment> {
    let Ok(pairs) = DrxParser::parse(Rule::trivia, text) else {
        return Vec::new();
    };
    pairs
        .flatten()
        .filter(|pair| pair.as_rule() == Rule::line_comment)
        .map(|pair| Comment {
            text: pair.as_str().trim_end().to_string(),
            span: pair.as_span().into(),
        })
        .collect()
}

fn presume_next<'a>(pairs: &mut Pairs<'a>, what: &str) -> Pair<'a, Rule> {
    pairs
        .next()
        .unwrap_or_else(|| unreachable!("the grammar guarantees a {what} here"))
}

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: pair.as_span().into(),
    }
}

fn build_let(pair: Pair<'_, Rule>) -> Result<Let, SyntaxError> {
    let span = pair.as_span().into();
    let mut inner = pair.into_inner();
    presume_next(&mut inner, "`let`");
    let name = ident(presume_next(&mut inner, "name"));
    let value_pair = presume_next(&mut inner, "value");
    let value = if value_pair.as_rule() == Rule::env_call {
        LetValue::Env(build_env_call(value_pair)?)
    } else {
        LetValue::Value(build_value(value_pair)?)
    };
    Ok(Let { name, value, span })
}

fn build_env_call(pair: Pair<'_, Rule>) -> Result<EnvCall, SyntaxError> {
    let span = pair.as_span().into();
    let mut inner = pair.into_inner();
    presume_next(&mut inner, "`env`");
    let variable = build_value(presume_next(&mut inner, "variable name"))?;
    let default = match inner.next() {
        Some(_kw_default) => Some(build_value(presume_next(&mut inner, "default"))?),
        None => None,
    };
    Ok(EnvCall {
        variable,
        default,
        span,
    })
}

fn build_output(pair: Pair<'_, Rule>) -> Result<Output, SyntaxError> {
    let span = pair.as_span().into();
    let mut inner = pair.into_inner();
    presume_next(&mut inner, "`output`");
    let name = ident(presume_next(&mut inner, "name"));
    let expr_pair = presume_next(&mut inner, "expression");
    let expr = match expr_pair.as_rule() {
        Rule::output_list => {
            let span = expr_pair.as_span().into();
            let terms = expr_pair
                .into_inner()
                .map(build_output_term)
                .collect::<Result<_, _>>()?;
            OutputExpr::List { terms, span }
        }
        _ => OutputExpr::Single(build_output_term(expr_pair)?),
    };
    Ok(Output { name, expr, span })
}

fn build_output_term(pair: Pair<'_, Rule>) -> Result<OutputTerm, SyntaxError> {
    let span = content_span(&pair);
    let mut inner = pair.into_inner();
    let value = build_value(presume_next(&mut inner, "output value"))?;
    let placement = match inner.next() {
        Some(_kw_in) => Some(build_placement_target(presume_next(
            &mut inner,
            "placement target",
        ))?),
        None => None,
    };
    Ok(OutputTerm {
        value,
        placement,
        span,
    })
}

fn build_block(pair: Pair<'_, Rule>) -> Result<Block, SyntaxError> {
    let span = pair.as_span().into();
    let mut inner = pair.into_inner();
    let kind_pair = presume_next(&mut inner, "block kind");
    // The grammar lists the catalog's keywords (a test keeps the two
    // alike); one it knows and the catalog does not is still an error, not a
    // panic.
    let kind = BlockKind::from_keyword(kind_pair.as_str())
        .ok_or_else(|| SyntaxError::unknown_declaration(kind_pair.as_span().into(), kind_pair.as_str()))?;
    let name = ident(presume_next(&mut inner, "name"));
    let body = build_body(presume_next(&mut inner, "body"))?;
    Ok(Block {
        kind,
        kind_span: kind_pair.as_span().into(),
        name,
        body,
        span,
    })
}

fn build_body(pair: Pair<'_, Rule>) -> Result<Body, SyntaxError> {
    let span = pair.as_span().into();
    let statements = pair.into_inner().map(build_statement).collect::<Result<_, _>>()?;
    Ok(Body { statements, span })
}

/// The span of a rule whose optional tail (`body?`, `over …`, `in …`) may
/// have made pest skip trailing white space and comments: it ends where its
/// last part ends.
fn content_span(pair: &Pair<'_, Rule>) -> Span {
    let span: Span = pair.as_span().into();
    match pair.clone().into_inner().last() {
        Some(last) => Span::new(span.start, last.as_span().end()),
        None => span,
    }
}

fn build_statement(pair: Pair<'_, Rule>) -> Result<Statement, SyntaxError> {
    let span = match pair.as_rule() {
        Rule::replicate | Rule::condition | Rule::route => content_span(&pair),
        _ => pair.as_span().into(),
    };
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let kind = match rule {
        Rule::attribute => {
            let name = ident(presume_next(&mut inner, "attribute name"));
            let value_pair = presume_next(&mut inner, "attribute value");
            let value = if value_pair.as_rule() == Rule::body {
                AttrValue::Body(build_body(value_pair)?)
            } else {
                AttrValue::Value(build_value(value_pair)?)
            };
            StatementKind::Attribute { name, value }
        }
        Rule::replicate => {
            presume_next(&mut inner, "`replicate`");
            let scope_pair = presume_next(&mut inner, "replica scope");
            let scope = if scope_pair.as_rule() == Rule::kw_globally {
                ReplicaScope::Globally(scope_pair.as_span().into())
            } else {
                ReplicaScope::To(build_placement_target(presume_next(
                    &mut inner,
                    "replica target",
                ))?)
            };
            let options = inner.next().map(build_body).transpose()?;
            StatementKind::Replicate(Replicate { scope, options })
        }
        Rule::route => {
            presume_next(&mut inner, "`route`");
            let method = ident(presume_next(&mut inner, "method"));
            let path = ident(presume_next(&mut inner, "path"));
            let target = build_reference(presume_next(&mut inner, "route target"));
            let options = inner.next().map(build_body).transpose()?;
            StatementKind::Route(Route {
                method,
                path,
                target,
                options,
            })
        }
        Rule::placement => {
            presume_next(&mut inner, "`in`");
            StatementKind::Placement(build_placement_target(presume_next(
                &mut inner,
                "placement target",
            ))?)
        }
        Rule::condition => {
            presume_next(&mut inner, "`when`");
            let metric = build_reference(presume_next(&mut inner, "metric"));
            let comparison = ident(presume_next(&mut inner, "comparison"));
            let threshold = build_value(presume_next(&mut inner, "threshold"))?;
            let period = match inner.next() {
                Some(_kw_over) => Some(build_value(presume_next(&mut inner, "period"))?),
                None => None,
            };
            StatementKind::Condition(Condition {
                metric,
                comparison,
                threshold,
                period,
            })
        }
        Rule::allow => {
            presume_next(&mut inner, "`allow`");
            let actions = build_value(presume_next(&mut inner, "actions"))?;
            presume_next(&mut inner, "`on`");
            let target = build_reference(presume_next(&mut inner, "target"));
            StatementKind::Allow(Allow { actions, target })
        }
        rule => unreachable!("the grammar allows only statements in a body, got {rule:?}"),
    };
    Ok(Statement { kind, span })
}

fn build_placement_target(pair: Pair<'_, Rule>) -> Result<Placement, SyntaxError> {
    let span = pair.as_span().into();
    let mut inner = pair.into_inner();
    let target_pair = presume_next(&mut inner, "placement");
    let target = match target_pair.as_rule() {
        Rule::every_region => PlacementTarget::EveryRegion,
        Rule::list => PlacementTarget::List(
            target_pair
                .into_inner()
                .map(build_value)
                .collect::<Result<_, _>>()?,
        ),
        _ => PlacementTarget::One(build_value(target_pair)?),
    };
    Ok(Placement { target, span })
}

fn build_reference(pair: Pair<'_, Rule>) -> Reference {
    let span: Span = pair.as_span().into();
    let mut offset = span.start;
    let segments = pair
        .as_str()
        .split('.')
        .map(|segment| {
            let ident = Ident {
                name: segment.to_string(),
                span: Span::new(offset, offset + segment.len()),
            };
            offset += segment.len() + 1;
            ident
        })
        .collect();
    Reference { segments, span }
}

fn build_value(pair: Pair<'_, Rule>) -> Result<Value, SyntaxError> {
    let span: Span = pair.as_span().into();
    let raw = pair.as_str().to_string();
    let kind = match pair.as_rule() {
        Rule::string => ValueKind::Str(build_string(pair)),
        Rule::number => {
            let value = raw
                .parse::<f64>()
                .ok()
                .filter(|value| value.is_finite())
                .ok_or_else(|| SyntaxError::number_too_large(span))?;
            ValueKind::Number { value, raw }
        }
        Rule::duration => {
            let digits = raw.trim_end_matches(char::is_alphabetic);
            let unit = match &raw[digits.len()..] {
                "ms" => DurationUnit::Milliseconds,
                "s" => DurationUnit::Seconds,
                "m" => DurationUnit::Minutes,
                "h" => DurationUnit::Hours,
                "d" => DurationUnit::Days,
                unit => unreachable!("the grammar lists the duration units, got {unit}"),
            };
            let amount = digits.parse().map_err(|_| SyntaxError::number_too_large(span))?;
            ValueKind::Duration { amount, unit, raw }
        }
        Rule::size => {
            let digits = raw.trim_end_matches(char::is_alphabetic);
            let unit = match &raw[digits.len()..] {
                "KB" => SizeUnit::Kilobytes,
                "MB" => SizeUnit::Megabytes,
                "GB" => SizeUnit::Gigabytes,
                "TB" => SizeUnit::Terabytes,
                unit => unreachable!("the grammar lists the size units, got {unit}"),
            };
            let amount = digits.parse().map_err(|_| SyntaxError::number_too_large(span))?;
            ValueKind::Size { amount, unit, raw }
        }
        Rule::boolean => ValueKind::Bool {
            value: matches!(raw.as_str(), "true" | "on"),
            raw,
        },
        Rule::region => ValueKind::Region(raw),
        Rule::list => ValueKind::List(pair.into_inner().map(build_value).collect::<Result<_, _>>()?),
        Rule::map => ValueKind::Map(pair.into_inner().map(build_map_entry).collect::<Result<_, _>>()?),
        Rule::reference => ValueKind::Ref(build_reference(pair)),
        Rule::field => {
            let mut inner = pair.into_inner();
            let name = ident(presume_next(&mut inner, "field name"));
            let ty = ident(presume_next(&mut inner, "field type"));
            ValueKind::Field { name, ty }
        }
        rule => unreachable!("the grammar allows only values here, got {rule:?}"),
    };
    Ok(Value { kind, span })
}

fn build_map_entry(pair: Pair<'_, Rule>) -> Result<MapEntry, SyntaxError> {
    let span = pair.as_span().into();
    let mut inner = pair.into_inner();
    let key_pair = presume_next(&mut inner, "map key");
    let (key, quoted_key) = if key_pair.as_rule() == Rule::string {
        let key_span = key_pair.as_span().into();
        let text = build_string(key_pair);
        let name = text.as_literal().unwrap_or(text.raw);
        (Ident { name, span: key_span }, true)
    } else {
        (ident(key_pair), false)
    };
    let value = build_value(presume_next(&mut inner, "map value"))?;
    Ok(MapEntry {
        key,
        quoted_key,
        value,
        span,
    })
}

fn build_string(pair: Pair<'_, Rule>) -> Str {
    let raw = pair.as_str().to_string();
    let mut parts: Vec<StrPart> = Vec::new();
    for part in pair.into_inner() {
        let text = match part.as_rule() {
            Rule::string_text => part.as_str().to_string(),
            Rule::escape => match part.as_str() {
                "\\n" => "\n".to_string(),
                "\\t" => "\t".to_string(),
                escaped => escaped[1..].to_string(),
            },
            Rule::interpolation => {
                let reference = presume_next(&mut part.into_inner(), "interpolated reference");
                parts.push(StrPart::Interpolation(build_reference(reference)));
                continue;
            }
            rule => unreachable!("the grammar allows only string parts here, got {rule:?}"),
        };
        match parts.last_mut() {
            Some(StrPart::Text(previous)) => previous.push_str(&text),
            _ => parts.push(StrPart::Text(text)),
        }
    }
    Str { parts, raw }
}
