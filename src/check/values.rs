//! Reading typed values out of AST values: units, ranges, symbols, strings
//! with interpolation, and references to variables and resources.

use super::Checker;
use super::check_error::CheckErrorKind;
use super::scope::Declaration;
use super::topology::{AttributeRef, Region, RegionRef, ResourceKind, Seconds, Spanned, Text, TextPart};
use super::vocabulary;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{DurationUnit, Reference, SizeUnit, StrPart, Value, ValueKind};

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

/// "a duration `30s`", for "expected …, found …".
pub(super) fn describe(value: &Value) -> String {
    match &value.kind {
        ValueKind::Str(text) => format!("a string {}", text.raw),
        ValueKind::Number { raw, .. } => format!("a number `{raw}`"),
        ValueKind::Duration { raw, .. } => format!("a duration `{raw}`"),
        ValueKind::Size { raw, .. } => format!("a size `{raw}`"),
        ValueKind::Bool { raw, .. } => format!("`{raw}`"),
        ValueKind::Region(region) => format!("a region `{region}`"),
        ValueKind::List(_) => "a list".to_string(),
        ValueKind::Map(_) => "a map".to_string(),
        ValueKind::Ref(reference) => format!("`{}`", reference.dotted()),
        ValueKind::Field { name, ty } => format!("a field `{}: {}`", name.name, ty.name),
    }
}

