//! `drx plan`, `drx graph` and `drx show`.

use std::io::Write;
use std::path::Path;

use super::args::{GraphArgs, GraphFormat, PlanArgs, ShowArgs, StateArgs};
use super::load::{Loaded, load, read};
use super::{Outcome, Terminal};
use crate::check::{ProcessEnvironment, Topology};
use crate::diagnostic::{Diagnostic, Severity, render_terminal};
use crate::plan::{self, Plan, SavedPlan, render};
use crate::state::{LocalBackend, State};

/// Checks the file; on errors renders them and returns `None`.
pub(super) fn checked(path: &Path, terminal: &Terminal) -> Option<(Loaded, Topology)> {
    let loaded = match load(path, &ProcessEnvironment) {
        Ok(loaded) => loaded,
        Err(message) => {
            terminal.error(&message);
            return None;
        }
    };
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
        Some(topology) if !has_errors => Some((loaded, topology)),
        _ => None,
    }
}

pub(super) fn backend(args: &StateArgs, file: &Path, stack: &str) -> LocalBackend {
    match &args.state {
        Some(path) => LocalBackend::new(path.clone()),
        None => LocalBackend::beside(file, stack),
    }
}

/// Reads state under the lock (when asked), reporting errors.
fn read_state(
    args: &StateArgs,
    backend: &LocalBackend,
    operation: &str,
    terminal: &Terminal,
) -> Result<Option<State>, ()> {
    let lock = if args.lock {
        match backend.lock(operation) {
            Ok(lock) => Some(lock),
            Err(error) => {
                terminal.error(&error.to_string());
                return Err(());
            }
        }
    } else {
        None
    };
    let state = backend.read().map_err(|error| terminal.error(&error.to_string()));
    drop(lock);
    state
}

/// Plans a checked file against its state.
pub(super) fn make_plan(
    loaded: &Loaded,
    topology: &Topology,
    file: &Path,
    state: Option<&State>,
    terminal: &Terminal,
) -> Option<Plan> {
    let base = file.parent().unwrap_or_else(|| Path::new("."));
    match plan::plan(topology, base, state) {
        Ok(plan) => Some(plan),
        Err(errors) => {
            let diagnostics: Vec<Diagnostic> = errors.iter().map(Diagnostic::from).collect();
            eprint!(
                "{}",
                render_terminal(&loaded.source, &diagnostics, terminal.color)
            );
            None
        }
    }
}

pub(crate) fn run_plan(args: &PlanArgs, terminal: &Terminal) -> Outcome {
    let Some((loaded, topology)) = checked(&args.file, terminal) else {
        return Outcome::Failure;
    };
    let stack = plan::stack_name(&topology);
    let backend = backend(&args.state, &args.file, &stack);
    let Ok(mut state) = read_state(&args.state, &backend, "plan", terminal) else {
        return Outcome::Failure;
    };
    let mut drift = Vec::new();
    // Planning a stack that was never applied needs no AWS at all.
    if args.refresh && state.as_ref().is_some_and(|s| !s.resources.is_empty()) {
        let Some(runtime) = super::apply::runtime(terminal) else {
            return Outcome::Failure;
        };
        let aws = std::sync::Arc::new(crate::aws::Aws::new());
        match super::apply::refreshed(&runtime, state.clone(), aws, args.parallelism, terminal) {
            Ok(Some(refreshed)) => {
                drift = drift_json(&refreshed);
                state = Some(refreshed.state);
            }
            Ok(None) => {}
            Err(()) => return Outcome::Failure,
        }
    }
    let Some(plan) = make_plan(&loaded, &topology, &args.file, state.as_ref(), terminal) else {
        return Outcome::Failure;
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let _ = writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&with_drift(render::json(&plan), drift)).unwrap_or_default()
        );
    } else {
        let _ = write!(stdout, "{}", render::text(&plan));
    }
    if let Some(out) = &args.out {
        let saved = SavedPlan::new(
            plan.clone(),
            &loaded.source.name,
            &loaded.source.text,
            state.clone(),
        );
        if let Err(error) = saved.write(out) {
            terminal.error(&format!("cannot write {}: {error}", out.display()));
            return Outcome::Failure;
        }
        if !args.json {
            let _ = writeln!(
                stdout,
                "\nSaved the plan to {}; `drx apply {}` applies exactly it.",
                out.display(),
                out.display()
            );
        }
    }
    if args.detailed_exitcode && !plan.summary().is_empty() {
        return Outcome::Changes;
    }
    Outcome::Success
}

/// What changed outside drx, for `--json`: one entry per deleted resource
/// or changed setting.
fn drift_json(refreshed: &crate::apply::Refreshed) -> Vec<serde_json::Value> {
    let deleted = refreshed
        .missing
        .iter()
        .map(|address| serde_json::json!({ "address": address, "deleted": true }));
    let changed = refreshed.drift.iter().map(|drift| {
        serde_json::json!({
            "address": drift.address,
            "attribute": drift.attribute,
            "last_applied": drift.recorded,
            "actual": drift.actual,
        })
    });
    deleted.chain(changed).collect()
}

fn with_drift(mut document: serde_json::Value, drift: Vec<serde_json::Value>) -> serde_json::Value {
    if let Some(object) = document.as_object_mut() {
        object.insert("drift".into(), serde_json::Value::Array(drift));
    }
    document
}

pub(crate) fn run_graph(args: &GraphArgs, terminal: &Terminal) -> Outcome {
    let Some((loaded, topology)) = checked(&args.file, terminal) else {
        return Outcome::Failure;
    };
    // The graph is of what the file asks for, whatever has been applied.
    let Some(plan) = make_plan(&loaded, &topology, &args.file, None, terminal) else {
        return Outcome::Failure;
    };
    let text = match args.format {
        GraphFormat::Dot => render::dot(&plan),
        GraphFormat::Mermaid => render::mermaid(&plan),
    };
    print!("{text}");
    Outcome::Success
}

pub(crate) fn run_show(args: &ShowArgs, terminal: &Terminal) -> Outcome {
    let saved = match SavedPlan::read(&args.plan) {
        Ok(saved) => saved,
        Err(error) => {
            terminal.error(&error.to_string());
            return Outcome::Failure;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let _ = writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&render::json(&saved.plan)).unwrap_or_default()
        );
    } else {
        let _ = write!(stdout, "{}", render::text(&saved.plan));
    }
    // The plan is current only if neither its file nor its state moved on.
    let source_path = Path::new(&saved.source_file);
    let source = match read(source_path) {
        Ok(source) => source,
        Err(message) => {
            terminal.error(&message);
            return Outcome::Failure;
        }
    };
    let backend = backend(&args.state, source_path, &saved.plan.stack);
    let Ok(state) = read_state(&args.state, &backend, "show", terminal) else {
        return Outcome::Failure;
    };
    match saved.check_fresh(&source.text, state.as_ref()) {
        Ok(()) => {
            let _ = writeln!(stdout, "\nThis plan is current: it can be applied.");
            Outcome::Success
        }
        Err(stale) => {
            terminal.error(&format!("this plan is stale and would be refused: {stale}"));
            Outcome::Failure
        }
    }
}
