//! The executor: steps, their order, bounded parallelism, state after every
//! step, and Ctrl-C.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio::task::JoinSet;

use super::package::{Package, package};
use super::report::{ApplyReport, Event, EventKind};
use super::resolve::Outputs;
use super::retry::retry;
use super::schedule::{priorities, weight_of};
use crate::aws::{Applied, Aws, AwsError, Provider};
use crate::plan::resources::{Attributes, Resource, ResourceType};
use crate::plan::{Action, Plan, StackOutputValue};
use crate::state::{LocalBackend, ResourceState, State};

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Operations in flight at once.
    pub parallelism: usize,
    /// The Cargo profile function packages are built with.
    pub cargo_profile: String,
    /// The directory of the .drx file, where code paths start.
    pub base: PathBuf,
}

#[derive(Debug, Clone)]
enum StepKind {
    Create(Resource),
    Update(Resource, ResourceState),
    Delete(ResourceState),
}

#[derive(Debug)]
struct Step {
    address: String,
    kind: StepKind,
    waits_for: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pending,
    Running,
    Done,
    Failed,
    Skipped,
}

/// Deleting the old one waits until the new one took its place: API Gateway
/// refuses to delete a deployment a stage still points at.
fn create_before_destroy(resource_type: ResourceType) -> bool {
    resource_type == ResourceType::ApiDeployment
}

fn steps(plan: &Plan, state: &State) -> Vec<Step> {
    let desired: HashMap<&str, &Resource> = plan
        .desired
        .resources
        .iter()
        .map(|r| (r.address.as_str(), r))
        .collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut applies: HashMap<String, usize> = HashMap::new();
    let mut deletes: HashMap<String, usize> = HashMap::new();
    let mut deferred: Vec<usize> = Vec::new();
    for change in &plan.changes {
        let old = state.resource(&change.address).cloned();
        let resource = desired.get(change.address.as_str()).map(|r| (*r).clone());
        let mut push = |kind: StepKind| {
            steps.push(Step {
                address: change.address.clone(),
                kind,
                waits_for: Vec::new(),
            });
            steps.len() - 1
        };
        match (change.action, resource, old) {
            (Action::Create, Some(resource), _) => {
                applies.insert(change.address.clone(), push(StepKind::Create(resource)));
            }
            (Action::Update, Some(resource), Some(old)) => {
                applies.insert(change.address.clone(), push(StepKind::Update(resource, old)));
            }
            (Action::Replace, Some(resource), Some(old)) => {
                let later = create_before_destroy(old.resource_type);
                let delete = push(StepKind::Delete(old));
                if later {
                    deferred.push(delete);
                } else {
                    deletes.insert(change.address.clone(), delete);
                }
                applies.insert(change.address.clone(), push(StepKind::Create(resource)));
            }
            (Action::Delete, _, Some(old)) => {
                deletes.insert(change.address.clone(), push(StepKind::Delete(old)));
            }
            _ => {}
        }
    }
    // Order: what a resource reads exists first; a replaced resource's old
    // self is gone before the new one comes; a deleted resource goes after
    // everything that depended on it.
    let recorded: HashMap<&str, &ResourceState> =
        state.resources.iter().map(|r| (r.address.as_str(), r)).collect();
    let all_waits: Vec<Vec<usize>> = steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let mut waits = Vec::new();
            match &step.kind {
                StepKind::Create(resource) | StepKind::Update(resource, _) => {
                    for dependency in resource.dependencies() {
                        waits.extend(applies.get(&dependency));
                    }
                    if let Some(delete) = deletes.get(&resource.address).filter(|d| **d != index) {
                        waits.push(*delete);
                    }
                }
                StepKind::Delete(old) if deferred.contains(&index) => {
                    waits.extend(applies.get(&old.address));
                    for (address, apply) in &applies {
                        let reads_it = desired
                            .get(address.as_str())
                            .is_some_and(|r| r.dependencies().contains(&old.address));
                        if reads_it {
                            waits.push(*apply);
                        }
                    }
                }
                StepKind::Delete(old) => {
                    for (address, delete) in &deletes {
                        let depends = recorded
                            .get(address.as_str())
                            .is_some_and(|r| r.depends_on.contains(&old.address));
                        if depends && *delete != index {
                            waits.push(*delete);
                        }
                    }
                }
            }
            waits.sort_unstable();
            waits.dedup();
            waits
        })
        .collect();
    for (step, waits) in steps.iter_mut().zip(all_waits) {
        step.waits_for = waits;
    }
    steps
}

