//! Global-table replicas (version 2019.11.21), added and removed through their table.

use aws_sdk_dynamodb::types::{
    CreateReplicationGroupMemberAction, DeleteReplicationGroupMemberAction, ReplicationGroupUpdate,
    TableDescription,
};

use super::table::applied;
use super::*;
use crate::aws::iam::build_error;
use crate::aws::poll::Poll;
use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{DynamoReplica, Tags};

impl Aws {
    pub(super) async fn create_replica(&self, replica: &DynamoReplica) -> Result<Applied, ProviderError> {
        let name = text(&replica.table);
        let home = self.dynamodb(&replica.home_region).await;
        // One replica change at a time: wait out any in progress.
        let table = self.wait_table_active(&home, &name).await?;
        let exists = table
            .replicas()
            .iter()
            .any(|r| r.region_name() == Some(replica.region_name.as_str()));
        if !exists {
            home.update_table()
                .table_name(&name)
                .replica_updates(
                    ReplicationGroupUpdate::builder()
                        .create(
                            CreateReplicationGroupMemberAction::builder()
                                .region_name(&replica.region_name)
                                .build()
                                .map_err(build_error)?,
                        )
                        .build(),
                )
                .send()
                .await
                // Another replica change in progress (one a crash cut short,
                // still running) is ResourceInUse, retried as NotYet; the
                // retry finds the replica it made.
                .map_err(sdk_error)?;
            self.wait_table_active(&home, &name).await?;
        }
        // Once the table lists the replica ACTIVE, the replica's own table
        // is: its description and its recovery setting need not wait on
        // each other.
        let local = self.dynamodb(&replica.region_name).await;
        let (described, recovery) = tokio::join!(
            self.wait_table_active(&local, &name),
            self.set_recovery(&local, &name, replica.point_in_time_recovery)
        );
        recovery?;
        described?;
        if replica.deletion_protection {
            self.set_deletion_protection(&local, &name, true).await?;
        }
        let described = self.wait_table_active(&local, &name).await?;
        Ok(replica_applied(replica, described))
    }

    /// Sets the replica's own point-in-time recovery, in its region.
    pub(super) async fn update_replica(&self, replica: &DynamoReplica) -> Result<Applied, ProviderError> {
        let name = text(&replica.table);
        let local = self.dynamodb(&replica.region_name).await;
        self.set_recovery(&local, &name, replica.point_in_time_recovery)
            .await?;
        if self.deletion_protected(&local, &name).await? != replica.deletion_protection {
            self.set_deletion_protection(&local, &name, replica.deletion_protection)
                .await?;
        }
        let described = self.wait_table_active(&local, &name).await?;
        Ok(replica_applied(replica, described))
    }

    pub(super) async fn delete_replica(&self, replica: &DynamoReplica) -> Result<(), ProviderError> {
        let name = text(&replica.table);
        let home = self.dynamodb(&replica.home_region).await;
        let table = self.wait_table_active(&home, &name).await?;
        // A delete cut short by a crash may have finished in AWS since:
        // DynamoDB refuses to remove a replica the table no longer has.
        let listed = table
            .replicas()
            .iter()
            .any(|r| r.region_name() == Some(replica.region_name.as_str()));
        if !listed {
            return Ok(());
        }
        // A protected replica cannot be removed; a destroy only gets here
        // with `--allow-data-loss`.
        let local = self.dynamodb(&replica.region_name).await;
        if self.deletion_protected(&local, &name).await? {
            self.set_deletion_protection(&local, &name, false).await?;
        }
        home.update_table()
            .table_name(&name)
            .replica_updates(
                ReplicationGroupUpdate::builder()
                    .delete(
                        DeleteReplicationGroupMemberAction::builder()
                            .region_name(&replica.region_name)
                            .build()
                            .map_err(build_error)?,
                    )
                    .build(),
            )
            .send()
            .await
            .map_err(sdk_error)?;
        // The replica is gone once the table no longer lists it.
        let deadline = tokio::time::Instant::now() + SETTLE;
        let mut poll = Poll::new();
        while self.replica_exists(replica).await? {
            if tokio::time::Instant::now() > deadline {
                return Err(ProviderError::other(format!(
                    "replica of {name} in {} was not removed",
                    replica.region_name
                )));
            }
            poll.wait().await;
        }
        Ok(())
    }

    /// Whether the table still has the replica, and the replica's own
    /// point-in-time recovery.
    pub(super) async fn read_replica(
        &self,
        mut replica: DynamoReplica,
    ) -> Result<Option<DynamoReplica>, ProviderError> {
        if !self.replica_exists(&replica).await? {
            return Ok(None);
        }
        let local = self.dynamodb(&replica.region_name).await;
        let name = text(&replica.table);
        replica.point_in_time_recovery = self.recovery_enabled(&local, &name).await?;
        replica.deletion_protection = self.deletion_protected(&local, &name).await?;
        Ok(Some(replica))
    }

    pub(super) async fn replica_exists(&self, replica: &DynamoReplica) -> Result<bool, ProviderError> {
        let home = self.dynamodb(&replica.home_region).await;
        let described = home
            .describe_table()
            .table_name(text(&replica.table))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(described
            .table
            .map(|table| {
                table
                    .replicas()
                    .iter()
                    .any(|r| r.region_name() == Some(replica.region_name.as_str()))
            })
            .unwrap_or(false))
    }
}

/// A replica is the table in another region.
fn replica_applied(replica: &DynamoReplica, table: TableDescription) -> Applied {
    let name = text(&replica.table);
    Applied {
        physical_id: format!("{name}@{}", replica.region_name),
        ..applied(&name, table)
    }
}

impl Operations<DynamoReplica> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["ResourceNotFoundException", "TableNotFoundException"];

    async fn find(
        &self,
        _region: &str,
        desired: &DynamoReplica,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        if !self.replica_exists(desired).await? {
            return Ok(None);
        }
        let local = self.dynamodb(&desired.region_name).await;
        let described = self.wait_table_active(&local, &text(&desired.table)).await?;
        Ok(Some(replica_applied(desired, described)))
    }

    async fn import(
        &self,
        region: &str,
        desired: &DynamoReplica,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let Some((table, replica_region)) = id.split_once('@') else {
            return Err(ProviderError::other(format!(
                "a table replica is imported as TABLE@REGION, not {id}"
            )));
        };
        named(replica_region, &desired.region_name)?;
        let replica = DynamoReplica {
            table: crate::model::template::Val::known(table),
            ..desired.clone()
        };
        self.find(region, &replica, None).await
    }

    async fn create(
        &self,
        _region: &str,
        desired: &DynamoReplica,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_replica(desired).await
    }

    async fn update(
        &self,
        _region: &str,
        desired: &DynamoReplica,
        _before: &DynamoReplica,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.update_replica(desired).await
    }

    async fn delete(
        &self,
        _region: &str,
        recorded: &DynamoReplica,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_replica(recorded).await
    }

    async fn read(
        &self,
        _region: &str,
        recorded: DynamoReplica,
        _old: &ResourceState,
    ) -> Result<Option<DynamoReplica>, ProviderError> {
        self.read_replica(recorded).await
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &DynamoReplica,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}
