//! The executor on the fake provider and the in-memory store: ordering,
//! parallelism bounds, failure isolation, retries, cancellation, state
//! bookkeeping and refresh, with no AWS and no emulator.
//!
//! About 480 lines: one suite of executor behaviours over one set of plan
//! builders; split, the builders would be shared across files for no gain.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::fake::{Call, FakeProvider};
use super::{ApplyOptions, ApplyReport, Event, EventKind, Listener, apply, refresh};
use crate::model::resources::{Attributes, LogGroup, Resource, SnsSubscription, SnsTopic, Tags};
use crate::model::template::Val;
use crate::model::{ErrorKind, Region};
use crate::plan::{Desired, Plan, destroy_plan, plan_desired};
use crate::state::{MemoryStore, State, StateStore};

fn resource(address: &str, attributes: Attributes) -> Resource {
    Resource {
        address: address.to_string(),
        region: Some(Region("us-east-1".into())),
        attributes,
        depends_on: Vec::new(),
        replaced_with: Vec::new(),
        block: address.split('.').next().unwrap_or_default().to_string(),
        span: crate::source::Span::default(),
    }
}

fn topic(name: &str) -> Resource {
    resource(
        &format!("{name}.topic"),
        Attributes::SnsTopic(SnsTopic {
            name: name.to_string(),
            kms_key: None,
            tags: Tags::new(),
        }),
    )
}

/// A subscription to `topic`'s topic: it reads the topic's ARN.
fn subscription(name: &str, topic: &str) -> Resource {
    resource(
        &format!("{name}.subscription"),
        Attributes::SnsSubscription(SnsSubscription {
            topic: Val::output(&format!("{topic}.topic"), "arn"),
            protocol: crate::model::resources::SnsProtocol::Email,
            endpoint: format!("{name}@example.com"),
        }),
    )
}

fn log_group(name: &str, after: &[&str]) -> Resource {
    let mut group = resource(
        &format!("{name}.log_group"),
        Attributes::LogGroup(LogGroup {
            name: name.to_string(),
            retention_days: Some(14),
            tags: Tags::new(),
        }),
    );
    group.depends_on = after.iter().map(|a| format!("{a}.log_group")).collect();
    group
}

fn plan(resources: Vec<Resource>, state: &State) -> Plan {
    let desired = Desired {
        resources,
        outputs: Vec::new(),
    };
    plan_desired("stack", desired, Some(state)).expect("a plan")
}

fn options(parallelism: usize) -> ApplyOptions {
    ApplyOptions {
        parallelism,
        cargo_profile: "dev".into(),
        base: ".".into(),
    }
}

/// A listener that keeps every event.
fn recorder() -> (Listener, Arc<Mutex<Vec<Event>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let kept = events.clone();
    let listener: Listener =
        Arc::new(move |event: &Event| kept.lock().unwrap_or_else(|p| p.into_inner()).push(event.clone()));
    (listener, events)
}

fn never() -> std::future::Pending<()> {
    std::future::pending()
}

async fn run(
    plan: &Plan,
    state: State,
    provider: &Arc<FakeProvider>,
    store: &MemoryStore,
    parallelism: usize,
) -> (State, ApplyReport) {
    let (listener, _) = recorder();
    apply(
        plan,
        state,
        store,
        provider.clone(),
        &options(parallelism),
        listener,
        never(),
    )
    .await
}

fn call<'a>(calls: &'a [Call], address: &str, operation: &str) -> &'a Call {
    calls
        .iter()
        .find(|c| c.address == address && c.operation == operation)
        .unwrap_or_else(|| panic!("no {operation} of {address} in {calls:?}"))
}

fn sorted(mut addresses: Vec<String>) -> Vec<String> {
    addresses.sort();
    addresses
}

