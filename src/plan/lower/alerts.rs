//! Alerts: an SNS topic per region, with its email subscriptions, and the
//! customer-managed KMS key it is encrypted with.

use super::{Lowering, account_arn, account_id, account_root, address};
use crate::check::topology::{Region, Topic};
use crate::model::resources::{
    Attributes, Conditions, KmsKey, PolicyDocument, PolicyStatement, Principal, SnsProtocol, SnsSubscription,
    SnsTopic,
};
use crate::model::template::Val;

/// Days a destroyed key waits, recoverable, before KMS deletes it: AWS's
/// default and longest, since what a key encrypted is lost with it.
const KEY_DELETION_WINDOW_DAYS: u32 = 30;

impl Lowering<'_> {
    pub(super) fn alerts(&mut self, topic: &Topic) {
        for region in &topic.regions {
            let kms_key = topic.encrypted.then(|| {
                let key_address = address(&topic.name, "key", None, Some(region));
                let attributes = Attributes::KmsKey(KmsKey {
                    alias: format!("alias/{}", self.service_name(&topic.name, Some(region))),
                    description: format!("encrypts the SNS topic of alerts {} in {region}", topic.name),
                    policy: topic_key_policy(region),
                    rotation: true,
                    deletion_window_days: KEY_DELETION_WINDOW_DAYS,
                    tags: self.tags(&topic.name),
                });
                self.add(
                    &topic.name,
                    topic.span,
                    key_address.clone(),
                    Some(region),
                    attributes,
                    Vec::new(),
                );
                Val::output(&key_address, "arn")
            });
            let topic_address = address(&topic.name, "topic", None, Some(region));
            let attributes = Attributes::SnsTopic(SnsTopic {
                name: self.service_name(&topic.name, Some(region)),
                kms_key,
                tags: self.tags(&topic.name),
            });
            self.add(
                &topic.name,
                topic.span,
                topic_address.clone(),
                Some(region),
                attributes,
                Vec::new(),
            );
            for email in &topic.emails {
                let attributes = Attributes::SnsSubscription(SnsSubscription {
                    topic: Val::output(&topic_address, "arn"),
                    protocol: SnsProtocol::Email,
                    endpoint: email.clone(),
                });
                self.add(
                    &topic.name,
                    topic.span,
                    address(&topic.name, "subscription", Some(email), Some(region)),
                    Some(region),
                    attributes,
                    Vec::new(),
                );
            }
        }
    }
}

/// The key policy of a topic's key. CloudWatch alarms publish to an
/// encrypted topic only if the key lets cloudwatch.amazonaws.com generate
/// data keys and decrypt, which the AWS-managed `alias/aws/sns` cannot (SNS
/// Developer Guide, "Enable compatibility between event sources from AWS
/// services and encrypted topics"); the grant is scoped to this account's
/// alarms in this region (aws:SourceAccount, aws:SourceArn) against the
/// confused deputy. The account's statement is the key's default policy
/// (AWS KMS Developer Guide, "Default key policy"): without it no one could
/// manage the key again, and IAM policies could not grant its use. In a key
/// policy `*` as the resource means this key.
fn topic_key_policy(region: &Region) -> PolicyDocument {
    let account = account_id;
    let mut scope = Conditions::new();
    scope.insert(
        "StringEquals".into(),
        [("aws:SourceAccount".to_string(), account())].into(),
    );
    scope.insert(
        "ArnLike".into(),
        [(
            "aws:SourceArn".to_string(),
            account_arn("cloudwatch", region, ":alarm:*"),
        )]
        .into(),
    );
    PolicyDocument {
        statements: vec![
            PolicyStatement {
                sid: "AccountAdministersKey".into(),
                actions: vec!["kms:*".into()],
                resources: vec![Val::known("*")],
                principal: Some(Principal::Aws(account_root())),
                condition: None,
            },
            PolicyStatement {
                sid: "CloudWatchAlarmsPublish".into(),
                actions: vec!["kms:Decrypt".into(), "kms:GenerateDataKey*".into()],
                resources: vec![Val::known("*")],
                principal: Some(Principal::Service("cloudwatch.amazonaws.com".into())),
                condition: Some(scope),
            },
        ],
    }
}
