//! The state lock: one writer per stack, and a lock that says who holds it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StateError;

/// Who holds a lock, as written in the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub pid: u32,
    pub host: String,
    /// `plan`, `apply`, `destroy`.
    pub operation: String,
    /// RFC 3339.
    pub since: String,
    pub drx_version: String,
}

/// Held until dropped; dropping removes the lock file.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock at `path`, or says who has it.
    pub fn acquire(path: &Path, operation: &str) -> Result<Lock, StateError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| StateError::Lock {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let holder = LockHolder {
            pid: std::process::id(),
            host: gethostname::gethostname().to_string_lossy().into_owned(),
            operation: operation.to_string(),
            since: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            drx_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                let text = serde_json::to_string_pretty(&holder).unwrap_or_default();
                file.write_all(text.as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|source| StateError::Lock {
                        path: path.to_path_buf(),
                        source,
                    })?;
                Ok(Lock {
                    path: path.to_path_buf(),
                })
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder: Option<Box<LockHolder>> = std::fs::read_to_string(path)
                    .ok()
                    .and_then(|text| serde_json::from_str(&text).ok());
                let stale = holder.as_ref().is_some_and(|holder| {
                    holder.host == gethostname::gethostname().to_string_lossy() && !process_exists(holder.pid)
                });
                Err(StateError::Locked {
                    path: path.to_path_buf(),
                    holder,
                    stale,
                })
            }
            Err(source) => Err(StateError::Lock {
                path: path.to_path_buf(),
                source,
            }),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether a process with this id runs on this host (Linux: `/proc/<pid>`).
fn process_exists(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.exists() {
        // Without /proc we cannot tell; assume it runs rather than steal.
        return true;
    }
    proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_holder_and_dropping_releases() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("stack.lock");
        let lock = Lock::acquire(&path, "apply").expect("first lock");
        match Lock::acquire(&path, "plan") {
            Err(StateError::Locked {
                holder: Some(holder),
                stale: false,
                ..
            }) => {
                assert_eq!(holder.pid, std::process::id());
                assert_eq!(holder.operation, "apply");
            }
            other => panic!("expected a held lock, got {other:?}"),
        }
        drop(lock);
        Lock::acquire(&path, "plan").expect("lock after release");
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_called_stale() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("stack.lock");
        let holder = LockHolder {
            pid: u32::MAX - 1,
            host: gethostname::gethostname().to_string_lossy().into_owned(),
            operation: "apply".into(),
            since: "2026-01-01T00:00:00Z".into(),
            drx_version: "0".into(),
        };
        std::fs::write(&path, serde_json::to_string(&holder).expect("json")).expect("write");
        let error = Lock::acquire(&path, "plan").expect_err("locked");
        assert!(
            matches!(error, StateError::Locked { stale: true, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("no longer running"), "{error}");
        assert!(path.exists(), "a stale lock is reported, never removed silently");
    }
}
