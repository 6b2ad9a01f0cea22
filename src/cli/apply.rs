//! `drx apply`, `drx destroy` and `drx output`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use super::args::{ApplyArgs, DestroyArgs, OutputArgs};
use super::load::read;
use super::plan::{backend, checked, make_plan};
use super::{Outcome, Terminal};
use crate::apply::{ApplyOptions, ApplyReport, Event, Refreshed, refresh};
use crate::aws::Aws;
use crate::plan::{self, Plan, SavedPlan, render};
use crate::state::{LocalBackend, Lock, State};

pub(super) fn runtime(terminal: &Terminal) -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new()
        .map_err(|e| terminal.error(&format!("cannot start the async runtime: {e}")))
        .ok()
}

/// Asks on a terminal; refuses without one unless approved beforehand.
fn confirm(question: &str, auto_approve: bool, terminal: &Terminal) -> bool {
    if auto_approve {
        return true;
    }
    if !std::io::stdin().is_terminal() {
        terminal.error("not a terminal, so nobody can confirm: pass --auto-approve to proceed");
        return false;
    }
    eprint!("\n{question} Only 'yes' is accepted: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if answer.trim() == "yes" {
        true
    } else {
        eprintln!("Cancelled; nothing was changed.");
        false
    }
}

fn refuse_data_loss(plan: &Plan, allowed: bool, terminal: &Terminal) -> bool {
    let losing: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.destroys_data)
        .map(|c| c.address.as_str())
        .collect();
    if losing.is_empty() || allowed {
        return false;
    }
    terminal.error(&format!(
        "refusing to destroy the data in {}; pass --allow-data-loss if that is what you want",
        losing.join(", ")
    ));
    true
}

