//! `Aws` as a `model::Observer`: Route 53's answers and checkers, CloudWatch's
//! alarm states.

use super::{Aws, GLOBAL_REGION, sdk_error};
use crate::model::{CheckerReport, Observer, ProviderError};

impl Observer for Aws {
    async fn dns_answer(
        &self,
        zone_id: &str,
        name: &str,
        record_type: &str,
    ) -> Result<Vec<String>, ProviderError> {
        let route53 = aws_sdk_route53::Client::new(&self.config(GLOBAL_REGION).await);
        let answer = route53
            .test_dns_answer()
            .hosted_zone_id(zone_id)
            .record_name(name)
            .record_type(aws_sdk_route53::types::RrType::from(record_type))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(answer.record_data().to_vec())
    }

    async fn health_check(&self, id: &str) -> Result<CheckerReport, ProviderError> {
        let route53 = aws_sdk_route53::Client::new(&self.config(GLOBAL_REGION).await);
        let status = route53
            .get_health_check_status()
            .health_check_id(id)
            .send()
            .await
            .map_err(sdk_error)?;
        let observations = status.health_check_observations();
        // Route 53's checkers report "Success: …" or "Failure: …".
        let healthy = observations
            .iter()
            .filter(|o| {
                o.status_report()
                    .and_then(|r| r.status())
                    .is_some_and(|s| s.starts_with("Success"))
            })
            .count();
        Ok(CheckerReport {
            healthy,
            checkers: observations.len(),
        })
    }

    async fn alarm_states(
        &self,
        region: &str,
        names: &[String],
    ) -> Result<Vec<(String, String)>, ProviderError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let cloudwatch = aws_sdk_cloudwatch::Client::new(&self.config(region).await);
        let mut states = Vec::new();
        // DescribeAlarms takes up to 100 names at once.
        for chunk in names.chunks(100) {
            let found = cloudwatch
                .describe_alarms()
                .set_alarm_names(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
            states.extend(found.metric_alarms().iter().filter_map(|alarm| {
                Some((
                    alarm.alarm_name()?.to_string(),
                    alarm.state_value()?.as_str().to_string(),
                ))
            }));
        }
        Ok(states)
    }
}
