//! What the commands that plan prepare alike: the file loaded and checked,
//! the state store and its lock, the state read and refreshed, the plan.
//! `plan`, `apply` and `destroy` all start here, so none imports another.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Terminal;
use super::args::StateArgs;
use super::backend::{Backend, HeldLock};
use super::cli_error::CliError;
use super::load::{Loaded, load};
use crate::apply::{Refreshed, refresh};
use crate::aws::Aws;
use crate::check::{ProcessEnvironment, Topology};
use crate::diagnostic::{Diagnostic, Severity, render_terminal};
use crate::plan::{self, Plan};
use crate::state::{State, StateStore};

/// A checked file and its stack's state, ready to plan.
pub(super) struct Prepared {
    pub loaded: Loaded,
    pub topology: Topology,
    pub file: PathBuf,
    pub stack: String,
    /// Held for the command's life when it was taken. Before the backend, so
    /// that it is released first (fields drop in order) while the backend
    /// finishes tidying what it compacted.
    pub lock: Option<HeldLock>,
    pub backend: Backend,
    pub state: Option<State>,
}

/// Whether a command takes the state lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Locking {
    /// Held until the command ends: it writes state.
    Hold,
    /// Taken to read, when `--lock` says so, then let go.
    Read,
    /// Not taken: the command only reads what the last writer finished.
    Never,
}

impl Prepared {
    /// Loads and checks `file`, then reads its stack's state under the lock.
    pub(super) fn new(
        file: &Path,
        state: &StateArgs,
        operation: &str,
        locking: Locking,
        terminal: &Terminal,
    ) -> Result<Prepared, CliError> {
        let (loaded, topology) = checked(file, terminal)?;
        let stack = plan::stack_name(&topology);
        let backend = backend(state, file, &stack, topology.state.as_ref())?;
        let take = locking == Locking::Hold || (locking == Locking::Read && state.lock);
        let lock = if take {
            Some(backend.lock(operation, state.lock_timeout)?)
        } else {
            None
        };
        let recorded = read_noted(&backend)?;
        // A lock taken only to read is let go once the state is read.
        let lock = lock.filter(|_| locking == Locking::Hold);
        Ok(Prepared {
            loaded,
            topology,
            file: file.to_path_buf(),
            stack,
            backend,
            lock,
            state: recorded,
        })
    }

    /// The directory of the file, where code paths start.
    pub(super) fn base(&self) -> PathBuf {
        base_of(&self.file)
    }

    /// Replaces the state with what AWS has now, saying what drifted.
    pub(super) fn refresh(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        aws: Arc<Aws>,
        parallelism: usize,
    ) -> Result<Option<Refreshed>, CliError> {
        let refreshed = refreshed(runtime, self.state.clone(), aws, parallelism)?;
        if let Some(refreshed) = &refreshed {
            self.state = Some(refreshed.state.clone());
        }
        Ok(refreshed)
    }

    /// Resolves what an interrupted apply left pending against AWS (creates
    /// AWS did are adopted), saying what it found; whether the state changed.
    pub(super) fn reconcile(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        aws: Arc<Aws>,
        terminal: &Terminal,
    ) -> Result<bool, CliError> {
        let Some(state) = self.state.as_mut().filter(|s| !s.pending.is_empty()) else {
            return Ok(false);
        };
        let before = state.pending.len();
        // Planning reads the recorded resources, not what is pending.
        let plan = plan::plan(&self.topology, &base_of(&self.file), Some(&*state))
            .map_err(|errors| reported(&self.loaded, &errors, terminal))?;
        let reconciled = runtime.block_on(crate::apply::reconcile(&plan, state, aws));
        for (address, id) in &reconciled.adopted {
            eprintln!("note: {address} adopted after an interrupted apply: AWS had made it ({id})");
        }
        for address in &reconciled.not_found {
            eprintln!("note: {address} was not made by the interrupted apply; it is planned as a create");
        }
        for (address, why) in &reconciled.unresolved {
            eprintln!("note: {address} is still pending: {why}");
        }
        Ok(state.pending.len() != before)
    }