#[tokio::test]
async fn creates_wait_for_what_they_reference_and_read_its_outputs() {
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(5)));
    let store = MemoryStore::new();
    let resources = vec![
        subscription("s1", "t1"),
        subscription("s2", "t2"),
        topic("t1"),
        topic("t2"),
    ];
    let state = State::new("stack");
    let (state, report) = run(&plan(resources, &state), state, &provider, &store, 10).await;
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(report.created.len(), 4);
    let calls = provider.calls();
    for (subscription, topic) in [("s1.subscription", "t1.topic"), ("s2.subscription", "t2.topic")] {
        assert!(
            call(&calls, subscription, "create").started > call(&calls, topic, "create").ended,
            "{subscription} started before {topic} was created: {calls:?}"
        );
    }
    // The reference was filled in from the topic's recorded output.
    match &provider.live()["s1.subscription"] {
        Attributes::SnsSubscription(s) => assert_eq!(s.topic, Val::known("arn:fake:t1.topic")),
        other => panic!("{other:?}"),
    }
    assert_eq!(state.resources.len(), 4);
    assert_eq!(
        state.resource("t1.topic").map(|r| r.physical_id.as_str()),
        Some("id-t1.topic")
    );
    assert_eq!(state.account_id.as_deref(), Some("123456789012"));
    assert_eq!(
        store.state(),
        Some(state),
        "what the store holds is the final state"
    );
}

#[tokio::test]
async fn operations_in_flight_never_exceed_the_parallelism() {
    for parallelism in [1, 3] {
        let provider = Arc::new(FakeProvider::new(Duration::from_millis(20)));
        let groups = (0..8).map(|i| log_group(&format!("g{i}"), &[])).collect();
        let state = State::new("stack");
        let (_, report) = run(
            &plan(groups, &state),
            state,
            &provider,
            &MemoryStore::new(),
            parallelism,
        )
        .await;
        assert!(report.succeeded(), "{report:?}");
        // Eight independent steps saturate any bound below eight.
        assert_eq!(provider.most_in_flight(), parallelism);
    }
}

#[tokio::test]
async fn a_failure_skips_only_what_depends_on_it_and_a_rerun_finishes() {
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(2)).broken("t1.topic"));
    let store = MemoryStore::new();
    let resources = || {
        vec![
            topic("t1"),
            subscription("s1", "t1"),
            topic("t2"),
            subscription("s2", "t2"),
        ]
    };
    let state = State::new("stack");
    let (state, report) = run(&plan(resources(), &state), state, &provider, &store, 4).await;
    assert_eq!(
        report.failed.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
        ["t1.topic"]
    );
    assert_eq!(report.skipped, ["s1.subscription"]);
    assert_eq!(sorted(report.created.clone()), ["s2.subscription", "t2.topic"]);
    assert!(
        provider.calls().iter().all(|c| c.address != "s1.subscription"),
        "a skipped step is never called"
    );
    let recorded: Vec<&str> = state.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        sorted(recorded.iter().map(|a| a.to_string()).collect()),
        ["s2.subscription", "t2.topic"]
    );

    // With the fault gone, the same configuration finishes what is missing.
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(2)));
    let (state, report) = run(&plan(resources(), &state), state, &provider, &store, 4).await;
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(sorted(report.created), ["s1.subscription", "t1.topic"]);
    assert_eq!(state.resources.len(), 4);
    assert!(
        plan(resources(), &state).summary().is_empty(),
        "nothing left to do"
    );
}

#[tokio::test]
async fn retryable_errors_are_retried_and_others_are_not() {
    let provider = Arc::new(
        FakeProvider::new(Duration::ZERO)
            .script("t1.topic", &[ErrorKind::Throttling, ErrorKind::Transient])
            .script("t2.topic", &[ErrorKind::Other]),
    );
    let (listener, events) = recorder();
    let state = State::new("stack");
    let plan = plan(vec![topic("t1"), topic("t2")], &state);
    let (_, report) = apply(
        &plan,
        state,
        &MemoryStore::new(),
        provider.clone(),
        &options(2),
        listener,
        never(),
    )
    .await;
    assert_eq!(report.created, ["t1.topic"]);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "t2.topic");
    let calls = provider.calls();
    assert_eq!(calls.iter().filter(|c| c.address == "t1.topic").count(), 3);
    assert_eq!(calls.iter().filter(|c| c.address == "t2.topic").count(), 1);
    let retries: Vec<u32> = events
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter_map(|e| match (&e.kind, e.address.as_str()) {
            (EventKind::Retrying { attempt, .. }, "t1.topic") => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [1, 2], "each retry is heard");
}

