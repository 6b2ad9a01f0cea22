//! A state store in memory: the fake the executor's tests write through. It
//! counts writes and can be told to fail, so tests can see what the executor
//! does when the state cannot be saved.

use std::sync::Mutex;

use super::{JournalRecord, State, StateError, StateStore};

#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    state: Option<State>,
    /// The journal since the last write.
    journal: Vec<JournalRecord>,
    writes: usize,
    appends: usize,
    /// Bytes the document and the journal would take, written in all.
    bytes: usize,
    /// Writes and appends after this many succeed no more: the store has
    /// "crashed", and keeps what it had.
    fail_after: Option<usize>,
}

impl Inner {
    fn failing(&self) -> bool {
        self.fail_after
            .is_some_and(|limit| self.writes + self.appends >= limit)
    }
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store that holds `state` already.
    pub fn with(state: State) -> MemoryStore {
        let store = MemoryStore::new();
        store.lock().state = Some(state);
        store
    }

    /// Every write or append after the first `operations` fails.
    pub fn failing_after(self, operations: usize) -> MemoryStore {
        self.lock().fail_after = Some(operations);
        self
    }

    /// Whole-document writes that succeeded.
    pub fn writes(&self) -> usize {
        self.lock().writes
    }

    /// Journal appends that succeeded.
    pub fn appends(&self) -> usize {
        self.lock().appends
    }

    /// Bytes written, documents and journal records together.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// The journal since the last write.
    pub fn journal(&self) -> Vec<JournalRecord> {
        self.lock().journal.clone()
    }

    /// The document as last written whole (without the journal).
    pub fn state(&self) -> Option<State> {
        self.lock().state.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl StateStore for MemoryStore {
    fn read(&self) -> Result<Option<State>, StateError> {
        let inner = self.lock();
        Ok(inner.state.clone().map(|mut state| {
            super::replay(&mut state, &inner.journal);
            state
        }))
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        let mut inner = self.lock();
        if inner.failing() {
            return Err(failed());
        }
        inner.writes += 1;
        inner.bytes += serde_json::to_vec(state).map_or(0, |bytes| bytes.len());
        inner.state = Some(state.clone());
        inner.journal.clear();
        Ok(())
    }

    fn append(&self, record: &JournalRecord) -> Result<(), StateError> {
        let mut inner = self.lock();
        if inner.failing() {
            return Err(failed());
        }
        if inner.state.is_none() {
            return Err(StateError::Write {
                path: "(memory)".into(),
                source: std::io::Error::other("the journal is appended to only after the state is written"),
            });
        }
        inner.appends += 1;
        inner.bytes += serde_json::to_vec(record).map_or(0, |bytes| bytes.len());
        inner.journal.push(record.clone());
        Ok(())
    }
}

fn failed() -> StateError {
    StateError::Write {
        path: "(memory)".into(),
        source: std::io::Error::other("the store was told to fail"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_store_conforms() {
        super::super::store::conformance(&MemoryStore::new());
    }

    #[test]
    fn a_failing_store_keeps_the_last_good_state() {
        let store = MemoryStore::new().failing_after(1);
        let state = State::new("stack");
        store.write(&state).expect("first");
        let mut later = state.clone();
        later.serial = 5;
        assert!(store.write(&later).is_err());
        assert_eq!(store.state(), Some(state));
        assert_eq!(store.writes(), 1);
    }
}
