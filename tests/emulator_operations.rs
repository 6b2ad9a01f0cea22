//! The DR commands on the live emulator, at 1/50 time: `drx failover`
//! moves Route 53's answer to the standby and records it, a plan and an
//! apply afterwards keep it, `drx failback` returns it; a graceful failover
//! refuses while replication is behind and `--force` says what may be lost;
//! `drx status --json` follows every step.

use crate::apply::*;
use crate::aws::{Aws, eventually};
use crate::emulator_failover::answer;

const TIME_SCALE: f64 = 0.02;

fn state_of(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("state.json")).expect("state")).expect("json")
}

/// The stack's resource of `kind` (in `region`): of buckets, the data
/// bucket, not the region's log bucket.
fn recorded(state: &serde_json::Value, kind: &str, region: Option<&str>) -> serde_json::Value {
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| !r["address"].as_str().unwrap_or_default().contains(".log_bucket@"))
        .find(|r| r["type"] == kind && region.is_none_or(|region| r["region"] == region))
        .cloned()
        .unwrap_or_else(|| panic!("no {kind}"))
}

/// The example applied at 1/50 time for a caller of its own, and what the
/// tests read of it.
struct Live {
    aws: Aws,
    suffix: String,
    dir: tempfile::TempDir,
    state: serde_json::Value,
    zone: String,
    name: String,
    primary: String,
    secondary: String,
    route53: aws_sdk_route53::Client,
}

async fn live(test: &str) -> Live {
    let aws = Aws::new(test);
    let suffix = suffix(&aws);
    aws.time_scale(TIME_SCALE);
    let dir = project(&example());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);
    let state = state_of(dir.path());
    let zone = recorded(&state, "route53_zone", None)["physical_id"]
        .as_str()
        .expect("zone")
        .to_string();
    let value = |role: &str| {
        state["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["type"] == "route53_record" && r["attributes"]["failover"] == role)
            .and_then(|r| r["outputs"]["value"].as_str())
            .expect("record")
            .to_string()
    };
    let (primary, secondary) = (value("PRIMARY"), value("SECONDARY"));
    let route53 = aws_sdk_route53::Client::new(&aws.config("us-east-1").await);
    Live {
        name: format!("api.payment-{suffix}.test.local"),
        aws,
        suffix,
        dir,
        state,
        zone,
        primary,
        secondary,
        route53,
    }
}

