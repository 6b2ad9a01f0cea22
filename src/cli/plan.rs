//! `drx plan`, `drx graph` and `drx show`.

use std::io::Write;
use std::path::Path;

use super::args::{GraphArgs, GraphFormat, PlanArgs, ShowArgs};
use super::cli_error::CliError;
use super::load::read;
use super::prepare::{Locking, Prepared, backend, checked, declared_state, make_plan, read_state, runtime};
use super::{Outcome, Terminal};
use crate::apply::Refreshed;
use crate::plan::{SavedPlan, render};
use crate::state::StateStore;

pub(crate) fn run_plan(args: &PlanArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let mut prepared = Prepared::new(&args.file, &args.state, "plan", Locking::Read, terminal)?;
    if args.refresh_only {
        return refresh_only(&mut prepared, args.parallelism, None);
    }
    let mut drift = Vec::new();
    // Planning a stack that was never applied needs no AWS at all.
    if args.refresh
        && prepared
            .state
            .as_ref()
            .is_some_and(|s| !s.resources.is_empty() || !s.pending.is_empty())
    {
        let runtime = runtime()?;
        let aws = std::sync::Arc::new(crate::aws::Aws::new());
        // Pending operations first: an adopted resource's outputs are what
        // the refresh of what reads it needs.
        let _ = prepared.reconcile(&runtime, aws.clone(), terminal)?;
        if let Some(refreshed) = prepared.refresh(&runtime, aws, args.parallelism)? {
            drift = drift_json(&refreshed);
        }
    }
    let plan = prepared.plan(&args.replace, terminal)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&with_drift(render::json(&plan), drift)).unwrap_or_default()
        )?;
    } else {
        write!(stdout, "{}", render::text(&plan))?;
    }
    if let Some(out) = &args.out {
        let source = &prepared.loaded.source;
        let saved = SavedPlan::new(plan.clone(), &source.name, &source.text, prepared.state.clone());
        saved
            .write(out)
            .map_err(|error| CliError::message(format!("cannot write {}: {error}", out.display())))?;
        if !args.json {
            writeln!(
                stdout,
                "\nSaved the plan to {}; `drx apply {}` applies exactly it.",
                out.display(),
                out.display()
            )?;
        }
    }
    if args.detailed_exitcode && !plan.summary().is_empty() {
        return Ok(Outcome::Changes);
    }
    Ok(Outcome::Success)
}

/// `--refresh-only`: reads every recorded resource back and says what the
/// state would record; with `confirm`, asks (or takes `--auto-approve`) and
/// records it. No resource is changed.
pub(super) fn refresh_only(
    prepared: &mut Prepared,
    parallelism: usize,
    confirm: Option<&dyn Fn() -> Result<(), CliError>>,
) -> Result<Outcome, CliError> {
    let runtime = runtime()?;
    let aws = std::sync::Arc::new(crate::aws::Aws::new());
    let before = prepared.state.clone();
    let Some(refreshed) = prepared.refresh(&runtime, aws, parallelism)? else {
        writeln!(std::io::stdout().lock(), "Nothing recorded to read back.")?;
        return Ok(Outcome::Success);
    };
    let mut stdout = std::io::stdout().lock();
    let (changed, gone) = (refreshed.drift.len(), refreshed.missing.len());
    if changed + gone == 0 {
        writeln!(
            stdout,
            "No drift: AWS matches the state ({} resources).",
            refreshed.state.resources.len()
        )?;
        return Ok(Outcome::Success);
    }
    let Some(confirm) = confirm else {
        writeln!(
            stdout,
            "\n--refresh-only: the state would record {changed} setting{} as AWS has {} and forget {gone} \
             resource{} deleted outside drx; no resource is changed. `drx apply --refresh-only` records it.",
            if changed == 1 { "" } else { "s" },
            if changed == 1 { "it" } else { "them" },
            if gone == 1 { "" } else { "s" },
        )?;
        return Ok(Outcome::Success);
    };
    drop(stdout);
    confirm()?;
    let mut state = refreshed.state;
    state.serial = before.map_or(0, |s| s.serial) + 1;
    prepared.backend.write(&state)?;
    writeln!(
        std::io::stdout().lock(),
        "Refresh complete: recorded {changed} setting{} as AWS has {}, forgot {gone} resource{}; no resource was changed.",
        if changed == 1 { "" } else { "s" },
        if changed == 1 { "it" } else { "them" },
        if gone == 1 { "" } else { "s" },
    )?;
    Ok(Outcome::Success)
}

/// What changed outside drx, for `--json`: one entry per deleted resource
/// or changed setting.
fn drift_json(refreshed: &Refreshed) -> Vec<serde_json::Value> {
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

pub(crate) fn run_graph(args: &GraphArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let (loaded, topology) = checked(&args.file, terminal)?;
    // The graph is of what the file asks for, whatever has been applied.
    let plan = make_plan(&loaded, &topology, &args.file, None, terminal)?;
    let text = match args.format {
        GraphFormat::Dot => render::dot(&plan),
        GraphFormat::Mermaid => render::mermaid(&plan),
    };
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(Outcome::Success)
}

pub(crate) fn run_show(args: &ShowArgs, _terminal: &Terminal) -> Result<Outcome, CliError> {
    let saved = SavedPlan::read(&args.plan).map_err(|error| CliError::message(error.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&render::json(&saved.plan)).unwrap_or_default()
        )?;
    } else {
        write!(stdout, "{}", render::text(&saved.plan))?;
    }
    // The plan is current only if neither its file nor its state moved on.
    let source_path = Path::new(&saved.source_file);
    let source = read(source_path)?;
    let declared = declared_state(source_path);
    let backend = backend(&args.state, source_path, &saved.plan.stack, declared.as_ref())?;
    let state = read_state(&args.state, &backend, "show")?;
    match saved.check_fresh(&source.text, state.as_ref()) {
        Ok(()) => {
            writeln!(stdout, "\nThis plan is current: it can be applied.")?;
            Ok(Outcome::Success)
        }
        Err(stale) => Err(CliError::message(format!(
            "this plan is stale and would be refused: {stale}"
        ))),
    }
}
