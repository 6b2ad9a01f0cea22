//! `drx failover` and `drx failback`: moving a failover's traffic to its
//! standby and back through the path Route 53 itself uses in an outage.
//!
//! The mechanism, weighed (docs/operations.md has the whole comparison):
//! the primary's health check is pointed at a path the API does not route,
//! so every checker sees the primary fail, the check turns unhealthy after
//! its failure threshold, and Route 53's data plane answers with the
//! SECONDARY record — exactly what an outage looks like. Inverting the
//! check (`Inverted`) would do the same in one flag, but while it is in
//! force a real outage of the primary reads *healthy* and sends traffic
//! back to the failed region; rewriting the records works without health
//! checks but fights the records' own failover and waits on DNS
//! propagation of a control-plane change. A steered path keeps the primary
//! unhealthy whatever it does, and failback is restoring one string.
//!
//! Every step is recorded in the state before it is taken, so an
//! interrupted failover is known to the next command and a plan never
//! undoes one (`plan::keep_failovers`).

use std::time::{Duration, Instant};

use crate::model::resources::{Attributes, Resolved, Resource};
use crate::model::{Observer, Provider, ResourceState};
use crate::state::{FailoverPhase, FailoverRecord, Outputs, State, StateError, StateStore};

use super::replication::{LinkStatus, links, measure};

/// Where the primary's check probes while a failover is in force: under
/// the health path, which no route of the example answers.
pub const STEERED_SUFFIX: &str = "/drx-failover-in-force";

/// One failover of the stack, as its state records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Steering {
    /// The block (`api`).
    pub failover: String,
    pub domain: String,
    zone_id: String,
    record_type: String,
    pub primary: String,
    pub standby: String,
    primary_value: String,
    standby_value: String,
    pub health_check: ResourceState,
}

impl Steering {
    pub(super) fn zone_id(&self) -> &str {
        &self.zone_id
    }

    pub(super) fn record_type(&self) -> &str {
        &self.record_type
    }

    /// Whether `answer` (a value Route 53 answered) is the primary's target.
    pub(super) fn is_primary(&self, answer: &str) -> bool {
        answer.trim_end_matches('.') == self.primary_value.trim_end_matches('.')
    }

    pub(super) fn is_standby(&self, answer: &str) -> bool {
        answer.trim_end_matches('.') == self.standby_value.trim_end_matches('.')
    }
}

fn text<'a>(json: &'a serde_json::Value, key: &str) -> &'a str {
    json.get(key).and_then(|v| v.as_str()).unwrap_or_default()
}

/// The region an execute-api or regional AWS host names.
pub(super) fn region_of(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.');
    let parts: Vec<&str> = host.split('.').collect();
    let at = parts.iter().position(|p| *p == "amazonaws")?;
    let region = parts.get(at.checked_sub(1)?)?;
    region.contains('-').then(|| (*region).to_string())
}

/// Every failover the state records: its records, regions and the primary's
/// health check.
pub fn steerings(state: &State) -> Vec<Steering> {
    let mut found = Vec::new();
    // Records keep their references; what they resolved to is known.
    let outputs = Outputs::of(state);
    let records: Vec<ResourceState> = state
        .resources
        .iter()
        .filter(|r| r.resource_type == crate::model::resources::ResourceType::DnsRecord)
        .map(|r| ResourceState {
            attributes: outputs.recorded(&r.attributes),
            ..r.clone()
        })
        .collect();
    for primary in records
        .iter()
        .filter(|r| text(&r.attributes, "failover").eq_ignore_ascii_case("primary"))
    {
        let block = primary.address.split('.').next().unwrap_or_default();
        let Some(secondary) = records.iter().find(|r| {
            r.address.split('.').next() == Some(block)
                && text(&r.attributes, "failover").eq_ignore_ascii_case("secondary")
                && text(&r.attributes, "name") == text(&primary.attributes, "name")
        }) else {
            continue;
        };
        let check_id = text(&primary.attributes, "health_check");
        let Some(check) = state.resources.iter().find(|r| {
            r.resource_type == crate::model::resources::ResourceType::HealthCheck && r.physical_id == check_id
        }) else {
            continue;
        };
        let value = |r: &ResourceState| text(&r.attributes, "value").to_string();
        let (primary_value, standby_value) = (value(primary), value(secondary));
        let (Some(primary_region), Some(standby_region)) =
            (region_of(&primary_value), region_of(&standby_value))
        else {
            continue;
        };
        found.push(Steering {
            failover: block.to_string(),
            domain: text(&primary.attributes, "name").to_string(),
            zone_id: primary.outputs.get("zone").cloned().unwrap_or_default(),
            record_type: text(&primary.attributes, "record_type").to_ascii_uppercase(),
            primary: primary_region,
            standby: standby_region,
            primary_value,
            standby_value,
            health_check: (*check).clone(),
        });
    }
    found
}

