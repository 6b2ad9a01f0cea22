//! `drx force-unlock LOCK_ID FILE`: clears the record of a drx that died
//! holding the state lock. The local lock itself is the operating system's,
//! so there is nothing to force: a running holder keeps it (and is named), a
//! dead one's lock is already free.

use std::io::Write;

use super::args::ForceUnlockArgs;
use super::cli_error::CliError;
use super::prepare::{backend, checked};
use super::{Outcome, Terminal};
use crate::plan;
use crate::state::{Unlocked, force_unlock};

pub(crate) fn run(args: &ForceUnlockArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let (_, topology) = checked(&args.file, terminal)?;
    let backend = backend(&args.state, &args.file, &plan::stack_name(&topology));
    let path = backend.lock_path();
    let mut stdout = std::io::stdout().lock();
    match force_unlock(&path, &args.lock_id)? {
        Unlocked::Cleared(holder) => writeln!(
            stdout,
            "Cleared lock {} of {} (pid {} on {}, since {}); that process was no longer holding it.",
            holder.id, holder.operation, holder.pid, holder.host, holder.since
        )?,
        Unlocked::AlreadyFree => writeln!(
            stdout,
            "The state lock {} is free; nothing to do.",
            path.display()
        )?,
    }
    Ok(Outcome::Success)
}