/// The state as AWS has it now, with what changed outside drx said as drift.
pub(super) fn refreshed(
    runtime: &tokio::runtime::Runtime,
    state: Option<State>,
    aws: Arc<Aws>,
    parallelism: usize,
    terminal: &Terminal,
) -> Result<Option<Refreshed>, ()> {
    let Some(recorded) = state.filter(|s| !s.resources.is_empty()) else {
        return Ok(None);
    };
    let refreshed = runtime.block_on(refresh(&recorded, aws, parallelism));
    for (address, error) in &refreshed.errors {
        terminal.error(&format!(
            "cannot read {address} back from AWS: {error} (use --refresh false to skip reading)"
        ));
    }
    if !refreshed.errors.is_empty() {
        return Err(());
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

/// How apply reports progress: a progress bar on a terminal, one line per
/// event otherwise (logs, CI).
fn listener(plan: &Plan) -> Arc<dyn Fn(&Event) + Send + Sync> {
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

fn summarize(report: &ApplyReport, what: &str) -> Outcome {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout);
    if report.succeeded() {
        let _ = writeln!(
            stdout,
            "{what} complete: {} created, {} updated, {} deleted.",
            report.created.len(),
            report.updated.len(),
            report.deleted.len()
        );
        return Outcome::Success;
    }
    let _ = writeln!(
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
    );
    for (address, error) in &report.failed {
        let _ = writeln!(stdout, "  failed: {address}: {error}");
    }
    for address in &report.skipped {
        let _ = writeln!(stdout, "  skipped: {address}");
    }
    let _ = writeln!(
        stdout,
        "State records everything that was done; run the same command again to finish."
    );
    Outcome::Failure
}

fn lock(backend: &LocalBackend, operation: &str, terminal: &Terminal) -> Option<Lock> {
    backend
        .lock(operation)
        .map_err(|error| terminal.error(&error.to_string()))
        .ok()
}

pub(crate) fn run_apply(args: &ApplyArgs, terminal: &Terminal) -> Outcome {
    let is_saved_plan = args.target.extension().is_some_and(|e| e == "json");
    let Some(runtime) = runtime(terminal) else {
        return Outcome::Failure;
    };
    let aws = Arc::new(Aws::new());

    let (plan, backend, base, state, _lock) = if is_saved_plan {
        let saved = match SavedPlan::read(&args.target) {
            Ok(saved) => saved,
            Err(error) => {
                terminal.error(&error.to_string());
                return Outcome::Failure;
            }
        };
        let source_path = Path::new(&saved.source_file).to_path_buf();
        let source = match read(&source_path) {
            Ok(source) => source,
            Err(message) => {
                terminal.error(&message);
                return Outcome::Failure;
            }
        };
        let backend = backend(&args.state, &source_path, &saved.plan.stack);
        let Some(lock) = lock(&backend, "apply", terminal) else {
            return Outcome::Failure;
        };
        let state = match backend.read() {
            Ok(state) => state,
            Err(error) => {
                terminal.error(&error.to_string());
                return Outcome::Failure;
            }
        };
        if let Err(stale) = saved.check_fresh(&source.text, state.as_ref()) {
            terminal.error(&format!("refusing a stale plan: {stale}"));
            return Outcome::Failure;
        }
        let base = source_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .to_path_buf();
        let state = saved.starting_state(state);
        (saved.plan, backend, base, state, lock)
    } else {
        let Some((loaded, topology)) = checked(&args.target, terminal) else {
            return Outcome::Failure;
        };
        let stack = plan::stack_name(&topology);
        let backend = backend(&args.state, &args.target, &stack);
        let Some(lock) = lock(&backend, "apply", terminal) else {
            return Outcome::Failure;
        };
        let mut state = match backend.read() {
            Ok(state) => state,
            Err(error) => {
                terminal.error(&error.to_string());
                return Outcome::Failure;
            }
        };
        if args.refresh {
            match refreshed(&runtime, state.clone(), aws.clone(), args.parallelism, terminal) {
                Ok(Some(refreshed)) => state = Some(refreshed.state),
                Ok(None) => {}
                Err(()) => return Outcome::Failure,
            }
        }
        let Some(plan) = make_plan(&loaded, &topology, &args.target, state.as_ref(), terminal) else {
            return Outcome::Failure;
        };
        let base = args
            .target
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .to_path_buf();
        (plan, backend, base, state, lock)
    };

    print!("{}", render::text(&plan));
    if plan.summary().is_empty() {
        return Outcome::Success;
    }
    if refuse_data_loss(&plan, args.allow_data_loss, terminal) {
        return Outcome::Failure;
    }
    if !confirm("Apply these changes?", args.auto_approve, terminal) {
        return Outcome::Failure;
    }
    let options = ApplyOptions {
        parallelism: args.parallelism,
        cargo_profile: args.cargo_profile.clone(),
        base,
    };
    let state = state.unwrap_or_else(|| State::new(&plan.stack));
    let (_, report) = runtime.block_on(crate::apply::apply(
        &plan,
        state,
        &backend,
        aws,
        &options,
        listener(&plan),
    ));
    summarize(&report, "Apply")
}

pub(crate) fn run_destroy(args: &DestroyArgs, terminal: &Terminal) -> Outcome {
    let Some((_, topology)) = checked(&args.file, terminal) else {
        return Outcome::Failure;
    };
    let stack = plan::stack_name(&topology);
    let backend = backend(&args.state, &args.file, &stack);
    let Some(_lock) = lock(&backend, "destroy", terminal) else {
        return Outcome::Failure;
    };
    let state = match backend.read() {
        Ok(Some(state)) if !state.resources.is_empty() => state,
        Ok(_) => {
            println!("Nothing to destroy: stack {stack} has no resources.");
            return Outcome::Success;
        }
        Err(error) => {
            terminal.error(&error.to_string());
            return Outcome::Failure;
        }
    };
    let plan = plan::destroy_plan(&stack, &state);
    print!("{}", render::text(&plan));
    if refuse_data_loss(&plan, args.allow_data_loss, terminal) {
        return Outcome::Failure;
    }
    if !confirm(
        &format!("Destroy every resource of stack {stack}?"),
        args.auto_approve,
        terminal,
    ) {
        return Outcome::Failure;
    }
    let Some(runtime) = runtime(terminal) else {
        return Outcome::Failure;
    };
    let options = ApplyOptions {
        parallelism: args.parallelism,
        cargo_profile: "release".into(),
        base: args.file.parent().unwrap_or_else(|| Path::new(".")).to_path_buf(),
    };
    let (_, report) = runtime.block_on(crate::apply::apply(
        &plan,
        state,
        &backend,
        Arc::new(Aws::new()),
        &options,
        listener(&plan),
    ));
    summarize(&report, "Destroy")
}

pub(crate) fn run_output(args: &OutputArgs, terminal: &Terminal) -> Outcome {
    let Some((_, topology)) = checked(&args.file, terminal) else {
        return Outcome::Failure;
    };
    let stack = plan::stack_name(&topology);
    let backend = backend(&args.state, &args.file, &stack);
    let state = match backend.read() {
        Ok(Some(state)) => state,
        Ok(None) => {
            terminal.error(&format!("stack {stack} has not been applied: no outputs yet"));
            return Outcome::Failure;
        }
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
            serde_json::to_string_pretty(&state.outputs).unwrap_or_default()
        );
    } else {
        for (name, value) in &state.outputs {
            let _ = writeln!(
                stdout,
                "{name} = {}",
                serde_json::to_string_pretty(value).unwrap_or_default()
            );
        }
    }
    Outcome::Success
}
