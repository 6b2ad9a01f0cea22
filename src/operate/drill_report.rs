//! What a drill found, beside what `drx explain` proved: every action with
//! its time, each RTO term measured (or computed, where no drill can see
//! it), each store's measured RPO, and a verdict per objective. Rendered
//! as JSON (serde) and as Markdown for a change record.

use std::time::Duration;

use serde::Serialize;

use super::failover::Steering;
use crate::state::State;

/// One term of a proven RTO, as `drx explain` derives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvenTerm {
    pub name: String,
    pub seconds: f64,
}

/// What `drx explain` proves of one failover path.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvenPath {
    pub failover: String,
    pub terms: Vec<ProvenTerm>,
    pub objective: Option<f64>,
}

/// What `drx explain` proves of one store.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvenStore {
    pub store: String,
    /// `None`: AWS publishes no bound.
    pub bound: Option<f64>,
    pub objective: Option<f64>,
}

/// What `drx explain` proves of every failover path and every store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proofs {
    pub paths: Vec<ProvenPath>,
    pub stores: Vec<ProvenStore>,
}

/// A measurement holds its objective when it was made and is within it;
/// with no objective, being made is enough.
fn holds(measured: Option<f64>, objective: Option<f64>) -> bool {
    match (measured, objective) {
        (Some(measured), Some(objective)) => measured <= objective,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// RFC 3339, milliseconds.
    pub at: String,
    /// Since the drill began.
    pub elapsed_seconds: f64,
    pub what: String,
}

/// One RTO term: measured, or computed where nothing can be observed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measured {
    pub term: String,
    pub seconds: Option<f64>,
    /// `measured`, or how it is computed.
    pub how: String,
    /// The same term in the proof.
    pub proven_seconds: Option<f64>,
}

/// A store's canary: which, how it was read, how long it took to arrive.
pub(super) type StoreMeasured = (String, String, Option<Duration>);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreRpo {
    pub store: String,
    pub canary: String,
    /// From the canary's write in the primary until it was readable in the
    /// standby; `None`: it never arrived.
    pub seconds: Option<f64>,
    /// The bound the proof gives (`None`: AWS publishes none).
    pub proven_seconds: Option<f64>,
    pub objective_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub objective: String,
    pub measured_seconds: Option<f64>,
    pub objective_seconds: Option<f64>,
    pub holds: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrillReport {
    pub stack: String,
    pub failover: String,
    pub domain: String,
    pub from: String,
    pub to: String,
    pub actions: Vec<Action>,
    pub rto: Vec<Measured>,
    /// The measured terms and the computed ones, added up.
    pub rto_seconds: Option<f64>,
    pub rpo: Vec<StoreRpo>,
    pub verdicts: Vec<Verdict>,
    /// Whether a plan afterwards showed 0 changes (filled in by the caller).
    pub restored: Option<bool>,
    pub errors: Vec<String>,
}

impl DrillReport {
    /// Every objective held, nothing went wrong, and the stack is as it was.
    pub fn passed(&self) -> bool {
        self.errors.is_empty() && self.verdicts.iter().all(|v| v.holds) && self.restored != Some(false)
    }
}

fn secs(duration: Option<Duration>) -> Option<f64> {
    duration.map(|d| d.as_secs_f64())
}

pub(super) fn build(
    state: &State,
    steering: &Steering,
    proofs: &Proofs,
    actions: Vec<Action>,
    (detected, answered, serving): (Option<Duration>, Option<Duration>, Option<Duration>),
    stores: Vec<StoreMeasured>,
    errors: Vec<String>,
) -> DrillReport {
    let path = proofs.paths.iter().find(|p| p.failover == steering.failover);
    let proven = |names: &[&str]| -> Option<f64> {
        let found: Vec<f64> = path?
            .terms
            .iter()
            .filter(|t| names.contains(&t.name.as_str()))
            .map(|t| t.seconds)
            .collect();
        (!found.is_empty()).then(|| found.iter().sum())
    };
    let between = |a: Option<Duration>, b: Option<Duration>| Some(b?.saturating_sub(a?).as_secs_f64());
    // The health check's timeouts are inside every probe, so detection
    // measured covers both of the proof's first terms.
    let rto = vec![
        Measured {
            term: "detection".into(),
            seconds: secs(detected),
            how: "measured: outage until the check is unhealthy (HealthCheckStatus 0, after its failure threshold)".into(),
            proven_seconds: proven(&["detection", "health check"]),
        },
        Measured {
            term: "Route 53 answer".into(),
            seconds: between(detected, answered),
            how: "measured: until TestDNSAnswer gives the standby".into(),
            proven_seconds: proven(&["Route 53 answer"]),
        },
        Measured {
            term: "standby warm-up".into(),
            seconds: between(answered, serving),
            how: "measured: until the standby's health route answers 2xx".into(),
            proven_seconds: proven(&["standby warm-up"]),
        },
        Measured {
            term: "DNS caching".into(),
            seconds: proven(&["DNS caching"]),
            how: "computed: clients may keep the old answer for its TTL; no drill can observe a client's cache".into(),
            proven_seconds: proven(&["DNS caching"]),
        },
    ];
    let rto_seconds = rto.iter().map(|m| m.seconds).sum::<Option<f64>>();
    let mut verdicts = vec![Verdict {
        objective: format!(
            "RTO of failover {} ({} → {})",
            steering.failover, steering.primary, steering.standby
        ),
        measured_seconds: rto_seconds,
        objective_seconds: path.and_then(|p| p.objective),
        holds: holds(rto_seconds, path.and_then(|p| p.objective)),
    }];
    let rpo: Vec<StoreRpo> = stores
        .into_iter()
        .map(|(store, canary, took)| {
            let proof = proofs.stores.iter().find(|p| p.store == store);
            StoreRpo {
                store,
                canary,
                seconds: secs(took),
                proven_seconds: proof.and_then(|p| p.bound),
                objective_seconds: proof.and_then(|p| p.objective),
            }
        })
        .collect();
    for store in &rpo {
        verdicts.push(Verdict {
            objective: format!("RPO of {}", store.store),
            measured_seconds: store.seconds,
            objective_seconds: store.objective_seconds,
            holds: holds(store.seconds, store.objective_seconds),
        });
    }
    DrillReport {
        stack: state.stack.clone(),
        failover: steering.failover.clone(),
        domain: steering.domain.clone(),
        from: steering.primary.clone(),
        to: steering.standby.clone(),
        actions,
        rto,
        rto_seconds,
        rpo,
        verdicts,
        restored: None,
        errors,
    }
}

fn seconds(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |s| format!("{s:.2} s"))
}