    /// Plans the file against the state, replacing `replace` (addresses
    /// the state must record).
    pub(super) fn plan(&self, replace: &[String], terminal: &Terminal) -> Result<Plan, CliError> {
        let recorded: Vec<&str> = self
            .state
            .iter()
            .flat_map(|state| state.resources.iter().map(|r| r.address.as_str()))
            .collect();
        for address in replace {
            if !recorded.contains(&address.as_str()) {
                let hint = crate::suggest::did_you_mean(address, recorded.iter().copied())
                    .map(|close| format!("; did you mean `{close}`?"))
                    .unwrap_or_else(|| "; `drx state list` shows what is recorded".into());
                return Err(CliError::message(format!(
                    "--replace {address}: the state records no such resource{hint}"
                )));
            }
        }
        let options = plan::PlanOptions {
            replace: replace.to_vec(),
        };
        plan::plan_with(
            &self.topology,
            &base_of(&self.file),
            self.state.as_ref(),
            &options,
        )
        .map_err(|errors| reported(&self.loaded, &errors, terminal))
    }
}

/// The directory a .drx file is in.
pub(super) fn base_of(file: &Path) -> PathBuf {
    file.parent().unwrap_or_else(|| Path::new(".")).to_path_buf()
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Runtime::new()
        .map_err(|e| CliError::message(format!("cannot start the async runtime: {e}")))
}

/// Checks the file, rendering what it finds; errors stop here.
pub(super) fn checked(path: &Path, terminal: &Terminal) -> Result<(Loaded, Topology), CliError> {
    let loaded = load(path, &ProcessEnvironment)?;
    if !loaded.diagnostics.is_empty() {
        eprint!(
            "{}",
            render_terminal(&loaded.source, &loaded.diagnostics, terminal.color)
        );
    }
    let topology = loaded
        .checked
        .as_ref()
        .and_then(|checked| checked.topology.clone());
    let has_errors = loaded.diagnostics.iter().any(|d| d.severity == Severity::Error);
    match topology {
        Some(topology) if !has_errors => Ok((loaded, topology)),
        _ => Err(CliError::Reported),
    }
}

/// Where the file at `path` declares its state, if it does and still checks:
/// what a saved plan's apply needs, without reporting the file again.
pub(super) fn declared_state(path: &Path) -> Option<crate::state::Location> {
    load(path, &ProcessEnvironment).ok()?.checked?.topology?.state
}

/// The state store `--state` names, else the one the file declares, else
/// the one beside `file`.
pub(super) fn backend(
    args: &StateArgs,
    file: &Path,
    stack: &str,
    declared: Option<&crate::state::Location>,
) -> Result<Backend, CliError> {
    let location = args.state.as_ref().or(declared);
    // A path the file declares is relative to the file, as code paths are.
    let location = match location {
        Some(crate::state::Location::Local(path)) if args.state.is_none() && path.is_relative() => {
            Some(crate::state::Location::Local(base_of(file).join(path)))
        }
        other => other.cloned(),
    };
    Ok(Backend::open(location.as_ref(), file, stack)?)
}

/// Reads state under the lock (when `--lock` asks), then lets the lock go.
pub(super) fn read_state(
    args: &StateArgs,
    backend: &Backend,
    operation: &str,
) -> Result<Option<State>, CliError> {
    let lock = if args.lock {
        Some(backend.lock(operation, args.lock_timeout)?)
    } else {
        None
    };
    let state = read_noted(backend)?;
    drop(lock);
    Ok(state)
}

/// The state, with a note of what a journal an interrupted command left
/// brought back and which operations it left unfinished.
pub(super) fn read_noted(backend: &Backend) -> Result<Option<State>, CliError> {
    let state = backend.read()?;
    note_recovery(backend, state.as_ref());
    Ok(state)
}

