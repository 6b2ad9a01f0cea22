//! `drx failover` and `drx failback`: say what will happen, ask, then move
//! the traffic (`operate::failover`) under the state lock.

use std::time::Duration;

use super::args::{FailbackArgs, FailoverArgs, SwitchArgs};
use super::cli_error::CliError;
use super::confirm::confirm;
use super::prepare::{Locking, Prepared, runtime};
use super::{Outcome, Terminal};
use crate::aws::Aws;
use crate::model::resources::Attributes;
use crate::operate::{self, OperateError, Report, Request, STEERED_SUFFIX, Steering};

fn request(args: &SwitchArgs, to: Option<String>) -> Request {
    Request {
        failover: args.failover.clone(),
        to,
        force: args.force,
        reason: args.reason.clone(),
        timeout: args.timeout,
        max_lag: args.max_lag,
        poll: Duration::from_secs(1),
        drill: false,
    }
}

/// How long Route 53 takes to see the primary fail, from its check.
fn detection(steering: &Steering) -> String {
    match steering.health_check.typed_attributes() {
        Ok(Attributes::HealthCheck(check)) => format!(
            "after {} failed checks {} s apart (about {} s)",
            check.failure_threshold,
            check.request_interval,
            check.failure_threshold * check.request_interval
        ),
        _ => "once its checkers see it fail".into(),
    }
}

fn prepared(args: &SwitchArgs, operation: &str, terminal: &Terminal) -> Result<Prepared, CliError> {
    let prepared = Prepared::new(&args.file, &args.state, operation, Locking::Hold, terminal)?;
    if prepared.state.is_none() {
        return Err(CliError::message(format!(
            "stack {} has not been applied: there is no traffic to move",
            prepared.stack
        )));
    }
    Ok(prepared)
}

/// The failovers to act on, refused before anything is asked when the
/// name is unknown.
fn chosen(prepared: &Prepared, args: &SwitchArgs) -> Result<Vec<Steering>, CliError> {
    let state = prepared.state.as_ref().expect("checked in prepared");
    operate::choose(state, args.failover.as_deref()).map_err(|e| CliError::message(e.to_string()))
}

fn finish(result: Result<Report, OperateError>, direction: Direction) -> Result<Outcome, CliError> {
    let report = result.map_err(|error| CliError::message(error.to_string()))?;
    for unchanged in &report.unchanged {
        eprintln!("note: {unchanged}; nothing to do");
    }
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    for lost in &report.may_be_lost {
        eprintln!("warning: forced before replication caught up; may be lost: {lost}");
    }
    for record in &report.records {
        let region = if direction == Direction::Over {
            &record.to
        } else {
            &record.from
        };
        match (direction, record.took_seconds) {
            (Direction::Over, Some(took)) => println!(
                "{} is served from {region}: Route 53 answered {took:.1} s after the health check was steered. Recorded in the state; `drx failback` returns it.",
                record.domain
            ),
            _ => println!("{} is served from {region} again.", record.domain),
        }
    }
    Ok(Outcome::Success)
}

pub(crate) fn run_failover(args: &FailoverArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let switch = &args.switch;
    let prepared = prepared(switch, "failover", terminal)?;
    let chosen = chosen(&prepared, switch)?;
    let in_force = &prepared.state.as_ref().expect("applied").failovers;
    eprintln!("drx will fail over stack {}:", prepared.stack);
    for steering in &chosen {
        if in_force.iter().any(|f| f.failover == steering.failover) {
            eprintln!("  {}: already failed over (nothing to do)", steering.failover);
            continue;
        }
        eprintln!(
            "  {} ({}) from {} to {}:",
            steering.failover, steering.domain, steering.primary, steering.standby
        );
        if switch.force {
            eprintln!("    1. not wait for replication (--force): what has not replicated may be lost");
        } else {
            eprintln!(
                "    1. wait until replication {} → {} has caught up (at most {})",
                steering.primary,
                steering.standby,
                humantime::format_duration(switch.timeout)
            );
        }
        eprintln!(
            "    2. point health check {} at a path the API does not answer (…{STEERED_SUFFIX}): Route 53 sees {} fail {}",
            steering.health_check.address,
            steering.primary,
            detection(steering)
        );
        eprintln!(
            "    3. wait until Route 53 answers {} with {}; record the failover in the state",
            steering.domain, steering.standby
        );
    }
    confirm("Fail over?", switch.auto_approve)?;
    switched(prepared, &request(switch, args.to.clone()), Direction::Over)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Over,
    Back,
}

/// Moves the traffic, printing each step, and says where it went.
fn switched(mut prepared: Prepared, request: &Request, direction: Direction) -> Result<Outcome, CliError> {
    let runtime = runtime()?;
    let aws = Aws::new();
    let mut state = prepared.state.take().expect("applied");
    let progress = |line: &str| eprintln!("{line}");
    let backend = &prepared.backend;
    let result = runtime.block_on(async {
        match direction {
            Direction::Over => operate::failover(&mut state, backend, &aws, request, &progress).await,
            Direction::Back => operate::failback(&mut state, backend, &aws, request, &progress).await,
        }
    });
    finish(result, direction)
}

pub(crate) fn run_failback(args: &FailbackArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let switch = &args.switch;
    let prepared = prepared(switch, "failback", terminal)?;
    let chosen = chosen(&prepared, switch)?;
    let in_force = prepared.state.as_ref().expect("applied").failovers.clone();
    eprintln!("drx will fail back stack {}:", prepared.stack);
    for steering in &chosen {
        let Some(record) = in_force.iter().find(|f| f.failover == steering.failover) else {
            eprintln!("  {}: not failed over (nothing to do)", steering.failover);
            continue;
        };
        eprintln!("  {}: {}", steering.failover, record.describe());
        eprintln!(
            "    1. wait until replication {} → {} has caught up{}",
            steering.standby,
            steering.primary,
            if switch.force { " (not: --force)" } else { "" }
        );
        eprintln!(
            "    2. point health check {} back at its own path; Route 53 answers with {} once its checkers see it healthy",
            steering.health_check.address, steering.primary
        );
        eprintln!("    3. wait for that answer; remove the failover from the state");
    }
    confirm("Fail back?", switch.auto_approve)?;
    switched(prepared, &request(switch, None), Direction::Back)
}
