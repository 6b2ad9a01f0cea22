//! What can go wrong with state, as data.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read state {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "state {} is not valid: {message} (line {line}, column {column}); it was left as it is — \
         restore it from {}.backup or from version control",
        path.display(),
        path.display()
    )]
    Malformed {
        path: PathBuf,
        message: String,
        line: usize,
        column: usize,
    },
    #[error(
        "state {} has format version {found}; this drx reads version {supported} — use a newer drx",
        path.display()
    )]
    UnsupportedVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("cannot write state {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{}", locked_message(path, holder, stale))]
    Locked {
        path: PathBuf,
        holder: Option<Box<super::LockHolder>>,
        /// The holder is on this host and its process is gone.
        stale: bool,
    },
    #[error("cannot create lock {}: {source}", path.display())]
    Lock { path: PathBuf, source: std::io::Error },
}

fn locked_message(path: &std::path::Path, holder: &Option<Box<super::LockHolder>>, stale: &bool) -> String {
    let who = match holder {
        Some(holder) => format!(
            "{} (pid {} on {}, since {})",
            holder.operation, holder.pid, holder.host, holder.since
        ),
        None => "an unreadable lock file".to_string(),
    };
    if *stale {
        format!(
            "state is locked by {who}, but that process is no longer running; if no drx is running for this \
             stack, delete {} and try again",
            path.display()
        )
    } else {
        format!(
            "state is locked by {who}; wait for it to finish (or, if it died, delete {})",
            path.display()
        )
    }
}