#[tokio::test]
async fn an_interrupt_stops_scheduling_and_keeps_what_finished() {
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(10)));
    let store = MemoryStore::new();
    let chain = vec![
        log_group("a", &[]),
        log_group("b", &["a"]),
        log_group("c", &["b"]),
    ];
    let state = State::new("stack");
    let plan = plan(chain, &state);
    // Interrupted the moment `b` starts: `b` runs to its end and is
    // recorded, `c` never starts.
    let started_b = Arc::new(tokio::sync::Notify::new());
    let notify = started_b.clone();
    let listener: Listener = Arc::new(move |event: &Event| {
        if event.address == "b.log_group" && matches!(event.kind, EventKind::Started(_)) {
            notify.notify_one();
        }
    });
    let (state, report) = apply(
        &plan,
        state,
        &store,
        provider.clone(),
        &options(4),
        listener,
        started_b.notified(),
    )
    .await;
    assert!(report.interrupted);
    assert_eq!(report.created, ["a.log_group", "b.log_group"]);
    assert_eq!(report.skipped, ["c.log_group"]);
    assert!(provider.calls().iter().all(|c| c.address != "c.log_group"));
    assert_eq!(store.state().map(|s| s.resources.len()), Some(2));
    assert_eq!(store.state(), Some(state));
}

#[tokio::test]
async fn every_operation_is_journaled_and_the_state_written_whole_twice() {
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(1)));
    let store = MemoryStore::new();
    let state = State::new("stack");
    let groups = (0..5).map(|i| log_group(&format!("g{i}"), &[])).collect();
    let (state, report) = run(&plan(groups, &state), state, &provider, &store, 2).await;
    assert!(report.succeeded());
    // Each operation's result, and the account once; the document at the
    // start (with every intent, as pending) and at the end.
    assert_eq!(store.appends(), 5 + 1);
    assert_eq!(store.writes(), 2);
    assert_eq!(state.serial, 2, "the serial counts the whole writes");
    assert!(store.journal().is_empty(), "the end compacts the journal");
    assert_eq!(store.state(), Some(state));
}

#[tokio::test]
async fn the_bytes_written_per_operation_do_not_grow_with_the_stack() {
    let mut per_operation = Vec::new();
    for size in [50, 100, 200] {
        let provider = Arc::new(FakeProvider::new(Duration::ZERO));
        let store = MemoryStore::new();
        let state = State::new("stack");
        let groups = (0..size).map(|i| log_group(&format!("g{i}"), &[])).collect();
        let (state, _) = run(&plan(groups, &state), state, &provider, &store, 8).await;
        let document = serde_json::to_vec(&state).map_or(0, |bytes| bytes.len());
        // What the journal wrote, without the two whole documents.
        per_operation.push((store.bytes() - 2 * document) / size);
    }
    assert!(
        per_operation.windows(2).all(|pair| pair[1] <= pair[0] + 8),
        "bytes per operation grew: {per_operation:?}"
    );
}

#[tokio::test]
async fn a_state_that_cannot_be_written_stops_the_apply() {
    let chain = || {
        vec![
            log_group("a", &[]),
            log_group("b", &["a"]),
            log_group("c", &["b"]),
        ]
    };
    // The first write (the document, with every intent) fails: nothing is
    // asked of AWS whose intent is not on record.
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(5)));
    let state = State::new("stack");
    let (_, report) = run(
        &plan(chain(), &state),
        state,
        &provider,
        &MemoryStore::new().failing_after(0),
        1,
    )
    .await;
    assert!(
        report.failed.iter().any(|(what, _)| what == "(state)"),
        "{report:?}"
    );
    assert!(
        provider.calls().iter().all(|c| c.operation == "account"),
        "{:?}",
        provider.calls()
    );
    assert!(provider.live().is_empty());

    // The first result cannot be journaled: what runs finishes, nothing new
    // starts.
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(5)));
    let state = State::new("stack");
    let (_, report) = run(
        &plan(chain(), &state),
        state,
        &provider,
        &MemoryStore::new().failing_after(1),
        1,
    )
    .await;
    assert!(!report.succeeded());
    assert!(
        report.failed.iter().any(|(what, _)| what == "(state)"),
        "{report:?}"
    );
    assert_eq!(provider.live().keys().collect::<Vec<_>>(), ["a.log_group"]);
}

