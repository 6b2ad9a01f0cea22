//! Recovery objectives proved from configuration.
//!
//! For every failover path drx derives the worst-case recovery time (RTO), and
//! for every replicated store the worst-case recovery point (RPO), term by
//! term, each term tied to the line of the file it comes from or to a
//! published constant (`constants.rs`). Objectives are then judged against
//! those derivations. The model:
//!
//! ```text
//! RTO = interval × failure threshold        detection
//!     + t_check                             6 s HTTP(S), 10 s TCP
//!     + route53_answer_change               assumption (no published bound)
//!     + max(TTL, client_dns_cache)          DNS caching
//!     + standby_warm_up                     assumption (0 for warm standby)
//!
//! RPO = per store: DynamoDB eventual ≈1 s (no bound), strong 0,
//!       S3 with RTC 900 s for 99.99 %, S3 without RTC unbounded
//! ```

mod constants;
mod rpo;
mod rto;
pub mod stability;

use serde::Serialize;

use super::topology::{Region, Seconds, Topology};
use crate::source::Span;

/// The derivation of every objective in a topology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recovery {
    pub paths: Vec<RtoPath>,
    pub stores: Vec<StoreRpo>,
}

/// How long failing over from `from` to `to` can take.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RtoPath {
    pub failover: String,
    pub from: Region,
    pub to: Region,
    pub terms: Vec<Term>,
    pub worst_case: Seconds,
    pub objective: Option<Objective>,
    pub verdict: Verdict,
    /// What each mechanism it relies on needs at failure (static
    /// stability), and where recovering needs the lost region's control
    /// plane.
    pub mechanisms: Vec<stability::Mechanism>,
    pub stability_warnings: Vec<String>,
    #[serde(skip)]
    pub span: Span,
}

/// One addend of an RTO.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// `detection`, `health check`, …
    pub name: &'static str,
    pub seconds: Seconds,
    /// How the number is made: `interval 30 s × failures 3`.
    pub formula: String,
    pub origin: Origin,
}

/// Where a number comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Settings in the file (or drx's defaults for those not written).
    File {
        #[serde(skip)]
        spans: Vec<Span>,
        defaults: Vec<String>,
    },
    /// A number AWS publishes.
    Constant { source: &'static str },
    /// A number AWS does not publish: the file's assumption, or drx's default.
    Assumption {
        name: &'static str,
        note: &'static str,
        #[serde(skip)]
        span: Option<Span>,
    },
}

/// How much data a store can lose in a regional failure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreRpo {
    pub store: String,
    pub kind: &'static str,
    /// `DynamoDB global table, eventual consistency`
    pub mechanism: String,
    pub bound: RpoBound,
    pub source: &'static str,
    pub objective: Option<Objective>,
    pub verdict: Verdict,
    /// Whether an alarm watches this store's replication.
    pub watched_by: Vec<String>,
    /// The statement that sets up replication (or the store itself).
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RpoBound {
    /// A guaranteed bound (for `percentile` of writes, when AWS states one).
    Bounded {
        seconds: Seconds,
        percentile: Option<&'static str>,
    },
    /// What is typical; AWS publishes no bound.
    Typical { seconds: Seconds },
    /// Nothing is published.
    Unbounded,
}

/// An objective and where it is declared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objective {
    pub seconds: Seconds,
    /// `topology`, or the store or failover that declares its own.
    pub declared_by: String,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Proved: the worst case is within the objective.
    Holds { spare: Seconds },
    /// Within the objective in the typical case, but AWS guarantees no bound.
    HoldsTypically { spare: Seconds },
    /// The worst case exceeds the objective.
    Violated { excess: Seconds },
    /// No bound exists, so no objective can be proved.
    Unbounded,
    /// No objective applies.
    NoObjective,
}

impl Verdict {
    pub fn failed(self) -> bool {
        matches!(self, Verdict::Violated { .. } | Verdict::Unbounded)
    }
}

