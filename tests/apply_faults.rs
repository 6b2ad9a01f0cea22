//! Apply under faults: throttling, a failing call, Ctrl-C; each time a plain
//! re-run finishes.

use crate::apply::*;
use std::process::Command;

use crate::aws::Aws;

#[tokio::test]
async fn apply_converges_through_throttling() {
    let aws = Aws::new("apply_throttled");
    let suffix = suffix(&aws);
    let dir = project(&example());
    aws.inject(serde_json::json!({ "error_rate": 0.2 }));
    let run = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(
        run.status, 0,
        "apply did not converge:\n{}\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout.contains("Apply complete: 61 created"),
        "{}",
        run.stdout
    );
    aws.clear_faults();
    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}\n{}", destroyed.stdout, destroyed.stderr);
}

#[tokio::test]
async fn a_failure_stops_only_its_dependents_and_a_reapply_finishes() {
    let aws = Aws::new("apply_failure");
    let suffix = suffix(&aws);
    let dir = project(&example());
    // Creating the topics is denied: a failure no retry cures.
    aws.inject(serde_json::json!({ "service": "sns", "operation": "CreateTopic", "error_rate": 1.0, "error": "access_denied" }));
    let run = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("failed: failover_alerts.topic@us-east-1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("skipped: lambda_errors.alarm@us-east-1"),
        "alarms need their topic: {}",
        run.stdout
    );
    // Independent resources were applied and recorded.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("state.json")).expect("state"))
            .expect("json");
    let recorded: Vec<&str> = state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["address"].as_str())
        .collect();
    for independent in [
        "payment_transactions.table@us-east-1",
        "payment_processor.function@us-east-2",
        "api.zone",
    ] {
        assert!(
            recorded.contains(&independent),
            "{independent} was not recorded: {recorded:?}"
        );
    }
    // The topics' keys do not need the topics; nothing else of theirs was made.
    assert!(
        !recorded
            .iter()
            .any(|a| a.starts_with("failover_alerts.") && !a.starts_with("failover_alerts.key@")),
        "{recorded:?}"
    );
    assert!(
        recorded.contains(&"failover_alerts.key@us-east-1"),
        "{recorded:?}"
    );

    aws.clear_faults();
    let again = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(again.status, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("Apply complete"), "{}", again.stdout);
    let finished = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(finished.status, 0, "{}", finished.stdout);
    drx(&aws, &suffix, dir.path(), DESTROY);
}

#[tokio::test]
async fn ctrl_c_stops_scheduling_saves_state_and_a_reapply_finishes() {
    let aws = Aws::new("apply_interrupted");
    let suffix = suffix(&aws);
    let dir = project(&example());
    // Slow calls, so the interrupt lands mid-apply.
    aws.inject(serde_json::json!({ "delay_ms": 200 }));
    let mut args = APPLY.to_vec();
    args.extend(["--parallelism", "2"]);
    let child = drx_command(&aws, &suffix, dir.path(), &args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start drx");
    // Wait until something has been created, then interrupt.
    let state_file = dir.path().join("state.json");
    wait_until_something_is_applied(dir.path()).await;
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let output = child.wait_with_output().expect("drx exits");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Apply interrupted"), "{stdout}");

    // What was done is recorded, and the state is whole.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).expect("state")).expect("valid state");
    let recorded = state["resources"].as_array().map(Vec::len).unwrap_or(0);
    assert!(recorded > 0 && recorded < 61, "{recorded} resources recorded");

    aws.clear_faults();
    let finished = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(finished.status, 0, "{}\n{}", finished.stdout, finished.stderr);
    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status, 0, "{}", plan.stdout);
    drx(&aws, &suffix, dir.path(), DESTROY);
}

/// `kill -9` in the middle of an apply leaves no lock: the next command runs
/// without anything deleted by hand, and a re-run finishes the stack.
#[tokio::test]
async fn kill_9_mid_apply_leaves_no_lock_behind() {
    let aws = Aws::new("apply_killed");
    let suffix = suffix(&aws);
    let dir = project(&example());
    aws.inject(serde_json::json!({ "delay_ms": 200 }));
    let mut child = drx_command(&aws, &suffix, dir.path(), APPLY)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start drx");
    wait_until_something_is_applied(dir.path()).await;
    // SIGKILL: no handler runs, nothing is cleaned up by drx itself.
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    let lock = dir.path().join("state.lock");
    assert!(lock.exists(), "the lock file stays (it is never deleted)…");

    aws.clear_faults();
    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--refresh", "false"]);
    assert_eq!(plan.status, 0, "…but it is no lock: {}", plan.stderr);
    assert!(!plan.stderr.contains("locked"), "{}", plan.stderr);
    // What was done before the kill comes back from the journal.
    assert!(plan.stderr.contains("note: recovered"), "{}", plan.stderr);
    let finished = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(finished.status, 0, "{}\n{}", finished.stdout, finished.stderr);
    drx(&aws, &suffix, dir.path(), DESTROY);
}

/// Until the journal records a first resource applied.
async fn wait_until_something_is_applied(dir: &std::path::Path) {
    let journal = dir.join("state.journal");
    for _ in 0..400 {
        if std::fs::read_to_string(&journal).is_ok_and(|s| s.contains("\"record\":\"applied\"")) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("nothing was applied within 10 s");
}