type Listener = Arc<dyn Fn(&Event) + Send + Sync>;

fn verb(kind: &StepKind) -> (&'static str, &'static str) {
    match kind {
        StepKind::Create(_) => ("creating", "created"),
        StepKind::Update(..) => ("updating", "updated"),
        StepKind::Delete(_) => ("deleting", "deleted"),
    }
}

/// Applies `plan`, starting from `state` and writing it through `backend`
/// after every operation. Returns the final state and what happened.
pub async fn apply(
    plan: &Plan,
    mut state: State,
    backend: &LocalBackend,
    aws: Arc<Aws>,
    options: &ApplyOptions,
    listener: Listener,
) -> (State, ApplyReport) {
    let mut report = ApplyReport::default();
    let steps = steps(plan, &state);
    // A first apply learns the account from STS while the steps that do not
    // name it (roles' trust, tables, buckets…) already run.
    let mut account_lookup: JoinSet<Result<String, AwsError>> = JoinSet::new();
    if state.account_id.is_none() {
        let aws = aws.clone();
        account_lookup.spawn(async move { retry(|| aws.account_id(), |_, _| {}).await });
    }
    let names_account: Vec<bool> = steps
        .iter()
        .map(|step| match &step.kind {
            StepKind::Create(resource) | StepKind::Update(resource, _) => {
                crate::plan::value::names_account(&resource.attributes.to_json())
            }
            StepKind::Delete(_) => false,
        })
        .collect();
    let mut outputs = Outputs::of(&state);

    // Package each function's code once, in the background from the start:
    // a function waits for its package only when its turn comes.
    let mut packages: HashMap<String, Arc<PackageCell>> = HashMap::new();
    for step in &steps {
        if let StepKind::Create(resource) | StepKind::Update(resource, _) = &step.kind
            && let Attributes::LambdaFunction(function) = &resource.attributes
            && needs_code(&step.kind)
            && !packages.contains_key(&package_key(function))
        {
            let cell = Arc::new(PackageCell::new());
            let path = options.base.join(&function.code.source);
            let (profile, architecture) = (options.cargo_profile.clone(), function.architecture.clone());
            let background = cell.clone();
            tokio::spawn(async move {
                background
                    .get_or_init(|| packaged(path, profile, architecture))
                    .await;
            });
            packages.insert(package_key(function), cell);
        }
    }
    let priority = priorities(
        &steps
            .iter()
            .map(|step| (step.waits_for.clone(), weight(&step.kind)))
            .collect::<Vec<_>>(),
    );

    let mut status = vec![Status::Pending; steps.len()];
    let mut running: JoinSet<(usize, Result<Applied, AwsError>, Instant)> = JoinSet::new();
    let mut interrupted = false;
    let mut unsaved = false;
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    loop {
        // Skip what can no longer run; start what is ready.
        let mut changed = true;
        while changed {
            changed = false;
            for index in 0..steps.len() {
                if status[index] != Status::Pending {
                    continue;
                }
                let blocked = steps[index]
                    .waits_for
                    .iter()
                    .find(|w| matches!(status[**w], Status::Failed | Status::Skipped));
                if let Some(blocker) = blocked {
                    status[index] = Status::Skipped;
                    let reason = format!("{} did not succeed", steps[*blocker].address);
                    listener(&Event {
                        address: steps[index].address.clone(),
                        kind: EventKind::Skipped(reason),
                    });
                    report.skipped.push(steps[index].address.clone());
                    changed = true;
                }
            }
        }
        if !interrupted {
            // The longest chains first: they bound how soon everything is done.
            let mut ready: Vec<usize> = (0..steps.len())
                .filter(|&index| {
                    status[index] == Status::Pending
                        && steps[index].waits_for.iter().all(|w| status[*w] == Status::Done)
                        && (state.account_id.is_some() || !names_account[index])
                })
                .collect();
            ready.sort_by_key(|&index| std::cmp::Reverse(priority[index]));
            for index in ready {
                if running.len() >= options.parallelism.max(1) {
                    break;
                }
                status[index] = Status::Running;
                let step = &steps[index];
                listener(&Event {
                    address: step.address.clone(),
                    kind: EventKind::Started(verb(&step.kind).0),
                });
                let prepared = prepare(&step.kind, &outputs);
                let package = package_of(&step.kind, &packages);
                let (aws, listener, address) = (aws.clone(), listener.clone(), step.address.clone());
                let (base, profile) = (options.base.clone(), options.cargo_profile.clone());
                running.spawn(async move {
                    let started = Instant::now();
                    let code = match package {
                        Some((cell, source, architecture)) => Some(
                            cell.get_or_init(|| packaged(base.join(source), profile, architecture))
                                .await
                                .clone(),
                        ),
                        None => None,
                    };
                    let result = match (prepared, code) {
                        (Err(message), _) | (_, Some(Err(message))) => Err(AwsError::other(message)),
                        (Ok(kind), code) => {
                            let code = code.and_then(Result::ok);
                            let code = code.as_deref().map(|p| p.zip.as_slice());
                            retry(
                                || async {
                                    match &kind {
                                        StepKind::Create(resource) => aws.create(resource, code).await,
                                        StepKind::Update(resource, old) => {
                                            aws.update(resource, old, code).await
                                        }
                                        StepKind::Delete(old) => {
                                            aws.delete(old).await.map(|()| Applied::default())
                                        }
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
                    };
                    (index, result, started)
                });
            }
        }
        // Every finished operation is recorded before the next one is
        // looked at; what it unblocked has already started, so the write
        // does not hold up the critical path.
        if unsaved {
            unsaved = false;
            state.serial += 1;
            if let Err(error) = backend.write(&state) {
                report.failed.push(("(state)".into(), error.to_string()));
                interrupted = true;
                continue;
            }
        }
        if running.is_empty() && (account_lookup.is_empty() || interrupted) {
            break;
        }
        tokio::select! {
            looked_up = account_lookup.join_next(), if !account_lookup.is_empty() => {
                match looked_up {
                    Some(Ok(Ok(account))) => {
                        outputs.account_id = account.clone();
                        state.account_id = Some(account);
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
                        status[index] = Status::Done;
                        record(&mut state, &mut outputs, &step.kind, applied);
                        let done = verb(&step.kind).1;
                        match &step.kind {
                            StepKind::Create(_) => report.created.push(step.address.clone()),
                            StepKind::Update(..) => report.updated.push(step.address.clone()),
                            StepKind::Delete(_) => report.deleted.push(step.address.clone()),
                        }
                        listener(&Event { address: step.address.clone(), kind: EventKind::Done { verb: done, elapsed: started.elapsed() } });
                    }
                    Err(error) => {
                        status[index] = Status::Failed;
                        report.failed.push((step.address.clone(), error.to_string()));
                        listener(&Event { address: step.address.clone(), kind: EventKind::Failed(error.to_string()) });
                    }
                }
                unsaved = true;
            }
            _ = &mut interrupt, if !interrupted => {
                interrupted = true;
                report.interrupted = true;
            }
        }
    }
    for (index, step) in steps.iter().enumerate() {
        if status[index] == Status::Pending {
            report.skipped.push(step.address.clone());
        }
    }
    state.outputs = stack_outputs(plan, &outputs);
    state.serial += 1;
    if let Err(error) = backend.write(&state) {
        report.failed.push(("(state)".into(), error.to_string()));
    }
    (state, report)
}

/// How long a step is expected to take, for scheduling.
fn weight(kind: &StepKind) -> u32 {
    match kind {
        StepKind::Create(resource) | StepKind::Update(resource, _) => weight_of(resource.resource_type()),
        StepKind::Delete(old) => weight_of(old.resource_type),
    }
}

/// The step with its values filled in.
fn prepare(kind: &StepKind, outputs: &Outputs) -> Result<StepKind, String> {
    let resolve = |resource: &Resource| -> Result<Resource, String> {
        Ok(Resource {
            attributes: outputs.attributes(&resource.attributes)?,
            ..resource.clone()
        })
    };
    match kind {
        StepKind::Create(resource) => Ok(StepKind::Create(resolve(resource)?)),
        StepKind::Update(resource, old) => Ok(StepKind::Update(resolve(resource)?, old.clone())),
        StepKind::Delete(old) => Ok(StepKind::Delete(old.clone())),
    }
}

type PackageCell = tokio::sync::OnceCell<Result<Arc<Package>, String>>;

/// Packages a function's code off the async threads (it may run cargo).
async fn packaged(path: PathBuf, profile: String, architecture: String) -> Result<Arc<Package>, String> {
    tokio::task::spawn_blocking(move || package(&path, &profile, &architecture))
        .await
        .unwrap_or_else(|e| Err(e.to_string()))
        .map(Arc::new)
}

/// The package a function step needs, and its source path.
fn package_of(
    kind: &StepKind,
    packages: &HashMap<String, Arc<PackageCell>>,
) -> Option<(Arc<PackageCell>, String, String)> {
    if !needs_code(kind) {
        return None;
    }
    match kind {
        StepKind::Create(resource) | StepKind::Update(resource, _) => match &resource.attributes {
            Attributes::LambdaFunction(function) => packages.get(&package_key(function)).map(|cell| {
                (
                    cell.clone(),
                    function.code.source.clone(),
                    function.architecture.clone(),
                )
            }),
            _ => None,
        },
        StepKind::Delete(_) => None,
    }
}

/// Whether a step uploads function code: a new function, or one whose code
/// or architecture changed. A configuration-only update builds nothing.
fn needs_code(kind: &StepKind) -> bool {
    match kind {
        StepKind::Create(resource) => matches!(resource.attributes, Attributes::LambdaFunction(_)),
        StepKind::Update(resource, old) => {
            let desired = resource.attributes.to_json();
            matches!(resource.attributes, Attributes::LambdaFunction(_))
                && (desired.get("code") != old.attributes.get("code")
                    || desired.get("architecture") != old.attributes.get("architecture"))
        }
        StepKind::Delete(_) => false,
    }
}

/// One package per source and architecture.
fn package_key(function: &crate::plan::resources::LambdaFunction) -> String {
    format!("{}@{}", function.code.source, function.architecture)
}

/// What state remembers of a finished step.
fn record(state: &mut State, outputs: &mut Outputs, kind: &StepKind, applied: Applied) {
    match kind {
        StepKind::Create(resource) | StepKind::Update(resource, _) => {
            let entry = ResourceState {
                address: resource.address.clone(),
                resource_type: resource.resource_type(),
                region: resource.region.clone(),
                physical_id: applied.physical_id,
                attributes: resource.attributes.to_json(),
                outputs: applied.outputs.clone(),
                depends_on: resource.dependencies(),
            };
            outputs
                .by_address
                .insert(resource.address.clone(), applied.outputs);
            match state.resources.iter_mut().find(|r| r.address == resource.address) {
                Some(existing) => *existing = entry,
                None => state.resources.push(entry),
            }
        }
        StepKind::Delete(old) => {
            state.resources.retain(|r| r.address != old.address);
            outputs.by_address.remove(&old.address);
        }
    }
}

/// The stack's outputs, where every part is known.
fn stack_outputs(plan: &Plan, outputs: &Outputs) -> BTreeMap<String, serde_json::Value> {
    let mut values = BTreeMap::new();
    for output in &plan.desired.outputs {
        let value = match &output.value {
            StackOutputValue::Single(val) => outputs.value(val).map(serde_json::Value::String),
            StackOutputValue::List(vals) => vals
                .iter()
                .map(|val| outputs.value(val).map(serde_json::Value::String))
                .collect::<Result<Vec<_>, _>>()
                .map(serde_json::Value::Array),
        };
        if let Ok(value) = value {
            values.insert(output.name.clone(), value);
        }
    }
    values
}

/// One setting changed outside drx.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub address: String,
    pub attribute: String,
    /// As drx last applied it (references resolved).
    pub recorded: serde_json::Value,
    /// As AWS has it now.
    pub actual: serde_json::Value,
}

/// What a refresh found.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The state as AWS has it: resources that no longer exist taken out,
    /// settings changed outside drx set to their live values, so the plan
    /// sets them back.
    pub state: State,
    /// Resources deleted outside drx.
    pub missing: Vec<String>,
    /// Settings changed outside drx.
    pub drift: Vec<Drift>,
    /// Resources that could not be read: address and AWS's message.
    pub errors: Vec<(String, String)>,
}

/// Reads every recorded resource back from AWS, in parallel.
pub async fn refresh(state: &State, aws: Arc<Aws>, parallelism: usize) -> Refreshed {
    let outputs = Outputs::of(state);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(parallelism.max(1)));
    let mut reads = JoinSet::new();
    let mut errors = Vec::new();
    for resource in state.resources.clone() {
        let typed = match resource.typed_attributes() {
            Ok(typed) => typed,
            Err(error) => {
                errors.push((resource.address.clone(), error));
                continue;
            }
        };
        // References are resolved as they were when applied, so that what
        // AWS has compares with what drx sent.
        let recorded = outputs.attributes(&typed).unwrap_or(typed);
        let (aws, semaphore) = (aws.clone(), semaphore.clone());
        reads.spawn(async move {
            let _permit = semaphore.acquire().await;
            let live = retry(|| aws.read(&resource, recorded.clone()), |_, _| {}).await;
            (resource.address, recorded, live)
        });
    }
    let mut refreshed = state.clone();
    let position: HashMap<String, usize> = refreshed
        .resources
        .iter()
        .enumerate()
        .map(|(index, r)| (r.address.clone(), index))
        .collect();
    let (mut missing, mut drift) = (Vec::new(), Vec::new());
    while let Some(Ok((address, recorded, live))) = reads.join_next().await {
        match live {
            Ok(None) => missing.push(address),
            Ok(Some(live)) => {
                let (recorded, live) = (recorded.to_json(), live.to_json());
                let entry = &mut refreshed.resources[position[&address]];
                for (attribute, actual) in live.as_object().into_iter().flatten() {
                    let before = recorded.get(attribute).cloned().unwrap_or_default();
                    if before != *actual {
                        entry.attributes[attribute] = actual.clone();
                        drift.push(Drift {
                            address: address.clone(),
                            attribute: attribute.clone(),
                            recorded: before,
                            actual: actual.clone(),
                        });
                    }
                }
            }
            Err(error) => errors.push((address, error.to_string())),
        }
    }
    missing.sort();
    drift.sort_by(|a, b| (&a.address, &a.attribute).cmp(&(&b.address, &b.attribute)));
    errors.sort();
    let gone: HashSet<&String> = missing.iter().collect();
    refreshed.resources.retain(|r| !gone.contains(&r.address));
    Refreshed {
        state: refreshed,
        missing,
        drift,
        errors,
    }
}
