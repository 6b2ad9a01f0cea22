//! What keeping state in S3 costs: `drx apply` of the reference with its state
//! in S3 against the same apply with local state, 100 ms added to every AWS
//! call (the state's own requests included), seven times each, through the
//! real binary, after one apply each way that is not counted (the first
//! pays for cold caches). The two kinds take turns going first, so neither
//! always runs on a machine the other just warmed. Prints each wall time,
//! the ratio of the means and the median of the runs' ratios.
//!
//! Needs the emulator: `scripts/emulator start && eval "$(scripts/emulator env)"`,
//! then `cargo bench --bench team_state`.

use std::path::Path;
use std::time::{Duration, Instant};

const LATENCY_MS: u64 = 100;
const RUNS: usize = 7;

#[path = "shared/emulator.rs"]
mod emulator;
use emulator::control;

/// A caller no other run uses, and a suffix for its stack's names.
fn caller(run: &str) -> (String, String) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    (
        format!("AKIATEAM{:010X}", nanos % 10_000_000_000),
        format!("{run}{}", nanos % 1_000_000),
    )
}

fn drx(key: &str, suffix: &str, args: &[&str], state: &str) -> Duration {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_drx"))
        .current_dir(root)
        .args(args)
        .args(["--state", state, "examples/payments.drx"])
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("ENVIRONMENT_SUFFIX", suffix)
        .env("NO_COLOR", "1")
        .output()
        .expect("run drx");
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "drx {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

/// Applies (with the latency) and destroys (without) one stack; the apply's
/// wall time.
fn measure(endpoint: &str, state: impl Fn(&str) -> String, run: &str) -> Duration {
    let (key, suffix) = caller(run);
    let location = state(&key);
    let apply = ["apply", "--auto-approve", "--cargo-profile", "dev"];
    control(
        endpoint,
        "POST",
        "/__drx/faults",
        &format!(r#"{{"access_key":"{key}","delay_ms":{LATENCY_MS}}}"#),
    );
    let took = drx(&key, &suffix, &apply, &location);
    control(endpoint, "DELETE", &format!("/__drx/faults?access_key={key}"), "");
    drx(
        &key,
        &suffix,
        &["destroy", "--auto-approve", "--allow-data-loss"],
        &location,
    );
    took
}

fn main() {
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .expect("AWS_ENDPOINT_URL: start the emulator first (scripts/emulator start && eval \"$(scripts/emulator env)\")");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temporary directory");
    let s3 = runtime.block_on(async {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                "AKIATEAMSETUP",
                "testing",
                None,
                None,
                "bench",
            ))
            .load()
            .await;
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&config)
                .force_path_style(true)
                .build(),
        )
    });
    println!("drx apply of examples/payments.drx (61 resources), {LATENCY_MS} ms added to every AWS call:\n");
    println!("run   local state   state in S3   S3 / local");
    let (mut locals, mut remotes) = (Duration::ZERO, Duration::ZERO);
    let mut ratios = Vec::new();
    // Run 0 warms up and is not counted.
    for run in 0..=RUNS {
        let local = || {
            measure(
                &endpoint,
                |_| dir.path().join(format!("local-{run}.json")).display().to_string(),
                "tl",
            )
        };
        let bucket = format!("drx-team-state-bench-{run}-{}", std::process::id());
        runtime.block_on(async {
            s3.create_bucket().bucket(&bucket).send().await.expect("bucket");
            s3.put_bucket_versioning()
                .bucket(&bucket)
                .versioning_configuration(
                    aws_sdk_s3::types::VersioningConfiguration::builder()
                        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                        .build(),
                )
                .send()
                .await
                .expect("versioning");
        });
        let remote = || measure(&endpoint, |_| format!("s3://{bucket}/payments.state"), "ts");
        let (local, remote) = if run % 2 == 0 {
            let local = local();
            (local, remote())
        } else {
            let remote = remote();
            (local(), remote)
        };
        if run == 0 {
            println!(
                "  -   {:>9.2} s   {:>9.2} s   (warm-up, not counted)",
                local.as_secs_f64(),
                remote.as_secs_f64()
            );
            continue;
        }
        ratios.push(remote.as_secs_f64() / local.as_secs_f64());
        println!(
            "{run:>3}   {:>9.2} s   {:>9.2} s   {:>9.2}×",
            local.as_secs_f64(),
            remote.as_secs_f64(),
            remote.as_secs_f64() / local.as_secs_f64()
        );
        locals += local;
        remotes += remote;
    }
    println!(
        "mean  {:>9.2} s   {:>9.2} s   {:>9.2}×",
        locals.as_secs_f64() / RUNS as f64,
        remotes.as_secs_f64() / RUNS as f64,
        remotes.as_secs_f64() / locals.as_secs_f64()
    );
    ratios.sort_by(f64::total_cmp);
    println!("median of the runs' ratios: {:.2}×", ratios[RUNS / 2]);
    // The apply itself varies by a few tenths of a second from run to run on
    // a small machine; what S3 adds is steadier in seconds than as a ratio.
    println!(
        "S3 adds {:.2} s to a mean apply",
        (remotes.as_secs_f64() - locals.as_secs_f64()) / RUNS as f64
    );
}
