//! What the server knows of one open document: the front of the pipeline
//! run on its text (parse, check, the recovery derivation), the
//! diagnostics, and every name it defines or refers to, with their spans.
//! Everything an editor asks is answered from here, without AWS.

use crate::check::recovery::Recovery;
use crate::check::{self, Topology};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::{self, ast};
use std::path::{Path, PathBuf};

use super::line_index::LineIndex;

/// What a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    Block(ast::BlockKind),
    Variable,
    Output,
}

/// One place a name is written: where it is defined, or a reference to it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Occurrence {
    pub name: String,
    pub span: Span,
    pub definition: bool,
    /// For a reference, the attribute it reads (`arn` of `payments.arn`).
    pub attribute: Option<(String, Span)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Analysis {
    pub path: PathBuf,
    pub lines: LineIndex,
    pub file: Option<ast::File>,
    pub diagnostics: Vec<Diagnostic>,
    pub topology: Option<Topology>,
    pub recovery: Option<Recovery>,
    pub definitions: Vec<(String, NameKind, Span)>,
    pub occurrences: Vec<Occurrence>,
    /// The AWS resources the topology becomes, lowered on the first hover
    /// that needs them (lowering hashes function code), then kept.
    lowered: std::sync::OnceLock<Option<crate::plan::Desired>>,
}

/// The environment an editor checks with: the server's own, so `env()`
/// defaults apply as they would on the command line.
struct Editor;

impl check::Environment for Editor {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl Analysis {
    pub(crate) fn new(path: &Path, text: &str) -> Analysis {
        let mut analysis = Analysis {
            lines: LineIndex::new(text),
            path: path.to_path_buf(),
            file: None,
            diagnostics: Vec::new(),
            topology: None,
            recovery: None,
            definitions: Vec::new(),
            occurrences: Vec::new(),
            lowered: std::sync::OnceLock::new(),
        };
        match syntax::parse(text) {
            Err(error) => analysis.diagnostics.push(Diagnostic::from(&error)),
            Ok(file) => {
                let checked = check::check(&file, &Editor);
                analysis.diagnostics = checked.problems.iter().map(Diagnostic::from).collect();
                analysis.topology = checked.topology;
                analysis.recovery = checked.recovery;
                analysis.collect(&file);
                analysis.file = Some(file);
            }
        }
        analysis
    }

    /// The directory the file is in, where code paths start.
    fn base(&self) -> PathBuf {
        self.path.parent().unwrap_or_else(|| Path::new(".")).to_path_buf()
    }

    /// What the topology lowers to, if it checked and lowers.
    pub(crate) fn lowered(&self) -> Option<&crate::plan::Desired> {
        self.lowered
            .get_or_init(|| crate::plan::lower(self.topology.as_ref()?, &self.base()).ok())
            .as_ref()
    }

    fn collect(&mut self, file: &ast::File) {
        for item in &file.items {
            match item {
                ast::Item::Block(block) => {
                    self.define(&block.name, NameKind::Block(block.kind));
                    self.statements(&block.body.statements);
                }
                ast::Item::Let(item) => {
                    self.define(&item.name, NameKind::Variable);
                    match &item.value {
                        ast::LetValue::Env(call) => {
                            self.value(&call.variable);
                            if let Some(default) = &call.default {
                                self.value(default);
                            }
                        }
                        ast::LetValue::Value(value) => self.value(value),
                    }
                }
                ast::Item::Output(output) => {
                    self.define(&output.name, NameKind::Output);
                    let terms: Vec<&ast::OutputTerm> = match &output.expr {
                        ast::OutputExpr::Single(term) => vec![term],
                        ast::OutputExpr::List { terms, .. } => terms.iter().collect(),
                    };
                    for term in terms {
                        self.value(&term.value);
                        if let Some(placement) = &term.placement {
                            self.placement(placement);
                        }
                    }
                }
            }
        }
        // Only names the file defines are names an editor can follow.
        let defined: Vec<String> = self.definitions.iter().map(|(n, ..)| n.clone()).collect();
        self.occurrences.retain(|o| defined.contains(&o.name));
    }

    fn define(&mut self, name: &ast::Ident, kind: NameKind) {
        self.definitions.push((name.name.clone(), kind, name.span));
        self.occurrences.push(Occurrence {
            name: name.name.clone(),
            span: name.span,
            definition: true,
            attribute: None,
        });
    }

