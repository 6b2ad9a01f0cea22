//! The state lock: one writer per stack, held by the operating system.
//!
//! The lock is an advisory lock on `<state>.lock` (flock on Unix, as
//! Terraform's local backend does with fcntl): the kernel releases it when the
//! holder exits, however it exits, so `kill -9` or a power cut never leaves a
//! lock behind. The file's contents only name the holder — pid, host,
//! operation, since, and a lock id — for the message a second drx prints; a
//! file that names a holder but is not locked is a record of a dead process
//! and is simply taken over. The file itself is never deleted: a process
//! blocked on it could otherwise lock a file no one else can see.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::StateError;

/// Who holds a lock, as written in the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    /// Names this holding of the lock, for `drx force-unlock`.
    #[serde(default)]
    pub id: String,
    pub pid: u32,
    pub host: String,
    /// `plan`, `apply`, `destroy`.
    pub operation: String,
    /// RFC 3339.
    pub since: String,
    pub drx_version: String,
    /// The AWS identity (user or role ARN) of a remote lock's holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
}

impl LockHolder {
    /// This process, taking a lock for `operation` now, under a new lock id.
    pub fn now(operation: &str) -> LockHolder {
        LockHolder {
            id: uuid::Uuid::new_v4().to_string(),
            pid: std::process::id(),
            host: gethostname::gethostname().to_string_lossy().into_owned(),
            operation: operation.to_string(),
            since: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            drx_version: env!("CARGO_PKG_VERSION").to_string(),
            who: None,
        }
    }

    /// How long ago it was taken, when `since` can be read.
    pub fn age(&self) -> Option<Duration> {
        let since = humantime::parse_rfc3339(&self.since).ok()?;
        std::time::SystemTime::now().duration_since(since).ok()
    }
}

/// Held until dropped; dropping clears the holder and releases the lock.
#[derive(Debug)]
pub struct Lock {
    file: std::fs::File,
    holder: LockHolder,
}

/// How often a waiting drx tries the lock again.
const RETRY: Duration = Duration::from_millis(200);

fn open(path: &Path) -> Result<std::fs::File, StateError> {
    let error = |source| StateError::Lock {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(error)
}

/// Who the lock file names, if anyone.
fn named_holder(file: &mut std::fs::File) -> Option<Box<LockHolder>> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok().map(Box::new)
}

impl Lock {
    /// Takes the lock at `path`, waiting up to `timeout` for a running holder
    /// to let it go; otherwise says who holds it.
    pub fn acquire(path: &Path, operation: &str, timeout: Duration) -> Result<Lock, StateError> {
        let mut file = open(path)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    let waited = started.elapsed();
                    if waited >= timeout {
                        return Err(StateError::Locked {
                            path: path.to_path_buf(),
                            holder: named_holder(&mut file),
                            waited: timeout,
                        });
                    }
                    std::thread::sleep(RETRY.min(timeout - waited));
                }
                Err(std::fs::TryLockError::Error(source)) => {
                    return Err(StateError::Lock {
                        path: path.to_path_buf(),
                        source,
                    });
                }
            }
        }
        let holder = LockHolder::now(operation);
        let text = serde_json::to_string_pretty(&holder).unwrap_or_default();
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(text.as_bytes()))
            .and_then(|()| file.sync_data());
        if let Err(source) = written {
            let _ = file.unlock();
            return Err(StateError::Lock {
                path: path.to_path_buf(),
                source,
            });
        }
        Ok(Lock { file, holder })
    }

    pub fn holder(&self) -> &LockHolder {
        &self.holder
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// What `force_unlock` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unlocked {
    /// The lock was free; the record of its last holder, which had died, is
    /// cleared.
    Cleared(Box<LockHolder>),
    /// The lock was free and named no holder.
    AlreadyFree,
}

/// `drx force-unlock LOCK_ID` for a local lock. A lock the OS holds for a
/// running process cannot be taken from it (stop the process instead); one
/// whose holder died was released by the kernel already, and only its record
/// is cleared, when `id` is the one it names.
pub fn force_unlock(path: &Path, id: &str) -> Result<Unlocked, StateError> {
    let mut file = open(path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(StateError::HeldByRunningProcess {
                path: path.to_path_buf(),
                holder: named_holder(&mut file),
            });
        }
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(StateError::Lock {
                path: path.to_path_buf(),
                source,
            });
        }
    }
    let result = match named_holder(&mut file) {
        None => Ok(Unlocked::AlreadyFree),
        Some(holder) if holder.id == id => {
            file.set_len(0)
                .map(|()| Unlocked::Cleared(holder))
                .map_err(|source| StateError::Lock {
                    path: path.to_path_buf(),
                    source,
                })
        }
        Some(holder) => Err(StateError::LockIdMismatch {
            path: path.to_path_buf(),
            given: id.to_string(),
            holder,
        }),
    };
    let _ = file.unlock();
    result
}

