//! A disaster, emulated: after `drx apply` of the example, the primary's
//! health check probes the us-east-1 API and reports success; an outage of
//! that API turns the check unhealthy after its failure threshold, and
//! Route 53's answer for the failover name moves to us-east-2; when the API
//! recovers, the answer moves back. Route 53's intervals (and the
//! replication delays) run at 1/50 time for this test's caller.

use std::time::{Duration, Instant};

use crate::apply::*;
use crate::aws::{Aws, eventually};

/// Route 53's intervals and timeouts at 1/50: a 30 s interval is 0.6 s.
const TIME_SCALE: f64 = 0.02;

/// Route 53's answer for a CNAME now (`TestDNSAnswer`).
pub(crate) async fn answer(route53: &aws_sdk_route53::Client, zone: &str, name: &str) -> Vec<String> {
    route53
        .test_dns_answer()
        .hosted_zone_id(zone)
        .record_name(name)
        .record_type(aws_sdk_route53::types::RrType::Cname)
        .send()
        .await
        .map(|answer| answer.record_data().to_vec())
        .unwrap_or_default()
}

async fn observations(route53: &aws_sdk_route53::Client, id: &str) -> Vec<String> {
    route53
        .get_health_check_status()
        .health_check_id(id)
        .send()
        .await
        .map(|status| {
            status
                .health_check_observations()
                .iter()
                .filter_map(|o| o.status_report().and_then(|r| r.status()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn an_outage_of_the_primary_moves_the_answer_and_recovery_moves_it_back() {
    let aws = Aws::new("emulator_failover");
    let suffix = suffix(&aws);
    aws.time_scale(TIME_SCALE);
    let dir = project(&example());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("state.json")).expect("state"))
            .expect("json");
    let record = |kind: &str| {
        state["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["type"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let check = record("route53_health_check")["physical_id"]
        .as_str()
        .expect("id")
        .to_string();
    let zone = record("route53_zone")["physical_id"]
        .as_str()
        .expect("id")
        .to_string();
    let name = format!("api.payment-{suffix}.test.local");
    let route53 = aws_sdk_route53::Client::new(&aws.config("us-east-1").await);
    let targets: Vec<(String, String)> = state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| r["type"] == "route53_record")
        .map(|r| {
            (
                r["attributes"]["failover"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                r["outputs"]["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let target = |role: &str| {
        targets
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(role))
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("no {role} record in {targets:?}"))
    };
    let (primary, secondary) = (target("primary"), target("secondary"));

    // Healthy: the checkers see the API answer, and Route 53 answers with
    // the primary.
    let healthy = eventually(10, || async {
        let seen = observations(&route53, &check).await;
        (!seen.is_empty()
            && seen
                .iter()
                .all(|s| s.starts_with("Success: HTTP Status Code 200")))
        .then_some(seen)
    })
    .await;
    assert!(healthy.is_some(), "{:?}", observations(&route53, &check).await);
    assert_eq!(answer(&route53, &zone, &name).await, vec![primary.clone()]);
    let status = |expected: &'static str| {
        let run = drx(&aws, &suffix, dir.path(), &["status", "--json"]);
        assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
        let seen: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        assert_eq!(seen["failovers"][0]["serving"], expected, "{}", run.stdout);
        seen
    };
    let seen = status("us-east-1");
    assert_eq!(
        seen["health_checks"][0]["healthy"],
        seen["health_checks"][0]["checkers"]
    );

    // us-east-1's API goes down: after the failure threshold, the answer is
    // the secondary.
    aws.inject(serde_json::json!({ "service": "execute-api", "region": "us-east-1", "error_rate": 1.0, "error": "503" }));
    let outage = Instant::now();
    let moved = eventually(15, || async {
        (answer(&route53, &zone, &name).await == vec![secondary.clone()]).then_some(())
    })
    .await;
    let took = outage.elapsed();
    assert!(
        moved.is_some(),
        "the answer stayed {:?}",
        answer(&route53, &zone, &name).await
    );
    // Not at the first failure: three in a row, 0.6 s apart.
    let interval = Duration::from_secs(30).mul_f64(TIME_SCALE);
    assert!(
        took >= interval * 2,
        "failed over after {took:?}, before the threshold"
    );
    eprintln!("failed over {took:?} after the outage began");
    let seen = status("us-east-2");
    assert_eq!(seen["health_checks"][0]["healthy"], 0, "{seen}");
    assert!(
        observations(&route53, &check)
            .await
            .iter()
            .all(|s| s.starts_with("Failure: HTTP Status Code 503")),
        "{:?}",
        observations(&route53, &check).await
    );

    // Recovery moves it back.
    aws.clear_faults();
    let back = eventually(15, || async {
        (answer(&route53, &zone, &name).await == vec![primary.clone()]).then_some(())
    })
    .await;
    assert!(
        back.is_some(),
        "the answer stayed {:?}",
        answer(&route53, &zone, &name).await
    );

    // Inverted, a healthy endpoint counts as unhealthy; disabled, any counts
    // as healthy.
    let update = |inverted: bool, disabled: bool| {
        let (route53, check) = (route53.clone(), check.clone());
        async move {
            route53
                .update_health_check()
                .health_check_id(&check)
                .inverted(inverted)
                .disabled(disabled)
                .send()
                .await
                .expect("update");
        }
    };
    update(true, false).await;
    let inverted = eventually(15, || async {
        (answer(&route53, &zone, &name).await == vec![secondary.clone()]).then_some(())
    })
    .await;
    assert!(inverted.is_some(), "inverted, the primary still answers");
    update(true, true).await;
    let disabled = eventually(15, || async {
        (answer(&route53, &zone, &name).await == vec![primary.clone()]).then_some(())
    })
    .await;
    assert!(
        disabled.is_some(),
        "disabled, the check still counts against the primary"
    );
    update(false, false).await;

    // The check's status is a metric in us-east-1, as Route 53 publishes it.
    let cloudwatch = aws.cloudwatch("us-east-1").await;
    let metrics = cloudwatch
        .list_metrics()
        .namespace("AWS/Route53")
        .metric_name("HealthCheckStatus")
        .send()
        .await
        .expect("metrics");
    assert!(
        metrics
            .metrics()
            .iter()
            .any(|m| m.dimensions().iter().any(|d| d.value() == Some(check.as_str()))),
        "no HealthCheckStatus metric for {check}"
    );

    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
}