/// The process dies after its k-th durable write, for every k: whatever AWS
/// made is then either recorded or pending in what the store replays, and a
/// plain re-run converges.
#[tokio::test]
async fn a_crash_at_every_step_loses_nothing() {
    let resources = || {
        vec![
            topic("t1"),
            subscription("s1", "t1"),
            topic("t2"),
            subscription("s2", "t2"),
            log_group("g", &[]),
        ]
    };
    let whole = MemoryStore::new();
    let state = State::new("stack");
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(1)));
    run(&plan(resources(), &state), state, &provider, &whole, 3).await;
    let operations = whole.writes() + whole.appends();
    for k in 1..operations {
        let provider = Arc::new(FakeProvider::new(Duration::from_millis(1)));
        let store = MemoryStore::new().failing_after(k);
        let state = State::new("stack");
        run(&plan(resources(), &state), state, &provider, &store, 3).await;
        let replayed = store.read().expect("reads").expect("a state");
        for address in provider.live().keys() {
            let known = replayed.resource(address).is_some()
                || replayed.pending.iter().any(|p| p.address == *address);
            assert!(
                known,
                "crash after {k} writes: {address} exists but state knows nothing of it"
            );
        }
        // Re-run on a healthy store from what was replayed.
        let healthy = MemoryStore::with(replayed.clone());
        let (finished, report) = run(&plan(resources(), &replayed), replayed, &provider, &healthy, 3).await;
        assert!(report.succeeded(), "crash after {k}: {report:?}");
        assert!(
            finished.pending.is_empty(),
            "crash after {k}: {:?}",
            finished.pending
        );
        assert!(
            plan(resources(), &finished).summary().is_empty(),
            "crash after {k}: not converged"
        );
        assert_eq!(provider.live().len(), 5, "crash after {k}");
    }
}

#[tokio::test]
async fn deletes_wait_for_what_depended_on_them() {
    let provider = Arc::new(FakeProvider::new(Duration::from_millis(5)));
    let store = MemoryStore::new();
    let state = State::new("stack");
    let resources = vec![topic("t1"), subscription("s1", "t1"), log_group("g", &[])];
    let (state, _) = run(&plan(resources, &state), state, &provider, &store, 4).await;
    let destroy = destroy_plan("stack", &state);
    let (state, report) = run(&destroy, state, &provider, &store, 4).await;
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(report.deleted.len(), 3);
    let calls = provider.calls();
    assert!(call(&calls, "t1.topic", "delete").started > call(&calls, "s1.subscription", "delete").ended);
    assert!(state.resources.is_empty());
    assert!(provider.live().is_empty(), "nothing is left behind");
}

#[tokio::test]
async fn the_account_is_looked_up_only_when_unknown() {
    let provider = Arc::new(FakeProvider::new(Duration::ZERO));
    let store = MemoryStore::new();
    let state = State::new("stack");
    let (state, _) = run(&plan(vec![topic("t1")], &state), state, &provider, &store, 2).await;
    assert_eq!(provider.account_lookups(), 1);
    let (_, _) = run(
        &plan(vec![topic("t1"), topic("t2")], &state),
        state,
        &provider,
        &store,
        2,
    )
    .await;
    assert_eq!(provider.account_lookups(), 1, "the state knows the account");
}

#[tokio::test]
async fn refresh_finds_what_was_deleted_or_changed_outside() {
    let provider = Arc::new(FakeProvider::new(Duration::ZERO));
    let store = MemoryStore::new();
    let state = State::new("stack");
    let resources = vec![topic("t1"), log_group("g", &[])];
    let (state, _) = run(&plan(resources, &state), state, &provider, &store, 2).await;
    provider.tamper("t1.topic", None);
    provider.tamper(
        "g.log_group",
        Some(Attributes::LogGroup(LogGroup {
            name: "g".into(),
            retention_days: Some(1),
            tags: Tags::new(),
        })),
    );
    let refreshed = refresh(&state, provider.clone(), 4).await;
    assert_eq!(refreshed.missing, ["t1.topic"]);
    assert_eq!(refreshed.drift.len(), 1);
    assert_eq!(refreshed.drift[0].attribute, "retention_days");
    assert_eq!(refreshed.drift[0].actual, serde_json::json!(1));
    assert_eq!(refreshed.drift[0].recorded, serde_json::json!(14));
    assert!(refreshed.errors.is_empty());
    // Planned against what AWS has, the missing topic is created again and
    // the retention set back.
    let again = plan(vec![topic("t1"), log_group("g", &[])], &refreshed.state);
    let summary = again.summary();
    assert_eq!((summary.add, summary.change), (1, 1), "{summary:?}");
}

