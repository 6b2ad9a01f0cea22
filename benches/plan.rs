//! How check and plan scale: topologies of 1, 10, 100 and 1,000 services,
//! each service a copy of the reference system (~50 AWS resources).
//!
//! `cargo bench --bench plan` prints parse, check and plan times and the peak
//! memory of each size. Each size runs in a fresh process so that its peak
//! memory is its own.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

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

/// A topology of `services` copies of the reference system.
fn topology(services: usize) -> String {
    let mut text = String::from(
        "topology bench {\n  primary us-east-1\n  secondary us-east-2\n  naming \"{service}-{region}-b\"\n  \
         objectives { rto 5m  rpo 15m }\n}\n\nalerts ops { in every region }\n\n",
    );
    for i in 0..services {
        write!(
            text,
            r#"
table t{i} {{
  key id: string
  replicate globally
}}

bucket d{i} {{
  replicate to secondary {{ time_control 15m }}
}}

function f{i} {{
  code "code"
  memory 256MB
  timeout 30s
  env {{ TABLE: t{i}.name, BUCKET: d{i}.name }}
  logs {{ retention 14d }}
  in every region
}}

api a{i} {{
  stage prod
  route POST /payments -> f{i}
  route GET /payments/{{id}} -> f{i}
  route GET /health -> f{i}
  in every region
}}

failover fo{i} {{
  domain "api.s{i}.test.local"
  targets a{i}
  health_check {{ path "/prod/health" }}
}}

alarm e{i} {{
  when f{i}.errors > 5
  notify ops
  in every region
}}

alarm h{i} {{
  when fo{i}.health < 1
  notify ops
}}

alarm tl{i} {{
  when t{i}.replication_latency > 1m
  notify ops
}}

alarm dl{i} {{
  when d{i}.replication_latency > 15m
  notify ops
}}

role op{i} {{
  trust account_root
  allow [route53.change_records] on fo{i}
}}
"#
        )
        .expect("write to string");
    }
    text
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
