//! What state costs as a stack grows: apply and destroy of 50 and 100 copies
//! of the reference system through the real executor and the real local state
//! store (journal and compaction), against a provider that answers at once —
//! so what is measured is drx's own bookkeeping, not AWS or the emulator.
//!
//! `cargo bench --bench state` prints, per size, the resources, the bytes of
//! state written (documents and journal), drx's CPU time and the wall time,
//! each also per resource: the per-resource figures stay flat when the stack
//! doubles. Each size runs in a fresh process, so its CPU time is its own.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use drx::apply::{ApplyOptions, Event};
use drx::model::resources::{Attributes, Resolved, Resource};
use drx::model::{Applied, Provider, ProviderError, ResourceState};
use drx::state::{JournalRecord, LocalBackend, State, StateError, StateStore};

#[path = "shared/topology.rs"]
mod topology;

const SIZES: [usize; 2] = [50, 100];

/// Answers every call at once, with an output for everything a resource
/// type records.
struct Immediate;

fn applied(resource: &Resolved) -> Applied {
    let mut applied = Applied::new(format!("id-{}", resource.address));
    for output in resource.resource_type().outputs() {
        applied = applied.with(output, format!("{output}-of-{}", resource.address));
    }
    applied
}

impl Provider for Immediate {
    async fn create(
        &self,
        resource: &Resolved,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        Ok(applied(resource))
    }
    async fn update(
        &self,
        resource: &Resolved,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        Ok(applied(resource))
    }
    async fn delete(&self, _old: &ResourceState) -> Result<(), ProviderError> {
        Ok(())
    }
    async fn read(
        &self,
        _old: &ResourceState,
        recorded: Attributes,
    ) -> Result<Option<Attributes>, ProviderError> {
        Ok(Some(recorded))
    }
    async fn find(
        &self,
        _desired: &Resolved,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        Ok(None)
    }
    async fn import(&self, _desired: &Resource, _id: &str) -> Result<Option<Applied>, ProviderError> {
        Ok(None)
    }
    async fn account_id(&self) -> Result<String, ProviderError> {
        Ok("123456789012".into())
    }
}

/// The local store, counting the bytes it puts on disk.
struct Counting {
    inner: LocalBackend,
    bytes: Mutex<(u64, u64)>,
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

impl Counting {
    fn written(&self) -> u64 {
        self.bytes.lock().expect("lock").0
    }
}

impl StateStore for Counting {
    fn read(&self) -> Result<Option<State>, StateError> {
        self.inner.read()
    }
    fn write(&self, state: &State) -> Result<(), StateError> {
        self.inner.write(state)?;
        let journal = size(&self.inner.journal_path());
        let mut bytes = self.bytes.lock().expect("lock");
        bytes.0 += size(self.inner.path()) + journal;
        bytes.1 = journal;
        Ok(())
    }
    fn append(&self, record: &JournalRecord) -> Result<(), StateError> {
        self.inner.append(record)?;
        let journal = size(&self.inner.journal_path());
        let mut bytes = self.bytes.lock().expect("lock");
        bytes.0 += journal - bytes.1;
        bytes.1 = journal;
        Ok(())
    }
}

/// This process's CPU time so far (user + system), from /proc.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15; after the ")" they are 12 and 13.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn main() {
    let mut args = std::env::args().skip(1);
    if let Some("--size") = args.next().as_deref() {
        let size = args.next().and_then(|n| n.parse().ok()).expect("--size N");
        measure(size);
        return;
    }
    println!("copies  resources  phase     state written  per resource      CPU  per resource      wall");
    for size in SIZES {
        let output = std::process::Command::new(std::env::current_exe().expect("own path"))
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

fn row(copies: usize, resources: usize, phase: &str, bytes: u64, cpu: Duration, wall: Duration) {
    let n = resources.max(1) as u64;
    println!(
        "{copies:>6}  {resources:>9}  {phase:<8}  {:>10.1} MB  {:>9.2} KB  {:>5} ms  {:>9} µs  {:>6} ms",
        bytes as f64 / 1e6,
        bytes as f64 / n as f64 / 1e3,
        cpu.as_millis(),
        cpu.as_micros() as u64 / n,
        wall.as_millis()
    );
}

fn measure(copies: usize) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let base: PathBuf = dir.path().to_path_buf();
    std::fs::create_dir_all(base.join("code")).expect("code dir");
    std::fs::write(base.join("code/main.rs"), "fn main() {}").expect("code");
    let file = drx::syntax::parse(&topology::topology(copies)).expect("parses");
    let checked = drx::check::check(&file, &std::collections::BTreeMap::new());
    let topology = checked.topology.expect("checks");
    let plan = drx::plan::plan(&topology, &base, None).expect("plans");
    let resources = plan.desired.resources.len();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let options = ApplyOptions {
        parallelism: 10,
        cargo_profile: "release".into(),
        base: base.clone(),
    };
    let quiet = || Arc::new(|_: &Event| {});

    let store = Counting {
        inner: LocalBackend::new(base.join(".drx/bench.state.json")),
        bytes: Mutex::new((0, 0)),
    };
    let (cpu_before, wall_before) = (cpu(), Instant::now());
    let (state, report) = runtime.block_on(drx::apply::apply(
        &plan,
        State::new(&plan.stack),
        &store,
        Arc::new(Immediate),
        &options,
        quiet(),
        std::future::pending::<()>(),
    ));
    assert!(report.succeeded(), "apply: {:?}", report.failed.first());
    row(
        copies,
        resources,
        "apply",
        store.written(),
        cpu() - cpu_before,
        wall_before.elapsed(),
    );

    let destroy = drx::plan::destroy_plan(&plan.stack, &state);
    let before = store.written();
    let (cpu_before, wall_before) = (cpu(), Instant::now());
    let (state, report) = runtime.block_on(drx::apply::apply(
        &destroy,
        state,
        &store,
        Arc::new(Immediate),
        &options,
        quiet(),
        std::future::pending::<()>(),
    ));
    assert!(
        report.succeeded() && state.resources.is_empty(),
        "destroy: {:?}",
        report.failed.first()
    );
    row(
        copies,
        resources,
        "destroy",
        store.written() - before,
        cpu() - cpu_before,
        wall_before.elapsed(),
    );
}
