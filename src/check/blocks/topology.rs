//! `topology name { primary … secondary … naming … tags … objectives … }`

use crate::model::blocks::BlockKind;
use std::collections::BTreeMap;

use super::super::check_error::CheckErrorKind;
use super::super::statements::Statements;
use super::super::topology::{Assumptions, Naming, Objectives, Region, Setting};
use super::super::{Checker, Header};
use crate::source::Span;
use crate::syntax::ast::{self, Value, ValueKind};

impl<'a> Checker<'a> {
    pub(in super::super) fn check_topology_block(&mut self, block: &'a ast::Block) -> Option<Header> {
        let mut statements = Statements::new(
            self,
            "topology",
            BlockKind::Topology.spec().attributes,
            &block.body,
        );
        let primary = statements
            .value(self, "primary")
            .and_then(|value| self.region(value).map(|region| (region, value.span)));
        let primary = statements.require(self, primary, "primary", &block.name, "primary us-east-1");
        self.primary = primary.as_ref().map(|(region, _)| region.clone());

        let secondary = statements.value(self, "secondary");
        let secondaries = match secondary {
            Some(value) => self.secondary_regions(value, primary.as_ref()),
            None => {
                statements.require(self, None::<()>, "secondary", &block.name, "secondary us-east-2");
                None
            }
        };
        self.secondaries = secondaries.clone().unwrap_or_default();

        let naming = match statements.value(self, "naming") {
            Some(value) => self.literal_string(value).and_then(|pattern| {
                self.check_naming_pattern(&pattern, value.span)
                    .then(|| Naming::with_span(pattern, value.span))
            }),
            None => Some(Naming::with_span("{service}-{region}".into(), block.name.span)),
        };
        self.naming = naming.clone();

        let tags = match statements.value(self, "tags") {
            Some(value) => self.tags(value),
            None => Some(BTreeMap::new()),
        };
        let state = match statements.value(self, "state") {
            Some(value) => {
                self.literal_string(value)
                    .and_then(|text| match crate::model::Location::parse(&text) {
                        Ok(location) => Some(Some(location)),
                        Err(problem) => {
                            self.error(value.span, CheckErrorKind::StateLocation { problem });
                            None
                        }
                    })
            }
            None => Some(None),
        };
        let objectives = match statements.body(self, "objectives") {
            Some(body) => self.objectives(body),
            None => Some(Objectives::default()),
        };
        let assumptions = match statements.body(self, "assumptions") {
            Some(body) => self.assumptions(body),
            None => Some(Assumptions::default()),
        };
        statements.finish(self, &[]);
        Some(Header {
            name: block.name.name.clone(),
            primary: primary?.0,
            secondaries: secondaries?,
            naming: naming?,
            tags: tags?,
            state: state?,
            objectives: objectives?,
            assumptions: assumptions?,
        })
    }

    /// `secondary us-east-2` or `secondary [us-east-2, us-west-2]`.
    fn secondary_regions(
        &mut self,
        value: &'a Value,
        primary: Option<&(Region, Span)>,
    ) -> Option<Vec<Region>> {
        let items: Vec<&Value> = match &value.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![value],
        };
        if items.is_empty() {
            self.mismatch(value, "at least one secondary region", None);
            return None;
        }
        let mut seen: Vec<(Region, Span)> = primary.into_iter().cloned().collect();
        let mut ok = true;
        for item in items {
            let Some(region) = self.region(item) else {
                ok = false;
                continue;
            };
            if let Some((_, first)) = seen.iter().find(|(existing, _)| *existing == region) {
                self.error(
                    item.span,
                    CheckErrorKind::SameRegion {
                        region: region.0.clone(),
                        first: *first,
                    },
                );
                ok = false;
                continue;
            }
            seen.push((region, item.span));
        }
        let secondaries = seen
            .into_iter()
            .skip(usize::from(primary.is_some()))
            .map(|(r, _)| r)
            .collect();
        ok.then_some(secondaries)
    }

    fn tags(&mut self, value: &Value) -> Option<BTreeMap<String, String>> {
        let ValueKind::Map(entries) = &value.kind else {
            self.mismatch(value, "a map such as `{ team: \"payments\" }`", None);
            return None;
        };
        let mut tags = BTreeMap::new();
        let mut ok = true;
        for entry in entries {
            let key = entry.key.name.clone();
            let problem = if key.to_ascii_lowercase().starts_with("aws:") {
                Some("the `aws:` prefix is reserved for AWS".to_string())
            } else if key.chars().count() > 128 {
                Some("keys are at most 128 characters".to_string())
            } else if key.is_empty() {
                Some("keys cannot be empty".to_string())
            } else {
                None
            };
            if let Some(problem) = problem {
                self.error(entry.key.span, CheckErrorKind::InvalidTag { key, problem });
                ok = false;
                continue;
            }
            let Some(text) = self.literal_string(&entry.value) else {
                ok = false;
                continue;
            };
            if text.chars().count() > 256 {
                self.error(
                    entry.value.span,
                    CheckErrorKind::InvalidTag {
                        key,
                        problem: "values are at most 256 characters".into(),
                    },
                );
                ok = false;
                continue;
            }
            tags.insert(key, text);
        }
        if tags.len() > 50 {
            self.error(
                value.span,
                CheckErrorKind::InvalidTag {
                    key: "tags".into(),
                    problem: "a resource takes at most 50 tags".into(),
                },
            );
            ok = false;
        }
        ok.then_some(tags)
    }

    /// Values AWS publishes no bound for, which the RTO model needs.
    fn assumptions(&mut self, body: &'a ast::Body) -> Option<Assumptions> {
        let mut statements = Statements::new(
            self,
            "assumptions block",
            BlockKind::Topology.spec().nested("assumptions"),
            body,
        );
        let mut assumptions = Assumptions::default();
        let mut ok = true;
        for (name, slot) in [
            ("route53_answer_change", &mut assumptions.route53_answer_change),
            ("client_dns_cache", &mut assumptions.client_dns_cache),
            ("standby_warm_up", &mut assumptions.standby_warm_up),
        ] {
            if let Some(value) = statements.value(self, name) {
                match self.duration(value) {
                    Some(duration) => *slot = Setting::set(duration.value, duration.span),
                    None => ok = false,
                }
            }
        }
        statements.finish(self, &[]);
        ok.then_some(assumptions)
    }

    fn objectives(&mut self, body: &'a ast::Body) -> Option<Objectives> {
        let mut statements = Statements::new(
            self,
            "objectives block",
            BlockKind::Topology.spec().nested("objectives"),
            body,
        );
        let rto = statements.value(self, "rto").map(|value| self.duration(value));
        let rpo = statements.value(self, "rpo").map(|value| self.duration(value));
        statements.finish(self, &[]);
        Some(Objectives {
            rto: rto.map_or(Some(None), |d| d.map(Some))?,
            rpo: rpo.map_or(Some(None), |d| d.map(Some))?,
        })
    }
}
