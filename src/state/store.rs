//! Where a stack's state is kept. The executor writes through this trait
//! only, so a store can be swapped (a file, later S3) and the executor tested
//! against a fake; `conformance` is the suite every store must pass.

use super::{JournalRecord, State, StateError};

/// Reads and writes one stack's state: the document, and the journal of
/// what happened since it was written whole.
pub trait StateStore: Send + Sync {
    /// The state with any journal replayed onto it, or `None` if the stack
    /// was never applied.
    fn read(&self) -> Result<Option<State>, StateError>;
    /// Replaces the state with `state`, durably, and starts an empty journal
    /// after it (compaction): after `Ok`, a crash does not lose it; after
    /// `Err`, the previous state and journal are intact.
    fn write(&self, state: &State) -> Result<(), StateError>;
    /// The command's last write (the executor's, at the end of an apply or
    /// destroy): a `write`, after which the command writes no more, so a
    /// store may let go of the command's lock as it writes (S3 does, in the
    /// same round trip).
    fn write_last(&self, state: &State) -> Result<(), StateError> {
        self.write(state)
    }
    /// Adds one record to the journal after the last `write`: durably before
    /// it returns (a file), or soon after (a store whose round trips are
    /// long, like S3, uploads records in batches; `read` and `write` wait for
    /// them). Only results are appended — every intent is in the `write` before
    /// any operation — so a result a crash loses leaves its intent pending,
    /// which the next command resolves in AWS.
    fn append(&self, record: &JournalRecord) -> Result<(), StateError>;
}

/// What every `StateStore` must do, as one suite: each implementation's tests
/// call it on a fresh, empty store. Public (and hidden) because the S3 store
/// is tested from the integration tests, against the emulator.
#[doc(hidden)]
pub fn conformance(store: &dyn StateStore) {
    assert_eq!(
        store.read().expect("an empty store reads"),
        None,
        "empty at first"
    );

    let mut state = State::new("stack");
    state.account_id = Some("123456789012".into());
    store.write(&state).expect("first write");
    assert_eq!(
        store.read().expect("read back"),
        Some(state.clone()),
        "round trip"
    );

    state.serial += 1;
    state.resources.push(crate::model::ResourceState {
        address: "a.table@us-east-1".into(),
        resource_type: crate::model::resources::ResourceType::DynamodbTable,
        region: Some(crate::model::Region("us-east-1".into())),
        physical_id: "a".into(),
        attributes: serde_json::json!({ "name": "a" }),
        outputs: [("arn".to_string(), "arn:a".to_string())].into(),
        depends_on: vec![],
    });
    store.write(&state).expect("second write");
    let read = store.read().expect("read").expect("present");
    assert_eq!(read, state, "a later write replaces the earlier one whole");

    // Writing fewer resources is a write like any other: the store never
    // merges.
    state.serial += 1;
    state.resources.clear();
    store.write(&state).expect("third write");
    assert_eq!(store.read().expect("read"), Some(state.clone()));

    // What the journal records after a write is read back on top of it.
    let created = crate::model::ResourceState {
        address: "b.topic@us-east-1".into(),
        resource_type: crate::model::resources::ResourceType::SnsTopic,
        region: Some(crate::model::Region("us-east-1".into())),
        physical_id: "arn:b".into(),
        attributes: serde_json::json!({ "name": "b" }),
        outputs: Default::default(),
        depends_on: vec![],
    };
    let intent = JournalRecord::Intent(super::PendingOperation {
        address: created.address.clone(),
        operation: super::Operation::Create,
        resource_type: created.resource_type,
        region: created.region.clone(),
        name: Some("b".into()),
        token: None,
    });
    store.append(&intent).expect("intent");
    let pending = store.read().expect("read").expect("present");
    assert_eq!(
        pending.pending.len(),
        1,
        "an intent without its result is pending"
    );
    store
        .append(&JournalRecord::Applied {
            resource: created.clone(),
        })
        .expect("result");
    let replayed = store.read().expect("read").expect("present");
    assert_eq!(replayed.resources, vec![created.clone()]);
    assert!(replayed.pending.is_empty());
    assert_eq!(
        replayed.serial, state.serial,
        "a journal does not move the serial"
    );

    // Compaction: the journal's effect is kept, the journal itself is not.
    let mut compacted = replayed.clone();
    compacted.serial += 1;
    store.write(&compacted).expect("compaction");
    assert_eq!(store.read().expect("read"), Some(compacted));
}
