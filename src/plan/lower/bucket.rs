//! A bucket: one per region, and for replication the role S3 assumes, its
//! policy and the replication configuration on the source bucket.

use super::{Lowering, address};
use crate::check::topology::{Bucket, Encryption};
use crate::model::resources::{
    self, Attributes, IamRole, IamRolePolicy, PolicyDocument, PolicyStatement, Principal, ReplicationRule,
    S3Bucket, S3Replication,
};
use crate::model::template::Val;

impl Lowering<'_> {
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
                tags: self.tags(&bucket.name),
            });
            self.add(
                &bucket.name,
                bucket.span,
                bucket_address.clone(),
                Some(region),
                attributes,
                Vec::new(),
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
                    condition: None,
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
