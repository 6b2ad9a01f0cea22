//! A state store in memory: the fake the executor's tests write through. It
//! counts writes and can be told to fail, so tests can see what the executor
//! does when the state cannot be saved.

use std::sync::Mutex;

use super::{State, StateError, StateStore};

#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    state: Option<State>,
    writes: usize,
    /// Writes after this many succeed no more.
    fail_after: Option<usize>,
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

    /// Every write after the first `writes` fails.
    pub fn failing_after(self, writes: usize) -> MemoryStore {
        self.lock().fail_after = Some(writes);
        self
    }

    /// Writes that succeeded.
    pub fn writes(&self) -> usize {
        self.lock().writes
    }

    pub fn state(&self) -> Option<State> {
        self.lock().state.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl StateStore for MemoryStore {
    fn read(&self) -> Result<Option<State>, StateError> {
        Ok(self.lock().state.clone())
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        let mut inner = self.lock();
        if inner.fail_after.is_some_and(|limit| inner.writes >= limit) {
            return Err(StateError::Write {
                path: "(memory)".into(),
                source: std::io::Error::other("the store was told to fail"),
            });
        }
        inner.writes += 1;
        inner.state = Some(state.clone());
        Ok(())
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
