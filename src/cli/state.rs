//! `drx state list|show|rm|mv`: the recorded state, read and edited under
//! the lock. An edit writes the state whole (the previous one kept as the
//! backup) with the serial moved on, so a plan saved before it is refused.

use std::io::Write;

use super::args::{StateAddressArgs, StateCommand, StateFileArgs, StateMoveArgs};
use super::cli_error::CliError;
use super::prepare::{Locking, Prepared};
use super::{Outcome, Terminal};
use crate::model::template::rename_references;
use crate::state::State;
use crate::state::StateStore;

pub(crate) fn run(command: &StateCommand, terminal: &Terminal) -> Result<Outcome, CliError> {
    match command {
        StateCommand::List(args) => list(args, terminal),
        StateCommand::Show(args) => show(args, terminal),
        StateCommand::Rm(args) => remove(args, terminal),
        StateCommand::Mv(args) => rename(args, terminal),
        StateCommand::Pull(args) => super::state_transfer::pull(args, terminal),
        StateCommand::Push(args) => super::state_transfer::push(args, terminal),
        StateCommand::Migrate(args) => super::state_transfer::migrate(args, terminal),
    }
}

fn recorded(prepared: &Prepared) -> Result<&State, CliError> {
    prepared.state.as_ref().ok_or_else(|| {
        CliError::message(format!(
            "stack {} has no state: it was never applied ({})",
            prepared.stack,
            prepared.backend.describe()
        ))
    })
}

fn missing(address: &str, state: &State) -> CliError {
    let known: Vec<&str> = state.resources.iter().map(|r| r.address.as_str()).collect();
    let hint = crate::suggest::did_you_mean(address, known.iter().copied())
        .map(|close| format!("; did you mean `{close}`?"))
        .unwrap_or_else(|| "; `drx state list` shows what is recorded".into());
    CliError::message(format!("the state records no {address}{hint}"))
}

fn list(args: &StateFileArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(&args.file, &args.state, "state list", Locking::Read, terminal)?;
    let state = recorded(&prepared)?;
    let mut stdout = std::io::stdout().lock();
    for resource in &state.resources {
        writeln!(
            stdout,
            "{}  {}  {}",
            resource.address, resource.resource_type, resource.physical_id
        )?;
    }
    Ok(Outcome::Success)
}

fn show(args: &StateAddressArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(
        &args.target.file,
        &args.target.state,
        "state show",
        Locking::Read,
        terminal,
    )?;
    let state = recorded(&prepared)?;
    let resource = state
        .resource(&args.address)
        .ok_or_else(|| missing(&args.address, state))?;
    writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(resource).unwrap_or_default()
    )?;
    Ok(Outcome::Success)
}

/// Writes an edited state whole, a serial on.
fn save(prepared: &Prepared, mut state: State) -> Result<(), CliError> {
    state.serial += 1;
    prepared.backend.write(&state)?;
    Ok(())
}

fn remove(args: &StateAddressArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(
        &args.target.file,
        &args.target.state,
        "state rm",
        Locking::Hold,
        terminal,
    )?;
    let mut state = recorded(&prepared)?.clone();
    let removed = state
        .resource(&args.address)
        .cloned()
        .ok_or_else(|| missing(&args.address, &state))?;
    state.resources.retain(|r| r.address != args.address);
    save(&prepared, state)?;
    writeln!(
        std::io::stdout().lock(),
        "Removed {} ({} {}) from the state; it still exists in AWS, and drx no longer manages it.",
        removed.address,
        removed.resource_type,
        removed.physical_id
    )?;
    Ok(Outcome::Success)
}

fn rename(args: &StateMoveArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(
        &args.target.file,
        &args.target.state,
        "state mv",
        Locking::Hold,
        terminal,
    )?;
    let mut state = recorded(&prepared)?.clone();
    if state.resource(&args.from).is_none() {
        return Err(missing(&args.from, &state));
    }
    if state.resource(&args.to).is_some() {
        return Err(CliError::message(format!(
            "the state already records {}; remove it first (`drx state rm`) if it is to be replaced",
            args.to
        )));
    }
    for resource in &mut state.resources {
        if resource.address == args.from {
            resource.address = args.to.clone();
        }
        // What read the old address reads the new one.
        resource.attributes = rename_references(&resource.attributes, &args.from, &args.to);
        for dependency in &mut resource.depends_on {
            if *dependency == args.from {
                *dependency = args.to.clone();
            }
        }
    }
    save(&prepared, state)?;
    writeln!(std::io::stdout().lock(), "Moved {} to {}.", args.from, args.to)?;
    Ok(Outcome::Success)
}
