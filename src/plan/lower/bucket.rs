//! A bucket: one per region, and for replication the role S3 assumes, its
//! policy and the replication configuration on the source bucket.

use super::{Lowering, account_id, address};
use crate::check::topology::{Bucket, Encryption, Region};
use crate::model::resources::{
    self, Attributes, Conditions, IamRole, IamRolePolicy, LogTarget, PolicyDocument, PolicyStatement,
    Principal, ReplicationRule, S3Bucket, S3Replication,
};
use crate::model::template::Val;

/// How long server access logs are kept: a year, as audits ask of logs.
const ACCESS_LOG_DAYS: u64 = 365;

impl Lowering<'_> {
    /// The bucket whose block holds the log buckets: the first that logs.
    fn log_bucket_owner(&self) -> String {
        self.topology
            .buckets
            .iter()
            .find(|bucket| bucket.access_logs)
            .map(|bucket| bucket.name.clone())
            .unwrap_or_default()
    }

    fn log_bucket_name(&self, region: &Region) -> String {
        self.name("s3-access-logs", Some(region))
    }

    /// A log bucket in each region where a bucket logs: private, encrypted
    /// with SSE-S3 (the only default encryption log delivery takes), TLS
    /// only, ACLs off (so delivery is granted by its policy), its logs
    /// expiring, and not logging itself.
    pub(super) fn log_buckets(&mut self) {
        let owner = self.log_bucket_owner();
        let Some(span) = self
            .topology
            .buckets
            .iter()
            .find(|b| b.name == owner)
            .map(|b| b.span)
        else {
            return;
        };
        let mut regions: Vec<Region> = Vec::new();
        for bucket in self.topology.buckets.iter().filter(|bucket| bucket.access_logs) {
            for region in bucket.regions() {
                if !regions.contains(&region) {
                    regions.push(region);
                }
            }
        }
        for region in &regions {
            let mut sources: Vec<String> = self
                .topology
                .buckets
                .iter()
                .filter(|bucket| bucket.access_logs && bucket.regions().contains(region))
                .map(|bucket| self.bucket_name(&bucket.name, Some(region)))
                .collect();
            sources.sort();
            let attributes = Attributes::S3Bucket(S3Bucket {
                name: self.log_bucket_name(region),
                versioning: false,
                encryption: resources::Encryption::Aes256,
                block_public_access: true,
                tls_only: true,
                acls_disabled: true,
                access_log: None,
                log_sources: sources,
                expire_after_days: Some(ACCESS_LOG_DAYS),
                tags: self.tags(&owner),
            });
            self.add(
                &owner,
                span,
                address(&owner, "log_bucket", None, Some(region)),
                Some(region),
                attributes,
                Vec::new(),
            );
        }
    }

    pub(super) fn bucket(&mut self, bucket: &Bucket) {
        let regions = bucket.regions();
        let mut bucket_addresses = Vec::new();
        for region in &regions {
            let bucket_address = address(&bucket.name, "bucket", None, Some(region));
            let attributes = Attributes::S3Bucket(S3Bucket {
                name: self.bucket_name(&bucket.name, Some(region)),
                // Both ends of a replication must be versioned.
                versioning: bucket.versioning,
                encryption: match bucket.encryption {
                    Encryption::Aes256 => resources::Encryption::Aes256,
                    Encryption::Kms => resources::Encryption::Kms,
                },
                block_public_access: bucket.block_public_access,
                tls_only: bucket.tls_only,
                acls_disabled: bucket.acls_disabled,
                access_log: bucket.access_logs.then(|| LogTarget {
                    bucket: self.log_bucket_name(region),
                    prefix: format!("{}/", self.bucket_name(&bucket.name, Some(region))),
                }),
                log_sources: Vec::new(),
                expire_after_days: None,
                tags: self.tags(&bucket.name),
            });
            // S3 checks, when logging is put, that the target exists and
            // lets its logging service write.
            let after = if bucket.access_logs {
                vec![address(
                    &self.log_bucket_owner(),
                    "log_bucket",
                    None,
                    Some(region),
                )]
            } else {
                Vec::new()
            };
            self.add(
                &bucket.name,
                bucket.span,
                bucket_address.clone(),
                Some(region),
                attributes,
                after,
            );
            bucket_addresses.push(bucket_address);
        }
        let Some(replication) = &bucket.replication else {
            return;
        };

        let role_name = self.name(&format!("{}-replication", bucket.name.replace('_', "-")), None);
        let role_address = address(&bucket.name, "replication_role", None, None);
        let role = Attributes::IamRole(IamRole {
            name: role_name.clone(),
            assume_role_policy: PolicyDocument {
                statements: vec![PolicyStatement {
                    sid: "S3AssumesRole".into(),
                    actions: vec!["sts:AssumeRole".into()],
                    resources: Vec::new(),
                    principal: Some(Principal::Service("s3.amazonaws.com".into())),
                    // Only for this account's source bucket: S3 may not be
                    // made to assume the role for another's (the confused
                    // deputy; S3 User Guide, "Setting up permissions for live
                    // replication").
                    condition: Some(Conditions::from([
                        (
                            "StringEquals".to_string(),
                            [("aws:SourceAccount".to_string(), account_id())].into(),
                        ),
                        (
                            "ArnLike".to_string(),
                            [(
                                "aws:SourceArn".to_string(),
                                Val::known(format!(
                                    "arn:aws:s3:::{}",
                                    self.bucket_name(&bucket.name, Some(&bucket.home))
                                )),
                            )]
                            .into(),
                        ),
                    ])),
                }],
            },
            description: format!("S3 replication of {}", bucket.name),
            tags: self.tags(&bucket.name),
        });
        self.add(
            &bucket.name,
            bucket.span,
            role_address.clone(),
            None,
            role,
            Vec::new(),
        );

        let source = self.bucket_name(&bucket.name, Some(&bucket.home));
        let destinations: Vec<String> = replication
            .regions
            .iter()
            .map(|region| self.bucket_name(&bucket.name, Some(region)))
            .collect();
        let policy_address = address(&bucket.name, "replication_policy", None, None);
        let policy = Attributes::IamRolePolicy(IamRolePolicy {
            role: Val::known(role_name.clone()),
            name: "replication".into(),
            document: PolicyDocument {
                statements: vec![
                    PolicyStatement {
                        sid: "ReadReplicationConfiguration".into(),
                        actions: vec!["s3:GetReplicationConfiguration".into(), "s3:ListBucket".into()],
                        resources: vec![Val::known(format!("arn:aws:s3:::{source}"))],
                        principal: None,
                        condition: None,
                    },
                    PolicyStatement {
                        sid: "ReadSourceVersions".into(),
                        actions: vec![
                            "s3:GetObjectVersionForReplication".into(),
                            "s3:GetObjectVersionAcl".into(),
                            "s3:GetObjectVersionTagging".into(),
                        ],
                        resources: vec![Val::known(format!("arn:aws:s3:::{source}/*"))],
                        principal: None,
                        condition: None,
                    },
                    PolicyStatement {
                        sid: "WriteReplicas".into(),
                        actions: vec![
                            "s3:ReplicateObject".into(),
                            "s3:ReplicateDelete".into(),
                            "s3:ReplicateTags".into(),
                        ],
                        resources: destinations
                            .iter()
                            .map(|name| Val::known(format!("arn:aws:s3:::{name}/*")))
                            .collect(),
                        principal: None,
                        condition: None,
                    },
                ],
            },
        });
        self.add(
            &bucket.name,
            bucket.span,
            policy_address.clone(),
            None,
            policy,
            vec![role_address.clone()],
        );
        self.replaced_with(vec![role_address.clone()]);

        let rules = replication
            .regions
            .iter()
            .zip(&destinations)
            .enumerate()
            .map(|(index, (region, destination))| ReplicationRule {
                id: format!("replicate-to-{region}"),
                priority: index as u64 + 1,
                destination_bucket: Val::known(format!("arn:aws:s3:::{destination}")),
                time_control_minutes: replication.time_control.as_ref().map(|rtc| rtc.value / 60),
                metrics: replication.metrics,
                delete_marker_replication: true,
            })
            .collect();
        let attributes = Attributes::S3Replication(S3Replication {
            bucket: source,
            role: self.role_arn(&role_name),
            rules,
        });
        // S3 checks, when the configuration is put, that both buckets are
        // versioned and the role exists.
        let mut depends_on = bucket_addresses.clone();
        depends_on.extend([role_address, policy_address]);
        self.add(
            &bucket.name,
            replication.span,
            address(&bucket.name, "replication", None, Some(&bucket.home)),
            Some(&bucket.home),
            attributes,
            depends_on,
        );
        // A new bucket has no replication configuration: it is put again.
        self.replaced_with(bucket_addresses);
    }
}
