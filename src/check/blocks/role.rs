//! `role name { trust account_root  allow [service.action, …] on resource }`

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::naming::NameRule;
use super::super::service_name;
use super::super::statements::Statements;
use super::super::topology::{Grant, ResourceKind, Role, Trust};
use crate::model::blocks;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, ValueKind};

const ALL_KINDS: [ResourceKind; 8] = [
    ResourceKind::Table,
    ResourceKind::Bucket,
    ResourceKind::Function,
    ResourceKind::Api,
    ResourceKind::Failover,
    ResourceKind::Alerts,
    ResourceKind::Alarm,
    ResourceKind::Role,
];

impl<'a> Checker<'a> {
    pub(in super::super) fn check_role(&mut self, block: &'a ast::Block) -> Option<Role> {
        let mut statements = Statements::new(self, "role", ResourceKind::Role.spec().attributes, &block.body);
        let service = service_name(&block.name.name);
        let trust = statements
            .value(self, "trust")
            .and_then(|value| self.trust(value));
        let trust = statements.require(self, trust, "trust", &block.name, "trust account_root");
        let mfa = match statements.value(self, "mfa") {
            Some(value) => self
                .symbol(value, "MFA setting", &["required", "optional"])
                .map(|w| w == "required"),
            None => Some(true),
        };

        let mut grants = Vec::new();
        let mut ok = true;
        for (allow, _) in statements.allows.clone() {
            match self.grant(allow) {
                Some(grant) => grants.push(grant),
                None => ok = false,
            }
        }
        statements.finish_resource(self, ResourceKind::Role);
        self.check_resource_name(NameRule::Role, &service, &[None], block.name.span);
        ok.then_some(())?;
        Some(Role {
            name: block.name.name.clone(),
            service,
            trust: trust?,
            mfa: mfa?,
            grants,
            span: block.span,
        })
    }

    fn trust(&mut self, value: &ast::Value) -> Option<Trust> {
        match &value.kind {
            ValueKind::Ref(reference) if reference.dotted() == "account_root" => Some(Trust::AccountRoot),
            ValueKind::Str(_) => {
                let account = self.literal_string(value)?;
                if account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) {
                    Some(Trust::Account(account))
                } else {
                    self.error(value.span, CheckErrorKind::InvalidPrincipal { value: account });
                    None
                }
            }
            _ => {
                self.error(
                    value.span,
                    CheckErrorKind::InvalidPrincipal {
                        value: super::super::values::describe(value),
                    },
                );
                None
            }
        }
    }

    fn grant(&mut self, allow: &ast::Allow) -> Option<Grant> {
        let (target, target_kind, _) = self.resource_named(&allow.target, &ALL_KINDS)?;
        let items: Vec<&ast::Value> = match &allow.actions.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![&allow.actions],
        };
        let mut actions = Vec::new();
        let mut ok = true;
        for item in items {
            let ValueKind::Ref(reference) = &item.kind else {
                self.mismatch(item, "an action such as `route53.change_records`", None);
                ok = false;
                continue;
            };
            let name = reference.dotted();
            let Some((action_target, spec)) = blocks::actions().find(|(_, spec)| spec.name == name) else {
                self.error(
                    item.span,
                    CheckErrorKind::UnknownAction {
                        suggestion: did_you_mean(&name, blocks::actions().map(|(_, spec)| spec.name))
                            .map(str::to_string),
                        action: name,
                    },
                );
                ok = false;
                continue;
            };
            if action_target != target_kind {
                self.error(
                    item.span,
                    CheckErrorKind::ActionTarget {
                        action: name,
                        expected: action_target.word().into(),
                        target: target.clone(),
                        found: target_kind.word().into(),
                    },
                );
                ok = false;
                continue;
            }
            for iam in spec.iam {
                if !actions.contains(&iam.to_string()) {
                    actions.push(iam.to_string());
                }
            }
        }
        ok.then_some(Grant {
            actions,
            target,
            target_kind,
        })
    }
}
