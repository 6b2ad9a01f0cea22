//! `alerts name { email [...] in … }`: an SNS topic in each region it is placed.

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::naming::NameRule;
use super::super::service_name;
use super::super::statements::Statements;
use super::super::topology::{Region, Topic};
use crate::model::blocks::ResourceKind;
use crate::syntax::ast::{self, ValueKind};

impl<'a> Checker<'a> {
    pub(in super::super) fn check_alerts(&mut self, block: &'a ast::Block) -> Option<Topic> {
        let mut statements = Statements::new(
            self,
            "alerts",
            ResourceKind::Alerts.spec().attributes,
            &block.body,
        );
        let regions = self.regions_of(&block.name.name);
        let service = service_name(&block.name.name);
        let emails = match statements.value(self, "email") {
            Some(value) => self.emails(value),
            None => Some(Vec::new()),
        };
        let encrypted = match statements.value(self, "encryption") {
            Some(value) => self
                .symbol(value, "topic encryption", &["kms", "none"])
                .map(|word| word == "kms"),
            None => Some(true),
        };
        statements.finish_resource(self, ResourceKind::Alerts);
        let region_refs: Vec<Option<&Region>> = regions.iter().map(Some).collect();
        self.check_resource_name(NameRule::Topic, &service, &region_refs, block.name.span);
        Some(Topic {
            name: block.name.name.clone(),
            service,
            regions,
            emails: emails?,
            encrypted: encrypted?,
            span: block.span,
        })
    }

    fn emails(&mut self, value: &ast::Value) -> Option<Vec<String>> {
        let items: Vec<&ast::Value> = match &value.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![value],
        };
        let mut emails = Vec::new();
        let mut ok = true;
        for item in items {
            let Some(email) = self.literal_string(item) else {
                ok = false;
                continue;
            };
            let valid = email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }) && !email.contains(char::is_whitespace);
            if !valid {
                self.error(item.span, CheckErrorKind::InvalidEmail { email });
                ok = false;
                continue;
            }
            emails.push(email);
        }
        ok.then_some(emails)
    }
}
