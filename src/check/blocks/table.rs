//! `table name { key … billing … recovery … replicate globally … rpo … }`

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::naming::NameRule;
use super::super::service_name;
use super::super::statements::Statements;
use super::super::topology::{Billing, Consistency, Key, KeyType, Setting, Table};
use crate::model::blocks::ResourceKind;
use crate::syntax::ast::{self, ValueKind};

impl<'a> Checker<'a> {
    pub(in super::super) fn check_table(&mut self, block: &'a ast::Block) -> Option<Table> {
        let mut statements =
            Statements::new(self, "table", ResourceKind::Table.spec().attributes, &block.body);
        let regions = self.regions_of(&block.name.name);
        let service = service_name(&block.name.name);

        let partition_key = statements.value(self, "key").and_then(|value| self.key(value));
        let partition_key = statements.require(self, partition_key, "key", &block.name, "key id: string");
        let sort_key = statements.value(self, "sort_key").map(|value| self.key(value));

        let billing_value = statements.value(self, "billing");
        let billing_span = billing_value.map(|v| v.span);
        let billing = match billing_value {
            Some(value) => match self.symbol(value, "billing mode", &["on_demand", "provisioned"]) {
                Some("provisioned") => {
                    let capacity = statements.body(self, "capacity");
                    let capacity = statements.require(
                        self,
                        capacity,
                        "capacity",
                        &block.name,
                        "capacity { read 5  write 5 }",
                    );
                    capacity.and_then(|body| self.capacity(body))
                }
                Some(_) => Some(Billing::OnDemand),
                None => None,
            },
            None => Some(Billing::OnDemand),
        };

        let point_in_time_recovery = match statements.value(self, "recovery") {
            Some(value) => {
                let enabled = self
                    .symbol(value, "recovery mode", &["point_in_time", "none"])
                    .map(|mode| mode == "point_in_time");
                if enabled == Some(false) {
                    self.error(
                        value.span,
                        CheckErrorKind::RecoveryOff {
                            table: block.name.name.clone(),
                        },
                    );
                }
                enabled
            }
            None => Some(true),
        };

        let deletion_protection = match statements.value(self, "deletion_protection") {
            Some(value) => self.boolean(value),
            None => Some(true),
        };

        let mut consistency = Some(Setting::default_value(Consistency::Eventual));
        let replication_span = statements.replicates.first().map(|(_, span)| *span);
        for (replicate, span) in statements.replicates.clone() {
            let mut consistency_span = span;
            if let Some(options) = &replicate.options {
                let mut options_statements = Statements::new(
                    self,
                    "table replication",
                    ResourceKind::Table.spec().replicate,
                    options,
                );
                if let Some(value) = options_statements.value(self, "consistency") {
                    consistency_span = value.span;
                    consistency = self
                        .symbol(value, "consistency", &["eventual", "strong"])
                        .map(|word| {
                            let consistency = if word == "strong" {
                                Consistency::Strong
                            } else {
                                Consistency::Eventual
                            };
                            Setting::set(consistency, value.span)
                        });
                }
                options_statements.finish(self, &[]);
            }
            if let (Some(Billing::Provisioned { .. }), Some(billing_span)) = (&billing, billing_span) {
                self.error(
                    span,
                    CheckErrorKind::ReplicaNeedsOnDemand {
                        billing: billing_span,
                    },
                );
            }
            let strong = consistency
                .as_ref()
                .is_some_and(|c| c.value == Consistency::Strong);
            if strong && regions.len() != 3 {
                self.error(
                    consistency_span,
                    CheckErrorKind::StrongConsistencyRegions { count: regions.len() },
                );
            }
        }

        let rpo = statements.value(self, "rpo").map(|value| self.duration(value));
        statements.finish_resource(self, ResourceKind::Table);

        self.check_resource_name(NameRule::Table, &service, &[None], block.name.span);

        let home = regions.first()?.clone();
        Some(Table {
            name: block.name.name.clone(),
            service,
            partition_key: partition_key?,
            sort_key: sort_key.map_or(Some(None), |key| key.map(Some))?,
            billing: billing?,
            point_in_time_recovery: point_in_time_recovery?,
            deletion_protection: deletion_protection?,
            replicas: regions[1..].to_vec(),
            home,
            consistency: consistency?,
            replication_span,
            rpo: optional(rpo)?,
            span: block.span,
        })
    }

    /// `paymentId: string`
    fn key(&mut self, value: &ast::Value) -> Option<Key> {
        let ValueKind::Field { name, ty } = &value.kind else {
            self.mismatch(value, "a key such as `paymentId: string`", None);
            return None;
        };
        let ty_value = ast::Value {
            kind: ValueKind::Ref(ast::Reference {
                segments: vec![ty.clone()],
                span: ty.span,
            }),
            span: ty.span,
        };
        let ty = self.symbol(&ty_value, "key type", &["string", "number", "binary"])?;
        Some(Key {
            name: name.name.clone(),
            ty: match ty {
                "string" => KeyType::String,
                "number" => KeyType::Number,
                _ => KeyType::Binary,
            },
        })
    }

    fn capacity(&mut self, body: &'a ast::Body) -> Option<Billing> {
        let mut statements = Statements::new(
            self,
            "capacity block",
            ResourceKind::Table.spec().nested("capacity"),
            body,
        );
        let read = statements.value(self, "read").and_then(|v| self.integer(v));
        let write = statements.value(self, "write").and_then(|v| self.integer(v));
        statements.finish(self, &[]);
        Some(Billing::Provisioned {
            read: read?.value,
            write: write?.value,
        })
    }
}

/// `None` (absent) stays `Some(None)`; a present value that failed is `None`.
pub(super) fn optional<T>(value: Option<Option<T>>) -> Option<Option<T>> {
    match value {
        None => Some(None),
        Some(inner) => inner.map(Some),
    }
}
