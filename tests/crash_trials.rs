//! The reliability suite: `drx apply` and `drx destroy` killed with SIGKILL
//! at seeded random moments, on the emulator with 60 ms added to every call
//! (as the crash-proof state issue measured). After each kill a plain re-run,
//! with no step by hand, must converge; then every resource carrying the
//! stack's suffix is listed through the SDK and must be exactly what the state
//! records (nothing made twice, nothing outside state), every one is read back,
//! the plan has nothing to do, and destroy leaves nothing.
//!
//! Four kinds of trial, in turn: apply killed at a random instant; apply
//! killed right after its k-th journal append (so between an append and the
//! compaction that would fold it into the state); destroy killed after its
//! k-th append; and apply with its state in S3 killed at a random instant —
//! the lock it leaves is released with the command the refusal prints (the
//! one step a dead remote holder needs), and the state read back from S3.
//! `DRX_CRASH_TRIALS` says how many (4 by default, as `scripts/test` runs
//! them; `scripts/crash-trials N` runs N) and `DRX_CRASH_SEED` replays a
//! run's moments.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::apply::*;
use crate::apply_read_back::{inventory, read_back};
use crate::aws::Aws;
use crate::state_s3::state_bucket;

/// splitmix64: enough randomness for kill moments, and replayable.
struct Moments(u64);

