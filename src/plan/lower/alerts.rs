//! Alerts: an SNS topic per region, with its email subscriptions.

use super::{Lowering, address};
use crate::check::topology::Topic;
use crate::model::resources::{Attributes, SnsProtocol, SnsSubscription, SnsTopic};
use crate::model::template::Val;

impl Lowering<'_> {
    pub(super) fn alerts(&mut self, topic: &Topic) {
        for region in &topic.regions {
            let topic_address = address(&topic.name, "topic", None, Some(region));
            let attributes = Attributes::SnsTopic(SnsTopic {
                name: self.service_name(&topic.name, Some(region)),
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
