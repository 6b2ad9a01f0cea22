//! `drx force-unlock LOCK_ID FILE`: releases the lock of a drx that died
//! holding it. A local lock is the operating system's, so there is nothing to
//! force: a running holder keeps it (and is named), a dead one's lock is
//! already free and only its record is cleared. A lock in S3 outlives its
//! holder; it is deleted when it names LOCK_ID.

use std::io::Write;

use super::args::ForceUnlockArgs;
use super::backend::Backend;
use super::cli_error::CliError;
use super::prepare::{backend, checked};
use super::{Outcome, Terminal};
use crate::plan;
use crate::state::Unlocked;

pub(crate) fn run(args: &ForceUnlockArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let (_, topology) = checked(&args.file, terminal)?;
    let backend = backend(
        &args.state,
        &args.file,
        &plan::stack_name(&topology),
        topology.state.as_ref(),
    )?;
    let mut stdout = std::io::stdout().lock();
    match backend.force_unlock(&args.lock_id)? {
        Unlocked::Cleared(holder) => match backend {
            Backend::Local(_) => writeln!(
                stdout,
                "Cleared lock {} of {} (pid {} on {}, since {}); that process was no longer holding it.",
                holder.id, holder.operation, holder.pid, holder.host, holder.since
            )?,
            Backend::S3(_) => writeln!(
                stdout,
                "Released lock {} of {} (pid {} on {}, since {}).",
                holder.id, holder.operation, holder.pid, holder.host, holder.since
            )?,
        },
        Unlocked::AlreadyFree => writeln!(
            stdout,
            "The state lock {} is free; nothing to do.",
            backend.lock_location()
        )?,
    }
    Ok(Outcome::Success)
}
