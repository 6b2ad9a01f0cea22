//! `drx apply`, `drx output` and `drx destroy` end to end, against the
//! emulator: every resource read back through the SDK, a second apply that
//! changes nothing, an in-place update, drift, faults, and a clean destroy.

use std::path::Path;
use std::process::Command;

use crate::apply_drift::{assert_retagged, change_behind_drxs_back, set_table_recovery};
use crate::apply_read_back::{assert_nothing_left, read_back};
use crate::aws::Aws;
use crate::test::root;

/// A unique, DNS-safe environment suffix for one test's stack.
pub(crate) fn suffix(aws: &Aws) -> String {
    let id = aws.access_key.to_lowercase();
    format!("t{}", &id[id.len() - 10..])
}

pub(crate) struct Run {
    pub(crate) status: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// drx as this test's AWS caller, on the copy of the example in `dir`.
pub(crate) fn drx_command(aws: &Aws, suffix: &str, dir: &Path, args: &[&str]) -> Command {
    let mut command = caller(aws, suffix, dir, args);
    command.arg(dir.join("examples/payments.drx"));
    command
}

/// drx as this test's AWS caller, with the state in `dir`.
pub(crate) fn caller(aws: &Aws, suffix: &str, dir: &Path, args: &[&str]) -> Command {
    let mut command = as_caller(aws, suffix, dir, args);
    command.arg("--state").arg(dir.join("state.json"));
    command
}

/// drx as this test's AWS caller, with `dir` as its home and no state of
/// the test's choosing.
pub(crate) fn as_caller(aws: &Aws, suffix: &str, dir: &Path, args: &[&str]) -> Command {
    let home = std::env::var("HOME").unwrap_or_default();
    let mut command = Command::new(env!("CARGO_BIN_EXE_drx"));
    command
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .env("ENVIRONMENT_SUFFIX", suffix)
        .env("AWS_ACCESS_KEY_ID", &aws.access_key)
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("HOME", dir)
        // Packaging runs cargo, which must still find its toolchain.
        .env(
            "RUSTUP_HOME",
            std::env::var("RUSTUP_HOME").unwrap_or_else(|_| format!("{home}/.rustup")),
        )
        .env(
            "CARGO_HOME",
            std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo")),
        );
    command
}

/// Runs drx as this test's AWS caller, on the copy of the example in `dir`.
pub(crate) fn drx(aws: &Aws, suffix: &str, dir: &Path, args: &[&str]) -> Run {
    ran(drx_command(aws, suffix, dir, args))
}

pub(crate) fn ran(mut command: Command) -> Run {
    let output = command.output().expect("run drx");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A scratch copy of the example, its function code beside it.
pub(crate) fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("examples")).expect("mkdir");
    std::fs::write(dir.path().join("examples/payments.drx"), text).expect("write example");
    // The function code is the repository's own package.
    let text = std::fs::read_to_string(dir.path().join("examples/payments.drx")).expect("read");
    let pointed = text.replace(
        "code \"../lambda\"",
        &format!("code {:?}", root().join("lambda").display().to_string()),
    );
    std::fs::write(dir.path().join("examples/payments.drx"), pointed).expect("write");
    dir
}

pub(crate) fn example() -> String {
    std::fs::read_to_string(root().join("examples/payments.drx")).expect("read the example")
}

pub(crate) const APPLY: &[&str] = &["apply", "--auto-approve", "--cargo-profile", "dev"];
pub(crate) const DESTROY: &[&str] = &["destroy", "--auto-approve", "--allow-data-loss"];

