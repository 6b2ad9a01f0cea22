//! `bucket name { versioning … encryption … replicate to … { time_control 15m } rpo … }`

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::service_name;
use super::super::statements::Statements;
use super::super::topology::{Bucket, BucketReplication, Encryption};
use super::table::optional;
use crate::model::blocks::ResourceKind;
use crate::syntax::ast;

/// S3 RTC's one threshold (S3 User Guide, "Meeting compliance requirements
/// with S3 Replication Time Control"): 15 minutes.
const RTC_THRESHOLD_SECONDS: u64 = 15 * 60;

impl<'a> Checker<'a> {
    pub(in super::super) fn check_bucket(&mut self, block: &'a ast::Block) -> Option<Bucket> {
        let mut statements = Statements::new(
            self,
            "bucket",
            ResourceKind::Bucket.spec().attributes,
            &block.body,
        );
        let regions = self.regions_of(&block.name.name);
        let service = service_name(&block.name.name);

        let versioning_value = statements.value(self, "versioning");
        let versioning = match versioning_value {
            Some(value) => self.boolean(value),
            None => Some(true),
        };
        let encryption = match statements.value(self, "encryption") {
            Some(value) => self.symbol(value, "encryption", &["aes256", "kms"]).map(|word| {
                if word == "kms" {
                    Encryption::Kms
                } else {
                    Encryption::Aes256
                }
            }),
            None => Some(Encryption::Aes256),
        };
        let block_public_access = match statements.value(self, "public_access") {
            Some(value) => self
                .symbol(value, "public access setting", &["blocked", "allowed"])
                .map(|w| w == "blocked"),
            None => Some(true),
        };
        let tls_only = match statements.value(self, "tls_only") {
            Some(value) => self.boolean(value),
            None => Some(true),
        };
        let access_logs = match statements.value(self, "access_logs") {
            Some(value) => self.boolean(value),
            None => Some(true),
        };
        let acls_disabled = match statements.value(self, "acls") {
            Some(value) => self
                .symbol(value, "ACL setting", &["disabled", "enabled"])
                .map(|w| w == "disabled"),
            None => Some(true),
        };

        let mut replication = Some(None);
        if let Some((replicate, span)) = statements.replicates.first().copied() {
            for (_, extra_span) in statements.replicates.iter().skip(1) {
                self.error(
                    *extra_span,
                    CheckErrorKind::DuplicateAttribute {
                        name: "replicate".into(),
                        first: span,
                    },
                );
            }
            if versioning == Some(false) {
                self.error(
                    span,
                    CheckErrorKind::ReplicationNeedsVersioning { replicate: span },
                );
            }
            replication = self.bucket_replication(replicate, span, &regions).map(Some);
        }
        let rpo = statements.value(self, "rpo").map(|value| self.duration(value));
        statements.finish_resource(self, ResourceKind::Bucket);

        self.check_bucket_names(&service, &regions, block.name.span);

        let home = regions.first()?.clone();
        Some(Bucket {
            name: block.name.name.clone(),
            service,
            home,
            versioning: versioning?,
            encryption: encryption?,
            block_public_access: block_public_access?,
            tls_only: tls_only?,
            acls_disabled: acls_disabled?,
            access_logs: access_logs?,
            replication: replication?,
            rpo: optional(rpo)?,
            span: block.span,
        })
    }

    fn bucket_replication(
        &mut self,
        replicate: &'a ast::Replicate,
        span: crate::source::Span,
        regions: &[super::super::topology::Region],
    ) -> Option<BucketReplication> {
        let mut time_control = Some(None);
        let mut metrics = Some(false);
        if let Some(options) = &replicate.options {
            let mut statements = Statements::new(
                self,
                "bucket replication",
                ResourceKind::Bucket.spec().replicate,
                options,
            );
            let metrics_value = statements.value(self, "metrics");
            let rtc_value = statements.value(self, "time_control");
            if let Some(value) = rtc_value {
                time_control = self.duration(value).map(Some);
                if let Some(Some(threshold)) = &time_control
                    && threshold.value != RTC_THRESHOLD_SECONDS
                {
                    self.error(
                        value.span,
                        CheckErrorKind::RtcThreshold {
                            shown: super::super::values::describe(value)
                                .trim_start_matches("a duration ")
                                .to_string(),
                        },
                    );
                    time_control = None;
                }
            }
            metrics = match metrics_value {
                Some(value) => {
                    let enabled = self.boolean(value);
                    if enabled == Some(false)
                        && let Some(rtc) = rtc_value
                    {
                        self.error(
                            value.span,
                            CheckErrorKind::RtcNeedsMetrics {
                                time_control: rtc.span,
                            },
                        );
                    }
                    enabled
                }
                // RTC cannot be enabled without metrics, so asking for RTC
                // turns them on.
                None => Some(rtc_value.is_some()),
            };
            statements.finish(self, &[]);
        }
        Some(BucketReplication {
            regions: regions.get(1..).unwrap_or_default().to_vec(),
            time_control: time_control?,
            metrics: metrics?,
            span,
        })
    }
}
