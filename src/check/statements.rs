//! A block's statements, sorted by what they are, with attributes looked up
//! by name. Whatever a block's checker does not take is reported as unknown
//! (with "did you mean") or as not allowed in that block.

use super::Checker;
use super::check_error::CheckErrorKind;
use crate::model::blocks::{self, AttributeSpec, ResourceKind};
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, AttrValue, StatementKind};

#[derive(Debug)]
pub(super) struct Statements<'a> {
    block: &'static str,
    /// What the block catalog declares this block takes.
    schema: &'static [AttributeSpec],
    attributes: Vec<(&'a ast::Ident, &'a AttrValue, bool)>,
    /// Every attribute name a checker asked for: the "did you mean" candidates.
    known: Vec<&'static str>,
    pub placements: Vec<&'a ast::Placement>,
    pub replicates: Vec<(&'a ast::Replicate, Span)>,
    pub routes: Vec<(&'a ast::Route, Span)>,
    pub conditions: Vec<(&'a ast::Condition, Span)>,
    pub allows: Vec<(&'a ast::Allow, Span)>,
}

impl<'a> Statements<'a> {
    pub(super) fn new(
        checker: &mut Checker<'_>,
        block: &'static str,
        schema: &'static [AttributeSpec],
        body: &'a ast::Body,
    ) -> Statements<'a> {
        let mut statements = Statements {
            block,
            schema,
            attributes: Vec::new(),
            known: Vec::new(),
            placements: Vec::new(),
            replicates: Vec::new(),
            routes: Vec::new(),
            conditions: Vec::new(),
            allows: Vec::new(),
        };
        for statement in &body.statements {
            match &statement.kind {
                StatementKind::Attribute { name, value } => {
                    if let Some((first, _, _)) = statements
                        .attributes
                        .iter()
                        .find(|(existing, _, _)| existing.name == name.name)
                    {
                        checker.error(
                            name.span,
                            CheckErrorKind::DuplicateAttribute {
                                name: name.name.clone(),
                                first: first.span,
                            },
                        );
                        continue;
                    }
                    statements.attributes.push((name, value, false));
                }
                StatementKind::Placement(placement) => statements.placements.push(placement),
                StatementKind::Replicate(replicate) => {
                    statements.replicates.push((replicate, statement.span));
                }
                StatementKind::Route(route) => statements.routes.push((route, statement.span)),
                StatementKind::Condition(condition) => {
                    statements.conditions.push((condition, statement.span));
                }
                StatementKind::Allow(allow) => statements.allows.push((allow, statement.span)),
            }
        }
        statements
    }

    /// The attribute `name`, if set.
    pub(super) fn take(&mut self, name: &'static str) -> Option<(&'a ast::Ident, &'a AttrValue)> {
        // The catalog is what editors and docs show: a checker reading an
        // attribute it does not declare is a bug in drx, caught by the tests.
        debug_assert!(
            self.schema.iter().any(|attribute| attribute.name == name),
            "the block catalog does not declare `{name}` in a {}",
            self.block
        );
        self.known.push(name);
        self.attributes
            .iter_mut()
            .find(|(ident, _, _)| ident.name == name)
            .map(|(ident, value, taken)| {
                *taken = true;
                (*ident, *value)
            })
    }

    /// The attribute `name` as a plain value; a block `{ … }` is a type error.
    pub(super) fn value(&mut self, checker: &mut Checker<'_>, name: &'static str) -> Option<&'a ast::Value> {
        match self.take(name)? {
            (_, AttrValue::Value(value)) => Some(value),
            (_, AttrValue::Body(body)) => {
                checker.error(
                    body.span,
                    CheckErrorKind::TypeMismatch {
                        expected: "a value".into(),
                        found: "a block".into(),
                        hint: Some(format!("write `{name} <value>`")),
                    },
                );
                None
            }
        }
    }

    /// The attribute `name` as a nested block `{ … }`.
    pub(super) fn body(&mut self, checker: &mut Checker<'_>, name: &'static str) -> Option<&'a ast::Body> {
        match self.take(name)? {
            (_, AttrValue::Body(body)) => Some(body),
            // `{}` parses as an empty map; as a block it is simply empty.
            (
                _,
                AttrValue::Value(ast::Value {
                    kind: ast::ValueKind::Map(entries),
                    span,
                }),
            ) if entries.is_empty() => None,
            (_, AttrValue::Value(value)) => {
                checker.error(
                    value.span,
                    CheckErrorKind::TypeMismatch {
                        expected: "a block `{ … }`".into(),
                        found: super::values::describe(value),
                        hint: Some(format!("write `{name} {{ … }}`")),
                    },
                );
                None
            }
        }
    }

    /// Span of the required attribute's absence: reports it and returns None.
    pub(super) fn require<T>(
        &mut self,
        checker: &mut Checker<'_>,
        found: Option<T>,
        name: &'static str,
        owner: &ast::Ident,
        example: &str,
    ) -> Option<T> {
        if found.is_none() && !self.known_set(name) {
            checker.error(
                owner.span,
                CheckErrorKind::MissingAttribute {
                    block: self.block.to_string(),
                    name: owner.name.clone(),
                    attribute: name.to_string(),
                    example: example.to_string(),
                },
            );
        }
        found
    }

    /// Whether `name` was written (even if its value was wrong).
    fn known_set(&self, name: &str) -> bool {
        self.attributes
            .iter()
            .any(|(ident, _, taken)| ident.name == name && *taken)
    }

    /// Reports whatever no checker took: unknown attributes, and statements
    /// the block kind does not allow.
    /// Reports what the block did not take; a resource block's statements
    /// are the catalog's (`in` is always read: where a kind cannot be placed,
    /// the placement check says so more precisely).
    pub(super) fn finish_resource(self, checker: &mut Checker<'_>, kind: ResourceKind) {
        let mut allowed = vec![blocks::StatementKind::Placement.keyword()];
        allowed.extend(kind.spec().statements.iter().map(|statement| statement.keyword()));
        self.finish(checker, &allowed);
    }

    pub(super) fn finish(self, checker: &mut Checker<'_>, allowed: &[&str]) {
        for (ident, _, taken) in &self.attributes {
            if !taken {
                checker.error(
                    ident.span,
                    CheckErrorKind::UnknownAttribute {
                        name: ident.name.clone(),
                        block: self.block.to_string(),
                        suggestion: did_you_mean(&ident.name, self.known.iter().copied()).map(str::to_string),
                        allowed: self.known.iter().map(|s| s.to_string()).collect(),
                    },
                );
            }
        }
        let not_allowed = |statement: &str| !allowed.contains(&statement);
        let mut reject = |span: Span, statement: &str, hint: &str| {
            checker.error(
                span,
                CheckErrorKind::StatementNotAllowed {
                    statement: statement.to_string(),
                    block: self.block.to_string(),
                    hint: hint.to_string(),
                },
            );
        };
        if not_allowed("in") {
            for placement in &self.placements {
                reject(placement.span, "in", "only resources are placed in regions");
            }
        }
        if not_allowed("replicate") {
            for (_, span) in &self.replicates {
                reject(*span, "replicate", "only tables and buckets replicate");
            }
        }
        if not_allowed("route") {
            for (_, span) in &self.routes {
                reject(*span, "route", "routes belong in an `api` block");
            }
        }
        if not_allowed("when") {
            for (_, span) in &self.conditions {
                reject(*span, "when", "conditions belong in an `alarm` block");
            }
        }
        if not_allowed("allow") {
            for (_, span) in &self.allows {
                reject(*span, "allow", "permissions belong in a `role` block");
            }
        }
    }
}