pub(crate) fn mutating(aws: &Aws) -> u64 {
    aws.requests()["mutating"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn apply_reads_back_reapplies_nothing_updates_recreates_and_destroys() {
    let aws = Aws::new("apply_e2e");
    let suffix = suffix(&aws);
    let dir = project(&example());
    let run = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(run.status, 0, "apply failed:\n{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("Apply complete: 61 created, 0 updated, 0 deleted."),
        "{}",
        run.stdout
    );

    read_back(&aws, &suffix).await;

    // A request to the documents bucket shows in its server access log.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&aws.config("us-east-1").await)
            .force_path_style(true)
            .build(),
    );
    let docs = format!("payment-docs-us-east-1-{suffix}");
    s3.put_object()
        .bucket(&docs)
        .key("receipts/logged.txt")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"a receipt"))
        .send()
        .await
        .expect("put a receipt");
    let logged = crate::aws::eventually(20, || {
        let (s3, docs, suffix) = (s3.clone(), docs.clone(), suffix.clone());
        async move {
            let listed = s3
                .list_objects_v2()
                .bucket(format!("s3-access-logs-us-east-1-{suffix}"))
                .prefix(format!("{docs}/"))
                .send()
                .await
                .ok()?;
            (listed.key_count() > Some(0)).then_some(listed.key_count())
        }
    })
    .await;
    assert!(logged.is_some(), "no access log of {docs} arrived");

    // Outputs carry the reference's keys with real values.
    let output = drx(&aws, &suffix, dir.path(), &["output", "--json"]);
    let outputs: serde_json::Value = serde_json::from_str(&output.stdout).expect("output --json");
    for key in [
        "primaryApiEndpoint",
        "secondaryApiEndpoint",
        "failoverDnsName",
        "healthCheckId",
        "alarmArns",
    ] {
        assert!(!outputs[key].is_null(), "missing {key}: {outputs}");
    }
    assert!(
        outputs["primaryApiEndpoint"]
            .as_str()
            .unwrap_or_default()
            .contains(".execute-api.us-east-1.amazonaws.com/prod")
    );
    assert_eq!(
        outputs["failoverDnsName"],
        format!("api.payment-{suffix}.test.local")
    );
    assert_eq!(outputs["alarmArns"].as_array().map(Vec::len), Some(6));

    // A second apply changes nothing and mutates nothing.
    let before = mutating(&aws);
    let again = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
    assert_eq!(
        mutating(&aws),
        before,
        "the second apply made mutating calls: {}",
        aws.requests()
    );

    // More memory, no tracing, less concurrency: the function in each
    // region is updated in place, and its role no longer sends traces.
    std::fs::write(
        dir.path().join("examples/payments.drx"),
        std::fs::read_to_string(dir.path().join("examples/payments.drx"))
            .expect("read")
            .replace("memory 256MB", "memory 512MB\n  tracing off\n  concurrency 40"),
    )
    .expect("edit");
    let updated = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        updated
            .stdout
            .contains("Apply complete: 0 created, 3 updated, 0 deleted."),
        "{}\n{}",
        updated.stdout,
        updated.stderr
    );
    for region in ["us-east-1", "us-east-2"] {
        assert_eq!(
            crate::apply_read_back::function_settings(&aws, region, &suffix).await,
            (Some(512), Some("PassThrough".to_string()), Some(40))
        );
    }
    // And back to the defaults: traced, 100 reserved.
    std::fs::write(
        dir.path().join("examples/payments.drx"),
        std::fs::read_to_string(dir.path().join("examples/payments.drx"))
            .expect("read")
            .replace("\n  tracing off\n  concurrency 40", ""),
    )
    .expect("edit");
    let defaults = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        defaults
            .stdout
            .contains("Apply complete: 0 created, 3 updated, 0 deleted."),
        "{}\n{}",
        defaults.stdout,
        defaults.stderr
    );

    // A topic deleted behind drx's back is drift, and is created again.
    let sns = aws_sdk_sns::Client::new(&aws.config("us-east-2").await);
    sns.delete_topic()
        .topic_arn(format!(
            "arn:aws:sns:us-east-2:123456789012:failover-alerts-us-east-2-{suffix}"
        ))
        .send()
        .await
        .expect("delete topic");
    let plan = drx(&aws, &suffix, dir.path(), &["plan"]);
    assert!(
        plan.stderr
            .contains("drift: failover_alerts.topic@us-east-2 no longer exists"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stdout
            .contains("# failover_alerts.topic@us-east-2 will be created"),
        "{}",
        plan.stdout
    );
    let recreated = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        recreated.stdout.contains("Apply complete: 1 created"),
        "{}\n{}",
        recreated.stdout,
        recreated.stderr
    );
    assert!(
        sns.get_topic_attributes()
            .topic_arn(format!(
                "arn:aws:sns:us-east-2:123456789012:failover-alerts-us-east-2-{suffix}"
            ))
            .send()
            .await
            .is_ok()
    );

    // Settings changed behind drx's back are drift, shown and set back.
    let health_check = outputs["healthCheckId"].as_str().expect("healthCheckId");
    change_behind_drxs_back(&aws, &suffix, health_check).await;
    let plan = drx(&aws, &suffix, dir.path(), &["plan"]);
    for drift in [
        "drift: payment_processor.function@us-east-1 memory_size is 1024 in AWS, 512 as last applied",
        "drift: payment_processor.log_group@us-east-2 retention_days is 1 in AWS, 14 as last applied",
        "drift: payment_transactions.table@us-east-1 point_in_time_recovery is false in AWS, true as last applied",
        "drift: api.health_check failure_threshold is 5 in AWS, 3 as last applied",
        "drift: payment_docs.bucket@us-east-2 block_public_access is false in AWS, true as last applied",
        "drift: payment_processor.role_policy document changed outside drx (the plan shows how)",
    ] {
        assert!(
            plan.stderr.contains(drift),
            "missing {drift:?} in:\n{}",
            plan.stderr
        );
    }
    assert_eq!(
        plan.stderr.matches("drift:").count(),
        6,
        "only what changed is drift:\n{}",
        plan.stderr
    );
    for address in [
        "payment_processor.function@us-east-1",
        "payment_processor.log_group@us-east-2",
        "payment_transactions.table@us-east-1",
        "api.health_check",
        "payment_docs.bucket@us-east-2",
        "payment_processor.role_policy",
    ] {
        assert!(
            plan.stdout
                .contains(&format!("# {address} will be updated in place")),
            "{address}:\n{}",
            plan.stdout
        );
    }
    let json = drx(&aws, &suffix, dir.path(), &["plan", "--json"]);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).expect("plan --json");
    let memory = document["drift"]
        .as_array()
        .expect("drift")
        .iter()
        .find(|d| d["attribute"] == "memory_size")
        .expect("memory drift");
    assert_eq!(
        (&memory["address"], &memory["last_applied"], &memory["actual"]),
        (
            &serde_json::json!("payment_processor.function@us-east-1"),
            &serde_json::json!(512),
            &serde_json::json!(1024)
        )
    );
    assert_eq!(document["drift"].as_array().map(Vec::len), Some(6));
    // Through a saved plan: it carries the refreshed state, so a setting
    // only the live value differs in (recovery) is set back too.
    let saved_plan = dir.path().join("drift.json");
    let saved_plan = saved_plan.to_str().expect("path");
    let saved = drx(&aws, &suffix, dir.path(), &["plan", "-o", saved_plan]);
    assert_eq!(saved.status, 0, "{}", saved.stderr);
    let restored = ran(caller(
        &aws,
        &suffix,
        dir.path(),
        &["apply", "--auto-approve", "--cargo-profile", "dev", saved_plan],
    ));
    assert!(
        restored
            .stdout
            .contains("Apply complete: 0 created, 6 updated, 0 deleted."),
        "{}\n{}",
        restored.stdout,
        restored.stderr
    );
    read_back(&aws, &suffix).await;
    let settled = drx(&aws, &suffix, dir.path(), &["plan"]);
    assert!(
        !settled.stderr.contains("drift:") && settled.stdout.contains("No changes."),
        "{}\n{}",
        settled.stdout,
        settled.stderr
    );
    // And straight from the file: recovery turned off again is turned on.
    set_table_recovery(&aws, &suffix, false).await;
    let fixed = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        fixed
            .stderr
            .contains("drift: payment_transactions.table@us-east-1 point_in_time_recovery is false in AWS")
            && fixed
                .stdout
                .contains("Apply complete: 0 created, 1 updated, 0 deleted."),
        "{}\n{}",
        fixed.stdout,
        fixed.stderr
    );
    read_back(&aws, &suffix).await;

    // New tags: every tagged resource is updated in place, and a key no
    // longer wanted is removed, not left behind.
    std::fs::write(
        dir.path().join("examples/payments.drx"),
        std::fs::read_to_string(dir.path().join("examples/payments.drx"))
            .expect("read")
            .replace(
                "tags { project: \"payment-processing\", environment: suffix }",
                "tags { project: \"payments\", owner: \"dr-team\" }",
            ),
    )
    .expect("edit");
    let retagged = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        retagged.stdout.contains("Apply complete: 0 created,")
            && retagged.stdout.contains("updated, 0 deleted."),
        "{}\n{}",
        retagged.stdout,
        retagged.stderr
    );
    assert_retagged(&aws, &suffix, health_check).await;
    let settled = drx(&aws, &suffix, dir.path(), &["plan"]);
    assert!(
        settled.stdout.contains("No changes."),
        "{}\n{}",
        settled.stdout,
        settled.stderr
    );

    // Destroy leaves nothing carrying the suffix, in either region; the
    // topics' keys are scheduled for deletion, recoverable for 30 days.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("state.json")).expect("state"))
            .expect("json");
    let keys: Vec<(String, String)> = state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| r["type"] == "kms_key")
        .map(|r| {
            (
                r["region"].as_str().unwrap_or_default().to_string(),
                r["physical_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}\n{}", destroyed.stdout, destroyed.stderr);
    assert!(
        destroyed
            .stdout
            .contains("Destroy complete: 0 created, 0 updated, 61 deleted."),
        "{}",
        destroyed.stdout
    );
    for (region, id) in &keys {
        let kms = aws_sdk_kms::Client::new(&aws.config(region).await);
        let key = kms
            .describe_key()
            .key_id(id)
            .send()
            .await
            .expect("the key, scheduled");
        let metadata = key.key_metadata().expect("metadata");
        assert_eq!(
            metadata.key_state(),
            Some(&aws_sdk_kms::types::KeyState::PendingDeletion),
            "{region} {id}"
        );
        assert!(metadata.deletion_date().is_some(), "{region} {id}");
    }
    // The table and its replica were protected; the destroy says it lifted
    // that (AWS would refuse the deletes otherwise).
    for address in [
        "payment_transactions.table@us-east-1",
        "payment_transactions.replica@us-east-2",
    ] {
        assert!(
            destroyed
                .stderr
                .contains(&format!("note: {address} is protected against deletion")),
            "{}",
            destroyed.stderr
        );
    }
    assert_nothing_left(&aws, &suffix).await;
}
