//! What each grammar rule is called in an error message.
//!
//! The match is exhaustive on purpose: a new rule in `grammar/drx.pest` does not
//! compile until it has a description a user can understand.

use super::parser::Rule;

/// A noun phrase for "expected …". Rules that mean the same thing to a user
/// share a phrase, so that `expected an attribute or `}`` is not spelled out
/// as five keywords.
pub(super) fn describe(rule: Rule) -> &'static str {
    match rule {
        // pest names `file` when the very first declaration fails.
        Rule::file => DECLARATION,
        Rule::trivia => "a drx file",
        Rule::EOI => "end of file",
        Rule::WHITESPACE | Rule::COMMENT => "white space",
        Rule::item => DECLARATION,
        Rule::let_value | Rule::value | Rule::map_key | Rule::threshold => VALUE,
        Rule::output_expr => "a reference, a string or a list",
        Rule::statement => ATTRIBUTE,
        Rule::path_segment => "a path segment",
        Rule::ident_char => "a letter, digit or `_`",
        Rule::placement_clause => "`in`",
        Rule::let_item | Rule::kw_let | Rule::output_item | Rule::kw_output => DECLARATION,
        Rule::block_item | Rule::block_kind => DECLARATION,
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

pub(super) const DECLARATION: &str = "a declaration (`topology`, `table`, `bucket`, `function`, `api`, `failover`, `alerts`, `alarm`, `role`, `let` or `output`)";
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
