//! `drx apply`, `drx destroy` and `drx output`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use super::args::{ApplyArgs, DestroyArgs, OutputArgs};
use super::backend::{Backend, HeldLock};
use super::cli_error::CliError;
use super::confirm::confirm;
use super::load::read;
use super::prepare::{Locking, Prepared, backend, base_of, declared_state, read_noted, runtime};
use super::{Outcome, Terminal};
use crate::apply::{ApplyOptions, ApplyReport, Event, Listener};
use crate::aws::Aws;
use crate::plan::{self, Plan, SavedPlan, render};
use crate::state::{State, StateStore};

fn refuse_data_loss(plan: &Plan, allowed: bool) -> Result<(), CliError> {
    let losing: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.destroys_data)
        .map(|c| c.address.as_str())
        .collect();
    if losing.is_empty() {
        return Ok(());
    }
    if allowed {
        // Deletion protection stands between a table and its deletion; the
        // user allowed the loss, so it is lifted, and they are told.
        for change in plan.changes.iter().filter(|c| c.destroys_data) {
            let protected = change
                .attributes
                .iter()
                .any(|a| a.name == "deletion_protection" && a.before == Some(serde_json::Value::Bool(true)));
            if protected {
                eprintln!(
                    "note: {} is protected against deletion; drx turns the protection off just before deleting it (--allow-data-loss)",
                    change.address
                );
            }
        }
        return Ok(());
    }
    Err(CliError::message(format!(
        "refusing to destroy the data in {}; pass --allow-data-loss if that is what you want",
        losing.join(", ")
    )))
}

/// How apply reports progress: a progress bar on a terminal, one line per
/// event otherwise (logs, CI).
fn listener(plan: &Plan) -> Listener {
    if !std::io::stderr().is_terminal() {
        return Arc::new(|event: &Event| eprintln!("{event}"));
    }
    let steps: usize = plan
        .changes
        .iter()
        .map(|change| match change.action {
            crate::plan::Action::NoOp => 0,
            crate::plan::Action::Replace => 2,
            _ => 1,
        })
        .sum();
    let bar = indicatif::ProgressBar::new(steps as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Arc::new(move |event: &Event| {
        use crate::apply::EventKind;
        match &event.kind {
            EventKind::Started(_) => bar.set_message(event.to_string()),
            EventKind::Done { .. } | EventKind::Skipped(_) | EventKind::Failed(_) => {
                bar.inc(1);
                bar.println(event.to_string());
                if bar.position() >= bar.length().unwrap_or(0) {
                    bar.finish_and_clear();
                }
            }
            EventKind::Retrying { .. } => bar.println(event.to_string()),
        }
    })
}

/// Completes on Ctrl-C; never, where the signal cannot be listened for.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn summarize(report: &ApplyReport, what: &str) -> Result<Outcome, CliError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout)?;
    if report.succeeded() {
        writeln!(
            stdout,
            "{what} complete: {} created, {} updated, {} deleted.",
            report.created.len(),
            report.updated.len(),
            report.deleted.len()
        )?;
        return Ok(Outcome::Success);
    }
    writeln!(
        stdout,
        "{what} {}: {} created, {} updated, {} deleted, {} failed, {} skipped.",
        if report.interrupted {
            "interrupted"
        } else {
            "incomplete"
        },
        report.created.len(),
        report.updated.len(),
        report.deleted.len(),
        report.failed.len(),
        report.skipped.len()
    )?;
    for (address, error) in &report.failed {
        writeln!(stdout, "  failed: {address}: {error}")?;
    }
    for address in &report.skipped {
        writeln!(stdout, "  skipped: {address}")?;
    }
    writeln!(
        stdout,
        "State records everything that was done; run the same command again to finish."
    )?;
    Ok(Outcome::Failure)
}

/// What an apply works from: a saved plan, or the file planned now.
struct Ready {
    plan: Plan,
    /// Held until the apply has written its last state; released before
    /// the backend goes (fields drop in order).
    _lock: HeldLock,
    backend: Backend,
    /// Where function code paths start.
    base: std::path::PathBuf,
    state: Option<State>,
    /// Reconciliation changed the state (adopted or dropped a pending
    /// operation): it is saved even when there is nothing to apply.
    reconciled: bool,
}

/// A saved plan, checked to be current, with the state it was made against.
fn from_saved_plan(args: &ApplyArgs) -> Result<Ready, CliError> {
    let saved = SavedPlan::read(&args.target).map_err(|error| CliError::message(error.to_string()))?;
    let source_path = Path::new(&saved.source_file).to_path_buf();
    let source = read(&source_path)?;
    let declared = declared_state(&source_path);
    let backend = backend(&args.state, &source_path, &saved.plan.stack, declared.as_ref())?;
    let lock = backend.lock("apply", args.state.lock_timeout)?;
    let state = read_noted(&backend)?;
    if let Err(stale) = saved.check_fresh(&source.text, state.as_ref()) {
        return Err(CliError::message(format!("refusing a stale plan: {stale}")));
    }
    let state = saved.starting_state(state);
    Ok(Ready {
        plan: saved.plan,
        backend,
        base: base_of(&source_path),
        state,
        reconciled: false,
        _lock: lock,
    })
}

