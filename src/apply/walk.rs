//! The walk: steps started as soon as what they wait for is done, the
//! heaviest chains first, a bounded number at a time; a failure skips only
//! what depends on it; state written after every operation; an interrupt
//! stops scheduling and lets what runs finish.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio::task::JoinSet;

use super::frontier::Frontier;
use super::packages::Packages;
use super::record::{Positions, create_token, intent, record, stack_outputs};
use super::report::{ApplyReport, Event, EventKind};
use super::retry::retry;
use super::schedule::priorities;
use super::steps::{StepKind, steps};
use crate::model::ResourceState;
use crate::model::resources::{Resolved, Resource};
use crate::model::template::names_account;
use crate::model::{Applied, Provider, ProviderError};
use crate::plan::Plan;
use crate::state::Outputs;
use crate::state::{JournalRecord, PendingOperation, State, StateStore};

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Operations in flight at once.
    pub parallelism: usize,
    /// The Cargo profile function packages are built with.
    pub cargo_profile: String,
    /// The directory of the .drx file, where code paths start.
    pub base: PathBuf,
}

pub type Listener = Arc<dyn Fn(&Event) + Send + Sync>;

/// Applies `plan` through `provider`, starting from `state` and writing it
/// to `store` after every operation, until every step is done or skipped, or
/// `interrupt` completes. Returns the final state and what happened.
pub async fn apply<P: Provider, S: StateStore + ?Sized>(
    plan: &Plan,
    mut state: State,
    store: &S,
    provider: Arc<P>,
    options: &ApplyOptions,
    listener: Listener,
    interrupt: impl Future<Output = ()>,
) -> (State, ApplyReport) {
    let mut report = ApplyReport::default();
    let steps = steps(plan, &state);
    // A first apply learns the account while the steps that do not name it
    // (roles' trust, tables, buckets…) already run.
    let mut account_lookup: JoinSet<Result<String, ProviderError>> = JoinSet::new();
    if state.account_id.is_none() {
        let provider = provider.clone();
        account_lookup.spawn(async move { retry(|| provider.account_id(), |_, _| {}).await });
    }
    let needs_account: Vec<bool> = steps
        .iter()
        .map(|step| {
            step.kind
                .desired()
                .is_some_and(|resource| names_account(&resource.attributes.to_json()))
        })
        .collect();
    let mut outputs = Outputs::of(&state);
    let mut positions = Positions::of(&state);
    let packages = Packages::start(&steps, &options.base, &options.cargo_profile);
    let priority = priorities(
        &steps
            .iter()
            .map(|step| (step.waits_for.clone(), step.kind.resource_type().weight()))
            .collect::<Vec<_>>(),
    );

    let waits_for: Vec<Vec<usize>> = steps.iter().map(|step| step.waits_for.clone()).collect();
    let mut frontier = Frontier::new(&waits_for, priority, needs_account, state.account_id.is_some());
    let mut running: JoinSet<(usize, Result<Applied, ProviderError>, Instant)> = JoinSet::new();
    let mut interrupted = false;
    // The state is written whole here, at the end and every so often; in
    // between, each operation's result is one small journal record. Every
    // step's intent (address, operation, the name or token it will use) is in
    // the first write, as pending: on disk before AWS hears of any of them,
    // and at no cost per operation (a journal that is far away, like S3,
    // would otherwise put a round trip before every call). An intent whose
    // operation never started is harmless: reconciliation finds nothing, or
    // the plan simply does it.
    let mut compacted = Compaction::start(state.resources.len());
    state.serial += 1;
    let tokens: Vec<String> = steps
        .iter()
        .map(|step| create_token(&state, &step.address))
        .collect();
    let mut ahead = Ahead::new(&steps, &tokens, &mut state);
    if let Err(error) = ahead.write(store, &mut state) {
        report.failed.push(("(state)".into(), error.to_string()));
        return (state, report);
    }
    tokio::pin!(interrupt);
    loop {
        if !interrupted {
            // The heaviest chains first: they bound how soon everything is done.
            while running.len() < options.parallelism.max(1) {
                let Some(index) = frontier.next() else { break };
                let step = &steps[index];
                let token = tokens[index].clone();
                listener(&Event {
                    address: step.address.clone(),
                    kind: EventKind::Started(step.kind.verb().0),
                });
                let operation = run(
                    provider.clone(),
                    prepare(&step.kind, &outputs),
                    packages.claim(&step.kind),
                    listener.clone(),
                    step.address.clone(),
                    token,
                );
                running.spawn(async move {
                    let started = Instant::now();
                    (index, operation.await, started)
                });
            }
        }
        if compacted.due() {
            state.serial += 1;
            if let Err(error) = ahead.write(store, &mut state) {
                report.failed.push(("(state)".into(), error.to_string()));
                interrupted = true;
                continue;
            }
            compacted = Compaction::start(state.resources.len());
        }
        if running.is_empty() && (account_lookup.is_empty() || interrupted) {
            break;
        }
        tokio::select! {
            looked_up = account_lookup.join_next(), if !account_lookup.is_empty() => {
                match looked_up {
                    Some(Ok(Ok(account))) => {
                        outputs.account_id = account.clone();
                        state.account_id = Some(account.clone());
                        frontier.account_known();
                        journal(store, &JournalRecord::Account { account_id: account }, &mut compacted, &mut report, &mut interrupted);
                    }
                    other => {
                        let error = match other {
                            Some(Ok(Err(error))) => error.to_string(),
                            Some(Err(error)) => error.to_string(),
                            _ => "no answer".to_string(),
                        };
                        report.failed.push((
                            "(AWS account)".into(),
                            format!("cannot identify the AWS account: {error}"),
                        ));
                        interrupted = true;
                    }
                }
            }
            finished = running.join_next(), if !running.is_empty() => {
                let Some(Ok((index, result, started))) = finished else { continue };
                let step = &steps[index];
                match result {
                    Ok(applied) => {
                        frontier.done(index);
                        ahead.finished(index);
                        let done = record(&mut state, &mut positions, &mut outputs, &step.kind, applied);
                        journal(store, &done, &mut compacted, &mut report, &mut interrupted);
                        match &step.kind {
                            StepKind::Create(_) => report.created.push(step.address.clone()),
                            StepKind::Update(..) => report.updated.push(step.address.clone()),
                            StepKind::Delete(_) => report.deleted.push(step.address.clone()),
                        }
                        let verb = step.kind.verb().1;
                        listener(&Event { address: step.address.clone(), kind: EventKind::Done { verb, elapsed: started.elapsed() } });
                    }
                    Err(error) => {
                        for (skipped, blocker) in frontier.failed(index) {
                            let reason = format!("{} did not succeed", steps[blocker].address);
                            listener(&Event { address: steps[skipped].address.clone(), kind: EventKind::Skipped(reason) });
                            report.skipped.push(steps[skipped].address.clone());
                        }
                        // AWS said no: nothing was made, nothing is pending.
                        ahead.finished(index);
                        state.pending.retain(|p| p.address != step.address);
                        let failed = JournalRecord::Failed { address: step.address.clone() };
                        journal(store, &failed, &mut compacted, &mut report, &mut interrupted);
                        report.failed.push((step.address.clone(), error.to_string()));
                        listener(&Event { address: step.address.clone(), kind: EventKind::Failed(error.to_string()) });
                    }
                }
            }
            () = &mut interrupt, if !interrupted => {
                interrupted = true;
                report.interrupted = true;
            }
        }
    }
    for index in frontier.pending() {
        report.skipped.push(steps[index].address.clone());
    }
    // What never started is not pending: everything that started has ended.
    ahead.clear();
    state.outputs = stack_outputs(plan, &outputs);
    state.serial += 1;
    if let Err(error) = ahead.write_last(store, &mut state) {
        report.failed.push(("(state)".into(), error.to_string()));
    }
    (state, report)
}