#[tokio::test]
async fn failover_and_failback_move_the_answer_and_no_plan_undoes_them() {
    let Live {
        aws,
        suffix,
        dir,
        state,
        zone,
        name,
        primary,
        secondary,
        route53,
    } = live("operations").await;
    let serving = |expected: &'static str| {
        let run = drx(&aws, &suffix, dir.path(), &["status", "--json"]);
        assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
        let seen: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        assert_eq!(seen["failovers"][0]["serving"], expected, "{}", run.stdout);
        seen
    };
    let healthy = eventually(10, || async {
        (answer(&route53, &zone, &name).await == vec![primary.clone()]).then_some(())
    })
    .await;
    assert!(healthy.is_some(), "the primary never answered");
    let seen = serving("us-east-1");
    assert_eq!(seen["failovers"][0]["in_force"], serde_json::Value::Null);
    assert_eq!(seen["drift"]["changed"], serde_json::json!([]), "{seen}");
    // Each store, each way it replicates.
    let links: Vec<String> = seen["replication"]
        .as_array()
        .expect("replication")
        .iter()
        .map(|l| {
            format!(
                "{} {}>{}",
                l["store"].as_str().unwrap(),
                l["from"].as_str().unwrap(),
                l["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            "payment_transactions us-east-1>us-east-2",
            "payment_transactions us-east-2>us-east-1",
            "payment_docs us-east-1>us-east-2"
        ]
    );

    // Not without a confirmation.
    let unconfirmed = drx(&aws, &suffix, dir.path(), &["failover"]);
    assert_eq!(unconfirmed.status, 1, "{}", unconfirmed.stderr);
    assert!(
        unconfirmed.stderr.contains("--auto-approve"),
        "{}",
        unconfirmed.stderr
    );
    assert!(
        unconfirmed.stderr.contains("from us-east-1 to us-east-2"),
        "{}",
        unconfirmed.stderr
    );

    // Graceful, nothing to wait for: the answer moves to the standby.
    let moved = drx(
        &aws,
        &suffix,
        dir.path(),
        &[
            "failover",
            "--to",
            "us-east-2",
            "--auto-approve",
            "--reason",
            "the test",
        ],
    );
    assert_eq!(moved.status, 0, "{}\n{}", moved.stdout, moved.stderr);
    assert!(
        moved.stdout.contains("is served from us-east-2"),
        "{}",
        moved.stdout
    );
    assert_eq!(answer(&route53, &zone, &name).await, vec![secondary.clone()]);
    let seen = serving("us-east-2");
    let in_force = &seen["failovers"][0]["in_force"];
    assert_eq!(in_force["reason"], "the test", "{seen}");
    assert_eq!(in_force["phase"], "in_force");
    assert!(
        in_force["by"]
            .as_str()
            .is_some_and(|by| by.starts_with("arn:aws:")),
        "{in_force}"
    );
    assert_eq!(
        seen["drift"]["changed"],
        serde_json::json!([]),
        "a steered check is not drift: {seen}"
    );

    // A plan keeps it, and says so; an apply changes nothing.
    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status, 0, "{}\n{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains("Failover in force"), "{}", plan.stdout);
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    let reapplied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(reapplied.status, 0, "{}\n{}", reapplied.stdout, reapplied.stderr);
    assert_eq!(answer(&route53, &zone, &name).await, vec![secondary.clone()]);
    serving("us-east-2");

    let back = drx(&aws, &suffix, dir.path(), &["failback", "--auto-approve"]);
    assert_eq!(back.status, 0, "{}\n{}", back.stdout, back.stderr);
    assert!(
        back.stderr
            .contains("payment_docs replicates us-east-1 → us-east-2 only"),
        "{}",
        back.stderr
    );
    assert_eq!(answer(&route53, &zone, &name).await, vec![primary.clone()]);
    let seen = serving("us-east-1");
    assert_eq!(seen["failovers"][0]["in_force"], serde_json::Value::Null);
    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status, 0, "{}\n{}", plan.stdout, plan.stderr);

    // Replication behind: a graceful failover gives up, changing nothing.
    let bucket = recorded(&state, "s3_bucket", Some("us-east-1"))["physical_id"]
        .as_str()
        .expect("bucket")
        .to_string();
    aws.pause("s3", "us-east-1", "us-east-2");
    aws.s3("us-east-1")
        .await
        .put_object()
        .bucket(&bucket)
        .key("receipts/late.json")
        .body(b"{}".to_vec().into())
        .send()
        .await
        .expect("put");
    let refused = drx(
        &aws,
        &suffix,
        dir.path(),
        &["failover", "--auto-approve", "--timeout", "2s"],
    );
    assert_eq!(refused.status, 1, "{}\n{}", refused.stdout, refused.stderr);
    assert!(
        refused
            .stderr
            .contains("payment_docs us-east-1 → us-east-2: 1 operation pending replication"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(answer(&route53, &zone, &name).await, vec![primary.clone()]);
    assert!(state_of(dir.path())["failovers"].is_null(), "nothing recorded");

    // --force goes, saying what may be lost.
    let forced = drx(
        &aws,
        &suffix,
        dir.path(),
        &["failover", "--force", "--auto-approve"],
    );
    assert_eq!(forced.status, 0, "{}\n{}", forced.stdout, forced.stderr);
    assert!(
        forced
            .stderr
            .contains("may be lost: payment_docs us-east-1 → us-east-2: 1 operation pending replication"),
        "{}",
        forced.stderr
    );
    assert_eq!(answer(&route53, &zone, &name).await, vec![secondary.clone()]);
    aws.resume();
    let back = drx(&aws, &suffix, dir.path(), &["failback", "--auto-approve"]);
    assert_eq!(back.status, 0, "{}\n{}", back.stdout, back.stderr);
    assert_eq!(answer(&route53, &zone, &name).await, vec![primary.clone()]);

    // A probe times a marker each way and leaves none behind.
    let probed = drx(&aws, &suffix, dir.path(), &["status", "--probe", "--json"]);
    assert_eq!(probed.status, 0, "{}\n{}", probed.stdout, probed.stderr);
    let seen: serde_json::Value = serde_json::from_str(&probed.stdout).expect("json");
    for link in seen["replication"].as_array().expect("replication") {
        assert!(link["probe_seconds"].as_f64().is_some(), "{link}");
    }
    let left = aws
        .s3("us-east-2")
        .await
        .list_object_versions()
        .bucket(
            recorded(&state, "s3_bucket", Some("us-east-2"))["physical_id"]
                .as_str()
                .expect("bucket"),
        )
        .prefix("drx-probe/")
        .send()
        .await
        .expect("list");
    assert!(left.versions().is_empty(), "{left:?}");

    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
}

/// `drx drill` started in the background and waited for until its outage
/// is in force (the phase recorded, the concurrency set just after); its
/// stderr is piped.
async fn drill_in_outage(aws: &Aws, suffix: &str, dir: &std::path::Path) -> std::process::Child {
    let child = drx_command(aws, suffix, dir, &["drill", "--auto-approve", "--timeout", "60s"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let outage = eventually(30, || async {
        let text = std::fs::read_to_string(dir.join("state.json")).ok()?;
        let state: serde_json::Value = serde_json::from_str(&text).ok()?;
        (state["drill"]["phase"] == "outage").then_some(())
    })
    .await;
    assert!(outage.is_some(), "the drill never reached its outage");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    child
}

/// `drx drill` at 1/50 time: the measured detection is the health check's
/// interval × failures × the time scale (within the polling and the
/// probe's timeout), the canary payment is read through the standby, and
/// the stack is exactly as it was. A drill killed mid-outage is recorded,
/// the next command says so, and `--restore` puts the stack back.
#[tokio::test]
async fn a_drill_measures_what_explain_proves_and_restores_the_stack() {
    let Live {
        aws,
        suffix,
        dir,
        state,
        zone,
        name,
        primary,
        route53,
        ..
    } = live("drill").await;
    let on_primary = || async {
        eventually(15, || async {
            (answer(&route53, &zone, &name).await == vec![primary.clone()]).then_some(())
        })
        .await
    };
    assert!(on_primary().await.is_some(), "the primary never answered");

    let canary = crate::test::root().join("examples/payments.canary.json");
    let report = dir.path().join("drill");
    let drilled = drx(
        &aws,
        &suffix,
        dir.path(),
        &[
            "drill",
            "--canary",
            canary.to_str().expect("path"),
            "--report",
            report.to_str().expect("path"),
            "--json",
            "--auto-approve",
            "--timeout",
            "60s",
        ],
    );
    assert_eq!(drilled.status, 0, "{}\n{}", drilled.stdout, drilled.stderr);
    let seen: serde_json::Value = serde_json::from_str(&drilled.stdout).expect("json");
    assert_eq!(seen["restored"], true, "{seen}");
    // Detection: three failed probes 30 s apart, at 1/50 time. The first
    // failing probe comes within an interval of the outage, the check turns
    // at the third: between 2 and 3 intervals (1.2–1.8 s), less 0.1 s for
    // when the outage is stamped, plus up to 2 s for drx's 1 s poll and a
    // probe in flight.
    let interval = 30.0 * TIME_SCALE;
    let detection = seen["rto"][0]["seconds"].as_f64().expect("detection measured");
    assert_eq!(seen["rto"][0]["term"], "detection");
    assert!(
        detection >= interval * 2.0 - 0.1 && detection <= interval * 3.0 + 2.0,
        "detection {detection} s, expected {} s within the tolerance",
        interval * 3.0
    );
    assert_eq!(seen["rto"][0]["proven_seconds"], 96.0, "{seen}");
    assert_eq!(seen["rto"][3]["term"], "DNS caching");
    assert_eq!(seen["rto"][3]["seconds"], 60.0, "computed from the TTL");
    let stores: Vec<&str> = seen["rpo"]
        .as_array()
        .expect("rpo")
        .iter()
        .map(|r| r["store"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(stores, ["payment_transactions", "payment_docs", "api"]);
    for store in seen["rpo"].as_array().expect("rpo") {
        assert!(store["seconds"].as_f64().is_some(), "{store}");
    }
    assert!(
        seen["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .all(|v| v["holds"] == true),
        "{seen}"
    );
    let markdown = std::fs::read_to_string(dir.path().join("drill.md")).expect("markdown report");
    eprintln!("{markdown}");
    assert!(markdown.contains("| detection |"), "{markdown}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("drill.json")).expect("json report"))
            .expect("json");
    assert_eq!(written, seen);

    // Exactly as it was: no concurrency reserved, no canary anywhere, the
    // answer on the primary, and the plan has nothing to do.
    let function = recorded(&state, "lambda_function", Some("us-east-1"))["physical_id"]
        .as_str()
        .expect("function")
        .to_string();
    let lambda = aws_sdk_lambda::Client::new(&aws.config("us-east-1").await);
    let concurrency = lambda
        .get_function_concurrency()
        .function_name(&function)
        .send()
        .await
        .expect("concurrency");
    // Back to the reservation the file declares (the default), not 0.
    assert_eq!(concurrency.reserved_concurrent_executions(), Some(100));
    for region in ["us-east-1", "us-east-2"] {
        let bucket = recorded(&state, "s3_bucket", Some(region))["physical_id"]
            .as_str()
            .expect("bucket")
            .to_string();
        let versions = aws
            .s3(region)
            .await
            .list_object_versions()
            .bucket(&bucket)
            .send()
            .await
            .expect("list");
        assert!(
            versions.versions().is_empty() && versions.delete_markers().is_empty(),
            "{region}: {versions:?}"
        );
        let table = recorded(&state, "dynamodb_table", None)["physical_id"]
            .as_str()
            .expect("table")
            .to_string();
        let items = aws
            .dynamodb(region)
            .await
            .scan()
            .table_name(&table)
            .send()
            .await
            .expect("scan");
        let left: Vec<_> = items
            .items()
            .iter()
            .filter(|i| {
                i.get("paymentId")
                    .and_then(|v| v.as_s().ok())
                    .is_none_or(|id| id != "health-check")
            })
            .collect();
        assert!(left.is_empty(), "{region}: {left:?}");
    }
    assert_eq!(answer(&route53, &zone, &name).await, vec![primary.clone()]);
    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status, 0, "{}\n{}", plan.stdout, plan.stderr);

    // Killed mid-outage: recorded; the next command says so; --restore.
    let mut child = drill_in_outage(&aws, &suffix, dir.path()).await;
    child.kill().expect("kill -9");
    let _ = child.wait();
    let status = drx(&aws, &suffix, dir.path(), &["status", "--no-drift"]);
    assert!(status.stderr.contains("drx drill --restore"), "{}", status.stderr);
    let restored = drx(
        &aws,
        &suffix,
        dir.path(),
        &["drill", "--restore", "--auto-approve", "--timeout", "60s"],
    );
    assert_eq!(restored.status, 0, "{}\n{}", restored.stdout, restored.stderr);
    assert!(state_of(dir.path())["drill"].is_null());
    let concurrency = lambda
        .get_function_concurrency()
        .function_name(&function)
        .send()
        .await
        .expect("concurrency");
    assert_eq!(concurrency.reserved_concurrent_executions(), Some(100));
    assert!(on_primary().await.is_some(), "the answer never came back");

    // Ctrl-C mid-outage: the drill stops and puts the stack back at once.
    let child = drill_in_outage(&aws, &suffix, dir.path()).await;
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(interrupted.success());
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the stack is put back"), "{stderr}");
    assert!(state_of(dir.path())["drill"].is_null(), "{stderr}");
    let concurrency = lambda
        .get_function_concurrency()
        .function_name(&function)
        .send()
        .await
        .expect("concurrency");
    assert_eq!(concurrency.reserved_concurrent_executions(), Some(100));

    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
}
