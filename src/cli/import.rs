//! `drx import FILE ADDRESS ID`: an existing AWS resource adopted into the
//! state under the lock, written whole with the serial moved on.

use std::io::Write;
use std::sync::Arc;

use super::args::ImportArgs;
use super::cli_error::CliError;
use super::prepare::{Locking, Prepared, runtime};
use super::{Outcome, Terminal};
use crate::aws::Aws;
use crate::state::State;
use crate::state::StateStore;

pub(crate) fn run(args: &ImportArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let runtime = runtime()?;
    let aws = Arc::new(Aws::new());
    let mut prepared = Prepared::new(&args.file, &args.state, "import", Locking::Hold, terminal)?;
    // What a crash left pending is settled first, so an import cannot
    // record what reconciliation would adopt.
    prepared.reconcile(&runtime, aws.clone(), terminal)?;
    let plan = prepared.plan(&[], terminal)?;
    let mut state = prepared
        .state
        .clone()
        .unwrap_or_else(|| State::new(&prepared.stack));
    let record = runtime
        .block_on(crate::apply::import(
            &plan,
            &mut state,
            aws,
            &args.address,
            &args.id,
        ))
        .map_err(|error| CliError::message(error.to_string()))?;
    state.serial += 1;
    prepared.backend.write(&state)?;
    writeln!(
        std::io::stdout().lock(),
        "Imported {} ({} {}). `drx plan {}` shows how it differs from the file.",
        record.address,
        record.resource_type,
        record.physical_id,
        args.file.display()
    )?;
    Ok(Outcome::Success)
}
