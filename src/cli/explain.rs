//! `drx explain`: the RTO and RPO derivation, term by term, with where each
//! number comes from.

use std::io::Write;

use super::args::ExplainArgs;
use super::cli_error::CliError;
use super::load::load;
use super::{Outcome, Terminal};
use crate::check::ProcessEnvironment;
use crate::check::recovery::stability::Plane;
use crate::check::recovery::{Objective, Origin, Recovery, RpoBound, human};
use crate::diagnostic::{Severity, render_terminal};
use crate::source::{SourceFile, Span};

pub(crate) fn run(args: &ExplainArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let loaded = match load(&args.file, &ProcessEnvironment) {
        Ok(loaded) => loaded,
        Err(message) => {
            terminal.error(&message);
            return Ok(Outcome::Failure);
        }
    };
    let recovery = loaded
        .checked
        .as_ref()
        .and_then(|checked| checked.recovery.as_ref());
    let Some(recovery) = recovery else {
        eprint!(
            "{}",
            render_terminal(&loaded.source, &loaded.diagnostics, terminal.color)
        );
        terminal.error(&format!(
            "{}: cannot explain a file with errors",
            loaded.source.name
        ));
        return Ok(Outcome::Failure);
    };
    // Errors that are not about objectives stop nothing here: the derivation
    // is what the user asked for. Objectives not met make the exit status 1.
    let failed = loaded.diagnostics.iter().any(|d| d.severity == Severity::Error);
    let mut stdout = std::io::stdout().lock();
    let text = if args.json {
        serde_json::to_string_pretty(&json(&loaded.source, recovery)).unwrap_or_default()
    } else {
        text(&loaded.source, recovery)
    };
    writeln!(stdout, "{text}")?;
    Ok(if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

fn location(source: &SourceFile, span: Span) -> String {
    let (line, column) = source.line_col(span.start);
    format!("{}:{line}:{column}", source.name)
}

fn origin_text(source: &SourceFile, origin: &Origin) -> String {
    match origin {
        Origin::File { spans, defaults } => {
            let mut parts: Vec<String> = spans.iter().map(|span| location(source, *span)).collect();
            parts.extend(defaults.iter().map(|name| format!("{name}: drx default")));
            parts.join("; ")
        }
        Origin::Constant { source } => source.to_string(),
        Origin::Assumption { name, note, span } => match span {
            Some(span) => format!("{note} in {}", location(source, *span)),
            None => format!("{note} by default; set `{name}` in the topology's `assumptions`"),
        },
    }
}

fn objective_text(source: &SourceFile, objective: &Option<Objective>) -> String {
    match objective {
        Some(objective) => format!(
            "objective {} ({}, {})",
            human(objective.seconds),
            objective.declared_by,
            location(source, objective.span)
        ),
        None => "no objective".to_string(),
    }
}

/// The derivation for people.
pub(crate) fn text(source: &SourceFile, recovery: &Recovery) -> String {
    let mut out = String::new();
    if recovery.paths.is_empty() {
        out.push_str("RTO: no failover paths\n");
    }
    for path in &recovery.paths {
        out.push_str(&format!(
            "RTO of failover {}: {} → {}\n",
            path.failover, path.from, path.to
        ));
        let width = path
            .terms
            .iter()
            .map(|term| term.formula.chars().count())
            .max()
            .unwrap_or(0);
        for term in &path.terms {
            out.push_str(&format!(
                "  {:<16} {:>7}  {:<width$}  {}\n",
                term.name,
                format!("{} s", term.seconds),
                term.formula,
                origin_text(source, &term.origin),
            ));
        }
        out.push_str(&format!(
            "  {:<16} {:>7}  {}: {}\n",
            "worst case",
            format!("{} s", path.worst_case),
            objective_text(source, &path.objective),
            path.verdict
        ));
        out.push_str(&format!(
            "  static stability: what recovering from the loss of {} needs
",
            path.from
        ));
        let width = path
            .mechanisms
            .iter()
            .map(|m| m.name.chars().count())
            .max()
            .unwrap_or(0);
        for mechanism in &path.mechanisms {
            out.push_str(&format!(
                "    {:<width$}  {:<9}  {} — {}\n",
                mechanism.name,
                if mechanism.automatic {
                    "automatic"
                } else {
                    "by hand"
                },
                plane_text(&mechanism.plane),
                mechanism.note
            ));
        }
        for warning in &path.stability_warnings {
            out.push_str(&format!("  warning: {warning}\n"));
        }
        out.push('\n');
    }
    if recovery.stores.is_empty() {
        out.push_str("RPO: no replicated stores\n");
    }
    for store in &recovery.stores {
        out.push_str(&format!(
            "RPO of {} {}: {}\n",
            store.kind, store.store, store.mechanism
        ));
        let bound = match store.bound {
            RpoBound::Bounded {
                seconds,
                percentile: Some(percentile),
            } => format!("{} s for {percentile} of writes", seconds),
            RpoBound::Bounded {
                seconds,
                percentile: None,
            } => format!("{seconds} s"),
            RpoBound::Typical { seconds } => format!("≈{seconds} s, no published bound"),
            RpoBound::Unbounded => "unbounded".to_string(),
        };
        out.push_str(&format!(
            "  {:<16} {bound}  ({})\n",
            "worst case",
            location(source, store.span)
        ));
        out.push_str(&format!("  {:<16} {}\n", "source", store.source));
        let watched = if store.watched_by.is_empty() {
            "no alarm watches its replication".to_string()
        } else {
            format!("watched by alarm {}", store.watched_by.join(", "))
        };
        out.push_str(&format!(
            "  {:<16} {}: {}\n",
            "verdict",
            objective_text(source, &store.objective),
            store.verdict
        ));
        out.push_str(&format!("  {:<16} {watched}\n\n", "monitoring"));
    }
    out.trim_end().to_string()
}

fn json_location(source: &SourceFile, span: Span) -> serde_json::Value {
    let (line, column) = source.line_col(span.start);
    serde_json::json!({ "file": source.name, "line": line, "column": column })
}

fn json_origin(source: &SourceFile, origin: &Origin) -> serde_json::Value {
    match origin {
        Origin::File { spans, defaults } => serde_json::json!({
            "kind": "file",
            "locations": spans.iter().map(|span| json_location(source, *span)).collect::<Vec<_>>(),
            "defaults": defaults,
        }),
        Origin::Constant { source } => serde_json::json!({ "kind": "constant", "source": source }),
        Origin::Assumption { name, note, span } => serde_json::json!({
            "kind": "assumption",
            "parameter": name,
            "note": note,
            "location": span.map(|span| json_location(source, span)),
        }),
    }
}

fn json_objective(source: &SourceFile, objective: &Option<Objective>) -> serde_json::Value {
    match objective {
        Some(objective) => serde_json::json!({
            "seconds": objective.seconds,
            "declared_by": objective.declared_by,
            "location": json_location(source, objective.span),
        }),
        None => serde_json::Value::Null,
    }
}

fn plane_text(plane: &Plane) -> String {
    match plane {
        Plane::Data {
            service,
            region: None,
        } => format!("{service} data plane (global)"),
        Plane::Data {
            service,
            region: Some(region),
        } => format!("{service} data plane in {region}"),
        Plane::Control { service, region } => format!("{service} control plane in {region}"),
    }
}

/// The derivation for programs; documented in docs/language.md.
pub(crate) fn json(source: &SourceFile, recovery: &Recovery) -> serde_json::Value {
    serde_json::json!({
        "file": source.name,
        "rto": recovery.paths.iter().map(|path| serde_json::json!({
            "failover": path.failover,
            "from": path.from,
            "to": path.to,
            "terms": path.terms.iter().map(|term| serde_json::json!({
                "name": term.name,
                "seconds": term.seconds,
                "formula": term.formula,
                "origin": json_origin(source, &term.origin),
            })).collect::<Vec<_>>(),
            "worst_case_seconds": path.worst_case,
            "objective": json_objective(source, &path.objective),
            "verdict": path.verdict,
            "mechanisms": path.mechanisms,
            "stability_warnings": path.stability_warnings,
        })).collect::<Vec<_>>(),
        "rpo": recovery.stores.iter().map(|store| serde_json::json!({
            "store": store.store,
            "kind": store.kind,
            "mechanism": store.mechanism,
            "bound": store.bound,
            "source": store.source,
            "location": json_location(source, store.span),
            "objective": json_objective(source, &store.objective),
            "verdict": store.verdict,
            "watched_by": store.watched_by,
        })).collect::<Vec<_>>(),
    })
}