fn note_recovery(backend: &Backend, state: Option<&State>) {
    if let Some(recovery) = backend.recovered() {
        eprintln!(
            "note: recovered {} operation{} from the journal of an interrupted command ({}){}",
            recovery.replayed,
            if recovery.replayed == 1 { "" } else { "s" },
            backend.journal_location(),
            if recovery.torn {
                "; its last record was cut short by the interruption and was dropped"
            } else {
                ""
            }
        );
    }
    if let Some(drill) = state.and_then(|s| s.drill.as_ref()) {
        eprintln!(
            "warning: a drill of {} started {} by {} is under way or was cut short ({:?}): {} in {} may refuse work (reserved concurrency 0) and {} canaries may remain; if no drx is running it, `drx drill --restore FILE` puts the stack back",
            drill.failover,
            drill.started,
            drill.by,
            drill.phase,
            drill.function,
            drill.region,
            drill.canaries.len()
        );
    }
    // An apply records every step's intent at its start, so one interrupted
    // early leaves many: a few are named, the rest counted.
    const NAMED: usize = 5;
    let pending = state.map_or(&[][..], |s| s.pending.as_slice());
    for pending in pending.iter().take(NAMED) {
        eprintln!(
            "note: {} of {} was started by an interrupted apply and never seen to finish; AWS may have done it",
            pending.operation, pending.address
        );
    }
    if pending.len() > NAMED {
        eprintln!(
            "note: and {} more operations of the interrupted apply; each create is looked up in AWS before planning",
            pending.len() - NAMED
        );
    }
}

/// Plans a checked file against its state.
pub(super) fn make_plan(
    loaded: &Loaded,
    topology: &Topology,
    file: &Path,
    state: Option<&State>,
    terminal: &Terminal,
) -> Result<Plan, CliError> {
    plan::plan(topology, &base_of(file), state).map_err(|errors| reported(loaded, &errors, terminal))
}

/// Renders what stopped a plan against the file's source.
fn reported(loaded: &Loaded, errors: &[plan::PlanError], terminal: &Terminal) -> CliError {
    let diagnostics: Vec<Diagnostic> = errors.iter().map(Diagnostic::from).collect();
    eprint!(
        "{}",
        render_terminal(&loaded.source, &diagnostics, terminal.color)
    );
    CliError::Reported
}

/// The state as AWS has it now, with what changed outside drx said as drift.
/// `None` when there is nothing recorded to read.
pub(super) fn refreshed(
    runtime: &tokio::runtime::Runtime,
    state: Option<State>,
    aws: Arc<Aws>,
    parallelism: usize,
) -> Result<Option<Refreshed>, CliError> {
    let Some(recorded) = state.filter(|s| !s.resources.is_empty()) else {
        return Ok(None);
    };
    let refreshed = runtime.block_on(refresh(&recorded, aws, parallelism));
    if !refreshed.errors.is_empty() {
        let lines: Vec<String> = refreshed
            .errors
            .iter()
            .map(|(address, error)| {
                format!("cannot read {address} back from AWS: {error} (use --refresh false to skip reading)")
            })
            .collect();
        return Err(CliError::message(lines.join("\nerror: ")));
    }
    for address in &refreshed.missing {
        eprintln!("drift: {address} no longer exists in AWS; it will be created again");
    }
    for drift in &refreshed.drift {
        let (actual, recorded) = (compact(&drift.actual), compact(&drift.recorded));
        // A policy or a list of rules does not fit a line; the plan shows it.
        if actual.len() + recorded.len() > 100 {
            eprintln!(
                "drift: {} {} changed outside drx (the plan shows how)",
                drift.address, drift.attribute
            );
        } else {
            eprintln!(
                "drift: {} {} is {actual} in AWS, {recorded} as last applied",
                drift.address, drift.attribute
            );
        }
    }
    Ok(Some(refreshed))
}

/// A value on one line: text bare, anything else as JSON.
fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => format!("{text:?}"),
        serde_json::Value::Null => "unset".into(),
        other => other.to_string(),
    }
}
