//! `drx check`: report every problem in each file.

use std::io::Write;

use super::args::{CheckArgs, Format};
use super::cli_error::CliError;
use super::load::load;
use super::{Outcome, Terminal};
use crate::check::recovery::human;
use crate::check::{ProcessEnvironment, Topology};
use crate::diagnostic::{Severity, render_json, render_terminal};
use crate::model::blocks::ResourceKind;

pub(crate) fn run(args: &CheckArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let mut failed = false;
    let mut json = Vec::new();
    let mut stdout = std::io::stdout().lock();
    for path in &args.files {
        let loaded = match load(path, &ProcessEnvironment) {
            Ok(loaded) => loaded,
            Err(message) => {
                terminal.error(&message);
                failed = true;
                continue;
            }
        };
        let errors = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = loaded.diagnostics.len() - errors;
        if errors > 0 || (args.deny_warnings && warnings > 0) {
            failed = true;
        }
        match args.format {
            Format::Json => json.extend(render_json(&loaded.source, &loaded.diagnostics)),
            Format::Human => {
                let rendered = render_terminal(&loaded.source, &loaded.diagnostics, terminal.color);
                eprint!("{rendered}");
                let topology = loaded
                    .checked
                    .as_ref()
                    .and_then(|checked| checked.topology.as_ref());
                let summary = match topology {
                    Some(topology) if errors == 0 => {
                        format!("{}: ok: {}", loaded.source.name, describe(topology))
                    }
                    _ => format!("{}: {}", loaded.source.name, count(errors, warnings)),
                };
                let summary = if errors == 0 && warnings > 0 {
                    format!("{summary} ({})", count(0, warnings))
                } else {
                    summary
                };
                writeln!(stdout, "{summary}")?;
                // Verdicts are shown when the analysis saw the whole file: other
                // errors may have left a failover or store out of it.
                let only_objective_errors = loaded
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .all(|d| OBJECTIVE_CODES.contains(&d.code.as_str()));
                let recovery = loaded
                    .checked
                    .as_ref()
                    .and_then(|checked| checked.recovery.as_ref());
                if let Some(recovery) = recovery.filter(|_| only_objective_errors) {
                    for line in recovery.objectives() {
                        let _ = writeln!(
                            stdout,
                            "  {} {} ({}): {}; worst case {}, {}",
                            line.measure,
                            human(line.objective.seconds),
                            line.objective.declared_by,
                            line.verdict,
                            line.worst,
                            line.component
                        );
                    }
                }
            }
        }
    }
    if args.format == Format::Json {
        let document = serde_json::json!({ "diagnostics": json });
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        )?;
    }
    Ok(if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

const OBJECTIVE_CODES: [&str; 3] = [
    "drx::check::rto_not_met",
    "drx::check::rpo_not_met",
    "drx::check::rpo_unbounded",
];

fn count(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, warnings) => plural(warnings, "warning"),
        (errors, 0) => plural(errors, "error"),
        (errors, warnings) => format!("{}, {}", plural(errors, "error"), plural(warnings, "warning")),
    }
}

/// One line about what the file declares.
fn describe(topology: &Topology) -> String {
    let regions: Vec<String> = topology.regions().iter().map(|r| r.0.clone()).collect();
    let counts = ResourceKind::ALL
        .into_iter()
        .map(|kind| (topology.count(kind), kind.spec().counted_as))
        .chain([(topology.outputs.len(), "output")]);
    let parts: Vec<String> = counts
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}{}", if n == 1 { "" } else { "s" }))
        .collect();
    format!(
        "topology {} across {} ({})",
        topology.name,
        regions.join(", "),
        parts.join(", ")
    )
}
