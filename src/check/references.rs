//! Reading references out of AST values: strings with interpolation, and
//! `resource.attribute` resolved to the block it names, in the region it is
//! read in.

use super::Checker;
use super::check_error::CheckErrorKind;
use super::scope::Declaration;
use super::topology::{AttributeRef, Region, RegionRef, ResourceKind, Text, TextPart};
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{Reference, StrPart, Value, ValueKind};

/// Where a value that reads resource attributes is used, which decides the
/// region a reference is read in.
#[derive(Debug, Clone)]
pub(super) enum Consumer<'r> {
    /// Used in each of these regions (a function's environment).
    Regions(&'r [Region]),
    /// Used in exactly one region (`payments.url in primary`).
    In(Region),
    /// Used outside any region (a stack output with no `in`).
    Unplaced,
}

impl Checker<'_> {
    /// A string, possibly reading resource attributes (`"${transactions.name}"`
    /// or a bare `transactions.name`).
    pub(super) fn text(&mut self, value: &Value, consumer: Consumer<'_>) -> Option<Text> {
        let resolved = self.resolve(value);
        match &resolved.kind {
            ValueKind::Str(text) => {
                let mut parts = Vec::new();
                let mut ok = true;
                for part in &text.parts {
                    match part {
                        StrPart::Text(chunk) => push_literal(&mut parts, chunk),
                        StrPart::Interpolation(reference) => {
                            match self.reference_text(reference, &consumer) {
                                Some(Text { parts: inner }) => {
                                    for part in inner {
                                        match part {
                                            TextPart::Literal(chunk) => push_literal(&mut parts, &chunk),
                                            reference => parts.push(reference),
                                        }
                                    }
                                }
                                None => ok = false,
                            }
                        }
                    }
                }
                ok.then_some(Text { parts })
            }
            ValueKind::Ref(reference) => self.reference_text(reference, &consumer),
            ValueKind::Number { raw, .. } => Some(Text::literal(raw.clone())),
            _ => {
                self.mismatch(&resolved, "a string", None);
                None
            }
        }
    }

    /// A reference used as text: a variable's value or a resource attribute.
    fn reference_text(&mut self, reference: &Reference, consumer: &Consumer<'_>) -> Option<Text> {
        let head = reference.head();
        match self.scope.get(&head.name) {
            None => {
                self.unknown_name(head);
                None
            }
            Some(Declaration::Variable { .. }) => {
                self.scope.used_variables.insert(head.name.clone());
                let value = self.variable(&head.name, Some(reference.span));
                if reference.segments.len() > 1 {
                    self.error(
                        reference.segments[1].span,
                        CheckErrorKind::UnknownReferenceAttribute {
                            resource: head.name.clone(),
                            kind: "variable".into(),
                            attribute: reference.segments[1].name.clone(),
                            suggestion: None,
                            allowed: Vec::new(),
                        },
                    );
                    return None;
                }
                let value = value?;
                match &value.kind {
                    ValueKind::Str(text) => Some(Text::literal(text.as_literal().unwrap_or_default())),
                    ValueKind::Number { raw, .. }
                    | ValueKind::Duration { raw, .. }
                    | ValueKind::Size { raw, .. }
                    | ValueKind::Bool { raw, .. } => Some(Text::literal(raw.clone())),
                    ValueKind::Region(region) => Some(Text::literal(region.clone())),
                    _ => {
                        self.mismatch(&value, "a string", None);
                        None
                    }
                }
            }
            Some(Declaration::Topology) => {
                self.error(
                    reference.span,
                    CheckErrorKind::TypeMismatch {
                        expected: "a variable or a resource attribute".into(),
                        found: format!("the topology `{}`", head.name),
                        hint: None,
                    },
                );
                None
            }
            Some(Declaration::Resource { .. }) => {
                let reference = self.attribute_ref(reference, consumer)?;
                Some(Text {
                    parts: vec![TextPart::Ref(reference)],
                })
            }
        }
    }

    /// `resource.attribute`, read where `consumer` uses it.
    pub(super) fn attribute_ref(
        &mut self,
        reference: &Reference,
        consumer: &Consumer<'_>,
    ) -> Option<AttributeRef> {
        let head = reference.head();
        let (kind, regions) = match self.scope.resource(&head.name) {
            Some((kind, regions)) => (kind, regions.to_vec()),
            None => {
                self.unknown_name(head);
                return None;
            }
        };
        let allowed = kind.spec().references;
        let Some(attribute) = reference.segments.get(1) else {
            self.error(
                reference.span,
                CheckErrorKind::IncompleteReference {
                    resource: head.name.clone(),
                    kind: kind.word().into(),
                    allowed: allowed.iter().map(|s| s.to_string()).collect(),
                },
            );
            return None;
        };
        let attribute_name = reference.segments[1..]
            .iter()
            .map(|segment| segment.name.as_str())
            .collect::<Vec<_>>()
            .join(".");
        if !allowed.contains(&attribute_name.as_str()) {
            self.error(
                attribute.span.to(reference.span),
                CheckErrorKind::UnknownReferenceAttribute {
                    resource: head.name.clone(),
                    kind: kind.word().into(),
                    attribute: attribute_name.clone(),
                    suggestion: did_you_mean(&attribute_name, allowed.iter().copied()).map(str::to_string),
                    allowed: allowed.iter().map(|s| s.to_string()).collect(),
                },
            );
            return None;
        }
        let region = if kind.spec().is_global_reference(&attribute_name) {
            RegionRef::Global
        } else {
            match consumer {
                Consumer::Regions(used_in) => {
                    for region in used_in.iter() {
                        self.require_in_region(&head.name, kind, &regions, region, reference.span)?;
                    }
                    RegionRef::Local
                }
                Consumer::In(region) => {
                    self.require_in_region(&head.name, kind, &regions, region, reference.span)?;
                    RegionRef::In(region.clone())
                }
                Consumer::Unplaced => match regions.as_slice() {
                    [only] => RegionRef::In(only.clone()),
                    _ => {
                        self.error(
                            reference.span,
                            CheckErrorKind::AmbiguousRegion {
                                name: head.name.clone(),
                                count: regions.len(),
                                regions: regions.iter().map(|r| r.0.clone()).collect(),
                            },
                        );
                        return None;
                    }
                },
            }
        };
        Some(AttributeRef {
            resource: head.name.clone(),
            kind,
            attribute: attribute_name,
            region,
        })
    }

    pub(super) fn require_in_region(
        &mut self,
        name: &str,
        kind: ResourceKind,
        regions: &[Region],
        region: &Region,
        span: Span,
    ) -> Option<()> {
        if regions.contains(region) {
            return Some(());
        }
        let declared = self.scope.span_of(name).unwrap_or_default();
        self.error(
            span,
            CheckErrorKind::NotInRegion {
                name: name.to_string(),
                kind: kind.word().to_string(),
                region: region.0.clone(),
                regions: regions.iter().map(|r| r.0.clone()).collect(),
                declared,
            },
        );
        None
    }

    /// A single-name reference to a resource of `expected` kind.
    pub(super) fn resource_named(
        &mut self,
        reference: &Reference,
        expected: &[ResourceKind],
    ) -> Option<(String, ResourceKind, Vec<Region>)> {
        let head = reference.head();
        let Some(declaration) = self.scope.get(&head.name) else {
            self.unknown_name(head);
            return None;
        };
        let found = match declaration {
            Declaration::Resource { kind, regions, .. } => {
                if expected.contains(kind) {
                    if reference.segments.len() > 1 {
                        self.mismatch(
                            &Value {
                                kind: ValueKind::Ref(reference.clone()),
                                span: reference.span,
                            },
                            &format!("the name of a {}", expected[0].word()),
                            Some(format!("write just `{}`", head.name)),
                        );
                        return None;
                    }
                    return Some((head.name.clone(), *kind, regions.clone()));
                }
                kind.word().to_string()
            }
            Declaration::Variable { .. } => "variable".to_string(),
            Declaration::Topology => "topology".to_string(),
        };
        let declared = self.scope.span_of(&head.name).unwrap_or_default();
        self.error(
            head.span,
            CheckErrorKind::WrongKind {
                name: head.name.clone(),
                expected: expected.iter().map(|k| k.word()).collect::<Vec<_>>().join(" or "),
                found,
                declared,
            },
        );
        None
    }
}

fn push_literal(parts: &mut Vec<TextPart>, chunk: &str) {
    match parts.last_mut() {
        Some(TextPart::Literal(previous)) => previous.push_str(chunk),
        _ => parts.push(TextPart::Literal(chunk.to_string())),
    }
}