impl Moments {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

#[derive(Debug, Clone, Copy)]
enum Kill {
    /// Apply, SIGKILLed this long after it started.
    ApplyAfter(Duration),
    /// Apply, SIGKILLed once its journal has this many records.
    ApplyAtRecord(usize),
    /// Destroy of an applied stack, SIGKILLed once its journal has this
    /// many records.
    DestroyAtRecord(usize),
    /// Apply with its state in S3, SIGKILLed this long after it started.
    S3ApplyAfter(Duration),
}

fn records_in(journal: &Path) -> usize {
    // The header is a line too; records are the lines after it.
    std::fs::read_to_string(journal).map_or(0, |text| text.lines().count().saturating_sub(1))
}

/// Kills `child` once `records` are journaled (or it has exited); whether
/// the kill landed while it ran.
async fn kill_at_record(child: &mut Child, journal: &Path, records: usize) -> bool {
    loop {
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        if records_in(journal) >= records {
            child.kill().expect("kill -9");
            child.wait().expect("reaped");
            return true;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn kill_after(child: &mut Child, after: Duration) -> bool {
    tokio::time::sleep(after).await;
    let running = child.try_wait().expect("wait").is_none();
    child.kill().ok();
    child.wait().expect("reaped");
    running
}

/// Where an S3 trial keeps its state in its bucket.
const STATE_KEY: &str = "payments.state";

/// The state document in `bucket`, as S3 has it.
async fn state_object(aws: &Aws, bucket: &str) -> serde_json::Value {
    let object = aws
        .s3("us-east-1")
        .await
        .get_object()
        .bucket(bucket)
        .key(STATE_KEY)
        .send()
        .await
        .expect("the state object");
    let body = object.body.collect().await.expect("body").into_bytes();
    serde_json::from_slice(&body).expect("json")
}

/// What the state in `dir` records of the kinds `inventory` lists.
fn recorded(dir: &Path) -> BTreeSet<String> {
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("state.json")).expect("state")).expect("json");
    recorded_in(&state)
}

/// What `state` records of the kinds `inventory` lists.
pub(crate) fn recorded_in(state: &serde_json::Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for resource in state["resources"].as_array().expect("resources") {
        let id = resource["physical_id"].as_str().unwrap_or_default();
        let kind = resource["type"].as_str().unwrap_or_default();
        let entry = match kind {
            "dynamodb_table" => format!("table:{id}@{}", resource["region"].as_str().unwrap_or_default()),
            "dynamodb_table_replica" => format!("table:{id}"),
            "lambda_function"
            | "api_gateway_rest_api"
            | "sns_topic"
            | "cloudwatch_metric_alarm"
            | "cloudwatch_log_group"
            | "s3_bucket"
            | "iam_role"
            | "route53_zone"
            | "route53_health_check"
            | "kms_key" => {
                format!("{kind}:{id}")
            }
            _ => continue,
        };
        found.insert(entry);
    }
    found
}

fn trial_kill(moments: &mut Moments, index: usize) -> Kill {
    // 61 resources: every intent is in the document written first, and each
    // operation's result is one record (the account one more).
    match index % 4 {
        0 => Kill::ApplyAfter(Duration::from_millis(moments.between(20, 1_500))),
        1 => Kill::ApplyAtRecord(moments.between(1, 52) as usize),
        2 => Kill::DestroyAtRecord(moments.between(1, 61) as usize),
        // Up to the end of the apply too: its last write and the lock's
        // release go together.
        _ => Kill::S3ApplyAfter(Duration::from_millis(moments.between(20, 2_500))),
    }
}

/// One trial; `Err` says what went wrong.
async fn trial(index: usize, kill: Kill) -> Result<String, String> {
    let aws = Aws::new(&format!("crash_{index}"));
    let suffix = suffix(&aws);
    let dir = project(&example());
    let journal = dir.path().join("state.journal");
    let remote = match kill {
        Kill::S3ApplyAfter(_) => Some(state_bucket(&aws).await),
        _ => None,
    };
    let command = |args: &[&str]| match &remote {
        None => drx_command(&aws, &suffix, dir.path(), args),
        Some(bucket) => {
            let mut command = as_caller(&aws, &suffix, dir.path(), args);
            command
                .arg("--state")
                .arg(format!("s3://{bucket}/{STATE_KEY}"))
                .arg(dir.path().join("examples/payments.drx"));
            command
        }
    };
    let run = |args: &[&str]| ran(command(args));
    aws.inject(serde_json::json!({ "delay_ms": 60 }));
    let spawn = |args: &[&str]| {
        command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start drx")
    };
    let check = |run: Run, what: &str| {
        if run.status == 0 {
            Ok(())
        } else {
            Err(format!(
                "{what} exited {}:\n{}\n{}",
                run.status, run.stdout, run.stderr
            ))
        }
    };

    let landed = match kill {
        Kill::ApplyAfter(after) => kill_after(&mut spawn(APPLY), after).await,
        Kill::ApplyAtRecord(records) => kill_at_record(&mut spawn(APPLY), &journal, records).await,
        Kill::DestroyAtRecord(records) => {
            check(run(APPLY), "the first apply")?;
            kill_at_record(&mut spawn(DESTROY), &journal, records).await
        }
        Kill::S3ApplyAfter(after) => kill_after(&mut spawn(APPLY), after).await,
    };

    if let Kill::DestroyAtRecord(_) = kill {
        check(run(DESTROY), "the destroy re-run")?;
    } else {
        let mut rerun = run(APPLY);
        if remote.is_some() && rerun.status == 1 && rerun.stderr.contains("is locked by apply") {
            // A dead holder's lock in S3 outlives it: released as the
            // refusal says, then the apply runs again.
            let unlock = rerun
                .stderr
                .lines()
                .map(str::trim)
                .find(|line| line.starts_with("drx force-unlock "))
                .and_then(|line| line.split_whitespace().nth(2))
                .ok_or_else(|| format!("no force-unlock command in:\n{}", rerun.stderr))?
                .to_string();
            check(run(&["force-unlock", &unlock]), "force-unlock")?;
            rerun = run(APPLY);
        }
        check(rerun, "the apply re-run")?;
        let plan = run(&["plan", "--detailed-exitcode"]);
        check(plan, "the plan after converging (exit 2 means changes left)")?;
        let state = match &remote {
            None => recorded(dir.path()),
            Some(bucket) => recorded_in(&state_object(&aws, bucket).await),
        };
        let listed = inventory(&aws, &suffix).await;
        if listed != state {
            return Err(format!(
                "AWS and the state differ: only in AWS {:?}, only in state {:?}",
                listed.difference(&state).collect::<Vec<_>>(),
                state.difference(&listed).collect::<Vec<_>>()
            ));
        }
        read_back(&aws, &suffix).await;
        check(run(DESTROY), "the destroy")?;
    }
    let left = inventory(&aws, &suffix).await;
    if !left.is_empty() {
        return Err(format!("destroy left {left:?}"));
    }
    if let Some(bucket) = &remote {
        let s3 = aws.s3("us-east-1").await;
        let lock = s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(format!("{STATE_KEY}.lock"))
            .send()
            .await
            .map_err(|e| format!("list: {e}"))?;
        if !lock.contents().is_empty() {
            return Err("the lock in S3 was left behind".into());
        }
    }
    Ok(if landed {
        "killed mid-run".to_string()
    } else {
        "the run had finished before the kill".to_string()
    })
}

#[tokio::test]
async fn sigkill_at_seeded_moments_loses_nothing() {
    let trials: usize = std::env::var("DRX_CRASH_TRIALS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4);
    let seed: u64 = std::env::var("DRX_CRASH_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(1)
        });
    // On a line of its own: the test harness has just printed the test name.
    println!("\ncrash trials: {trials}, seed {seed} (DRX_CRASH_SEED={seed} replays them)");
    let mut moments = Moments(seed);
    let (mut passed, mut failed) = (0, 0);
    let mut failures = Vec::new();
    for index in 0..trials {
        let kill = trial_kill(&mut moments, index);
        // A trial that panics (a read-back that finds a setting wrong) is a
        // failed trial, not the end of the run.
        let outcome = tokio::spawn(trial(index, kill))
            .await
            .unwrap_or_else(|panic| Err(format!("panicked: {panic}")));
        match outcome {
            Ok(how) => {
                passed += 1;
                println!("trial {index}: {kill:?}: passed ({how})");
            }
            Err(why) => {
                failed += 1;
                println!("trial {index}: {kill:?}: FAILED: {why}");
                failures.push(index);
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    assert!(failures.is_empty(), "trials {failures:?} failed (seed {seed})");
}
