//! Where a stack's state is kept. The executor writes through this trait
//! only, so a store can be swapped (a file, later S3) and the executor tested
//! against a fake; `conformance` is the suite every store must pass.

use super::{State, StateError};

/// Reads and writes one stack's state document.
pub trait StateStore: Send + Sync {
    /// The state, or `None` if the stack was never applied.
    fn read(&self) -> Result<Option<State>, StateError>;
    /// Replaces the state with `state`, durably: after `Ok`, a crash does
    /// not lose it; after `Err`, the previous state is intact.
    fn write(&self, state: &State) -> Result<(), StateError>;
}

/// What every `StateStore` must do, as one suite: each implementation's tests
/// call it on a fresh, empty store.
#[cfg(test)]
pub(crate) fn conformance(store: &dyn StateStore) {
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
    assert_eq!(store.read().expect("read"), Some(state));
}
