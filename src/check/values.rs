//! Reading typed values out of AST values: units, ranges, symbols, strings
//! with interpolation, and references to variables and resources.

use super::Checker;
use super::check_error::CheckErrorKind;
use super::references::Consumer;
use super::scope::Declaration;
use super::topology::{Region, Seconds, Spanned, TextPart};
use super::vocabulary;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{DurationUnit, SizeUnit, Value, ValueKind};

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

    /// A number, whole or not.
    pub(super) fn number(&mut self, value: &Value) -> Option<f64> {
        let value = self.resolve(value);
        match &value.kind {
            ValueKind::Number { value: number, .. } => Some(*number),
            _ => {
                self.mismatch(&value, "a number", None);
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
}

pub(super) fn quote_list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
