//! `drx status FILE [--json] [--probe]`: how the live stack is doing, read
//! now.

use std::io::Write;
use std::sync::Arc;

use super::args::StatusArgs;
use super::cli_error::CliError;
use super::prepare::{Locking, Prepared, runtime};
use super::{Outcome, Terminal};
use crate::apply::refresh;
use crate::aws::Aws;
use crate::operate::{DriftSummary, LinkStatus, StackStatus};

/// How long a probe's marker may take to arrive.
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

pub(crate) fn run(args: &StatusArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let prepared = Prepared::new(&args.file, &args.state, "status", Locking::Never, terminal)?;
    let Some(state) = &prepared.state else {
        return Err(CliError::message(format!(
            "stack {} has not been applied: nothing is live to report on",
            prepared.stack
        )));
    };
    let runtime = runtime()?;
    let aws = Arc::new(Aws::new());
    let probe = args.probe.then_some(PROBE_TIMEOUT);
    let mut status = runtime.block_on(crate::operate::status(state, &*aws, probe));
    if !args.no_drift {
        let refreshed = runtime.block_on(refresh(state, aws.clone(), 10));
        status.drift = Some(DriftSummary {
            resources: state.resources.len(),
            changed: refreshed
                .drift
                .iter()
                .map(|d| format!("{} {}", d.address, d.attribute))
                .collect(),
            missing: refreshed.missing.clone(),
        });
        status.errors.extend(
            refreshed
                .errors
                .iter()
                .map(|(address, error)| format!("{address} back: {error}")),
        );
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&status).unwrap_or_default()
        )?;
    } else {
        human(&mut stdout, &status)?;
    }
    Ok(if status.errors.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

fn lag(link: &LinkStatus) -> String {
    let mut parts = Vec::new();
    match link.lag_seconds {
        Some(lag) => parts.push(format!("latency {lag:.1} s")),
        None => parts.push("latency not measured".into()),
    }
    if let Some(pending) = link.pending_operations {
        parts.push(format!("{pending} pending"));
    }
    if let Some(probe) = link.probe_seconds {
        parts.push(format!("a marker took {probe:.2} s"));
    }
    if let Some(note) = &link.note {
        parts.push(note.clone());
    }
    parts.join(", ")
}

fn human(out: &mut impl Write, status: &StackStatus) -> std::io::Result<()> {
    writeln!(out, "Stack {}:", status.stack)?;
    for failover in &status.failovers {
        let serving = match (&failover.serving, &failover.role) {
            (Some(region), Some(role)) => format!("{region} ({})", role.to_ascii_lowercase()),
            _ => format!("an answer outside the stack: {}", failover.answer.join(", ")),
        };
        writeln!(out, "  {} is served from {serving}", failover.name)?;
        if let Some(record) = &failover.in_force {
            writeln!(out, "    drx failover in force: {}", record.describe())?;
        }
    }
    for check in &status.health_checks {
        writeln!(
            out,
            "  {}: {} of {} checkers see it healthy",
            check.address, check.healthy, check.checkers
        )?;
    }
    for link in &status.replication {
        writeln!(out, "  {} {} → {}: {}", link.store, link.from, link.to, lag(link))?;
    }
    if status.alarms.is_empty() {
        writeln!(out, "  no alarm in ALARM")?;
    }
    for alarm in &status.alarms {
        writeln!(out, "  ALARM: {} ({})", alarm.address, alarm.region)?;
    }
    if let Some(drill) = &status.drill {
        writeln!(
            out,
            "  a drill of {} is under way or was cut short ({:?}, started {} by {}): `drx drill --restore` puts the stack back",
            drill.failover, drill.phase, drill.started, drill.by
        )?;
    }
    if let Some(drift) = &status.drift {
        writeln!(out, "  {}", drift.line())?;
    }
    for error in &status.errors {
        writeln!(out, "  could not read {error}")?;
    }
    Ok(())
}
