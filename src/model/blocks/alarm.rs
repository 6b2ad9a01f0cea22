//! `alarm`: a CloudWatch alarm.

use super::super::resources::ResourceType;
use super::{BlockSpec, Global, StatementKind, action, attribute, required};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "alarm",
    counted_as: "alarm",
    about: "A CloudWatch alarm on one metric, in each region it is placed in.",
    attributes: &[
        attribute(
            "evaluations",
            "a number",
            Some("1"),
            "Periods evaluated before the alarm fires.",
        ),
        required("notify", "an alerts block", "The topic the alarm notifies."),
    ],
    replicate: &[],
    route: &[],
    statements: &[StatementKind::Condition, StatementKind::Placement],
    references: &["name", "arn"],
    global_references: Global::None,
    metrics: &[],
    actions: &[
        action("cloudwatch.describe_alarms", &["cloudwatch:DescribeAlarms"]),
        action("cloudwatch.set_alarm_state", &["cloudwatch:SetAlarmState"]),
    ],
    lowers_to: &[ResourceType::MetricAlarm],
};
