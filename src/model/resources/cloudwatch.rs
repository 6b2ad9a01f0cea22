//! CloudWatch metric alarms.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::aws_enum::aws_enum;
use super::{ResourceSpec, Tags};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricAlarm {
    pub name: String,
    pub description: String,
    pub namespace: String,
    pub metric_name: String,
    pub statistic: Statistic,
    pub dimensions: BTreeMap<String, Val>,
    pub comparison_operator: ComparisonOperator,
    pub threshold: f64,
    pub period: u64,
    pub evaluation_periods: u64,
    /// `notBreaching`: no data (a quiet function) is not an alarm.
    pub treat_missing_data: TreatMissingData,
    /// Topics in the alarm's own region.
    pub alarm_actions: Vec<Val>,
    pub ok_actions: Vec<Val>,
    pub tags: Tags,
}

impl ResourceSpec for MetricAlarm {
    const REPLACED_BY: &'static [&'static str] = &["name"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

aws_enum! {
    Statistic {
        SampleCount = "SampleCount",
        Average = "Average",
        Sum = "Sum",
        Minimum = "Minimum",
        Maximum = "Maximum",
    }
}

aws_enum! {
    ComparisonOperator {
        GreaterThanThreshold = "GreaterThanThreshold",
        GreaterThanOrEqualToThreshold = "GreaterThanOrEqualToThreshold",
        LessThanThreshold = "LessThanThreshold",
        LessThanOrEqualToThreshold = "LessThanOrEqualToThreshold",
    }
}

aws_enum! {
    /// How an alarm treats a period with no data.
    TreatMissingData {
        Breaching = "breaching",
        NotBreaching = "notBreaching",
        Ignore = "ignore",
        Missing = "missing",
    }
}
