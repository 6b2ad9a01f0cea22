//! State as the planner meets it: saved plans that go stale, a truncated
//! state, a held lock.

use std::path::Path;

use drx::state::LocalBackend;

use crate::plan::*;

#[test]
fn a_saved_plan_goes_stale_when_state_or_source_changes() {
    let test = project(&example());
    let dir = test.dir().to_path_buf();
    let state = record_applied(&dir, &example());
    let output = project(&example());
    let _ = output;
    let test = test.args([
        "plan",
        "--refresh",
        "false",
        "-o",
        "plan.json",
        "examples/payments.drx",
    ]);
    let saved = test.run().status(0);
    assert!(
        saved.stdout.contains("Saved the plan to plan.json"),
        "{}",
        saved.stdout
    );
    // The saved plan is current until something moves.
    let show = |dir: &Path| {
        crate::test::drx_command(dir)
            .args(["show", "plan.json"])
            .output()
            .expect("run drx")
    };
    let fresh = show(&saved.dir);
    assert!(
        fresh.status.success(),
        "{}",
        String::from_utf8_lossy(&fresh.stderr)
    );
    assert!(String::from_utf8_lossy(&fresh.stdout).contains("This plan is current"));

    let mut newer = state;
    newer.serial += 1;
    LocalBackend::new(saved.dir.join("examples/.drx/payment-dev.state.json"))
        .write(&newer)
        .expect("write");
    let stale = show(&saved.dir);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.contains("stale") && stderr.contains("serial 1") && stderr.contains("now serial 2"),
        "{stderr}"
    );

    newer.serial -= 1;
    LocalBackend::new(saved.dir.join("examples/.drx/payment-dev.state.json"))
        .write(&newer)
        .expect("write");
    std::fs::write(
        saved.dir.join("examples/payments.drx"),
        example().replace("ttl 60s", "ttl 30s"),
    )
    .expect("edit");
    let stale = show(&saved.dir);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&stale.stderr)
            .contains("examples/payments.drx changed after the plan was made")
    );
}

#[test]
fn a_truncated_state_is_reported_and_left_alone() {
    let test = project(&example());
    record_applied(test.dir(), &example());
    let path = test.dir().join("examples/.drx/payment-dev.state.json");
    let text = std::fs::read_to_string(&path).expect("state");
    let truncated = text[..text.len() / 3].to_string();
    std::fs::write(&path, &truncated).expect("truncate");
    let output = test
        .args(["plan", "--refresh", "false", "examples/payments.drx"])
        .run()
        .status(1);
    assert!(
        output.stderr.contains("payment-dev.state.json is not valid"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("line"), "{}", output.stderr);
    assert_eq!(std::fs::read_to_string(&path).expect("state"), truncated);
}

/// Holds `lock` the way a running drx does (an OS lock on the file), with
/// `holder` written in it, until the returned process is killed.
fn hold(lock: &Path, holder: &serde_json::Value) -> std::process::Child {
    std::fs::create_dir_all(lock.parent().expect("parent")).expect("mkdir");
    std::fs::write(lock, holder.to_string()).expect("lock");
    // --no-fork: flock becomes `sleep`, so killing it releases the lock.
    let mut child = std::process::Command::new("flock")
        .arg("--no-fork")
        .arg(lock)
        .args(["sleep", "60"])
        .spawn()
        .expect("flock(1), from util-linux");
    // Until flock holds it, a non-blocking attempt succeeds.
    for _ in 0..100 {
        let free = std::process::Command::new("flock")
            .args(["--nonblock", "--conflict-exit-code", "9"])
            .arg(lock)
            .arg("true")
            .status()
            .expect("flock");
        if free.code() == Some(9) {
            return child;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("flock never took the lock");
}

#[test]
fn a_held_lock_names_its_holder_and_is_free_once_the_holder_dies() {
    let test = project(&example());
    let lock = test.dir().join("examples/.drx/payment-dev.state.lock");
    let holder = serde_json::json!({
        "id": "6f1c0b2e", "pid": 4242, "host": gethostname(), "operation": "apply",
        "since": "2026-11-25T10:00:00Z", "drx_version": "0.1.0"
    });
    let mut holding = hold(&lock, &holder);
    let dir = test.dir().to_path_buf();
    let output = test.args(["plan", "examples/payments.drx"]).run().status(1);
    for expected in [
        "locked by apply (pid 4242",
        "since 2026-11-25T10:00:00Z",
        "lock id 6f1c0b2e",
        "--lock-timeout",
    ] {
        assert!(output.stderr.contains(expected), "{expected}: {}", output.stderr);
    }
    // A lock the OS holds for a running process cannot be forced.
    let forced = crate::test::drx_command(&dir)
        .args(["force-unlock", "6f1c0b2e", "examples/payments.drx"])
        .output()
        .expect("run drx");
    assert_eq!(forced.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&forced.stderr).contains("cannot be forced"));

    // The holder dies: its lock is gone with it, its record remains.
    holding.kill().expect("kill");
    holding.wait().expect("reaped");
    let planned = crate::test::drx_command(&dir)
        .args(["plan", "examples/payments.drx"])
        .output()
        .expect("run drx");
    assert_eq!(
        planned.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&planned.stderr)
    );
}

#[test]
fn a_lock_timeout_waits_for_the_holder() {
    let test = project(&example());
    let lock = test.dir().join("examples/.drx/payment-dev.state.lock");
    let holder = serde_json::json!({
        "id": "1", "pid": 1, "host": "h", "operation": "apply",
        "since": "2026-11-25T10:00:00Z", "drx_version": "0.1.0"
    });
    let mut holding = hold(&lock, &holder);
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let _ = holding.kill();
        let _ = holding.wait();
    });
    let started = std::time::Instant::now();
    test.args(["plan", "--lock-timeout", "30s", "examples/payments.drx"])
        .run()
        .status(0);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(600),
        "it waited"
    );
    releaser.join().expect("thread");
}

