//! `drx status FILE [--json]`: how the live stack is doing, read now.

use std::io::Write;

use super::args::OutputArgs;
use super::cli_error::CliError;
use super::prepare::{Locking, Prepared, runtime};
use super::{Outcome, Terminal};
use crate::aws::Aws;

pub(crate) fn run(args: &OutputArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(&args.file, &args.state, "status", Locking::Never, terminal)?;
    let Some(state) = &prepared.state else {
        return Err(CliError::message(format!(
            "stack {} has not been applied: nothing is live to report on",
            prepared.stack
        )));
    };
    let status = runtime()?.block_on(crate::operate::status(state, &Aws::new()));
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&status).unwrap_or_default()
        )?;
        return Ok(Outcome::Success);
    }
    writeln!(stdout, "Stack {}:", status.stack)?;
    for failover in &status.failovers {
        let serving = match (&failover.serving, &failover.role) {
            (Some(region), Some(role)) => format!("{region} ({})", role.to_ascii_lowercase()),
            _ => format!("an answer outside the stack: {}", failover.answer.join(", ")),
        };
        writeln!(stdout, "  {} is served from {serving}", failover.name)?;
    }
    for check in &status.health_checks {
        writeln!(
            stdout,
            "  {}: {} of {} checkers see it healthy",
            check.address, check.healthy, check.checkers
        )?;
    }
    if status.alarms.is_empty() {
        writeln!(stdout, "  no alarm in ALARM")?;
    }
    for alarm in &status.alarms {
        writeln!(stdout, "  ALARM: {} ({})", alarm.address, alarm.region)?;
    }
    for error in &status.errors {
        writeln!(stdout, "  could not read {error}")?;
    }
    Ok(if status.errors.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