/// What a failover or failback is asked.
#[derive(Debug, Clone)]
pub struct Request {
    /// One failover block; every one when `None`.
    pub failover: Option<String>,
    /// The region to send traffic to (failover only): the standby.
    pub to: Option<String>,
    /// Skip waiting for replication; say what may be lost instead.
    pub force: bool,
    pub reason: Option<String>,
    /// How long replication may take to catch up, and Route 53 to answer.
    pub timeout: Duration,
    /// Table replication latency still counted as caught up.
    pub max_lag: Duration,
    /// Between two looks at metrics or Route 53's answer.
    pub poll: Duration,
    /// Made by a drill.
    pub drill: bool,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            failover: None,
            to: None,
            force: false,
            reason: None,
            timeout: Duration::from_secs(600),
            max_lag: Duration::from_secs(5),
            poll: Duration::from_secs(2),
            drill: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OperateError {
    #[error("the stack has no failover{0}")]
    NoFailover(String),
    #[error("{0}")]
    Refused(String),
    #[error(
        "replication has not caught up after {waited:.0} s, so failing over now could lose writes:\n  {}\nnothing was changed; wait, or pass --force to fail over anyway",
        behind.join("\n  ")
    )]
    Behind { behind: Vec<String>, waited: f64 },
    #[error("Route 53 still answers {domain} with {region} after {waited:.0} s; {next}")]
    NotAnswering {
        domain: String,
        region: String,
        waited: f64,
        next: String,
    },
    #[error("{doing}: {error}")]
    Aws { doing: String, error: String },
    #[error(transparent)]
    State(#[from] StateError),
}

/// What a failover or failback did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Per failover: its record once in force (a failback's is the one it
    /// ended).
    pub records: Vec<FailoverRecord>,
    /// Failovers that were already where asked.
    pub unchanged: Vec<String>,
    /// With `--force`: what replication had not delivered.
    pub may_be_lost: Vec<String>,
    /// Warnings, such as a store that replicates one way only.
    pub notes: Vec<String>,
}

/// Where the message says what to do about a step, events are printed as
/// they happen.
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// The failovers a command acts on: the one named, or every one; an
/// unknown name is refused with the names there are.
pub fn choose(state: &State, failover: Option<&str>) -> Result<Vec<Steering>, OperateError> {
    let all = steerings(state);
    if all.is_empty() {
        return Err(OperateError::NoFailover(
            " recorded in its state (a `failover` block, applied)".into(),
        ));
    }
    match failover {
        None => Ok(all),
        Some(name) => {
            let names: Vec<&str> = all.iter().map(|s| s.failover.as_str()).collect();
            let picked: Vec<Steering> = all.iter().filter(|s| s.failover == name).cloned().collect();
            if picked.is_empty() {
                let hint = crate::suggest::did_you_mean(name, names.iter().copied())
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                return Err(OperateError::NoFailover(format!(
                    " named `{name}` (it has {}){hint}",
                    names.join(", ")
                )));
            }
            Ok(picked)
        }
    }
}

