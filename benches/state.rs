//! What state costs as a stack grows: apply and destroy of 50 and 100 copies
//! of the reference system through the real executor and the real local state
//! store (journal and compaction).
//!
//! `cargo bench --bench state` runs against a provider that answers at once,
//! so what is measured is drx's own bookkeeping. With the emulator running
//! (`scripts/emulator start && eval "$(scripts/emulator env)"`),
//! `cargo bench --bench state -- --emulator` applies and destroys the same
//! stacks through the AWS SDK against it (`--sizes 10,20` for smaller ones).
//! Either prints, per size, the resources, the bytes of state written
//! (documents and journal), drx's CPU time and the wall time, each also per
//! resource: the per-resource figures stay flat when the stack doubles. Each
//! size runs in a fresh process, so its CPU time is its own.

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let emulator = args.iter().any(|a| a == "--emulator");
    if let Some(size) = value("--size") {
        let size = size.parse().expect("--size N");
        if emulator {
            measure(size, Arc::new(drx::aws::Aws::new()), &unique_suffix());
        } else {
            measure(size, Arc::new(Immediate), "");
        }
        return;
    }
    if emulator && std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        eprintln!(
            "--emulator needs the emulator: scripts/emulator start && eval \"$(scripts/emulator env)\""
        );
        std::process::exit(2);
    }
    let sizes: Vec<usize> = value("--sizes").map_or(SIZES.to_vec(), |list| {
        list.split(',')
            .map(|n| n.trim().parse().expect("--sizes 50,100"))
            .collect()
    });
    println!(
        "{}",
        if emulator {
            "against the emulator, through the AWS SDK"
        } else {
            "against a provider that answers at once"
        }
    );
    println!("copies  resources  phase     state written  per resource      CPU  per resource      wall");
    for size in sizes {
        let mut child = std::process::Command::new(std::env::current_exe().expect("own path"));
        child.args(["--size", &size.to_string()]);
        if emulator {
            // A caller of its own: the emulator's counts and faults are
            // this run's alone.
            child
                .arg("--emulator")
                .env(
                    "AWS_ACCESS_KEY_ID",
                    format!("AKIABENCH{}", unique_suffix().to_uppercase()),
                )
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_REGION", "us-east-1");
        }
        let output = child.output().expect("run child");
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

/// Six characters no other run has used: the stack's names carry them, so
/// runs against one emulator do not collide.
fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut n = (nanos as u64) ^ (u64::from(std::process::id()) << 20);
    let mut text = String::new();
    for _ in 0..6 {
        text.push(char::from(
            b"abcdefghijklmnopqrstuvwxyz0123456789"[(n % 36) as usize],
        ));
        n /= 36;
    }
    text
}

fn measure<P: Provider>(copies: usize, provider: Arc<P>, suffix: &str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let base: PathBuf = dir.path().to_path_buf();
    std::fs::create_dir_all(base.join("code")).expect("code dir");
    std::fs::write(base.join("code/main.rs"), "fn main() {}").expect("code");
    let text = topology::topology(copies).replace("{region}-b\"", &format!("{{region}}-b{suffix}\""));
    let file = drx::syntax::parse(&text).expect("parses");
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
        provider.clone(),
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
        provider,
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