/// Where the lock of the state at `state` is.
pub(super) fn lock_path(state: &Path) -> PathBuf {
    state.with_extension("lock")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Duration = Duration::ZERO;

    #[test]
    fn a_second_lock_names_the_holder_and_dropping_releases() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("stack.lock");
        let lock = Lock::acquire(&path, "apply", NOW).expect("first lock");
        let id = lock.holder().id.clone();
        match Lock::acquire(&path, "plan", NOW) {
            Err(StateError::Locked {
                holder: Some(holder), ..
            }) => {
                assert_eq!(holder.pid, std::process::id());
                assert_eq!(holder.operation, "apply");
                assert_eq!(holder.id, id);
            }
            other => panic!("expected a held lock, got {other:?}"),
        }
        drop(lock);
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "",
            "the holder is cleared"
        );
        let again = Lock::acquire(&path, "plan", NOW).expect("lock after release");
        assert_ne!(again.holder().id, id, "each holding has its own id");
    }

    #[test]
    fn a_record_left_by_a_dead_process_is_no_lock() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("stack.lock");
        let dead = LockHolder {
            id: "dead".into(),
            pid: u32::MAX - 1,
            host: "elsewhere".into(),
            operation: "apply".into(),
            since: "2026-01-01T00:00:00Z".into(),
            drx_version: "0".into(),
            who: None,
        };
        std::fs::write(&path, serde_json::to_string(&dead).expect("json")).expect("write");
        let lock = Lock::acquire(&path, "plan", NOW).expect("nothing holds it");
        assert_eq!(lock.holder().pid, std::process::id());
        let recorded: LockHolder =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        assert_eq!(recorded, *lock.holder(), "the file names the new holder");
    }

    #[test]
    fn a_timeout_waits_for_the_holder_to_let_go() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("stack.lock");
        let lock = Lock::acquire(&path, "apply", NOW).expect("first lock");
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(lock);
        });
        let started = Instant::now();
        let second = Lock::acquire(&path, "plan", Duration::from_secs(10)).expect("taken once released");
        assert!(started.elapsed() >= Duration::from_millis(250));
        assert_eq!(second.holder().operation, "plan");
        release.join().expect("thread");
    }

    #[test]
    fn a_timeout_that_runs_out_says_so() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("stack.lock");
        let _lock = Lock::acquire(&path, "apply", NOW).expect("first lock");
        let error = Lock::acquire(&path, "plan", Duration::from_millis(300)).expect_err("still held");
        assert!(
            matches!(error, StateError::Locked { waited, .. } if waited == Duration::from_millis(300)),
            "{error:?}"
        );
        assert!(error.to_string().contains("waited 300ms"), "{error}");
    }

    #[test]
    fn force_unlock_never_takes_a_running_holders_lock() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("stack.lock");
        let lock = Lock::acquire(&path, "apply", NOW).expect("first lock");
        let id = lock.holder().id.clone();
        let error = force_unlock(&path, &id).expect_err("held");
        assert!(
            matches!(error, StateError::HeldByRunningProcess { .. }),
            "{error:?}"
        );
        drop(lock);
        assert!(matches!(force_unlock(&path, &id), Ok(Unlocked::AlreadyFree)));
    }

    #[test]
    fn force_unlock_clears_a_dead_holders_record_by_its_id() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("stack.lock");
        let dead = LockHolder {
            id: "0f0e".into(),
            pid: 1,
            host: "h".into(),
            operation: "apply".into(),
            since: "2026-01-01T00:00:00Z".into(),
            drx_version: "0".into(),
            who: None,
        };
        std::fs::write(&path, serde_json::to_string(&dead).expect("json")).expect("write");
        assert!(matches!(
            force_unlock(&path, "other"),
            Err(StateError::LockIdMismatch { .. })
        ));
        assert!(matches!(force_unlock(&path, "0f0e"), Ok(Unlocked::Cleared(holder)) if *holder == dead));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "");
    }
}