/// The path the check probes while steered, refused when one of the API's
/// recorded resources would answer it.
fn steered_path(state: &State, steering: &Steering) -> Result<(String, String), OperateError> {
    let Ok(Attributes::HealthCheck(check)) = steering.health_check.typed_attributes() else {
        return Err(OperateError::Refused(format!(
            "the state of {} cannot be read",
            steering.health_check.address
        )));
    };
    let Some(path) = check.resource_path.clone() else {
        return Err(OperateError::Refused(format!(
            "{}'s health check is TCP: drx steers a failover by the path an HTTP(S) check probes; use `protocol https` in its health_check",
            steering.failover
        )));
    };
    let steered = format!("{}{STEERED_SUFFIX}", path.trim_end_matches('/'));
    // The API's own path, without the stage that starts the URL.
    let api_path: Vec<&str> = steered.trim_start_matches('/').split('/').skip(1).collect();
    for resource in &state.resources {
        if let Ok(Attributes::ApiResource(api)) = resource.typed_attributes() {
            let template: Vec<&str> = api.path.trim_start_matches('/').split('/').collect();
            if routes(&template, &api_path) {
                return Err(OperateError::Refused(format!(
                    "{} ({}) would answer {steered}, so the check would stay healthy: drx cannot steer {} by its path",
                    resource.address, api.path, steering.failover
                )));
            }
        }
    }
    Ok((path, steered))
}

/// Whether an API Gateway resource path template answers `path`.
fn routes(template: &[&str], path: &[&str]) -> bool {
    match (template.split_first(), path.split_first()) {
        (Some((part, _)), _) if part.starts_with('{') && part.ends_with("+}") => !path.is_empty(),
        (Some((part, rest)), Some((segment, more))) => {
            (part == segment || (part.starts_with('{') && part.ends_with('}'))) && routes(rest, more)
        }
        (None, None) => true,
        _ => false,
    }
}

/// The health check of `steering`, probing `path`. Its record keeps its
/// references (the API's id in its host); they are filled from what the
/// state knows, and the record keeps them as they were.
async fn steer<P: Provider>(
    provider: &P,
    state: &State,
    check: &ResourceState,
    path: &str,
) -> Result<ResourceState, OperateError> {
    let aws = |doing: &str, error: String| OperateError::Aws {
        doing: format!("{doing} {}", check.address),
        error,
    };
    let mut filled = check.clone();
    filled.attributes = Outputs::of(state).recorded(&check.attributes);
    let Ok(Attributes::HealthCheck(mut attributes)) = filled.typed_attributes() else {
        return Err(aws("read the state of", "not a health check".into()));
    };
    attributes.resource_path = Some(path.to_string());
    let resource = Resource {
        address: check.address.clone(),
        region: check.region.clone(),
        attributes: Attributes::HealthCheck(attributes),
        depends_on: Vec::new(),
        replaced_with: Vec::new(),
        block: check.address.split('.').next().unwrap_or_default().to_string(),
        span: Default::default(),
    };
    let resolved = Resolved::new(resource).map_err(|e| aws("steer", e))?;
    provider
        .update(&resolved, &filled, None)
        .await
        .map_err(|e| aws("update", e.to_string()))?;
    let mut updated = check.clone();
    updated.attributes["resource_path"] = serde_json::Value::String(path.to_string());
    Ok(updated)
}

/// Waits until Route 53 answers `steering`'s name with `value`.
async fn await_answer<O: Observer>(
    observer: &O,
    steering: &Steering,
    value: &str,
    request: &Request,
) -> Result<Duration, (f64, String)> {
    let started = Instant::now();
    let mut last;
    loop {
        match observer
            .dns_answer(&steering.zone_id, &steering.domain, &steering.record_type)
            .await
        {
            Ok(answer) => {
                if answer
                    .iter()
                    .any(|a| a.trim_end_matches('.') == value.trim_end_matches('.'))
                {
                    return Ok(started.elapsed());
                }
                last = answer.join(", ");
            }
            Err(error) => last = format!("(cannot ask: {error})"),
        }
        if started.elapsed() >= request.timeout {
            return Err((started.elapsed().as_secs_f64(), last));
        }
        tokio::time::sleep(request.poll).await;
    }
}