impl Checker<'_> {
    /// The value itself, or the value of the variable it names.
    pub(super) fn resolve(&mut self, value: &Value) -> Value {
        if let ValueKind::Ref(reference) = &value.kind
            && reference.segments.len() == 1
        {
            let name = &reference.head().name;
            if let Some(Declaration::Variable { .. }) = self.scope.get(name) {
                self.scope.used_variables.insert(name.clone());
                if let Some(mut bound) = self.variable(name, Some(value.span)) {
                    bound.span = value.span;
                    return bound;
                }
            }
        }
        value.clone()
    }

    pub(super) fn mismatch(&mut self, value: &Value, expected: &str, hint: Option<String>) {
        // A variable that failed to evaluate was reported already.
        if let ValueKind::Ref(reference) = &value.kind
            && let Some(Declaration::Variable { .. }) = self.scope.get(&reference.head().name)
        {
            let name = reference.head().name.clone();
            if self.variable(&name, None).is_none() {
                return;
            }
        }
        if let ValueKind::Ref(reference) = &value.kind
            && reference.segments.len() == 1
            && self.scope.get(&reference.head().name).is_none()
            && !expected.starts_with('`')
        {
            self.unknown_name(reference.head());
            return;
        }
        self.error(
            value.span,
            CheckErrorKind::TypeMismatch {
                expected: expected.to_string(),
                found: describe(value),
                hint,
            },
        );
    }

    pub(super) fn unknown_name(&mut self, ident: &crate::syntax::ast::Ident) {
        let suggestion = did_you_mean(&ident.name, self.scope.names()).map(str::to_string);
        self.error(
            ident.span,
            CheckErrorKind::UnknownName {
                name: ident.name.clone(),
                suggestion,
            },
        );
    }

    /// A duration in whole seconds.
    pub(super) fn duration(&mut self, value: &Value) -> Option<Spanned<Seconds>> {
        let value = self.resolve(value);
        match &value.kind {
            ValueKind::Duration { amount, unit, .. } => {
                let seconds = match unit {
                    DurationUnit::Milliseconds if amount % 1000 == 0 => Some(amount / 1000),
                    DurationUnit::Milliseconds => {
                        self.mismatch(
                            &value,
                            "a duration in whole seconds",
                            Some("AWS counts these durations in seconds".into()),
                        );
                        return None;
                    }
                    DurationUnit::Seconds => Some(*amount),
                    DurationUnit::Minutes => amount.checked_mul(60),
                    DurationUnit::Hours => amount.checked_mul(3600),
                    DurationUnit::Days => amount.checked_mul(86_400),
                };
                match seconds {
                    Some(seconds) => Some(Spanned {
                        value: seconds,
                        span: value.span,
                    }),
                    None => {
                        self.error(
                            value.span,
                            CheckErrorKind::OutOfRange {
                                what: "a duration".into(),
                                value: describe(&value),
                                range: "less than 584 billion years".into(),
                            },
                        );
                        None
                    }
                }
            }
            ValueKind::Number { raw, .. } => {
                self.mismatch(
                    &value,
                    "a duration such as `30s`",
                    Some(format!("add a unit: `{raw}s`, `{raw}m`, `{raw}h` or `{raw}d`")),
                );
                None
            }
            _ => {
                self.mismatch(&value, "a duration such as `30s`", None);
                None
            }
        }
    }

    /// A size in megabytes (binary: 1 GB = 1024 MB, as Lambda counts).
    pub(super) fn size_mb(&mut self, value: &Value) -> Option<u64> {
        let value = self.resolve(value);
        match &value.kind {
            ValueKind::Size { amount, unit, .. } => {
                let megabytes = match unit {
                    SizeUnit::Kilobytes if amount % 1024 == 0 => Some(amount / 1024),
                    SizeUnit::Kilobytes => {
                        self.mismatch(&value, "a size in whole megabytes", None);
                        return None;
                    }
                    SizeUnit::Megabytes => Some(*amount),
                    SizeUnit::Gigabytes => amount.checked_mul(1024),
                    SizeUnit::Terabytes => amount.checked_mul(1024 * 1024),
                };
                if megabytes.is_none() {
                    self.mismatch(&value, "a size that fits in 64 bits", None);
                }
                megabytes
            }
            ValueKind::Number { raw, .. } => {
                self.mismatch(
                    &value,
                    "a size such as `256MB`",
                    Some(format!("add a unit: `{raw}MB`")),
                );
                None
            }
            _ => {
                self.mismatch(&value, "a size such as `256MB`", None);
                None
            }
        }
    }

    /// A whole number.
    pub(super) fn integer(&mut self, value: &Value) -> Option<Spanned<u64>> {
        let value = self.resolve(value);
        match &value.kind {
            ValueKind::Number { value: number, .. }
                if number.fract() == 0.0 && *number >= 0.0 && *number < 1e15 =>
            {
                Some(Spanned {
                    value: *number as u64,
                    span: value.span,
                })
            }
            _ => {
                self.mismatch(&value, "a whole number", None);
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, value: &Value) -> Option<bool> {
        let value = self.resolve(value);
        match &value.kind {
            ValueKind::Bool { value, .. } => Some(*value),
            _ => {
                self.mismatch(&value, "`on` or `off`", None);
                None
            }
        }
    }

    /// One of a fixed set of words, e.g. `on_demand`.
    pub(super) fn symbol(
        &mut self,
        value: &Value,
        what: &str,
        allowed: &[&'static str],
    ) -> Option<&'static str> {
        let word = match &value.kind {
            ValueKind::Ref(reference) if reference.segments.len() == 1 => reference.head().name.clone(),
            ValueKind::Ref(reference) => reference.dotted(),
            ValueKind::Str(text) => match text.as_literal() {
                Some(text) => text,
                None => {
                    self.mismatch(value, &format!("a {what}"), None);
                    return None;
                }
            },
            _ => {
                let expected = format!("a {what} ({})", quote_list(allowed));
                self.mismatch(value, &expected, None);
                return None;
            }
        };
        if let Some(found) = allowed.iter().find(|candidate| **candidate == word) {
            return Some(found);
        }
        self.error(
            value.span,
            CheckErrorKind::UnknownValue {
                found: word.clone(),
                what: what.to_string(),
                suggestion: did_you_mean(&word, allowed.iter().copied()).map(str::to_string),
                allowed: allowed.iter().map(|s| s.to_string()).collect(),
            },
        );
        None
    }

    /// A region code AWS has.
    pub(super) fn region(&mut self, value: &Value) -> Option<Region> {
        let value = self.resolve(value);
        match &value.kind {
            ValueKind::Region(region) => self.known_region(region, value.span),
            _ => {
                self.mismatch(&value, "a region code such as `us-east-1`", None);
                None
            }
        }
    }

    pub(super) fn known_region(&mut self, region: &str, span: Span) -> Option<Region> {
        if vocabulary::REGIONS.contains(&region) {
            return Some(Region(region.to_string()));
        }
        self.error(
            span,
            CheckErrorKind::UnknownRegion {
                region: region.to_string(),
                suggestion: did_you_mean(region, vocabulary::REGIONS.iter().copied()).map(str::to_string),
            },
        );
        None
    }

    /// A bare word (`prod`) or a string: for names the user chooses.
    pub(super) fn word(&mut self, value: &Value) -> Option<String> {
        if let ValueKind::Ref(reference) = &value.kind
            && reference.segments.len() == 1
            && self.scope.get(&reference.head().name).is_none()
        {
            return Some(reference.head().name.clone());
        }
        self.literal_string(value)
    }

    /// A string fully known before deployment: literals and variables only.
    pub(super) fn literal_string(&mut self, value: &Value) -> Option<String> {
        let text = self.text(value, Consumer::Unplaced)?;
        let mut literal = String::new();
        for part in &text.parts {
            match part {
                TextPart::Literal(chunk) => literal.push_str(chunk),
                TextPart::Ref(_) => {
                    self.mismatch(
                        value,
                        "a string known before deployment",
                        Some("only variables can be interpolated here, not resource attributes".into()),
                    );
                    return None;
                }
            }
        }
        Some(literal)
    }

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

pub(super) fn quote_list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