/// With reconciliation before the re-run, a crash at any point makes nothing
/// twice: every create AWS did before the crash is adopted, not repeated.
#[tokio::test]
async fn after_a_crash_reconciliation_makes_nothing_twice() {
    let resources = || vec![topic("t1"), subscription("s1", "t1"), log_group("g", &[])];
    let whole = MemoryStore::new();
    let state = State::new("stack");
    run(
        &plan(resources(), &state),
        state,
        &Arc::new(FakeProvider::new(Duration::ZERO)),
        &whole,
        3,
    )
    .await;
    for k in 1..whole.writes() + whole.appends() {
        let provider = Arc::new(FakeProvider::new(Duration::from_millis(1)));
        let store = MemoryStore::new().failing_after(k);
        let state = State::new("stack");
        run(&plan(resources(), &state), state, &provider, &store, 3).await;
        let mut replayed = store.read().expect("reads").expect("a state");
        let wanted = plan(resources(), &replayed);
        let reconciled = super::reconcile(&wanted, &mut replayed, provider.clone()).await;
        assert!(
            replayed.pending.is_empty(),
            "crash after {k}: {:?}",
            reconciled.unresolved
        );
        let healthy = MemoryStore::with(replayed.clone());
        let (finished, report) = run(&plan(resources(), &replayed), replayed, &provider, &healthy, 3).await;
        assert!(report.succeeded(), "crash after {k}: {report:?}");
        for address in ["t1.topic", "s1.subscription", "g.log_group"] {
            let creates = provider
                .calls()
                .iter()
                .filter(|c| c.address == address && c.operation == "create")
                .count();
            assert_eq!(creates, 1, "crash after {k}: {address} created {creates} times");
        }
        assert!(plan(resources(), &finished).summary().is_empty());
    }
}

#[tokio::test]
async fn import_records_what_exists_once_and_only_where_the_file_declares_it() {
    let resources = || vec![topic("t1"), subscription("s1", "t1")];
    let provider = Arc::new(FakeProvider::new(Duration::ZERO));
    let store = MemoryStore::new();
    let state = State::new("stack");
    let (applied, _) = run(&plan(resources(), &state), state, &provider, &store, 2).await;
    let original = applied.resource("t1.topic").expect("applied").clone();

    // The state lost the topic; AWS still has it.
    let mut state = applied.clone();
    state.resources.retain(|r| r.address != "t1.topic");
    let wanted = plan(resources(), &state);
    let unknown = super::import(&wanted, &mut state, provider.clone(), "t1.topic", "id-nope").await;
    assert!(
        matches!(unknown, Err(super::ImportError::NotFound { .. })),
        "{unknown:?}"
    );
    let undeclared = super::import(&wanted, &mut state, provider.clone(), "t9.topic", "id-t1.topic").await;
    assert!(
        matches!(undeclared, Err(super::ImportError::NotDeclared { .. })),
        "{undeclared:?}"
    );

    let imported = super::import(
        &wanted,
        &mut state,
        provider.clone(),
        "t1.topic",
        &original.physical_id,
    )
    .await
    .expect("imports");
    assert_eq!(imported.physical_id, original.physical_id);
    assert_eq!(imported.outputs, original.outputs);
    let again = super::import(
        &wanted,
        &mut state,
        provider.clone(),
        "t1.topic",
        &original.physical_id,
    )
    .await;
    assert!(
        matches!(again, Err(super::ImportError::AlreadyManaged { .. })),
        "{again:?}"
    );
    // Nothing to do once it is recorded: no second topic.
    assert!(plan(resources(), &state).summary().is_empty());
}
