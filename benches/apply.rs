//! How much parallelism buys: the example applied against the emulator with
//! 100 ms injected on every AWS call, at `--parallelism 1` and at the
//! default, compared with the critical path (the longest chain of dependent
//! operations, each taking as long as its calls did).
//!
//! Needs the emulator: `scripts/emulator start && eval "$(scripts/emulator env)"`,
//! then `cargo bench --bench apply`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use drx::apply::{ApplyOptions, Event, EventKind};
use drx::state::{LocalBackend, State};

const LATENCY_MS: u64 = 100;

#[path = "shared/emulator.rs"]
mod emulator;
use emulator::control;

struct Measured {
    wall: Duration,
    critical_path: Duration,
    chain: usize,
    /// The critical path itself: each operation and how long it took.
    path: Vec<(Duration, String)>,
}

/// Runs in a child process whose AWS_ACCESS_KEY_ID is its own, so the
/// injected latency and the counts are this run's alone.
fn run(parallelism: usize, endpoint: &str, runtime: &tokio::runtime::Runtime) -> Measured {
    let key = std::env::var("AWS_ACCESS_KEY_ID").expect("set by the parent");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let suffix = format!("b{}", nanos % 1_000_000_000);
    control(
        endpoint,
        "POST",
        "/__drx/faults",
        &format!(r#"{{"access_key":"{key}","delay_ms":{LATENCY_MS}}}"#),
    );

    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/payments.drx")).expect("example");
    let file = drx::syntax::parse(&text).expect("parses");
    let environment = BTreeMap::from([("ENVIRONMENT_SUFFIX".to_string(), suffix.clone())]);
    let topology = drx::check::check(&file, &environment).topology.expect("checks");
    let base = root.join("examples");
    let plan = drx::plan::plan(&topology, &base, None).expect("plans");
    let dir = tempfile::tempdir().expect("temporary directory");
    let backend = LocalBackend::new(dir.path().join("state.json"));
    let durations: Arc<Mutex<HashMap<String, Duration>>> = Arc::default();
    let recorder = durations.clone();
    let listener = Arc::new(move |event: &Event| {
        if let EventKind::Done { elapsed, .. } = &event.kind {
            recorder
                .lock()
                .expect("lock")
                .insert(event.address.clone(), *elapsed);
        }
    });
    let options = ApplyOptions {
        parallelism,
        // The function is built as drx itself was: release under `cargo
        // bench`, as a user's `drx apply` does by default.
        cargo_profile: if cfg!(debug_assertions) { "dev" } else { "release" }.into(),
        base,
    };
    let aws = Arc::new(drx::aws::Aws::new());
    let started = Instant::now();
    let (state, report) = runtime.block_on(drx::apply::apply(
        &plan,
        State::new(&plan.stack),
        &backend,
        aws.clone(),
        &options,
        listener,
        std::future::pending::<()>(),
    ));
    let wall = started.elapsed();
    assert!(report.succeeded(), "apply failed: {:?}", report.failed);

    // The longest path through the graph, weighted by each operation's time.
    let graph = plan.graph();
    let durations = durations.lock().expect("lock").clone();
    let mut finish = vec![Duration::ZERO; graph.len()];
    let mut previous: Vec<Option<usize>> = vec![None; graph.len()];
    let mut depth = vec![0usize; graph.len()];
    let took = |node: usize| {
        durations
            .get(&plan.desired.resources[node].address)
            .copied()
            .unwrap_or_default()
    };
    for node in graph.topological_order() {
        previous[node] = graph
            .dependencies(node)
            .iter()
            .copied()
            .max_by_key(|&d| finish[d]);
        let before = previous[node].map(|d| finish[d]).unwrap_or_default();
        finish[node] = before + took(node);
        depth[node] = 1 + graph
            .dependencies(node)
            .iter()
            .map(|&d| depth[d])
            .max()
            .unwrap_or(0);
    }
    let last = (0..graph.len()).max_by_key(|&node| finish[node]);
    let critical_path = last.map(|node| finish[node]).unwrap_or_default();
    let mut path = Vec::new();
    let mut node = last;
    while let Some(current) = node {
        path.push((took(current), plan.desired.resources[current].address.clone()));
        node = previous[current];
    }
    path.reverse();

    // Leave nothing behind: destroy without the injected latency.
    control(endpoint, "DELETE", &format!("/__drx/faults?access_key={key}"), "");
    let destroy = drx::plan::destroy_plan(&plan.stack, &state);
    let (_, report) = runtime.block_on(drx::apply::apply(
        &destroy,
        state,
        &backend,
        aws,
        &options,
        Arc::new(|_: &Event| {}),
        std::future::pending::<()>(),
    ));
    assert!(report.succeeded(), "destroy failed: {:?}", report.failed);
    Measured {
        wall,
        critical_path,
        chain: depth.into_iter().max().unwrap_or(0),
        path,
    }
}

fn main() {
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .expect("AWS_ENDPOINT_URL: start the emulator first (scripts/emulator start && eval \"$(scripts/emulator env)\")");
    let mut args = std::env::args().skip(1);
    if let Some("--parallelism") = args.next().as_deref() {
        let parallelism = args.next().and_then(|n| n.parse().ok()).expect("--parallelism N");
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let measured = run(parallelism, &endpoint, &runtime);
        println!(
            "{} {} {}",
            measured.wall.as_secs_f64(),
            measured.critical_path.as_secs_f64(),
            measured.chain
        );
        for (took, address) in &measured.path {
            println!("{} {address}", took.as_secs_f64());
        }
        return;
    }
    println!("Applying examples/payments.drx (51 resources) with {LATENCY_MS} ms added to every AWS call:\n");
    println!("parallelism       wall   critical path   wall / path   longest chain");
    let mut walls = Vec::new();
    let mut paths = Vec::new();
    for parallelism in [1, 10, 32] {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_nanos();
        let output = std::process::Command::new(std::env::current_exe().expect("own path"))
            .args(["--parallelism", &parallelism.to_string()])
            .env(
                "AWS_ACCESS_KEY_ID",
                format!("AKIABENCH{:010X}", nanos % 10_000_000_000),
            )
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .output()
            .expect("run the measurement");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8_lossy(&output.stdout);
        let mut lines = text.lines();
        let fields: Vec<f64> = lines
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        let path = lines
            .filter_map(|line| line.split_once(' '))
            .filter_map(|(took, address)| {
                Some((Duration::from_secs_f64(took.parse().ok()?), address.to_string()))
            })
            .collect();
        let measured = Measured {
            wall: Duration::from_secs_f64(fields[0]),
            critical_path: Duration::from_secs_f64(fields[1]),
            chain: fields[2] as usize,
            path,
        };
        println!(
            "{parallelism:>11}  {:>8.1}s  {:>13.1}s  {:>12.2}  {:>8} resources",
            measured.wall.as_secs_f64(),
            measured.critical_path.as_secs_f64(),
            measured.wall.as_secs_f64() / measured.critical_path.as_secs_f64(),
            measured.chain
        );
        walls.push(measured.wall);
        paths.push(measured.path);
    }
    println!(
        "\nspeed-up of the default (10) over parallelism 1: {:.1}×",
        walls[0].as_secs_f64() / walls[1].as_secs_f64()
    );
    println!("\nthe critical path at the default parallelism:");
    for (took, address) in &paths[1] {
        println!("  {:>6.2}s  {address}", took.as_secs_f64());
    }
}
