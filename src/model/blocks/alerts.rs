//! `alerts`: an SNS topic per region.

use super::super::resources::ResourceType;
use super::{BlockSpec, Global, StatementKind, action, attribute};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "alerts",
    counted_as: "alert topic",
    about: "An SNS topic in each region it is placed in, with its subscriptions.",
    attributes: &[
        attribute("email", "a list of addresses", None, "Email subscriptions."),
        attribute(
            "encryption",
            "`kms` or `none`",
            Some("kms"),
            "Messages encrypted at rest with a customer-managed KMS key per region, whose policy lets CloudWatch alarms (of this account) publish; `none` leaves the topic unencrypted.",
        ),
    ],
    replicate: &[],
    route: &[],
    statements: &[StatementKind::Placement],
    references: &["name", "arn"],
    global_references: Global::None,
    metrics: &[],
    actions: &[action("sns.publish", &["sns:Publish"])],
    lowers_to: &[
        ResourceType::KmsKey,
        ResourceType::SnsTopic,
        ResourceType::SnsSubscription,
    ],
};
