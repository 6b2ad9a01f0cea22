//! DynamoDB tables, with point-in-time recovery and streams, waited for until ACTIVE.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, PointInTimeRecoverySpecification,
    PointInTimeRecoveryStatus, ProvisionedThroughput, ReplicaStatus, ScalarAttributeType,
    StreamSpecification, StreamViewType, TableDescription, TableStatus, Tag,
};

use super::*;
use crate::aws::iam::build_error;
use crate::aws::poll::Poll;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{self, DynamoTable, KeyAttribute, Tags};

impl Aws {
    pub(super) async fn create_table(
        &self,
        region: &str,
        table: &DynamoTable,
    ) -> Result<Applied, ProviderError> {
        let client = self.dynamodb(region).await;
        let mut keys = vec![&table.partition_key];
        keys.extend(table.sort_key.as_ref());
        let mut request = client.create_table().table_name(&table.name);
        for (key, key_type) in keys.iter().zip([KeyType::Hash, KeyType::Range]) {
            request = request
                .key_schema(
                    KeySchemaElement::builder()
                        .attribute_name(&key.name)
                        .key_type(key_type)
                        .build()
                        .map_err(build_error)?,
                )
                .attribute_definitions(definition(key)?);
        }
        request = if table.billing_mode == resources::BillingMode::Provisioned {
            request
                .billing_mode(BillingMode::Provisioned)
                .provisioned_throughput(throughput(table)?)
        } else {
            request.billing_mode(BillingMode::PayPerRequest)
        };
        request = request.deletion_protection_enabled(table.deletion_protection);
        if let Some(view) = &table.stream_view_type {
            request = request.stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::from(view.as_str()))
                    .build()
                    .map_err(build_error)?,
            );
        }
        for (key, value) in &table.tags {
            request = request.tags(
                Tag::builder()
                    .key(key)
                    .value(value)
                    .build()
                    .map_err(build_error)?,
            );
        }
        let created = match request.send().await {
            Ok(created) => created.table_description,
            Err(error) => {
                let error = sdk_error(error);
                if error.code.as_deref() != Some("ResourceInUseException") {
                    return Err(error);
                }
                None
            }
        };
        // The answer says whether the table is ready; wait only if not.
        // Recovery settings change neither the ARN nor the stream: the
        // description that saw the table ACTIVE is the one to record.
        let described = match created {
            Some(created) if created.table_status() == Some(&TableStatus::Active) => created,
            _ => self.wait_table_active(&client, &table.name).await?,
        };
        self.set_recovery(&client, &table.name, table.point_in_time_recovery)
            .await?;
        Ok(applied(&table.name, described))
    }

    pub(super) async fn set_recovery(
        &self,
        client: &aws_sdk_dynamodb::Client,
        name: &str,
        enabled: bool,
    ) -> Result<(), ProviderError> {
        client
            .update_continuous_backups()
            .table_name(name)
            .point_in_time_recovery_specification(
                PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(enabled)
                    .build()
                    .map_err(build_error)?,
            )
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// Waits until the table and its replicas are ACTIVE; returns the
    /// description that said so.
    pub(super) async fn wait_table_active(
        &self,
        client: &aws_sdk_dynamodb::Client,
        name: &str,
    ) -> Result<TableDescription, ProviderError> {
        let deadline = tokio::time::Instant::now() + SETTLE;
        let mut poll = Poll::new();
        loop {
            let described = client
                .describe_table()
                .table_name(name)
                .send()
                .await
                .map_err(sdk_error)?;
            let table = described
                .table
                .ok_or_else(|| ProviderError::other("DescribeTable returned no table"))?;
            let replicas_settled = table
                .replicas()
                .iter()
                .all(|replica| matches!(replica.replica_status(), Some(ReplicaStatus::Active) | None));
            if table.table_status() == Some(&TableStatus::Active) && replicas_settled {
                return Ok(table);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(ProviderError::other(format!(
                    "table {name} did not become ACTIVE"
                )));
            }
            poll.wait().await;
        }
    }

    pub(super) async fn update_table(
        &self,
        region: &str,
        table: &DynamoTable,
        before: &DynamoTable,
    ) -> Result<Applied, ProviderError> {
        let client = self.dynamodb(region).await;
        if table.billing_mode != before.billing_mode
            || table.read_capacity != before.read_capacity
            || table.write_capacity != before.write_capacity
        {
            let mut request = client.update_table().table_name(&table.name);
            request = if table.billing_mode == resources::BillingMode::Provisioned {
                request
                    .billing_mode(BillingMode::Provisioned)
                    .provisioned_throughput(throughput(table)?)
            } else {
                request.billing_mode(BillingMode::PayPerRequest)
            };
            request.send().await.map_err(sdk_error)?;
            self.wait_table_active(&client, &table.name).await?;
        }
        if table.stream_view_type != before.stream_view_type {
            let specification = match &table.stream_view_type {
                Some(view) => StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::from(view.as_str())),
                None => StreamSpecification::builder().stream_enabled(false),
            };
            client
                .update_table()
                .table_name(&table.name)
                .stream_specification(specification.build().map_err(build_error)?)
                .send()
                .await
                .map_err(sdk_error)?;
            self.wait_table_active(&client, &table.name).await?;
        }
        if table.point_in_time_recovery != before.point_in_time_recovery {
            self.set_recovery(&client, &table.name, table.point_in_time_recovery)
                .await?;
        }
        if table.deletion_protection != before.deletion_protection {
            self.set_deletion_protection(&client, &table.name, table.deletion_protection)
                .await?;
        }
        let described = self.wait_table_active(&client, &table.name).await?;
        Ok(applied(&table.name, described))
    }

    /// Turns a table's (or a replica's, in its region) deletion protection
    /// on or off.
    pub(super) async fn set_deletion_protection(
        &self,
        client: &aws_sdk_dynamodb::Client,
        name: &str,
        enabled: bool,
    ) -> Result<(), ProviderError> {
        client
            .update_table()
            .table_name(name)
            .deletion_protection_enabled(enabled)
            .send()
            .await
            .map_err(sdk_error)?;
        self.wait_table_active(client, name).await?;
        Ok(())
    }

    /// Whether the table in `client`'s region is protected against deletion.
    pub(super) async fn deletion_protected(
        &self,
        client: &aws_sdk_dynamodb::Client,
        name: &str,
    ) -> Result<bool, ProviderError> {
        let described = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(described
            .table()
            .and_then(|t| t.deletion_protection_enabled())
            .unwrap_or(false))
    }

    /// Deletes the table, turning its deletion protection off first (a
    /// destroy only gets here with `--allow-data-loss`).
    pub(super) async fn delete_table(&self, region: &str, name: &str) -> Result<(), ProviderError> {
        let client = self.dynamodb(region).await;
        if self.deletion_protected(&client, name).await? {
            self.set_deletion_protection(&client, name, false).await?;
        }
        client
            .delete_table()
            .table_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The table's live billing, capacity, stream and recovery settings.
    pub(super) async fn read_table(
        &self,
        region: &str,
        mut table: DynamoTable,
    ) -> Result<Option<DynamoTable>, ProviderError> {
        let client = self.dynamodb(region).await;
        let described = client
            .describe_table()
            .table_name(&table.name)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(live) = described.table else {
            return Ok(None);
        };
        // A table created on demand reports no summary on some APIs; one
        // never switched reports none at all and is provisioned.
        table.billing_mode = live
            .billing_mode_summary()
            .and_then(|summary| summary.billing_mode())
            .map_or(resources::BillingMode::Provisioned, |mode| {
                resources::BillingMode::from_aws(mode.as_str())
            });
        if table.billing_mode == resources::BillingMode::Provisioned {
            let throughput = live.provisioned_throughput();
            let units = |live: Option<i64>, recorded: Option<u64>| match live {
                // drx provisions 5 units when none are given.
                Some(5) if recorded.is_none() => None,
                Some(units) => Some(units as u64),
                None => recorded,
            };
            table.read_capacity = units(
                throughput.and_then(|t| t.read_capacity_units()),
                table.read_capacity,
            );
            table.write_capacity = units(
                throughput.and_then(|t| t.write_capacity_units()),
                table.write_capacity,
            );
        } else {
            table.read_capacity = None;
            table.write_capacity = None;
        }
        table.stream_view_type = live
            .stream_specification()
            .filter(|stream| stream.stream_enabled())
            .and_then(|stream| stream.stream_view_type())
            .map(|view| resources::StreamViewType::from_aws(view.as_str()));
        table.point_in_time_recovery = self.recovery_enabled(&client, &table.name).await?;
        table.deletion_protection = live.deletion_protection_enabled().unwrap_or(false);
        Ok(Some(table))
    }

    pub(super) async fn recovery_enabled(
        &self,
        client: &aws_sdk_dynamodb::Client,
        name: &str,
    ) -> Result<bool, ProviderError> {
        let backups = client
            .describe_continuous_backups()
            .table_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(backups
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|d| d.point_in_time_recovery_status())
            == Some(&PointInTimeRecoveryStatus::Enabled))
    }

    /// Sets the table's tags and removes the `removed` keys.
    pub(super) async fn retag_table(
        &self,
        region: &str,
        arn: &str,
        tags: &Tags,
        removed: &[String],
    ) -> Result<(), ProviderError> {
        let client = self.dynamodb(region).await;
        if !removed.is_empty() {
            client
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(removed.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        if !tags.is_empty() {
            let mut request = client.tag_resource().resource_arn(arn);
            for (key, value) in tags {
                request = request.tags(
                    Tag::builder()
                        .key(key)
                        .value(value)
                        .build()
                        .map_err(build_error)?,
                );
            }
            request.send().await.map_err(sdk_error)?;
        }
        Ok(())
    }
}

/// What a table's outputs are: its ARN and its stream's.
pub(super) fn applied(name: &str, table: TableDescription) -> Applied {
    let mut applied = Applied::new(name).with("arn", table.table_arn.unwrap_or_default());
    if let Some(stream) = table.latest_stream_arn {
        applied = applied.with("stream_arn", stream);
    }
    applied
}

/// The capacity of a provisioned table (5 units each way unless given).
fn throughput(table: &DynamoTable) -> Result<ProvisionedThroughput, ProviderError> {
    ProvisionedThroughput::builder()
        .read_capacity_units(table.read_capacity.unwrap_or(5) as i64)
        .write_capacity_units(table.write_capacity.unwrap_or(5) as i64)
        .build()
        .map_err(build_error)
}

fn definition(key: &KeyAttribute) -> Result<AttributeDefinition, ProviderError> {
    AttributeDefinition::builder()
        .attribute_name(&key.name)
        .attribute_type(ScalarAttributeType::from(key.attribute_type.as_str()))
        .build()
        .map_err(build_error)
}

impl Operations<DynamoTable> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["ResourceNotFoundException", "TableNotFoundException"];

    async fn find(
        &self,
        region: &str,
        desired: &DynamoTable,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(region, desired, &desired.name).await
    }

    async fn import(
        &self,
        region: &str,
        desired: &DynamoTable,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        named(id, &desired.name)?;
        let client = self.dynamodb(region).await;
        // One being made is waited for: what is recorded is the ACTIVE table.
        let described = self.wait_table_active(&client, id).await?;
        Ok(Some(applied(id, described)))
    }

    async fn create(
        &self,
        region: &str,
        desired: &DynamoTable,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_table(region, desired).await
    }

    async fn update(
        &self,
        region: &str,
        desired: &DynamoTable,
        before: &DynamoTable,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.update_table(region, desired, before).await
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &DynamoTable,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_table(region, &recorded.name).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: DynamoTable,
        _old: &ResourceState,
    ) -> Result<Option<DynamoTable>, ProviderError> {
        self.read_table(region, recorded).await
    }

    async fn retag(
        &self,
        region: &str,
        _desired: &DynamoTable,
        tags: &Tags,
        removed: &[String],
        _old: &ResourceState,
        arn: &str,
    ) -> Result<(), ProviderError> {
        self.retag_table(region, arn, tags, removed).await
    }
}
