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

#[test]
fn a_held_lock_names_its_holder() {
    let test = project(&example());
    let lock = test.dir().join("examples/.drx/payment-dev.state.lock");
    std::fs::create_dir_all(lock.parent().expect("parent")).expect("mkdir");
    let holder = serde_json::json!({
        "pid": std::process::id(), "host": gethostname(), "operation": "apply",
        "since": "2026-11-25T10:00:00Z", "drx_version": "0.1.0"
    });
    std::fs::write(&lock, holder.to_string()).expect("lock");
    let output = test.args(["plan", "examples/payments.drx"]).run().status(1);
    assert!(
        output
            .stderr
            .contains(&format!("locked by apply (pid {}", std::process::id())),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("since 2026-11-25T10:00:00Z"),
        "{}",
        output.stderr
    );
}

fn gethostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}