/// Waits for every link from `from` to `to` to catch up (not with
/// `force`); what is still behind at the timeout refuses the switch, or,
/// forced, is reported as what may be lost.
async fn graceful<O: Observer>(
    state: &State,
    observer: &O,
    (from, to): (&str, &str),
    request: &Request,
    progress: Progress<'_>,
    report: &mut Report,
) -> Result<(), OperateError> {
    progress(&format!("checking that replication {from} → {to} has caught up"));
    let started = Instant::now();
    let relevant: Vec<_> = links(state)
        .into_iter()
        .filter(|l| l.from == from && l.to == to)
        .collect();
    loop {
        let (mut behind, mut notes) = (Vec::new(), Vec::new());
        for link in &relevant {
            let status: LinkStatus = measure(observer, link).await;
            if let Some(note) = &status.note {
                notes.push(format!("{} {from} → {to}: {note}", status.store));
            }
            behind.extend(status.behind(request.max_lag));
        }
        let waited = started.elapsed().as_secs_f64();
        if behind.is_empty() || request.force || started.elapsed() >= request.timeout {
            report.notes.extend(notes);
            if behind.is_empty() {
                return Ok(());
            }
            if !request.force {
                return Err(OperateError::Behind { behind, waited });
            }
            report.may_be_lost.extend(behind);
            return Ok(());
        }
        progress(&format!(
            "waiting for replication to catch up ({waited:.0} s): {}",
            behind.join("; ")
        ));
        tokio::time::sleep(request.poll).await;
    }
}

fn save(state: &mut State, store: &dyn StateStore) -> Result<(), OperateError> {
    state.serial += 1;
    store.write(state)?;
    Ok(())
}

fn replace_record(state: &mut State, updated: ResourceState) {
    if let Some(record) = state.resources.iter_mut().find(|r| r.address == updated.address) {
        *record = updated;
    }
}

fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Moves each chosen failover's traffic to its standby, gracefully unless
/// `request.force`, recording every step in `state` through `store`.
pub async fn failover<A: Provider + Observer>(
    state: &mut State,
    store: &dyn StateStore,
    aws: &A,
    request: &Request,
    progress: Progress<'_>,
) -> Result<Report, OperateError> {
    let chosen = choose(state, request.failover.as_deref())?;
    if let Some(to) = &request.to {
        for steering in &chosen {
            if *to == steering.primary {
                return Err(OperateError::Refused(format!(
                    "{to} is {}'s primary: traffic goes there unless failed over; `drx failback` returns it",
                    steering.failover
                )));
            }
            if *to != steering.standby {
                return Err(OperateError::Refused(format!(
                    "{} can fail over to {} only (its standby), not {to}",
                    steering.failover, steering.standby
                )));
            }
        }
    }
    let mut report = Report::default();
    let by = aws
        .caller()
        .await
        .unwrap_or_else(|_| "an unknown AWS identity".into());
    for steering in chosen {
        let existing = state
            .failovers
            .iter()
            .find(|f| f.failover == steering.failover)
            .cloned();
        match existing.as_ref().map(|f| f.phase) {
            Some(FailoverPhase::InForce) => {
                report.unchanged.push(format!(
                    "{} is already failed over: {}",
                    steering.failover,
                    existing
                        .as_ref()
                        .map(FailoverRecord::describe)
                        .unwrap_or_default()
                ));
                continue;
            }
            Some(FailoverPhase::FailingBack) => {
                return Err(OperateError::Refused(format!(
                    "{} is failing back (an interrupted `drx failback`): run `drx failback` to finish it first",
                    steering.failover
                )));
            }
            // An interrupted failover is taken up where it stopped.
            Some(FailoverPhase::Started) => progress(&format!(
                "taking up the interrupted failover of {}",
                steering.failover
            )),
            None => {}
        }
        let (_, steered) = steered_path(state, &steering)?;

        if existing.is_none() {
            graceful(
                state,
                aws,
                (&steering.primary, &steering.standby),
                request,
                progress,
                &mut report,
            )
            .await?;
            state.failovers.push(FailoverRecord {
                failover: steering.failover.clone(),
                domain: steering.domain.clone(),
                from: steering.primary.clone(),
                to: steering.standby.clone(),
                health_check: steering.health_check.address.clone(),
                steered_path: steered.clone(),
                phase: FailoverPhase::Started,
                by: by.clone(),
                host: gethostname::gethostname().to_string_lossy().into_owned(),
                since: now(),
                reason: request.reason.clone(),
                forced: request.force,
                drill: request.drill,
                took_seconds: None,
            });
            save(state, store)?;
        }

        progress(&format!(
            "pointing {} ({}) at {steered}, so Route 53 sees {} fail",
            steering.health_check.address, steering.health_check.physical_id, steering.primary
        ));
        let updated = steer(aws, state, &steering.health_check, &steered).await?;
        replace_record(state, updated);
        save(state, store)?;

        progress(&format!(
            "waiting for Route 53 to answer {} with {}",
            steering.domain, steering.standby
        ));
        let took = await_answer(aws, &steering, &steering.standby_value, request)
            .await
            .map_err(|(waited, last)| OperateError::NotAnswering {
                domain: steering.domain.clone(),
                region: format!("{} ({last})", steering.primary),
                waited,
                next: "the failover is recorded as started: `drx failover` waits again, `drx failback` undoes it".into(),
            })?;
        let record = state
            .failovers
            .iter_mut()
            .find(|f| f.failover == steering.failover)
            .expect("recorded above");
        record.phase = FailoverPhase::InForce;
        record.took_seconds = Some(took.as_secs_f64());
        let record = record.clone();
        save(state, store)?;
        report.records.push(record);
    }
    Ok(report)
}