/// Derives every path's RTO and every store's RPO.
pub fn analyze(topology: &Topology) -> Recovery {
    let stores = rpo::derive_all(topology);
    let paths = topology
        .failovers
        .iter()
        .map(|failover| {
            let mut path = rto::derive(topology, failover);
            (path.mechanisms, path.stability_warnings) = stability::derive(&path, &stores);
            path
        })
        .collect();
    Recovery { paths, stores }
}

/// `156 s`, `5 min`, `1 h 30 min`: seconds for people.
pub fn human(seconds: Seconds) -> String {
    match seconds {
        s if s < 60 || s % 60 != 0 => format!("{s} s"),
        s if s < 7200 || s % 3600 != 0 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

/// One line of `drx check`'s verdict: an objective and its worst component.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveSummary {
    /// `RTO` or `RPO`.
    pub measure: &'static str,
    pub objective: Objective,
    pub verdict: Verdict,
    /// The worst case, in words: `156 s`, `≈1 s (no published bound)`.
    pub worst: String,
    /// What has that worst case: `failover api (us-east-1 → us-east-2)`.
    pub component: String,
}

impl Recovery {
    /// Every declared objective with the worst verdict among what it governs.
    pub fn objectives(&self) -> Vec<ObjectiveSummary> {
        let mut summaries: Vec<(ObjectiveSummary, (u8, Seconds))> = Vec::new();
        let candidates = self
            .paths
            .iter()
            .filter_map(|path| {
                let objective = path.objective.clone()?;
                let worst = human(path.worst_case);
                let component = format!("failover {} ({} → {})", path.failover, path.from, path.to);
                Some((
                    "RTO",
                    objective,
                    path.verdict,
                    worst,
                    component,
                    (0, path.worst_case),
                ))
            })
            .chain(self.stores.iter().filter_map(|store| {
                let objective = store.objective.clone()?;
                let (worst, rank) = match store.bound {
                    RpoBound::Bounded {
                        seconds,
                        percentile: Some(percentile),
                    } => (
                        format!("{} for {percentile} of writes", human(seconds)),
                        (0, seconds),
                    ),
                    RpoBound::Bounded {
                        seconds,
                        percentile: None,
                    } => (human(seconds), (0, seconds)),
                    RpoBound::Typical { seconds } => {
                        (format!("≈{} (no published bound)", human(seconds)), (1, seconds))
                    }
                    RpoBound::Unbounded => ("unbounded".to_string(), (2, 0)),
                };
                Some((
                    "RPO",
                    objective,
                    store.verdict,
                    worst,
                    format!("{} {}", store.kind, store.store),
                    rank,
                ))
            }));
        for (measure, objective, verdict, worst, component, rank) in candidates {
            let summary = ObjectiveSummary {
                measure,
                objective,
                verdict,
                worst,
                component,
            };
            match summaries.iter_mut().find(|(existing, _)| {
                existing.measure == measure && existing.objective.span == summary.objective.span
            }) {
                Some((existing, existing_rank)) => {
                    if severity(summary.verdict) > severity(existing.verdict)
                        || (severity(summary.verdict) == severity(existing.verdict) && rank > *existing_rank)
                    {
                        *existing = summary;
                        *existing_rank = rank;
                    }
                }
                None => summaries.push((summary, rank)),
            }
        }
        summaries.into_iter().map(|(summary, _)| summary).collect()
    }
}

fn severity(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::NoObjective => 0,
        Verdict::Holds { .. } => 1,
        Verdict::HoldsTypically { .. } => 2,
        Verdict::Violated { .. } => 3,
        Verdict::Unbounded => 4,
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Holds { spare } => write!(f, "holds, {} to spare", human(*spare)),
            Verdict::HoldsTypically { spare } => {
                write!(
                    f,
                    "holds typically ({} to spare), but AWS guarantees no bound",
                    human(*spare)
                )
            }
            Verdict::Violated { excess } => write!(f, "NOT MET: {} over", human(*excess)),
            Verdict::Unbounded => write!(f, "NOT MET: no bound exists"),
            Verdict::NoObjective => write!(f, "no objective declared"),
        }
    }
}

#[cfg(test)]
mod tests;