/// The intents of the steps not yet finished, written with the state as
/// pending. Kept apart from `state.pending` (which holds what earlier
/// commands left unresolved) so that a finished step costs no search.
struct Ahead {
    intents: Vec<Option<PendingOperation>>,
}

impl Ahead {
    fn new(steps: &[super::steps::Step], tokens: &[String], state: &mut State) -> Ahead {
        let intents: Vec<Option<PendingOperation>> = steps
            .iter()
            .zip(tokens)
            .map(|(step, token)| Some(intent(&step.kind, token)))
            .collect();
        // This apply's intent replaces what an earlier one left for the
        // same address.
        if !state.pending.is_empty() {
            let planned: std::collections::HashSet<&str> = steps.iter().map(|s| s.address.as_str()).collect();
            state.pending.retain(|p| !planned.contains(p.address.as_str()));
        }
        Ahead { intents }
    }

    fn finished(&mut self, index: usize) {
        self.intents[index] = None;
    }

    fn clear(&mut self) {
        self.intents.iter_mut().for_each(|intent| *intent = None);
    }

    /// Writes `state` whole with the intents still open as pending.
    fn write<S: StateStore + ?Sized>(
        &self,
        store: &S,
        state: &mut State,
    ) -> Result<(), crate::state::StateError> {
        self.write_with(state, |state| store.write(state))
    }

