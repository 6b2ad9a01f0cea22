//! How check and plan scale: topologies of 1, 10, 100 and 1,000 services,
//! each service a copy of the reference system (~50 AWS resources).
//!
//! `cargo bench --bench plan` prints parse, check and plan times and the peak
//! memory of each size. Each size runs in a fresh process so that its peak
//! memory is its own.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[path = "shared/topology.rs"]
mod topology;

use topology::topology;

const SIZES: [usize; 4] = [1, 10, 100, 1000];

fn main() {
    let mut args = std::env::args().skip(1);
    if let Some("--size") = args.next().as_deref() {
        let size = args.next().and_then(|n| n.parse().ok()).expect("--size N");
        measure(size);
        return;
    }
    println!("services  resources      parse      check       plan      total   peak RSS");
    for size in SIZES {
        let exe = std::env::current_exe().expect("own path");
        let output = std::process::Command::new(exe)
            .args(["--size", &size.to_string()])
            .output()
            .expect("run child");
        print!("{}", String::from_utf8_lossy(&output.stdout));
        if !output.status.success() {
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
            std::process::exit(1);
        }
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(services: usize) {
    let text = topology(services);
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("code")).expect("code dir");
    std::fs::write(dir.path().join("code/main.rs"), "fn main() {}").expect("code");
    let environment: BTreeMap<String, String> = BTreeMap::new();
    // Small sizes are fast: repeat them and take the median.
    let runs = if services >= 100 { 3 } else { 11 };
    let (mut parse, mut check, mut plan) = (Vec::new(), Vec::new(), Vec::new());
    let mut resources = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let file = drx::syntax::parse(&text).expect("the generated topology parses");
        let parsed = Instant::now();
        let checked = drx::check::check(&file, &environment);
        let topology = checked
            .topology
            .unwrap_or_else(|| panic!("checks: {:?}", checked.problems.first()));
        let checked_at = Instant::now();
        let planned = drx::plan::plan(&topology, dir.path(), None).expect("plans");
        let done = Instant::now();
        resources = planned.desired.resources.len();
        parse.push(parsed - started);
        check.push(checked_at - parsed);
        plan.push(done - checked_at);
    }
    let (parse, check, plan) = (median(parse), median(check), median(plan));
    println!(
        "{services:>8}  {resources:>9}  {:>9.1?}  {:>9.1?}  {:>9.1?}  {:>9.1?}  {:>6} MB",
        parse,
        check,
        plan,
        parse + check + plan,
        peak_rss_mb()
    );
}

/// The process's peak resident memory (Linux `VmHWM`).
fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or("?".to_string(), |kb| format!("{:.0}", kb as f64 / 1024.0))
}
