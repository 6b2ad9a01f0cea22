//! `drx drill`: say what the drill will do, ask, run it, plan afterwards
//! to prove the stack is as it was, and report.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use super::args::DrillArgs;
use super::cli_error::CliError;
use super::confirm::confirm;
use super::prepare::{Locking, Prepared, runtime};
use super::{Outcome, Terminal};
use crate::aws::Aws;
use crate::check::recovery::{Recovery, RpoBound};
use crate::operate::{
    self, ApiCanary, DrillOptions, DrillReport, Printed, Proofs, ProvenPath, ProvenStore, ProvenTerm,
};
use crate::state::StateStore;

/// What `drx explain` proves, as the drill compares it.
fn proofs(recovery: &Recovery) -> Proofs {
    Proofs {
        paths: recovery
            .paths
            .iter()
            .map(|path| ProvenPath {
                failover: path.failover.clone(),
                terms: path
                    .terms
                    .iter()
                    .map(|t| ProvenTerm {
                        name: t.name.to_string(),
                        seconds: t.seconds as f64,
                    })
                    .collect(),
                objective: path.objective.as_ref().map(|o| o.seconds as f64),
            })
            .collect(),
        stores: recovery
            .stores
            .iter()
            .map(|store| ProvenStore {
                store: store.store.clone(),
                bound: match store.bound {
                    RpoBound::Bounded { seconds, .. } | RpoBound::Typical { seconds } => Some(seconds as f64),
                    RpoBound::Unbounded => None,
                },
                objective: store.objective.as_ref().map(|o| o.seconds as f64),
            })
            .collect(),
    }
}

/// `POST /payments` → (`POST`, `/payments`).
fn route(text: &str, field: &str) -> Result<(String, String), CliError> {
    let (method, path) = text.trim().split_once(' ').ok_or_else(|| {
        CliError::message(format!(
            "canary `{field}` is `METHOD /path`, like `POST /payments`; not `{text}`"
        ))
    })?;
    Ok((method.trim().to_ascii_uppercase(), path.trim().to_string()))
}