    fn reference(&mut self, reference: &ast::Reference) {
        let head = reference.head();
        self.occurrences.push(Occurrence {
            name: head.name.clone(),
            span: head.span,
            definition: false,
            attribute: reference.segments.get(1).map(|s| (s.name.clone(), s.span)),
        });
    }

    fn statements(&mut self, statements: &[ast::Statement]) {
        for statement in statements {
            match &statement.kind {
                ast::StatementKind::Attribute { value, .. } => match value {
                    ast::AttrValue::Value(value) => self.value(value),
                    ast::AttrValue::Body(body) => self.statements(&body.statements),
                },
                ast::StatementKind::Replicate(replicate) => {
                    if let ast::ReplicaScope::To(placement) = &replicate.scope {
                        self.placement(placement);
                    }
                    if let Some(options) = &replicate.options {
                        self.statements(&options.statements);
                    }
                }
                ast::StatementKind::Route(route) => self.reference(&route.target),
                ast::StatementKind::Placement(placement) => self.placement(placement),
                ast::StatementKind::Condition(condition) => {
                    self.reference(&condition.metric);
                    self.value(&condition.threshold);
                    if let Some(period) = &condition.period {
                        self.value(period);
                    }
                }
                ast::StatementKind::Allow(allow) => {
                    self.value(&allow.actions);
                    self.reference(&allow.target);
                }
            }
        }
    }

    fn placement(&mut self, placement: &ast::Placement) {
        match &placement.target {
            ast::PlacementTarget::EveryRegion => {}
            ast::PlacementTarget::One(value) => self.value(value),
            ast::PlacementTarget::List(values) => values.iter().for_each(|v| self.value(v)),
        }
    }

    fn value(&mut self, value: &ast::Value) {
        match &value.kind {
            ast::ValueKind::Ref(reference) => self.reference(reference),
            ast::ValueKind::Str(text) => {
                for part in &text.parts {
                    if let ast::StrPart::Interpolation(reference) = part {
                        self.reference(reference);
                    }
                }
            }
            ast::ValueKind::List(values) => values.iter().for_each(|v| self.value(v)),
            ast::ValueKind::Map(entries) => entries.iter().for_each(|e| self.value(&e.value)),
            _ => {}
        }
    }

    /// The occurrence of a name at `offset`.
    pub(crate) fn occurrence_at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Where `name` is defined, and what it is.
    pub(crate) fn definition(&self, name: &str) -> Option<(NameKind, Span)> {
        self.definitions
            .iter()
            .find(|(n, ..)| n == name)
            .map(|(_, kind, span)| (*kind, *span))
    }

    /// The block whose body holds `offset`, and the attribute statement
    /// under it (with the names of the attributes it is nested in).
    pub(crate) fn block_at(&self, offset: usize) -> Option<&ast::Block> {
        self.file.as_ref()?.items.iter().find_map(|item| match item {
            ast::Item::Block(block) if block.span.start <= offset && offset <= block.span.end => Some(block),
            _ => None,
        })
    }
}

/// The attribute named at `offset` inside `block`, with the attribute
/// blocks it sits in (`health_check` for `interval`).
pub(crate) fn attribute_at(block: &ast::Block, offset: usize) -> Option<(Vec<String>, &ast::Ident)> {
    fn walk<'a>(
        statements: &'a [ast::Statement],
        offset: usize,
        path: &mut Vec<String>,
    ) -> Option<&'a ast::Ident> {
        for statement in statements {
            if !(statement.span.start <= offset && offset <= statement.span.end) {
                continue;
            }
            match &statement.kind {
                ast::StatementKind::Attribute { name, value } => {
                    if name.span.start <= offset && offset <= name.span.end {
                        return Some(name);
                    }
                    if let ast::AttrValue::Body(body) = value {
                        path.push(name.name.clone());
                        return walk(&body.statements, offset, path);
                    }
                }
                ast::StatementKind::Replicate(replicate) => {
                    if let Some(options) = &replicate.options {
                        path.push("replicate".into());
                        return walk(&options.statements, offset, path);
                    }
                }
                ast::StatementKind::Route(route) => {
                    if let Some(options) = &route.options {
                        path.push("route".into());
                        return walk(&options.statements, offset, path);
                    }
                }
                _ => {}
            }
        }
        None
    }
    let mut path = Vec::new();
    walk(&block.body.statements, offset, &mut path).map(|name| (path, name))
}
