//! `drx state pull|push|migrate`: the state moved whole — printed, replaced
//! from a file, or moved to another store. Each takes the lock of every store
//! it writes; a push or a migration writes the state whole with the serial
//! moved on, so a plan saved before it is refused.

use std::io::Write;

use super::args::{StateFileArgs, StateMigrateArgs, StatePushArgs};
use super::backend::Backend;
use super::cli_error::CliError;
use super::prepare::{Locking, Prepared};
use super::{Outcome, Terminal};
use crate::state::{State, StateStore, parse_document};

pub(super) fn pull(args: &StateFileArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(&args.file, &args.state, "state pull", Locking::Read, terminal)?;
    let Some(state) = &prepared.state else {
        return Err(CliError::message(format!(
            "stack {} has no state at {}: it was never applied",
            prepared.stack,
            prepared.backend.describe()
        )));
    };
    writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(state).unwrap_or_default()
    )?;
    Ok(Outcome::Success)
}

/// Why `pushed` may not replace `current` without `--force`.
fn refusal(pushed: &State, current: &State) -> Option<String> {
    if pushed.lineage != current.lineage {
        return Some(format!(
            "it is lineage {}, the state is lineage {}: another stack's history",
            pushed.lineage, current.lineage
        ));
    }
    if pushed.serial < current.serial {
        return Some(format!(
            "it is serial {}, older than the state's {}: it would undo what was applied since",
            pushed.serial, current.serial
        ));
    }
    if pushed.serial == current.serial && pushed != current {
        return Some(format!(
            "it is serial {} like the state, but differs from it: two histories from one point",
            pushed.serial
        ));
    }
    None
}

pub(super) fn push(args: &StatePushArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let text = std::fs::read_to_string(&args.pushed)
        .map_err(|e| CliError::message(format!("cannot read {}: {e}", args.pushed.display())))?;
    let mut pushed = parse_document(&text, &args.pushed)?;
    let prepared = Prepared::new(
        &args.target.file,
        &args.target.state,
        "state push",
        Locking::Hold,
        terminal,
    )?;
    if pushed.stack != prepared.stack {
        return Err(CliError::message(format!(
            "{} is the state of stack {}, and {} is stack {}; nothing was pushed",
            args.pushed.display(),
            pushed.stack,
            args.target.file.display(),
            prepared.stack
        )));
    }
    if let Some(current) = &prepared.state {
        if let Some(why) = refusal(&pushed, current).filter(|_| !args.force) {
            return Err(CliError::message(format!(
                "refusing to push {}: {why}; nothing was pushed (--force pushes it anyway, the state it \
                 replaces kept as a version{})",
                args.pushed.display(),
                match prepared.backend {
                    Backend::Local(_) => " in the .backup file",
                    Backend::S3(_) => " in the bucket",
                }
            )));
        }
        pushed.serial = pushed.serial.max(current.serial) + 1;
    } else {
        pushed.serial += 1;
    }
    prepared.backend.write(&pushed)?;
    writeln!(
        std::io::stdout().lock(),
        "Pushed {} to {} (serial {}, {} resources).",
        args.pushed.display(),
        prepared.backend.describe(),
        pushed.serial,
        pushed.resources.len()
    )?;
    Ok(Outcome::Success)
}

pub(super) fn migrate(args: &StateMigrateArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(
        &args.target.file,
        &args.target.state,
        "state migrate",
        Locking::Hold,
        terminal,
    )?;
    let Some(mut state) = prepared.state.clone() else {
        return Err(CliError::message(format!(
            "stack {} has no state at {} to migrate",
            prepared.stack,
            prepared.backend.describe()
        )));
    };
    let destination = Backend::open(Some(&args.to), &args.target.file, &prepared.stack)?;
    if destination.describe() == prepared.backend.describe() {
        return Err(CliError::message(format!(
            "the state is at {} already",
            destination.describe()
        )));
    }
    let _destination_lock = destination.lock("state migrate", args.target.state.lock_timeout)?;
    if let Some(there) = destination.read()? {
        return Err(CliError::message(format!(
            "{} holds a state already (stack {}, lineage {}, serial {}); nothing was moved — \
             `drx state push` replaces a state on purpose",
            destination.describe(),
            there.stack,
            there.lineage,
            there.serial
        )));
    }
    state.serial += 1;
    destination.write(&state)?;
    let aside = prepared.backend.retire()?;
    writeln!(
        std::io::stdout().lock(),
        "Moved the state of stack {} ({} resources) from {} to {}; the old one is kept as {aside}.\n\
         Pass `--state {}` from now on, or declare it in the file: state \"{}\"",
        prepared.stack,
        state.resources.len(),
        prepared.backend.describe(),
        destination.describe(),
        args.to,
        args.to
    )?;
    Ok(Outcome::Success)
}
