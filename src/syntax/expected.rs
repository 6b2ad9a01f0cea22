//! What each grammar rule is called in an error message.
//!
//! The match is exhaustive on purpose: a new rule in `grammar/drx.pest` does not
//! compile until it has a description a user can understand.

use super::grammar::Rule;
use crate::model::blocks::declaration_keywords;

/// A noun phrase for "expected …". Rules that mean the same thing to a user
/// share a phrase, so that `expected an attribute or `}`` is not spelled out
/// as five keywords.
pub(super) fn describe(rule: Rule) -> &'static str {
    match rule {
        // pest names `file` when the very first declaration fails.
        Rule::file => declaration(),
        Rule::trivia => "a drx file",
        Rule::EOI => "end of file",
        Rule::WHITESPACE | Rule::COMMENT => "white space",
        Rule::item => declaration(),
        Rule::let_value | Rule::value | Rule::map_key | Rule::threshold => VALUE,
        Rule::output_expr => "a reference, a string or a list",
        Rule::statement => ATTRIBUTE,
        Rule::path_segment => "a path segment",
        Rule::ident_char => "a letter, digit or `_`",
        Rule::placement_clause => "`in`",
        Rule::let_item | Rule::kw_let | Rule::output_item | Rule::kw_output => declaration(),
        Rule::block_item | Rule::block_kind => declaration(),
        Rule::env_call | Rule::kw_env => "`env(\"NAME\")`",
        Rule::kw_default => "`default:`",
        Rule::output_list => "a list of outputs",
        Rule::output_term => "a reference or a string",
        Rule::body => "a block `{ … }`",
        Rule::attribute
        | Rule::replicate
        | Rule::route
        | Rule::placement
        | Rule::condition
        | Rule::allow
        | Rule::keyword
        | Rule::kw_replicate
        | Rule::kw_route
        | Rule::kw_when
        | Rule::kw_allow => ATTRIBUTE,
        Rule::kw_in => "`in`",
        Rule::kw_globally | Rule::kw_to => "`globally` or `to`",
        Rule::placement_target | Rule::every_region | Rule::kw_every => {
            "a placement (`primary`, `secondary`, `every region` or a region code)"
        }
        Rule::kw_region => "`region`",
        Rule::kw_over => "`over`",
        Rule::kw_on => "`on`",
        Rule::http_method => "an HTTP method such as `GET` or `POST`",
        Rule::route_path => "a route path such as `/payments/{id}`",
        Rule::comparison => "a comparison (`>`, `>=`, `<` or `<=`)",
        Rule::map => "a map `{ key: value }`",
        Rule::field => "a field `name: type`",
        Rule::map_entry => "a map entry `key: value`",
        Rule::list => "a list `[…]`",
        Rule::reference => "a name or reference",
        Rule::name => "a name",
        Rule::number => "a number",
        Rule::duration => "a duration such as `30s`",
        Rule::size => "a size such as `256MB`",
        Rule::boolean => "`on` or `off`",
        Rule::region => "a region code such as `us-east-1`",
        Rule::string => "a string",
        Rule::string_text | Rule::escape | Rule::interpolation => "the rest of the string",
        Rule::line_comment => "a comment",
    }
}

/// "a declaration (`topology`, `table`, … `let` or `output`)", from the
/// block catalog.
pub(super) fn declaration() -> &'static str {
    static PHRASE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut keywords: Vec<String> = declaration_keywords().map(|k| format!("`{k}`")).collect();
        let last = keywords.pop().unwrap_or_default();
        format!("a declaration ({} or {last})", keywords.join(", "))
    });
    &PHRASE
}
pub(super) const ATTRIBUTE: &str = "an attribute";
pub(super) const VALUE: &str = "a value";

/// Phrases that together mean "any value": reported as one.
pub(super) const VALUE_PHRASES: [&str; 8] = [
    "a string",
    "a size such as `256MB`",
    "a duration such as `30s`",
    "a number",
    "`on` or `off`",
    "a region code such as `us-east-1`",
    "a list `[…]`",
    "a name or reference",
];

#[cfg(test)]
mod tests {
    use crate::model::blocks::BlockKind;

    /// pest grammars are fixed text, so the grammar spells the block
    /// keywords out; this keeps them the catalog's.
    #[test]
    fn the_grammar_knows_exactly_the_catalog_keywords() {
        let grammar = include_str!("../../grammar/drx.pest");
        let rule = grammar
            .split("block_kind  = @{")
            .nth(1)
            .and_then(|rest| rest.split('}').next())
            .expect("the block_kind rule");
        let mut in_grammar: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
        let mut in_catalog: Vec<&str> = BlockKind::all().map(BlockKind::keyword).collect();
        in_grammar.sort_unstable();
        in_catalog.sort_unstable();
        assert_eq!(in_grammar, in_catalog);
    }

    #[test]
    fn the_declaration_phrase_lists_the_catalog() {
        assert_eq!(
            super::declaration(),
            "a declaration (`topology`, `table`, `bucket`, `function`, `api`, `failover`, `alerts`, `alarm`, `role`, `let` or `output`)"
        );
    }
}
