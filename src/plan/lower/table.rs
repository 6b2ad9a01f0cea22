//! A table: the table in its home region and one replica per other region.

use super::{Lowering, address};
use crate::check::topology::{Billing, Key, KeyType, Table};
use crate::model::resources::{
    AttributeType, Attributes, BillingMode, DynamoReplica, DynamoTable, KeyAttribute, StreamViewType,
};
use crate::model::template::Val;

fn key(key: &Key) -> KeyAttribute {
    KeyAttribute {
        name: key.name.clone(),
        attribute_type: match key.ty {
            KeyType::String => AttributeType::String,
            KeyType::Number => AttributeType::Number,
            KeyType::Binary => AttributeType::Binary,
        },
    }
}

impl Lowering<'_> {
    pub(super) fn table(&mut self, table: &Table) {
        let name = self.table_name(&table.name);
        let (billing_mode, read_capacity, write_capacity) = match table.billing {
            Billing::OnDemand => (BillingMode::PayPerRequest, None, None),
            Billing::Provisioned { read, write } => (BillingMode::Provisioned, Some(read), Some(write)),
        };
        let table_address = address(&table.name, "table", None, Some(&table.home));
        let attributes = Attributes::DynamodbTable(DynamoTable {
            name: name.clone(),
            partition_key: key(&table.partition_key),
            sort_key: table.sort_key.as_ref().map(key),
            billing_mode,
            read_capacity,
            write_capacity,
            // Global tables replicate through the stream, which must carry
            // both images.
            stream_view_type: (!table.replicas.is_empty()).then_some(StreamViewType::NewAndOldImages),
            point_in_time_recovery: table.point_in_time_recovery,
            deletion_protection: table.deletion_protection,
            tags: self.tags(&table.name),
        });
        self.add(
            &table.name,
            table.span,
            table_address.clone(),
            Some(&table.home),
            attributes,
            Vec::new(),
        );

        // DynamoDB takes one replica change at a time per table, so each
        // replica waits for the one before it.
        let mut previous = table_address.clone();
        for region in &table.replicas {
            let replica_address = address(&table.name, "replica", None, Some(region));
            let attributes = Attributes::DynamodbReplica(DynamoReplica {
                table: Val::known(name.clone()),
                home_region: table.home.0.clone(),
                region_name: region.0.clone(),
                point_in_time_recovery: table.point_in_time_recovery,
                deletion_protection: table.deletion_protection,
            });
            self.add(
                &table.name,
                table.span,
                replica_address.clone(),
                Some(region),
                attributes,
                vec![previous],
            );
            self.replaced_with(vec![table_address.clone()]);
            previous = replica_address;
        }
    }
}