/// The file, checked, refreshed when asked and planned.
fn from_file(
    args: &ApplyArgs,
    runtime: &tokio::runtime::Runtime,
    aws: &Arc<Aws>,
    terminal: &Terminal,
) -> Result<Ready, CliError> {
    let mut prepared = Prepared::new(&args.target, &args.state, "apply", Locking::Hold, terminal)?;
    let mut reconciled = false;
    if args.refresh {
        reconciled = prepared.reconcile(runtime, aws.clone(), terminal)?;
        prepared.refresh(runtime, aws.clone(), args.parallelism)?;
    }
    let plan = prepared.plan(&args.replace, terminal)?;
    let base = prepared.base();
    let lock = prepared
        .lock
        .take()
        .ok_or_else(|| CliError::message("the state lock was not held"))?;
    Ok(Ready {
        plan,
        backend: prepared.backend,
        base,
        state: prepared.state,
        reconciled,
        _lock: lock,
    })
}

pub(crate) fn run_apply(args: &ApplyArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let runtime = runtime()?;
    let aws = Arc::new(Aws::new());
    let is_saved_plan = args.target.extension().is_some_and(|e| e == "json");
    if args.refresh_only {
        if is_saved_plan {
            return Err(CliError::message(
                "--refresh-only reads AWS now; it takes the .drx file, not a saved plan",
            ));
        }
        let mut prepared = Prepared::new(&args.target, &args.state, "apply", Locking::Hold, terminal)?;
        let auto_approve = args.auto_approve;
        let ask = move || confirm("Record these in the state?", auto_approve);
        return super::plan::refresh_only(&mut prepared, args.parallelism, Some(&ask));
    }
    if is_saved_plan && !args.replace.is_empty() {
        return Err(CliError::message(
            "--replace changes the plan; give it to `drx plan -o`, not to the saved plan",
        ));
    }
    let ready = if is_saved_plan {
        from_saved_plan(args)?
    } else {
        from_file(args, &runtime, &aws, terminal)?
    };
    let plan = &ready.plan;
    write!(std::io::stdout().lock(), "{}", render::text(plan))?;
    if plan.summary().is_empty() {
        if let (true, Some(state)) = (ready.reconciled, &ready.state) {
            let mut state = state.clone();
            state.serial += 1;
            ready.backend.write(&state)?;
        }
        return Ok(Outcome::Success);
    }
    refuse_data_loss(plan, args.allow_data_loss)?;
    confirm("Apply these changes?", args.auto_approve)?;
    let options = ApplyOptions {
        parallelism: args.parallelism,
        cargo_profile: args.cargo_profile.clone(),
        base: ready.base.clone(),
    };
    let state = ready.state.clone().unwrap_or_else(|| State::new(&plan.stack));
    let (_, report) = runtime.block_on(crate::apply::apply(
        plan,
        state,
        &ready.backend,
        aws,
        &options,
        listener(plan),
        interrupted(),
    ));
    summarize(&report, "Apply")
}

pub(crate) fn run_destroy(args: &DestroyArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(&args.file, &args.state, "destroy", Locking::Hold, terminal)?;
    let stack = &prepared.stack;
    let Some(state) = prepared.state.clone().filter(|s| !s.resources.is_empty()) else {
        writeln!(
            std::io::stdout().lock(),
            "Nothing to destroy: stack {stack} has no resources."
        )?;
        return Ok(Outcome::Success);
    };
    let plan = plan::destroy_plan(stack, &state);
    write!(std::io::stdout().lock(), "{}", render::text(&plan))?;
    refuse_data_loss(&plan, args.allow_data_loss)?;
    confirm(
        &format!("Destroy every resource of stack {stack}?"),
        args.auto_approve,
    )?;
    let runtime = runtime()?;
    let options = ApplyOptions {
        parallelism: args.parallelism,
        cargo_profile: "release".into(),
        base: prepared.base(),
    };
    let (_, report) = runtime.block_on(crate::apply::apply(
        &plan,
        state,
        &prepared.backend,
        Arc::new(Aws::new()),
        &options,
        listener(&plan),
        interrupted(),
    ));
    summarize(&report, "Destroy")
}

pub(crate) fn run_output(args: &OutputArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(&args.file, &args.state, "output", Locking::Never, terminal)?;
    let Some(state) = prepared.state else {
        return Err(CliError::message(format!(
            "stack {} has not been applied: no outputs yet",
            prepared.stack
        )));
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&state.outputs).unwrap_or_default()
        )?;
    } else {
        for (name, value) in &state.outputs {
            writeln!(
                stdout,
                "{name} = {}",
                serde_json::to_string_pretty(value).unwrap_or_default()
            )?;
        }
    }
    Ok(Outcome::Success)
}