#[test]
fn force_unlock_clears_the_record_a_dead_holder_left() {
    let test = project(&example());
    let lock = test.dir().join("examples/.drx/payment-dev.state.lock");
    std::fs::create_dir_all(lock.parent().expect("parent")).expect("mkdir");
    let holder = serde_json::json!({
        "id": "dead-1", "pid": 1, "host": "h", "operation": "apply",
        "since": "2026-11-25T10:00:00Z", "drx_version": "0.1.0"
    });
    std::fs::write(&lock, holder.to_string()).expect("lock");
    let output = test
        .args(["force-unlock", "dead-1", "examples/payments.drx"])
        .run()
        .status(0);
    assert!(output.stdout.contains("Cleared lock dead-1"), "{}", output.stdout);
    assert_eq!(std::fs::read_to_string(&lock).expect("read"), "");
}

fn gethostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

fn state_of(dir: &Path) -> drx::state::State {
    LocalBackend::new(dir.join("examples/.drx/payment-dev.state.json"))
        .read()
        .expect("reads")
        .expect("a state")
}

#[test]
fn state_list_and_show_print_what_is_recorded() {
    let test = project(&example());
    let recorded = record_applied(test.dir(), &example());
    let dir = test.dir().to_path_buf();
    let output = test
        .args(["state", "list", "examples/payments.drx"])
        .run()
        .status(0);
    assert_eq!(output.stdout.lines().count(), recorded.resources.len());
    assert!(
        output
            .stdout
            .contains("payment_api.rest_api@us-east-1  api_gateway_rest_api  payment_api.rest_api@us-east-1"),
        "{}",
        output.stdout
    );
    let shown = crate::test::drx_command(&dir)
        .args([
            "state",
            "show",
            "payment_transactions.table@us-east-1",
            "examples/payments.drx",
        ])
        .output()
        .expect("run drx");
    let json: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(json["type"], "dynamodb_table");
    assert_eq!(json["attributes"]["billing_mode"], "PAY_PER_REQUEST");
    let wrong = crate::test::drx_command(&dir)
        .args([
            "state",
            "show",
            "payment_transactions.tabel@us-east-1",
            "examples/payments.drx",
        ])
        .output()
        .expect("run drx");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&wrong.stderr)
            .contains("did you mean `payment_transactions.table@us-east-1`?"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
}

#[test]
fn state_rm_forgets_and_the_next_plan_creates_it_again() {
    let test = project(&example());
    let recorded = record_applied(test.dir(), &example());
    let dir = test.dir().to_path_buf();
    let output = test
        .args([
            "state",
            "rm",
            "lambda_errors.alarm@us-east-2",
            "examples/payments.drx",
        ])
        .run()
        .status(0);
    assert!(output.stdout.contains("still exists in AWS"), "{}", output.stdout);
    let after = state_of(&dir);
    assert_eq!(after.resources.len(), recorded.resources.len() - 1);
    assert_eq!(after.serial, recorded.serial + 1, "an edit moves the serial on");
    assert!(
        dir.join("examples/.drx/payment-dev.state.json.backup").exists(),
        "the previous state is kept"
    );
    let plan = crate::test::drx_command(&dir)
        .args(["plan", "--refresh", "false", "examples/payments.drx"])
        .output()
        .expect("run drx");
    let text = String::from_utf8_lossy(&plan.stdout);
    assert!(
        text.contains("lambda_errors.alarm@us-east-2 will be created"),
        "{text}"
    );
}

#[test]
fn state_mv_renames_an_address_and_what_reads_it() {
    let test = project(&example());
    let recorded = record_applied(test.dir(), &example());
    let dir = test.dir().to_path_buf();
    let (from, to) = ("payment_api.rest_api@us-east-1", "renamed_api.rest_api@us-east-1");
    let _kept = test
        .args(["state", "mv", from, to, "examples/payments.drx"])
        .run()
        .status(0);
    let after = state_of(&dir);
    assert!(after.resource(from).is_none() && after.resource(to).is_some());
    let text = serde_json::to_string(&after).expect("json");
    assert!(
        !text.contains(&format!("\"ref\":[\"{from}\"")),
        "no record still reads the old address"
    );
    assert!(
        after
            .resources
            .iter()
            .all(|r| !r.depends_on.iter().any(|d| d == from))
    );
    assert!(
        text.contains(&format!("\"ref\":[\"{to}\"")),
        "the API's resources and methods read the new one"
    );
    assert_eq!(after.resources.len(), recorded.resources.len());
    // Moving it back leaves the plan as it was: nothing to do.
    crate::test::drx_command(&dir)
        .args(["state", "mv", to, from, "examples/payments.drx"])
        .status()
        .expect("run drx");
    let plan = crate::test::drx_command(&dir)
        .args([
            "plan",
            "--refresh",
            "false",
            "--detailed-exitcode",
            "examples/payments.drx",
        ])
        .output()
        .expect("run drx");
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plan.stdout)
    );
}