impl DrillReport {
    /// The report as Markdown, for a change record or a post-mortem.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# Drill of failover `{}` ({}): {} → {}\n\nStack `{}`. Verdict: **{}**.\n\n",
            self.failover,
            self.domain,
            self.from,
            self.to,
            self.stack,
            if self.passed() { "passed" } else { "FAILED" }
        );
        out.push_str("## Objectives\n\n| objective | measured | objective | holds |\n|---|---|---|---|\n");
        for verdict in &self.verdicts {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                verdict.objective,
                seconds(verdict.measured_seconds),
                seconds(verdict.objective_seconds),
                if verdict.holds { "yes" } else { "**no**" }
            ));
        }
        out.push_str(
            "\n## RTO, term by term\n\n| term | drill | proof (`drx explain`) | how |\n|---|---|---|---|\n",
        );
        for term in &self.rto {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                term.term,
                seconds(term.seconds),
                seconds(term.proven_seconds),
                term.how
            ));
        }
        out.push_str(&format!("| **total** | {} | | |\n", seconds(self.rto_seconds)));
        out.push_str("\n## RPO per store\n\n| store | canary | arrived after | proven bound | objective |\n|---|---|---|---|---|\n");
        for store in &self.rpo {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                store.store,
                store.canary,
                seconds(store.seconds),
                store
                    .proven_seconds
                    .map_or_else(|| "none published".to_string(), |s| format!("{s:.0} s")),
                seconds(store.objective_seconds)
            ));
        }
        out.push_str("\n## Actions\n\n| at | + s | action |\n|---|---|---|\n");
        for action in &self.actions {
            out.push_str(&format!(
                "| {} | {:.2} | {} |\n",
                action.at, action.elapsed_seconds, action.what
            ));
        }
        match self.restored {
            Some(true) => out.push_str("\nRestored exactly: a plan afterwards showed 0 changes.\n"),
            Some(false) => out.push_str("\n**Not restored exactly**: a plan afterwards showed changes.\n"),
            None => {}
        }
        for error in &self.errors {
            out.push_str(&format!("\n**Error:** {error}\n"));
        }
        out.push_str(
            "\nA drill measures one failover, now: it shows the mechanisms work and how long they took this time. \
It cannot show the worst case (that is what the proof is for), a client's DNS cache, or a real region's loss of its \
control planes; a canary that arrived shows replication worked, not that every earlier write did.\n",
        );
        out
    }
}
