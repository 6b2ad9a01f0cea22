//! `--refresh-only` and `--replace` against the emulator: drift recorded
//! without changing a resource, and a resource replaced though nothing about
//! it changed.

use crate::apply::*;
use crate::aws::Aws;

#[tokio::test]
async fn refresh_only_records_drift_and_changes_nothing_and_replace_replaces() {
    let aws = Aws::new("apply_refresh_only");
    let suffix = suffix(&aws);
    let dir = project(&example());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);

    let group = format!("/aws/lambda/payment-processor-us-east-2-{suffix}");
    let logs = aws_sdk_cloudwatchlogs::Client::new(&aws.config("us-east-2").await);
    logs.put_retention_policy()
        .log_group_name(&group)
        .retention_in_days(1)
        .send()
        .await
        .expect("change retention");

    let planned = drx(&aws, &suffix, dir.path(), &["plan", "--refresh-only"]);
    assert_eq!(planned.status, 0, "{}", planned.stderr);
    assert!(
        planned
            .stderr
            .contains("retention_days is 1 in AWS, 14 as last applied"),
        "{}",
        planned.stderr
    );
    assert!(
        planned.stdout.contains("would record 1 setting"),
        "{}",
        planned.stdout
    );

    let before = mutating(&aws);
    let recorded = drx(
        &aws,
        &suffix,
        dir.path(),
        &["apply", "--refresh-only", "--auto-approve"],
    );
    assert_eq!(recorded.status, 0, "{}\n{}", recorded.stdout, recorded.stderr);
    assert!(
        recorded.stdout.contains("Refresh complete: recorded 1 setting"),
        "{}",
        recorded.stdout
    );
    assert_eq!(mutating(&aws), before, "no resource was changed");
    let state = std::fs::read_to_string(dir.path().join("state.json")).expect("state");
    assert!(
        state.contains("\"retention_days\": 1"),
        "the state records what AWS has"
    );
    let live = logs
        .describe_log_groups()
        .log_group_name_prefix(&group)
        .send()
        .await
        .expect("describe");
    assert_eq!(
        live.log_groups()[0].retention_in_days(),
        Some(1),
        "AWS was left as it was"
    );

    // The plan now sets it back as a change, not as drift.
    let plan = drx(
        &aws,
        &suffix,
        dir.path(),
        &["plan", "--refresh", "false", "--detailed-exitcode"],
    );
    assert_eq!(plan.status, 2, "{}", plan.stdout);
    assert!(
        plan.stdout
            .contains("payment_processor.log_group@us-east-2 will be updated in place"),
        "{}",
        plan.stdout
    );

    // --replace: the alarm is deleted and created again though unchanged.
    let replaced = drx(
        &aws,
        &suffix,
        dir.path(),
        &[
            "apply",
            "--auto-approve",
            "--cargo-profile",
            "dev",
            "--replace",
            "lambda_errors.alarm@us-east-1",
        ],
    );
    assert_eq!(replaced.status, 0, "{}\n{}", replaced.stdout, replaced.stderr);
    assert!(
        replaced
            .stdout
            .contains("lambda_errors.alarm@us-east-1 must be replaced (requested with --replace)"),
        "{}",
        replaced.stdout
    );
    let unknown = drx(
        &aws,
        &suffix,
        dir.path(),
        &["plan", "--replace", "lambda_errors.alrm@us-east-1"],
    );
    assert_eq!(unknown.status, 1);
    assert!(
        unknown
            .stderr
            .contains("did you mean `lambda_errors.alarm@us-east-1`?"),
        "{}",
        unknown.stderr
    );
    let settled = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(settled.status, 0, "{}", settled.stdout);
    drx(&aws, &suffix, dir.path(), DESTROY);
}
