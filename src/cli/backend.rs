//! The state store a command works with: the local file, or the S3 object a
//! team shares. One type for both, so each command says what to do with the
//! state, not where it is.

use std::path::Path;

use crate::aws::{S3Backend, S3Lock};
use crate::state::{
    JournalRecord, LocalBackend, Location, Lock, Recovery, State, StateError, StateStore, Unlocked,
    force_unlock,
};

pub(super) enum Backend {
    Local(LocalBackend),
    S3(S3Backend),
}

/// A held state lock, released when dropped: its value is never read, only
/// kept for the command's life.
#[derive(Debug)]
pub(super) enum HeldLock {
    /// Held by the operating system.
    Local(#[expect(dead_code, reason = "held for its Drop, which releases it")] Lock),
    /// An object in S3.
    S3(#[expect(dead_code, reason = "held for its Drop, which releases it")] S3Lock),
}

impl Backend {
    /// The store at `location`, or beside `file` when none is given.
    pub(super) fn open(location: Option<&Location>, file: &Path, stack: &str) -> Result<Backend, StateError> {
        Ok(match location {
            None => Backend::Local(LocalBackend::beside(file, stack)),
            Some(Location::Local(path)) => Backend::Local(LocalBackend::new(path.clone())),
            Some(Location::S3 { bucket, key }) => Backend::S3(S3Backend::open(bucket, key, Some(file))?),
        })
    }

    /// Where the state is, for messages.
    pub(super) fn describe(&self) -> String {
        match self {
            Backend::Local(local) => local.path().display().to_string(),
            Backend::S3(s3) => s3.location(),
        }
    }

    pub(super) fn lock(&self, operation: &str, timeout: std::time::Duration) -> Result<HeldLock, StateError> {
        match self {
            Backend::Local(local) => local.lock(operation, timeout).map(HeldLock::Local),
            Backend::S3(s3) => s3.lock(operation, timeout).map(HeldLock::S3),
        }
    }

    /// What the last read replayed from a journal an interrupted command left.
    pub(super) fn recovered(&self) -> Option<Recovery> {
        match self {
            Backend::Local(local) => local.recovered(),
            Backend::S3(s3) => s3.recovered(),
        }
    }

    pub(super) fn journal_location(&self) -> String {
        match self {
            Backend::Local(local) => local.journal_path().display().to_string(),
            Backend::S3(s3) => s3.journal_location(),
        }
    }

    /// Where the lock is, for messages.
    pub(super) fn lock_location(&self) -> String {
        match self {
            Backend::Local(local) => local.lock_path().display().to_string(),
            Backend::S3(s3) => format!("{}.lock", s3.location()),
        }
    }

    /// Moves the state aside after it was migrated; where it went.
    pub(super) fn retire(&self) -> Result<String, StateError> {
        match self {
            Backend::Local(local) => local.retire().map(|path| path.display().to_string()),
            Backend::S3(s3) => s3.retire(),
        }
    }

    pub(super) fn force_unlock(&self, id: &str) -> Result<Unlocked, StateError> {
        match self {
            Backend::Local(local) => force_unlock(&local.lock_path(), id),
            Backend::S3(s3) => s3.force_unlock(id),
        }
    }
}

impl StateStore for Backend {
    fn read(&self) -> Result<Option<State>, StateError> {
        match self {
            Backend::Local(local) => local.read(),
            Backend::S3(s3) => s3.read(),
        }
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        match self {
            Backend::Local(local) => local.write(state),
            Backend::S3(s3) => s3.write(state),
        }
    }

    fn write_last(&self, state: &State) -> Result<(), StateError> {
        match self {
            Backend::Local(local) => local.write_last(state),
            Backend::S3(s3) => s3.write_last(state),
        }
    }

    fn append(&self, record: &JournalRecord) -> Result<(), StateError> {
        match self {
            Backend::Local(local) => local.append(record),
            Backend::S3(s3) => s3.append(record),
        }
    }
}
