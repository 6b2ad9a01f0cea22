//! Every name a file declares, in one namespace: variables, the topology and
//! resources. Built first, so that references can point forwards.

use std::collections::{BTreeSet, HashMap};

use super::topology::{Region, ResourceKind};
use crate::source::Span;
use crate::syntax::ast;

#[derive(Debug)]
pub(super) enum Declaration<'a> {
    Variable {
        item: &'a ast::Let,
        state: VariableState,
    },
    Topology,
    Resource {
        kind: ResourceKind,
        block: &'a ast::Block,
        /// Where the resource exists; filled in by the placement pass.
        regions: Vec<Region>,
    },
}

/// Variables are evaluated on first use, so they may be declared in any order.
#[derive(Debug, Clone)]
pub(super) enum VariableState {
    Unevaluated,
    Evaluating,
    /// A literal, never a reference; `None` when evaluation failed (reported).
    Done(Option<ast::Value>),
}

#[derive(Debug, Default)]
pub(super) struct Scope<'a> {
    declarations: HashMap<String, (Span, Declaration<'a>)>,
    pub used_variables: BTreeSet<String>,
}

impl<'a> Scope<'a> {
    /// Declares `name`; on a clash returns where it was first declared.
    pub(super) fn declare(&mut self, name: &ast::Ident, declaration: Declaration<'a>) -> Result<(), Span> {
        if let Some((first, _)) = self.declarations.get(&name.name) {
            return Err(*first);
        }
        self.declarations
            .insert(name.name.clone(), (name.span, declaration));
        Ok(())
    }

    pub(super) fn get(&self, name: &str) -> Option<&Declaration<'a>> {
        self.declarations.get(name).map(|(_, declaration)| declaration)
    }

    pub(super) fn span_of(&self, name: &str) -> Option<Span> {
        self.declarations.get(name).map(|(span, _)| *span)
    }

    pub(super) fn get_mut(&mut self, name: &str) -> Option<&mut Declaration<'a>> {
        self.declarations
            .get_mut(name)
            .map(|(_, declaration)| declaration)
    }

    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.declarations.keys().map(String::as_str)
    }

    pub(super) fn resource(&self, name: &str) -> Option<(ResourceKind, &[Region])> {
        match self.get(name)? {
            Declaration::Resource { kind, regions, .. } => Some((*kind, regions)),
            _ => None,
        }
    }

    pub(super) fn set_regions(&mut self, name: &str, new_regions: Vec<Region>) {
        if let Some(Declaration::Resource { regions, .. }) = self.get_mut(name) {
            *regions = new_regions;
        }
    }

    pub(super) fn variables(&self) -> Vec<(&str, &'a ast::Let)> {
        let mut variables: Vec<_> = self
            .declarations
            .iter()
            .filter_map(|(name, (_, declaration))| match declaration {
                Declaration::Variable { item, .. } => Some((name.as_str(), *item)),
                _ => None,
            })
            .collect();
        variables.sort_by_key(|(_, item)| item.span.start);
        variables
    }
}