fn canary(path: &std::path::Path) -> Result<ApiCanary, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::message(format!("cannot read the canary {}: {e}", path.display())))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::message(format!("the canary {} is not JSON: {e}", path.display())))?;
    let field = |name: &str| {
        value.get(name).and_then(|v| v.as_str()).ok_or_else(|| {
            CliError::message(format!(
                "the canary {} needs `{name}` (see docs/operations.md#drx-drill)",
                path.display()
            ))
        })
    };
    let body = match value.get("body") {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    Ok(ApiCanary {
        write: route(field("write")?, "write")?,
        body,
        read: route(field("read")?, "read")?,
        id_pointer: field("id")?.to_string(),
        objects: value
            .get("objects")
            .and_then(|o| o.as_array())
            .map(|o| o.iter().filter_map(|k| k.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
    })
}

fn human(out: &mut impl Write, report: &DrillReport) -> std::io::Result<()> {
    writeln!(
        out,
        "Drill of {} ({} → {}): {}",
        report.failover,
        report.from,
        report.to,
        if report.passed() { "passed" } else { "FAILED" }
    )?;
    let s = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.2} s"));
    for term in &report.rto {
        writeln!(
            out,
            "  RTO {:<16} {:>10}   proof {:>9}   {}",
            term.term,
            s(term.seconds),
            s(term.proven_seconds),
            term.how
        )?;
    }
    for store in &report.rpo {
        writeln!(
            out,
            "  RPO {:<16} {:>10}   bound {:>9}   {}",
            store.store,
            s(store.seconds),
            s(store.proven_seconds),
            store.canary
        )?;
    }
    for verdict in &report.verdicts {
        writeln!(
            out,
            "  {} {}: {} against {}",
            if verdict.holds { "holds " } else { "MISSED" },
            verdict.objective,
            s(verdict.measured_seconds),
            s(verdict.objective_seconds)
        )?;
    }
    match report.restored {
        Some(true) => writeln!(out, "  restored: a plan shows 0 changes")?,
        Some(false) => writeln!(out, "  NOT restored: a plan shows changes (run `drx plan`)")?,
        None => {}
    }
    for error in &report.errors {
        writeln!(out, "  error: {error}")?;
    }
    Ok(())
}

/// Undoes what the drill recorded in `state` did, printing each step.
fn put_back(
    runtime: &tokio::runtime::Runtime,
    prepared: &Prepared,
    aws: &Aws,
    options: &DrillOptions,
    state: &mut crate::state::State,
) -> Result<(), CliError> {
    let progress = |line: &str| eprintln!("{line}");
    runtime
        .block_on(operate::restore(
            state,
            &prepared.backend,
            aws,
            options,
            &mut Printed(&progress),
        ))
        .map_err(|e| CliError::message(format!("{e}; `drx drill --restore` tries again")))
}

pub(crate) fn run(args: &DrillArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let mut prepared = Prepared::new(&args.file, &args.state, "drill", Locking::Hold, terminal)?;
    let Some(mut state) = prepared.state.take() else {
        return Err(CliError::message(format!(
            "stack {} has not been applied: there is nothing live to drill",
            prepared.stack
        )));
    };
    let runtime = runtime()?;
    let aws = Arc::new(Aws::new());
    let options = DrillOptions {
        failover: args.failover.clone(),
        api_canary: args.canary.as_deref().map(canary).transpose()?,
        timeout: args.timeout,
        poll: Duration::from_secs(1),
    };
    let progress = |line: &str| eprintln!("{line}");

    if args.restore {
        let Some(drill) = &state.drill else {
            eprintln!("note: no drill is recorded; nothing to restore");
            return Ok(Outcome::Success);
        };
        eprintln!(
            "drx will restore what the drill of {} started {} left: {} in {} back to reserved concurrency {}, {} canaries removed",
            drill.failover,
            drill.started,
            drill.function,
            drill.region,
            drill
                .previous_concurrency
                .map_or_else(|| "unset".into(), |n| n.to_string()),
            drill.canaries.len()
        );
        confirm("Restore?", args.auto_approve)?;
        put_back(&runtime, &prepared, &aws, &options, &mut state)?;
        println!("Restored: the drill's outage is undone and its canaries removed.");
        return Ok(Outcome::Success);
    }

    let recovery = prepared
        .loaded
        .checked
        .as_ref()
        .and_then(|checked| checked.recovery.as_ref())
        .map(proofs)
        .unwrap_or_default();
    eprintln!("drx will drill stack {} on the live stack:", prepared.stack);
    eprintln!(
        "  1. write a canary to every store replicating primary → standby{}",
        if options.api_canary.is_some() {
            ", and one through the API"
        } else {
            ""
        }
    );
    eprintln!(
        "  2. give the primary's health-route function reserved concurrency 0: the primary really fails for every caller until step 4"
    );
    eprintln!(
        "  3. time Route 53's checkers, its answer and the standby serving; read the canaries in the standby"
    );
    eprintln!(
        "  4. restore the concurrency, remove the canaries, wait for the answer to return; then plan (0 changes expected)"
    );
    confirm("Drill?", args.auto_approve)?;
    // Ctrl-C ends the drill early and puts the stack back at once; a kill
    // leaves the record for `--restore`.
    let drilled = runtime.block_on(async {
        tokio::select! {
            result = operate::drill(&mut state, &prepared.backend, &*aws, &recovery, &options, &progress) => Some(result),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    let Some(drilled) = drilled else {
        eprintln!("interrupted: putting the stack back");
        let mut state = prepared
            .backend
            .read()
            .map_err(CliError::from)?
            .ok_or_else(|| CliError::message("the state is gone"))?;
        put_back(&runtime, &prepared, &aws, &options, &mut state)?;
        return Err(CliError::message(
            "the drill was interrupted; the stack is put back",
        ));
    };
    let mut report = drilled.map_err(|e| CliError::message(e.to_string()))?;

    // Restored exactly: what AWS has now, planned against the file.
    prepared.state = Some(state);
    let refreshed = prepared.refresh(&runtime, aws, 10)?;
    let plan = prepared.plan(&[], terminal)?;
    let restored =
        plan.summary().is_empty() && refreshed.is_none_or(|r| r.drift.is_empty() && r.missing.is_empty());
    report.restored = Some(restored);

    if let Some(path) = &args.report {
        let json = path.with_extension("json");
        let markdown = path.with_extension("md");
        std::fs::write(&json, serde_json::to_string_pretty(&report).unwrap_or_default())?;
        std::fs::write(&markdown, report.markdown())?;
        eprintln!(
            "wrote the report to {} and {}",
            json.display(),
            markdown.display()
        );
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        )?;
    } else {
        human(&mut stdout, &report)?;
    }
    Ok(if report.passed() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