    /// The same as the command's last write: nothing is open any more.
    fn write_last<S: StateStore + ?Sized>(
        &self,
        store: &S,
        state: &mut State,
    ) -> Result<(), crate::state::StateError> {
        self.write_with(state, |state| store.write_last(state))
    }

    fn write_with(
        &self,
        state: &mut State,
        write: impl FnOnce(&State) -> Result<(), crate::state::StateError>,
    ) -> Result<(), crate::state::StateError> {
        let earlier = state.pending.len();
        state.pending.extend(self.intents.iter().flatten().cloned());
        let written = write(state);
        state.pending.truncate(earlier);
        written
    }
}

/// When the state is next written whole: after a bounded time or number of
/// journal records, so a long apply's journal stays short to replay.
#[derive(Debug)]
struct Compaction {
    since: Instant,
    records: usize,
    /// Resources in the state as last written whole.
    written: usize,
}

impl Compaction {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(60);
    /// At least this many records between compactions (a journal this long
    /// replays in well under a second); more for a larger state, so that
    /// writing it whole costs no more than the journal it replaces (a record
    /// is about one resource's size) and bytes per operation stay flat.
    const RECORDS: usize = 10_000;

    fn start(written: usize) -> Compaction {
        Compaction {
            since: Instant::now(),
            records: 0,
            written,
        }
    }

    fn appended(&mut self) {
        self.records += 1;
    }

    fn due(&self) -> bool {
        self.records >= Compaction::RECORDS.max(2 * self.written)
            || (self.records > 0 && self.since.elapsed() >= Compaction::EVERY)
    }
}

/// Appends a result to the journal; a journal that cannot be written stops
/// the apply (what runs finishes, nothing new starts).
fn journal<S: StateStore + ?Sized>(
    store: &S,
    record: &JournalRecord,
    compaction: &mut Compaction,
    report: &mut ApplyReport,
    interrupted: &mut bool,
) {
    match store.append(record) {
        Ok(()) => compaction.appended(),
        Err(error) => {
            report.failed.push(("(state)".into(), error.to_string()));
            *interrupted = true;
        }
    }
}

/// A step ready for the provider: what it creates or updates resolved.
#[derive(Debug)]
enum Prepared {
    Create(Resolved),
    Update(Resolved, ResourceState),
    /// The record, its references filled in.
    Delete(ResourceState),
}

/// One step's operation: its package awaited if it uploads code, then the
/// provider called until it succeeds or fails for good.
async fn run<P: Provider>(
    provider: Arc<P>,
    prepared: Result<Prepared, String>,
    package: Option<super::packages::PackageClaim>,
    listener: Listener,
    address: String,
    token: String,
) -> Result<Applied, ProviderError> {
    let kind = prepared.map_err(ProviderError::other)?;
    let code = match package {
        Some(claim) => Some(claim.get().await.map_err(ProviderError::other)?),
        None => None,
    };
    let code = code.as_deref().map(|package| package.zip.as_slice());
    retry(
        || async {
            match &kind {
                Prepared::Create(resource) => provider.create(resource, code, &token).await,
                Prepared::Update(resource, old) => provider.update(resource, old, code).await,
                Prepared::Delete(old) => provider.delete(old).await.map(|()| Applied::default()),
            }
        },
        |attempt, error| {
            listener(&Event {
                address: address.clone(),
                kind: EventKind::Retrying {
                    attempt,
                    error: error.to_string(),
                },
            })
        },
    )
    .await
}

/// The step with its values filled in.
fn prepare(kind: &StepKind, outputs: &Outputs) -> Result<Prepared, String> {
    let resolve = |resource: &Resource| -> Result<Resolved, String> {
        Resolved::new(Resource {
            attributes: outputs.attributes(&resource.attributes)?,
            ..resource.clone()
        })
    };
    match kind {
        StepKind::Create(resource) => Ok(Prepared::Create(resolve(resource)?)),
        StepKind::Update(resource, old) => Ok(Prepared::Update(resolve(resource)?, old.clone())),
        // The record keeps references as templates; the delete gets them
        // filled in from what is still recorded (what a resource reads is
        // deleted after it).
        StepKind::Delete(old) => Ok(Prepared::Delete(ResourceState {
            attributes: outputs.recorded(&old.attributes),
            ..old.clone()
        })),
    }
}