/// Returns each chosen failover in force to its primary, gracefully
/// unless `request.force`, and forgets it once Route 53 answers with the
/// primary.
pub async fn failback<A: Provider + Observer>(
    state: &mut State,
    store: &dyn StateStore,
    aws: &A,
    request: &Request,
    progress: Progress<'_>,
) -> Result<Report, OperateError> {
    let chosen = choose(state, request.failover.as_deref())?;
    let mut report = Report::default();
    for steering in chosen {
        let Some(record) = state
            .failovers
            .iter()
            .find(|f| f.failover == steering.failover)
            .cloned()
        else {
            report
                .unchanged
                .push(format!("{} is not failed over", steering.failover));
            continue;
        };
        if record.phase != FailoverPhase::FailingBack {
            graceful(
                state,
                aws,
                (&steering.standby, &steering.primary),
                request,
                progress,
                &mut report,
            )
            .await?;
            // A store that copies only primary → standby leaves behind what
            // was written in the standby meanwhile.
            let all = links(state);
            for link in all
                .iter()
                .filter(|l| l.from == steering.primary && l.to == steering.standby)
            {
                let back = all
                    .iter()
                    .any(|b| b.store == link.store && b.from == steering.standby && b.to == steering.primary);
                if !back {
                    report.notes.push(format!(
                        "{} replicates {} → {} only: what was written to it in {} since {} stays there",
                        link.store, steering.primary, steering.standby, steering.standby, record.since
                    ));
                }
            }
            if let Some(recorded) = state
                .failovers
                .iter_mut()
                .find(|f| f.failover == steering.failover)
            {
                recorded.phase = FailoverPhase::FailingBack;
            }
            save(state, store)?;
        }
        let own = record
            .steered_path
            .strip_suffix(STEERED_SUFFIX)
            .unwrap_or(&record.steered_path)
            .to_string();
        let own = if own.is_empty() { "/".to_string() } else { own };
        progress(&format!(
            "pointing {} back at {own}",
            steering.health_check.address
        ));
        let updated = steer(aws, state, &steering.health_check, &own).await?;
        replace_record(state, updated);
        save(state, store)?;

        progress(&format!(
            "waiting for Route 53 to answer {} with {}",
            steering.domain, steering.primary
        ));
        await_answer(aws, &steering, &steering.primary_value, request)
            .await
            .map_err(|(waited, last)| OperateError::NotAnswering {
                domain: steering.domain.clone(),
                region: format!("{} ({last})", steering.standby),
                waited,
                next: format!(
                    "the health check probes {own} again, so {} may be unhealthy: `drx status` shows what the checkers see; `drx failback` waits again",
                    steering.primary
                ),
            })?;
        state.failovers.retain(|f| f.failover != steering.failover);
        save(state, store)?;
        report.records.push(record);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operate::fake::{FakeAws, applied_state};
    use crate::state::MemoryStore;

    fn quick() -> Request {
        Request {
            timeout: Duration::from_millis(300),
            poll: Duration::from_millis(10),
            reason: Some("us-east-1 impaired".into()),
            ..Request::default()
        }
    }

    fn quiet(_: &str) {}

    #[tokio::test]
    async fn a_failover_steers_the_check_waits_for_the_answer_and_records_it() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        let report = failover(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .expect("fails over");
        assert_eq!(
            aws.updates.lock().unwrap().as_slice(),
            ["/prod/health/drx-failover-in-force"]
        );
        let record = &report.records[0];
        assert_eq!(
            (record.from.as_str(), record.to.as_str()),
            ("us-east-1", "us-east-2")
        );
        assert_eq!(record.phase, FailoverPhase::InForce);
        assert_eq!(record.by, "arn:aws:iam::123456789012:user/alice");
        assert_eq!(record.reason.as_deref(), Some("us-east-1 impaired"));
        assert!(record.took_seconds.is_some());
        // The state as written says so, and records the check as steered.
        let written = store.read().unwrap().expect("written");
        assert_eq!(written.failovers, vec![record.clone()]);
        assert_eq!(written.serial, 3, "recorded, steered, in force: three writes");
        let check = written
            .resources
            .iter()
            .find(|r| r.address == "api.health_check")
            .unwrap();
        assert_eq!(
            check.attributes["resource_path"],
            "/prod/health/drx-failover-in-force"
        );
        // Again: nothing to do.
        let again = failover(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .unwrap();
        assert_eq!(again.records.len(), 0);
        assert_eq!(again.unchanged.len(), 1);
        assert_eq!(aws.updates.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_graceful_failover_waits_for_replication_and_gives_up_changing_nothing() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        aws.set_metric("OperationsPendingReplication", 3.0);
        let error = failover(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("docs us-east-1 → us-east-2: 3 operations pending replication"),
            "{message}"
        );
        assert!(message.contains("--force"), "{message}");
        assert!(aws.updates.lock().unwrap().is_empty(), "nothing steered");
        assert_eq!(store.read().unwrap(), None, "nothing written");
        assert!(state.failovers.is_empty());

        // A table behind by more than the bound is behind too.
        aws.set_metric("OperationsPendingReplication", 0.0);
        aws.set_metric("ReplicationLatency", 9_000.0);
        let message = failover(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("payments us-east-1 → us-east-2: replication latency 9.0 s"),
            "{message}"
        );

        // --force goes ahead and says what may be lost.
        let forced = Request {
            force: true,
            ..quick()
        };
        let report = failover(&mut state, &store, &aws, &forced, &quiet).await.unwrap();
        assert!(report.records[0].forced);
        assert!(
            report.may_be_lost.iter().any(|l| l.contains("payments")),
            "{:?}",
            report.may_be_lost
        );
    }

    #[tokio::test]
    async fn only_the_standby_can_be_failed_over_to() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        for (to, expected) in [("us-east-1", "primary"), ("eu-west-1", "us-east-2 only")] {
            let request = Request {
                to: Some(to.into()),
                ..quick()
            };
            let message = failover(&mut state, &store, &aws, &request, &quiet)
                .await
                .unwrap_err()
                .to_string();
            assert!(message.contains(expected), "{message}");
        }
        let named = Request {
            failover: Some("apj".into()),
            ..quick()
        };
        let message = failover(&mut state, &store, &aws, &named, &quiet)
            .await
            .unwrap_err()
            .to_string();
        assert!(message.contains("did you mean `api`"), "{message}");
    }

    #[tokio::test]
    async fn failback_restores_the_path_and_forgets_the_failover() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        failover(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .unwrap();
        let report = failback(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .unwrap();
        assert_eq!(
            aws.updates.lock().unwrap().as_slice(),
            ["/prod/health/drx-failover-in-force", "/prod/health"]
        );
        assert!(state.failovers.is_empty());
        assert_eq!(store.read().unwrap().unwrap().failovers, vec![]);
        let check = state
            .resources
            .iter()
            .find(|r| r.address == "api.health_check")
            .unwrap();
        assert_eq!(check.attributes["resource_path"], "/prod/health");
        // The bucket copies one way: what the standby took stays there.
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.contains("docs replicates us-east-1 → us-east-2 only")),
            "{:?}",
            report.notes
        );
        let again = failback(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .unwrap();
        assert_eq!(again.unchanged, ["api is not failed over"]);
    }

    #[tokio::test]
    async fn an_interrupted_failover_is_taken_up_where_it_stopped() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        // Route 53 never answers within the timeout: the failover stays
        // recorded as started.
        let slow = FakeAws {
            lag_answers: usize::MAX,
            ..FakeAws::new()
        };
        let message = failover(&mut state, &store, &slow, &quick(), &quiet)
            .await
            .unwrap_err()
            .to_string();
        assert!(message.contains("recorded as started"), "{message}");
        assert_eq!(state.failovers[0].phase, FailoverPhase::Started);
        // The next failover finishes it, without asking replication again.
        aws.set_metric("OperationsPendingReplication", 5.0);
        let report = failover(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .unwrap();
        assert_eq!(report.records[0].phase, FailoverPhase::InForce);
    }

    #[tokio::test]
    async fn a_route_that_answers_the_steered_path_is_refused() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        state.resources.push(ResourceState {
            address: "payment_api.resource[\"/{proxy+}\"]@us-east-1".into(),
            resource_type: crate::model::resources::ResourceType::ApiResource,
            region: None,
            physical_id: "r1".into(),
            attributes: serde_json::json!({ "rest_api": "a1", "parent": "root", "path_part": "{proxy+}", "path": "/{proxy+}" }),
            outputs: Default::default(),
            depends_on: vec![],
        });
        let message = failover(&mut state, &store, &aws, &quick(), &quiet)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("would answer /prod/health/drx-failover-in-force"),
            "{message}"
        );
        assert!(aws.updates.lock().unwrap().is_empty());
    }

    #[test]
    fn a_route_template_answers_the_paths_it_matches() {
        let parts = |p: &'static str| p.trim_start_matches('/').split('/').collect::<Vec<_>>();
        let steered = parts("/health/drx-failover-in-force");
        assert!(!routes(&parts("/health"), &steered));
        assert!(!routes(&parts("/payments/{id}"), &steered));
        assert!(routes(&parts("/health/{check}"), &steered));
        assert!(routes(&parts("/{proxy+}"), &steered));
        assert!(routes(&parts("/health/drx-failover-in-force"), &steered));
    }

    #[test]
    fn a_host_names_its_region() {
        assert_eq!(
            region_of("abc.execute-api.us-east-2.amazonaws.com").as_deref(),
            Some("us-east-2")
        );
        assert_eq!(region_of("example.com"), None);
    }
}
