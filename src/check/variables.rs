//! `let` variables: evaluated once, in order, to literal values.

use super::Checker;
use super::check_error::CheckErrorKind;
use super::scope::{Declaration, VariableState};
use crate::syntax::ast::{LetValue, Str, StrPart, Value, ValueKind};

impl Checker<'_> {
    pub(super) fn evaluate_variables(&mut self) {
        let names: Vec<String> = self
            .scope
            .variables()
            .into_iter()
            .map(|(name, _)| name.to_string())
            .collect();
        for name in names {
            self.variable(&name, None);
        }
    }

    /// The value of variable `name`, evaluating it if needed. `used_at` is
    /// the span of the reference, for reporting a cycle.
    pub(super) fn variable(&mut self, name: &str, used_at: Option<crate::source::Span>) -> Option<Value> {
        let Some(Declaration::Variable { item, state }) = self.scope.get(name) else {
            return None;
        };
        let item = *item;
        match state.clone() {
            VariableState::Done(value) => value,
            VariableState::Evaluating => {
                self.error(
                    used_at.unwrap_or(item.name.span),
                    CheckErrorKind::VariableCycle {
                        name: name.to_string(),
                    },
                );
                None
            }
            VariableState::Unevaluated => {
                self.set_variable(name, VariableState::Evaluating);
                let value = match &item.value {
                    LetValue::Env(call) => self.evaluate_env(call),
                    LetValue::Value(value) => self.evaluate_literal(value),
                };
                self.set_variable(name, VariableState::Done(value.clone()));
                value
            }
        }
    }

    fn set_variable(&mut self, name: &str, new_state: VariableState) {
        if let Some(Declaration::Variable { state, .. }) = self.scope.get_mut(name) {
            *state = new_state;
        }
    }

    fn evaluate_env(&mut self, call: &crate::syntax::ast::EnvCall) -> Option<Value> {
        let variable = self.literal_string(&call.variable)?;
        if let Some(found) = self.environment.var(&variable) {
            return Some(string_value(found, call.span));
        }
        match &call.default {
            Some(default) => self.evaluate_literal(default),
            None => {
                self.error(call.span, CheckErrorKind::MissingEnv { variable });
                None
            }
        }
    }

    /// Strings are interpolated now, so a variable holds a plain literal.
    fn evaluate_literal(&mut self, value: &Value) -> Option<Value> {
        match &value.kind {
            ValueKind::Str(_) | ValueKind::Ref(_) => {
                let resolved = self.resolve(value);
                if !matches!(resolved.kind, ValueKind::Str(_) | ValueKind::Ref(_)) {
                    return Some(resolved);
                }
                let text = self.literal_string(value)?;
                Some(string_value(text, value.span))
            }
            ValueKind::List(_) | ValueKind::Map(_) | ValueKind::Field { .. } => {
                self.mismatch(
                    value,
                    "a string, number, duration, size, region or `on`/`off`",
                    Some("variables hold single values".into()),
                );
                None
            }
            _ => Some(value.clone()),
        }
    }

    pub(super) fn warn_unused_variables(&mut self) {
        let unused: Vec<_> = self
            .scope
            .variables()
            .into_iter()
            .filter(|(name, _)| !self.scope.used_variables.contains(*name))
            .map(|(name, item)| (name.to_string(), item.name.span))
            .collect();
        for (name, span) in unused {
            self.error(span, CheckErrorKind::UnusedVariable { name });
        }
    }
}

fn string_value(text: String, span: crate::source::Span) -> Value {
    Value {
        kind: ValueKind::Str(Str {
            raw: format!("{text:?}"),
            parts: vec![StrPart::Text(text)],
        }),
        span,
    }
}
